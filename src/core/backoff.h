#pragma once

#include <QtGlobal>
#include <functional>

namespace PeerLink {

/// Exponential backoff with "equal jitter": the delay doubles from the first to the largest, and each delay
/// is half fixed, half random, so that many peers that lost the same thing do not all come back at the same
/// moment. The random source is injected, so the delays are testable.
class Backoff
{
public:
    /// Returns a number in [0, bound] (inclusive).
    using RandomSource = std::function<qint64(qint64 bound)>;

    /// @p random defaults to QRandomGenerator::global().
    Backoff(int initialMs, int maximumMs, RandomSource random = {});

    /// The first delay and the most it grows to (ms); keeps the attempt count.
    void setDelays(int initialMs, int maximumMs);
    int initialMs() const { return m_initialMs; }
    int maximumMs() const { return m_maximumMs; }

    /// Counts one more attempt and returns the delay before it.
    int next();
    /// The attempts counted since the last reset() (0: none).
    int attempt() const { return m_attempt; }
    /// Back to the first delay.
    void reset() { m_attempt = 0; }

    /// The delay without jitter before attempt @p attempt (1-based): initial × 2^(attempt-1), at most the
    /// maximum.
    qint64 baseDelay(int attempt) const;

private:
    int m_initialMs;
    int m_maximumMs;
    int m_attempt = 0;
    RandomSource m_random;
};

} // namespace PeerLink
