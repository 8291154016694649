#pragma once

#include "crypto/identity.h"
#include "crypto/sodium.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace PeerLink::Crypto {

/// The data both sides of a direct link sign in its handshake: who dials whom, for which introduction, both
/// fresh nonces, both identity keys and both ephemeral keys. A signature over it proves the signer holds its
/// identity key now, on this link, with these ephemeral keys: it cannot be replayed on another link or moved
/// to another key exchange.
struct LinkTranscript
{
    QString link;
    QString dialerId;
    QString listenerId;
    QString dialerNonce;
    QString listenerNonce;
    QByteArray dialerKey;
    QByteArray listenerKey;
    QByteArray dialerEphemeral;
    QByteArray listenerEphemeral;

    /// framed("peerlink-link-1", role, every field above): @p dialer chooses the role, so that the dialer's
    /// signature can never stand in for the listener's.
    QByteArray statement(bool dialer) const;
};

/// Signs / verifies the transcript as one side (libsodium Ed25519).
QByteArray signLinkTranscript(const Identity &identity, const LinkTranscript &transcript, bool dialer);
bool verifyLinkTranscript(
    QByteArrayView key, const LinkTranscript &transcript, bool dialer, QByteArrayView signature);

/// Seals every frame of a direct link after its handshake: XChaCha20-Poly1305 (IETF) with one key per
/// direction (crypto_kx session keys of the two ephemeral keys) and the frame's number in that direction as
/// the nonce. A frame that was changed, cut, replayed, reordered or left out does not open: the receiver
/// expects exactly the next number.
class LinkCipher
{
public:
    /// Overhead of each sealed frame (the tag).
    static constexpr int TagBytes = 16;

    /// Keys for one side: @p ownSecret/@p ownPublic its ephemeral X25519 pair, @p theirPublic the other
    /// side's ephemeral key. The dialer is crypto_kx's client. Nullopt for a bad key.
    static std::optional<LinkCipher> create(
        bool dialer, const SecretBytes &ownSecret, QByteArrayView ownPublic, QByteArrayView theirPublic);

    /// Seals the next outgoing frame.
    QByteArray seal(QByteArrayView plaintext);
    /// Opens the next incoming frame; nullopt (and every later frame fails too) if it does not verify.
    std::optional<QByteArray> open(QByteArrayView sealed);

private:
    SecretBytes m_send;
    SecretBytes m_receive;
    quint64 m_sent = 0;
    quint64 m_received = 0;
    bool m_broken = false;
};

/// An ephemeral X25519 key pair for one link handshake (crypto_kx_keypair); the secret half goes with the
/// object.
class EphemeralKey
{
public:
    static EphemeralKey generate();
    QByteArray publicKey() const { return m_public; }
    const SecretBytes &secretKey() const { return m_secret; }

private:
    QByteArray m_public;
    SecretBytes m_secret;
};

/// Size of an ephemeral public key (crypto_kx_PUBLICKEYBYTES).
inline constexpr int EphemeralKeyBytes = 32;

} // namespace PeerLink::Crypto
