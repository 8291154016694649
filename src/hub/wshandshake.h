#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace PeerLink {

/// What the hub makes of the request head of a WebSocket opening handshake (RFC 6455, section 4.2.1): the hub
/// answers the upgrade itself (HubListener) and keeps no QWebSocket per peer. Pure: no sockets; table-tested
/// (tst_wshandshake) and fuzzed (fuzz_wshandshake).
struct UpgradeRequest
{
    enum class Status {
        Valid, ///< a GET that asks for WebSocket version 13 with a well-formed key
        BadRequest, ///< 400: a malformed request line, no Host, no Upgrade/Connection, a bad key
        MethodNotAllowed, ///< 405: not a GET
        UnsupportedVersion, ///< 426: no Sec-WebSocket-Version 13 (answered with the version the hub speaks)
    };
    Status status = Status::BadRequest;
    /// The request target as sent, in origin form (the path and the query:
    /// `/socket.io/?EIO=4&transport=websocket`); an absolute-form target is cut to its path and query. Set
    /// whenever the request line could be read.
    QByteArray target;
    /// Sec-WebSocket-Key (Valid).
    QByteArray key;
    /// The Origin header, empty when there is none (a browser page's origin; desktop clients send none).
    QByteArray origin;
    /// Not Valid: why, in English (the hub's log, and the body of the answer).
    QString error;
};

/// Reads @p head, a complete request head (request line, header lines, the empty line; bounded by the
/// caller).
UpgradeRequest parseUpgradeRequest(QByteArrayView head);

/// Sec-WebSocket-Accept for @p key: base64 of the SHA-1 of the key and RFC 6455's GUID.
QByteArray webSocketAccept(QByteArrayView key);

/// The `101 Switching Protocols` answer to a Valid @p request; @p serverName goes in a Server header (left
/// out when empty or when it holds a line break).
QByteArray upgradeResponse(const UpgradeRequest &request, const QString &serverName);

/// An HTTP answer that refuses a connection before or in its handshake: @p status and its @p phrase, the
/// @p extraHeaders (whole lines, each ended by CRLF), `Connection: close`, and @p reason as a plain-text
/// body.
QByteArray httpRefusal(
    int status, QByteArrayView phrase, const QString &reason, QByteArrayView extraHeaders = {});

/// The answer to a request that is not Valid (400, 405 with Allow, 426 with Sec-WebSocket-Version: 13).
QByteArray upgradeRefusal(const UpgradeRequest &request);

} // namespace PeerLink
