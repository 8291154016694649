#include "sodium.h"

#include <sodium.h>

#include <mutex>

namespace PeerLink::Crypto {

bool ready()
{
    static int result = -1;
    static std::once_flag once;
    std::call_once(once, [] { result = sodium_init(); });
    return result >= 0; // 1: already initialised, which is fine too
}

SecretBytes::SecretBytes(int size)
    : m_data(static_cast<unsigned char *>(ready() && size > 0 ? sodium_malloc(size_t(size)) : nullptr),
             [size](unsigned char *p) {
                 if (p) {
                     sodium_memzero(p, size_t(size));
                     sodium_free(p);
                 }
             })
    , m_size(m_data ? size : 0)
{
}

bool equal(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && (a.isEmpty() || sodium_memcmp(a.data(), b.data(), size_t(a.size())) == 0);
}

QByteArray randomBytes(int size)
{
    QByteArray out(size > 0 ? size : 0, Qt::Uninitialized);
    if (ready() && !out.isEmpty())
        randombytes_buf(out.data(), size_t(out.size()));
    return out;
}

QByteArray toBase64(QByteArrayView bytes)
{
    return bytes.toByteArray().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray fromBase64(QByteArrayView text, bool *ok)
{
    // Qt's decoder accepts padding and is lenient about its amount; the format has none, so '=' is refused here and
    // the decoded bytes are encoded again and compared, which refuses every non-canonical spelling too.
    const auto result = QByteArray::fromBase64Encoding(text.toByteArray(), QByteArray::Base64UrlEncoding
                                                                               | QByteArray::AbortOnBase64DecodingErrors);
    const bool good = result.decodingStatus == QByteArray::Base64DecodingStatus::Ok && !text.contains('=')
        && toBase64(result.decoded) == text;
    if (ok)
        *ok = good;
    return good ? result.decoded : QByteArray();
}

namespace {

template<typename Fields>
QByteArray framedFields(QByteArrayView domain, const Fields &fields)
{
    QByteArray out;
    qsizetype size = domain.size() + 1;
    for (QByteArrayView f : fields)
        size += 4 + f.size();
    out.reserve(size);
    out.append(domain.data(), domain.size());
    out.append('\0');
    for (QByteArrayView f : fields) {
        const quint32 n = quint32(f.size());
        const char length[4] = { char(n >> 24), char(n >> 16), char(n >> 8), char(n) };
        out.append(length, 4);
        out.append(f.data(), f.size());
    }
    return out;
}

} // namespace

QByteArray framed(QByteArrayView domain, std::initializer_list<QByteArrayView> fields)
{
    return framedFields(domain, fields);
}

QByteArray framed(QByteArrayView domain, const QList<QByteArray> &fields)
{
    return framedFields(domain, fields);
}

} // namespace PeerLink::Crypto
