#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>

namespace PeerLink::Rules {

/// Longest peer id, in characters.
inline constexpr int MaxIdLength = 64;
/// Longest display name, in Unicode code points.
inline constexpr int MaxNameLength = 64;
/// Longest client-chosen message id, in characters.
inline constexpr int MaxMidLength = 64;
/// Most message ids one receipt names.
inline constexpr int MaxReceiptMids = 100;
/// Largest `seq` and `run` (the largest integer a JSON number carries exactly: 2^53 - 1).
inline constexpr qint64 MaxSequence = (qint64(1) << 53) - 1;

/// 1 to 64 characters of A-Z a-z 0-9 . _ - (case-sensitive).
bool isValidId(QStringView id);

/// Non-empty, at most 64 code points, printable (no control characters, no lone surrogates, no line breaks).
bool isValidName(QStringView name);

/// 1 to 64 characters (Unicode code points; no lone surrogates), as the contract allows.
bool isValidMid(QStringView mid);

/// Most endpoints a peer may list for direct links.
inline constexpr int MaxEndpoints = 8;
/// "1.2.3.4:5678" or "[2001:db8::1]:5678": an IP address literal (no host names) and a port from 1 to 65535.
bool isValidEndpoint(QStringView endpoint);
/// A link id or secret: 16 to 128 characters of 0-9 a-f.
bool isValidToken(QStringView token);
/// A file transfer id (issue 15): exactly 32 characters of 0-9 a-f.
bool isTransferId(QStringView tid);
/// A file frame's `op`: 1 to 16 characters of a-z.
bool isFileOp(QStringView op);

/// A room's name (issue 17): the id rule (1 to 64 characters of A-Z a-z 0-9 . _ -, case-sensitive).
bool isValidRoomName(QStringView room);
/// Longest room topic, in Unicode code points.
inline constexpr int MaxTopicLength = 256;
/// A room's topic: empty, or at most 256 code points, printable (the display name rule, longer).
bool isValidTopic(QStringView topic);
/// A room's `op`: 1 to 16 characters of a-z and _.
bool isRoomOp(QStringView op);

/// Sizes of the identity values on the wire (issue 13): Ed25519 and X25519 public keys, a nonce or hub id, and an
/// Ed25519 signature, in bytes.
inline constexpr int KeyBytes = 32;
inline constexpr int SignatureBytes = 64;
/// Whether @p text is base64url without padding of exactly @p bytes bytes, in its one canonical form (unused low
/// bits zero, as libsodium's strict decoder wants): the shape check core can make without linking libsodium.
bool isBase64UrlOf(QStringView text, int bytes);

/// The SHA-256 fingerprint of a certificate's DER bytes, as "AB:CD:…" (the form `openssl x509 -fingerprint` prints).
QString certificateFingerprint(const QByteArray &der);
/// Whether two fingerprints are the same, whatever their case, colons or spaces.
bool sameFingerprint(QStringView a, QStringView b);

} // namespace PeerLink::Rules
