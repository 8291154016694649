#include "hublistener.h"

#include "core/secrets.h"
#include "hub/hubtransport.h"
#include "hub/logging.h"
#include "hub/wshandshake.h"

#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>

namespace PeerLink {

using namespace Qt::StringLiterals;

HubListener::HubListener(const HubConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
    m_clock.start();
}

HubListener::~HubListener()
{
    for (const Upgraded &upgraded : m_pending)
        delete upgraded.socket; // nobody took them
}

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
    delete m_tcpServer;
    const bool tls = m_config.useTls();
    if (tls && !QSslSocket::supportsSsl()) {
        fail(HubError::TlsUnavailable, u"TLS is not available: Qt found no TLS library (install libssl3)."_s, QString(),
             true);
        return false;
    }
    // The hub accepts every connection itself (HubTcpServer: HubTcpSocket for ws://, which keeps no 32 KiB write
    // buffer per peer and writes straight to the kernel; HubSslSocket for wss://), bounds the handshakes, sends
    // socket.io's polling requests to the engine, answers WebSocket handshakes itself (answerHandshake), and then
    // reads and writes the frames itself (WsConnection), on both.
    auto *listener = new HubTcpServer(this);
    if (tls) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificate(m_config.tlsCertificate);
        ssl.setPrivateKey(m_config.tlsKey);
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone); // peers authenticate with join, not client certificates
        listener->setTls(ssl);
    }
    listener->setListenBacklogSize(m_config.listenBacklog);
    listener->setHandshakeTimeout(m_config.handshakeTimeoutMs);
    listener->setMaxHandshakes(m_config.maxHandshakes);
    listener->setMaxHandshakesPerAddress(m_config.maxConnectionsPerAddress);
    listener->setMaxHeadBytes(m_config.maxRequestHeadBytes);
    listener->setTrustedProxies(TrustedProxies(m_config.trustedProxies));
    listener->setHttpPathPrefix(m_config.socketIo ? QByteArrayLiteral("/socket.io") : QByteArray());
    connect(listener, &HubTcpServer::httpConnection, this, &HubListener::httpConnection);
    connect(listener, &HubTcpServer::upgradeRequested, this, &HubListener::answerHandshake);
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
        delete m_tcpServer;
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
    return m_tcpServer && m_tcpServer->isListening();
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
    return m_tcpServer ? m_tcpServer->handshakesInProgress() : 0;
}

QUrl HubListener::serverUrl() const
{
    if (!isListening())
        return QUrl();
    return QUrl((m_config.useTls() ? u"wss://"_s : u"ws://"_s) + hostPort(serverAddress().toString(), serverPort()));
}

HubListener::Upgraded HubListener::nextPendingConnection()
{
    if (m_pending.empty())
        return {};
    Upgraded next = std::move(m_pending.front());
    m_pending.pop_front();
    return next;
}

void HubListener::answerHandshake(QTcpSocket *socket, const QByteArray &head)
{
    const UpgradeRequest request = parseUpgradeRequest(head);
    const QString from = addressText(clientAddress(socket), clientPort(socket));
    if (request.status != UpgradeRequest::Status::Valid) {
        qCDebug(lcHub).noquote() << "A WebSocket handshake from" << from << "failed:" << request.error;
        m_tcpServer->rejectUpgrade(socket, upgradeRefusal(request));
        return;
    }
    // The Origin policy (a browser page's origin; desktop clients send none).
    const QString origin = QString::fromLatin1(request.origin);
    if (!(origin.isEmpty() ? m_config.allowNoOrigin : m_config.allowedOrigins.contains(origin))) {
        qCInfo(lcHub).noquote() << "refused a connection with Origin" << origin.left(200);
        m_tcpServer->rejectUpgrade(socket, httpRefusal(403, "Forbidden", u"This origin may not connect."_s));
        return;
    }
    if (qsizetype(m_pending.size()) >= m_config.maxPendingConnections) {
        qCDebug(lcHub).noquote() << "A WebSocket handshake from" << from << "failed: too many pending connections";
        m_tcpServer->rejectUpgrade(socket, httpRefusal(503, "Service Unavailable",
                                                       u"Too many connections waiting for the hub."_s));
        return;
    }
    m_tcpServer->upgrade(socket, upgradeResponse(request, m_config.name), head.size());
    m_pending.push_back({ socket, request.target });
    Q_EMIT newConnection();
}

} // namespace PeerLink
