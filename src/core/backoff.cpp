#include "backoff.h"

#include <QRandomGenerator>
#include <algorithm>

namespace PeerLink {

Backoff::Backoff(int initialMs, int maximumMs, RandomSource random)
    : m_random(std::move(random))
{
    setDelays(initialMs, maximumMs);
    if (!m_random)
        m_random = [](qint64 bound) { return QRandomGenerator::global()->bounded(bound + 1); };
}

void Backoff::setDelays(int initialMs, int maximumMs)
{
    m_initialMs = std::max(1, initialMs);
    m_maximumMs = std::max(m_initialMs, maximumMs);
}

qint64 Backoff::baseDelay(int attempt) const
{
    // The shift is capped: past 2^16 the maximum has long been reached, and a bigger shift would overflow.
    const int shift = std::clamp(attempt - 1, 0, 16);
    return std::min<qint64>(m_maximumMs, qint64(m_initialMs) << shift);
}

int Backoff::next()
{
    ++m_attempt;
    const qint64 base = baseDelay(m_attempt);
    const qint64 half = base / 2;
    // A source that answers out of range must not make the delay negative or unbounded.
    const qint64 random = std::clamp<qint64>(m_random(base - half), 0, base - half);
    return int(half + random);
}

} // namespace PeerLink
