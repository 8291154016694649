#include "tokenbucket.h"

#include <algorithm>

namespace PeerLink {

TokenBucket::TokenBucket(double ratePerSecond, double burst)
    : m_rate(ratePerSecond)
    , m_burst(std::max(burst, 1.0))
    , m_tokens(m_burst)
{
}

void TokenBucket::refill(qint64 nowMs)
{
    if (m_lastMs >= 0 && nowMs > m_lastMs)
        m_tokens = std::min(m_burst, m_tokens + double(nowMs - m_lastMs) * m_rate / 1000.0);
    if (nowMs > m_lastMs)
        m_lastMs = nowMs;
}

bool TokenBucket::tryTake(qint64 nowMs, double cost)
{
    if (m_rate <= 0)
        return true;
    refill(nowMs);
    if (m_tokens < cost)
        return false;
    m_tokens -= cost;
    return true;
}

double TokenBucket::available(qint64 nowMs)
{
    refill(nowMs);
    return m_tokens;
}

} // namespace PeerLink
