#pragma once

#include "hub/proxyheaders.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QMultiHash>
#include <QPointer>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <deque>
#include <optional>
#include <utility>

namespace PeerLink {

/// @p address as one host: an IPv4 peer on a dual-stack socket (::ffff:a.b.c.d) is a.b.c.d. Limits, bans and
/// the address a peer is told it was seen at all use this form.
QHostAddress unmappedAddress(const QHostAddress &address);

/// The address @p socket speaks for: the client a trusted proxy named in a PROXY header when the hub accepted the
/// connection (HubTcpServer), else the socket's peer (unmapped).
QHostAddress connectionAddress(const QAbstractSocket *socket);
quint16 connectionPort(const QAbstractSocket *socket);
/// The client of @p socket's first request: the one a trusted hop named in X-Forwarded-For, else
/// connectionAddress(). Every per-address rule, ban, log line and the address shown to the operator use this one.
QHostAddress clientAddress(const QAbstractSocket *socket);
/// The client's port: the socket's peer's, or the one a PROXY header named; 0 when X-Forwarded-For named the client
/// (it carries no port).
quint16 clientPort(const QAbstractSocket *socket);
/// ADDRESS:PORT ([v6]:PORT) for logs, the address alone when the port is not known (0).
QString addressText(const QHostAddress &address, quint16 port);

/// What the hub's own sockets keep of a connection's first request: who the connection is from (its peer, or the
/// client a trusted proxy named), and the bytes a client sent right behind its handshake request (frames in the
/// same packet), which WsConnection reads first.
class HandshakeBytes
{
public:
    virtual ~HandshakeBytes() = default;
    /// The bytes that came behind the handshake request (usually none).
    QByteArray takeEarlyBytes() { return std::exchange(m_early, QByteArray()); }

    /// The connection's own address (its peer, or what a PROXY header named); the client is that one too until
    /// setClient().
    void setConnection(const QHostAddress &address, quint16 port)
    {
        m_connection = m_client = address;
        m_connectionPort = m_clientPort = port;
    }
    /// The client of the first request, when X-Forwarded-For named another one than the connection's.
    void setClient(const QHostAddress &address, quint16 port)
    {
        m_client = address;
        m_clientPort = port;
    }
    QHostAddress connection() const { return m_connection; }
    quint16 connectionPort() const { return m_connectionPort; }
    QHostAddress client() const { return m_client; }
    quint16 clientPort() const { return m_clientPort; }
    /// The address this connection counts under among the handshakes per address (HubTcpServer); null: none.
    QHostAddress countedAs() const { return m_countedAs; }
    void setCountedAs(const QHostAddress &address) { m_countedAs = address; }
    /// Reads the first @p headSize bytes of @p device (the request head, answered) away and keeps the rest for
    /// takeEarlyBytes().
    void dropHead(QIODevice &device, qsizetype headSize);

protected:
    /// The request head of what @p device has read, bytes left unread: nullopt while it is incomplete, empty when
    /// more than @p maxHeadBytes came without its end.
    static std::optional<QByteArray> peekHead(QIODevice &device, qsizetype maxHeadBytes);

private:
    QByteArray m_early;
    QHostAddress m_connection;
    QHostAddress m_client;
    QHostAddress m_countedAs;
    quint16 m_connectionPort = 0;
    quint16 m_clientPort = 0;
};

/// A peer's TCP connection to the hub. Writes go straight to the kernel while Qt's write buffer is empty, and
/// only what the kernel does not take is buffered by QTcpSocket as usual (kept in order, written when the socket
/// is writable, errors reported as usual). QTcpSocket itself copies every write into a 32 KiB buffer block that it
/// then keeps for the life of the connection, even after one 200-byte handshake response: at 10 000 idle peers
/// that was most of the hub's memory (docs/benchmarks.md).
class HubTcpSocket : public QTcpSocket, public HandshakeBytes
{
    Q_OBJECT
public:
    using QTcpSocket::QTcpSocket;

    /// Watches for the end of the request head (headReceived), at most @p maxHeadBytes. Call before the handshake
    /// starts.
    void holdBytesBehindHandshake(qsizetype maxHeadBytes);

Q_SIGNALS:
    /// The request head is complete: @p head is it (the bytes are still unread), or empty when the client sent
    /// more than 16 KiB without ending it.
    void headReceived(const QByteArray &head);

protected:
    qint64 writeData(const char *data, qint64 size) override;

private:
    void separateHandshake();
    qsizetype m_maxHeadBytes = 16384;
    bool m_watching = false; // waiting for the end of the request head
};

/// A peer's TLS connection to a wss:// hub, accepted by the hub itself like HubTcpSocket (so that the hub reads and
/// writes the frames itself there too, and serves socket.io's long-polling over TLS), without its direct writes.
class HubSslSocket : public QSslSocket, public HandshakeBytes
{
    Q_OBJECT
public:
    using QSslSocket::QSslSocket;

    /// Watches for the end of the request head (at most @p maxHeadBytes) once the TLS handshake is done.
    void holdBytesBehindHandshake(qsizetype maxHeadBytes);

Q_SIGNALS:
    void headReceived(const QByteArray &head);

private:
    void separateHandshake();
    qsizetype m_maxHeadBytes = 16384;
    bool m_watching = false;
};

/// Accepts plain TCP connections as HubTcpSocket (or TLS connections as HubSslSocket, setTls()), children of this
/// server, reads each one's request head and hands it on: a plain HTTP request under the HTTP path prefix as
/// httpConnection, anything else as upgradeRequested, whose receiver answers it at once (upgrade() or
/// rejectUpgrade()).
/// It also bounds the connections still in their handshake:
/// - in time: one not upgraded within handshakeTimeout() is dropped (a slowloris); one timer for all of them, in
///   order of arrival, which is the order of their deadlines;
/// - in number: past maxHandshakes() in all, or maxHandshakesPerAddress() from one address, a new connection gets
///   `503 Service Unavailable` with the reason and is closed.
/// A connection from a trusted proxy (setTrustedProxies(), issue 19) may start with a PROXY protocol header (v1 or
/// v2, before the TLS handshake on wss://): the client it names is the connection's address from then on, and counts
/// among the handshakes per address (the proxy itself does not: it carries many clients). A malformed header closes
/// that connection alone. Then X-Forwarded-For of the request head names the client when the hop before it is
/// trusted. From any other address neither is read: a PROXY line is an HTTP request that fails like any garbage.
class HubTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit HubTcpServer(QObject *parent = nullptr);

    void setHandshakeTimeout(int ms) { m_handshakeTimeoutMs = ms; }
    /// 0 = no limit.
    void setMaxHandshakes(int n) { m_maxHandshakes = n; }
    /// 0 = no limit.
    void setMaxHandshakesPerAddress(int n) { m_maxPerAddress = n; }
    /// Plain HTTP requests (no WebSocket upgrade) whose path starts with @p prefix are handed on as httpConnection
    /// (issue 18: socket.io's long-polling); empty: none (every request goes to the WebSocket handshake).
    void setHttpPathPrefix(const QByteArray &prefix) { m_httpPrefix = prefix; }
    /// Connections accepted and not yet handed on (in their handshake).
    int handshakesInProgress() const { return int(m_byPort.size()); }
    /// The longest request head read before a connection is sent on; a longer one is refused.
    void setMaxHeadBytes(int bytes) { m_maxHeadBytes = bytes; }
    /// Serve TLS (wss://, https:// for socket.io's polling) with @p configuration: the TLS handshake counts as
    /// part of the connection's handshake (its time and its place).
    void setTls(const QSslConfiguration &configuration) { m_tls = configuration; }
    /// The proxies whose PROXY header and X-Forwarded-For are believed (none by default).
    void setTrustedProxies(const TrustedProxies &proxies) { m_trusted = proxies; }

    /// Answers the handshake of @p socket (from upgradeRequested) with @p response (101 Switching Protocols): its
    /// deadline is lifted, the request head of @p headSize bytes taken out (the bytes behind it kept for
    /// takeEarlyBytes()), and the socket no longer a child of this server: the caller owns it.
    void upgrade(QTcpSocket *socket, const QByteArray &response, qsizetype headSize);
    /// Answers the handshake of @p socket (from upgradeRequested) with the HTTP error @p answer and closes it.
    void rejectUpgrade(QTcpSocket *socket, const QByteArray &answer);

Q_SIGNALS:
    /// A connection was refused before its handshake (@p reason says which limit).
    void refused(const QHostAddress &address, const QString &reason);
    /// A trusted proxy's connection was closed for a malformed PROXY header (@p reason says what is wrong).
    void proxyHeaderRefused(const QHostAddress &proxy, const QString &reason);
    /// A plain HTTP request under the HTTP path prefix: the receiver takes @p socket (and the bytes read, @p early).
    void httpConnection(QTcpSocket *socket, const QByteArray &early);
    /// Any other request (a WebSocket handshake, or not): the receiver answers it in this call, with upgrade() or
    /// rejectUpgrade(). @p head is the complete request head, still unread.
    void upgradeRequested(QTcpSocket *socket, const QByteArray &head);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    void expireHandshakes();
    /// Ends @p socket's handshake bookkeeping; false if it had none (already upgraded or ended).
    bool endHandshake(QTcpSocket *socket, quint16 port, const QHostAddress &address);
    /// Answers @p socket with 503 and @p reason, closes it, and reports it (refused).
    void refuse(QTcpSocket *socket, const QString &reason);
    /// Writes @p answer and closes @p socket once it is written (deleted when closed).
    static void answerAndClose(QTcpSocket *socket, const QByteArray &answer);
    /// Ends @p socket's handshake here: this server no longer watches it.
    void release(QTcpSocket *socket);
    /// A trusted proxy's connection: takes its PROXY header, if it has one, once enough bytes are there.
    void readProxyHeader(QTcpSocket *socket);
    /// Counts @p socket among the handshakes from @p address; false when that is one too many (refused).
    bool countAddress(QTcpSocket *socket, const QHostAddress &address);
    /// Starts reading the request head (after the TLS handshake on wss://).
    void startHandshake(QTcpSocket *socket);
    /// Sends the connection on by its request @p head: to the WebSocket handshake (upgradeRequested), or as a plain
    /// HTTP request.
    void route(QTcpSocket *socket, const QByteArray &head);

    struct Handshake
    {
        qint64 deadlineMs;
        quint16 port;
        QHostAddress address; // counted under among the handshakes per address; null: not counted
        QPointer<QTcpSocket> socket;
    };
    std::deque<Handshake> m_handshakes;                   // in order of deadline; may hold ended ones
    QMultiHash<quint16, QPointer<QTcpSocket>> m_byPort; // in their handshake, by the peer's port
    QHash<QHostAddress, int> m_perAddress;                // in their handshake, by address
    QTimer m_handshakeTimer;
    QElapsedTimer m_clock;
    int m_handshakeTimeoutMs = 10000;
    int m_maxHandshakes = 0;
    int m_maxPerAddress = 0;
    QByteArray m_httpPrefix;
    int m_maxHeadBytes = 16384;
    std::optional<QSslConfiguration> m_tls;
    TrustedProxies m_trusted;
};

} // namespace PeerLink
