#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QMultiHash>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <deque>
#include <utility>

namespace PeerLink {

/// @p address as one host: an IPv4 peer on a dual-stack socket (::ffff:a.b.c.d) is a.b.c.d. Limits, bans and
/// the address a peer is told it was seen at all use this form.
QHostAddress unmappedAddress(const QHostAddress &address);

/// A peer's TCP connection to the hub. Writes go straight to the kernel while Qt's write buffer is empty, and
/// only what the kernel does not take is buffered by QTcpSocket as usual (kept in order, written when the socket
/// is writable, errors reported as usual). QTcpSocket itself copies every write into a 32 KiB buffer block that it
/// then keeps for the life of the connection, even after one 200-byte handshake response: at 10 000 idle peers
/// that was most of the hub's memory (docs/benchmarks.md).
class HubTcpSocket : public QTcpSocket
{
    Q_OBJECT
public:
    using QTcpSocket::QTcpSocket;

    /// Keeps what a client sends behind its handshake request (frames in the same packet) out of sight until
    /// takeEarlyBytes(): QWebSocketServer then reads the request alone, and the QWebSocket it makes cannot read
    /// (and answer) those frames before the hub takes the connection over. Call before the handshake starts.
    void holdBytesBehindHandshake();
    /// The bytes that came behind the handshake request (usually none).
    QByteArray takeEarlyBytes() { return std::exchange(m_early, QByteArray()); }
    /// Keeps the first @p headSize bytes (the request head) for QWebSocketServer and the rest for takeEarlyBytes().
    void separateAt(qsizetype headSize);

Q_SIGNALS:
    /// The request head is complete: @p head is it (the bytes are still unread), or empty when the client sent
    /// more than 16 KiB without ending it.
    void headReceived(const QByteArray &head);

protected:
    qint64 writeData(const char *data, qint64 size) override;

private:
    void separateHandshake();

    QByteArray m_early;
};

/// Accepts plain TCP connections as HubTcpSocket, children of this server, for QWebSocketServer::handleConnection.
/// It also bounds the connections still in their WebSocket handshake, which QWebSocketServer does not do for
/// connections it did not accept itself:
/// - in time: one not upgraded within handshakeTimeout() is dropped (a slowloris); one timer for all of them, in
///   order of arrival, which is the order of their deadlines;
/// - in number: past maxHandshakes() in all, or maxHandshakesPerAddress() from one address, a new connection gets
///   `503 Service Unavailable` with the reason and is closed.
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

    /// The connection from @p address : @p port finished its WebSocket handshake (QWebSocketServer made a
    /// QWebSocket of it): its handshake deadline is lifted and its socket returned. Null if there is none.
    HubTcpSocket *takeUpgraded(const QHostAddress &address, quint16 port);

Q_SIGNALS:
    /// A connection was refused before its handshake (@p reason says which limit).
    void refused(const QHostAddress &address, const QString &reason);
    /// A plain HTTP request under the HTTP path prefix: the receiver takes @p socket (and the bytes read, @p early).
    void httpConnection(QTcpSocket *socket, const QByteArray &early);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    void expireHandshakes();
    /// Ends @p socket's handshake bookkeeping; false if it had none (already upgraded or ended).
    bool endHandshake(HubTcpSocket *socket, quint16 port, const QHostAddress &address);
    void refuse(HubTcpSocket *socket, const QString &reason);
    /// Sends the connection on by its request @p head: to the WebSocket handshake, or as a plain HTTP request.
    void route(HubTcpSocket *socket, const QByteArray &head);

    struct Handshake
    {
        qint64 deadlineMs;
        quint16 port;
        QHostAddress address;
        QPointer<HubTcpSocket> socket;
    };
    std::deque<Handshake> m_handshakes;                   // in order of deadline; may hold ended ones
    QMultiHash<quint16, QPointer<HubTcpSocket>> m_byPort; // in their handshake, by the peer's port
    QHash<QHostAddress, int> m_perAddress;                // in their handshake, by address
    QTimer m_handshakeTimer;
    QElapsedTimer m_clock;
    int m_handshakeTimeoutMs = 10000;
    int m_maxHandshakes = 0;
    int m_maxPerAddress = 0;
    QByteArray m_httpPrefix;
};

} // namespace PeerLink
