#pragma once

#include "core/protocol.h"

#include <QHash>
#include <QList>
#include <QString>

#include <map>

namespace PeerLink {

/// Puts the messages of each sender back in the order it sent them, without sockets or timers. A PeerLink client
/// numbers what it sends to each peer (`seq` from 1, within one `run` of it); messages may still arrive out of that
/// order when they take different paths (a direct link and the hub) or come again after a reconnect. Per sender:
/// the first message seen of a run is handed on at once and sets the next number expected; a later one is held
/// until the ones before it have come, or until it has waited the hold time (then what is held goes, in order,
/// and a missing one is handed on whenever it comes, late); a newer run starts over (what the older one held goes
/// first); a message without `seq` (a broadcast, an older client) is never held. Duplicates are not its business
/// (MessageFlow drops them before). Time is passed in (ms, monotonic).
class OrderBuffer
{
public:
    /// Most messages held per sender; one more releases what is held, in order.
    static constexpr int MaxHeldPerPeer = 256;

    explicit OrderBuffer(qint64 holdMs = 2000)
        : m_holdMs(holdMs)
    {
    }
    void setHoldMs(qint64 ms) { m_holdMs = ms; }
    qint64 holdMs() const { return m_holdMs; }

    /// @p m arrived at @p nowMs: what may be handed on now, in order (it may be empty: @p m is held).
    QList<ChatMessage> accept(const ChatMessage &m, qint64 nowMs);
    /// What has waited long enough at @p nowMs, in order per sender.
    QList<ChatMessage> expire(qint64 nowMs);
    /// The earliest time expire() has something to hand on; -1 when nothing is held.
    qint64 deadline() const;
    /// Messages held now, for every sender.
    int heldCount() const;
    /// Forgets @p peer's stream, dropping what is held from it.
    void forget(const QString &peer) { m_streams.remove(peer); }
    void clear() { m_streams.clear(); }

private:
    struct Stream
    {
        qint64 run = 0;
        qint64 next = 0;                     // the seq expected next
        std::map<qint64, ChatMessage> held;  // by seq
        qint64 deadline = -1;                // when what is held goes anyway
    };
    /// Hands on what is held from @p s while it is the next expected, into @p out.
    static void drainInOrder(Stream &s, QList<ChatMessage> &out);
    /// Hands on everything held from @p s, in order, and expects what follows the last of it.
    static void releaseAll(Stream &s, QList<ChatMessage> &out);

    qint64 m_holdMs;
    QHash<QString, Stream> m_streams;
};

} // namespace PeerLink
