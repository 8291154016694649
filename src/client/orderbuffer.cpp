#include "orderbuffer.h"

namespace PeerLink {

QList<ChatMessage> OrderBuffer::accept(const ChatMessage &m, qint64 nowMs)
{
    QList<ChatMessage> out;
    if (m.seq <= 0) {
        out.append(m);
        return out;
    }
    const auto it = m_streams.find(m.from);
    if (it == m_streams.end() || m.run > it->run) {
        // A stream seen for the first time, or the sender started again: what the old run held goes first.
        if (it != m_streams.end())
            releaseAll(*it, out);
        Stream &s = m_streams[m.from];
        s = Stream { m.run, m.seq + 1, {}, -1 };
        out.append(m);
        return out;
    }
    Stream &s = *it;
    if (m.run < s.run || m.seq < s.next) {
        out.append(m); // late (its turn is past): handed on now rather than never
        return out;
    }
    if (m.seq == s.next) {
        out.append(m);
        ++s.next;
        drainInOrder(s, out);
        return out;
    }
    // A gap: held until the ones before it come, or the hold time is over.
    s.held.emplace(m.seq, m);
    if (s.deadline < 0)
        s.deadline = nowMs + m_holdMs;
    if (int(s.held.size()) > MaxHeldPerPeer)
        releaseAll(s, out);
    return out;
}

QList<ChatMessage> OrderBuffer::expire(qint64 nowMs)
{
    QList<ChatMessage> out;
    for (Stream &s : m_streams) {
        if (s.deadline >= 0 && s.deadline <= nowMs)
            releaseAll(s, out);
    }
    return out;
}

qint64 OrderBuffer::deadline() const
{
    qint64 earliest = -1;
    for (const Stream &s : m_streams) {
        if (s.deadline >= 0 && (earliest < 0 || s.deadline < earliest))
            earliest = s.deadline;
    }
    return earliest;
}

int OrderBuffer::heldCount() const
{
    int n = 0;
    for (const Stream &s : m_streams)
        n += int(s.held.size());
    return n;
}

void OrderBuffer::drainInOrder(Stream &s, QList<ChatMessage> &out)
{
    while (!s.held.empty() && s.held.begin()->first == s.next) {
        out.append(s.held.begin()->second);
        s.held.erase(s.held.begin());
        ++s.next;
    }
    if (s.held.empty())
        s.deadline = -1;
}

void OrderBuffer::releaseAll(Stream &s, QList<ChatMessage> &out)
{
    for (const auto &[seq, m] : s.held) {
        out.append(m);
        s.next = seq + 1;
    }
    s.held.clear();
    s.deadline = -1;
}

} // namespace PeerLink
