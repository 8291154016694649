#include "busformat.h"

namespace PeerLink {

QList<QByteArray> busFields(QByteArrayView payload, int n)
{
    QList<QByteArray> out;
    qsizetype from = 0;
    for (int i = 0; i < n - 1; ++i) {
        const qsizetype nl = payload.indexOf('\n', from);
        if (nl < 0)
            return {};
        out.append(payload.sliced(from, nl - from).toByteArray());
        from = nl + 1;
    }
    out.append(payload.sliced(from).toByteArray());
    return out;
}

QByteArray encodeBusBatch(const QByteArray &hub, const QList<QByteArray> &records)
{
    qsizetype size = hub.size() + 3;
    for (const QByteArray &r : records)
        size += r.size() + 8;
    QByteArray out;
    out.reserve(size);
    out.append("M\n").append(hub).append('\n');
    for (const QByteArray &r : records)
        out.append(QByteArray::number(r.size())).append('\n').append(r);
    return out;
}

QList<QByteArray> decodeBusBatch(QByteArrayView payload, bool *complete)
{
    QList<QByteArray> records;
    if (complete)
        *complete = false;
    if (!payload.startsWith("M\n"))
        return records;
    qsizetype at = payload.indexOf('\n', 2);
    if (at < 0)
        return records;
    ++at;
    while (at < payload.size()) {
        const qsizetype nl = payload.indexOf('\n', at);
        if (nl < 0 || nl == at || nl - at > 10)
            return records;
        bool ok = false;
        const qsizetype size = payload.sliced(at, nl - at).toLongLong(&ok);
        if (!ok || size < 3 || size > payload.size() - (nl + 1))
            return records;
        const QByteArrayView record = payload.sliced(nl + 1, size);
        if (record.front() != 'M')
            records.append(record.toByteArray());
        at = nl + 1 + size;
    }
    if (complete)
        *complete = true;
    return records;
}

} // namespace PeerLink
