#pragma once
// Client frames written by hand (RFC 6455 section 5.2), header-only so that the tests without sockets can use it.

#include <QByteArray>
#include <QtEndian>

namespace PeerLink::Test {

/// A client frame: @p first is the first byte (FIN, RSV, opcode); masked unless @p masked is false.
/// @p lengthBytes forces the length's form (0: the shortest, 2 or 8).
inline QByteArray clientFrame(quint8 first, const QByteArray &payload, bool masked = true, int lengthBytes = 0)
{
    QByteArray f;
    f.append(char(first));
    const quint8 maskBit = masked ? 0x80 : 0;
    const auto size = quint64(payload.size());
    if (lengthBytes == 0)
        lengthBytes = size < 126 ? 0 : size <= 0xffff ? 2 : 8;
    if (lengthBytes == 0) {
        f.append(char(maskBit | size));
    } else if (lengthBytes == 2) {
        f.append(char(maskBit | 126));
        const quint16 be = qToBigEndian(quint16(size));
        f.append(reinterpret_cast<const char *>(&be), 2);
    } else {
        f.append(char(maskBit | 127));
        const quint64 be = qToBigEndian(size);
        f.append(reinterpret_cast<const char *>(&be), 8);
    }
    if (!masked)
        return f + payload;
    const char mask[4] = { 0x5a, char(0xc3), 0x01, char(0x7e) };
    f.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        f.append(char(payload[i] ^ mask[i % 4]));
    return f;
}

} // namespace PeerLink::Test
