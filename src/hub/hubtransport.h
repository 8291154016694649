#pragma once

#include <QElapsedTimer>
#include <QMultiHash>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <deque>

namespace PeerLink {

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

protected:
    qint64 writeData(const char *data, qint64 size) override;
};

/// Accepts plain TCP connections as HubTcpSocket, children of this server, for QWebSocketServer::handleConnection.
/// QWebSocketServer applies its handshake timeout only to connections it accepted itself, so this server drops a
/// connection that is not upgraded within handshakeTimeout() (a slowloris): one timer for all of them, in order of
/// arrival, which is the order of their deadlines.
class HubTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit HubTcpServer(QObject *parent = nullptr);

    void setHandshakeTimeout(int ms) { m_handshakeTimeoutMs = ms; }
    int handshakeTimeout() const { return m_handshakeTimeoutMs; }

    /// The connection from @p address : @p port finished its WebSocket handshake (QWebSocketServer made a
    /// QWebSocket of it): its handshake deadline is lifted and its socket returned. Null if there is none.
    HubTcpSocket *takeUpgraded(const QHostAddress &address, quint16 port);
    /// Connections accepted and not yet upgraded or dropped.
    qsizetype handshaking() const { return m_byPort.size(); }

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    void expireHandshakes();

    void forget(quint16 port, const HubTcpSocket *socket);

    struct Handshake
    {
        qint64 deadlineMs;
        quint16 port;
        QPointer<HubTcpSocket> socket;
    };
    std::deque<Handshake> m_handshakes;               // in order of deadline
    QMultiHash<quint16, QPointer<HubTcpSocket>> m_byPort; // not yet upgraded, by the peer's port
    QTimer m_handshakeTimer;
    QElapsedTimer m_clock;
    int m_handshakeTimeoutMs = 10000;
};

} // namespace PeerLink
