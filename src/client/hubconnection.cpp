#include "hubconnection.h"

#include "client/logging.h"
#include "core/rules.h"

#include <QSslConfiguration>
#include <QSslError>
#include <QTimer>
#include <QWebSocket>

namespace PeerLink {

using namespace Qt::StringLiterals;

HubConnection::HubConnection(QObject *parent)
    : QObject(parent)
    , m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this))
    , m_reconnectTimer(new QTimer(this))
{
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, [this] {
        Q_EMIT reopening();
        m_socketError.clear();
        m_socket->open(m_url);
    });
    connect(m_socket, &QWebSocket::connected, this, &HubConnection::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &HubConnection::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &HubConnection::onText);
    connect(m_socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        const QSslCertificate certificate = m_socket->sslConfiguration().peerCertificate();
        m_hubFingerprint
            = certificate.isNull() ? QString() : Rules::certificateFingerprint(certificate.toDer());
        if (!m_pinnedFingerprint.isEmpty() && Rules::sameFingerprint(m_hubFingerprint, m_pinnedFingerprint)) {
            m_socket->ignoreSslErrors(); // the user's pin stands in for a certificate authority
            return;
        }
        QStringList why;
        for (const QSslError &e : errors)
            why.append(e.errorString());
        m_untrusted = true;
        m_socketError = tr("The hub's certificate is not trusted: %1").arg(why.join(u"; "_s));
        Q_EMIT certificateUntrusted(m_hubFingerprint, why.join(u"; "_s));
    });
    // Qt 6.4 names this signal error(); errorOccurred() arrived in 6.5.
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
        [this](QAbstractSocket::SocketError) {
            m_socketError = m_socket->errorString();
            qCDebug(lcClient).noquote() << "socket error:" << m_socketError;
        });
    setMaxIncomingMessageBytes(16 * 1024 * 1024);
}

HubConnection::~HubConnection()
{
    // Leave quietly: no signals into a half-destroyed owner.
    m_socket->disconnect(this);
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"client closed"_s);
}

void HubConnection::setMaxIncomingMessageBytes(qint64 bytes)
{
    m_socket->setMaxAllowedIncomingMessageSize(quint64(bytes));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(bytes));
}

void HubConnection::open(const QUrl &url, const JoinRequest &join)
{
    m_url = url;
    m_join = join;
    m_resumeToken.clear();
    m_socketError.clear();
    m_hubFingerprint.clear();
    m_active = true;
    m_leaving = false;
    m_untrusted = false;
    m_everJoined = false;
    m_backoff.reset();
    m_reconnectTimer->stop();
    m_socket->open(url);
}

void HubConnection::welcomed(const QString &resumeToken)
{
    m_resumeToken = resumeToken;
    m_everJoined = true;
    m_backoff.reset();
}

void HubConnection::send(const QByteArray &utf8)
{
    m_socket->sendTextMessage(QString::fromUtf8(utf8));
}

bool HubConnection::leave(bool joined)
{
    m_leaving = true;
    // Between two attempts (or inside the closed() of the last one) there is no socket to close.
    if (m_reconnectTimer->isActive() || m_socket->state() == QAbstractSocket::UnconnectedState) {
        m_reconnectTimer->stop();
        m_backoff.reset();
        m_active = false;
        m_lastReason = tr("left");
        return false;
    }
    if (joined)
        send(encode(LeaveRequest {}));
    m_socket->close(QWebSocketProtocol::CloseCodeNormal, u"leave"_s);
    return true;
}

void HubConnection::onConnected()
{
    const QSslCertificate certificate = m_socket->sslConfiguration().peerCertificate();
    if (!certificate.isNull())
        m_hubFingerprint = Rules::certificateFingerprint(certificate.toDer());
    Q_EMIT opened();
    sendJoin(QString());
}

void HubConnection::answerChallenge(const QString &sig)
{
    sendJoin(sig);
}

void HubConnection::sendJoin(const QString &sig)
{
    JoinRequest join = m_join;
    join.resume = m_resumeToken;
    join.client = u"peerlink/" PEERLINK_VERSION ""_s;
    join.sig = sig;
    send(encode(join));
}

void HubConnection::onDisconnected()
{
    if (!m_active)
        return;
    m_lastCloseCode = m_socket->closeCode();
    QString reason = m_socket->closeReason();
    if (reason.isEmpty())
        reason = m_socketError.isEmpty() ? tr("connection closed") : m_socketError;
    m_lastReason = reason;
    const bool reconnect = shouldReconnect();
    if (!reconnect) {
        m_active = false;
        m_backoff.reset();
    }
    Q_EMIT closed(reason, reconnect);
    if (!reconnect || !m_active)
        return; // (the owner may have left in between)
    const int delay = m_backoff.next();
    qCDebug(lcClient) << "reconnecting in" << delay << "ms, attempt" << m_backoff.attempt();
    Q_EMIT reconnecting(m_backoff.attempt(), delay);
    m_reconnectTimer->start(delay);
}

bool HubConnection::shouldReconnect() const
{
    if (!m_autoReconnect || m_leaving || !m_everJoined || m_untrusted)
        return false;
    // The hub refused us on purpose (kick, ban, password, too large): trying again would not help.
    return m_lastCloseCode != QWebSocketProtocol::CloseCodePolicyViolated
        && m_lastCloseCode != QWebSocketProtocol::CloseCodeTooMuchData;
}

void HubConnection::onText(const QString &text)
{
    const Decoded<HubEnvelope> decoded = decodeHubMessage(text.toUtf8());
    if (!decoded.ok()) {
        qCWarning(lcClient).noquote() << "ignoring a hub message:" << decoded.error().message;
        return;
    }
    Q_EMIT received(decoded.envelope());
}

} // namespace PeerLink
