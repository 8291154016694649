#pragma once

#include "core/protocol.h"
#include "hub/admission.h"
#include "hub/cluster.h"
#include "hub/hubconfig.h"
#include "hub/hubmetrics.h"
#include "hub/hubreason.h"
#include "hub/hubrequests.h"
#include "hub/engineio.h"
#include "hub/hubsession.h"
#include "hub/idbindings.h"
#include "hub/introductions.h"
#include "hub/mailbox.h"
#include "hub/registry.h"
#include "hub/rooms.h"
#include "runtime/memorytuning.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <QWebSocketProtocol>

#include <functional>

namespace PeerLink {

class HubListener;
class HubSession;

/// A joined peer as the hub's operator sees it.
struct HubPeer
{
    QString id;
    QString name;
    /// The client's address: behind a trusted proxy (`trusted-proxies`) the one it named, else the connection's.
    QHostAddress address;
    /// Its port; 0 when unknown (a proxy named the client by X-Forwarded-For, which carries no port).
    quint16 port = 0;
    QDateTime joinedAt;
    quint64 messagesSent = 0;
    bool host = false;
    /// The identity key it joined with (base64url; empty without one), for the operator to compare or release.
    QString key {};
};

/// The PeerLink hub: accepts WebSocket connections (HubListener), lets them in or not (Admission), keeps the joined
/// peers (Registry), routes messages and introductions (Introductions), and enforces the limits of its HubConfig.
/// Lives in one thread (any thread).
class Hub : public QObject,
            private HubRequests::Owner,
            private HubSession::Events,
            private EngineIoServer::Owner,
            private Cluster::Owner
{
    Q_OBJECT
public:
    explicit Hub(const HubConfig &config = HubConfig(), QObject *parent = nullptr);
    ~Hub() override;

    /// Starts listening; port 0 picks a free port (see serverPort()). Returns false with errorString() set (also
    /// when the data-dir cannot be loaded: the message names the file and line).
    bool listen(const QHostAddress &address = QHostAddress(QHostAddress::LocalHost), quint16 port = 0);
    /// Stops listening and closes every connection with 1001 (going away). Emits closed() when all are gone.
    void close();

    bool isListening() const;
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    /// ws://ADDRESS:PORT of the listening hub (IPv6 addresses in brackets).
    QUrl serverUrl() const;
    QString errorString() const;
    /// The SHA-256 fingerprint of the hub's TLS certificate ("AB:CD:…"); empty without TLS.
    QString certificateFingerprint() const;

    const HubConfig &config() const { return m_config; }

    /// Gives memory freed after a burst back to the system (malloc_trim, glibc), once joins and leaves settle and
    /// otherwise at most every 10 s. Off by default: a process that hosts a hub opts in (with tuneAllocatorForHub()).
    void setReleaseFreeMemory(bool release) { m_releaseFreeMemory = release; }
    bool releasesFreeMemory() const { return m_releaseFreeMemory; }

    /// The joined peers, in join order.
    QList<HubPeer> peers() const;
    int peerCount() const { return m_registry.liveCount(); }
    /// Connections, joined or not.
    int connectionCount() const { return int(m_sessions.size()); }
    /// The port of the metrics endpoint (setting `metrics`), 0 when it is off.
    quint16 metricsPort() const;
    /// Cluster mode (setting `redis`): whether this hub is in sync with the cluster's Redis now. False without one.
    bool isClusterUp() const { return m_cluster && m_cluster->isUp(); }
    /// The peers of the other hubs of the cluster (0 without one).
    int remotePeerCount() const { return m_cluster ? m_cluster->remoteCount() : 0; }
    /// The metrics in Prometheus' text format (what GET /metrics answers).
    QByteArray metricsText() const;
    /// Messages accepted and handed on since start (one per `message`, however many recipients).
    quint64 routedMessageCount() const { return m_requests.routedCount(); }
    /// Deliveries since start (a broadcast to N peers counts N).
    quint64 deliveryCount() const { return m_requests.deliveryCount(); }

    /// Disconnects a joined peer (close 1008); returns false if no such peer.
    bool kick(const QString &id, const QString &reason = QString());
    /// Bans an id (and, if it is joined, its address) and kicks it; returns false for an invalid id.
    bool ban(const QString &id);
    /// Replaces the ban lists; joined peers that are now banned are kicked.
    void setBans(const QStringList &ids, const QList<QHostAddress> &addresses);

    /// Releases the binding of @p id to its identity key (kept in the data-dir), so that another key can take the
    /// id; a peer joined under it stays. False with @p error when the id is not bound or the file cannot be written.
    bool forgetId(const QString &id, QString *error = nullptr);
    /// The identity key (base64url) @p id is bound to; empty when it is not.
    QString boundKey(const QString &id);

    /// The wall clock (milliseconds since the Unix epoch) the hub stamps messages (`ts`) and times the mailbox by;
    /// QDateTime::currentMSecsSinceEpoch unless a test sets another.
    void setWallClock(std::function<qint64()> clock) { m_wallClock = std::move(clock); }
    /// The rooms and their members (issue 17; loaded once listening).
    const Rooms &rooms() const { return m_rooms; }
    /// The store-and-forward mailbox (open once listening).
    const Mailbox &mailbox() const { return m_mailbox; }
    /// Drops the stored messages whose time to live is over, and tells their senders (`expired`) now if they are
    /// joined, else when they next join. Runs by itself every housekeeping turn (at most a second apart).
    void expireMailbox();

    /// For tests and debugging only: @p observer sees every text frame the hub reads (incoming) and writes, as
    /// UTF-8 JSON. An empty function removes it; unset, it costs one branch per frame.
    void setFrameObserver(FrameObserver observer) { m_output.setObserver(std::move(observer)); }

Q_SIGNALS:
    void peerJoined(const PeerLink::HubPeer &peer);
    /// A joined peer left: @p reason in English (logs, operators), @p why for words a user reads.
    void peerLeft(const QString &id, const QString &reason, PeerLink::LeaveReason why);
    /// A message was handed on: @p to is empty for a broadcast; @p recipients is how many got it.
    void messageRouted(const QString &from, const QString &to, int recipients);
    /// A problem of the hub itself (listening, accepting), not of one peer's input: an English @p message, the
    /// kind, and the system's reason (@p detail, may be empty).
    void errorOccurred(const QString &message, PeerLink::HubError error, const QString &detail);
    /// close() finished: not listening and no connection left.
    void closed();
    /// Cluster mode: Redis came (@p up: this hub is in sync with the cluster) or went (it serves its own peers only).
    void clusterUpChanged(bool up);

private:
    void onNewConnection();
    void onDisconnected(HubSession *session);

    // HubSession::Events
    void textReceived(HubSession *session, const QByteArray &utf8) override;
    void binaryReceived(HubSession *session, const QByteArray &bytes) override;
    void pongReceived(HubSession *session) override;
    void sessionEnded(HubSession *session) override { onDisconnected(session); }
    void readingStarts() override;
    void readingEnds() override;
    void invalidReceived(HubSession *session, ErrorCode code, const QString &message, const QString &ref) override;
    // EngineIoServer::Owner
    void engineSessionOpened(EngineSocket *engine) override;
    /// A new connection's session: its buckets, counted, and let in or refused (Admission).
    void admit(HubSession *session);
    void onHousekeeping();
    /// Trims the heap when opted in (setReleaseFreeMemory): when @p settled, else at most every 10 s.
    void releaseFreeMemory(qint64 now, bool settled);
    static constexpr int kSettleMs = 200; // joins and leaves stopped this long: a crowd has settled

    // HubRequests::Owner
    int broadcast(const QByteArray &utf8, HubSession *except, bool hold) override;
    void deliver(HubSession *session, const QByteArray &utf8) override;
    void deliverFrame(HubSession *session, const QByteArray &frame, QByteArrayView utf8) override
    {
        deliver(session, frame, utf8);
    }
    void deliverSplice(HubSession *session, const ChatSplice &splice) override;
    /// Whether @p session can take @p bytes more; if not (it stopped reading), it is dropped.
    bool admitOutput(HubSession *session, qsizetype bytes);
    void dropNotReading(HubSession *session);
    void unregister(HubSession *session, const QString &reason, LeaveReason why, Tell tell) override;
    void dropPeer(HubSession *session, const QString &reason, LeaveReason why,
                  QWebSocketProtocol::CloseCode code) override;
    void membershipChanged() override;
    void joined(HubSession *session) override;
    void routed(const QString &from, const QString &to, int recipients) override;
    void mailboxWritten() override;
    void mailboxBacklog(const QString &id) override;
    // Cluster::Owner
    void clusterPeerJoined(const QString &id, const QByteArray &entry) override;
    void clusterPeerMoved(const QString &id, const QByteArray &entry, const QByteArray &previous) override;
    void clusterPeerLeft(const QString &id) override;
    void clusterBroadcast(const QByteArray &utf8) override;
    void clusterFrame(const QString &to, const QByteArray &senderHub, const QString &sender, const QString &mid,
                      const QByteArray &utf8) override;
    QByteArray clusterTakeover(const QString &id, const QByteArray &hub) override;
    void clusterIntroductionAnswer(const QByteArray &answererHub, const QString &answerer, const QString &observed,
                                   const QByteArray &utf8) override;
    void clusterBinding(const QString &id, const QString &key) override;
    void clusterHubId(const QByteArray &hubId) override;
    QList<Cluster::LocalPeer> clusterLocalPeers() const override;
    QHash<QString, QString> clusterLocalBindings() const override { return m_bindings.all(); }
    void clusterLostId(const QString &id) override;
    void clusterRoomFrame(const QString &to, const QByteArray &utf8) override;
    void clusterRoomOp(const QString &op, const QString &name, const QStringList &args) override;
    void clusterRooms(const QList<Rooms::Room> &rooms) override;
    QList<Rooms::Room> clusterLocalRooms() const override;
    void clusterStateChanged(bool up) override;
    /// Hands the peers with a backlog more of what the mailbox keeps for them, as far as their queues take it.
    void drainMailboxes();

    /// Takes a joined session out of the registry and tells whom @p tell says; idempotent.
    void unregister(HubSession *session, const QString &reason, LeaveReason why)
    {
        unregister(session, reason, why, Tell::Everyone);
    }
    /// Unregisters a joined @p session for @p why (telling whom @p tell says) and closes it with @p code.
    void dropPeer(HubSession *session, const QString &reason, LeaveReason why, QWebSocketProtocol::CloseCode code,
                  Tell tell);
    /// Sends a frame made once for many recipients (HubSession::textFrame) to @p session.
    void deliver(HubSession *session, const QByteArray &frame, QByteArrayView utf8);
    /// Ends a grace for good: the others are told it left; what waited for it is refused to its senders.
    void bury(const QString &id, const QString &reason, LeaveReason why);
    static HubPeer describePeer(const HubSession *session);
    qint64 nowMs() const { return m_clock.elapsed(); }
    void checkClosed();
    /// Loads the data-dir once (listen, forgetId); false with m_error set.
    bool loadBindings();

    HubConfig m_config;
    HubListener *m_listener = nullptr;
    Admission m_admission;
    Registry m_registry;
    Introductions m_introductions;
    IdBindings m_bindings;
    Mailbox m_mailbox;
    Rooms m_rooms;
    std::function<qint64()> m_wallClock;
    OutputBatch m_output; // frames are written once a turn per peer
    HubRequests m_requests;
    QSet<HubSession *> m_sessions; // every connection, joined or not
    EngineIoServer *m_engine = nullptr;
    HubCounters m_counters;
    MetricsServer *m_metrics = nullptr; // the `metrics` endpoint, when set
    Cluster *m_cluster = nullptr;       // cluster mode (setting `redis`), else null
    qint64 m_startedAtMs = 0;            // wall clock of listen() // the socket.io endpoint (issue 18); null with the setting `socketio` off
    QTimer m_housekeeping;
    QTimer m_mailboxCommit; // group commit of the mailbox, at the end of a turn
    QTimer m_mailboxDrain;  // a mailbox delivery goes on as the peer's queue drains
    QSet<QString> m_mailboxBacklog; // joined peers whose mailbox did not fit their queue yet
    static constexpr int MailboxDrainMs = 5;
    QTimer m_settled; // restarted by every join and leave (releaseFreeMemory)
    QElapsedTimer m_clock;
    HeapTrimmer m_trimmer;
    qint64 m_lastPingMs = 0;
    qint64 m_lastTrimMs = 0;
    QString m_error; // the data-dir's, when it could not be loaded
    bool m_releaseFreeMemory = false;
    bool m_closing = false;
    bool m_closedAnnounced = false;
};

} // namespace PeerLink

Q_DECLARE_METATYPE(PeerLink::HubPeer)
