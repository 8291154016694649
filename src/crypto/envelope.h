#pragma once

#include "crypto/identity.h"
#include "crypto/sodium.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace PeerLink::Crypto {

/// A prekey: an X25519 key pair a peer makes for one connection to a hub and publishes, signed by its identity,
/// with its presence. Messages to the peer are encrypted to it; when the connection ends the secret half is wiped,
/// so traffic recorded meanwhile cannot be read later even with the identity key (forward secrecy).
class Prekey
{
public:
    /// A fresh prekey for @p id, signed by @p identity.
    static Prekey generate(const Identity &identity, const QString &id);

    QByteArray publicKey() const { return m_public; }
    /// The identity's signature of framed("peerlink-prekey-1", id, identity public key, prekey).
    QByteArray signature() const { return m_signature; }
    const SecretBytes &secretKey() const { return m_secret; }

private:
    QByteArray m_public;
    QByteArray m_signature;
    SecretBytes m_secret;
};

/// Whether @p signature is @p identityKey's signature of @p prekey for @p id.
bool verifyPrekey(QByteArrayView identityKey, const QString &id, QByteArrayView prekey, QByteArrayView signature);

/// The parts of an end-to-end message (the `e2e` field of a `message`):
/// "1.EPHEMERAL.SIGNATURE.NONCE.CIPHERTEXT", each part base64url without padding.
struct SealedMessage
{
    /// The sender's ephemeral X25519 public key for this session (32 bytes).
    QByteArray ephemeral;
    /// The sender's identity signature of framed("peerlink-session-1", from, to, sender key, recipient key,
    /// ephemeral, recipient prekey) (64 bytes): the session is the sender's, made for this recipient and prekey.
    QByteArray signature;
    /// XChaCha20-Poly1305 nonce (24 bytes) and ciphertext with its 16-byte tag.
    QByteArray nonce;
    QByteArray ciphertext;
};

/// Largest plaintext sealed (bytes); a message larger than the hub's limit is refused by the hub anyway.
inline constexpr int MaxSealedPlaintext = 16 * 1024 * 1024;

/// Encodes and decodes the text form; the decoder is strict (sizes, alphabet, exactly five parts) and never throws.
QByteArray encodeSealed(const SealedMessage &m);
std::optional<SealedMessage> decodeSealed(QByteArrayView text);

/// The sending half of a session from this peer to one peer's prekey: an ephemeral key pair, its signature and the
/// key for sending (crypto_kx client keys, ephemeral with the recipient's prekey). Make a new one per connection.
class OutgoingSession
{
public:
    /// Nullopt when the recipient's prekey is not a valid key.
    static std::optional<OutgoingSession> create(const Identity &identity, const QString &from, const QString &to,
                                                 QByteArrayView recipientKey, QByteArrayView recipientPrekey);
    /// Encrypts @p plaintext for the message @p mid; the result goes into the message's `e2e` field.
    QByteArray seal(QByteArrayView plaintext, const QString &mid) const;
    QByteArray recipientPrekey() const { return m_prekey; }

private:
    QString m_from;
    QString m_to;
    QByteArray m_ephemeral;
    QByteArray m_signature;
    QByteArray m_prekey;
    SecretBytes m_key;
};

/// The receiving side: opens messages sealed to this peer's current prekey, checking that each session was made by
/// the identity the sender claims (sessions are remembered once checked, a bounded number).
class IncomingSessions
{
public:
    IncomingSessions(const Identity &identity, const QString &id, const Prekey &prekey);

    /// Why a message could not be opened.
    enum class Failure { None, Malformed, WrongPrekey, BadSignature, Tampered };
    struct Opened
    {
        std::optional<QByteArray> plaintext;
        Failure failure = Failure::None;
    };
    /// Opens @p e2e from @p from (whose identity key is @p senderKey) for the message @p mid.
    Opened open(QByteArrayView e2e, const QString &from, QByteArrayView senderKey, const QString &mid);

    /// Sessions remembered at most (each a 32-byte key); the oldest is forgotten first.
    static constexpr int MaxSessions = 4096;

private:
    QByteArray m_identityKey;
    QString m_id;
    Prekey m_prekey;
    QHash<QByteArray, SecretBytes> m_sessions; // receive keys, by sender key + ephemeral
    QList<QByteArray> m_order;
};

/// A message for a peer that is offline (addition, issue 14): its prekey of the last connection is gone, so the message
/// is sealed to its long-term identity instead (no forward secrecy: whoever later gets the recipient's identity key
/// can open what was recorded). The `e2e` text is "2." + base64url(crypto_box_seal(X25519 key of the recipient's
/// identity, SIGNATURE || TEXT)), where SIGNATURE (64 bytes) is the sender's identity signature of
/// framed("peerlink-offline-1", from, to, sender key, recipient key, mid, TEXT): sealed boxes are anonymous, so the
/// signature inside says who sent it, to whom, and under which message id.
/// The empty result when @p recipientKey is not a valid identity key.
QByteArray sealOffline(const Identity &sender, const QString &from, const QString &to, QByteArrayView recipientKey,
                       const QString &mid, QByteArrayView plaintext);
/// Whether @p e2e is an offline envelope ("2.…"), to be opened with openOffline().
bool isOfflineEnvelope(QByteArrayView e2e);
/// Why an offline envelope did not open.
enum class OfflineFailure { None, Malformed, NotForMe, BadSignature };
struct OpenedOffline
{
    std::optional<QByteArray> plaintext;
    OfflineFailure failure = OfflineFailure::None;
};
/// Opens an offline envelope sent to @p recipient (whose id is @p to) by @p from, whose identity key is
/// @p senderKey, for the message @p mid. Strict and bounded; never throws.
OpenedOffline openOffline(const Identity &recipient, const QString &to, QByteArrayView e2e, const QString &from,
                          QByteArrayView senderKey, const QString &mid);

/// Signatures of broadcasts (the `sig` field of a message to everyone): framed("peerlink-broadcast-1", from, mid,
/// text), so a signature cannot be moved to another sender, message id or text.
QByteArray signBroadcast(const Identity &identity, const QString &from, const QString &mid, const QString &text);
bool verifyBroadcast(QByteArrayView senderKey, const QString &from, const QString &mid, const QString &text,
                     QByteArrayView signature);

/// Signatures of receipts (issue 14): framed("peerlink-receipt-1", from, to, kind, mid, mid, …), from the peer that
/// received the messages (@p from) to their sender (@p to); @p kind is the receipt's wire name ("delivered",
/// "read"). Bound to both ids, the kind and every mid it names, in order.
QByteArray signReceipt(const Identity &identity, const QString &from, const QString &to, const QString &kind,
                       const QStringList &mids);
bool verifyReceipt(QByteArrayView senderKey, const QString &from, const QString &to, const QString &kind,
                   const QStringList &mids, QByteArrayView signature);

} // namespace PeerLink::Crypto
