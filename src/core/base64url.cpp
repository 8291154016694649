#include "base64url.h"

#include <array>

namespace PeerLink {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<qint8, 256> decodeTable()
{
    std::array<qint8, 256> t {};
    for (auto &v : t)
        v = -1;
    for (int i = 0; i < 64; ++i)
        t[static_cast<unsigned char>(kAlphabet[i])] = qint8(i);
    return t;
}

constexpr std::array<qint8, 256> kDecode = decodeTable();

} // namespace

QByteArray toBase64Url(QByteArrayView bytes)
{
    const auto *in = reinterpret_cast<const unsigned char *>(bytes.data());
    const qsizetype n = bytes.size();
    QByteArray out((n * 4 + 2) / 3, Qt::Uninitialized);
    char *o = out.data();
    qsizetype i = 0;
    for (; i + 3 <= n; i += 3) {
        const quint32 v = (quint32(in[i]) << 16) | (quint32(in[i + 1]) << 8) | in[i + 2];
        *o++ = kAlphabet[(v >> 18) & 63];
        *o++ = kAlphabet[(v >> 12) & 63];
        *o++ = kAlphabet[(v >> 6) & 63];
        *o++ = kAlphabet[v & 63];
    }
    if (n - i == 1) {
        const quint32 v = quint32(in[i]) << 16;
        *o++ = kAlphabet[(v >> 18) & 63];
        *o++ = kAlphabet[(v >> 12) & 63];
    } else if (n - i == 2) {
        const quint32 v = (quint32(in[i]) << 16) | (quint32(in[i + 1]) << 8);
        *o++ = kAlphabet[(v >> 18) & 63];
        *o++ = kAlphabet[(v >> 12) & 63];
        *o++ = kAlphabet[(v >> 6) & 63];
    }
    return out;
}

QByteArray fromBase64Url(QByteArrayView text, bool *ok)
{
    const auto *in = reinterpret_cast<const unsigned char *>(text.data());
    const qsizetype n = text.size();
    *ok = false;
    if (n % 4 == 1)
        return QByteArray();
    QByteArray out(n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0), Qt::Uninitialized);
    auto *o = reinterpret_cast<unsigned char *>(out.data());
    qint32 bad = 0; // any invalid character sets the sign bit
    qsizetype i = 0;
    for (; i + 4 <= n; i += 4) {
        const qint32 a = kDecode[in[i]], b = kDecode[in[i + 1]], c = kDecode[in[i + 2]], d = kDecode[in[i + 3]];
        bad |= a | b | c | d;
        const quint32 v = (quint32(a) << 18) | (quint32(b) << 12) | (quint32(c) << 6) | quint32(d);
        *o++ = static_cast<unsigned char>(v >> 16);
        *o++ = static_cast<unsigned char>(v >> 8);
        *o++ = static_cast<unsigned char>(v);
    }
    const qsizetype rest = n - i;
    if (rest >= 2) {
        const qint32 a = kDecode[in[i]], b = kDecode[in[i + 1]];
        const qint32 c = rest == 3 ? kDecode[in[i + 2]] : 0;
        bad |= a | b | c;
        if (bad >= 0) {
            const quint32 v = (quint32(a) << 18) | (quint32(b) << 12) | (quint32(c) << 6);
            *o++ = static_cast<unsigned char>(v >> 16);
            if (rest == 3)
                *o++ = static_cast<unsigned char>(v >> 8);
            // The bits the last character carries beyond the data must be zero (one spelling per value).
            if ((rest == 2 && (b & 15)) || (rest == 3 && (c & 3)))
                bad = -1;
        }
    }
    if (bad < 0)
        return QByteArray();
    *ok = true;
    return out;
}

} // namespace PeerLink
