#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace PeerLink {

/// Base64url without padding (RFC 4648 §5) for bulk public data: file chunks and sealed link frames, which are
/// ciphertext already. Table-driven and about ten times faster than the constant-time codec that Crypto::toBase64 /
/// fromBase64 use for keys; as strict: no padding, no other characters, and the unused low bits of the last
/// character must be zero, so every value has one spelling.
QByteArray toBase64Url(QByteArrayView bytes);
/// The bytes of @p text, or an empty array with @p ok false when it is not canonical base64url without padding.
QByteArray fromBase64Url(QByteArrayView text, bool *ok);

} // namespace PeerLink
