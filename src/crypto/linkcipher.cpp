#include "linkcipher.h"

#include <sodium.h>

namespace PeerLink::Crypto {

namespace {

const unsigned char *bytes(QByteArrayView v)
{
    return reinterpret_cast<const unsigned char *>(v.data());
}

// Binds every sealed frame to the link protocol (a key is only ever used here, but the domain costs nothing).
constexpr char kFrameDomain[] = "peerlink-link-frame-1";

void counterNonce(quint64 counter, unsigned char *nonce)
{
    // 24 bytes: the 64-bit frame number, little-endian, then zeros. Unique per key because each key is used
    // for one direction of one link only and the number never repeats.
    sodium_memzero(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    for (int i = 0; i < 8; ++i)
        nonce[i] = static_cast<unsigned char>(counter >> (8 * i));
}

} // namespace

static_assert(EphemeralKeyBytes == crypto_kx_PUBLICKEYBYTES);
static_assert(LinkCipher::TagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);

QByteArray LinkTranscript::statement(bool dialer) const
{
    return framed("peerlink-link-1",
        { dialer ? QByteArrayView("dialer") : QByteArrayView("listener"), link.toUtf8(), dialerId.toUtf8(),
            listenerId.toUtf8(), dialerNonce.toUtf8(), listenerNonce.toUtf8(), dialerKey, listenerKey,
            dialerEphemeral, listenerEphemeral });
}

QByteArray signLinkTranscript(const Identity &identity, const LinkTranscript &transcript, bool dialer)
{
    return identity.sign(transcript.statement(dialer));
}

bool verifyLinkTranscript(
    QByteArrayView key, const LinkTranscript &transcript, bool dialer, QByteArrayView signature)
{
    return verify(key, transcript.statement(dialer), signature);
}

EphemeralKey EphemeralKey::generate()
{
    EphemeralKey k;
    if (!ready())
        return k;
    k.m_secret = SecretBytes(crypto_kx_SECRETKEYBYTES);
    k.m_public = QByteArray(crypto_kx_PUBLICKEYBYTES, Qt::Uninitialized);
    crypto_kx_keypair(reinterpret_cast<unsigned char *>(k.m_public.data()), k.m_secret.data());
    return k;
}

std::optional<LinkCipher> LinkCipher::create(
    bool dialer, const SecretBytes &ownSecret, QByteArrayView ownPublic, QByteArrayView theirPublic)
{
    if (!ready() || ownSecret.size() != crypto_kx_SECRETKEYBYTES
        || ownPublic.size() != crypto_kx_PUBLICKEYBYTES || theirPublic.size() != crypto_kx_PUBLICKEYBYTES)
        return std::nullopt;
    LinkCipher c;
    c.m_send = SecretBytes(crypto_kx_SESSIONKEYBYTES);
    c.m_receive = SecretBytes(crypto_kx_SESSIONKEYBYTES);
    const int rc = dialer ? crypto_kx_client_session_keys(c.m_receive.data(), c.m_send.data(),
                       bytes(ownPublic), ownSecret.data(), bytes(theirPublic))
                          : crypto_kx_server_session_keys(c.m_receive.data(), c.m_send.data(),
                              bytes(ownPublic), ownSecret.data(), bytes(theirPublic));
    if (rc != 0)
        return std::nullopt; // a low-order point: no shared secret
    return c;
}

QByteArray LinkCipher::seal(QByteArrayView plaintext)
{
    unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
    counterNonce(m_sent++, nonce);
    QByteArray out(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, Qt::Uninitialized);
    unsigned long long length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char *>(out.data()), &length,
        bytes(plaintext), size_t(plaintext.size()), reinterpret_cast<const unsigned char *>(kFrameDomain),
        sizeof kFrameDomain - 1, nullptr, nonce, m_send.data());
    out.truncate(qsizetype(length));
    return out;
}

std::optional<QByteArray> LinkCipher::open(QByteArrayView sealed)
{
    if (m_broken || sealed.size() < crypto_aead_xchacha20poly1305_ietf_ABYTES || m_receive.isEmpty()) {
        m_broken = true;
        return std::nullopt;
    }
    unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
    counterNonce(m_received, nonce);
    QByteArray out(sealed.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, Qt::Uninitialized);
    unsigned long long length = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char *>(out.data()), &length,
            nullptr, bytes(sealed), size_t(sealed.size()),
            reinterpret_cast<const unsigned char *>(kFrameDomain), sizeof kFrameDomain - 1, nonce,
            m_receive.data())
        != 0) {
        m_broken = true; // the stream is out of step for good: the link must close
        return std::nullopt;
    }
    ++m_received;
    out.truncate(qsizetype(length));
    return out;
}

} // namespace PeerLink::Crypto
