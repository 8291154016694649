#include "hubrequests.h"

#include "hub/hubmetrics.h"

#include "core/base64url.h"
#include "core/fileprotocol.h"
#include "core/messagescan.h"
#include "core/wsframe.h"
#include "core/rules.h"
#include "core/secrets.h"
#include "crypto/envelope.h"
#include "crypto/identity.h"
#include "hub/admission.h"
#include "hub/cluster.h"
#include "hub/hubconfig.h"
#include "hub/idbindings.h"
#include "hub/introductions.h"
#include "hub/mailbox.h"
#include "hub/registry.h"
#include "hub/roomrequests.h"
#include "hub/hubsession.h"
#include "hub/hubtransport.h"
#include "hub/logging.h"

#include <QElapsedTimer>
#include <QWebSocketProtocol>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

/// The `ref` of an error about a whole input (too large, over the byte rate), found before it was handled: the
/// message's mid when it has a valid one, its type otherwise (as the decoder answers). Only on those refusals: the
/// input is at most the hard frame limit, so decoding it is bounded, and as strict as decoding it to handle it.
QString refOf(const QByteArray &utf8)
{
    const Decoded<ClientEnvelope> decoded = decodeClientMessage(utf8);
    if (!decoded.ok())
        return decoded.error().ref;
    if (const auto *m = std::get_if<MessageRequest>(&decoded.envelope()); m && !m->mid.isEmpty())
        return m->mid;
    if (const auto *f = std::get_if<FileRequest>(&decoded.envelope()))
        return f->tid;
    return typeName(decoded.envelope());
}

const QString kYouAreBanned = QStringLiteral("You are banned from this hub.");

} // namespace

HubRequests::HubRequests(const HubConfig &config, Admission &admission, Registry &registry,
                         Introductions &introductions, IdBindings &bindings, Mailbox &mailbox, Rooms &rooms,
                         const OutputBatch &output, const QElapsedTimer &clock,
                         const std::function<qint64()> &wallClock, Owner &owner)
    : m_config(config)
    , m_admission(admission)
    , m_registry(registry)
    , m_introductions(introductions)
    , m_bindings(bindings)
    , m_mailbox(mailbox)
    , m_output(output)
    , m_clock(clock)
    , m_wallClock(wallClock)
    , m_owner(owner)
    , m_rooms(std::make_unique<RoomRequests>(config, rooms, registry, bindings, mailbox, wallClock, owner))
    , m_limits { config.maxMessageBytes, config.messagesPerSecond, config.messageBurst, config.bytesPerSecond,
                 config.byteBurst, config.fileRelayBytesPerSecond, double(config.maxRooms) }
{
    m_limits.binaryFiles = true;
}

HubRequests::~HubRequests() = default;

void HubRequests::setCluster(Cluster *cluster)
{
    m_cluster = cluster;
    m_rooms->setCluster(cluster);
}

quint64 HubRequests::deliveryCount() const
{
    return m_delivered + m_rooms->deliveryCount();
}

qint64 HubRequests::nowMs() const
{
    return m_clock.elapsed();
}

void HubRequests::readingStarts()
{
    if (m_reading++ == 0) {
        m_readingMs = nowMs();
        m_readingWallMs = -1;
    }
}

void HubRequests::readingEnds()
{
    m_reading = std::max(m_reading - 1, 0);
}

qint64 HubRequests::wallMs()
{
    // The clocks were a tenth of the hub's time per relayed message; one read's messages arrived together.
    if (!m_reading)
        return m_wallClock();
    if (m_readingWallMs < 0)
        m_readingWallMs = m_wallClock();
    return m_readingWallMs;
}

// ---- Input ----------------------------------------------------------------------------------------------------

void HubRequests::onTextMessage(HubSession *session, const QByteArray &utf8)
{
    if (session->isClosing())
        return;
    startRequest(session, utf8.size());
    if (Q_UNLIKELY(m_output.observer()))
        m_output.observer()(true, utf8);
    // (the ref is found in the bytes only when it is needed)
    if (utf8.size() > m_config.maxMessageBytes) {
        refuseTooLarge(session, utf8.size(), refOf(utf8));
        return;
    }
    if (!session->byteBucket().tryTake(m_requestMs, double(utf8.size()))) {
        refuseBytes(session, refOf(utf8));
        return;
    }
    // The hot path: a plain message, found in its bytes and handed on with `from` and `ts` spliced in. Whatever
    // that does not recognise is decoded in full, with the same result as always.
    if (const std::optional<ScannedMessage> scanned = scanPlainMessage(utf8)) {
        if (relayToLocalPeer(session, *scanned, utf8))
            return;
        MessageRequest message;
        message.to = QString::fromLatin1(scanned->to); // an id is ASCII
        message.mid = QString::fromUtf8(scanned->mid);
        route(session, message, utf8);
        return;
    }
    const Decoded<ClientEnvelope> decoded = decodeClientMessage(utf8);
    if (!decoded.ok()) {
        const DecodeError &e = decoded.error();
        rejectInvalid(session, e.code, e.message, e.ref);
        return;
    }
    std::visit([this, session](const auto &envelope) { handle(session, envelope); }, decoded.envelope());
}

void HubRequests::onBinaryMessage(HubSession *session, const QByteArray &bytes)
{
    if (session->isClosing())
        return;
    startRequest(session, bytes.size());
    // The only binary frame is a file chunk from a native peer (an addition; socket.io's binary packets are refused
    // as they come).
    std::optional<BinaryFileFrame> frame = session->isSocketIo() ? std::nullopt : decodeBinaryFileFrame(bytes);
    if (!frame || frame->peer.isEmpty()) {
        // Not a chunk: invalid, whatever its size, as the core protocol says of binary frames (tst_wsconformance 9.3).
        rejectInvalid(session, ErrorCode::BadMessage,
                      u"A binary frame is only a file chunk (docs/protocol.md, \"Files\"); send JSON text."_s,
                      QString());
        return;
    }
    // A chunk: checked as the text frame it stands for.
    if (bytes.size() > m_config.maxMessageBytes) {
        refuseTooLarge(session, bytes.size(), frame->tid);
        return;
    }
    if (!session->byteBucket().tryTake(m_requestMs, double(bytes.size()))) {
        refuseBytes(session, frame->tid);
        return;
    }
    HubSession *target = m_registry.live(frame->peer);
    const bool binary = target && target->takesBinaryFiles();
    const bool observed = Q_UNLIKELY(bool(m_output.observer()));
    FileRequest asText { frame->peer, frame->tid, u"chunk"_s, QString() };
    if (!binary || observed)
        asText.data = QString::fromLatin1(toBase64Url(frame->chunk));
    if (observed)
        m_output.observer()(true, encode(asText));
    if (!binary) {
        // An older client, a peer on another hub of the cluster, or nobody: as the text frame it stands for.
        handle(session, asText);
        return;
    }
    if (!admitFileFrame(session, frame->tid, asText.op, frame->chunk.size()))
        return;
    const QByteArray out = encodeBinaryFileFrame(session->id(), frame->tid, frame->chunk);
    const QByteArray seen = observed ? encode(FileFrame { session->id(), asText.tid, asText.op, asText.data })
                                     : QByteArray();
    m_owner.deliverFrame(target, WsFrame::frame(WsFrame::Binary, out), seen);
}

void HubRequests::startRequest(HubSession *session, qsizetype bytes)
{
    // One reading of the clock for the whole request, or the whole read (the clock is a measurable share of a
    // relayed message).
    m_requestMs = m_reading ? m_readingMs : nowMs();
    m_requestBytes = bytes;
    session->touch(m_requestMs);
    if (HubCounters *counters = session->counters())
        counters->bytesReceived += quint64(bytes);
}

void HubRequests::refuseTooLarge(HubSession *session, qsizetype bytes, const QString &ref)
{
    refuseAndClose(session, ErrorCode::TooLarge,
                   u"A message is at most %1 bytes; this one has %2."_s.arg(m_config.maxMessageBytes).arg(bytes),
                   LeaveReason::TooLarge, QWebSocketProtocol::CloseCodeTooMuchData, ref);
}

void HubRequests::refuseBytes(HubSession *session, const QString &ref)
{
    sendError(session, ErrorCode::RateLimited,
              u"Too many bytes: at most %1 per second."_s.arg(qint64(m_config.bytesPerSecond)), ref);
}

bool HubRequests::admitRequest(HubSession *session, const QString &ref, QStringView action, Cost cost)
{
    if (!session->isJoined()) {
        rejectInvalid(session, ErrorCode::NotJoined, u"Join before %1."_s.arg(action), ref);
        return false;
    }
    if (cost == Cost::OneMessage && !session->messageBucket().tryTake(m_requestMs)) {
        sendError(session, ErrorCode::RateLimited,
                  u"Too many requests: at most %1 per second."_s.arg(m_config.messagesPerSecond), ref);
        return false;
    }
    return true;
}

void HubRequests::handle(HubSession *session, const JoinRequest &join)
{
    m_owner.membershipChanged(); // memory is given back once the crowd has settled
    if (session->isJoined() || session->isJoining()) {
        rejectInvalid(session, ErrorCode::AlreadyJoined,
                      session->isJoined() ? u"This connection has already joined as %1."_s.arg(session->id())
                                          : u"This connection is joining already."_s,
                      u"join"_s);
        return;
    }
    if (m_admission.isBanned(join.id, session->address())) {
        refuseAndClose(session, ErrorCode::Banned, kYouAreBanned, LeaveReason::Banned,
                       QWebSocketProtocol::CloseCodePolicyViolated, u"join"_s);
        return;
    }
    if (!m_config.password.isEmpty() && !constantTimeEquals(join.password, m_config.password)) {
        refuseAndClose(session, ErrorCode::AuthFailed, u"Wrong hub password."_s, LeaveReason::Refused,
                       QWebSocketProtocol::CloseCodePolicyViolated, u"join"_s);
        return;
    }
    if (!checkIdentity(session, join))
        return;
    const QString token = randomHex(24);
    if (!m_cluster || m_registry.find(join.id)) {
        // A hub of its own, or the id is this hub's already (live or in its grace): decided here.
        completeJoin(session, join, token, false);
        return;
    }
    // Cluster mode: the id is handed out by Redis, so that no two hubs let the same id in (a resume token from any
    // hub of the cluster takes it over).
    if (!m_cluster->isUp()) {
        refuseAndClose(session, ErrorCode::ClusterUnavailable,
                       u"This hub cannot reach its cluster now; try again in a moment."_s, LeaveReason::Refused,
                       QWebSocketProtocol::CloseCodeGoingAway, u"join"_s);
        return;
    }
    if (m_registry.size() >= m_config.maxPeers) {
        refuseAndClose(session, ErrorCode::HubFull, u"The hub is full (%1 peers)."_s.arg(m_config.maxPeers),
                       LeaveReason::Refused, QWebSocketProtocol::CloseCodePolicyViolated, u"join"_s);
        return;
    }
    if (m_joiningIds.contains(join.id)) {
        // Another connection of this hub is joining as that id right now (its claim is in Redis' hands).
        sendError(session, ErrorCode::IdTaken, u"The id %1 is already in use on this hub."_s.arg(join.id), u"join"_s);
        return;
    }
    m_joiningIds.insert(join.id);
    const bool host = !m_config.hostId.isEmpty() && join.id == m_config.hostId && session->address().isLoopback();
    const QByteArray entry = encodePeerEntry(PeerInfo { join.id, join.name, host, join.key, join.prekey, join.prekeySig });
    session->setJoining(true);
    m_cluster->claim(join.id, token, join.resume, entry,
                     [this, guard = QPointer<HubSession>(session), join, token](Cluster::ClaimResult result) {
        HubSession *s = guard.data();
        if (!s || s->isClosing()) {
            m_joiningIds.remove(join.id);
            if (result == Cluster::ClaimResult::Claimed && !m_registry.find(join.id))
                m_cluster->release(join.id, token); // it went while Redis answered
            return;
        }
        s->setJoining(false);
        m_joiningIds.remove(join.id);
        switch (result) {
        case Cluster::ClaimResult::Claimed:
            completeJoin(s, join, token, true);
            return;
        case Cluster::ClaimResult::Taken:
            sendError(s, ErrorCode::IdTaken, u"The id %1 is already in use on this hub."_s.arg(join.id), u"join"_s);
            return;
        case Cluster::ClaimResult::Unavailable:
            refuseAndClose(s, ErrorCode::ClusterUnavailable,
                           u"This hub cannot reach its cluster now; try again in a moment."_s, LeaveReason::Refused,
                           QWebSocketProtocol::CloseCodeGoingAway, u"join"_s);
            return;
        }
    });
}

void HubRequests::completeJoin(HubSession *session, const JoinRequest &join, const QString &token, bool claimed)
{
    if (resumeFromGrace(session, join)) {
        if (!claimed)
            reclaim(session);
        return;
    }
    HubSession *previous = m_registry.live(join.id);
    if (previous) {
        if (join.resume.isEmpty() || !constantTimeEquals(join.resume, previous->resumeToken())) {
            sendError(session, ErrorCode::IdTaken, u"The id %1 is already in use on this hub."_s.arg(join.id), u"join"_s);
            return;
        }
        // The same peer, back on a new connection (the same key: checkIdentity saw to it): hand the id over without
        // telling anyone it left.
        m_owner.unregister(previous, u"resumed on a new connection"_s, LeaveReason::Closed, Tell::Nobody);
        previous->closeWith(QWebSocketProtocol::CloseCodeNormal, u"resumed on a new connection"_s);
    } else if (m_registry.size() >= m_config.maxPeers) {
        refuseAndClose(session, ErrorCode::HubFull, u"The hub is full (%1 peers)."_s.arg(m_config.maxPeers),
                       LeaveReason::Refused,
                       QWebSocketProtocol::CloseCodePolicyViolated, u"join"_s);
        return;
    }

    const QString name = join.name.isEmpty() && previous ? previous->name() : join.name;
    session->setJoined(join.id, name, token, previous ? previous->joinedAt() : QDateTime::currentDateTimeUtc());
    session->setHost(!m_config.hostId.isEmpty() && join.id == m_config.hostId && session->address().isLoopback());
    session->setIdentity(join.key, join.prekey, join.prekeySig);
    session->setTakesBinaryFiles(join.binaryFiles);
    bindIdentity(session);

    const QByteArray welcome = welcomeBytes(session);
    m_registry.add(session);
    session->send(welcome);
    deliverMailbox(session); // before any live traffic to it

    if (previous) {
        announcePrekey(session, previous->prekey());
        if (!claimed)
            reclaim(session);
    } else {
        m_owner.broadcast(encode(PeerConnected { join.id, name, session->isHost(), join.key, join.prekey,
                                                 join.prekeySig }),
                          session, false);
        qCInfo(lcHub).noquote() << "peer joined:" << join.id << "from"
                                << addressText(session->address(), session->port());
        m_owner.joined(session);
    }
}

void HubRequests::reclaim(const HubSession *session)
{
    if (!m_cluster || !m_cluster->isUp())
        return; // (a sync lists it again once Redis is back)
    const QString id = session->id();
    m_cluster->claim(id, session->resumeToken(), session->resumeToken(), session->peerEntry(),
                     [this, id](Cluster::ClaimResult result) {
                         if (result == Cluster::ClaimResult::Taken)
                             m_cluster->owner().clusterLostId(id); // another hub let it in while Redis was away
                     });
}

bool HubRequests::resumeFromGrace(HubSession *session, const JoinRequest &join)
{
    const Registry::Entry *entry = m_registry.find(join.id);
    if (!entry || !entry->grace)
        return false;
    if (join.resume.isEmpty() || !constantTimeEquals(join.resume, entry->grace->resumeToken)) {
        sendError(session, ErrorCode::IdTaken, u"The id %1 is already in use on this hub."_s.arg(join.id), u"join"_s);
        return true;
    }
    // Back within its grace: nobody was told it had gone; what waited for it is delivered now, and acked.
    const Registry::Grace grace = *m_registry.endGrace(join.id);
    session->setJoined(join.id, join.name.isEmpty() ? grace.name : join.name, randomHex(24), grace.joinedAt);
    session->setHost(grace.host);
    session->setIdentity(join.key, join.prekey, join.prekeySig);
    session->setTakesBinaryFiles(join.binaryFiles);
    bindIdentity(session);
    m_registry.add(session);
    session->send(welcomeBytes(session));
    deliverMailbox(session); // older than what was held in the grace
    announcePrekey(session, grace.prekey);
    for (const Registry::Held &held : grace.held) {
        m_owner.deliver(session, held.frame);
        if (HubSession *sender = m_registry.live(held.sender); sender && !held.mid.isEmpty())
            sender->send(encode(Ack { held.mid }));
    }
    qCInfo(lcHub).noquote() << "peer resumed:" << join.id;
    return true;
}

bool HubRequests::checkIdentity(HubSession *session, const JoinRequest &join)
{
    const QString ref = u"join"_s;
    if (join.key.isEmpty()) {
        if (m_config.requireIdentity) {
            refuseAndClose(session, ErrorCode::IdentityRequired, u"This hub lets in peers with an identity key only."_s,
                           LeaveReason::Refused, QWebSocketProtocol::CloseCodePolicyViolated, ref);
            return false;
        }
        if (!m_bindings.keyOf(join.id).isEmpty()) {
            sendError(session, ErrorCode::IdBound, u"The id %1 belongs to an identity key; join with it."_s.arg(join.id),
                      ref);
            return false;
        }
        return true;
    }
    if (join.sig.isEmpty()) {
        // Step one: a nonce for this connection, used once; the proof signs it with the hub's id (no replay).
        const QByteArray nonce = Crypto::randomBytes(Rules::KeyBytes);
        session->setChallenge(nonce);
        session->send(encode(Challenge { QString::fromLatin1(Crypto::toBase64(m_bindings.hubId())),
                                         QString::fromLatin1(Crypto::toBase64(nonce)) }));
        return false;
    }
    const QByteArray nonce = session->takeChallenge();
    if (nonce.isEmpty()) {
        rejectInvalid(session, ErrorCode::BadProof, u"No challenge is waiting for a proof on this connection."_s, ref);
        return false;
    }
    // The decoder checked the shapes, so these decode; a failure is treated as a bad proof all the same.
    bool keyOk = false, prekeyOk = false, sigOk = false, prekeySigOk = false;
    const QByteArray key = Crypto::fromBase64(join.key.toLatin1(), &keyOk);
    const QByteArray prekey = Crypto::fromBase64(join.prekey.toLatin1(), &prekeyOk);
    const QByteArray sig = Crypto::fromBase64(join.sig.toLatin1(), &sigOk);
    const QByteArray prekeySig = Crypto::fromBase64(join.prekeySig.toLatin1(), &prekeySigOk);
    const QByteArray signedBytes =
        Crypto::framed("peerlink-join-1", { m_bindings.hubId(), nonce, join.id.toUtf8(), key, prekey });
    if (!(keyOk && prekeyOk && sigOk && prekeySigOk) || !Crypto::verify(key, signedBytes, sig)) {
        rejectInvalid(session, ErrorCode::BadProof, u"The join's signature does not verify."_s, ref);
        return false;
    }
    if (!Crypto::verifyPrekey(key, join.id, prekey, prekeySig)) {
        rejectInvalid(session, ErrorCode::BadProof, u"The prekey's signature does not verify."_s, ref);
        return false;
    }
    const QString bound = m_bindings.keyOf(join.id);
    if (!bound.isEmpty() && bound != join.key) {
        sendError(session, ErrorCode::IdBound, u"The id %1 belongs to another identity key."_s.arg(join.id), ref);
        return false;
    }
    if (bound.isEmpty() && m_bindings.size() >= m_config.maxBoundIds) {
        refuseAndClose(session, ErrorCode::HubFull, u"The hub binds at most %1 ids to keys."_s.arg(m_config.maxBoundIds),
                       LeaveReason::Refused, QWebSocketProtocol::CloseCodePolicyViolated, ref);
        return false;
    }
    return true;
}

void HubRequests::bindIdentity(const HubSession *session)
{
    if (session->key().isEmpty() || !m_bindings.keyOf(session->id()).isEmpty())
        return;
    QString error;
    if (!m_bindings.bind(session->id(), session->key(), &error)) {
        // Held in memory for as long as the hub runs; the operator is told the file could not keep it.
        qCWarning(lcHub).noquote() << "id binding of" << session->id() << "not saved:" << error;
    } else {
        if (m_cluster)
            m_cluster->publishBinding(session->id(), session->key());
        qCInfo(lcHub).noquote() << "id bound:" << session->id() << "to key" << Crypto::fingerprintOf(
            Crypto::fromBase64(session->key().toLatin1(), nullptr));
    }
}

void HubRequests::announcePrekey(HubSession *session, const QString &previousPrekey)
{
    if (session->key().isEmpty() || session->prekey() == previousPrekey)
        return;
    // Only peers with a key can use it; the others (v1 clients) never see a peer_update.
    const QByteArray utf8 = encode(PeerUpdate { session->id(), session->key(), session->prekey(), session->prekeySig() });
    const Registry::Entries entries = m_registry.entries(); // deliver() may drop a slow reader
    for (const Registry::Entry &e : entries) {
        if (e.session && e.session != session && !e.session->key().isEmpty())
            m_owner.deliver(e.session, utf8);
    }
}

QByteArray HubRequests::welcomeBytes(const HubSession *session) const
{
    Welcome head;
    head.id = session->id();
    head.hub = m_config.name;
    head.resume = session->resumeToken();
    head.limits = m_limits;
    return encodeWelcome(head, m_registry.welcomePeers(session, m_cluster ? QByteArrayView(m_cluster->remoteEntries())
                                                                          : QByteArrayView()));
}

void HubRequests::handle(HubSession *session, const MessageRequest &message)
{
    route(session, message, QByteArrayView());
}

void HubRequests::route(HubSession *session, const MessageRequest &message, QByteArrayView scanned)
{
    const QString ref = message.mid.isEmpty() ? u"message"_s : message.mid;
    if (!admitRequest(session, ref, u"sending messages", Cost::OneMessage))
        return;

    ChatMessage out { session->id(), message.text, message.to, message.mid, wallMs() };
    // Passed on untouched (the hub cannot read them): shared strings, no copy of their bytes.
    out.e2e = message.e2e;
    out.sig = message.sig;
    out.seq = message.seq;
    out.run = message.run;
    const auto outgoing = [&] {
        return scanned.isEmpty() ? encode(out) : spliceChatMessage(scanned, out.from, out.ts);
    };
    int recipients = 0;
    if (!message.to.isEmpty()) {
        const Registry::Entry *target = m_registry.find(message.to);
        if (!target && m_cluster && m_cluster->isRemote(message.to)) {
            routeRemote(session, message, outgoing(), ref);
            return;
        }
        if (!target && !message.e2e.isEmpty() && m_mailbox.isOpen() && !m_bindings.keyOf(message.to).isEmpty()) {
            // Absent, but its id is bound to a key and the text is sealed to it: kept until it joins again.
            storeForLater(session, message, out, ref);
            return;
        }
        if (!target) {
            sendError(session, ErrorCode::PeerUnavailable, u"No peer %1 is joined to this hub."_s.arg(message.to), ref);
            return;
        }
        if (!target->session) {
            // In its grace: held for it; the ack comes when it is back and the message handed on.
            if (!m_registry.hold(*target->grace, Registry::Held { outgoing(), session->id(), message.mid })) {
                sendError(session, ErrorCode::PeerUnavailable, u"%1 lost its connection."_s.arg(message.to), ref);
                return;
            }
            session->countSent();
            ++m_routed;
            m_owner.routed(session->id(), message.to, 0);
            return;
        }
        if (scanned.isEmpty()) {
            m_owner.deliver(target->session, encode(out));
        } else {
            const QByteArray frame = spliceChatFrame(scanned, out.from, out.ts);
            m_owner.deliverFrame(target->session, frame, chatFramePayload(frame));
        }
        recipients = 1;
    } else if (m_cluster) {
        // To every hub of the cluster: refused whole while Redis is away (the others would miss it), and
        // acknowledged once Redis took it for them.
        if (!m_cluster->isUp()) {
            sendError(session, ErrorCode::ClusterUnavailable,
                      u"This hub cannot reach its cluster now: the broadcast was not sent."_s, ref);
            return;
        }
        const QByteArray utf8 = outgoing();
        recipients = m_owner.broadcast(utf8, session, true);
        m_cluster->broadcast(utf8, [guard = QPointer<HubSession>(session), mid = message.mid](bool reached) {
            if (!guard || guard->isClosing() || mid.isEmpty())
                return;
            if (reached)
                guard->send(encode(Ack { mid }));
            else
                sendError(guard, ErrorCode::ClusterUnavailable,
                          u"The hub lost its cluster: the broadcast reached this hub's peers only."_s, mid);
        });
        session->countSent();
        ++m_routed;
        m_delivered += quint64(recipients);
        if (HubCounters *counters = session->counters())
            counters->messageBytesRouted += quint64(m_requestBytes);
        m_owner.routed(session->id(), message.to, recipients);
        return;
    } else {
        recipients = m_owner.broadcast(outgoing(), session, true);
    }
    session->countSent();
    ++m_routed;
    m_delivered += quint64(recipients);
    if (HubCounters *counters = session->counters())
        counters->messageBytesRouted += quint64(m_requestBytes);
    if (!message.mid.isEmpty())
        session->send(encode(Ack { message.mid }));
    m_owner.routed(session->id(), message.to, recipients);
}

bool HubRequests::relayToLocalPeer(HubSession *session, const ScannedMessage &scanned, const QByteArray &utf8)
{
    // What route() does for a plain message to a live peer of this hub, without its strings: the recipient found
    // by its id's bytes (the sender's last recipient, most of the time), the message spliced straight into the
    // recipient's frames.
    if (scanned.to.isEmpty() || !session->isJoined())
        return false;
    HubSession *target = m_registry.live(scanned.to, session->recipientCache());
    if (!target)
        return false; // absent, in its grace, on another hub: route() says what happens
    if (!session->messageBucket().tryTake(m_requestMs)) {
        sendError(session, ErrorCode::RateLimited,
                  u"Too many requests: at most %1 per second."_s.arg(m_config.messagesPerSecond),
                  scanned.mid.isEmpty() ? u"message"_s : QString::fromUtf8(scanned.mid));
        return true;
    }
    const QString from = session->id();
    m_owner.deliverSplice(target, ChatSplice(utf8, from, wallMs()));
    session->countSent();
    ++m_routed;
    ++m_delivered;
    if (HubCounters *counters = session->counters())
        counters->messageBytesRouted += quint64(m_requestBytes);
    if (!scanned.mid.isEmpty())
        session->send(encode(Ack { QString::fromUtf8(scanned.mid) }));
    m_owner.routed(from, target->id(), 1);
    return true;
}

void HubRequests::routeRemote(HubSession *session, const MessageRequest &message, const QByteArray &utf8,
                              const QString &ref)
{
    if (!m_cluster->isUp()) {
        sendError(session, ErrorCode::ClusterUnavailable,
                  u"%1 is on another hub of the cluster, which this hub cannot reach now."_s.arg(message.to), ref);
        return;
    }
    session->countSent();
    ++m_routed;
    if (HubCounters *counters = session->counters())
        counters->messageBytesRouted += quint64(m_requestBytes);
    // Acknowledged once the recipient's hub has it (it holds it in a grace, or answers peer_unavailable itself).
    m_cluster->sendTo(message.to, session->id(), message.mid, utf8,
                      [this, guard = QPointer<HubSession>(session), mid = message.mid, to = message.to](bool reached) {
        if (!guard || guard->isClosing() || mid.isEmpty())
            return;
        if (reached)
            guard->send(encode(Ack { mid }));
        else if (!m_cluster->isReachable())
            sendError(guard, ErrorCode::ClusterUnavailable,
                      u"The hub lost its cluster before %1's hub had the message."_s.arg(to), mid);
        else
            sendError(guard, ErrorCode::PeerUnavailable, u"No peer %1 is joined to this hub."_s.arg(to), mid);
    });
    m_owner.routed(session->id(), message.to, 1);
}

void HubRequests::handle(HubSession *session, const FileRequest &file)
{
    // File frames cost no token of the message rate (a transfer is paced by its window and the byte rates), only
    // bytes: of the byte rate (counted on arrival) and, for chunks, of the file relay budget.
    if (!admitFileFrame(session, file.tid, file.op, file.data.size()))
        return;
    HubSession *target = m_registry.live(file.to);
    if (!target && m_cluster && m_cluster->isRemote(file.to)) {
        m_cluster->sendTo(file.to, session->id(), file.tid, encode(FileFrame { session->id(), file.tid, file.op, file.data }),
                          [guard = QPointer<HubSession>(session), to = file.to, tid = file.tid](bool reached) {
            if (!reached && guard && !guard->isClosing())
                sendError(guard, ErrorCode::PeerUnavailable, u"No peer %1 is joined to this hub."_s.arg(to), tid);
        });
        return;
    }
    if (!target) {
        // Not held in a grace, never kept: a transfer resumes from its last verified chunk when the peer is back.
        sendError(session, ErrorCode::PeerUnavailable, u"No peer %1 is joined to this hub."_s.arg(file.to), file.tid);
        return;
    }
    m_owner.deliver(target, encode(FileFrame { session->id(), file.tid, file.op, file.data }));
}

bool HubRequests::admitFileFrame(HubSession *session, const QString &tid, QStringView op, qsizetype bytes)
{
    if (!admitRequest(session, tid, u"sending files", Cost::Free))
        return false;
    if (op != u"chunk")
        return true;
    if (!m_config.relayFiles) {
        sendError(session, ErrorCode::FileRelayRefused, u"This hub does not relay files; send them over a direct link."_s,
                  tid);
        return false;
    }
    if (!session->fileBucket().tryTake(m_requestMs, double(bytes))) {
        sendError(session, ErrorCode::RateLimited,
                  u"Too many file bytes: at most %1 per second relayed."_s.arg(qint64(m_config.fileRelayBytesPerSecond)),
                  tid);
        return false;
    }
    return true;
}

void HubRequests::handle(HubSession *session, const RoomRequest &request)
{
    const QString ref = request.op == u"send" ? request.mid : request.room.isEmpty() ? u"room"_s : request.room;
    // A sender key is one frame per other member each time membership changes: free of the message rate (a room
    // of hundreds re-keys at once) but not of the byte rate, like receipts and file frames.
    if (!admitRequest(session, ref, u"using rooms", request.op == u"key" ? Cost::Free : Cost::OneMessage))
        return;
    if (m_cluster && !m_cluster->isUp()) {
        // A room's state and members are the cluster's: nothing is changed or sent while Redis is away.
        sendError(session, ErrorCode::ClusterUnavailable, u"This hub cannot reach its cluster now; rooms wait for it."_s,
                  ref);
        return;
    }
    // Members are ids bound to a key: only their owner can join as them again, and room texts are sealed to keys.
    if (session->key().isEmpty()) {
        sendError(session, ErrorCode::RoomDenied, u"Rooms are end to end: join with an identity key to use them."_s,
                  ref);
        return;
    }
    m_rooms->handle(session, request);
}

void HubRequests::storeForLater(HubSession *session, const MessageRequest &message, const ChatMessage &out,
                                const QString &ref)
{
    const Mailbox::Limits &limits = m_mailbox.limits();
    switch (m_mailbox.store(message.to, session->id(), message.mid, encode(out), out.ts)) {
    case Mailbox::StoreResult::Stored:
        session->countSent();
        ++m_routed;
        // Answered once it is on disk (commitMailbox(), at the end of this turn of the event loop).
        m_uncommitted.append(StoredAnswer { session->id(), message.mid, message.to });
        m_owner.mailboxWritten();
        m_owner.routed(session->id(), message.to, 0);
        return;
    case Mailbox::StoreResult::RecipientFull:
        sendError(session, ErrorCode::MailboxFull,
                  u"%1 is offline and the hub keeps at most %2 messages (%3 bytes) for it."_s.arg(message.to)
                      .arg(limits.maxMessages)
                      .arg(limits.maxBytes),
                  ref);
        return;
    case Mailbox::StoreResult::HubFull:
        sendError(session, ErrorCode::MailboxFull,
                  u"%1 is offline and the hub's mailbox is full (%2 bytes)."_s.arg(message.to).arg(limits.maxTotalBytes),
                  ref);
        return;
    case Mailbox::StoreResult::Failed:
        qCWarning(lcHub).noquote() << "mailbox:" << m_mailbox.errorString();
        sendError(session, ErrorCode::MailboxFull, u"%1 is offline and the hub could not store the message."_s.arg(
                                                       message.to),
                  ref);
        return;
    }
}

void HubRequests::commitMailbox()
{
    const bool ok = m_mailbox.commit();
    if (!ok)
        qCWarning(lcHub).noquote() << "mailbox:" << m_mailbox.errorString();
    const QList<StoredAnswer> answers = std::exchange(m_uncommitted, {});
    for (const StoredAnswer &a : answers) {
        HubSession *sender = m_registry.live(a.sender);
        if (!sender || a.mid.isEmpty())
            continue; // (a sender that left will send it again after its reconnect: a duplicate, dropped by mid)
        if (ok)
            sender->send(encode(Stored { a.mid }));
        else
            sendError(sender, ErrorCode::MailboxFull,
                      u"%1 is offline and the hub could not store the message."_s.arg(a.recipient), a.mid);
    }
}

void HubRequests::deliverMailbox(HubSession *session)
{
    if (!m_mailbox.isOpen())
        return;
    QList<qint64> delivered;
    // At most what the connection may queue (half of it, so live traffic still fits): more would drop the peer as
    // not reading and lose what was queued. The rest goes when the queue has drained (Hub calls again).
    const qint64 budget = m_config.maxQueuedBytes / 2;
    if (session->queuedBytes() >= budget)
        return;
    for (const Mailbox::Letter &letter : m_mailbox.pending(session->id(), budget - session->queuedBytes())) {
        if (session->isClosing())
            break;
        if (session->queuedBytes() + letter.frame.size() > budget && session->queuedBytes() > 0)
            break; // (one letter alone may go into an empty queue)
        m_owner.deliver(session, letter.frame);
        if (session->isClosing())
            break; // dropped as not reading: that one did not go; it and the rest stay for the next join
        delivered.append(letter.id);
    }
    if (!delivered.isEmpty()) {
        m_delivered += quint64(delivered.size());
        qCInfo(lcHub).noquote() << "mailbox:" << delivered.size() << "kept messages handed to" << session->id();
        if (!m_mailbox.remove(delivered))
            qCWarning(lcHub).noquote() << "mailbox: delivered messages not removed (may come again):"
                                       << m_mailbox.errorString();
    }
    if (!session->isClosing() && m_mailbox.count(session->id()) > 0)
        m_owner.mailboxBacklog(session->id());
    for (const auto &[mid, recipient] : m_mailbox.takeNotices(session->id()))
        sendError(session, ErrorCode::Expired,
                  u"%1 did not come back in time; the hub dropped the message it kept."_s.arg(recipient), mid);
}

void HubRequests::forwardMailbox(const QString &id)
{
    if (!m_cluster || !m_mailbox.isOpen() || m_mailbox.count(id) == 0)
        return;
    // What this hub kept for @p id goes to the hub it joined, in order (one channel, one publisher); each letter
    // leaves the mailbox once that hub has it.
    // At most half a queue's worth at once (as deliverMailbox does for a peer of this hub); the rest with the
    // housekeeping's next turn. A letter on its way is not sent again.
    const QList<Mailbox::Letter> letters = m_mailbox.pending(id, m_config.maxQueuedBytes / 2);
    int sent = 0;
    for (const Mailbox::Letter &letter : letters) {
        if (m_forwarding.contains(letter.id))
            continue;
        m_forwarding.insert(letter.id);
        ++sent;
        m_cluster->sendTo(id, letter.sender, QString(), letter.frame, [this, rowId = letter.id](bool reached) {
            m_forwarding.remove(rowId);
            if (reached && m_mailbox.isOpen() && !m_mailbox.remove({ rowId }))
                qCWarning(lcHub).noquote() << "mailbox: forwarded message not removed (may come again):"
                                           << m_mailbox.errorString();
        });
    }
    if (sent == 0)
        return;
    m_delivered += quint64(sent);
    qCInfo(lcHub).noquote() << "mailbox:" << sent << "kept messages for" << id << "sent to its hub";
}

void HubRequests::handle(HubSession *session, const ReceiptRequest &receipt)
{
    const QString ref = u"receipt"_s;
    // Free of the message rate (a peer handed a full mailbox must be able to confirm it), not of the byte rate.
    if (!admitRequest(session, ref, u"sending receipts", Cost::Free))
        return;
    if (session->key().isEmpty()) {
        rejectInvalid(session, ErrorCode::BadMessage, u"Receipts are signed: join with an identity key to send them."_s,
                      ref);
        return;
    }
    const Receipt out { session->id(), receipt.to, receipt.kind, receipt.mids, receipt.sig, wallMs() };
    const QByteArray frame = encode(out);
    const Registry::Entry *target = m_registry.find(receipt.to);
    if (target && target->session) {
        m_owner.deliver(target->session, frame);
    } else if (!target && m_cluster && m_cluster->isRemote(receipt.to)) {
        m_cluster->sendTo(receipt.to, session->id(), QString(), frame);
    } else if (target) {
        m_registry.hold(*target->grace, Registry::Held { frame, session->id(), QString() });
    } else if (m_mailbox.isOpen() && !m_bindings.keyOf(receipt.to).isEmpty()) {
        // Its sender is away: kept with the messages for it, and handed on when it joins (no mid: it expires
        // silently). A receipt that does not fit is dropped: the messages were delivered all the same.
        if (m_mailbox.store(receipt.to, session->id(), QString(), frame, out.ts) == Mailbox::StoreResult::Stored)
            m_owner.mailboxWritten();
        else
            qCInfo(lcHub).noquote() << "mailbox: a receipt for" << receipt.to << "was not kept (full)";
    }
    // Otherwise nobody is waiting for it (the sender left and is not bound): dropped.
}

void HubRequests::handle(HubSession *session, const ConnectRequest &request)
{
    const QString ref = u"connect_to_peer"_s;
    // Introductions cost the same as messages: they make the target do work (answer, maybe dial).
    if (!admitRequest(session, ref, u"asking to connect to a peer", Cost::OneMessage))
        return;
    if (request.peer == session->id()) {
        rejectInvalid(session, ErrorCode::BadMessage, u"A peer cannot connect to itself."_s, ref);
        return;
    }
    HubSession *target = m_registry.live(request.peer);
    const bool remote = !target && m_cluster && m_cluster->isRemote(request.peer);
    if (!target && !remote) {
        sendError(session, ErrorCode::PeerUnavailable, u"No peer %1 is joined to this hub."_s.arg(request.peer), ref);
        return;
    }
    if (remote && !m_cluster->isUp()) {
        sendError(session, ErrorCode::ClusterUnavailable,
                  u"%1 is on another hub of the cluster, which this hub cannot reach now."_s.arg(request.peer), ref);
        return;
    }
    if (!m_introductions.canStart(session->id())) {
        sendError(session, ErrorCode::RateLimited,
                  u"At most %1 introductions may wait for an answer at once."_s.arg(m_config.maxPendingIntroductions), ref);
        return;
    }
    ConnectOffer offer;
    offer.from = session->id();
    offer.secret = m_introductions.start(session->id(), request.peer, nowMs(), &offer.link).secret;
    offer.addrs = request.listen;
    offer.observed = unmappedAddress(session->address()).toString();
    if (target) {
        target->send(encode(offer));
        return;
    }
    // On another hub: its answer comes back through the cluster (remoteIntroductionAnswer).
    m_cluster->sendTo(request.peer, QString(), QString(), encode(offer),
                      [guard = QPointer<HubSession>(session), peer = request.peer, ref](bool reached) {
        if (!reached && guard && !guard->isClosing())
            sendError(guard, ErrorCode::PeerUnavailable, u"No peer %1 is joined to this hub."_s.arg(peer), ref);
    });
}

void HubRequests::handle(HubSession *session, const ConnectAnswer &answer)
{
    const QString ref = answer.accept ? u"connect_accept"_s : u"connect_decline"_s;
    if (!admitRequest(session, ref, u"answering an introduction", Cost::OneMessage))
        return;
    const QString observed = unmappedAddress(session->address()).toString();
    if (m_cluster && !m_registry.find(answer.peer) && m_cluster->isRemote(answer.peer)) {
        // The initiator is on another hub, which started the introduction and checks the answer.
        if (!m_cluster->isUp() || !m_cluster->sendIntroductionAnswer(answer.peer, session->id(), observed, encode(answer)))
            sendError(session, ErrorCode::ClusterUnavailable,
                      u"%1 is on another hub of the cluster, which this hub cannot reach now."_s.arg(answer.peer), ref);
        return;
    }
    answerIntroduction(session->id(), observed, answer,
                       [session, ref](ErrorCode code, const QString &message, const QString &) {
                           sendError(session, code, message, ref);
                       });
}

void HubRequests::remoteIntroductionAnswer(const QString &answerer, const QString &observed, const QByteArray &utf8)
{
    const Decoded<ClientEnvelope> decoded = decodeClientMessage(utf8);
    const auto *answer = decoded.ok() ? std::get_if<ConnectAnswer>(&decoded.envelope()) : nullptr;
    if (!answer)
        return; // (its hub decoded it: only a hub of another version could send something else)
    const QString ref = answer->accept ? u"connect_accept"_s : u"connect_decline"_s;
    answerIntroduction(answerer, observed, *answer, [this, answerer, ref](ErrorCode code, const QString &message,
                                                                          const QString &) {
        m_cluster->sendTo(answerer, QString(), QString(), encode(makeError(code, message, ref)));
    });
}

void HubRequests::answerIntroduction(const QString &answerer, const QString &observed, const ConnectAnswer &answer,
                                     const std::function<void(ErrorCode, const QString &, const QString &)> &replyError)
{
    const std::optional<Introductions::Pending> intro =
        m_introductions.answer(answer.link, answerer, answer.peer, nowMs());
    if (!intro) {
        replyError(ErrorCode::UnknownLink, u"No introduction %1 from %2 is waiting for you."_s.arg(answer.link, answer.peer),
                   QString());
        return;
    }
    HubSession *initiator = m_registry.live(intro->initiator);
    if (!initiator) {
        replyError(ErrorCode::PeerUnavailable, u"%1 has left the hub."_s.arg(intro->initiator), QString());
        return;
    }
    if (!answer.accept) {
        const QString why = answer.reason.isEmpty() ? u"%1 declined to connect."_s.arg(answerer)
                                                    : u"%1 declined to connect: %2"_s.arg(answerer, answer.reason);
        // ref names the peer that declined, so the initiator knows which of its requests this answers.
        sendError(initiator, ErrorCode::ConnectDeclined, why, answerer);
        return;
    }
    ConnectAccepted accepted;
    accepted.from = answerer;
    accepted.link = answer.link;
    accepted.secret = intro->secret;
    accepted.addrs = answer.listen;
    accepted.observed = observed;
    initiator->send(encode(accepted));
}

void HubRequests::handle(HubSession *session, const LeaveRequest &)
{
    if (!admitRequest(session, u"leave"_s, u"leaving", Cost::Free))
        return;
    m_owner.dropPeer(session, u"left"_s, LeaveReason::Left, QWebSocketProtocol::CloseCodeNormal);
}

// ---- Answers --------------------------------------------------------------------------------------------------

void HubRequests::sendError(HubSession *session, ErrorCode code, const QString &message, const QString &ref)
{
    if (HubCounters *counters = session->counters())
        ++counters->errors[code];
    session->send(encode(makeError(code, message, ref)));
}

void HubRequests::rejectInvalid(HubSession *session, ErrorCode code, const QString &message, const QString &ref)
{
    sendError(session, code, message, ref);
    if (session->addInvalid() > m_config.maxInvalidMessages)
        m_owner.dropPeer(session, u"too many invalid messages"_s, LeaveReason::TooManyInvalid,
                         QWebSocketProtocol::CloseCodePolicyViolated);
}

void HubRequests::refuseAndClose(HubSession *session, ErrorCode code, const QString &message, LeaveReason why,
                                 QWebSocketProtocol::CloseCode closeCode, const QString &ref)
{
    sendError(session, code, message, ref);
    m_owner.unregister(session, message, why, Tell::Everyone);
    session->closeWith(closeCode, errorCodeName(code));
}

} // namespace PeerLink
