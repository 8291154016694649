#pragma once

#include <QtGlobal>

namespace PeerLink {

/// A token bucket: `rate` tokens per second refill up to `burst`. Time is passed in, so it is testable.
class TokenBucket
{
public:
    TokenBucket() = default;
    TokenBucket(double ratePerSecond, double burst);

    /// Takes @p cost tokens if available at time @p nowMs; returns false (and takes nothing) otherwise.
    /// A rate of 0 or less means no limit.
    bool tryTake(qint64 nowMs, double cost = 1.0);

    double available(qint64 nowMs);

private:
    void refill(qint64 nowMs);

    double m_rate = 0;
    double m_burst = 0;
    double m_tokens = 0;
    qint64 m_lastMs = -1;
};

} // namespace PeerLink
