#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace PeerLink {

/// One plain HTTP/1.1 connection to the hub (issue 18: Engine.IO's long-polling transport under /socket.io/).
/// Requests are parsed by Debian's http-parser (Node.js's former parser), one at a time: the next request on a
/// keep-alive connection is read only once the current one is answered, so answers go out in order. Bounded:
/// the request head (line and headers) to @p maxHeadBytes (431), the body to @p maxBodyBytes (413), a connection
/// with no request in progress to @p idleMs. A request that does not parse gets 400; each of these closes the
/// connection. Owns its socket.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray method; ///< "GET", "POST", ...
        QByteArray url;    ///< the request target as sent ("/socket.io/?EIO=4&...")
        /// Names in lower case; a repeated header keeps its last value, but X-Forwarded-For's lines are joined with
        /// ", " in order (a list, read from its right end).
        QHash<QByteArray, QByteArray> headers;
        QByteArray body;
        bool keepAlive = true;
        /// The body was over the limit and is not here: the request is handed on so that its owner can act on it
        /// (end an Engine.IO session), and must be answered 413; the connection closes after the answer.
        bool tooLarge = false;
        QByteArray header(const QByteArray &lowerCaseName) const { return headers.value(lowerCaseName); }
    };

    /// @p early: bytes already read from @p socket (the start of the first request).
    HttpConnection(QTcpSocket *socket, const QByteArray &early, qint64 maxHeadBytes, qint64 maxBodyBytes, int idleMs,
                   QObject *parent = nullptr);
    ~HttpConnection() override;

    /// Starts reading (parses @p early first).
    void start();

    /// The request being answered (valid after requestReceived, until respond()).
    const Request &request() const { return m_request; }
    bool hasRequest() const { return m_inRequest; }
    /// The client of the connection's first request (clientAddress(): behind a trusted proxy, the one it named).
    QHostAddress peerAddress() const { return m_address; }
    quint16 peerPort() const { return m_port; }
    /// The connection's own address (connectionAddress(): its peer, or what a trusted proxy's PROXY header named),
    /// before any X-Forwarded-For: each request's own header is read against it.
    QHostAddress connectionAddress() const { return m_connectionAddress; }
    quint16 connectionPort() const { return m_connectionPort; }

    /// Answers the current request (status line, Content-Type, Content-Length, @p headers, @p body), then reads the
    /// next one, or closes when @p close is set or the client asked for it.
    void respond(int status, const QByteArray &contentType, const QByteArray &body,
                 const QList<QPair<QByteArray, QByteArray>> &headers = {}, bool close = false);
    /// Bytes written and not yet taken by the network.
    qint64 bytesToWrite() const { return m_socket ? m_socket->bytesToWrite() : 0; }
    void abort();
    /// At start(), answers @p status with @p reason as the body and closes, whatever the client sends.
    void refuse(int status, const char *reason)
    {
        m_refuseStatus = status;
        m_refuseReason = reason;
    }

Q_SIGNALS:
    /// A complete request waits for respond().
    void requestReceived(PeerLink::HttpConnection *connection);
    /// The connection is closed (by either side); the object is deleted later by itself.
    void ended(PeerLink::HttpConnection *connection);

private:
    struct Parser;
    void onReadyRead();
    void parse();
    void fail(int status, const char *reason);
    void finish();
    // http-parser's callbacks
    friend struct HttpCallbacks;

    QPointer<QTcpSocket> m_socket;
    QHostAddress m_address;
    quint16 m_port = 0;
    QHostAddress m_connectionAddress;
    quint16 m_connectionPort = 0;
    std::unique_ptr<Parser> m_parser;
    QByteArray m_buffer; // read and not parsed yet (behind a request being answered)
    Request m_request;
    Request m_next; // being parsed
    QByteArray m_lastField;
    qint64 m_headBytes = 0;
    qint64 m_maxHeadBytes;
    qint64 m_maxBodyBytes;
    QTimer m_idle;
    bool m_inRequest = false;
    bool m_failed = false;
    bool m_ended = false;
    bool m_tooLarge = false;
    bool m_headTooLarge = false;
    bool m_closeAfter = false;
    int m_refuseStatus = 0;
    const char *m_refuseReason = nullptr;
};

} // namespace PeerLink
