#include "hublistener.h"

#include "core/secrets.h"
#include "hub/hubtransport.h"
#include "hub/logging.h"

#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketCorsAuthenticator>
#include <QWebSocketServer>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace PeerLink {

using namespace Qt::StringLiterals;

HubListener::HubListener(const HubConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
    m_clock.start();
}

HubListener::~HubListener() = default;

void HubListener::fail(HubError error, const QString &message, const QString &detail, bool announce)
{
    m_error = error;
    m_errorString = message;
    m_errorDetail = detail;
    if (announce) {
        qCWarning(lcHub).noquote() << message;
        Q_EMIT errorOccurred(message, error, detail);
    }
}

bool HubListener::listen(const QHostAddress &address, quint16 port)
{
    if (isListening()) {
        fail(HubError::AlreadyListening, u"The hub is already listening on %1."_s.arg(serverUrl().toString()), QString(),
             false);
        return false;
    }
    delete m_server;
    m_server = nullptr;
    m_tcpServer = nullptr;
    const bool tls = m_config.useTls();
    if (tls && !QSslSocket::supportsSsl()) {
        fail(HubError::TlsUnavailable, u"TLS is not available: Qt found no TLS library (install libssl3)."_s, QString(),
             true);
        return false;
    }
    // The hub accepts every connection itself (HubTcpServer: HubTcpSocket for ws://, which keeps no 32 KiB write
    // buffer per peer and writes straight to the kernel; HubSslSocket for wss://), bounds the handshakes, sends
    // socket.io's polling requests to the engine, and hands WebSocket handshakes to QWebSocketServer; then it reads
    // and writes the frames itself (WsConnection), on both.
    m_server = new QWebSocketServer(m_config.name, QWebSocketServer::NonSecureMode, this);
    m_server->setMaxPendingConnections(m_config.maxPendingConnections);
    m_server->setHandshakeTimeout(m_config.handshakeTimeoutMs);
    connect(m_server, &QWebSocketServer::newConnection, this, &HubListener::newConnection);
    connect(m_server, &QWebSocketServer::originAuthenticationRequired, this, [this](QWebSocketCorsAuthenticator *auth) {
        const QString origin = auth->origin();
        const bool allowed = origin.isEmpty() ? m_config.allowNoOrigin : m_config.allowedOrigins.contains(origin);
        if (!allowed)
            qCInfo(lcHub).noquote() << "refused a connection with Origin" << origin.left(200);
        auth->setAllowed(allowed);
    });
    connect(m_server, &QWebSocketServer::serverError, this, [this](QWebSocketProtocol::CloseCode) {
        qCDebug(lcHub).noquote() << "A WebSocket handshake failed:" << m_server->errorString();
    });
    auto *listener = new HubTcpServer(m_server);
    if (tls) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificate(m_config.tlsCertificate);
        ssl.setPrivateKey(m_config.tlsKey);
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone); // peers authenticate with join, not client certificates
        listener->setTls(ssl);
    }
    listener->setListenBacklogSize(m_config.listenBacklog);
    listener->setMaxPendingConnections(m_config.maxPendingConnections);
    listener->setHandshakeTimeout(m_config.handshakeTimeoutMs);
    listener->setMaxHandshakes(m_config.maxHandshakes);
    listener->setMaxHandshakesPerAddress(m_config.maxConnectionsPerAddress);
    listener->setMaxHeadBytes(m_config.maxRequestHeadBytes);
    listener->setTrustedProxies(TrustedProxies(m_config.trustedProxies));
    listener->setHttpPathPrefix(m_config.socketIo ? QByteArrayLiteral("/socket.io") : QByteArray());
    connect(listener, &HubTcpServer::httpConnection, this, &HubListener::httpConnection);
    connect(listener, &HubTcpServer::refused, this, [this](const QHostAddress &address, const QString &reason) {
        // Under a flood this would be a line per connection: the first, then at most one per 10 s with a count.
        ++m_refusedHandshakes;
        ++m_refusedTotal;
        const qint64 now = m_clock.elapsed();
        if (m_lastRefusalLogMs == 0 || now - m_lastRefusalLogMs >= 10000) {
            qCWarning(lcHub).noquote() << "refused" << m_refusedHandshakes << "connection(s) before their handshake;"
                                       << "latest from" << address.toString() << "-" << reason;
            m_lastRefusalLogMs = std::max<qint64>(now, 1);
            m_refusedHandshakes = 0;
        }
    });
    connect(listener, &HubTcpServer::proxyHeaderRefused, this, [this](const QHostAddress &proxy, const QString &reason) {
        // Only a trusted proxy gets here, and one that sends this is broken or misconfigured: every case is logged.
        ++m_refusedProxyHeaders;
        qCWarning(lcHub).noquote() << "closed a connection from the trusted proxy" << proxy.toString() << "-" << reason;
    });
    connect(listener, &QTcpServer::newConnection, this, [this, listener] {
        while (listener->hasPendingConnections())
            m_server->handleConnection(listener->nextPendingConnection());
    });
    connect(listener, &QTcpServer::acceptError, this, [this, listener](QAbstractSocket::SocketError) {
        const QString detail = listener->errorString();
        fail(HubError::AcceptFailed, u"Accepting a connection failed: %1"_s.arg(detail), detail, true);
    });
    const bool listening = listener->listen(address, port);
    const QString listenError = listener->errorString();
    m_tcpServer = listener;
    if (!listening) {
        // The detail names the address and port too: it is what the app shows the user, in its own words around it.
        const QString where = hostPort(address.toString(), port);
        fail(HubError::CannotListen, u"Cannot listen on %1: %2"_s.arg(where, listenError),
             u"%1: %2"_s.arg(where, listenError), true);
        delete m_server;
        m_server = nullptr;
        m_tcpServer = nullptr;
        return false;
    }
    m_errorString.clear();
    m_errorDetail.clear();
    return true;
}

void HubListener::close()
{
    if (m_tcpServer)
        m_tcpServer->close();
}

bool HubListener::isListening() const
{
    return m_server && m_tcpServer && m_tcpServer->isListening();
}

quint16 HubListener::serverPort() const
{
    if (!isListening())
        return 0;
    return m_tcpServer->serverPort();
}

QHostAddress HubListener::serverAddress() const
{
    if (!isListening())
        return QHostAddress();
    return m_tcpServer->serverAddress();
}

int HubListener::handshakesInProgress() const
{
    return m_tcpServer ? static_cast<HubTcpServer *>(m_tcpServer.data())->handshakesInProgress() : 0;
}

QUrl HubListener::serverUrl() const
{
    if (!isListening())
        return QUrl();
    return QUrl((m_config.useTls() ? u"wss://"_s : u"ws://"_s) + hostPort(serverAddress().toString(), serverPort()));
}

QWebSocket *HubListener::nextPendingConnection(QTcpSocket **transport, bool *detached)
{
    *transport = nullptr;
    *detached = false;
    if (!m_server || !m_server->hasPendingConnections())
        return nullptr;
    QWebSocket *socket = m_server->nextPendingConnection();
    if (!socket)
        return nullptr;
    const qint64 hard = m_config.effectiveHardFrameBytes();
    socket->setMaxAllowedIncomingFrameSize(quint64(hard));
    socket->setMaxAllowedIncomingMessageSize(quint64(hard));
    *transport = transportOf(socket);
    if (*transport) {
        detach(socket, *transport);
        *detached = true;
    }
    return socket;
}

void HubListener::detach(QWebSocket *socket, QTcpSocket *transport)
{
    // QWebSocket connects these to itself or its private part (whose receiver is the QWebSocket too), and
    // QWebSocketServer deletes the socket on disconnected. Nothing of it may act on the socket any more; only
    // QObject::destroyed stays connected, so that QWebSocket forgets the socket when the hub deletes it.
    // Connecting happens in the same call as the handshake's end, so no queued read of QWebSocket is waiting.
    QObject::disconnect(transport, &QIODevice::readyRead, socket, nullptr);
    QObject::disconnect(transport, &QIODevice::bytesWritten, socket, nullptr);
    QObject::disconnect(transport, &QIODevice::aboutToClose, socket, nullptr);
    QObject::disconnect(transport, &QIODevice::readChannelFinished, socket, nullptr);
    QObject::disconnect(transport, &QAbstractSocket::stateChanged, socket, nullptr);
    QObject::disconnect(transport, &QAbstractSocket::errorOccurred, socket, nullptr);
    QObject::disconnect(transport, &QAbstractSocket::disconnected, socket, nullptr);
    QObject::disconnect(transport, &QAbstractSocket::proxyAuthenticationRequired, socket, nullptr);
    QObject::disconnect(transport, &QAbstractSocket::disconnected, m_server, nullptr);
    transport->setParent(nullptr); // the session takes it
}

QTcpSocket *HubListener::transportOf(const QWebSocket *socket)
{
    // The hub accepted the connection itself (HubTcpServer) and knows it.
    return m_tcpServer ? static_cast<HubTcpServer *>(m_tcpServer.data())->takeUpgraded(socket->peerAddress(),
                                                                                        socket->peerPort())
                       : nullptr;
}

} // namespace PeerLink
