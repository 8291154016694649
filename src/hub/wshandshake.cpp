#include "wshandshake.h"

#include "hub/proxyheaders.h"

#include <QCryptographicHash>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

/// Whether the comma-separated list @p values holds @p token (compared without case).
bool hasToken(QByteArrayView values, QByteArrayView token)
{
    while (!values.isEmpty()) {
        const qsizetype comma = values.indexOf(',');
        const QByteArrayView element = (comma < 0 ? values : values.first(comma)).trimmed();
        if (element.compare(token, Qt::CaseInsensitive) == 0)
            return true;
        if (comma < 0)
            break;
        values = values.sliced(comma + 1);
    }
    return false;
}

/// HTTP/1.1 or later ("HTTP/" digit "." digit).
bool isHttp11OrLater(QByteArrayView version)
{
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.')
        return false;
    const char major = version[5];
    const char minor = version[7];
    if (major < '0' || major > '9' || minor < '0' || minor > '9')
        return false;
    return major > '1' || (major == '1' && minor >= '1');
}

/// The origin form (path and query) of a request target; empty when it is neither that nor an absolute URL.
QByteArray originForm(QByteArrayView target)
{
    if (target.startsWith('/'))
        return target.toByteArray();
    const qsizetype scheme = target.indexOf("://");
    if (scheme <= 0)
        return {};
    const QByteArrayView rest = target.sliced(scheme + 3);
    qsizetype path = 0;
    while (path < rest.size() && rest[path] != '/' && rest[path] != '?')
        ++path;
    if (rest.first(path).contains('@'))
        return {}; // credentials in the URL, which Qt's handshake refused too
    const QByteArrayView tail = rest.sliced(path);
    return tail.startsWith('/') ? tail.toByteArray() : "/" + tail.toByteArray();
}

/// A Sec-WebSocket-Key: base64 of 16 bytes (RFC 6455, 4.2.1 item 5), so 24 characters.
bool isValidKey(QByteArrayView key)
{
    if (key.size() != 24)
        return false;
    const auto decoded
        = QByteArray::fromBase64Encoding(key.toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
    return decoded.decodingStatus == QByteArray::Base64DecodingStatus::Ok && decoded.decoded.size() == 16;
}

UpgradeRequest refused(UpgradeRequest request, UpgradeRequest::Status status, const QString &error)
{
    request.status = status;
    request.error = error;
    return request;
}

} // namespace

UpgradeRequest parseUpgradeRequest(QByteArrayView head)
{
    using Status = UpgradeRequest::Status;
    UpgradeRequest request;
    const qsizetype lineEnd = head.indexOf('\n');
    QByteArrayView line = lineEnd < 0 ? head : head.first(lineEnd);
    if (line.endsWith('\r'))
        line.chop(1);
    // METHOD SP request-target SP HTTP-version, nothing else.
    const qsizetype first = line.indexOf(' ');
    const qsizetype second = first < 0 ? -1 : line.indexOf(' ', first + 1);
    if (first <= 0 || second <= first + 1 || line.indexOf(' ', second + 1) >= 0
        || !isHttp11OrLater(line.sliced(second + 1)))
        return refused(request, Status::BadRequest, u"The request line is not an HTTP/1.1 request."_s);
    request.target = originForm(line.sliced(first + 1, second - first - 1));
    if (request.target.isEmpty())
        return refused(request, Status::BadRequest, u"The request target is not a path."_s);
    if (line.first(first) != "GET")
        return refused(request, Status::MethodNotAllowed, u"A WebSocket handshake is a GET request."_s);
    request.origin = headerValues(head, "origin");
    if (headerValues(head, "host").isEmpty())
        return refused(request, Status::BadRequest, u"The request has no Host header."_s);
    if (!hasToken(headerValues(head, "upgrade"), "websocket")
        || !hasToken(headerValues(head, "connection"), "upgrade"))
        return refused(request, Status::BadRequest, u"The request does not ask for a WebSocket upgrade."_s);
    request.key = headerValues(head, "sec-websocket-key");
    if (!isValidKey(request.key))
        return refused(request, Status::BadRequest, u"Missing or invalid Sec-WebSocket-Key."_s);
    if (!hasToken(headerValues(head, "sec-websocket-version"), "13"))
        return refused(request, Status::UnsupportedVersion, u"This hub speaks WebSocket version 13 only."_s);
    request.status = Status::Valid;
    return request;
}

QByteArray webSocketAccept(QByteArrayView key)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(key);
    sha1.addData("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    return sha1.result().toBase64();
}

QByteArray upgradeResponse(const UpgradeRequest &request, const QString &serverName)
{
    QByteArray response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Accept: "
        + webSocketAccept(request.key) + "\r\n";
    if (!serverName.isEmpty() && !serverName.contains(u'\r') && !serverName.contains(u'\n'))
        response += "Server: " + serverName.toLatin1() + "\r\n";
    return response + "\r\n";
}

QByteArray httpRefusal(int status, QByteArrayView phrase, const QString &reason, QByteArrayView extraHeaders)
{
    const QByteArray body = reason.toUtf8() + '\n';
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + phrase.toByteArray() + "\r\n"
        + extraHeaders.toByteArray()
        + "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray upgradeRefusal(const UpgradeRequest &request)
{
    switch (request.status) {
    case UpgradeRequest::Status::MethodNotAllowed:
        return httpRefusal(405, "Method Not Allowed", request.error, "Allow: GET\r\n");
    case UpgradeRequest::Status::UnsupportedVersion:
        return httpRefusal(
            426, "Upgrade Required", request.error, "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
    case UpgradeRequest::Status::BadRequest:
    case UpgradeRequest::Status::Valid:
        break;
    }
    return httpRefusal(400, "Bad Request", request.error, "Sec-WebSocket-Version: 13\r\n");
}

} // namespace PeerLink
