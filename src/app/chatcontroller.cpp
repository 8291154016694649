#include "chatcontroller.h"

#include "appsettings.h"
#include "errortext.h"

#include "core/rules.h"

#include <QSaveFile>

namespace PeerLink {

using namespace Qt::StringLiterals;

History::MessageStore::ExportFormat exportFormatForPath(const QString &path)
{
    const QString lower = path.toLower();
    if (lower.endsWith(u".json"_s))
        return History::MessageStore::ExportFormat::Json;
    if (lower.endsWith(u".txt"_s) || lower.endsWith(u".text"_s))
        return History::MessageStore::ExportFormat::Text;
    return History::MessageStore::ExportFormat::Html;
}

ChatController::ChatController(PeerClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_transfers(client->files())
{
    conversation(QString());
    m_transfers.setOfferAnswerer([this](int row) { return answerOffer(row); });
    // Every transfer, either way, is an item of its peer's conversation as well (before an offer is answered).
    connect(&m_transfers, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) {
        for (int row = first; row <= last; ++row)
            showTransferInConversation(row);
    });
    // A file offered or arrived: told like a message when the window is not the active one.
    connect(&m_transfers, &TransfersModel::offerShown, this, [this](int row) {
        const QModelIndex i = m_transfers.index(row);
        if (!m_windowActive && m_notify)
            Q_EMIT notificationRequested(tr("File offered"),
                                         tr("%1 offers %2 (%3).")
                                             .arg(nameOf(i.data(TransfersModel::PeerRole).toString()),
                                                  i.data(TransfersModel::NameRole).toString(),
                                                  TransfersModel::formatBytes(i.data(TransfersModel::SizeRole).toLongLong())));
    });
    connect(&m_transfers, &TransfersModel::fileArrived, this, [this](const FileTransfers::Info &info) {
        if (!m_windowActive && m_notify)
            Q_EMIT notificationRequested(tr("File received"), tr("%1 from %2").arg(info.name, nameOf(info.peer)));
    });
    connect(client, &PeerClient::stateChanged, this, &ChatController::updateStatus);
    connect(client, &PeerClient::reconnecting, this, &ChatController::updateStatus);
    connect(client, &PeerClient::joined, this, &ChatController::onJoined);
    // Failed over: the status says where it is now, and which hub it left.
    connect(client, &PeerClient::hubChanged, this, [this] { m_movedFrom = m_joinedUrl; });
    connect(client, &PeerClient::disconnected, this, &ChatController::onDisconnected);
    connect(client, &PeerClient::messageReceived, this, &ChatController::onMessage);
    connect(client, &PeerClient::keyChanged, this, &ChatController::onKeyChanged);
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
        refreshTrust(id);
        if (m_keyChanges.contains(id))
            Q_EMIT peerTrustChanged(id); // its new key can be accepted again
    });
    connect(client, &PeerClient::peerDisconnected, this, [this](const QString &id) {
        m_peers.peerOffline(id, conversationsWithMessages().contains(id));
        if (m_keyChanges.contains(id))
            Q_EMIT peerTrustChanged(id); // its new key cannot be accepted until it is back
    });
    connect(client, &PeerClient::messageAcked, this, [this](const QString &mid) {
        // The hub's word (or a link's): passed on, not yet confirmed by the peer.
        const QString key = m_pending.take(mid);
        if (auto *c = m_conversations.value(key))
            c->setState(mid, ConversationModel::State::Sent);
    });
    // The peer's own signed word: its client has the message, then its user saw it.
    connect(client, &PeerClient::messageDelivered, this, [this](const QString &peer, const QString &mid) {
        m_pending.remove(mid);
        conversation(peer)->setState(mid, ConversationModel::State::Delivered);
    });
    connect(client, &PeerClient::messageRead, this, [this](const QString &peer, const QString &mid) {
        m_pending.remove(mid);
        conversation(peer)->setState(mid, ConversationModel::State::Read);
    });
    connect(client, &PeerClient::messageStored, this, [this](const QString &mid) {
        // The hub keeps it for a peer who is away: no longer "sending", not yet delivered.
        const QString key = m_pending.take(mid);
        if (auto *c = m_conversations.value(key))
            c->setState(mid, ConversationModel::State::Stored);
    });
    connect(client, &PeerClient::certificateUntrusted, this, [this] {
        m_joinErrorReported = true; // the window asks about the certificate instead of reporting "unreachable"
        m_lastReason = tr("the hub's certificate is not trusted");
    });
    connect(client, &PeerClient::pathChanged, this, [this](const QString &peer, PeerClient::Path path) {
        m_peers.setPath(peer, path);
        Q_EMIT pathChanged(peer);
    });
    connect(client, &PeerClient::connectRequested, this, [this](const QString &from) {
        // A second request must not replace the first: each waits for its own answer.
        if (!m_requests.contains(from))
            m_requests.append(from);
        Q_EMIT connectRequestReceived(from, nameOf(from));
        Q_EMIT connectRequestsChanged();
    });
    wireRooms();
    updateStatus();
}

bool ChatController::answerOffer(int row)
{
    const QString peer = m_transfers.index(row).data(TransfersModel::PeerRole).toString();
    const IncomingFilesPolicy::Decision decision = m_incomingFiles.decide(nameOf(peer), isVerified(peer));
    if (!decision.note.isEmpty())
        Q_EMIT errorReported(decision.note);
    switch (decision.action) {
    case IncomingFilesPolicy::Action::Accept:
        return m_transfers.accept(row, decision.folder);
    case IncomingFilesPolicy::Action::Decline:
        return m_transfers.decline(row);
    case IncomingFilesPolicy::Action::Ask:
        break;
    }
    return false;
}

void ChatController::showTransferInConversation(int row)
{
    const std::optional<FileTransfers::Info> info = m_transfers.infoAt(row);
    if (!info || info->peer.isEmpty())
        return;
    const bool outgoing = info->direction == FileTransfers::Direction::Outgoing;
    conversation(info->peer)->appendTransfer(info->tid, outgoing ? m_client->id() : info->peer,
                                             outgoing ? m_client->id() : nameOf(info->peer), outgoing);
}

void ChatController::wireRooms()
{
    RoomChannel *rooms = m_client->rooms();
    connect(rooms, &RoomChannel::joined, this, [this](const QString &room, const QString &topic, const QStringList &members) {
        const QString key = u'#' + room;
        m_rooms.insert(key, RoomState { topic, members });
        m_invitations.removeAll(room);
        m_peers.peerOnline(key, QString(), false);
        Q_EMIT roomChanged(key);
    });
    connect(rooms, &RoomChannel::left, this, [this](const QString &room, const QString &reason, const QString &by) {
        const QString key = u'#' + room;
        m_rooms.remove(key);
        m_peers.peerOffline(key, key == m_active || conversationsWithMessages().contains(key));
        Q_EMIT roomChanged(key);
        if (reason == u"removed")
            Q_EMIT errorReported(tr("%1 removed you from the room #%2.").arg(nameOf(by), room));
        else if (reason == u"closed")
            Q_EMIT errorReported(tr("The room #%1 was closed.").arg(room));
        else if (reason == u"gone")
            Q_EMIT errorReported(tr("You are no longer in the room #%1 (removed, or it was closed, while you were "
                                    "away).").arg(room));
    });
    const auto membersChanged = [this](const QString &room) {
        const QString key = u'#' + room;
        if (auto it = m_rooms.find(key); it != m_rooms.end()) {
            it->members = m_client->rooms()->members(room);
            Q_EMIT roomChanged(key);
        }
    };
    connect(rooms, &RoomChannel::memberJoined, this, membersChanged);
    connect(rooms, &RoomChannel::memberLeft, this, membersChanged);
    connect(rooms, &RoomChannel::topicChanged, this, [this](const QString &room, const QString &topic) {
        const QString key = u'#' + room;
        if (auto it = m_rooms.find(key); it != m_rooms.end()) {
            it->topic = topic;
            Q_EMIT roomChanged(key);
        }
    });
    connect(rooms, &RoomChannel::invited, this, [this](const QString &room, const QString &from) {
        if (m_invitations.contains(room) || m_rooms.contains(u'#' + room))
            return;
        m_invitations.append(room);
        Q_EMIT roomInvitationReceived(room, from);
        if (m_notify && !m_windowActive)
            Q_EMIT notificationRequested(tr("Invitation"), tr("%1 invites you to the room #%2.").arg(nameOf(from), room));
    });
    connect(rooms, &RoomChannel::messageReceived, this, &ChatController::onRoomMessage);
}

QString ChatController::roomNameFor(const QString &name)
{
    const QString room = name.trimmed().startsWith(u'#') ? name.trimmed().mid(1) : name.trimmed();
    if (!m_client->isJoined()) {
        Q_EMIT errorReported(tr("You are not connected to a hub."));
        return QString();
    }
    if (!m_client->hasIdentity()) {
        Q_EMIT errorReported(tr("Rooms are end to end: they need an identity (PeerLink ▸ My identity)."));
        return QString();
    }
    if (!Rules::isValidRoomName(room)) {
        Q_EMIT errorReported(tr("A room's name is 1 to 64 letters, digits, dots, dashes or underscores."));
        return QString();
    }
    return room;
}

bool ChatController::joinRoom(const QString &name)
{
    const QString room = roomNameFor(name);
    return !room.isEmpty() && m_client->rooms()->join(room, true);
}

bool ChatController::createRoom(const QString &name, const QString &topic, bool inviteOnly)
{
    const QString room = roomNameFor(name);
    if (room.isEmpty())
        return false;
    if (!Rules::isValidTopic(topic.trimmed())) {
        Q_EMIT errorReported(tr("A topic is at most 256 characters on one line."));
        return false;
    }
    return m_client->rooms()->create(room, topic.trimmed(), inviteOnly);
}

bool ChatController::inviteToRoom(const QString &key, const QString &peer)
{
    if (!isRoom(key) || !m_rooms.contains(key) || !m_client->isJoined())
        return false;
    if (!Rules::isValidId(peer.trimmed())) {
        Q_EMIT errorReported(tr("That is not a peer id: use 1 to 64 letters, digits, dots, dashes or underscores."));
        return false;
    }
    return m_client->rooms()->invite(key.mid(1), peer.trimmed());
}

bool ChatController::leaveRoom(const QString &key)
{
    if (!isRoom(key) || !m_rooms.contains(key) || !m_client->isJoined())
        return false;
    return m_client->rooms()->leave(key.mid(1));
}

void ChatController::acceptInvitation(const QString &room)
{
    m_invitations.removeAll(room);
    joinRoom(room);
}

void ChatController::declineInvitation(const QString &room)
{
    m_invitations.removeAll(room); // the hub keeps the invitation: /join works later
}

void ChatController::onRoomMessage(const QString &room, const QString &from, const QString &text, const QString &mid,
                                   qint64 ts)
{
    const QString key = u'#' + room;
    ConversationModel::Entry e;
    e.from = from;
    e.fromName = nameOf(from);
    e.to = key;
    e.text = text;
    e.time = ts > 0 ? QDateTime::fromMSecsSinceEpoch(ts, Qt::UTC) : QDateTime::currentDateTimeUtc();
    e.mid = mid;
    e.encrypted = true; // a room message opened with its sender's key, its signature checked
    conversation(key)->append(e);
    if (!m_peers.contains(key))
        m_peers.peerOnline(key, QString(), false);
    const bool seen = m_windowActive && key == m_active;
    if (!seen)
        addUnread(key);
    if (!m_windowActive && m_notify)
        Q_EMIT notificationRequested(tr("%1 in %2").arg(e.fromName, key), text);
}

ConversationModel *ChatController::conversation(const QString &key)
{
    auto *&c = m_conversations[key];
    if (!c) {
        c = m_history ? new ConversationModel(key, m_history, m_pageSize, this) : new ConversationModel(key, this);
        c->setTransfers(&m_transfers);
    }
    return c;
}

void ChatController::setHistory(History::MessageStore *store, int pageSize)
{
    if (m_history)
        disconnect(m_history, nullptr, this, nullptr);
    m_history = store;
    m_pageSize = std::max(1, pageSize);
    m_historyProblem.clear();
    m_storedConversations.clear();
    qDeleteAll(m_conversations);
    m_conversations.clear();
    conversation(QString());
    if (!store)
        return;
    connect(store, &History::MessageStore::errorOccurred, this, &ChatController::onHistoryError);
    if (!store->isOpen()) {
        if (!store->errorString().isEmpty())
            onHistoryError(store->errorString());
        return;
    }
    for (const QString &peer : store->conversations()) {
        if (peer.isEmpty())
            continue;
        m_storedConversations.insert(peer);
        if (m_peers.contains(peer))
            continue;
        m_peers.peerOnline(peer, m_knownNames.value(peer), false);
        m_peers.peerOffline(peer, true);
        refreshTrust(peer);
    }
}

void ChatController::onHistoryError(const QString &message)
{
    const QString text = describeHistoryError(message);
    if (text == m_historyProblem)
        return; // said once is enough: the same failure comes with every message
    m_historyProblem = text;
    Q_EMIT historyProblemReported(text);
}

QList<History::SearchHit> ChatController::search(const QString &text, int limit) const
{
    if (!m_history || !m_history->isOpen())
        return {};
    return m_history->search(text, limit);
}

bool ChatController::exportConversation(const QString &key, const QString &path,
                                        History::MessageStore::ExportFormat format, QString *error) const
{
    auto failed = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (!m_history || !m_history->isOpen())
        return failed(tr("There is no message history to export."));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return failed(tr("%1 cannot be written: %2").arg(path, file.errorString()));
    if (!m_history->exportConversation(key, format, &file, conversationTitle(key))) {
        file.cancelWriting();
        return failed(describeHistoryError(m_history->errorString()));
    }
    if (!file.commit())
        return failed(tr("%1 cannot be written: %2").arg(path, file.errorString()));
    return true;
}

bool ChatController::deleteConversation(const QString &key)
{
    if (m_history && m_history->isOpen() && !m_history->deleteConversation(key))
        return false; // reported through the store's errorOccurred
    m_storedConversations.remove(key);
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it.value() == key)
            it = m_pending.erase(it);
        else
            ++it;
    }
    m_unreadMids.remove(key); // deleted unseen: not read
    setUnread(key, 0);
    if (auto *c = m_conversations.take(key)) {
        // A view may still show it: the replacement comes first, then the old one goes.
        conversation(key);
        if (key == m_active)
            Q_EMIT activeConversationChanged(key);
        c->deleteLater();
    }
    if (!key.isEmpty() && !m_peers.isOnline(key))
        m_peers.peerOffline(key, key == m_active);
    return true;
}

void ChatController::reloadHistory()
{
    for (ConversationModel *c : std::as_const(m_conversations))
        c->reload();
}

QString ChatController::conversationTitle(const QString &key) const
{
    if (key.isEmpty())
        return tr("Everyone");
    if (isRoom(key)) {
        const auto it = m_rooms.constFind(key);
        if (it == m_rooms.cend())
            return tr("%1 — you are not in it").arg(key);
        const QString members = tr("%n member(s): %1", nullptr, int(it->members.size())).arg(it->members.join(u", "_s));
        return it->topic.isEmpty() ? tr("%1 — %2").arg(key, members) : tr("%1 — %2 — %3").arg(key, it->topic, members);
    }
    const QString name = nameOf(key);
    QString who = name == key ? key : tr("%1 (%2)").arg(name, key);
    if (hasKeyChanged(key))
        who = tr("%1 — key changed!").arg(who);
    else if (isVerified(key))
        who = tr("%1 ✓ verified").arg(who);
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

bool ChatController::canSendFile() const
{
    return !m_active.isEmpty() && !m_active.startsWith(u'#') && m_client && m_client->isJoined();
}

QString ChatController::sendFile(const QString &path)
{
    if (!canSendFile())
        return QString();
    return m_transfers.offer(m_active, path);
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
    return connectToHub(QList<QUrl> { url }, id, options);
}

bool ChatController::connectToHub(const QList<QUrl> &urls, const QString &id, const PeerClient::JoinOptions &options)
{
    m_joinedUrl.clear();
    m_movedFrom.clear();
    m_joinErrorReported = false;
    m_joinedThisTime = false;
    m_lastReason.clear();
    // Changed keys are a matter of one hub (the client remembers keys per hub URL and says so again when the peer
    // shows up there): a warning from the last hub does not follow the user to another one.
    const QList<QString> changed = m_keyChanges.keys();
    m_keyChanges.clear();
    for (const QString &peer : changed) {
        refreshTrust(peer);
        Q_EMIT peerTrustChanged(peer);
    }
    return m_client->connectToHub(urls, id, options);
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

bool ChatController::resend(const QString &key, int row)
{
    const QModelIndex index = conversation(key)->index(row);
    if (!index.isValid() || !index.data(ConversationModel::OutgoingRole).toBool()
        || index.data(ConversationModel::StateRole).value<ConversationModel::State>()
            != ConversationModel::State::Failed)
        return false;
    return send(key, index.data(ConversationModel::TextRole).toString());
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
    if (const QString blocked = sendBlockedReason(key); !blocked.isEmpty()) {
        Q_EMIT errorReported(blocked);
        return false;
    }
    // While reconnecting, messages wait in the client's outbox (peers show offline until the hub is back). A peer
    // whose key we know may be away: the message goes sealed to its key and the hub keeps it (store-and-forward).
    const bool storable = m_client->hasIdentity() && !m_client->peerFingerprint(key).isEmpty();
    if (!key.isEmpty() && !isRoom(key) && !m_peers.isOnline(key) && !reconnecting && !storable) {
        Q_EMIT errorReported(tr("%1 is offline; the message was not sent.").arg(nameOf(key)));
        return false;
    }
    const QString mid = isRoom(key) ? m_client->rooms()->send(key.mid(1), text)
        : key.isEmpty()              ? m_client->sendMessage(text)
                                     : m_client->sendMessage(key, text);
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
    e.to = key;
    // The client never sends a peer known by a key anything in the clear (it seals, or the message fails): with an
    // identity of our own, a message to such a peer goes end-to-end encrypted.
    e.encrypted = isRoom(key)
        || (!key.isEmpty() && m_client->hasIdentity() && !m_client->peerFingerprint(key).isEmpty());
    conversation(key)->append(e);
    m_pending.insert(mid, key);
    return true;
}

bool ChatController::canConnectToPeer(const QString &id) const
{
    return m_client->isJoined() && !id.isEmpty() && id != m_client->id() && m_peers.isOnline(id);
}

bool ChatController::connectToPeer(const QString &id)
{
    // An offline peer cannot be introduced: the hub would only answer that it is not there.
    if (!canConnectToPeer(id))
        return false;
    return m_client->connectToPeer(id);
}

void ChatController::acceptConnectRequest(const QString &from)
{
    m_requests.removeAll(from);
    m_client->acceptConnection(from);
    setActiveConversation(from);
    Q_EMIT connectRequestsChanged();
}

void ChatController::declineConnectRequest(const QString &from)
{
    m_requests.removeAll(from);
    m_client->declineConnection(from);
    Q_EMIT connectRequestsChanged();
}

void ChatController::onJoined()
{
    m_joinedThisTime = true;
    m_joinedUrl = m_client->hubUrl();
    m_lastReason.clear();
    for (const PeerInfo &p : m_client->peers()) {
        if (!p.name.isEmpty())
            m_knownNames.insert(p.id, p.name);
        m_peers.peerOnline(p.id, p.name, p.host);
        refreshTrust(p.id);
    }
    updateStatus();
}

void ChatController::onDisconnected(const QString &reason)
{
    const bool neverJoined = !m_joinedThisTime && !m_joinErrorReported && m_lastReason.isEmpty();
    // Reconnecting: pending messages stay pending (the client sends them again once back). Otherwise they fail.
    if (m_client->state() != PeerClient::State::Reconnecting) {
        m_rooms.clear(); // the hub says again which rooms we are in when we are back
        m_invitations.clear();
        for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
            if (auto *c = m_conversations.value(it.value()))
                c->setState(it.key(), ConversationModel::State::Failed, tr("the connection was lost"));
        }
        m_pending.clear();
    }
    m_peers.allOffline(conversationsWithMessages());
    // (While it tries again, or the next hub, the status words the client's last reason itself; a reason kept here
    // would also make a first join that finally fails look like one that was never tried.)
    if (m_lastReason.isEmpty() && m_client->state() != PeerClient::State::Reconnecting)
        m_lastReason = describeDisconnect(reason); // the hub's close reasons are English: worded here
    updateStatus();
    // (Given several hubs, the next one is tried first: only when none is left has the join failed.)
    if (neverJoined && m_client->state() == PeerClient::State::Disconnected) {
        const QList<QUrl> hubs = m_client->hubUrls();
        if (hubs.size() > 1) {
            QStringList shown;
            for (const QUrl &hub : hubs)
                shown.append(hub.toString());
            Q_EMIT joinFailed(tr("Could not reach any of the hubs (%1): %2").arg(shown.join(u", "_s), m_lastReason));
        } else {
            Q_EMIT joinFailed(tr("Could not reach the hub at %1: %2").arg(m_client->hubUrl().toString(), m_lastReason));
        }
    }
}

void ChatController::onMessage(const ChatMessage &message)
{
    const QString &from = message.from;
    const QString key = message.to.isEmpty() ? QString() : from;
    ConversationModel::Entry e;
    e.from = from;
    e.fromName = nameOf(from);
    e.to = message.to;
    e.text = message.text;
    e.time = message.ts > 0 ? QDateTime::fromMSecsSinceEpoch(message.ts, Qt::UTC) : QDateTime::currentDateTimeUtc();
    e.mid = message.mid;
    e.encrypted = message.encrypted;
    conversation(key)->append(e);
    if (!key.isEmpty() && !m_peers.contains(key)) {
        m_peers.peerOnline(key, m_knownNames.value(key), false);
        refreshTrust(key);
    }

    const bool seen = m_windowActive && key == m_active;
    if (!key.isEmpty() && !message.mid.isEmpty()) {
        if (seen)
            m_client->markRead(key, { message.mid });
        else
            m_unreadMids[key].append(message.mid);
    }
    if (!seen)
        addUnread(key);
    if (!m_windowActive && m_notify) {
        const QString title = key.isEmpty() ? tr("%1 to everyone").arg(e.fromName) : e.fromName;
        Q_EMIT notificationRequested(title, message.text);
    }
}

void ChatController::onKeyChanged(const QString &peer, const QString &oldFingerprint, const QString &newFingerprint)
{
    m_keyChanges.insert(peer, KeyChange { oldFingerprint, newFingerprint });
    // A mark holds for the key compared in person only: a new key must be compared again.
    if (m_verified)
        m_verified->setVerifiedFingerprint(m_client->keyScope(), peer, QString());
    if (!m_peers.contains(peer))
        m_peers.peerOnline(peer, m_knownNames.value(peer), false);
    refreshTrust(peer);
    const QString text = keyChangeText(peer);
    Q_EMIT peerTrustChanged(peer);
    Q_EMIT keyChangeDetected(peer, text);
    // Like a safety-number change: said even while the window is active, unless that conversation is the one shown.
    if (m_notify && !(m_windowActive && m_active == peer))
        Q_EMIT notificationRequested(tr("%1's key changed").arg(nameOf(peer)), text);
}

void ChatController::setVerifiedStore(AppSettings *settings)
{
    m_verified = settings;
    for (int row = 1; row < m_peers.rowCount(); ++row)
        refreshTrust(m_peers.index(row).data(PeerListModel::IdRole).toString());
}

QString ChatController::ownFingerprint() const
{
    return m_client->fingerprint();
}

QString ChatController::peerFingerprint(const QString &id) const
{
    if (const auto it = m_keyChanges.constFind(id); it != m_keyChanges.cend() && !it->newFingerprint.isEmpty())
        return it->newFingerprint;
    return m_client->peerFingerprint(id);
}

bool ChatController::isVerified(const QString &id) const
{
    if (!m_verified || id.isEmpty() || hasKeyChanged(id))
        return false;
    const QString fingerprint = peerFingerprint(id);
    return !fingerprint.isEmpty() && m_verified->verifiedFingerprint(m_client->keyScope(), id) == fingerprint;
}

bool ChatController::markVerified(const QString &id)
{
    const QString fingerprint = peerFingerprint(id);
    if (!m_verified || id.isEmpty() || fingerprint.isEmpty() || ownFingerprint().isEmpty() || hasKeyChanged(id))
        return false;
    m_verified->setVerifiedFingerprint(m_client->keyScope(), id, fingerprint);
    refreshTrust(id);
    Q_EMIT peerTrustChanged(id);
    return true;
}

void ChatController::removeVerifiedMark(const QString &id)
{
    if (!m_verified || id.isEmpty())
        return;
    m_verified->setVerifiedFingerprint(m_client->keyScope(), id, QString());
    refreshTrust(id);
    Q_EMIT peerTrustChanged(id);
}

bool ChatController::hasKeyChanged(const QString &id) const
{
    // PeerClient says every change (keyChanged); its own peerTrust() may still speak of the last hub for a moment
    // after connecting to another one.
    return !id.isEmpty() && m_keyChanges.contains(id);
}

QString ChatController::keyChangeText(const QString &id) const
{
    if (!hasKeyChanged(id))
        return QString();
    if (const auto it = m_keyChanges.constFind(id); it != m_keyChanges.cend() && it->newFingerprint.isEmpty())
        return tr("%1 came back without the key you know them by (an older PeerLink, or no identity), which is also "
                  "what someone posing as them would look like. Nothing is sent to %1 and nothing from them is shown "
                  "until you accept this; ask them in person first.")
            .arg(nameOf(id));
    return tr("%1's key changed. This happens when they reinstall PeerLink or use another computer, but it is also "
              "what someone posing as them would look like. Nothing is sent to %1 and nothing from them is shown "
              "until you accept the new key; compare fingerprints with them first (Verify…).")
        .arg(nameOf(id));
}

bool ChatController::acceptNewKey(const QString &id)
{
    if (!hasKeyChanged(id))
        return false;
    if (!canAcceptNewKey(id) || !m_client->trustKey(id))
        return false;
    m_keyChanges.remove(id);
    refreshTrust(id);
    Q_EMIT peerTrustChanged(id);
    return true;
}

bool ChatController::canAcceptNewKey(const QString &id) const
{
    // The client holds the new key only while the peer is there (it says the change again when the peer is back).
    return hasKeyChanged(id) && m_client->peerTrust(id) == PeerClient::PeerTrust::Changed;
}

QString ChatController::sendBlockedReason(const QString &key) const
{
    if (isRoom(key) && !m_rooms.contains(key))
        return tr("You are not in the room %1 now; join it to send.").arg(key);
    if (hasKeyChanged(key))
        return tr("Sending to %1 is paused: their key changed. Accept the new key to send again.").arg(nameOf(key));
    return QString();
}

void ChatController::refreshTrust(const QString &id)
{
    if (id.isEmpty())
        return;
    // A peer that comes back verified (or with its key changed) while its conversation is shown: the title follows.
    if (m_peers.setTrust(id, isVerified(id), hasKeyChanged(id)) && id == m_active)
        Q_EMIT peerTrustChanged(id);
}

void ChatController::onError(const QString &code, const QString &message, const QString &ref)
{
    const QString text = code == u"connect_declined"_s ? describeConnectDeclined(nameOf(ref), message)
                                                       : describeHubError(code, message);
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

void ChatController::setReadReceipts(bool on)
{
    m_client->setReadReceipts(on);
}

void ChatController::setUnread(const QString &key, int count)
{
    // Shown now: its sender hears so (when read receipts are on; PeerClient sends none otherwise).
    if (count == 0 && !key.isEmpty()) {
        if (const QStringList mids = m_unreadMids.take(key); !mids.isEmpty())
            m_client->markRead(key, mids);
    }
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
    for (const QString &key : m_storedConversations) {
        if (!keys.contains(key))
            keys.append(key);
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
        if (m_client->reconnectAttempt() == 0) // the next hub of the list, at once
            text = tr("Lost the connection to %1: %2. Trying the next hub…")
                       .arg(url, describeDisconnect(m_client->lastDisconnectReason()));
        else
            text = tr("Reconnecting to %1 (attempt %2)… Lost the connection: %3")
                       .arg(url)
                       .arg(m_client->reconnectAttempt())
                       .arg(describeDisconnect(m_client->lastDisconnectReason())); // socket and close texts in words
        break;
    case PeerClient::State::Joined:
        text = tr("Connected as %1 to %2").arg(m_client->id(), url);
        if (!m_client->hubName().isEmpty())
            text += u" (%1)"_s.arg(m_client->hubName());
        if (!m_movedFrom.isEmpty())
            text += u' ' + tr("— moved here when %1 stopped answering").arg(m_movedFrom.toString());
        break;
    }
    if (text != m_status) {
        m_status = text;
        Q_EMIT statusTextChanged(text);
    }
}

} // namespace PeerLink
