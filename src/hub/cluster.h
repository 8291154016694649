#pragma once

#include "hub/redisclient.h"
#include "hub/rooms.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

#include <functional>

namespace PeerLink {

/// Hubs clustered over Redis (issue 19; the `redis` setting). Redis is the shared state and the bus, nothing is
/// decided between hubs otherwise:
/// - every joined id holds a lease `peerlink:id:ID` = "HUB TOKEN" (its hub and its current resume token) that its
///   hub renews; a join elsewhere gets the id only when the lease is free or the join carries that token (a resume,
///   also after its hub died), atomically in one script;
/// - presence: the hash `peerlink:peers` (id -> "HUB\nENTRY", the peer's welcome entry) and the bus;
/// - the bus: channel `peerlink:all` (presence, broadcasts, bindings) and one channel per hub `peerlink:hub:HUB`
///   (frames for its peers, introductions' answers, take-overs);
/// - liveness: each hub keeps `peerlink:hub:HUB` alive (a key with the cluster timeout) and lists itself in
///   `peerlink:hubs`; every hub checks the list a few times per timeout and announces the peers of a hub whose key
///   expired as gone;
/// - identity bindings in the hash `peerlink:bindings`, and the hub id every hub of the cluster uses in
///   `peerlink:hubid`.
/// Knows no sessions: the hub answers through Owner. Lives in the hub's thread.
class Cluster : public QObject
{
    Q_OBJECT
public:
    /// A peer of this hub, as the cluster lists it.
    struct LocalPeer
    {
        QString id;
        QString resumeToken;
        QByteArray entry; // its welcome entry (the peer_connect frame without its type)
    };
    /// What the cluster needs of the hub.
    class Owner
    {
    public:
        /// A peer of another hub joined: tell the peers here (peer_connect from @p entry).
        virtual void clusterPeerJoined(const QString &id, const QByteArray &entry) = 0;
        /// A peer known before went to another hub (a resume): @p entry replaces @p previous (peer_update when its
        /// prekey changed).
        virtual void clusterPeerMoved(const QString &id, const QByteArray &entry, const QByteArray &previous) = 0;
        /// A peer of another hub left, or its hub died.
        virtual void clusterPeerLeft(const QString &id) = 0;
        /// A broadcast from another hub: to every peer here (held for the peers in grace).
        virtual void clusterBroadcast(const QByteArray &utf8) = 0;
        /// A frame for peer @p to of this hub; when it is not here any more and @p mid is set, answer @p sender
        /// (on @p senderHub) with peer_unavailable.
        virtual void clusterFrame(const QString &to, const QByteArray &senderHub, const QString &sender,
                                  const QString &mid, const QByteArray &utf8) = 0;
        /// A room frame for member @p to of this hub (only for a connection that asked for room traffic; held in its
        /// grace).
        virtual void clusterRoomFrame(const QString &to, const QByteArray &utf8) = 0;
        /// Peer @p id of this hub resumed on hub @p hub: let it go without telling anyone, handing on what was
        /// held for it. Returns its welcome entry (empty when it was not here), for the cluster to keep knowing it.
        virtual QByteArray clusterTakeover(const QString &id, const QByteArray &hub) = 0;
        /// An answer to an introduction this hub started: @p answerer (on @p answererHub) answered with @p utf8
        /// (its connect_accept or connect_decline), seen from @p observed.
        virtual void clusterIntroductionAnswer(const QByteArray &answererHub, const QString &answerer,
                                               const QString &observed, const QByteArray &utf8) = 0;
        /// A binding made (@p key set) or released (@p key empty) on another hub, or found in Redis.
        virtual void clusterBinding(const QString &id, const QString &key) = 0;
        /// The cluster's hub id, to use from now on.
        virtual void clusterHubId(const QByteArray &hubId) = 0;
        /// The peers of this hub, live and in grace (for the leases and presence after a reconnect).
        virtual QList<LocalPeer> clusterLocalPeers() const = 0;
        /// The bindings this hub has (to publish the ones Redis lacks).
        virtual QHash<QString, QString> clusterLocalBindings() const = 0;
        /// Peer @p id of this hub lost its id to another hub while Redis was away: close it.
        virtual void clusterLostId(const QString &id) = 0;
        /// A room changed on another hub: @p op ("create", "add", "remove", "invite", "manager", "topic", "close",
        /// "forget") on room @p name with @p args (for create: invite-only "0"/"1", creator, members comma-separated,
        /// topic; else the peer id or the topic).
        virtual void clusterRoomOp(const QString &op, const QString &name, const QStringList &args) = 0;
        /// The rooms as the cluster has them (after a sync): this hub's become exactly these.
        virtual void clusterRooms(const QList<Rooms::Room> &rooms) = 0;
        /// This hub's rooms, to seed a Redis that has none (it lost its data, or the cluster is new).
        virtual QList<Rooms::Room> clusterLocalRooms() const = 0;
        /// Redis came (@p up) or went.
        virtual void clusterStateChanged(bool up) = 0;

    protected:
        ~Owner() = default;
    };

    enum class ClaimResult { Claimed, Taken, Unavailable };
    using ClaimCallback = std::function<void(ClaimResult)>;
    using SentCallback = std::function<void(bool reached)>;

    Cluster(const RedisEndpoint &endpoint, int timeoutMs, Owner &owner, QObject *parent = nullptr);
    ~Cluster() override;

    /// Connects to Redis (and again after every loss, backing off); clusterStateChanged(true) once in sync.
    void start();
    /// Leaves the cluster: this hub's leases, presence and liveness are removed (best effort), then disconnects.
    void stop();

    bool isUp() const { return m_up; }
    Owner &owner() const { return m_owner; }
    /// In sync and the command connection still there (false already inside the callbacks a lost connection
    /// answers, before isUp() follows).
    bool isReachable() const { return m_up && m_commands->isReady(); }
    /// This hub's name on the bus (random per process).
    QByteArray hubName() const { return m_hub; }
    /// Hubs of the cluster known alive at the last check (this one included).
    int hubCount() const { return m_aliveHubs; }

    /// The peers of other hubs.
    int remoteCount() const { return int(m_remote.size()); }
    bool isRemote(const QString &id) const { return m_remote.contains(id); }
    /// The welcome entries of the peers of other hubs, comma-separated (empty when none), for a welcome.
    const QByteArray &remoteEntries() const;

    /// Takes @p id for a joining peer of this hub (@p resume: the token it presented, may be empty), lists it
    /// with @p entry and announces it. @p callback gets the result (Unavailable: Redis is away).
    void claim(const QString &id, const QString &token, const QString &resume, const QByteArray &entry,
               ClaimCallback callback);
    /// Peer @p id of this hub left for good: its lease and listing go, and the others hear of it.
    void release(const QString &id, const QString &token);
    /// Sends @p utf8 to peer @p to on its hub; @p callback: whether that hub got it. False at once when @p to is
    /// not a peer of another hub or Redis is away.
    void sendTo(const QString &to, const QString &sender, const QString &mid, const QByteArray &utf8,
                SentCallback callback = {});
    /// The same to peer @p to on hub @p hub (a peer that resumed there, not yet known as that hub's).
    void sendToHub(const QByteArray &hub, const QString &to, const QString &sender, const QString &mid,
                   const QByteArray &utf8, SentCallback callback = {}, char op = 'T');
    /// A room frame for member @p to on its hub (given only to a connection that asked for room traffic).
    void sendRoomFrame(const QString &to, const QByteArray &utf8);
    /// The hub id this hub proposes to the cluster (its own); the first hub's is everyone's.
    void setLocalHubId(const QByteArray &hubId) { m_localHubId = hubId; }
    /// Sends @p utf8 to every other hub's peers; @p callback: whether Redis took it.
    void broadcast(const QByteArray &utf8, SentCallback callback = {});
    /// Hands an introduction answer (@p utf8, from @p answerer seen at @p observed) to the hub of its initiator
    /// @p initiator; false when that is not a peer of another hub.
    bool sendIntroductionAnswer(const QString &initiator, const QString &answerer, const QString &observed,
                                const QByteArray &utf8);
    /// Records a change of a room in Redis and tells the other hubs (the same @p op and @p args as
    /// Owner::clusterRoomOp); Rooms::Room @p room for a create.
    void publishRoomOp(const QString &op, const QString &name, const QStringList &args);
    void publishRoomCreate(const Rooms::Room &room);
    /// Tells the other hubs of a binding made (@p key) or released (empty @p key).
    void publishBinding(const QString &id, const QString &key);

    // Metrics.
    quint64 published() const { return m_published; }
    quint64 received() const { return m_received; }
    quint64 reconnects() const { return m_reconnects; }
    /// The last round trip of a probe over the bus (publish, then receive on this hub's own channel), seconds.
    double busLagSeconds() const { return m_busLagSeconds; }
    int pendingCommands() const { return m_commands->pending(); }

private:
    void connectNow();
    void onCommandsConnected();
    void onSubscriberConnected();
    void onSubscribed();
    void onLost(const QString &why);
    void synchronise();
    void renew();
    void checkHubs();
    void onMessage(const QByteArray &channel, const QByteArray &payload);
    void setUp(bool up);
    /// A room change from the bus ("op\nroom\nargs…"), handed to the owner.
    void applyRoomChange(const QByteArray &change);
    /// Publishes @p payload on @p channel with what else this turn publishes there (flush()).
    void publish(const QByteArray &channel, const QByteArray &payload, SentCallback callback);
    void flush(const QByteArray &channel);
    void flushAll();
    /// One message of the bus (a batch's records one by one).
    void onRecord(const QByteArray &channel, const QByteArray &payload);
    QByteArray hubChannel(const QByteArray &hub) const { return "peerlink:hub:" + hub; }
    /// Adds a peer of another hub (peer_connect), or moves one known before (peer_update when its entry changed).
    void putRemote(const QString &id, const QByteArray &hub, const QByteArray &entry);
    void dropRemote(const QString &id);

    struct Remote
    {
        QByteArray hub;
        QByteArray entry;
        qint64 seenMs = 0; // when it was last put (a hub check only drops what was there before it began)
    };

    RedisEndpoint m_endpoint;
    int m_timeoutMs;
    Owner &m_owner;
    RedisClient *m_commands;
    RedisClient *m_subscriber;
    QByteArray m_hub;
    QByteArray m_localHubId;
    QHash<QString, Remote> m_remote;
    QSet<QString> m_unconfirmed; // known before a sync, not listed by it: dropped unless announced again
    mutable QByteArray m_remoteEntries;
    mutable bool m_remoteDirty = true;
    struct Batch
    {
        QList<QByteArray> records;
        QList<SentCallback> callbacks;
        qsizetype bytes = 0;
    };
    static constexpr qsizetype kMaxBatchBytes = 256 * 1024;
    QHash<QByteArray, Batch> m_batches; // by channel, until the end of this turn
    QTimer m_flush;
    QTimer m_retry;
    QTimer m_beat; // liveness, leases and the hub check
    QElapsedTimer m_clock;
    int m_retryDelayMs = 0;
    int m_aliveHubs = 0;
    int m_syncGeneration = 0; // a sync answered after a newer one began is ignored
    qint64 m_probeSentMs = -1;
    qint64 m_beatSentMs = -1; // the oldest liveness beat not answered yet
    bool m_firstBeat = true;  // the first beat after a sync (this hub's key may be missing: it is just listing)
    bool m_roomsSynced = true; // false while a sync's read of the rooms is under way
    QList<QByteArray> m_heldRoomChanges; // room changes that came meanwhile
    QHash<QString, qint64> m_leftAt; // ids heard leaving (L, or their hub died), and when: a sync's older list loses
    qint64 m_syncedAtMs = -1000000000; // when this hub was last in sync (see checkHubs)
    double m_busLagSeconds = 0;
    quint64 m_published = 0;
    quint64 m_received = 0;
    quint64 m_reconnects = 0;
    bool m_commandsReady = false;
    bool m_subscriberReady = false;
    bool m_up = false;
    bool m_stopping = false;
    bool m_started = false;
};

} // namespace PeerLink
