#include "chatcontroller.h"

#include "errortext.h"



namespace PeerLink {

using namespace Qt::StringLiterals;

ChatController::ChatController(PeerClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
    conversation(QString());
    connect(client, &PeerClient::stateChanged, this, &ChatController::updateStatus);
    connect(client, &PeerClient::reconnecting, this, &ChatController::updateStatus);
    connect(client, &PeerClient::joined, this, &ChatController::onJoined);
    connect(client, &PeerClient::disconnected, this, &ChatController::onDisconnected);
    connect(client, &PeerClient::messageReceived, this,
            [this](const ChatMessage &m) { onMessage(m.from, m.text, m.to, m.mid, m.ts); });
    connect(client, &PeerClient::errorOccurred, this,
            [this](const ClientError &e) { onError(e.codeName, e.message, e.ref); });
    connect(client, &PeerClient::peerConnected, this, [this](const QString &id, const QString &name) {
        if (!name.isEmpty())
            m_knownNames.insert(id, name);
        bool host = false;
        for (const PeerInfo &p : m_client->peers()) {
            if (p.id == id)
                host = p.host;
        }
        m_peers.peerOnline(id, name, host);
    });
    connect(client, &PeerClient::peerDisconnected, this, [this](const QString &id) {
        m_peers.peerOffline(id, conversationsWithMessages().contains(id));
    });
    connect(client, &PeerClient::messageAcked, this, [this](const QString &mid) {
        const QString key = m_pending.take(mid);
        if (auto *c = m_conversations.value(key))
            c->setState(mid, ConversationModel::State::Delivered);
    });
    connect(client, &PeerClient::certificateUntrusted, this, [this] {
        m_joinErrorReported = true; // the window asks about the certificate instead of reporting "unreachable"
        m_lastReason = tr("the hub's certificate is not trusted");
    });
    connect(client, &PeerClient::pathChanged, this, [this](const QString &peer, PeerClient::Path path) {
        m_peers.setPath(peer, path);
        Q_EMIT pathChanged(peer);
    });
    connect(client, &PeerClient::connectRequested, this,
            [this](const QString &from) { Q_EMIT connectRequestReceived(from, nameOf(from)); });
    updateStatus();
}

ConversationModel *ChatController::conversation(const QString &key)
{
    auto *&c = m_conversations[key];
    if (!c)
        c = new ConversationModel(key, this);
    return c;
}

QString ChatController::conversationTitle(const QString &key) const
{
    if (key.isEmpty())
        return tr("Everyone");
    const QString name = nameOf(key);
    const QString who = name == key ? key : tr("%1 (%2)").arg(name, key);
    switch (m_client->pathTo(key)) {
    case PeerClient::Path::Direct:
        return tr("%1 — direct link").arg(who);
    case PeerClient::Path::Connecting:
        return tr("%1 — connecting directly…").arg(who);
    case PeerClient::Path::Relayed:
        break;
    }
    return m_peers.isOnline(key) ? tr("%1 — through the hub").arg(who) : who;
}

void ChatController::setActiveConversation(const QString &key)
{
    conversation(key);
    if (m_active != key) {
        m_active = key;
        Q_EMIT activeConversationChanged(key);
    }
    if (m_windowActive)
        setUnread(key, 0);
}

void ChatController::setWindowActive(bool active)
{
    m_windowActive = active;
    if (active)
        setUnread(m_active, 0);
}

int ChatController::totalUnread() const
{
    int total = 0;
    for (int n : m_unread)
        total += n;
    return total;
}

QString ChatController::statusText() const
{
    return m_status;
}

bool ChatController::connectToHub(const QUrl &url, const QString &id, const PeerClient::JoinOptions &options)
{
    m_joinErrorReported = false;
    m_joinedThisTime = false;
    m_lastReason.clear();
    return m_client->connectToHub(url, id, options);
}

void ChatController::disconnectFromHub()
{
    m_lastReason = tr("you disconnected");
    m_client->disconnectFromHub();
}

bool ChatController::sendToActive(const QString &text)
{
    return send(m_active, text);
}

bool ChatController::send(const QString &key, const QString &text)
{
    if (text.trimmed().isEmpty())
        return false;
    const bool reconnecting = m_client->state() == PeerClient::State::Reconnecting
        || (m_client->state() != PeerClient::State::Joined && m_joinedThisTime);
    if (!m_client->isJoined() && !reconnecting) {
        Q_EMIT errorReported(tr("You are not connected to a hub."));
        return false;
    }
    // While reconnecting, messages wait in the client's outbox (peers show offline until the hub is back).
    if (!key.isEmpty() && !m_peers.isOnline(key) && !reconnecting) {
        Q_EMIT errorReported(tr("%1 is offline; the message was not sent.").arg(nameOf(key)));
        return false;
    }
    const QString mid = key.isEmpty() ? m_client->sendMessage(text) : m_client->sendMessage(key, text);
    if (mid.isEmpty())
        return false;
    ConversationModel::Entry e;
    e.from = m_client->id();
    e.fromName = m_client->displayName().isEmpty() ? m_client->id() : m_client->displayName();
    e.text = text;
    e.time = QDateTime::currentDateTimeUtc();
    e.outgoing = true;
    e.state = ConversationModel::State::Pending;
    e.mid = mid;
    conversation(key)->append(e);
    m_pending.insert(mid, key);
    return true;
}

bool ChatController::connectToPeer(const QString &id)
{
    return m_client->connectToPeer(id);
}

void ChatController::acceptConnectRequest(const QString &from)
{
    m_client->acceptConnection(from);
    setActiveConversation(from);
}

void ChatController::declineConnectRequest(const QString &from)
{
    m_client->declineConnection(from);
}

void ChatController::onJoined()
{
    m_joinedThisTime = true;
    m_lastReason.clear();
    for (const PeerInfo &p : m_client->peers()) {
        if (!p.name.isEmpty())
            m_knownNames.insert(p.id, p.name);
        m_peers.peerOnline(p.id, p.name, p.host);
    }
    updateStatus();
}

void ChatController::onDisconnected(const QString &reason)
{
    const bool neverJoined = !m_joinedThisTime && !m_joinErrorReported && m_lastReason.isEmpty();
    // Reconnecting: pending messages stay pending (the client sends them again once back). Otherwise they fail.
    if (m_client->state() != PeerClient::State::Reconnecting) {
        for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
            if (auto *c = m_conversations.value(it.value()))
                c->setState(it.key(), ConversationModel::State::Failed, tr("the connection was lost"));
        }
        m_pending.clear();
    }
    m_peers.allOffline(conversationsWithMessages());
    if (m_lastReason.isEmpty())
        m_lastReason = describeDisconnect(reason); // the hub's close reasons are English: worded here
    updateStatus();
    if (neverJoined)
        Q_EMIT joinFailed(tr("Could not reach the hub at %1: %2").arg(m_client->hubUrl().toString(), reason));
}

void ChatController::onMessage(const QString &from, const QString &text, const QString &to, const QString &mid, qint64 ts)
{
    Q_UNUSED(mid);
    const QString key = to.isEmpty() ? QString() : from;
    ConversationModel::Entry e;
    e.from = from;
    e.fromName = nameOf(from);
    e.text = text;
    e.time = ts > 0 ? QDateTime::fromMSecsSinceEpoch(ts, Qt::UTC) : QDateTime::currentDateTimeUtc();
    conversation(key)->append(e);
    if (!key.isEmpty() && !m_peers.contains(key))
        m_peers.peerOnline(key, m_knownNames.value(key), false);

    const bool seen = m_windowActive && key == m_active;
    if (!seen)
        addUnread(key);
    if (!m_windowActive && m_notify) {
        const QString title = key.isEmpty() ? tr("%1 to everyone").arg(e.fromName) : e.fromName;
        Q_EMIT notificationRequested(title, text);
    }
}

void ChatController::onError(const QString &code, const QString &message, const QString &ref)
{
    const QString text = describeHubError(code, message);
    if (m_pending.contains(ref)) {
        const QString key = m_pending.take(ref);
        if (auto *c = m_conversations.value(key))
            c->setState(ref, ConversationModel::State::Failed, text);
        Q_EMIT errorReported(text);
        return;
    }
    if (!m_client->isJoined()) {
        m_joinErrorReported = true;
        m_lastReason = text;
        Q_EMIT joinFailed(text);
        // An id in use leaves the connection open for another try; this app asks the user instead.
        if (m_client->state() != PeerClient::State::Disconnected)
            m_client->disconnectFromHub();
        updateStatus();
        return;
    }
    Q_EMIT errorReported(text);
}

void ChatController::addUnread(const QString &key)
{
    setUnread(key, m_unread.value(key) + 1);
}

void ChatController::setUnread(const QString &key, int count)
{
    if (m_unread.value(key) == count)
        return;
    if (count == 0)
        m_unread.remove(key);
    else
        m_unread.insert(key, count);
    m_peers.setUnread(key, count);
    Q_EMIT unreadChanged(key, count);
    Q_EMIT totalUnreadChanged(totalUnread());
}

QString ChatController::nameOf(const QString &id) const
{
    const QString name = m_client->peerName(id);
    if (!name.isEmpty())
        return name;
    return m_knownNames.value(id, id);
}

QList<QString> ChatController::conversationsWithMessages() const
{
    QList<QString> keys;
    for (auto it = m_conversations.cbegin(); it != m_conversations.cend(); ++it) {
        if (!it.key().isEmpty() && it.value()->rowCount() > 0)
            keys.append(it.key());
    }
    return keys;
}

void ChatController::updateStatus()
{
    QString text;
    const QString url = m_client->hubUrl().toString();
    switch (m_client->state()) {
    case PeerClient::State::Disconnected:
        text = m_lastReason.isEmpty() ? tr("Not connected") : tr("Disconnected: %1").arg(m_lastReason);
        break;
    case PeerClient::State::Connecting:
        text = tr("Connecting to %1…").arg(url);
        break;
    case PeerClient::State::Joining:
        text = tr("Joining %1 as %2…").arg(url, m_client->id());
        break;
    case PeerClient::State::Reconnecting:
        text = tr("Reconnecting to %1 (attempt %2)… Lost the connection: %3")
                   .arg(url)
                   .arg(m_client->reconnectAttempt())
                   .arg(m_client->lastDisconnectReason());
        break;
    case PeerClient::State::Joined:
        text = tr("Connected as %1 to %2").arg(m_client->id(), url);
        if (!m_client->hubName().isEmpty())
            text += u" (%1)"_s.arg(m_client->hubName());
        break;
    }
    if (text != m_status) {
        m_status = text;
        Q_EMIT statusTextChanged(text);
    }
}

} // namespace PeerLink
