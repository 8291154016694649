#include "chunkstream.h"

#include <sodium.h>

namespace PeerLink::Crypto {

namespace {

crypto_secretstream_xchacha20poly1305_state *state(SecretBytes &bytes)
{
    return reinterpret_cast<crypto_secretstream_xchacha20poly1305_state *>(bytes.data());
}

} // namespace

ChunkSealer::ChunkSealer(const QByteArray &key)
    : m_state(int(sizeof(crypto_secretstream_xchacha20poly1305_state)))
    , m_header(crypto_secretstream_xchacha20poly1305_HEADERBYTES, Qt::Uninitialized)
{
    ready();
    Q_ASSERT(key.size() == crypto_secretstream_xchacha20poly1305_KEYBYTES);
    crypto_secretstream_xchacha20poly1305_init_push(state(m_state),
        reinterpret_cast<unsigned char *>(m_header.data()), reinterpret_cast<const unsigned char *>(key.constData()));
}

ChunkSealer::~ChunkSealer() = default;

QByteArray ChunkSealer::seal(const QByteArray &plain, const QByteArray &associatedData, bool final)
{
    QByteArray out(plain.size() + crypto_secretstream_xchacha20poly1305_ABYTES, Qt::Uninitialized);
    crypto_secretstream_xchacha20poly1305_push(state(m_state), reinterpret_cast<unsigned char *>(out.data()), nullptr,
        reinterpret_cast<const unsigned char *>(plain.constData()), quint64(plain.size()),
        reinterpret_cast<const unsigned char *>(associatedData.constData()), quint64(associatedData.size()),
        final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    return out;
}

std::optional<ChunkOpener> ChunkOpener::start(const QByteArray &key, const QByteArray &header)
{
    if (!ready() || key.size() != crypto_secretstream_xchacha20poly1305_KEYBYTES
        || header.size() != crypto_secretstream_xchacha20poly1305_HEADERBYTES)
        return std::nullopt;
    ChunkOpener opener;
    opener.m_state = SecretBytes(int(sizeof(crypto_secretstream_xchacha20poly1305_state)));
    if (crypto_secretstream_xchacha20poly1305_init_pull(state(opener.m_state),
            reinterpret_cast<const unsigned char *>(header.constData()),
            reinterpret_cast<const unsigned char *>(key.constData()))
        != 0)
        return std::nullopt;
    return opener;
}

std::optional<QByteArray> ChunkOpener::open(const QByteArray &cipher, const QByteArray &associatedData, bool *final)
{
    if (m_broken || cipher.size() < int(crypto_secretstream_xchacha20poly1305_ABYTES))
        return std::nullopt;
    QByteArray plain(cipher.size() - crypto_secretstream_xchacha20poly1305_ABYTES, Qt::Uninitialized);
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(state(m_state), reinterpret_cast<unsigned char *>(plain.data()),
            nullptr, &tag, reinterpret_cast<const unsigned char *>(cipher.constData()), quint64(cipher.size()),
            reinterpret_cast<const unsigned char *>(associatedData.constData()), quint64(associatedData.size()))
        != 0) {
        m_broken = true;
        return std::nullopt;
    }
    if (final)
        *final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    return plain;
}

QByteArray newChunkKey()
{
    ready();
    QByteArray key(crypto_secretstream_xchacha20poly1305_KEYBYTES, Qt::Uninitialized);
    crypto_secretstream_xchacha20poly1305_keygen(reinterpret_cast<unsigned char *>(key.data()));
    return key;
}

} // namespace PeerLink::Crypto
