#pragma once

#include "core/protocol.h"
#include "core/tokenbucket.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <utility>

namespace PeerLink {

/// The messages sent through the hub and not acknowledged yet. Each is kept until the hub acks or refuses it,
/// goes again (same mid, in order) after a reconnect or a `rate_limited`, paced below the hub's rate, and
/// waits
/// ("parked") while its peer has not come back after the hub restarted. Time is a parameter, as in
/// TokenBucket, so its rules are tested without sockets or waiting.
class Outbox
{
public:
    /// Most messages kept; more are refused by the client.
    static constexpr int MaxSize = 10000;
    /// How long messages wait for a peer that was there before a reconnect to come back.
    static constexpr int ParkMs = 30000;

    /// @p resendPerSecond paces resends: at most that many a second, a tenth of them at once.
    explicit Outbox(int resendPerSecond = 50);

    void setResendRate(int perSecond);
    int resendRate() const { return m_resendPerSecond; }

    int size() const { return int(m_messages.size()); }
    bool isFull() const { return m_messages.size() >= MaxSize; }
    bool contains(const QString &mid) const;
    /// Whether a message to @p peer is kept (not acked by the hub yet).
    bool hasMessagesTo(const QString &peer) const;
    /// Messages waiting for their turn to be sent (again).
    int waiting() const { return int(m_queue.size()); }
    /// Every kept message, oldest first.
    const QList<MessageRequest> &messages() const { return m_messages; }

    /// Keeps @p message until it is settled. Returns true when the caller may send it at once (@p canSendNow
    /// and nothing waits before it); otherwise it waits in line behind the others, so that the order holds.
    bool add(const MessageRequest &message, bool canSendNow);
    /// After a reconnect: every kept message goes again, in order.
    void resendAll();
    /// The hub refused @p mid for speed: it goes again, paced. False if it is not kept.
    bool retry(const QString &mid);
    /// Acked, or refused for good: forgets @p mid. False if it was not kept.
    bool settle(const QString &mid);
    /// The messages to send at @p nowMs, within the pacing; they leave the line (and stay kept until
    /// settled).
    QList<MessageRequest> takeDue(qint64 nowMs);
    /// Forgets everything.
    void clear();

    /// After a drop with a reconnect: these peers were there and may come back with the hub.
    void setReturning(const QStringList &peers);
    /// A peer came back: what was parked for it goes, in order.
    void peerBack(const QString &peer);
    /// A peer left for real: its messages are not parked any more.
    void peerGone(const QString &peer);
    /// The hub said @p mid's peer is not there: if that peer is expected back, the message is parked (true)
    /// until it joins or the park time ends.
    bool park(const QString &mid, qint64 nowMs);
    /// When the parked messages fail (ms, same clock as nowMs), or -1 when none wait.
    qint64 parkDeadline() const { return m_parkDeadline; }
    /// At or after the deadline: the parked messages fail. Returns them as (peer, mid), forgotten, and stops
    /// expecting anyone back.
    QList<std::pair<QString, QString>> expireParked(qint64 nowMs);

private:
    int m_resendPerSecond = 50;
    TokenBucket m_pacing;
    QList<MessageRequest> m_messages; // kept, oldest first
    QList<MessageRequest> m_queue; // waiting to be sent (again), oldest first
    QSet<QString> m_returning;
    QHash<QString, QStringList> m_parked; // mids by peer
    qint64 m_parkDeadline = -1;
};

/// Remembers the last messages delivered, by (from, mid), so that one that comes again through the hub after
/// a direct link dropped is delivered once.
class DuplicateFilter
{
public:
    /// Far more than can be in flight when a link drops.
    static constexpr int Capacity = 10000;

    /// True the first time (from, mid) is seen.
    bool firstTime(const QString &from, const QString &mid);
    void clear();

private:
    QSet<QString> m_seen;
    QList<QString> m_order;
};

} // namespace PeerLink
