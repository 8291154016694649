#pragma once

#include <QByteArray>
#include <QList>
#include <QByteArrayView>

#include <memory>

namespace PeerLink::Crypto {

/// Initialises libsodium once (thread-safe); false if the library cannot work on this machine (no entropy source).
bool ready();

/// Secret bytes in memory that libsodium guards (sodium_malloc: guard pages, locked against swapping where allowed)
/// and wipes when the last copy goes. Copies share the bytes.
class SecretBytes
{
public:
    SecretBytes() = default;
    explicit SecretBytes(int size);
    int size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    unsigned char *data() { return m_data.get(); }
    const unsigned char *data() const { return m_data.get(); }

private:
    std::shared_ptr<unsigned char> m_data;
    int m_size = 0;
};

/// Compares in constant time (sodium_memcmp); different sizes never match.
bool equal(QByteArrayView a, QByteArrayView b);

/// @p size bytes from libsodium's random source (randombytes_buf): nonces, the hub's id.
QByteArray randomBytes(int size);

/// Base64url without padding, and its strict decoder (no other characters, no padding): nullopt-like empty result
/// with @p ok false on bad input.
QByteArray toBase64(QByteArrayView bytes);
QByteArray fromBase64(QByteArrayView text, bool *ok);

/// Bytes of fields separated so that no two different lists give the same bytes: each field as a 4-byte big-endian
/// length and its bytes, after a domain string (what the bytes are for), so a signature made for one purpose can
/// never be read as one made for another.
QByteArray framed(QByteArrayView domain, std::initializer_list<QByteArrayView> fields);
/// The same for a list of fields whose length is known only at run time.
QByteArray framed(QByteArrayView domain, const QList<QByteArray> &fields);

} // namespace PeerLink::Crypto
