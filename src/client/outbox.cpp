#include "outbox.h"

#include <algorithm>

namespace PeerLink {

Outbox::Outbox(int resendPerSecond)
{
    setResendRate(resendPerSecond);
}

void Outbox::setResendRate(int perSecond)
{
    m_resendPerSecond = std::max(1, perSecond);
    // A tenth of the rate at once: what used to go out on each 100 ms tick.
    m_pacing = TokenBucket(m_resendPerSecond, std::max(1, m_resendPerSecond / 10));
}

bool Outbox::hasMessagesTo(const QString &peer) const
{
    return std::any_of(m_messages.cbegin(), m_messages.cend(), [&](const MessageRequest &m) { return m.to == peer; });
}

bool Outbox::contains(const QString &mid) const
{
    return std::any_of(
        m_messages.cbegin(), m_messages.cend(), [&mid](const MessageRequest &r) { return r.mid == mid; });
}

bool Outbox::add(const MessageRequest &message, bool canSendNow)
{
    m_messages.append(message);
    if (canSendNow && m_queue.isEmpty())
        return true;
    m_queue.append(message);
    return false;
}

void Outbox::resendAll()
{
    m_queue = m_messages;
}

bool Outbox::retry(const QString &mid)
{
    for (const MessageRequest &r : std::as_const(m_messages)) {
        if (r.mid == mid) {
            m_queue.append(r);
            return true;
        }
    }
    return false;
}

bool Outbox::settle(const QString &mid)
{
    // Acks come in order, so the entry is almost always the first.
    for (qsizetype i = 0; i < m_messages.size(); ++i) {
        if (m_messages.at(i).mid == mid) {
            m_messages.removeAt(i);
            return true;
        }
    }
    return false;
}

QList<MessageRequest> Outbox::takeDue(qint64 nowMs)
{
    QList<MessageRequest> due;
    while (!m_queue.isEmpty() && m_pacing.tryTake(nowMs))
        due.append(m_queue.takeFirst());
    return due;
}

void Outbox::clear()
{
    m_messages.clear();
    m_queue.clear();
    m_returning.clear();
    m_parked.clear();
    m_parkDeadline = -1;
}

void Outbox::setReturning(const QStringList &peers)
{
    for (const QString &p : peers)
        m_returning.insert(p);
}

void Outbox::peerBack(const QString &peer)
{
    m_returning.remove(peer);
    const QStringList parked = m_parked.take(peer);
    if (parked.isEmpty())
        return;
    for (const MessageRequest &r : std::as_const(m_messages)) {
        if (parked.contains(r.mid))
            m_queue.append(r); // in the order they were sent
    }
}

void Outbox::peerGone(const QString &peer)
{
    m_returning.remove(peer);
}

bool Outbox::park(const QString &mid, qint64 nowMs)
{
    for (const MessageRequest &r : std::as_const(m_messages)) {
        if (r.mid == mid && m_returning.contains(r.to)) {
            m_parked[r.to].append(mid);
            // One wait for all: the hub's restart brought them all back at about the same time, or not at
            // all.
            if (m_parkDeadline < 0)
                m_parkDeadline = nowMs + ParkMs;
            return true;
        }
    }
    return false;
}

QList<std::pair<QString, QString>> Outbox::expireParked(qint64 nowMs)
{
    QList<std::pair<QString, QString>> failed;
    if (m_parkDeadline < 0 || nowMs < m_parkDeadline)
        return failed;
    const auto parked = std::exchange(m_parked, {});
    m_returning.clear();
    m_parkDeadline = -1;
    for (auto it = parked.cbegin(); it != parked.cend(); ++it) {
        for (const QString &mid : it.value()) {
            if (settle(mid))
                failed.append({ it.key(), mid });
        }
    }
    return failed;
}

bool DuplicateFilter::firstTime(const QString &from, const QString &mid)
{
    const QString key = from + QChar(0x1f) + mid;
    if (m_seen.contains(key))
        return false;
    m_seen.insert(key);
    m_order.append(key);
    if (m_order.size() > Capacity)
        m_seen.remove(m_order.takeFirst());
    return true;
}

void DuplicateFilter::clear()
{
    m_seen.clear();
    m_order.clear();
}

} // namespace PeerLink
