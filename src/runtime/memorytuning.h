#pragma once

#include <cstddef>

namespace PeerLink {

/// Process-wide allocator settings for a process that hosts a hub (peerlink-hub's main(), the app when it hosts).
/// With glibc, fixes the trim and mmap thresholds so that large message buffers are not returned to the kernel and
/// faulted in again for every message; the hub then gives free memory back itself (HeapTrimmer). Idempotent; a no-op
/// without glibc. Never called by a library: it changes the allocator of the whole process.
void tuneAllocatorForHub();

/// Gives free heap memory back to the system (glibc's malloc_trim), when enough lies free and the heap changed since
/// the last time; the caller decides when (see Hub::setReleaseFreeMemory).
class HeapTrimmer
{
public:
    /// Trims when more than 4 MiB lie free and free plus used changed by more than 1 MiB since the last trim.
    /// Returns true if it trimmed. A no-op (false) without glibc.
    bool trim();

private:
    std::size_t m_freeAtTrim = 0; // glibc's figures at the last trim
    std::size_t m_usedAtTrim = 0;
};

} // namespace PeerLink
