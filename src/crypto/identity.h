#pragma once

#include "crypto/sodium.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace PeerLink::Crypto {

/// Sizes of libsodium's Ed25519 keys and signatures.
inline constexpr int PublicKeyBytes = 32;
inline constexpr int SignatureBytes = 64;
inline constexpr int SeedBytes = 32;

/// A peer's identity: an Ed25519 key pair (libsodium crypto_sign). The public key is what others know the peer by;
/// the secret key never leaves this object (it lives in guarded memory, wiped when the last copy goes).
class Identity
{
public:
    /// A new random identity (in memory only).
    static Identity generate();
    /// The identity whose 32-byte seed is @p seed (for tests and for loading); nullopt for a seed of another size.
    static std::optional<Identity> fromSeed(QByteArrayView seed);

    /// Loads the identity kept in @p path, or creates one there when the file does not exist (with owner-only
    /// permissions, 0600, made so from the start: never readable by others, not even for a moment). A file that
    /// others can read or write, that is not an identity file, or that cannot be written is refused with a
    /// readable reason in @p error.
    static std::optional<Identity> loadOrCreate(const QString &path, QString *error);
    /// Loads an existing identity file (same checks); nullopt with @p error when it cannot.
    static std::optional<Identity> load(const QString &path, QString *error);

    QByteArray publicKey() const { return m_public; }
    /// The fingerprint people compare (see fingerprintOf()).
    QString fingerprint() const;
    /// An Ed25519 signature of @p message (64 bytes).
    QByteArray sign(QByteArrayView message) const;
    /// The X25519 secret key of this identity (crypto_sign_ed25519_sk_to_curve25519), for messages sealed to it.
    SecretBytes curveSecretKey() const;

private:
    Identity() = default;
    SecretBytes m_secret; // libsodium's 64-byte secret key (seed and public key)
    QByteArray m_public;
};

/// Whether @p signature is @p publicKey's Ed25519 signature of @p message.
bool verify(QByteArrayView publicKey, QByteArrayView message, QByteArrayView signature);

/// The fingerprint of a public key as people read it aloud and compare it: 30 bytes of BLAKE2b (libsodium's
/// crypto_generichash) of the key, keyed with the domain "peerlink-fingerprint-1", read as six 40-bit numbers, each
/// shown as 5 decimal digits (its value modulo 100 000): "12345 67890 13579 24680 11223 34455" (about 99.7 bits).
QString fingerprintOf(QByteArrayView publicKey);

/// The X25519 public key of an Ed25519 public key (crypto_sign_ed25519_pk_to_curve25519); empty if it is not a
/// valid point.
QByteArray curvePublicKey(QByteArrayView publicKey);

} // namespace PeerLink::Crypto
