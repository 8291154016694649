// libFuzzer target for the cluster's bus records (issue 19): whatever bytes come from Redis, a batch decodes
// without fault; what it decodes is records of at least 3 bytes, none a batch; and a complete batch encodes back
// to the records it held (decode(encode(records)) == records).
#include "hub/busformat.h"

#include <cstdint>
#include <cstdlib>

using namespace PeerLink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    for (int n = 1; n <= 5; ++n) {
        const QList<QByteArray> f = busFields(bytes, n);
        if (!f.isEmpty() && f.size() != n)
            std::abort();
    }
    bool complete = false;
    const QList<QByteArray> records = decodeBusBatch(bytes, &complete);
    for (const QByteArray &r : records) {
        if (r.size() < 3 || r.at(0) == 'M')
            std::abort();
    }
    if (decodeBusBatch(encodeBusBatch("h", records)) != records)
        std::abort();
    return 0;
}
