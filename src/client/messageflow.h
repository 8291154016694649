#pragma once

#include "client/clienterror.h"
#include "client/orderbuffer.h"
#include "client/outbox.h"
#include "core/protocol.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <functional>
#include <optional>

class QTimer;

namespace PeerLink {

class SecureChannel;

/// The chat messages of one client, without sockets: the checks before one is sent (joined, the outbox not
/// full, a valid peer, the size limit), sealing or signing it with SecureChannel at the moment it goes, a
/// direct link first when there is one, else the Outbox until the hub acks it; resends after a reconnect, a
/// `rate_limited` or a dropped link, paced; parking for a peer expected back after a hub restart; acks and
/// refusals by their `ref`; and on the way in, duplicates dropped, end-to-end messages opened, and what a
/// peer with a changed key sent held until its key is trusted. Frames for the hub and events leave as
/// signals; the direct links are reached through the callbacks of Links; time comes from a clock that a test
/// may replace.
class MessageFlow : public QObject
{
    Q_OBJECT
public:
    /// Messages held back from one peer whose key changed, at most (more are dropped).
    static constexpr int MaxHeldMessages = 256;

    /// The direct links, as the flow uses them (unset callbacks: there is no link).
    struct Links
    {
        /// Sends @p message over its peer's link if it is up (with @p e2e, the sealed text, instead of its text
        /// on the wire) and keeps it until the peer acks it; false: no link.
        std::function<bool(const MessageRequest &message, const QString &e2e)> send;
        /// What @p peer's link did not confirm, oldest first (forgotten there).
        std::function<QList<MessageRequest>(const QString &peer)> takeUnacked;
        /// @p mid is settled: no link waits for its ack any more.
        std::function<void(const QString &mid)> forgetUnacked;
    };

    /// Seals and opens with @p secure, which must outlive the flow.
    explicit MessageFlow(SecureChannel &secure, QObject *parent = nullptr);
    ~MessageFlow() override;

    void setLinks(Links links) { m_links = std::move(links); }
    /// Whether a lost connection is being resumed now (messages may wait for it); by default never.
    void setResuming(std::function<bool()> resuming) { m_resuming = std::move(resuming); }
    /// The monotonic clock (ms) of the outbox's rules; by default the time since construction.
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }
    /// Joined to the hub: messages go through it now (PeerClient says so with every state change).
    void setJoined(bool joined) { m_joined = joined; }
    bool isJoined() const { return m_joined; }

    /// Largest message sent (bytes of JSON; 0: the hub's announced limit, or 65 536).
    void setMaxOutgoingMessageBytes(qint64 bytes) { m_maxOutgoingBytes = std::max<qint64>(0, bytes); }
    /// The smaller of the value set above and the hub's announced limit.
    qint64 maxOutgoingMessageBytes() const;
    /// How long a message that came before its turn waits for the ones sent before it (ms; see OrderBuffer).
    void setOrderHoldMs(qint64 ms) { m_order.setHoldMs(std::max<qint64>(0, ms)); }
    qint64 orderHoldMs() const { return m_order.holdMs(); }
    /// This run's number in the `run` of what it sends (by default the wall-clock time of its construction, ms):
    /// a client started later numbers its messages in a newer run.
    qint64 run() const { return m_run; }
    void setRun(qint64 run) { m_run = run; }
    /// Resends per second at most (at most half the hub's announced rate).
    void setResendRate(int perSecond);
    int resendRate() const { return m_outbox.resendRate(); }
    /// The limits of the last welcome (applied to sizes and resends).
    HubLimits hubLimits() const { return m_limits; }
    void applyLimits(const HubLimits &limits);
    /// Messages sent through the hub that it has not acked yet.
    int outboxSize() const { return m_outbox.size(); }

    /// Sends @p text to @p to (empty: a broadcast); returns its mid, or an empty string (errorOccurred says
    /// why).
    QString send(const QString &to, const QString &text);
    /// Forgets every message and stops its timers (a new session, or the end of one).
    void clear();
    /// A new connection is open: what was held from changed keys is gone with the old one.
    void connectionOpened() { m_held.clear(); }
    /// The connection was lost: pacing stops; @p returning (when it will be resumed) were there and may come
    /// back with the hub.
    void connectionLost(const QStringList &returning);
    /// Welcomed with @p limits: every message not acked goes again, in order with the same mids, then
    /// @p linkUnacked (what direct links did not confirm). They go at the next drain().
    void welcomed(const HubLimits &limits, const QList<MessageRequest> &linkUnacked);
    /// Sends what the outbox lets go now, and keeps the pacing timer running while more waits.
    void drain();
    /// @p peer joined: what was parked for it goes, in order.
    void peerBack(const QString &peer);
    /// @p peer left for real: nothing is parked for it, nothing held from it.
    void peerGone(const QString &peer);
    /// @p peer's link dropped: what it did not confirm goes through the hub (when joined; else after the
    /// next welcome).
    void linkLost(const QString &peer);
    /// Opens or checks a message (through the hub or over a link) and delivers it, holds it or reports it.
    void receive(ChatMessage m, bool viaHub);
    /// Delivers, in order, what @p peer sent while its key was not trusted (call once it is).
    void releaseHeld(const QString &peer);
    /// The hub acked @p mid.
    void acked(const QString &mid);
    /// The hub kept @p mid in its mailbox for the absent recipient (`stored`): settled like an ack.
    void stored(const QString &mid);
    /// The hub refused what @p error's `ref` names. A message refused for speed goes again; one whose peer is
    /// expected back waits for it: true (nothing to report). Otherwise the message (if it is one) is
    /// settled: false, the caller reports @p error.
    bool refused(const ClientError &error);
    /// Parked messages whose time is up fail (errorOccurred); called by its timer.
    void expireParked();
    /// Messages that waited their turn long enough are delivered; called by its timer.
    void expireOrder();

Q_SIGNALS:
    /// A frame for the hub.
    void hubFrameReady(const QByteArray &frame);
    void messageReceived(const PeerLink::ChatMessage &message);
    /// The hub accepted the message with this id.
    void messageAcked(const QString &mid);
    /// The hub stored the message with this id for its absent recipient.
    void messageStored(const QString &mid);
    /// A message was refused here, failed, or could not be opened; `ref` is its mid (or "message").
    void errorOccurred(const PeerLink::ClientError &error);

private:
    /// The frame for @p r as it goes now: sealed for its peer's prekey of now, or signed. Nullopt: it must
    /// not go (reported, or parked for a peer that is not back).
    std::optional<MessageRequest> prepare(const MessageRequest &r);
    /// Whether a message to @p to of @p bytes may be sent (or kept for after a reconnect); reports it if not.
    bool mayQueue(const QString &to, qsizetype bytes);
    void armParkTimer();
    /// Delivers @p m in its sender's order (OrderBuffer), and arms the timer of what it holds.
    void deliverInOrder(const ChatMessage &m);
    qint64 now() const { return m_clock ? m_clock() : m_elapsed.elapsed(); }
    bool failLocally(ErrorCode code, const QString &message);

    SecureChannel &m_secure;
    Links m_links;
    std::function<bool()> m_resuming;
    std::function<qint64()> m_clock;
    QElapsedTimer m_elapsed;
    bool m_joined = false;
    QString m_midPrefix;
    quint64 m_midCounter = 0;
    HubLimits m_limits;
    qint64 m_maxOutgoingBytes = 0; // 0: not set (see maxOutgoingMessageBytes)
    int m_resendPerSecond = 50; // the setting; the outbox paces at this or below the hub's announced rate
    Outbox m_outbox;
    DuplicateFilter m_seen;
    QHash<QString, QList<ChatMessage>> m_held; // from peers whose key changed, until releaseHeld()
    OrderBuffer m_order;
    qint64 m_run;
    QHash<QString, qint64> m_lastSeq; // per peer: the seq of the last message numbered for it in this run
    QTimer *m_resendTimer;
    QTimer *m_parkTimer;
    QTimer *m_orderTimer;
};

} // namespace PeerLink
