#include "peerclient.h"

#include "client/logging.h"
#include "core/rules.h"

#include <QRandomGenerator>
#include <QTimer>
#include <QWebSocket>

namespace PeerLink {

using namespace Qt::StringLiterals;

PeerClient::PeerClient(QObject *parent)
    : QObject(parent)
    , m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this))
    , m_midPrefix(QString::number(QRandomGenerator::global()->generate(), 36))
    , m_reconnectTimer(new QTimer(this))
{
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, [this] {
        setState(State::Connecting);
        m_socketError.clear();
        m_socket->open(m_url);
    });
    setMaxIncomingMessageBytes(16 * 1024 * 1024);
    connect(m_socket, &QWebSocket::connected, this, &PeerClient::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &PeerClient::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &PeerClient::onTextMessage);
    // Qt 6.4 names this signal error(); errorOccurred() arrived in 6.5.
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this](QAbstractSocket::SocketError) {
        m_socketError = m_socket->errorString();
        qCDebug(lcClient).noquote() << "socket error:" << m_socketError;
    });
}

PeerClient::~PeerClient()
{
    // Leave quietly: no signals into a half-destroyed owner.
    m_socket->disconnect(this);
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"client closed"_s);
}

void PeerClient::setMaxIncomingMessageBytes(qint64 bytes)
{
    m_socket->setMaxAllowedIncomingMessageSize(quint64(bytes));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(bytes));
}

bool PeerClient::hasPeer(const QString &id) const
{
    return std::any_of(m_peers.cbegin(), m_peers.cend(), [&id](const PeerInfo &p) { return p.id == id; });
}

QString PeerClient::peerName(const QString &id) const
{
    for (const PeerInfo &p : m_peers) {
        if (p.id == id)
            return p.name;
    }
    return QString();
}

bool PeerClient::connectToHub(const QUrl &url, const QString &id, const JoinOptions &options)
{
    if (m_state != State::Disconnected) {
        failLocally(ErrorCode::AlreadyJoined, tr("Already connected to %1.").arg(m_url.toString()));
        return false;
    }
    if (!Rules::isValidId(id)) {
        failLocally(ErrorCode::InvalidId, tr("An id is 1 to 64 characters of A-Z a-z 0-9 . _ -"));
        return false;
    }
    if (!options.name.isEmpty() && !Rules::isValidName(options.name)) {
        failLocally(ErrorCode::BadMessage, tr("A display name is at most 64 printable characters."));
        return false;
    }
    if (!url.isValid() || (url.scheme() != u"ws" && url.scheme() != u"wss") || url.host().isEmpty()) {
        failLocally(ErrorCode::BadMessage, tr("A hub address looks like ws://host:port (got \"%1\").").arg(url.toString()));
        return false;
    }
    m_url = url;
    m_id = id;
    m_options = options;
    m_socketError.clear();
    m_resumeToken.clear();
    m_leaving = false;
    m_everJoined = false;
    m_attempt = 0;
    setState(State::Connecting);
    m_socket->open(url);
    return true;
}

QString PeerClient::sendMessage(const QString &text)
{
    return sendMessage(QString(), text);
}

QString PeerClient::sendMessage(const QString &to, const QString &text)
{
    if (m_state != State::Joined) {
        failLocally(ErrorCode::NotJoined, tr("Not joined to a hub."), u"message"_s);
        return QString();
    }
    if (!to.isEmpty() && !Rules::isValidId(to)) {
        failLocally(ErrorCode::InvalidId, tr("\"%1\" is not a valid peer id.").arg(to), u"message"_s);
        return QString();
    }
    const QString mid = nextMid();
    send(encode(MessageRequest { text, to, mid }));
    return mid;
}

bool PeerClient::connectToPeer(const QString &peer)
{
    if (m_state != State::Joined) {
        failLocally(ErrorCode::NotJoined, tr("Not joined to a hub."), u"connect_to_peer"_s);
        return false;
    }
    if (!Rules::isValidId(peer)) {
        failLocally(ErrorCode::InvalidId, tr("\"%1\" is not a valid peer id.").arg(peer), u"connect_to_peer"_s);
        return false;
    }
    send(encode(ConnectRequest { peer, QJsonObject() }));
    return true;
}

void PeerClient::setReconnectDelays(int initialMs, int maximumMs)
{
    m_initialDelayMs = std::max(1, initialMs);
    m_maxDelayMs = std::max(m_initialDelayMs, maximumMs);
}

void PeerClient::disconnectFromHub()
{
    if (m_state == State::Disconnected)
        return;
    m_leaving = true;
    if (m_state == State::Reconnecting) {
        m_reconnectTimer->stop();
        m_attempt = 0;
        m_lastReason = tr("left");
        setState(State::Disconnected);
        Q_EMIT disconnected(m_lastReason);
        return;
    }
    if (m_state == State::Joined)
        send(encode(LeaveRequest {}));
    m_socket->close(QWebSocketProtocol::CloseCodeNormal, u"leave"_s);
}

void PeerClient::onConnected()
{
    setState(State::Joining);
    Q_EMIT connected();
    send(encode(JoinRequest { m_id, m_options.name, m_options.password, m_resumeToken, u"peerlink/" PEERLINK_VERSION ""_s }));
}

void PeerClient::onDisconnected()
{
    if (m_state == State::Disconnected)
        return;
    m_lastCloseCode = m_socket->closeCode();
    QString reason = m_socket->closeReason();
    if (reason.isEmpty())
        reason = m_socketError.isEmpty() ? tr("connection closed") : m_socketError;
    m_lastReason = reason;
    m_peers.clear();
    if (shouldReconnect()) {
        setState(State::Reconnecting);
        Q_EMIT disconnected(reason);
        scheduleReconnect();
        return;
    }
    m_attempt = 0;
    setState(State::Disconnected);
    Q_EMIT disconnected(reason);
}

bool PeerClient::shouldReconnect() const
{
    if (!m_autoReconnect || m_leaving || !m_everJoined)
        return false;
    // The hub refused us on purpose (kick, ban, password, too large): trying again would not help.
    return m_lastCloseCode != QWebSocketProtocol::CloseCodePolicyViolated
        && m_lastCloseCode != QWebSocketProtocol::CloseCodeTooMuchData;
}

void PeerClient::scheduleReconnect()
{
    ++m_attempt;
    // Exponential backoff with "equal jitter": half the delay fixed, half random, so that many peers that lost the
    // same hub do not all come back at the same moment (and stay below a hub's reconnect-rate autoban).
    const int shift = std::min(m_attempt - 1, 16);
    const qint64 base = std::min<qint64>(m_maxDelayMs, qint64(m_initialDelayMs) << shift);
    const int delay = int(base / 2 + QRandomGenerator::global()->bounded(base / 2 + 1));
    qCDebug(lcClient) << "reconnecting in" << delay << "ms, attempt" << m_attempt;
    Q_EMIT reconnecting(m_attempt, delay);
    m_reconnectTimer->start(delay);
}

void PeerClient::onTextMessage(const QString &message)
{
    const Decoded<HubEnvelope> decoded = decodeHubMessage(message.toUtf8());
    if (!decoded.ok()) {
        qCWarning(lcClient).noquote() << "ignoring a hub message:" << decoded.error().message;
        return;
    }
    std::visit([this](const auto &m) { handle(m); }, decoded.envelope());
}

void PeerClient::handle(const Welcome &m)
{
    m_hubName = m.hub;
    m_resumeToken = m.resume;
    m_peers = m.peers;
    m_everJoined = true;
    m_attempt = 0;
    setState(State::Joined);
    Q_EMIT joined(m.id, m.hub);
}

void PeerClient::handle(const PeerConnected &m)
{
    if (hasPeer(m.id))
        return;
    m_peers.append(PeerInfo { m.id, m.name, m.host });
    Q_EMIT peerConnected(m.id, m.name);
}

void PeerClient::handle(const PeerDisconnected &m)
{
    const auto removed = m_peers.removeIf([&m](const PeerInfo &p) { return p.id == m.id; });
    if (removed > 0)
        Q_EMIT peerDisconnected(m.id);
}

void PeerClient::handle(const ChatMessage &m)
{
    Q_EMIT messageReceived(m.from, m.text, m.to, m.mid, m.ts);
}

void PeerClient::handle(const Ack &m)
{
    Q_EMIT messageAcked(m.mid);
}

void PeerClient::handle(const ConnectOffer &m)
{
    Q_EMIT connectRequested(m.from);
}

void PeerClient::handle(const ErrorReply &m)
{
    Q_EMIT errorOccurred(m.code, m.message, m.ref);
}

void PeerClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void PeerClient::send(const QByteArray &utf8)
{
    m_socket->sendTextMessage(QString::fromUtf8(utf8));
}

QString PeerClient::nextMid()
{
    return m_midPrefix + u'-' + QString::number(++m_midCounter);
}

void PeerClient::failLocally(ErrorCode code, const QString &message, const QString &ref)
{
    Q_EMIT errorOccurred(errorCodeName(code), message, ref);
}

} // namespace PeerLink
