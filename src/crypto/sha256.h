#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <optional>

class QIODevice;

namespace PeerLink::Crypto {

/// SHA-256 of bytes that come in pieces (libsodium's crypto_hash_sha256): a file's checksum, computed while it is read
/// or while its chunks arrive, instead of in a second pass.
class Sha256
{
public:
    Sha256();
    void add(QByteArrayView bytes);
    /// The digest (32 bytes) of what was added; the hash starts again empty.
    QByteArray result();
    /// Bytes added since the start.
    qint64 size() const { return m_size; }

    /// The SHA-256 of what is left to read in @p device (read 1 MiB at a time); nullopt when a read fails.
    static std::optional<QByteArray> of(QIODevice *device);

private:
    /// libsodium's crypto_hash_sha256_state (104 bytes; its header stays out of this one).
    alignas(16) unsigned char m_state[128];
    qint64 m_size = 0;
};

} // namespace PeerLink::Crypto
