#include "httpconnection.h"

#include "hub/hubtransport.h"

#include <http_parser.h>

namespace PeerLink {

struct HttpConnection::Parser
{
    http_parser parser {};
    http_parser_settings settings {};
};

struct HttpCallbacks
{
    static HttpConnection *self(http_parser *p) { return static_cast<HttpConnection *>(p->data); }

    static bool countHead(HttpConnection *c, size_t n)
    {
        c->m_headBytes += qint64(n);
        if (c->m_headBytes > c->m_maxHeadBytes) {
            c->m_headTooLarge = true;
            return false;
        }
        return true;
    }
    static int onMessageBegin(http_parser *p)
    {
        HttpConnection *c = self(p);
        c->m_next = HttpConnection::Request();
        c->m_lastField.clear();
        c->m_headBytes = 0;
        return 0;
    }
    static int onUrl(http_parser *p, const char *at, size_t n)
    {
        HttpConnection *c = self(p);
        if (!countHead(c, n))
            return 1;
        c->m_next.url.append(at, qsizetype(n));
        return 0;
    }
    static int onHeaderField(http_parser *p, const char *at, size_t n)
    {
        HttpConnection *c = self(p);
        if (!countHead(c, n))
            return 1;
        // A field may come in pieces; a value in between means a new field starts.
        if (c->m_lastField.endsWith('\n'))
            c->m_lastField.clear();
        c->m_lastField.append(QByteArray(at, qsizetype(n)).toLower());
        return 0;
    }
    static int onHeaderValue(http_parser *p, const char *at, size_t n)
    {
        HttpConnection *c = self(p);
        if (!countHead(c, n + 4))
            return 1;
        QByteArray field = c->m_lastField;
        if (field.endsWith('\n'))
            field.chop(1);
        else if (field == "x-forwarded-for" && c->m_next.headers.contains(field))
            c->m_next.headers[field].append(", "); // one more line of the list
        else
            c->m_next.headers.remove(field); // the first piece of this value
        c->m_next.headers[field].append(at, qsizetype(n));
        if (!c->m_lastField.endsWith('\n'))
            c->m_lastField.append('\n');
        return 0;
    }
    static int onHeadersComplete(http_parser *p)
    {
        HttpConnection *c = self(p);
        c->m_next.method = http_method_str(http_method(p->method));
        c->m_next.keepAlive = http_should_keep_alive(p) != 0;
        if ((p->flags & F_CONTENTLENGTH) && p->content_length > quint64(c->m_maxBodyBytes)) {
            c->m_tooLarge = true;
            return -1;
        }
        return 0;
    }
    static int onBody(http_parser *p, const char *at, size_t n)
    {
        HttpConnection *c = self(p);
        if (c->m_next.body.size() + qint64(n) > c->m_maxBodyBytes) {
            c->m_tooLarge = true;
            return 1;
        }
        c->m_next.body.append(at, qsizetype(n));
        return 0;
    }
    static int onMessageComplete(http_parser *p)
    {
        HttpConnection *c = self(p);
        c->m_next.keepAlive = http_should_keep_alive(p) != 0;
        c->m_request = std::move(c->m_next);
        c->m_inRequest = true;
        http_parser_pause(p, 1); // the next request waits for this one's answer
        return 0;
    }
};

HttpConnection::HttpConnection(QTcpSocket *socket, const QByteArray &early, qint64 maxHeadBytes, qint64 maxBodyBytes,
                               int idleMs, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_address(clientAddress(socket))
    , m_port(clientPort(socket))
    , m_connectionAddress(PeerLink::connectionAddress(socket))
    , m_connectionPort(PeerLink::connectionPort(socket))
    , m_parser(std::make_unique<Parser>())
    , m_buffer(early)
    , m_maxHeadBytes(maxHeadBytes)
    , m_maxBodyBytes(maxBodyBytes)
{
    socket->setParent(this);
    http_parser_init(&m_parser->parser, HTTP_REQUEST);
    m_parser->parser.data = this;
    http_parser_settings_init(&m_parser->settings);
    m_parser->settings.on_message_begin = &HttpCallbacks::onMessageBegin;
    m_parser->settings.on_url = &HttpCallbacks::onUrl;
    m_parser->settings.on_header_field = &HttpCallbacks::onHeaderField;
    m_parser->settings.on_header_value = &HttpCallbacks::onHeaderValue;
    m_parser->settings.on_headers_complete = &HttpCallbacks::onHeadersComplete;
    m_parser->settings.on_body = &HttpCallbacks::onBody;
    m_parser->settings.on_message_complete = &HttpCallbacks::onMessageComplete;
    m_idle.setSingleShot(true);
    m_idle.setInterval(idleMs);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        if (!m_inRequest && m_socket)
            m_socket->disconnectFromHost();
    });
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::start()
{
    connect(m_socket, &QIODevice::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QAbstractSocket::disconnected, this, &HttpConnection::finish);
    if (m_refuseStatus != 0) {
        fail(m_refuseStatus, m_refuseReason); // the connection ends (finish) once the answer is written
        return;
    }
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        QMetaObject::invokeMethod(this, &HttpConnection::finish, Qt::QueuedConnection);
        return;
    }
    m_idle.start();
    if (m_socket->bytesAvailable() > 0)
        m_buffer.append(m_socket->readAll());
    parse();
}

void HttpConnection::onReadyRead()
{
    if (!m_socket || m_failed)
        return;
    // While a request waits for its answer, what comes behind it is kept (bounded) and parsed afterwards.
    if (m_inRequest && m_buffer.size() > m_maxHeadBytes + m_maxBodyBytes) {
        fail(413, "Payload Too Large");
        return;
    }
    m_buffer.append(m_socket->readAll());
    if (!m_inRequest)
        parse();
}

void HttpConnection::parse()
{
    while (!m_inRequest && !m_failed && !m_buffer.isEmpty()) {
        m_idle.start();
        const size_t n = http_parser_execute(&m_parser->parser, &m_parser->settings, m_buffer.constData(),
                                             size_t(m_buffer.size()));
        const http_errno err = HTTP_PARSER_ERRNO(&m_parser->parser);
        if (err == HPE_PAUSED) {
            m_buffer.remove(0, qsizetype(n));
            http_parser_pause(&m_parser->parser, 0);
        } else if (m_tooLarge && !m_next.url.isEmpty()) {
            // Handed on without its body (the owner may know the session it names), answered 413, then closed.
            m_next.tooLarge = true;
            m_next.body.clear();
            m_request = std::move(m_next);
            m_inRequest = true;
            m_failed = true;
            m_buffer.clear();
            Q_EMIT requestReceived(this);
            return;
        } else if (err != HPE_OK || m_parser->parser.upgrade) {
            if (m_tooLarge)
                fail(413, "Payload Too Large");
            else if (m_headTooLarge)
                fail(431, "Request Header Fields Too Large");
            else
                fail(400, "Bad Request");
            return;
        } else {
            m_buffer.remove(0, qsizetype(n));
        }
        if (m_inRequest) {
            m_idle.stop();
            Q_EMIT requestReceived(this);
            return;
        }
    }
}

void HttpConnection::respond(int status, const QByteArray &contentType, const QByteArray &body,
                             const QList<QPair<QByteArray, QByteArray>> &headers, bool close)
{
    if (!m_inRequest || !m_socket)
        return;
    m_inRequest = false;
    const bool closing = close || !m_request.keepAlive || m_failed;
    QByteArray out;
    out.reserve(256 + body.size());
    out.append("HTTP/1.1 ").append(QByteArray::number(status)).append(' ');
    switch (status) {
    case 200: out.append("OK"); break;
    case 204: out.append("No Content"); break;
    case 400: out.append("Bad Request"); break;
    case 403: out.append("Forbidden"); break;
    case 404: out.append("Not Found"); break;
    case 405: out.append("Method Not Allowed"); break;
    case 413: out.append("Payload Too Large"); break;
    case 431: out.append("Request Header Fields Too Large"); break;
    case 503: out.append("Service Unavailable"); break;
    default: out.append("Status"); break;
    }
    out.append("\r\n");
    if (!contentType.isEmpty())
        out.append("Content-Type: ").append(contentType).append("\r\n");
    out.append("Content-Length: ").append(QByteArray::number(body.size())).append("\r\n");
    for (const auto &[name, value] : headers)
        out.append(name).append(": ").append(value).append("\r\n");
    out.append(closing ? "Connection: close\r\n" : "Connection: keep-alive\r\n");
    out.append("\r\n").append(body);
    m_socket->write(out);
    m_request = Request();
    if (closing) {
        m_failed = true;
        m_socket->disconnectFromHost();
        return;
    }
    m_idle.start();
    if (!m_buffer.isEmpty())
        QMetaObject::invokeMethod(this, &HttpConnection::parse, Qt::QueuedConnection);
}

void HttpConnection::fail(int status, const char *reason)
{
    m_inRequest = true; // so that respond() answers
    m_failed = true;
    const QByteArray body = QByteArray(reason) + '\n';
    respond(status, "text/plain; charset=utf-8", body, {}, true);
}

void HttpConnection::abort()
{
    if (m_socket)
        m_socket->abort();
    finish();
}

void HttpConnection::finish()
{
    if (m_ended)
        return;
    m_ended = true;
    m_idle.stop();
    m_inRequest = false;
    Q_EMIT ended(this);
    deleteLater();
}

} // namespace PeerLink
