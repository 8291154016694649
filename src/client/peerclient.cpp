#include "peerclient.h"

#include "client/logging.h"
#include "client/sendermemory.h"
#include "core/base64url.h"
#include "core/fileprotocol.h"
#include "core/rules.h"

#include <QDateTime>
#include <QTimer>

namespace PeerLink {

using namespace Qt::StringLiterals;

PeerClient::PeerClient(QObject *parent)
    : QObject(parent)
    , m_hub(new HubConnection(this))
    , m_paths(new DirectPaths(this))
    , m_flow(new MessageFlow(m_secure, this))
    , m_receipts(new Receipts(m_secure, this))
    , m_files(new FileTransfers(this))
    , m_senderMemory(new SenderMemory(this))
    , m_rooms(new RoomChannel(m_secure, this))
    , m_previousPrekeyTimer(new QTimer(this))
{
    qRegisterMetaType<PeerLink::ChatMessage>();
    qRegisterMetaType<PeerLink::ClientError>();
    m_previousPrekeyTimer->setSingleShot(true);
    m_previousPrekeyTimer->setInterval(PreviousPrekeyMs);
    connect(m_previousPrekeyTimer, &QTimer::timeout, this, [this] { m_secure.forgetPreviousPrekey(); });

    connect(m_hub, &HubConnection::opened, this, &PeerClient::onOpened);
    connect(m_hub, &HubConnection::closed, this, &PeerClient::onClosed);
    connect(m_hub, &HubConnection::received, this,
        [this](const HubEnvelope &envelope) { std::visit([this](const auto &m) { handle(m); }, envelope); });
    connect(m_hub, &HubConnection::reconnecting, this, &PeerClient::reconnecting);
    connect(m_hub, &HubConnection::reopening, this, [this](const QUrl &url) {
        setState(State::Connecting);
        Q_EMIT tryingHub(url);
    });
    connect(m_hub, &HubConnection::certificateUntrusted, this, &PeerClient::certificateUntrusted);

    m_paths->setPresence(
        [this](const QString &peer) { return isJoined() && (peer.isEmpty() || hasPeer(peer)); });
    connect(m_paths, &DirectPaths::hubFrameReady, m_hub, &HubConnection::send);
    connect(m_paths, &DirectPaths::pathChanged, this,
        [this](const QString &peer, DirectPaths::Path path) { Q_EMIT pathChanged(peer, Path(int(path))); });
    connect(m_paths, &DirectPaths::connectRequested, this, &PeerClient::connectRequested);
    connect(m_paths, &DirectPaths::messageArrived, this,
        [this](const ChatMessage &m) { m_flow->receive(m, false); });
    // A link is sealed with the key the peer joined with (the hub's word, checked against what we remember).
    m_paths->setPeerKeys([this](const QString &peer) { return m_secure.peerKey(peer); });
    connect(m_paths, &DirectPaths::messageAcked, this, &PeerClient::messageAcked);
    connect(m_paths, &DirectPaths::linkLost, m_flow, &MessageFlow::linkLost);
    connect(m_paths, &DirectPaths::errorOccurred, this, &PeerClient::errorOccurred);

    MessageFlow::Links links;
    links.send = [this](const MessageRequest &message, const QString &e2e) {
        return m_paths->send(message, QDateTime::currentMSecsSinceEpoch(), e2e);
    };
    links.takeUnacked = [this](const QString &peer) { return m_paths->takeUnacked(peer); };
    links.forgetUnacked = [this](const QString &mid) { m_paths->forgetUnacked(mid); };
    m_flow->setLinks(std::move(links));
    m_flow->setResuming([this] { return m_state != State::Disconnected && m_hub->isResuming(); });
    connect(m_flow, &MessageFlow::hubFrameReady, m_hub, &HubConnection::send);
    connect(m_flow, &MessageFlow::messageReceived, this, &PeerClient::messageReceived);
    connect(m_flow, &MessageFlow::messageAcked, this, &PeerClient::messageAcked);
    connect(m_flow, &MessageFlow::messageStored, this, &PeerClient::messageStored);
    connect(m_flow, &MessageFlow::errorOccurred, this, &PeerClient::errorOccurred);
    // Handed to the application: its sender hears so (a signed receipt), and believes only signed ones.
    connect(m_flow, &MessageFlow::messageReceived, m_receipts, &Receipts::messageDelivered);
    connect(m_receipts, &Receipts::hubFrameReady, m_hub, &HubConnection::send);
    connect(m_receipts, &Receipts::receiptReceived, this,
        [this](const QString &peer, ReceiptKind kind, const QStringList &mids) {
            for (const QString &mid : mids) {
                if (kind == ReceiptKind::Read)
                    Q_EMIT messageRead(peer, mid);
                else
                    Q_EMIT messageDelivered(peer, mid);
            }
        });
    wireFiles();
    connect(m_rooms, &RoomChannel::hubFrameReady, m_hub, &HubConnection::send);
    connect(m_rooms, &RoomChannel::errorOccurred, this, &PeerClient::errorOccurred);
}

void PeerClient::wireFiles()
{
    FileTransfers::Transport transport;
    transport.present = [this](const QString &peer) { return isJoined() && hasPeer(peer); };
    transport.linkUp = [this](const QString &peer) { return m_paths->pathTo(peer) == DirectPaths::Path::Direct; };
    transport.sendLink = [this](const QString &peer, const LinkFile &frame) { return m_paths->sendFile(peer, frame); };
    transport.sendHub = [this](const QString &peer, const LinkFile &frame) {
        if (!isJoined())
            return false;
        m_hub->send(encode(FileRequest { peer, frame.tid, frame.op, frame.data }));
        return true;
    };
    transport.sendChunk = [this, sendHub = transport.sendHub](const QString &peer, bool direct, const QString &tid,
                                                              const QByteArray &chunk) {
        if (direct)
            return m_paths->sendChunk(peer, tid, chunk);
        if (!m_hubTakesBinaryFiles)
            return sendHub(peer, LinkFile { tid, u"chunk"_s, QString::fromLatin1(toBase64Url(chunk)) });
        if (!isJoined())
            return false;
        m_hub->sendBinary(encodeBinaryFileFrame(peer, tid, chunk));
        return true;
    };
    // Control frames go sealed to the peer's prekey of now, like a message (and only so: never in the clear).
    transport.seal = [this](const QString &peer, const QString &mid, const QByteArray &plain) -> std::optional<QString> {
        const SecureChannel::Outbound out = m_secure.outbound(peer, mid, QString::fromUtf8(plain));
        if (out.kind != SecureChannel::Outbound::Kind::Sealed)
            return std::nullopt;
        return out.e2e;
    };
    transport.open = [this](const QString &peer, const QString &mid, const QString &sealed) -> std::optional<QByteArray> {
        const SecureChannel::Inbound in = m_secure.inbound(peer, m_id, mid, QString(), sealed, QString());
        if (in.kind != SecureChannel::Inbound::Kind::Deliver || !in.encrypted)
            return std::nullopt;
        return in.text.toUtf8();
    };
    transport.peerKey = [this](const QString &peer) { return m_secure.peerKey(peer); };
    m_files->setTransport(std::move(transport));
    m_files->setMemory(m_senderMemory);
    connect(m_senderMemory, &SenderMemory::errorOccurred, this, [this](const QString &message) {
        Q_EMIT errorOccurred(ClientError::local(u"file_memory"_s, message));
    });
    connect(m_paths, &DirectPaths::fileArrived, m_files, &FileTransfers::received);
    connect(m_paths, &DirectPaths::chunkArrived, m_files,
            [this](const QString &peer, const QString &tid, const QByteArray &chunk) {
                m_files->receivedChunk(peer, tid, chunk, true);
            });
    connect(m_files, &FileTransfers::linkChunkRejected, m_paths, [this](const QString &peer) {
        m_paths->dropLink(peer, tr("a file chunk on the direct link did not verify"));
    });
    connect(m_hub, &HubConnection::binaryReceived, m_files, [this](const QByteArray &bytes) {
        const std::optional<BinaryFileFrame> frame = decodeBinaryFileFrame(bytes);
        if (frame && !frame->peer.isEmpty())
            m_files->receivedChunk(frame->peer, frame->tid, frame->chunk);
        else
            qCWarning(lcClient) << "ignoring a binary frame from the hub that is not a file chunk";
    });
    connect(m_paths, &DirectPaths::pathChanged, m_files, [this](const QString &peer) { m_files->pathChanged(peer); });
    connect(m_files, &FileTransfers::errorOccurred, this, &PeerClient::errorOccurred);
}

PeerClient::~PeerClient() = default;

void PeerClient::setOutgoingTransfersFile(const QString &path, QStringList *problems)
{
    m_senderMemory->setFile(path, problems);
}

static_assert(int(PeerClient::Path::Direct) == int(DirectPaths::Path::Direct));
static_assert(int(PeerClient::ConnectPolicy::DeclineAll) == int(DirectPaths::Policy::DeclineAll));

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

void PeerClient::setIdentity(const std::optional<Crypto::Identity> &identity)
{
    m_secure.setIdentity(identity);
    m_paths->setIdentity(identity);
}

bool PeerClient::setKnownKeysFile(const QString &path, QString *error)
{
    QString problem;
    const bool ok = m_secure.keyStore().setFile(path, &problem);
    if (error)
        *error = problem;
    return ok;
}

bool PeerClient::trustKey(const QString &peer)
{
    if (!m_secure.trustKey(peer))
        return false;
    m_flow->releaseHeld(peer);
    return true;
}

bool PeerClient::connectToHub(const QUrl &url, const QString &id, const JoinOptions &options)
{
    return connectToHub(QList<QUrl> { url }, id, options);
}

bool PeerClient::connectToHub(const QList<QUrl> &urls, const QString &id, const JoinOptions &options)
{
    if (m_state != State::Disconnected)
        return failLocally(
            ErrorCode::AlreadyJoined, tr("Already connected to %1.").arg(m_hub->url().toString()));
    if (!Rules::isValidId(id))
        return failLocally(ErrorCode::InvalidId, tr("An id is 1 to 64 characters of A-Z a-z 0-9 . _ -"));
    if (!options.name.isEmpty() && !Rules::isValidName(options.name))
        return failLocally(ErrorCode::BadMessage, tr("A display name is at most 64 printable characters."));
    if (urls.isEmpty())
        return failLocally(ErrorCode::BadMessage, tr("No hub address was given."));
    QList<QUrl> hubs;
    for (qsizetype i = 0; i < urls.size(); ++i) {
        const QUrl &url = urls.at(i);
        if (!url.isValid() || (url.scheme() != u"ws" && url.scheme() != u"wss") || url.host().isEmpty()) {
            const QString shown = url.toString();
            return failLocally(ErrorCode::BadMessage,
                urls.size() == 1
                    ? tr("A hub address looks like ws://host:port (got \"%1\").").arg(shown)
                    : tr("Hub address %1 of %2 is not a ws:// or wss:// address (got \"%3\").")
                          .arg(i + 1)
                          .arg(urls.size())
                          .arg(shown));
        }
        if (!hubs.contains(url))
            hubs.append(url);
    }
    m_id = id;
    m_options = options;
    m_joinedUrl.clear();
    m_flow->clear();
    m_flow->applyLimits({});
    m_paths->start(id);
    setState(State::Connecting);
    m_hub->open(hubs, JoinRequest { id, options.name, options.password, QString(), QString() });
    return true;
}

bool PeerClient::connectToPeer(const QString &peer)
{
    if (m_state != State::Joined)
        return failLocally(ErrorCode::NotJoined, tr("Not joined to a hub."), u"connect_to_peer"_s);
    if (!Rules::isValidId(peer))
        return failLocally(
            ErrorCode::InvalidId, tr("\"%1\" is not a valid peer id.").arg(peer), u"connect_to_peer"_s);
    if (!hasPeer(peer))
        return failLocally(ErrorCode::PeerUnavailable, tr("No peer %1 is joined to this hub.").arg(peer),
            u"connect_to_peer"_s);
    m_paths->want(peer);
    return true;
}

void PeerClient::disconnectFromHub()
{
    if (m_state == State::Disconnected)
        return;
    if (!m_hub->leave(m_state == State::Joined)) {
        // It was only waiting to reconnect: nothing to close, so it ends here.
        m_flow->clear();
        m_paths->reset(false);
        setState(State::Disconnected);
        Q_EMIT disconnected(m_hub->lastReason());
    }
}

void PeerClient::onOpened()
{
    // Every connection gets a new prekey: what was sealed for the last one cannot be opened with this one's
    // secret, nor that one's any more (forward secrecy).
    m_secure.startConnection(keyScope().adjusted(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash).toString(), m_id);
    m_flow->connectionOpened();
    JoinRequest join { m_id, m_options.name, m_options.password, QString(), QString() };
    m_secure.addJoinKeys(join);
    m_hub->setJoin(join);
    m_previousPrekeyTimer->start();
    setState(State::Joining);
    Q_EMIT connected();
}

void PeerClient::onClosed(const QString &reason, bool willReconnect)
{
    QStringList returning; // they were there and may come back with the hub
    if (willReconnect) {
        for (const PeerInfo &p : std::as_const(m_peers))
            returning.append(p.id);
    }
    m_flow->connectionLost(returning);
    m_peers.clear();
    m_paths->reset(willReconnect);
    if (!willReconnect)
        m_flow->clear();
    setState(willReconnect ? State::Reconnecting : State::Disconnected);
    Q_EMIT disconnected(reason);
}

void PeerClient::handle(const Challenge &m)
{
    const auto answer = m_state == State::Joining ? m_secure.answerChallenge(m.hub, m.nonce) : std::nullopt;
    if (!answer) {
        qCWarning(lcClient) << "ignoring a challenge the join did not ask for";
        return;
    }
    m_hub->answerChallenge(*answer);
}

void PeerClient::present(
    const QString &peer, const QString &key, const QString &prekey, const QString &prekeySig)
{
    const auto presence = m_secure.peerAnnounced(peer, key, prekey, prekeySig);
    using Kind = SecureChannel::Presence::Kind;
    if (presence.kind == Kind::BadPrekey)
        qCWarning(lcClient).noquote()
            << peer << "announced a prekey its key did not sign; nothing is sealed for it";
    else if (presence.kind == Kind::Changed)
        Q_EMIT keyChanged(peer, presence.oldFingerprint, presence.newFingerprint);
}

void PeerClient::handle(const PeerUpdate &m)
{
    for (PeerInfo &p : m_peers) {
        if (p.id == m.id) {
            p.key = m.key;
            p.prekey = m.prekey;
            p.prekeySig = m.prekeySig;
            present(m.id, m.key, m.prekey, m.prekeySig);
            return;
        }
    }
}

void PeerClient::handle(const Welcome &m)
{
    m_hubName = m.hub;
    m_peers = m.peers;
    const bool moved = !m_joinedUrl.isEmpty() && m_joinedUrl != m_hub->url();
    m_joinedUrl = m_hub->url();
    // Keys first: what goes again below is sealed for the prekeys of now.
    for (const PeerInfo &p : m.peers)
        present(p.id, p.key, p.prekey, p.prekeySig);
    m_hub->welcomed(m.resume);
    // Back after a reconnect: everything the old connection did not get acked goes again, in order, with the
    // same mids, then what direct links did not confirm (receivers drop what they already have). Queued
    // before joined() is announced, so that what its handlers send goes behind.
    m_flow->welcomed(m.limits, m_paths->takeAllUnacked());
    setState(State::Joined);
    m_flow->drain();
    m_files->applyLimits(m.limits.bytesPerSecond, m.limits.fileBytesPerSecond, m_flow->maxOutgoingMessageBytes());
    m_hubTakesBinaryFiles = m.limits.binaryFiles;
    if (moved)
        Q_EMIT hubChanged(m_joinedUrl);
    Q_EMIT joined(m.id, m.hub);
    m_files->rejoined();
    m_rooms->setSelf(m.id);
    m_rooms->setMaxFrameBytes(m_flow->maxOutgoingMessageBytes());
    m_rooms->welcomed(m.limits.maxRooms > 0);
    // Wanted links to peers not back yet are asked for when they join (handle(PeerConnected)).
    m_paths->rejoined();
}

void PeerClient::handle(const PeerConnected &m)
{
    if (hasPeer(m.id))
        return;
    m_peers.append(PeerInfo { m.id, m.name, m.host, m.key, m.prekey, m.prekeySig });
    present(m.id, m.key, m.prekey, m.prekeySig);
    Q_EMIT peerConnected(m.id, m.name);
    m_paths->peerJoined(m.id);
    m_flow->peerBack(m.id); // what waited for it goes now, in order
    m_files->peerBack(m.id);
}

void PeerClient::handle(const PeerDisconnected &m)
{
    const auto removed = m_peers.removeIf([&m](const PeerInfo &p) { return p.id == m.id; });
    m_flow->peerGone(m.id); // it left for real
    m_files->peerGone(m.id);
    m_paths->peerLeft(m.id);
    m_secure.peerGone(m.id);
    if (removed > 0)
        Q_EMIT peerDisconnected(m.id);
}

void PeerClient::handle(const ConnectOffer &m)
{
    if (m.link.isEmpty()) // a hub without direct links: just the core protocol's notice
        Q_EMIT connectRequested(m.from);
    else
        m_paths->offered(m);
}

void PeerClient::handle(const ErrorReply &m)
{
    const ClientError error = ClientError::fromWire(m.code, m.message, m.ref);
    if (m_flow->refused(error))
        return; // the message named by `ref` goes again, or waits for its peer
    if (m_rooms->refused(error))
        return; // a join of a missing room became a create (or the other way round)
    if (m_files->refused(error)) {
        Q_EMIT errorOccurred(error); // a transfer goes on, or failed (its own event says so)
        return;
    }
    if (error.is(ErrorCode::UnknownType) && m.ref == u"file")
        m_files->hubLacksFiles();
    if (error.is(ErrorCode::ConnectDeclined))
        m_paths->declined(m.ref);
    Q_EMIT errorOccurred(error);
}

void PeerClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    m_flow->setJoined(state == State::Joined);
    m_receipts->setJoined(state == State::Joined);
    Q_EMIT stateChanged(state);
}

bool PeerClient::failLocally(ErrorCode code, const QString &message, const QString &ref)
{
    Q_EMIT errorOccurred(ClientError::fromCode(code, message, ref));
    return false;
}

} // namespace PeerLink
