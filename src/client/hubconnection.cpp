#include "hubconnection.h"

#include "client/logging.h"
#include "client/lowdelay.h"
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
    , m_joinTimer(new QTimer(this))
    , m_pingTimer(new QTimer(this))
    , m_pongTimer(new QTimer(this))
{
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, [this] {
        m_hubs.moveOn();
        Q_EMIT reopening(m_hubs.current());
        openSocket();
    });
    m_joinTimer->setSingleShot(true);
    connect(m_joinTimer, &QTimer::timeout, this, [this] {
        giveUpOnHub(tr("The hub at %1 did not answer within %2 ms.").arg(url().toString()).arg(m_joinTimeoutMs));
    });
    connect(m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_pongTimer->isActive())
            return; // still waiting for the last one
        m_socket->ping();
        m_pongTimer->start(m_keepaliveTimeoutMs);
    });
    m_pongTimer->setSingleShot(true);
    connect(m_pongTimer, &QTimer::timeout, this, [this] {
        giveUpOnHub(tr("The hub at %1 stopped answering (no pong within %2 ms).")
                        .arg(url().toString())
                        .arg(m_keepaliveTimeoutMs));
    });
    connect(m_socket, &QWebSocket::pong, m_pongTimer, &QTimer::stop);
    connect(m_socket, &QWebSocket::connected, this, &HubConnection::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &HubConnection::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &HubConnection::onText);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &bytes) {
        m_pongTimer->stop(); // any frame shows the hub is there
        Q_EMIT binaryReceived(bytes);
    });
    connect(m_socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        const QSslCertificate certificate = m_socket->sslConfiguration().peerCertificate();
        m_hubFingerprint
            = certificate.isNull() ? QString() : Rules::certificateFingerprint(certificate.toDer());
        const QString pin = pinnedFingerprint(url());
        if (!pin.isEmpty() && Rules::sameFingerprint(m_hubFingerprint, pin)) {
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
            if (m_socketError.isEmpty()) // a time-out's own words stay
                m_socketError = m_socket->errorString();
            qCDebug(lcClient).noquote() << "socket error:" << m_socket->errorString();
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

void HubConnection::setJoinTimeout(int ms)
{
    m_joinTimeoutMs = std::max(0, ms);
}

void HubConnection::setKeepalive(int intervalMs, int timeoutMs)
{
    m_keepaliveIntervalMs = std::max(0, intervalMs);
    m_keepaliveTimeoutMs = std::max(1, timeoutMs);
    if (m_keepaliveIntervalMs == 0) {
        m_pingTimer->stop();
        m_pongTimer->stop();
    } else if (m_pingTimer->isActive()) {
        m_pingTimer->start(m_keepaliveIntervalMs);
    }
}

void HubConnection::setPinnedFingerprint(const QUrl &url, const QString &fingerprint)
{
    if (fingerprint.isEmpty())
        m_pins.remove(url);
    else
        m_pins.insert(url, fingerprint);
}

QString HubConnection::pinnedFingerprint(const QUrl &url) const
{
    return m_pins.value(url, m_pinnedFingerprint);
}

void HubConnection::open(const QList<QUrl> &urls, const JoinRequest &join)
{
    m_hubs.reset(urls);
    m_join = join;
    m_resumeToken.clear();
    m_tokenHub.clear();
    m_active = true;
    m_leaving = false;
    m_everJoined = false;
    m_reconnectTimer->stop();
    openSocket();
}

void HubConnection::openSocket()
{
    m_socketError.clear();
    m_hubFingerprint.clear();
    m_untrusted = false;
    m_sentToken = false;
    m_freshRetry = false;
    m_heldRefusal.reset();
    if (m_joinTimeoutMs > 0)
        m_joinTimer->start(m_joinTimeoutMs);
    m_socket->open(m_hubs.current());
}

void HubConnection::giveUpOnHub(const QString &reason)
{
    qCInfo(lcClient).noquote() << reason;
    m_socketError = reason;
    m_joinTimer->stop();
    m_pingTimer->stop();
    m_pongTimer->stop();
    // abort() reports the end through disconnected() (onDisconnected decides what comes next); a socket that was
    // still looking the host up may end without it, so it is reported here then.
    const bool wasOpen = m_socket->state() != QAbstractSocket::UnconnectedState;
    m_socket->abort();
    if (!wasOpen || m_socket->state() == QAbstractSocket::UnconnectedState)
        QTimer::singleShot(0, this, [this] {
            if (m_active && m_socket->state() == QAbstractSocket::UnconnectedState && !m_reconnectTimer->isActive()
                && !m_socketError.isEmpty())
                onDisconnected();
        });
}

void HubConnection::welcomed(const QString &resumeToken)
{
    m_resumeToken = resumeToken;
    m_tokenHub = m_hubs.current();
    m_everJoined = true;
    m_hubs.answered();
    m_joinTimer->stop();
    if (m_keepaliveIntervalMs > 0)
        m_pingTimer->start(m_keepaliveIntervalMs);
}

void HubConnection::send(const QByteArray &utf8)
{
    m_socket->sendTextMessage(QString::fromUtf8(utf8));
}

void HubConnection::sendBinary(const QByteArray &bytes)
{
    m_socket->sendBinaryMessage(bytes);
}

bool HubConnection::leave(bool joined)
{
    m_leaving = true;
    // Between two attempts (or inside the closed() of the last one) there is no socket to close.
    m_joinTimer->stop();
    m_pingTimer->stop();
    m_pongTimer->stop();
    if (m_reconnectTimer->isActive() || m_socket->state() == QAbstractSocket::UnconnectedState) {
        m_reconnectTimer->stop();
        m_hubs.stop();
        m_active = false;
        if (!m_telling) // (a refusal being told keeps its reason)
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
    setLowDelay(m_socket);
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
    join.binaryFiles = true; // file chunks may come in binary frames
    m_sentToken = !m_resumeToken.isEmpty();
    send(encode(join));
}

void HubConnection::onDisconnected()
{
    if (!m_active)
        return;
    m_joinTimer->stop();
    m_pingTimer->stop();
    m_pongTimer->stop();
    m_lastCloseCode = m_socket->closeCode();
    QString reason = m_socket->closeReason();
    if (reason.isEmpty())
        reason = m_socketError.isEmpty() ? tr("connection closed") : m_socketError;
    m_lastReason = reason;
    m_socketError.clear();
    HubList::Step step;
    if (m_leaving || refusedOnPurpose() || (m_everJoined && !m_autoReconnect))
        step.giveUp = true;
    else // never joined: one round over the hubs; joined: as long as it takes
        step = m_hubs.failed(m_untrusted, m_everJoined);
    // A refusal held while another hub was left to try is told now that none is, as it would have been before the
    // close (and dropped otherwise: the reason of closed() says it). Its owner may leave() in its answer: then the
    // session has ended there.
    if (const std::optional<HubEnvelope> refusal = std::exchange(m_heldRefusal, std::nullopt); refusal && step.giveUp) {
        m_telling = true;
        Q_EMIT received(*refusal);
        m_telling = false;
        if (!m_active)
            return;
    }
    if (step.giveUp) {
        m_active = false;
        m_hubs.stop();
    }
    Q_EMIT closed(reason, !step.giveUp);
    if (step.giveUp || !m_active)
        return; // (the owner may have left in between)
    if (step.round > 0) {
        qCDebug(lcClient) << "every hub failed; next round in" << step.delayMs << "ms, round" << step.round;
        Q_EMIT reconnecting(step.round, step.delayMs);
    } else {
        qCDebug(lcClient) << "trying the next hub";
    }
    m_reconnectTimer->start(step.delayMs);
}

bool HubConnection::refusedOnPurpose() const
{
    if (m_heldRefusal)
        return false; // this hub cannot take us now; another one (or this one later) may
    // The hub refused us on purpose (kick, ban, password, too large): trying again would not help.
    return m_lastCloseCode == QWebSocketProtocol::CloseCodePolicyViolated
        || m_lastCloseCode == QWebSocketProtocol::CloseCodeTooMuchData;
}

bool HubConnection::holdRefusal(const HubEnvelope &envelope)
{
    const auto *error = std::get_if<ErrorReply>(&envelope);
    // cluster_unavailable: a hub of a cluster that cannot reach its Redis now (issue 19's cluster mode).
    if (!error || error->ref != u"join"
        || (error->code != errorCodeName(ErrorCode::HubFull)
            && error->code != errorCodeName(ErrorCode::ClusterUnavailable)))
        return false;
    qCInfo(lcClient).noquote() << "the hub" << url().toString() << "cannot take us now:" << error->message;
    m_heldRefusal = envelope;
    return true;
}

bool HubConnection::retryWithoutToken(const HubEnvelope &envelope)
{
    const auto *error = std::get_if<ErrorReply>(&envelope);
    if (!error || error->ref != u"join")
        return false;
    m_joinTimer->stop(); // it answered: a hub that refuses is not a hub that is gone
    // A hub that does not know our token (not the one that issued it, outside a cluster) and holds our id: the
    // session cannot go on here, so a new one starts (once: a second refusal is the hub's last word).
    if (error->code != errorCodeName(ErrorCode::IdTaken) || !m_sentToken || m_freshRetry
        || m_tokenHub == m_hubs.current())
        return false;
    qCInfo(lcClient).noquote() << "the hub" << url().toString() << "refused the resume token; joining anew";
    m_freshRetry = true;
    m_resumeToken.clear();
    Q_EMIT resumeRefused(url());
    sendJoin(QString());
    return true;
}

void HubConnection::onText(const QString &text)
{
    m_pongTimer->stop(); // any frame shows the hub is there
    const Decoded<HubEnvelope> decoded = decodeHubMessage(text.toUtf8());
    if (!decoded.ok()) {
        qCWarning(lcClient).noquote() << "ignoring a hub message:" << decoded.error().message;
        return;
    }
    if (retryWithoutToken(decoded.envelope()) || holdRefusal(decoded.envelope()))
        return;
    Q_EMIT received(decoded.envelope());
}

} // namespace PeerLink
