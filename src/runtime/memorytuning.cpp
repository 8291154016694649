#include "memorytuning.h"

#include <QElapsedTimer>
#include <QLoggingCategory>

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace PeerLink {

namespace {
Q_LOGGING_CATEGORY(lcMemory, "peerlink.runtime.memory")
}

void tuneAllocatorForHub()
{
#if defined(__GLIBC__)
    // The hub gives free memory back itself (HeapTrimmer), after a burst. Left to itself glibc shrinks the top of its
    // heap whenever 128 KiB lie free there, so a peer sending 1 MiB messages had every buffer of every message
    // returned to the kernel and faulted in again (half the throughput went to page faults). Fixing the trim
    // threshold also fixes the mmap threshold, which would otherwise adapt: large buffers (up to 16 MiB) come from
    // the heap, where the hub's own trim returns them.
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 16 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    });
#endif
}

bool HeapTrimmer::trim()
{
#if defined(__GLIBC__)
    // glibc keeps freed memory in the middle of its heap, so after a burst the resident size would stay at its peak.
    // malloc_trim gives the pages of free chunks back (madvise); it is a pause, so only when it is worth it.
    constexpr std::size_t kTrimFreeBytes = 4 * 1024 * 1024;
    constexpr std::size_t kTrimChangedBytes = 1024 * 1024;
    QElapsedTimer took;
    took.start();
    const struct mallinfo2 heap = mallinfo2();
    const auto distance = [](std::size_t a, std::size_t b) { return a > b ? a - b : b - a; };
    const std::size_t changed = distance(heap.fordblks, m_freeAtTrim) + distance(heap.uordblks, m_usedAtTrim);
    if (heap.fordblks <= kTrimFreeBytes || changed <= kTrimChangedBytes)
        return false;
    malloc_trim(0);
    m_freeAtTrim = heap.fordblks;
    m_usedAtTrim = heap.uordblks;
    qCDebug(lcMemory) << "gave back free memory:" << heap.fordblks / 1024 << "KiB free in the heap, took"
                      << took.nsecsElapsed() / 1000 << "µs";
    return true;
#else
    return false;
#endif
}

} // namespace PeerLink
