#include "hubsession.h"

#include "core/protocol.h"
#include "hub/hubtransport.h"

#include <QTcpSocket>
#include <QtEndian>

namespace PeerLink {

OutputBatch::~OutputBatch()
{
    // Sessions that outlive the batch (children of the hub, deleted after its members) must not reach back.
    for (HubSession *session : std::as_const(m_attached))
        session->m_attachedIndex = -1;
}

void OutputBatch::schedule()
{
    if (m_scheduled)
        return;
    m_scheduled = true;
    QMetaObject::invokeMethod(this, &OutputBatch::flush, Qt::QueuedConnection);
}

void OutputBatch::add(HubSession *session)
{
    schedule();
    m_waiting.append(session);
}

void OutputBatch::flush()
{
    m_scheduled = false;
    // A peer that would hold more than the limit once this turn's frames are written (it stopped reading) gets
    // none of them: it is dropped below, so what one peer holds never passes the limit.
    QList<QPointer<HubSession>> over;
    const auto write = [this, &over](HubSession *session) {
        if (m_maxQueuedBytes > 0 && session->isBroadcastTarget() && session->queuedBytes() > m_maxQueuedBytes) {
            session->sharedDone();
            session->m_pending.clear();
            over.append(session);
            return;
        }
        session->flushPending();
    };
    const QList<QPointer<HubSession>> waiting = std::exchange(m_waiting, {});
    for (const QPointer<HubSession> &session : waiting) {
        if (session)
            write(session);
    }
    if (!m_shared.isEmpty()) {
        // Every attached session's part of the shared frames (the ones above wrote theirs with their own frames).
        // Writing raises no signal, so no session leaves meanwhile; the loop goes over a copy all the same.
        const QList<HubSession *> attached = m_attached;
        for (HubSession *session : attached)
            write(session);
        // Keep a small buffer for the next turn, not a crowd's worth.
        if (m_shared.capacity() > 65536)
            m_shared = QByteArray();
        else
            m_shared.resize(0);
        ++m_generation;
    }
    for (const QPointer<HubSession> &session : std::as_const(over)) {
        if (session && m_overflow)
            m_overflow(session);
    }
}

int OutputBatch::share(const QByteArray &frame, QByteArrayView utf8, HubSession *except)
{
    if (m_maxQueuedBytes > 0 && !m_shared.isEmpty() && m_shared.size() + frame.size() > m_maxQueuedBytes)
        flush(); // a turn of broadcasts larger than a peer may hold: write it out, drop who cannot take it
    const bool skip = except && except->isBroadcastTarget();
    if (skip)
        except->takeShared(); // what was shared before is its too, and goes before what comes next
    if (m_shared.isEmpty())
        schedule();
    m_shared.append(frame);
    if (skip)
        except->sharedDone();
    if (Q_UNLIKELY(bool(m_observer))) {
        for (qsizetype i = 0; i < m_attached.size() - (skip ? 1 : 0); ++i)
            m_observer(false, utf8);
    }
    return int(m_attached.size()) - (skip ? 1 : 0);
}

void OutputBatch::setQueueLimit(qint64 maxQueuedBytes, std::function<void(HubSession *)> overflow)
{
    m_maxQueuedBytes = maxQueuedBytes;
    m_overflow = std::move(overflow);
}

void OutputBatch::attach(HubSession *session)
{
    session->m_attachedIndex = int(m_attached.size());
    m_attached.append(session);
    session->sharedDone(); // nothing shared before it joined is its
}

void OutputBatch::detach(HubSession *session)
{
    const int index = session->m_attachedIndex;
    HubSession *last = m_attached.takeLast();
    if (last != session) {
        m_attached[index] = last;
        last->m_attachedIndex = index;
    }
    session->m_attachedIndex = -1;
}

namespace {

/// The events of a session nobody reads (HubSession's short constructor).
class NoEvents : public HubSession::Events
{
public:
    void textReceived(HubSession *, const QByteArray &) override {}
    void binaryReceived(HubSession *, const QByteArray &) override {}
    void pongReceived(HubSession *) override {}
    void invalidReceived(HubSession *, ErrorCode, const QString &, const QString &) override {}
    void sessionEnded(HubSession *) override {}
};

NoEvents g_noEvents; // stateless

} // namespace

HubSession::HubSession(OutputBatch *batch, const TokenBucket &bucket, qint64 nowMs, QObject *parent)
    : QObject(parent)
    , m_events(g_noEvents)
    , m_batch(batch)
    , m_bucket(bucket)
    , m_connectedAtMs(nowMs)
    , m_lastSeenMs(nowMs)
{
}

HubSession::HubSession(QTcpSocket *transport, qint64 maxMessageBytes, Events &events, OutputBatch *batch,
                       const TokenBucket &bucket, qint64 nowMs, QObject *parent)
    : QObject(parent)
    , m_events(events)
    , m_batch(batch)
    , m_address(clientAddress(transport))
    , m_port(clientPort(transport))
    , m_bucket(bucket)
    , m_connectedAtMs(nowMs)
    , m_lastSeenMs(nowMs)
{
    // Connected or already gone: WsConnection reports the end either way.
    m_connection = new WsConnection(transport, maxMessageBytes, *this, this);
    // Small frames (acks, echoes, presence) go out at once, not held back for the previous one's ACK (Nagle).
    if (transport->state() == QAbstractSocket::ConnectedState)
        transport->setSocketOption(QAbstractSocket::LowDelayOption, 1);
}

HubSession::HubSession(EngineSocket *engine, Events &events, OutputBatch *batch, const TokenBucket &bucket,
                       qint64 nowMs, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_isEngine(true)
    , m_events(events)
    , m_batch(batch)
    , m_address(engine->address())
    , m_port(engine->port())
    , m_bucket(bucket)
    , m_connectedAtMs(nowMs)
    , m_lastSeenMs(nowMs)
{
    engine->setListener(this);
}

void HubSession::engineEnded()
{
    m_lost = m_engine && m_engine->lost();
    m_events.sessionEnded(this);
}

HubSession::~HubSession()
{
    if (isBroadcastTarget())
        m_batch->detach(this);
    if (m_engine) {
        m_engine->setListener(nullptr);
        m_engine->abort();
    }
    // The TCP socket goes with the WsConnection that owns it, without telling this session.
    delete m_connection;
}

void HubSession::start()
{
    if (m_connection)
        m_connection->start();
}

void HubSession::messageReceived(bool text, QByteArray &payload)
{
    if (text)
        m_events.textReceived(this, payload);
    else
        m_events.binaryReceived(this, payload);
}

void HubSession::pongReceived()
{
    m_events.pongReceived(this);
}

void HubSession::connectionEnded()
{
    m_lost = m_connection->lost();
    m_events.sessionEnded(this);
}

QString HubSession::frameCloseReason() const
{
    if (m_isEngine)
        return m_engine ? m_engine->closeReason() : QString();
    return m_connection ? m_connection->closeReason() : QString();
}

void HubSession::ping()
{
    if (m_isEngine) {
        if (m_engine)
            m_engine->ping();
    } else if (m_connection) {
        m_connection->ping();
    }
}

void HubSession::abort()
{
    if (m_isEngine) {
        if (m_engine)
            m_engine->abort();
    } else if (m_connection) {
        m_connection->abort();
    }
}

bool HubSession::transportOpen() const
{
    if (m_isEngine)
        return m_engine && m_engine->isOpen();
    return m_connection && m_connection->isOpen();
}

void HubSession::setJoined(const QString &id, const QString &name, const QString &resumeToken,
                           const QDateTime &joinedAt)
{
    m_id = id;
    m_name = name;
    m_peerEntry.clear();
    m_resumeToken = resumeToken;
    m_joinedAt = joinedAt;
}

void HubSession::setIdentity(const QString &key, const QString &prekey, const QString &prekeySig)
{
    m_key = key;
    m_prekey = prekey;
    m_prekeySig = prekeySig;
    m_peerEntry.clear();
}

const QByteArray &HubSession::peerEntry() const
{
    if (m_peerEntry.isEmpty())
        m_peerEntry = encodePeerEntry(PeerInfo { m_id, m_name, m_host, m_key, m_prekey, m_prekeySig });
    return m_peerEntry;
}

qint64 HubSession::queuedBytes() const
{
    if (m_isEngine)
        return m_engine ? m_engine->queuedBytes() : 0;
    if (m_qtQueued > 0 && m_connection && m_connection->socket())
        m_qtQueued = m_connection->socket()->bytesToWrite();
    const qint64 shared = isBroadcastTarget() ? m_batch->m_shared.size() - sharedFrom() : 0;
    return m_pending.size() + shared + m_qtQueued;
}

void HubSession::setBroadcastTarget(bool on)
{
    if (on == isBroadcastTarget() || !m_connection || !m_batch)
        return;
    if (on) {
        m_batch->attach(this);
    } else {
        takeShared(); // what was shared while it was there still reaches it, before anything later
        m_batch->detach(this);
    }
}

void HubSession::takeShared()
{
    const qsizetype from = sharedFrom();
    const qsizetype size = m_batch->m_shared.size();
    if (from < size) {
        if (m_pending.isEmpty())
            m_batch->add(this);
        m_pending.append(QByteArrayView(m_batch->m_shared).sliced(from));
    }
    sharedDone();
}

QByteArray HubSession::textFrame(const QByteArray &utf8)
{
    return WsFrame::frame(WsFrame::Text, utf8);
}

void HubSession::send(const QByteArray &utf8)
{
    sendFrame(textFrame(utf8), utf8);
}

void HubSession::sendFrame(const QByteArray &frame, QByteArrayView utf8)
{
    if (m_closing)
        return;
    if (Q_UNLIKELY(m_batch && m_batch->observer()))
        m_batch->observer()(false, utf8);
    if (m_isEngine) {
        // socket.io: the engine maps the frame to its event now and writes what gathered at the end of the turn.
        if (!m_engine)
            return;
        m_engine->sendNative(utf8);
        if (!m_engineFlushDue && m_batch) {
            m_engineFlushDue = true;
            m_batch->add(this);
        } else if (!m_batch) {
            m_engine->flush();
        }
        return;
    }
    // The transport's state is checked when the batch is written (flushPending), not for every frame.
    if (!m_batch) {
        if (m_connection)
            m_connection->write(frame);
        return;
    }
    if (isBroadcastTarget())
        takeShared(); // the frames shared before this one go first
    if (m_pending.isEmpty())
        m_batch->add(this);
    m_pending.append(frame);
}

char *HubSession::frameSpace(qsizetype size)
{
    if (m_closing || m_isEngine || !m_batch)
        return nullptr;
    if (isBroadcastTarget())
        takeShared();
    if (m_pending.isEmpty())
        m_batch->add(this);
    const qsizetype at = m_pending.size();
    m_pending.resize(at + size);
    return m_pending.data() + at;
}

void HubSession::flushPending()
{
    if (m_isEngine) {
        m_engineFlushDue = false;
        if (m_engine)
            m_engine->flush();
        return;
    }
    // Its own frames, then its part of the frames shared since (they came later: see takeShared).
    QByteArrayView shared;
    if (isBroadcastTarget()) {
        shared = QByteArrayView(m_batch->m_shared).sliced(sharedFrom());
        sharedDone();
    }
    if (m_pending.isEmpty() && shared.isEmpty())
        return;
    // A close frame may have gone out meanwhile (the peer closed and was answered): nothing after it.
    if (!transportOpen()) {
        m_pending.clear();
        return;
    }
    // A HubTcpSocket (ws://) hands this straight to the kernel when nothing waits in Qt's buffer.
    QTcpSocket *socket = m_connection->socket();
    if (m_pending.isEmpty()) {
        socket->write(shared.data(), shared.size());
    } else {
        if (!shared.isEmpty())
            m_pending.append(shared);
        socket->write(m_pending);
    }
    m_qtQueued = socket->bytesToWrite();
    // Keep a small buffer for the next turn; a crowd's presence or a large message must not stay allocated for
    // every peer (idle memory per peer is measured in bench/).
    if (m_pending.capacity() > 2048)
        m_pending.clear();
    else
        m_pending.resize(0);
}

void HubSession::closeWith(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (m_closing)
        return;
    flushPending(); // what was sent before the close goes before the close frame
    m_closing = true;
    m_closeReason = reason;
    if (m_isEngine) {
        if (m_engine)
            m_engine->close(int(code), reason);
        return;
    }
    // The close frame's reason is limited to 123 bytes by RFC 6455; it is cut to fit.
    if (m_connection)
        m_connection->close(uint16_t(code), reason);
}

} // namespace PeerLink
