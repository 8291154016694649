#pragma once

#include "crypto/identity.h"
#include "crypto/sodium.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace PeerLink::Crypto {

/// Sender keys of a room (issue 17). Each member seals what it says in a room with a key of its own (32 random bytes,
/// numbered by a generation), which it hands to each other member sealed over their pairwise end-to-end channel; the
/// hub passes the room messages on and cannot open them. A room message's `e2e` is
/// "r1.GEN.NONCE.CIPHERTEXT.SIGNATURE": GEN the key's generation (decimal), CIPHERTEXT the UTF-8 text sealed with
/// XChaCha20-Poly1305-IETF under the sender key and a random 24-byte NONCE, with associated data framed(
/// "peerlink-room-1", room, from, mid, GEN); SIGNATURE the sender's identity signature of framed("peerlink-room-sig-1",
/// room, from, mid, GEN, NONCE, CIPHERTEXT), so that another member, who holds the same sender key, cannot speak as
/// the sender. Base64url parts, no padding. libsodium only.
struct RoomSealed
{
    quint32 generation = 0;
    QByteArray nonce;
    QByteArray ciphertext;
    QByteArray signature;
};

/// Bytes of a sender key.
inline constexpr int RoomKeyBytes = 32;

/// A fresh random sender key.
SecretBytes generateRoomKey();
/// A key as bytes (to hand to a member, sealed) and back; nullopt when @p bytes is not 32 bytes.
QByteArray roomKeyBytes(const SecretBytes &key);
std::optional<SecretBytes> roomKeyFromBytes(QByteArrayView bytes);

/// Parses the text form strictly (version, five parts, sizes); nullopt otherwise.
std::optional<RoomSealed> decodeRoomSealed(QByteArrayView e2e);

/// Seals @p plaintext said by @p from in @p room under message id @p mid with sender key @p key of @p generation.
QByteArray sealRoomMessage(const Identity &sender, const SecretBytes &key, quint32 generation, const QString &room,
                           const QString &from, const QString &mid, QByteArrayView plaintext);
/// Whether @p sealed carries @p senderKey's signature for @p room, @p from and @p mid.
bool verifyRoomMessage(const RoomSealed &sealed, QByteArrayView senderKey, const QString &room, const QString &from,
                       const QString &mid);
/// Opens @p sealed with sender key @p key (the signature is checked by verifyRoomMessage() first); nullopt when it does
/// not open (another key, changed on the way, moved to another room, sender or mid).
std::optional<QByteArray> openRoomMessage(const RoomSealed &sealed, const SecretBytes &key, const QString &room,
                                          const QString &from, const QString &mid);

} // namespace PeerLink::Crypto
