#include "envelope.h"

#include <sodium.h>

namespace PeerLink::Crypto {

namespace {

QByteArray u8(const QString &s)
{
    return s.toUtf8();
}

QByteArray sessionStatement(const QString &from, const QString &to, QByteArrayView senderKey,
                            QByteArrayView recipientKey, QByteArrayView ephemeral, QByteArrayView prekey)
{
    return framed("peerlink-session-1", { u8(from), u8(to), senderKey, recipientKey, ephemeral, prekey });
}

QByteArray associatedData(const QString &from, const QString &to, const QString &mid)
{
    // The hub cannot move a ciphertext to another sender, recipient or message id unnoticed.
    return framed("peerlink-message-1", { u8(from), u8(to), u8(mid) });
}

const unsigned char *bytes(QByteArrayView v)
{
    return reinterpret_cast<const unsigned char *>(v.data());
}

} // namespace

Prekey Prekey::generate(const Identity &identity, const QString &id)
{
    Prekey p;
    p.m_secret = SecretBytes(crypto_kx_SECRETKEYBYTES);
    p.m_public = QByteArray(crypto_kx_PUBLICKEYBYTES, Qt::Uninitialized);
    crypto_kx_keypair(reinterpret_cast<unsigned char *>(p.m_public.data()), p.m_secret.data());
    p.m_signature = identity.sign(framed("peerlink-prekey-1", { u8(id), identity.publicKey(), p.m_public }));
    return p;
}

bool verifyPrekey(QByteArrayView identityKey, const QString &id, QByteArrayView prekey, QByteArrayView signature)
{
    return prekey.size() == crypto_kx_PUBLICKEYBYTES
        && verify(identityKey, framed("peerlink-prekey-1", { u8(id), identityKey, prekey }), signature);
}

QByteArray encodeSealed(const SealedMessage &m)
{
    return "1." + toBase64(m.ephemeral) + '.' + toBase64(m.signature) + '.' + toBase64(m.nonce) + '.'
        + toBase64(m.ciphertext);
}

std::optional<SealedMessage> decodeSealed(QByteArrayView text)
{
    // Bounded before splitting: base64 of the largest plaintext plus the fixed parts.
    if (text.size() > (MaxSealedPlaintext / 3 + 1) * 4 + 512)
        return std::nullopt;
    const QList<QByteArray> parts = text.toByteArray().split('.');
    if (parts.size() != 5 || parts.at(0) != "1")
        return std::nullopt;
    SealedMessage m;
    bool ok[4] = {};
    m.ephemeral = fromBase64(parts.at(1), &ok[0]);
    m.signature = fromBase64(parts.at(2), &ok[1]);
    m.nonce = fromBase64(parts.at(3), &ok[2]);
    m.ciphertext = fromBase64(parts.at(4), &ok[3]);
    if (!ok[0] || !ok[1] || !ok[2] || !ok[3] || m.ephemeral.size() != crypto_kx_PUBLICKEYBYTES
        || m.signature.size() != crypto_sign_BYTES || m.nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
        || m.ciphertext.size() < crypto_aead_xchacha20poly1305_ietf_ABYTES)
        return std::nullopt;
    return m;
}

std::optional<OutgoingSession> OutgoingSession::create(const Identity &identity, const QString &from, const QString &to,
                                                       QByteArrayView recipientKey, QByteArrayView recipientPrekey)
{
    if (!ready() || recipientPrekey.size() != crypto_kx_PUBLICKEYBYTES)
        return std::nullopt;
    OutgoingSession s;
    s.m_from = from;
    s.m_to = to;
    s.m_prekey = recipientPrekey.toByteArray();
    SecretBytes ephemeralSecret(crypto_kx_SECRETKEYBYTES);
    s.m_ephemeral = QByteArray(crypto_kx_PUBLICKEYBYTES, Qt::Uninitialized);
    crypto_kx_keypair(reinterpret_cast<unsigned char *>(s.m_ephemeral.data()), ephemeralSecret.data());
    // The sender is crypto_kx's client, the recipient's prekey its server: the client's transmit key is the
    // server's receive key. Only the sending key is kept; the ephemeral secret goes when this function returns.
    SecretBytes receive(crypto_kx_SESSIONKEYBYTES);
    s.m_key = SecretBytes(crypto_kx_SESSIONKEYBYTES);
    if (crypto_kx_client_session_keys(receive.data(), s.m_key.data(), bytes(s.m_ephemeral), ephemeralSecret.data(),
                                      bytes(recipientPrekey))
        != 0)
        return std::nullopt;
    s.m_signature = identity.sign(
        sessionStatement(from, to, identity.publicKey(), recipientKey, s.m_ephemeral, recipientPrekey));
    return s;
}

QByteArray OutgoingSession::seal(QByteArrayView plaintext, const QString &mid) const
{
    SealedMessage m;
    m.ephemeral = m_ephemeral;
    m.signature = m_signature;
    m.nonce = QByteArray(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, Qt::Uninitialized);
    randombytes_buf(m.nonce.data(), size_t(m.nonce.size())); // 192-bit random nonces: no counter to keep in step
    const QByteArray ad = associatedData(m_from, m_to, mid);
    m.ciphertext = QByteArray(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, Qt::Uninitialized);
    unsigned long long length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char *>(m.ciphertext.data()), &length,
                                               bytes(plaintext), size_t(plaintext.size()), bytes(ad), size_t(ad.size()),
                                               nullptr, bytes(m.nonce), m_key.data());
    m.ciphertext.truncate(qsizetype(length));
    return encodeSealed(m);
}

IncomingSessions::IncomingSessions(const Identity &identity, const QString &id, const Prekey &prekey)
    : m_identityKey(identity.publicKey())
    , m_id(id)
    , m_prekey(prekey)
{
}

IncomingSessions::Opened IncomingSessions::open(QByteArrayView e2e, const QString &from, QByteArrayView senderKey,
                                                const QString &mid)
{
    const std::optional<SealedMessage> m = decodeSealed(e2e);
    if (!m)
        return { std::nullopt, Failure::Malformed };
    const QByteArray sessionId = senderKey.toByteArray() + m->ephemeral;
    auto it = m_sessions.find(sessionId);
    if (it == m_sessions.end()) {
        // A session is made for one prekey; the statement names ours, so one made for an older prekey fails here.
        if (!verify(senderKey,
                     sessionStatement(from, m_id, senderKey, m_identityKey, m->ephemeral, m_prekey.publicKey()),
                     m->signature))
            return { std::nullopt, Failure::BadSignature };
        SecretBytes receive(crypto_kx_SESSIONKEYBYTES);
        SecretBytes transmit(crypto_kx_SESSIONKEYBYTES);
        if (crypto_kx_server_session_keys(receive.data(), transmit.data(), bytes(m_prekey.publicKey()),
                                          m_prekey.secretKey().data(), bytes(m->ephemeral))
            != 0)
            return { std::nullopt, Failure::WrongPrekey };
        if (m_order.size() >= MaxSessions)
            m_sessions.remove(m_order.takeFirst());
        m_order.append(sessionId);
        it = m_sessions.insert(sessionId, receive);
    }
    const QByteArray ad = associatedData(from, m_id, mid);
    QByteArray plaintext(m->ciphertext.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, Qt::Uninitialized);
    unsigned long long length = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char *>(plaintext.data()), &length,
                                                   nullptr, bytes(m->ciphertext), size_t(m->ciphertext.size()),
                                                   bytes(ad), size_t(ad.size()), bytes(m->nonce), it->data())
        != 0)
        return { std::nullopt, Failure::Tampered };
    plaintext.truncate(qsizetype(length));
    return { plaintext, Failure::None };
}

namespace {

QByteArray offlineStatement(const QString &from, const QString &to, QByteArrayView senderKey,
                            QByteArrayView recipientKey, const QString &mid, QByteArrayView plaintext)
{
    return framed("peerlink-offline-1", { u8(from), u8(to), senderKey, recipientKey, u8(mid), plaintext });
}

} // namespace

QByteArray sealOffline(const Identity &sender, const QString &from, const QString &to, QByteArrayView recipientKey,
                       const QString &mid, QByteArrayView plaintext)
{
    const QByteArray curve = curvePublicKey(recipientKey);
    if (curve.isEmpty() || plaintext.size() > MaxSealedPlaintext)
        return QByteArray();
    const QByteArray inner = sender.sign(offlineStatement(from, to, sender.publicKey(), recipientKey, mid, plaintext))
        + plaintext.toByteArray();
    QByteArray box(inner.size() + crypto_box_SEALBYTES, Qt::Uninitialized);
    if (crypto_box_seal(reinterpret_cast<unsigned char *>(box.data()), bytes(inner), (unsigned long long)inner.size(),
                        bytes(curve))
        != 0)
        return QByteArray();
    return "2." + toBase64(box);
}

bool isOfflineEnvelope(QByteArrayView e2e)
{
    return e2e.startsWith("2.");
}

OpenedOffline openOffline(const Identity &recipient, const QString &to, QByteArrayView e2e, const QString &from,
                          QByteArrayView senderKey, const QString &mid)
{
    // Bounded before decoding: base64 of the largest plaintext plus the fixed parts.
    if (!ready() || !isOfflineEnvelope(e2e) || e2e.size() > (MaxSealedPlaintext / 3 + 1) * 4 + 512)
        return { std::nullopt, OfflineFailure::Malformed };
    bool ok = false;
    const QByteArray box = fromBase64(e2e.sliced(2), &ok);
    if (!ok || box.size() < crypto_box_SEALBYTES + crypto_sign_BYTES)
        return { std::nullopt, OfflineFailure::Malformed };
    const QByteArray ownKey = recipient.publicKey();
    const QByteArray curve = curvePublicKey(ownKey);
    const SecretBytes secret = recipient.curveSecretKey();
    if (curve.isEmpty() || secret.isEmpty())
        return { std::nullopt, OfflineFailure::NotForMe };
    SecretBytes inner(int(box.size() - crypto_box_SEALBYTES));
    if (crypto_box_seal_open(inner.data(), bytes(box), (unsigned long long)box.size(), bytes(curve), secret.data())
        != 0)
        return { std::nullopt, OfflineFailure::NotForMe };
    const QByteArrayView all(reinterpret_cast<const char *>(inner.data()), inner.size());
    const QByteArrayView signature = all.first(crypto_sign_BYTES);
    const QByteArrayView plaintext = all.sliced(crypto_sign_BYTES);
    if (!verify(senderKey, offlineStatement(from, to, senderKey, ownKey, mid, plaintext), signature))
        return { std::nullopt, OfflineFailure::BadSignature };
    return { plaintext.toByteArray(), OfflineFailure::None };
}

QByteArray signBroadcast(const Identity &identity, const QString &from, const QString &mid, const QString &text)
{
    return identity.sign(framed("peerlink-broadcast-1", { u8(from), u8(mid), u8(text) }));
}

bool verifyBroadcast(QByteArrayView senderKey, const QString &from, const QString &mid, const QString &text,
                     QByteArrayView signature)
{
    return verify(senderKey, framed("peerlink-broadcast-1", { u8(from), u8(mid), u8(text) }), signature);
}

namespace {

QByteArray receiptBytes(const QString &from, const QString &to, const QString &kind, const QStringList &mids)
{
    QList<QByteArray> fields { u8(from), u8(to), u8(kind) };
    for (const QString &mid : mids)
        fields.append(u8(mid));
    return framed("peerlink-receipt-1", fields);
}

} // namespace

QByteArray signReceipt(const Identity &identity, const QString &from, const QString &to, const QString &kind,
                       const QStringList &mids)
{
    return identity.sign(receiptBytes(from, to, kind, mids));
}

bool verifyReceipt(QByteArrayView senderKey, const QString &from, const QString &to, const QString &kind,
                   const QStringList &mids, QByteArrayView signature)
{
    return verify(senderKey, receiptBytes(from, to, kind, mids), signature);
}

} // namespace PeerLink::Crypto
