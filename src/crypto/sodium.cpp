#include "sodium.h"

#include <algorithm>

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

// libsodium's codec, not Qt's: Qt's decoder was two thirds of a file receiver's CPU (a file travels as base64url in
// text frames), and libsodium's is strict by itself: no padding in this variant, no other characters (the end it
// stopped at must be the end), and non-zero unused bits in the last character are refused, so every value has one
// spelling.
QByteArray toBase64(QByteArrayView bytes)
{
    constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    QByteArray out(qsizetype(sodium_base64_ENCODED_LEN(size_t(bytes.size()), variant)), Qt::Uninitialized);
    sodium_bin2base64(out.data(), size_t(out.size()), reinterpret_cast<const unsigned char *>(bytes.data()),
                      size_t(bytes.size()), variant);
    out.chop(1); // the terminating NUL
    return out;
}

QByteArray fromBase64(QByteArrayView text, bool *ok)
{
    // Only the URL-safe alphabet: libsodium 1.0.18's decoder takes bytes such as 0xff for letters (found by
    // fuzz_envelope: 0xff…0xff "pw" decoded, and encoded back to other text), so the alphabet is checked here first.
    const bool alphabet = std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    if (!alphabet) {
        if (ok)
            *ok = false;
        return QByteArray();
    }
    QByteArray out(text.size() / 4 * 3 + 3, Qt::Uninitialized);
    size_t length = 0;
    const char *end = nullptr;
    const bool good = !text.isEmpty()
        ? sodium_base642bin(reinterpret_cast<unsigned char *>(out.data()), size_t(out.size()), text.data(),
                            size_t(text.size()), nullptr, &length, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
                == 0
            && end == text.data() + text.size()
        : true;
    if (ok)
        *ok = good;
    if (!good)
        return QByteArray();
    out.truncate(qsizetype(length));
    return out;
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
