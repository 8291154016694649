#pragma once

#include "crypto/sodium.h"

#include <QByteArray>
#include <optional>

namespace PeerLink::Crypto {

/// Seals the chunks of one segment of a file transfer: one crypto_secretstream_xchacha20poly1305 stream under the
/// transfer's key, with a fresh header. Chunks must be opened in the order sealed; the last one of the file carries
/// the FINAL tag, so a file cut short is noticed.
class ChunkSealer
{
public:
    /// A new stream under @p key (32 bytes); header() is what the opener needs to start it.
    explicit ChunkSealer(const QByteArray &key);
    ~ChunkSealer();
    ChunkSealer(const ChunkSealer &) = delete;
    ChunkSealer &operator=(const ChunkSealer &) = delete;

    QByteArray header() const { return m_header; }
    /// The next chunk, bound to @p associatedData; @p final marks the file's last chunk.
    QByteArray seal(const QByteArray &plain, const QByteArray &associatedData, bool final);

private:
    SecretBytes m_state;
    QByteArray m_header;
};

/// Opens the chunks of one segment in order. A chunk that was changed, moved, replayed or left out does not open.
class ChunkOpener
{
public:
    /// Starts the stream of @p header (24 bytes) under @p key; nullopt when either has the wrong size.
    static std::optional<ChunkOpener> start(const QByteArray &key, const QByteArray &header);

    /// The next chunk's plaintext, or nullopt when it does not verify (the stream cannot go on after that).
    /// @p final tells whether it carried the FINAL tag.
    std::optional<QByteArray> open(const QByteArray &cipher, const QByteArray &associatedData, bool *final);

private:
    ChunkOpener() = default;
    SecretBytes m_state;
    bool m_broken = false;
};

/// A fresh random transfer key (crypto_secretstream_xchacha20poly1305_keygen).
QByteArray newChunkKey();

} // namespace PeerLink::Crypto
