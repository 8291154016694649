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
};

/// `link_welcome`, listener to dialer: the listener's nonce and its proof HMAC(secret,
/// "listener|link|dialer's nonce").
struct LinkWelcome
{
    QString from;
    QString nonce;
    QString proof;
};

/// `link_proof`, dialer to listener: HMAC(secret, "dialer|link|listener's nonce").
struct LinkProof
{
    QString proof;
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
};

/// `ack` on a link: the peer received the message with this mid.
struct LinkAck
{
    QString mid;
};

using LinkEnvelope = std::variant<LinkHello, LinkWelcome, LinkProof, LinkMessage, LinkAck>;

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
QByteArray encode(const LinkEnvelope &m);

/// The `type` name of a link envelope ("link_hello", ...).
QString typeName(const LinkEnvelope &m);

/// The handshake proof: lower-case hex of HMAC-SHA256(@p secret, @p role + "|" + @p link + "|" + @p nonce).
QString linkProof(const QString &secret, QStringView role, const QString &link, const QString &nonce);

} // namespace PeerLink
