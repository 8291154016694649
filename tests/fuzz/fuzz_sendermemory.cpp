// libFuzzer target for the sender's file of unfinished outgoing transfers (issue 15): what a damaged or hand-edited
// file holds. Nothing may crash or read out of bounds (ASan, UBSan), and what parses is written back to a file that
// parses to the same entries.
#include "client/sendermemory.h"

#include <QByteArray>
#include <QStringList>

#include <cstdint>
#include <cstdlib>

using namespace PeerLink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    QStringList problems;
    const auto entries = SenderMemory::parse(bytes, &problems);
    if (!entries) {
        if (problems.isEmpty())
            std::abort(); // refused without saying why
        return 0;
    }
    QStringList again;
    const auto reread = SenderMemory::parse(SenderMemory::serialize(*entries), &again);
    if (!reread || !again.isEmpty() || reread->size() != entries->size())
        std::abort();
    return 0;
}
