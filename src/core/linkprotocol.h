#pragma once

#include "protocol.h"

#include <QByteArray>
#include <QString>
#include <variant>

namespace PeerLink {

// The direct-link protocol (docs/protocol.md, "Direct links"): a three-step handshake, then messages and
// acks.

/// `link_hello`, dialer to listener: who dials, for which introduction, and the dialer's fresh nonce.
struct LinkHello
{
    QString from;
    QString link;
    QString nonce;
    /// With an identity (addition): the dialer's identity key and its ephemeral X25519 key for this link
    /// (base64url, 32 bytes each); absent otherwise.
    QString key;
    QString eph;
    /// Addition (issue 15): the dialer takes file chunks in binary frames (`bin`: true).
    bool binary = false;
};

/// `link_welcome`, listener to dialer: the listener's nonce and its proof HMAC(secret,
/// "listener|link|dialer's nonce").
struct LinkWelcome
{
    QString from;
    QString nonce;
    QString proof;
    /// When both sides have identities (addition): the listener's identity key, its ephemeral key, and its
    /// signature of the link transcript (Crypto::LinkTranscript, role "listener"; base64url, 64 bytes).
    QString key;
    QString eph;
    QString sig;
    /// Addition (issue 15): the listener takes file chunks in binary frames (`bin`: true).
    bool binary = false;
};

/// `link_proof`, dialer to listener: HMAC(secret, "dialer|link|listener's nonce").
struct LinkProof
{
    QString proof;
    /// When the welcome carried a signature (addition): the dialer's signature of the transcript (role
    /// "dialer").
    QString sig;
};

/// `message` on an authenticated link. The sender is the link's peer; a `from` in the frame is ignored. The
/// mid is required: without it the message could not be acked, nor dropped when it comes again through the
/// hub.
struct LinkMessage
{
    QString text;
    QString to;
    QString mid;
    /// The sender's wall-clock time, ms since the epoch (0 when absent).
    qint64 ts = 0;
    /// The end-to-end envelope, as in a hub `message` (the text is then empty).
    QString e2e;
    /// The place in the sender's stream to this peer, as in a hub `message` (0: not numbered).
    qint64 seq = 0;
    qint64 run = 0;
};

/// `ack` on a link: the peer received the message with this mid.
struct LinkAck
{
    QString mid;
};

/// `sealed` (addition): on a link whose handshake exchanged identity keys, every frame after it is this, with
/// `box` the base64url of the inner frame (a `message` or `ack`) sealed by Crypto::LinkCipher.
struct LinkSealed
{
    QString box;
};

/// `file` on an authenticated link (addition, issue 15): a frame of a file transfer, as the hub's `file` without
/// `to` and `from` (the link's peers).
struct LinkFile
{
    QString tid;
    QString op;
    QString data;
};

using LinkEnvelope = std::variant<LinkHello, LinkWelcome, LinkProof, LinkMessage, LinkAck, LinkSealed, LinkFile>;

/// Length of a link nonce in hex digits (128 random bits).
inline constexpr int LinkNonceLength = 32;
/// Length of a proof in hex digits (HMAC-SHA256).
inline constexpr int LinkProofLength = 64;

/// Parses and validates one frame received on a direct link, strictly: types, the id rule, 32-hex nonces,
/// 64-hex lower-case proofs, the mid rule.
Decoded<LinkEnvelope> decodeLinkMessage(const QByteArray &utf8);

QByteArray encode(const LinkHello &m);
QByteArray encode(const LinkWelcome &m);
QByteArray encode(const LinkProof &m);
QByteArray encode(const LinkMessage &m);
QByteArray encode(const LinkAck &m);
QByteArray encode(const LinkSealed &m);
QByteArray encode(const LinkFile &m);
QByteArray encode(const LinkEnvelope &m);

/// The `type` name of a link envelope ("link_hello", ...).
QString typeName(const LinkEnvelope &m);

/// The handshake proof: lower-case hex of HMAC-SHA256(@p secret, @p role + "|" + @p link + "|" + @p nonce).
QString linkProof(const QString &secret, QStringView role, const QString &link, const QString &nonce);

} // namespace PeerLink
