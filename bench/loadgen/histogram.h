#pragma once
// A log-linear latency histogram in the spirit of HdrHistogram: every power of two is split into kSubBuckets
// linear buckets of which the upper half is used, so any recorded value is reported within 1/kSubBuckets (about 1.6 %) of itself, over the whole
// range from 1 ns to about 1 hour, in a fixed 36 KiB array. Recording is two shifts and an increment.

#include <array>
#include <cstddef>
#include <cstdint>

namespace bench {

class Histogram
{
public:
    static constexpr int kSubBits = 7;
    static constexpr int kSubBuckets = 1 << kSubBits;
    static constexpr int kMagnitudes = 42 - kSubBits; // values below 2^42 ns (73 minutes)

    void record(uint64_t value)
    {
        ++m_counts[index(value)];
        ++m_total;
        if (value > m_max)
            m_max = value;
    }

    uint64_t count() const { return m_total; }
    uint64_t max() const { return m_max; }

    /// The value at quantile @p q (0..1): the upper edge of the bucket holding it, capped at the maximum seen.
    uint64_t quantile(double q) const
    {
        if (m_total == 0)
            return 0;
        uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(m_total) + 0.5);
        if (rank < 1)
            rank = 1;
        if (rank > m_total)
            rank = m_total;
        uint64_t seen = 0;
        for (std::size_t i = 0; i < m_counts.size(); ++i) {
            seen += m_counts[i];
            if (seen >= rank) {
                const uint64_t upper = upperEdge(i);
                return upper < m_max ? upper : m_max;
            }
        }
        return m_max;
    }

private:
    static std::size_t index(uint64_t v)
    {
        if (v < kSubBuckets)
            return static_cast<std::size_t>(v);
        const int msb = 63 - __builtin_clzll(v);
        const int shift = msb - kSubBits + 1; // keeps kSubBits significant bits
        int magnitude = shift;
        if (magnitude >= kMagnitudes)
            return static_cast<std::size_t>(kMagnitudes) * kSubBuckets + kSubBuckets - 1;
        // Within a magnitude the top bit is always set: only the lower half of the sub-buckets is used above 0.
        return static_cast<std::size_t>(magnitude) * kSubBuckets + static_cast<std::size_t>(v >> shift);
    }
    static uint64_t upperEdge(std::size_t i)
    {
        const uint64_t magnitude = i / kSubBuckets;
        const uint64_t sub = i % kSubBuckets;
        if (magnitude == 0)
            return sub;
        return ((sub + 1) << magnitude) - 1;
    }

    std::array<uint64_t, (kMagnitudes + 1) * kSubBuckets> m_counts {};
    uint64_t m_total = 0;
    uint64_t m_max = 0;
};

} // namespace bench
