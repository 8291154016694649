#pragma once

#include "core/errorcode.h"
#include "core/tokenbucket.h"
#include "hub/engineio.h"
#include "hub/registry.h"
#include "hub/wsconnection.h"

#include <QDateTime>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QWebSocketProtocol>

#include <functional>
#include <utility>

class QTcpSocket;

namespace PeerLink {

class HubSession;
struct HubCounters;

/// Sees one frame the hub read (@p incoming) or wrote, as UTF-8 JSON (Hub::setFrameObserver: tests, debugging).
using FrameObserver = std::function<void(bool incoming, QByteArrayView utf8)>;

/// Collects the sessions that have frames waiting and writes each one's frames once, at the end of the event-loop
/// turn: a burst of frames to one peer (a relay stream, presence in a crowd of joins) becomes one write.
///
/// Frames for every peer (a broadcast, a peer_connect) are kept once, in the turn's shared frames, not copied to
/// each peer: every attached session (a joined peer whose frames the hub writes itself) gets the shared frames
/// after its own at the end of the turn, from where it was attached or last written (HubSession::takeShared keeps
/// the order when a frame of its own comes between). A crowd of joins then costs one copy per announcement, not one
/// per peer and announcement.
class OutputBatch : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~OutputBatch() override;
    void add(HubSession *session);
    void flush();
    /// The observer of every frame, or an empty function (the usual case: one branch per frame).
    void setObserver(FrameObserver observer) { m_observer = std::move(observer); }
    const FrameObserver &observer() const { return m_observer; }

    /// Adds @p frame (made from @p utf8) to the shared frames: every attached session but @p except gets it.
    /// Returns how many. When the turn's shared frames would pass the queue limit, what gathered is written first.
    int share(const QByteArray &frame, QByteArrayView utf8, HubSession *except);
    /// Attached sessions: the ones that get the shared frames.
    int attachedCount() const { return int(m_attached.size()); }
    /// After the shared frames are written, a session holding more than @p maxQueuedBytes (it stopped reading) is
    /// handed to @p overflow (the hub drops it), and the shared frames of one turn are bounded by the same limit.
    void setQueueLimit(qint64 maxQueuedBytes, std::function<void(HubSession *)> overflow);

private:
    friend class HubSession;
    void schedule();
    void attach(HubSession *session);
    void detach(HubSession *session);

    QList<QPointer<HubSession>> m_waiting;
    FrameObserver m_observer;
    QByteArray m_shared;           // this turn's frames for every attached session
    quint64 m_generation = 1;      // counts the turns whose shared frames were written
    QList<HubSession *> m_attached; // each knows its index (HubSession::m_attachedIndex)
    qint64 m_maxQueuedBytes = 0;   // 0: no limit
    std::function<void(HubSession *)> m_overflow;
    bool m_scheduled = false;
};

/// One connection to the hub, joined or not. Owns its socket; the Hub owns the session.
class HubSession : public QObject, private WsConnection::Receiver, private EngineSocket::Listener
{
    Q_OBJECT
public:
    /// What a session reads, reported to the hub (Hub implements it).
    class Events
    {
    public:
        virtual void textReceived(HubSession *session, const QByteArray &utf8) = 0;
        /// A binary frame (@p bytes; empty from socket.io, whose binary packets are refused as they come).
        virtual void binaryReceived(HubSession *session, const QByteArray &bytes) = 0;
        virtual void pongReceived(HubSession *session) = 0;
        /// Input the layer below found invalid (a malformed socket.io packet): answered and counted like an invalid
        /// message.
        virtual void invalidReceived(HubSession *session, ErrorCode code, const QString &message,
                                     const QString &ref) = 0;
        /// The connection is closed; the session may be deleted (later, not in this call).
        virtual void sessionEnded(HubSession *session) = 0;
        /// Around the messages of one read (see WsConnection::Receiver).
        virtual void readingStarts() {}
        virtual void readingEnds() {}

    protected:
        ~Events() = default;
    };

    /// A WebSocket session (ws:// or wss://): the hub reads and writes the frames on @p transport itself
    /// (WsConnection), which it owns. @p maxMessageBytes: the hard limit of one message.
    HubSession(QTcpSocket *transport, qint64 maxMessageBytes, Events &events, OutputBatch *batch,
               const TokenBucket &bucket, qint64 nowMs, QObject *parent = nullptr);
    /// A socket.io client's session (issue 18): @p engine turns its events into requests and the hub's frames into
    /// events; the session does not own it (EngineIoServer does) but ends it when deleted.
    HubSession(EngineSocket *engine, Events &events, OutputBatch *batch, const TokenBucket &bucket, qint64 nowMs,
               QObject *parent = nullptr);
    /// A session without a connection, which sends nowhere and reads nothing (tests of the registry, which need
    /// sessions only).
    HubSession(OutputBatch *batch, const TokenBucket &bucket, qint64 nowMs, QObject *parent = nullptr);
    ~HubSession() override;

    /// Starts reading: call once the session is registered (frames that came with the handshake are read).
    void start();
    QHostAddress address() const { return m_address; }
    quint16 port() const { return m_port; }

    bool isJoined() const { return !m_id.isEmpty(); }
    QString id() const { return m_id; }
    QString name() const { return m_name; }
    QString resumeToken() const { return m_resumeToken; }
    QDateTime joinedAt() const { return m_joinedAt; }
    bool isHost() const { return m_host; }
    void setHost(bool host)
    {
        m_host = host;
        m_peerEntry.clear();
    }
    /// This peer's entry in others' welcome (`{"id":...}`), made once: a crowd's welcomes are built from these.
    const QByteArray &peerEntry() const;
    /// The identity this peer joined with (base64url; all empty without one), announced with its presence.
    void setIdentity(const QString &key, const QString &prekey, const QString &prekeySig);
    QString key() const { return m_key; }
    QString prekey() const { return m_prekey; }
    QString prekeySig() const { return m_prekeySig; }
    /// The nonce of the challenge outstanding on this connection (it replaces an earlier one).
    void setChallenge(const QByteArray &nonce) { m_challenge = nonce; }
    /// Takes the outstanding nonce: each is good for one proof only. Empty when none is outstanding.
    QByteArray takeChallenge() { return std::exchange(m_challenge, QByteArray()); }
    /// A join of this connection waits for the cluster (Redis) to hand it its id.
    bool isJoining() const { return m_joining; }
    void setJoining(bool joining) { m_joining = joining; }
    /// Marks the session joined; a resumed session keeps the peer's original @p joinedAt.
    void setJoined(const QString &id, const QString &name, const QString &resumeToken, const QDateTime &joinedAt);

    /// Sends one UTF-8 JSON text frame, unless the session is closing.
    void send(const QByteArray &utf8);
    /// Sends a frame made by textFrame() from @p utf8 (the same frame can go to many sessions: built once).
    void sendFrame(const QByteArray &frame, QByteArrayView utf8);
    /// A complete server-to-client WebSocket text frame (RFC 6455: FIN, opcode 1, no mask) holding @p utf8.
    static QByteArray textFrame(const QByteArray &utf8);
    /// Room for one frame of @p size bytes after this session's frames of this turn, for the caller to write in
    /// place (the relay splices a message straight into it); null when the session is closing or its frames do
    /// not go this way (then sendFrame()). The frame observer is the caller's to call.
    char *frameSpace(qsizetype size);
    /// Writes the frames gathered this turn (OutputBatch calls it).
    void flushPending();
    /// Whom this peer last sent a message to (the relay's lookup).
    Registry::RecipientCache &recipientCache() { return m_recipients; }

    /// Closes with a WebSocket close code; @p reason is what the hub reports (peerLeft, logs).
    void closeWith(QWebSocketProtocol::CloseCode code, const QString &reason);
    bool isClosing() const { return m_closing; }
    QString closeReason() const { return m_closeReason; }
    /// The reason in the close frame that ended the connection: the peer's, or the WebSocket layer's own.
    QString frameCloseReason() const;
    /// Sends a ping (the heartbeat).
    void ping();
    /// Drops the connection at once, without a close frame.
    void abort();

    /// Counts one invalid message; returns the count so far.
    int addInvalid() { return ++m_invalid; }

    TokenBucket &messageBucket() { return m_bucket; }
    TokenBucket &byteBucket() { return m_byteBucket; }
    void setByteBucket(const TokenBucket &bucket) { m_byteBucket = bucket; }
    /// The budget of relayed file chunks (issue 15).
    TokenBucket &fileBucket() { return m_fileBucket; }
    void setFileBucket(const TokenBucket &bucket) { m_fileBucket = bucket; }
    /// Outgoing bytes held for this peer, not yet taken by the network (its frames, its part of the shared ones,
    /// what Qt holds).
    qint64 queuedBytes() const;
    /// Whether this session gets the hub's shared frames (OutputBatch::share): a joined peer whose frames the hub
    /// writes itself. The registry attaches its live sessions; one that leaves keeps what was shared until then.
    void setBroadcastTarget(bool on);
    bool isBroadcastTarget() const { return m_attachedIndex >= 0; }

    qint64 connectedAtMs() const { return m_connectedAtMs; }
    qint64 lastSeenMs() const { return m_lastSeenMs; }
    void touch(qint64 nowMs) { m_lastSeenMs = nowMs; }

    /// The connection ended without a close handshake (the network or the process went away).
    bool lostConnection() const { return m_lost; }
    /// The hub's counters (metrics), or null.
    HubCounters *counters() const { return m_counters; }
    void setCounters(HubCounters *counters) { m_counters = counters; }
    /// A socket.io client (issue 18).
    bool isSocketIo() const { return m_isEngine; }

    quint64 sentCount() const { return m_sent; }
    void countSent() { ++m_sent; }
    /// The peer sent a `room` request on this connection, so it may be told of room invitations (issue 17); a
    /// version-1 client never does, and never gets room traffic it did not ask for.
    bool wantsRooms() const { return m_wantsRooms; }
    void setWantsRooms(bool wants) { m_wantsRooms = wants; }
    /// The peer joined with `binary_files`: file chunks for it go in binary frames (a native WebSocket only).
    bool takesBinaryFiles() const { return m_binaryFiles; }
    void setTakesBinaryFiles(bool takes) { m_binaryFiles = takes && !m_isEngine; }

private:
    // WsConnection::Receiver
    void messageReceived(bool text, QByteArray &payload) override;
    void pongReceived() override;
    void controlFrameDue() override { flushPending(); }
    void connectionEnded() override;
    void readingStarts() override { m_events.readingStarts(); }
    void readingEnds() override { m_events.readingEnds(); }
    // EngineSocket::Listener
    void engineText(const QByteArray &utf8) override { m_events.textReceived(this, utf8); }
    void engineBinary() override { m_events.binaryReceived(this, QByteArray()); }
    void engineInvalid(ErrorCode code, const QString &message, const QString &ref) override
    {
        m_events.invalidReceived(this, code, message, ref);
    }
    void enginePong() override { m_events.pongReceived(this); }
    void engineEnded() override;
    bool transportOpen() const;
    friend class OutputBatch;
    /// Where this session's part of the shared frames starts (attached sessions only).
    qsizetype sharedFrom() const
    {
        return m_sharedGeneration == m_batch->m_generation ? m_sharedFrom : 0;
    }
    /// Marks the shared frames so far as this session's own (taken or written).
    void sharedDone()
    {
        m_sharedGeneration = m_batch->m_generation;
        m_sharedFrom = m_batch->m_shared.size();
    }
    /// Moves this session's part of the shared frames into its own, so that a frame of its own comes after them.
    void takeShared();

    WsConnection *m_connection = nullptr; // a WebSocket session's: reads and writes the frames; else null
    QPointer<EngineSocket> m_engine;      // a socket.io session's; else null
    bool m_isEngine = false;
    HubCounters *m_counters = nullptr;
    bool m_engineFlushDue = false;
    Events &m_events;
    /// Frames go to m_connection's socket, batched once a turn; for ws:// it is a HubTcpSocket, which hands them to
    /// the kernel directly when Qt holds nothing for it.
    OutputBatch *m_batch = nullptr;
    QByteArray m_pending; // frames waiting for the end of this turn
    int m_attachedIndex = -1;         // in OutputBatch::m_attached; -1: gets no shared frames
    quint64 m_sharedGeneration = 0;   // with m_sharedFrom: how much of the turn's shared frames it has had
    qsizetype m_sharedFrom = 0;
    Registry::RecipientCache m_recipients;
    mutable QByteArray m_peerEntry;
    mutable qint64 m_qtQueued = 0; // what QTcpSocket held after the last flush (refreshed when not 0)
    QHostAddress m_address;
    quint16 m_port = 0;
    QString m_id;
    QString m_name;
    QString m_resumeToken;
    bool m_joining = false;
    QString m_key;
    QString m_prekey;
    QString m_prekeySig;
    QByteArray m_challenge;
    QDateTime m_joinedAt;
    TokenBucket m_bucket;
    TokenBucket m_byteBucket;
    TokenBucket m_fileBucket;
    qint64 m_connectedAtMs = 0;
    qint64 m_lastSeenMs = 0;
    quint64 m_sent = 0;
    int m_invalid = 0;
    bool m_closing = false;
    bool m_host = false;
    bool m_lost = false;
    bool m_wantsRooms = false;
    bool m_binaryFiles = false;
    QString m_closeReason;
};

} // namespace PeerLink
