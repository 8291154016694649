#include "roomcipher.h"

#include <sodium.h>

namespace PeerLink::Crypto {

namespace {

const unsigned char *bytes(QByteArrayView b)
{
    return reinterpret_cast<const unsigned char *>(b.data());
}

QByteArray u8(const QString &s)
{
    return s.toUtf8();
}

QByteArray associatedData(const QString &room, const QString &from, const QString &mid, quint32 generation)
{
    return framed("peerlink-room-1", { u8(room), u8(from), u8(mid), QByteArray::number(generation) });
}

QByteArray statement(const RoomSealed &m, const QString &room, const QString &from, const QString &mid)
{
    return framed("peerlink-room-sig-1", { u8(room), u8(from), u8(mid), QByteArray::number(m.generation), m.nonce,
                                           m.ciphertext });
}

} // namespace

SecretBytes generateRoomKey()
{
    SecretBytes key(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
    crypto_aead_xchacha20poly1305_ietf_keygen(key.data());
    return key;
}

QByteArray roomKeyBytes(const SecretBytes &key)
{
    return QByteArray(reinterpret_cast<const char *>(key.data()), key.size());
}

std::optional<SecretBytes> roomKeyFromBytes(QByteArrayView b)
{
    if (b.size() != RoomKeyBytes)
        return std::nullopt;
    SecretBytes key(RoomKeyBytes);
    memcpy(key.data(), b.data(), size_t(RoomKeyBytes));
    return key;
}

std::optional<RoomSealed> decodeRoomSealed(QByteArrayView e2e)
{
    const QList<QByteArray> parts = e2e.toByteArray().split('.');
    if (parts.size() != 5 || parts.at(0) != "r1" || parts.at(1).isEmpty() || parts.at(1).size() > 10)
        return std::nullopt;
    bool ok = false;
    RoomSealed m;
    const qulonglong generation = parts.at(1).toULongLong(&ok);
    if (!ok || generation > 0xffffffffULL || parts.at(1).startsWith('+') || parts.at(1).startsWith('-'))
        return std::nullopt;
    m.generation = quint32(generation);
    bool okNonce = false, okCipher = false, okSig = false;
    m.nonce = fromBase64(parts.at(2), &okNonce);
    m.ciphertext = fromBase64(parts.at(3), &okCipher);
    m.signature = fromBase64(parts.at(4), &okSig);
    if (!okNonce || !okCipher || !okSig || m.nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
        || m.ciphertext.size() < crypto_aead_xchacha20poly1305_ietf_ABYTES || m.signature.size() != crypto_sign_BYTES)
        return std::nullopt;
    return m;
}

QByteArray sealRoomMessage(const Identity &sender, const SecretBytes &key, quint32 generation, const QString &room,
                           const QString &from, const QString &mid, QByteArrayView plaintext)
{
    RoomSealed m;
    m.generation = generation;
    m.nonce = randomBytes(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES); // random 192-bit nonces: no counter to keep
    const QByteArray ad = associatedData(room, from, mid, generation);
    m.ciphertext = QByteArray(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, Qt::Uninitialized);
    unsigned long long length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char *>(m.ciphertext.data()), &length,
                                               bytes(plaintext), size_t(plaintext.size()), bytes(ad), size_t(ad.size()),
                                               nullptr, bytes(m.nonce), key.data());
    m.ciphertext.truncate(qsizetype(length));
    m.signature = sender.sign(statement(m, room, from, mid));
    return "r1." + QByteArray::number(generation) + '.' + toBase64(m.nonce) + '.' + toBase64(m.ciphertext) + '.'
        + toBase64(m.signature);
}

bool verifyRoomMessage(const RoomSealed &sealed, QByteArrayView senderKey, const QString &room, const QString &from,
                       const QString &mid)
{
    return !senderKey.isEmpty() && verify(senderKey, statement(sealed, room, from, mid), sealed.signature);
}

std::optional<QByteArray> openRoomMessage(const RoomSealed &sealed, const SecretBytes &key, const QString &room,
                                          const QString &from, const QString &mid)
{
    if (key.size() != RoomKeyBytes)
        return std::nullopt;
    const QByteArray ad = associatedData(room, from, mid, sealed.generation);
    QByteArray plaintext(sealed.ciphertext.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, Qt::Uninitialized);
    unsigned long long length = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char *>(plaintext.data()), &length,
                                                   nullptr, bytes(sealed.ciphertext), size_t(sealed.ciphertext.size()),
                                                   bytes(ad), size_t(ad.size()), bytes(sealed.nonce), key.data())
        != 0)
        return std::nullopt;
    plaintext.truncate(qsizetype(length));
    return plaintext;
}

} // namespace PeerLink::Crypto
