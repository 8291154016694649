#include "cluster.h"

#include "core/secrets.h"
#include "hub/busformat.h"
#include "hub/logging.h"

#include <QDateTime>
#include <QScopeGuard>

#include <algorithm>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

// The scripts run atomically in Redis: a lease is taken, listed and announced in one step, so two hubs can never
// both hand out an id, and nobody hears of a peer that is not listed.

// KEYS: lease, peers hash. ARGV: hub, token, resume, ttl ms, id, entry.
constexpr char kClaimScript[] = R"lua(
local cur = redis.call('GET', KEYS[1])
if cur then
  local sp = string.find(cur, ' ', 1, true) or (#cur + 1)
  local h = string.sub(cur, 1, sp - 1)
  local t = string.sub(cur, sp + 1)
  if h ~= ARGV[1] then
    if ARGV[3] == '' or t ~= ARGV[3] then return 0 end
    redis.call('PUBLISH', 'peerlink:hub:' .. h, 'X\n' .. ARGV[1] .. '\n' .. ARGV[5])
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'PX', ARGV[4])
redis.call('HSET', KEYS[2], ARGV[5], ARGV[1] .. '\n' .. ARGV[6])
redis.call('PUBLISH', 'peerlink:all', 'J\n' .. ARGV[1] .. '\n' .. ARGV[5] .. '\n' .. ARGV[6])
return 1
)lua";

// KEYS: lease, peers hash. ARGV: hub, id, token. Only the lease this very session holds goes (another join of the
// id on this hub may hold it by now).
constexpr char kReleaseScript[] = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] .. ' ' .. ARGV[3] then return 0 end
redis.call('DEL', KEYS[1])
local p = redis.call('HGET', KEYS[2], ARGV[2])
if p and string.sub(p, 1, #ARGV[1] + 1) == ARGV[1] .. '\n' then
  redis.call('HDEL', KEYS[2], ARGV[2])
  redis.call('PUBLISH', 'peerlink:all', 'L\n' .. ARGV[1] .. '\n' .. ARGV[2])
end
return 1
)lua";

// KEYS: leases. ARGV: hub, ttl ms, then one token per lease. Returns, for each lease another hub holds now, its
// (1-based) index and that hub.
constexpr char kRenewScript[] = R"lua(
local mine = ARGV[1] .. ' '
local lost = {}
for i, k in ipairs(KEYS) do
  local cur = redis.call('GET', k)
  if not cur then
    redis.call('SET', k, mine .. ARGV[2 + i], 'PX', ARGV[2])
  elseif string.sub(cur, 1, #mine) == mine then
    redis.call('PEXPIRE', k, ARGV[2])
  else
    local sp = string.find(cur, ' ', 1, true) or (#cur + 1)
    table.insert(lost, i)
    table.insert(lost, string.sub(cur, 1, sp - 1))
  end
end
return lost
)lua";

// ARGV: hub, ttl ms, "first" for the first beat after a sync. Keeps this hub alive, drops the hubs whose key
// expired (and their peers' listing), and returns whether this hub was still listed, then the hubs alive. A hub
// whose own key had expired (it stalled, or Redis did) was taken for dead by the others: it does not reap anyone
// on that beat, and lists its peers again (Cluster::checkHubs).
constexpr char kBeatScript[] = R"lua(
local listed = redis.call('EXISTS', 'peerlink:hub:' .. ARGV[1])
redis.call('SET', 'peerlink:hub:' .. ARGV[1], '1', 'PX', ARGV[2])
redis.call('SADD', 'peerlink:hubs', ARGV[1])
if listed == 0 and ARGV[3] ~= 'first' then return { 0 } end
local alive = { 1 }
local dead = {}
for _, h in ipairs(redis.call('SMEMBERS', 'peerlink:hubs')) do
  if redis.call('EXISTS', 'peerlink:hub:' .. h) == 1 then
    table.insert(alive, h)
  else
    redis.call('SREM', 'peerlink:hubs', h)
    dead[h .. '\n'] = true
  end
end
if next(dead) ~= nil then
  local all = redis.call('HGETALL', 'peerlink:peers')
  for i = 1, #all, 2 do
    local nl = string.find(all[i + 1], '\n', 1, true)
    if nl and dead[string.sub(all[i + 1], 1, nl)] then redis.call('HDEL', 'peerlink:peers', all[i]) end
  end
end
return alive
)lua";

// ARGV: hub, "stop" or "keep-alive", then ids of its peers. A hub that stops takes its peers, leases and liveness
// along; with "keep-alive" only the listing and leases of those ids go (peers that left while Redis was away).
constexpr char kLeaveScript[] = R"lua(
local mine = ARGV[1] .. ' '
for i = 3, #ARGV do
  local id = ARGV[i]
  local cur = redis.call('GET', 'peerlink:id:' .. id)
  if cur and string.sub(cur, 1, #mine) == mine then redis.call('DEL', 'peerlink:id:' .. id) end
  local p = redis.call('HGET', 'peerlink:peers', id)
  if p and string.sub(p, 1, #ARGV[1] + 1) == ARGV[1] .. '\n' then
    redis.call('HDEL', 'peerlink:peers', id)
    redis.call('PUBLISH', 'peerlink:all', 'L\n' .. ARGV[1] .. '\n' .. id)
  end
end
if ARGV[2] == 'stop' then
  redis.call('DEL', 'peerlink:hub:' .. ARGV[1])
  redis.call('SREM', 'peerlink:hubs', ARGV[1])
end
return 1
)lua";

// ARGV: hub, op, room, then the op's arguments (create: invite-only, creator, members comma-separated, topic).
// The rooms (issue 17) kept in Redis: peerlink:rooms (names), peerlink:room:NAME (topic, invite_only, creator) and
// its lists :members, :managers, :invited. Each change is made here and published to every hub, which makes it too.
constexpr char kRoomScript[] = R"lua(
local hub, op, name = ARGV[1], ARGV[2], ARGV[3]
local k = 'peerlink:room:' .. name
local function add(key, v) if not redis.call('LPOS', key, v) then redis.call('RPUSH', key, v) end end
local function drop(n) local r = 'peerlink:room:' .. n
  redis.call('DEL', r, r .. ':members', r .. ':managers', r .. ':invited'); redis.call('SREM', 'peerlink:rooms', n) end
local function out(n, id) local r = 'peerlink:room:' .. n
  redis.call('LREM', r .. ':members', 0, id); redis.call('LREM', r .. ':managers', 0, id)
  redis.call('LREM', r .. ':invited', 0, id)
  if redis.call('LLEN', r .. ':members') == 0 then drop(n) end end
if op == 'create' then
  if redis.call('SISMEMBER', 'peerlink:rooms', name) == 1 then return 0 end
  redis.call('SET', 'peerlink:rooms:seeded', '1')
  redis.call('HSET', k, 'invite_only', ARGV[4], 'creator', ARGV[5], 'topic', ARGV[7])
  for m in string.gmatch(ARGV[6], '[^,]+') do add(k .. ':members', m) end
  redis.call('SADD', 'peerlink:rooms', name)
elseif op ~= 'forget' and redis.call('SISMEMBER', 'peerlink:rooms', name) == 0 then return 0
elseif op == 'add' then redis.call('LREM', k .. ':invited', 0, ARGV[4]); add(k .. ':members', ARGV[4])
elseif op == 'remove' then out(name, ARGV[4])
elseif op == 'invite' then add(k .. ':invited', ARGV[4])
elseif op == 'manager' then add(k .. ':managers', ARGV[4])
elseif op == 'topic' then redis.call('HSET', k, 'topic', ARGV[4])
elseif op == 'close' then drop(name)
elseif op == 'forget' then for _, n in ipairs(redis.call('SMEMBERS', 'peerlink:rooms')) do out(n, ARGV[4]) end
end
redis.call('PUBLISH', 'peerlink:all', 'R\n' .. table.concat(ARGV, '\n'))
return 1
)lua";

// Every room, and whether Redis has ever had rooms written (a Redis without the mark lost its data or is new).
constexpr char kRoomsDumpScript[] = R"lua(
local rooms = {}
for _, n in ipairs(redis.call('SMEMBERS', 'peerlink:rooms')) do
  local k = 'peerlink:room:' .. n
  local h = redis.call('HMGET', k, 'topic', 'invite_only', 'creator')
  table.insert(rooms, { n, h[1] or '', h[2] or '0', h[3] or '', redis.call('LRANGE', k .. ':members', 0, -1),
                        redis.call('LRANGE', k .. ':managers', 0, -1), redis.call('LRANGE', k .. ':invited', 0, -1) })
end
return { redis.call('EXISTS', 'peerlink:rooms:seeded'), rooms }
)lua";

const QByteArray kPeers = "peerlink:peers";
const QByteArray kBindings = "peerlink:bindings";
const QByteArray kAll = "peerlink:all";
const QByteArray kHubIdKey = "peerlink:hubid";

QByteArray leaseKey(const QString &id)
{
    return "peerlink:id:" + id.toUtf8();
}

} // namespace

Cluster::Cluster(const RedisEndpoint &endpoint, int timeoutMs, Owner &owner, QObject *parent)
    : QObject(parent)
    , m_endpoint(endpoint)
    , m_timeoutMs(timeoutMs)
    , m_owner(owner)
    , m_commands(new RedisClient(this))
    , m_subscriber(new RedisClient(this))
    , m_hub(randomHex(16).toLatin1())
{
    m_clock.start();
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &Cluster::connectNow);
    m_flush.setSingleShot(true);
    m_flush.setInterval(0);
    connect(&m_flush, &QTimer::timeout, this, &Cluster::flushAll);
    m_beat.setInterval(std::max(50, timeoutMs / 3));
    connect(&m_beat, &QTimer::timeout, this, [this] {
        // A Redis that takes connections but answers nothing (stopped, swapping) is as good as gone.
        if (m_beatSentMs >= 0 && m_clock.elapsed() - m_beatSentMs > m_timeoutMs) {
            onLost(u"Redis did not answer within %1 ms"_s.arg(m_timeoutMs));
            return;
        }
        renew();
        checkHubs();
    });
    connect(m_commands, &RedisClient::connected, this, &Cluster::onCommandsConnected);
    connect(m_subscriber, &RedisClient::connected, this, &Cluster::onSubscriberConnected);
    connect(m_subscriber, &RedisClient::subscribed, this, &Cluster::onSubscribed);
    connect(m_commands, &RedisClient::disconnected, this, &Cluster::onLost);
    connect(m_subscriber, &RedisClient::disconnected, this, &Cluster::onLost);
}

Cluster::~Cluster() = default;

void Cluster::start()
{
    m_started = true;
    m_stopping = false;
    connectNow();
}

void Cluster::connectNow()
{
    if (m_stopping)
        return;
    m_commandsReady = m_subscriberReady = false;
    m_commands->open(m_endpoint, m_timeoutMs);
    m_subscriber->open(m_endpoint, m_timeoutMs);
}

void Cluster::onCommandsConnected()
{
    m_commandsReady = true;
    if (m_subscriberReady)
        synchronise();
}

void Cluster::onSubscriberConnected()
{
    // Ready once Redis confirmed both subscriptions: what the sync then reads cannot miss a message published
    // before it.
    m_subscriber->subscribe({ kAll, hubChannel(m_hub) },
                            [this](const QByteArray &channel, const QByteArray &payload) { onMessage(channel, payload); });
}

void Cluster::onSubscribed()
{
    m_subscriberReady = true;
    if (m_commandsReady)
        synchronise();
}

void Cluster::onLost(const QString &why)
{
    if (m_stopping || !m_started)
        return;
    if (m_retry.isActive())
        return; // the other connection said so already
    if (m_up || m_retryDelayMs == 0)
        qCWarning(lcHub).noquote() << "cluster: Redis unavailable (" << why << "); serving this hub's peers only";
    setUp(false);
    m_beat.stop();
    m_commands->close();
    m_subscriber->close();
    // Again soon, then less often: 100 ms doubling to half the cluster timeout.
    m_retryDelayMs = m_retryDelayMs == 0 ? 100 : std::min(m_retryDelayMs * 2, std::max(100, m_timeoutMs / 2));
    m_retry.start(m_retryDelayMs);
}

void Cluster::setUp(bool up)
{
    if (m_up == up)
        return;
    m_up = up;
    m_owner.clusterStateChanged(up);
}

void Cluster::synchronise()
{
    // Both connections are up and the subscriptions asked for (the subscriber's commands go before anything this
    // connection sends only in their own order, so what is read here may be announced again on the bus: every
    // handler is idempotent).
    const int generation = ++m_syncGeneration;
    m_syncedAtMs = m_clock.elapsed();
    m_beatSentMs = -1;
    m_probeSentMs = -1;
    m_firstBeat = true;
    m_roomsSynced = false;
    if (m_retryDelayMs != 0)
        ++m_reconnects;
    if (!m_localHubId.isEmpty())
        m_commands->command({ "SET", kHubIdKey, m_localHubId, "NX" });
    m_commands->command({ "GET", kHubIdKey }, [this, generation](const RedisReply &r) {
        if (generation == m_syncGeneration && r.type == RedisReply::Type::String && !r.string.isEmpty()) {
            m_localHubId = r.string; // proposed again if Redis loses it, so that the id does not change
            m_owner.clusterHubId(r.string);
        }
    });
    checkHubs();
    // This hub's peers (after a loss of Redis, or of Redis' data) are listed and announced again; an id another
    // hub handed out meanwhile is that hub's now.
    for (const LocalPeer &p : m_owner.clusterLocalPeers()) {
        const QString id = p.id;
        claim(p.id, p.resumeToken, p.resumeToken, p.entry, [this, id](ClaimResult result) {
            if (result == ClaimResult::Taken)
                m_owner.clusterLostId(id);
        });
    }
    // Everyone else, as Redis lists them now.
    const qint64 asked = m_clock.elapsed();
    m_commands->command({ "HGETALL", kPeers }, [this, generation, asked](const RedisReply &r) {
        if (generation != m_syncGeneration || r.type != RedisReply::Type::Array)
            return;
        QSet<QString> listed;
        QSet<QString> local;
        for (const LocalPeer &p : m_owner.clusterLocalPeers())
            local.insert(p.id);
        QList<QByteArray> stale { "EVAL", kLeaveScript, "0", m_hub, "keep-alive" };
        for (qsizetype i = 0; i + 1 < r.elements.size(); i += 2) {
            const QString id = QString::fromUtf8(r.elements.at(i).string);
            const QByteArray &value = r.elements.at(i + 1).string;
            const qsizetype nl = value.indexOf('\n');
            if (nl <= 0)
                continue;
            const QByteArray hub = value.left(nl);
            if (hub == m_hub) {
                // Listed as this hub's, but it left while Redis was away: its listing goes now.
                if (!local.contains(id))
                    stale.append(id.toUtf8());
                continue;
            }
            listed.insert(id);
            // The bus is ahead of this list where it spoke since the list was asked for.
            const auto known = m_remote.constFind(id);
            if ((known != m_remote.cend() && known->seenMs > asked) || m_leftAt.value(id, -1) > asked)
                continue;
            putRemote(id, hub, value.mid(nl + 1));
        }
        if (stale.size() > 5)
            m_commands->command(stale);
        for (auto it = m_leftAt.begin(); it != m_leftAt.end();)
            it = it.value() <= asked ? m_leftAt.erase(it) : std::next(it);
        // Those not listed may have left while this hub was away, or their hub has not listed them again yet
        // (Redis lost its data): gone if nobody announced them within a timeout (checkHubs).
        m_unconfirmed.clear();
        for (auto it = m_remote.cbegin(); it != m_remote.cend(); ++it) {
            if (!listed.contains(it.key()) && it->seenMs <= asked)
                m_unconfirmed.insert(it.key());
        }
    });
    // Bindings: Redis' are everyone's; this hub's that Redis lacks are added (first binding wins).
    m_commands->command({ "HGETALL", kBindings }, [this, generation](const RedisReply &r) {
        if (generation != m_syncGeneration || r.type != RedisReply::Type::Array)
            return;
        QHash<QString, QString> cluster;
        for (qsizetype i = 0; i + 1 < r.elements.size(); i += 2)
            cluster.insert(QString::fromUtf8(r.elements.at(i).string), QString::fromUtf8(r.elements.at(i + 1).string));
        const QHash<QString, QString> local = m_owner.clusterLocalBindings();
        for (auto it = cluster.cbegin(); it != cluster.cend(); ++it) {
            if (local.value(it.key()) != it.value())
                m_owner.clusterBinding(it.key(), it.value());
        }
        for (auto it = local.cbegin(); it != local.cend(); ++it) {
            if (!cluster.contains(it.key()))
                publishBinding(it.key(), it.value());
        }
    });
    // Rooms: Redis' are everyone's; a Redis that never had any (new, or it lost its data) gets this hub's.
    m_commands->command({ "EVAL", kRoomsDumpScript, "0" }, [this, generation](const RedisReply &r) {
        if (generation != m_syncGeneration)
            return;
        // What came on the bus while this was read goes after it.
        const auto release = qScopeGuard([this] {
            m_roomsSynced = true;
            for (const QByteArray &change : std::exchange(m_heldRoomChanges, {}))
                applyRoomChange(change);
        });
        if (r.type != RedisReply::Type::Array || r.elements.size() != 2)
            return;
        if (r.elements.at(0).integer == 0) {
            for (const Rooms::Room &room : m_owner.clusterLocalRooms()) {
                publishRoomCreate(room);
                for (const QString &id : room.managers)
                    publishRoomOp(u"manager"_s, room.name, { id });
                for (const QString &id : room.invited)
                    publishRoomOp(u"invite"_s, room.name, { id });
            }
            return;
        }
        const auto strings = [](const RedisReply &list) {
            QStringList out;
            for (const RedisReply &e : list.elements)
                out.append(QString::fromUtf8(e.string));
            return out;
        };
        QList<Rooms::Room> rooms;
        for (const RedisReply &e : r.elements.at(1).elements) {
            if (e.elements.size() != 7)
                continue;
            Rooms::Room room;
            room.name = QString::fromUtf8(e.elements.at(0).string);
            room.topic = QString::fromUtf8(e.elements.at(1).string);
            room.inviteOnly = e.elements.at(2).string == "1";
            room.creator = QString::fromUtf8(e.elements.at(3).string);
            room.members = strings(e.elements.at(4));
            room.managers = strings(e.elements.at(5));
            room.invited = strings(e.elements.at(6));
            if (!room.members.isEmpty())
                rooms.append(room);
        }
        m_owner.clusterRooms(rooms);
    });
    m_commands->command({ "PING" }, [this, generation](const RedisReply &r) {
        if (generation != m_syncGeneration || r.isError())
            return;
        if (m_retryDelayMs != 0 || !m_up)
            qCInfo(lcHub).noquote() << "cluster: in sync over Redis at" << m_endpoint.host << m_endpoint.port << "as hub"
                                    << m_hub << "-" << m_remote.size() << "peers on" << std::max(0, m_aliveHubs - 1)
                                    << "other hubs";
        m_retryDelayMs = 0;
        setUp(true);
        m_beat.start();
    });
}

void Cluster::stop()
{
    flushAll(); // what this turn published still goes
    m_stopping = true;
    m_beat.stop();
    m_retry.stop();
    if (m_up) {
        QList<QByteArray> args { "EVAL", kLeaveScript, "0", m_hub, "stop" };
        for (const LocalPeer &p : m_owner.clusterLocalPeers())
            args.append(p.id.toUtf8());
        m_commands->command(args);
        m_commands->closeWhenDone();
    } else {
        m_commands->close();
    }
    m_subscriber->close();
    setUp(false);
}

// ---- Liveness and leases --------------------------------------------------------------------------------------

void Cluster::renew()
{
    const QList<LocalPeer> peers = m_owner.clusterLocalPeers();
    constexpr qsizetype kBatch = 500;
    for (qsizetype from = 0; from < peers.size(); from += kBatch) {
        const qsizetype n = std::min(kBatch, peers.size() - from);
        QList<QByteArray> args { "EVAL", kRenewScript, QByteArray::number(n) };
        QStringList ids;
        for (qsizetype i = from; i < from + n; ++i) {
            args.append(leaseKey(peers.at(i).id));
            ids.append(peers.at(i).id);
        }
        args.append(m_hub);
        args.append(QByteArray::number(m_timeoutMs));
        for (qsizetype i = from; i < from + n; ++i)
            args.append(peers.at(i).resumeToken.toUtf8());
        m_commands->command(args, [this, ids](const RedisReply &r) {
            if (r.type != RedisReply::Type::Array)
                return;
            // Another hub holds the lease: the peer resumed there (its take-over may not have reached this hub yet).
            for (qsizetype i = 0; i + 1 < r.elements.size(); i += 2) {
                const qint64 index = r.elements.at(i).integer;
                if (index < 1 || index > ids.size())
                    continue;
                const QString id = ids.at(index - 1);
                const QByteArray holder = r.elements.at(i + 1).string;
                const QByteArray entry = m_owner.clusterTakeover(id, holder);
                if (!entry.isEmpty() && !m_remote.contains(id)) {
                    m_remote.insert(id, Remote { holder, entry, m_clock.elapsed() });
                    m_remoteDirty = true;
                }
            }
        });
    }
    // The bus' round trip: published on this hub's own channel, timed when it comes back.
    if (m_probeSentMs < 0) {
        m_probeSentMs = m_clock.elapsed();
        publish(hubChannel(m_hub), "P\n" + m_hub, {});
    }
}

void Cluster::checkHubs()
{
    const qint64 asked = m_clock.elapsed();
    if (m_beatSentMs < 0)
        m_beatSentMs = asked;
    const int generation = m_syncGeneration;
    const bool first = m_firstBeat;
    m_firstBeat = false;
    m_commands->command({ "EVAL", kBeatScript, "0", m_hub, QByteArray::number(m_timeoutMs),
                          first ? QByteArray("first") : QByteArray("again") },
                        [this, asked, generation](const RedisReply &r) {
                            if (generation != m_syncGeneration)
                                return;
                            m_beatSentMs = -1;
                            if (r.type != RedisReply::Type::Array || r.elements.isEmpty())
                                return;
                            if (r.elements.at(0).integer == 0) {
                                // This hub was taken for dead (it, or Redis, stalled past the timeout): the others
                                // dropped its peers, so they are listed and announced again.
                                qCWarning(lcHub).noquote() << "cluster: this hub was taken for dead; listing its peers again";
                                synchronise();
                                return;
                            }
                            QSet<QByteArray> alive;
                            for (qsizetype i = 1; i < r.elements.size(); ++i)
                                alive.insert(r.elements.at(i).string);
                            m_aliveHubs = int(alive.size());
                            // Right after a sync the other hubs may not have listed themselves again yet (Redis
                            // lost its data, or they are reconnecting too): a hub is taken for dead only when it is
                            // still missing a whole timeout later.
                            if (m_clock.elapsed() - m_syncedAtMs < m_timeoutMs)
                                return;
                            const QSet<QString> unconfirmed = std::exchange(m_unconfirmed, {});
                            for (const QString &id : unconfirmed) {
                                const auto it = m_remote.constFind(id);
                                if (it != m_remote.cend() && it->seenMs <= m_syncedAtMs)
                                    dropRemote(id);
                            }
                            // Peers of a hub that died, listed before the check began (a hub that has just come
                            // announces its peers only after it is listed alive).
                            const auto known = m_remote;
                            for (auto it = known.cbegin(); it != known.cend(); ++it) {
                                if (!alive.contains(it->hub) && it->seenMs <= asked) {
                                    qCInfo(lcHub).noquote() << "cluster: hub" << it->hub << "is gone; its peer" << it.key()
                                                            << "with it";
                                    dropRemote(it.key());
                                    m_leftAt.insert(it.key(), m_clock.elapsed());
                                }
                            }
                        });
}

// ---- Requests -------------------------------------------------------------------------------------------------

const QByteArray &Cluster::remoteEntries() const
{
    if (m_remoteDirty) {
        m_remoteEntries.clear();
        qsizetype size = 0;
        for (const Remote &r : m_remote)
            size += r.entry.size() + 1;
        m_remoteEntries.reserve(size);
        for (const Remote &r : m_remote) {
            if (!m_remoteEntries.isEmpty())
                m_remoteEntries.append(',');
            m_remoteEntries.append(r.entry);
        }
        m_remoteDirty = false;
    }
    return m_remoteEntries;
}

void Cluster::claim(const QString &id, const QString &token, const QString &resume, const QByteArray &entry,
                    ClaimCallback callback)
{
    if (!m_commands->isReady()) {
        QMetaObject::invokeMethod(this, [callback] { callback(ClaimResult::Unavailable); }, Qt::QueuedConnection);
        return;
    }
    m_commands->command({ "EVAL", kClaimScript, "2", leaseKey(id), kPeers, m_hub, token.toUtf8(), resume.toUtf8(),
                          QByteArray::number(m_timeoutMs), id.toUtf8(), entry },
                        [this, id, callback](const RedisReply &r) {
                            if (r.isError()) {
                                callback(ClaimResult::Unavailable);
                                return;
                            }
                            if (r.integer == 1)
                                if (m_remote.remove(id))
                                    m_remoteDirty = true; // it is this hub's now
                            callback(r.integer == 1 ? ClaimResult::Claimed : ClaimResult::Taken);
                        });
}

void Cluster::release(const QString &id, const QString &token)
{
    if (!m_commands->isReady())
        return; // its lease expires, and its listing goes at this hub's next sync
    m_commands->command({ "EVAL", kReleaseScript, "2", leaseKey(id), kPeers, m_hub, id.toUtf8(), token.toUtf8() });
}

void Cluster::publish(const QByteArray &channel, const QByteArray &payload, SentCallback callback)
{
    // What this turn of the event loop publishes on one channel goes as one PUBLISH (a batch, 'M', when there is
    // more than one): one Redis command and one message to the receiving hubs instead of one per message.
    Batch &batch = m_batches[channel];
    if (batch.records.isEmpty() && !m_flush.isActive())
        m_flush.start();
    batch.bytes += payload.size();
    batch.records.append(payload);
    if (callback)
        batch.callbacks.append(std::move(callback));
    if (batch.bytes >= kMaxBatchBytes)
        flush(channel);
}

void Cluster::flushAll()
{
    const QList<QByteArray> channels = m_batches.keys();
    for (const QByteArray &channel : channels)
        flush(channel);
}

void Cluster::flush(const QByteArray &channel)
{
    auto it = m_batches.find(channel);
    if (it == m_batches.end() || it->records.isEmpty())
        return;
    Batch batch = std::move(*it);
    m_batches.erase(it);
    ++m_published;
    const QByteArray payload = batch.records.size() == 1 ? batch.records.first() : encodeBusBatch(m_hub, batch.records);
    if (batch.callbacks.isEmpty()) {
        m_commands->command({ "PUBLISH", channel, payload });
        return;
    }
    m_commands->command({ "PUBLISH", channel, payload }, [callbacks = std::move(batch.callbacks)](const RedisReply &r) {
        const bool reached = r.type == RedisReply::Type::Integer && r.integer > 0;
        for (const SentCallback &callback : callbacks)
            callback(reached);
    });
}

void Cluster::sendTo(const QString &to, const QString &sender, const QString &mid, const QByteArray &utf8,
                     SentCallback callback)
{
    const auto it = m_remote.constFind(to);
    if (it == m_remote.cend() || !m_up) {
        if (callback)
            QMetaObject::invokeMethod(this, [callback] { callback(false); }, Qt::QueuedConnection);
        return;
    }
    sendToHub(it->hub, to, sender, mid, utf8, std::move(callback));
}

void Cluster::sendToHub(const QByteArray &hub, const QString &to, const QString &sender, const QString &mid,
                        const QByteArray &utf8, SentCallback callback, char op)
{
    QByteArray payload;
    payload.reserve(utf8.size() + to.size() + sender.size() + mid.size() + m_hub.size() + 8);
    payload.append(op).append('\n').append(m_hub).append('\n').append(to.toUtf8()).append('\n').append(sender.toUtf8());
    payload.append('\n').append(mid.toUtf8()).append('\n').append(utf8);
    publish(hubChannel(hub), payload, std::move(callback));
}

void Cluster::broadcast(const QByteArray &utf8, SentCallback callback)
{
    QByteArray payload;
    payload.reserve(utf8.size() + m_hub.size() + 3);
    payload.append("B\n").append(m_hub).append('\n').append(utf8);
    publish(kAll, payload, std::move(callback));
}

bool Cluster::sendIntroductionAnswer(const QString &initiator, const QString &answerer, const QString &observed,
                                     const QByteArray &utf8)
{
    const auto it = m_remote.constFind(initiator);
    if (it == m_remote.cend() || !m_up)
        return false;
    publish(hubChannel(it->hub),
            "A\n" + m_hub + '\n' + answerer.toUtf8() + '\n' + observed.toUtf8() + '\n' + utf8, {});
    return true;
}

void Cluster::publishRoomOp(const QString &op, const QString &name, const QStringList &args)
{
    if (!m_commands->isReady())
        return; // this hub's rooms are taken over by the cluster's at the next sync
    QList<QByteArray> argv { "EVAL", kRoomScript, "0", m_hub, op.toUtf8(), name.toUtf8() };
    for (const QString &a : args)
        argv.append(a.toUtf8());
    m_commands->command(argv, [op, name](const RedisReply &r) {
        if (r.isError())
            qCWarning(lcHub).noquote() << "cluster: the change" << op << "of room" << name
                                       << "was not recorded in Redis:" << QString::fromUtf8(r.string);
    });
}

void Cluster::publishRoomCreate(const Rooms::Room &room)
{
    publishRoomOp(u"create"_s, room.name,
                  { room.inviteOnly ? u"1"_s : u"0"_s, room.creator, room.members.join(u','), room.topic });
}

void Cluster::sendRoomFrame(const QString &to, const QByteArray &utf8)
{
    const auto it = m_remote.constFind(to);
    if (it != m_remote.cend() && m_up)
        sendToHub(it->hub, to, QString(), QString(), utf8, {}, 'U');
}

void Cluster::publishBinding(const QString &id, const QString &key)
{
    if (!m_commands->isReady())
        return; // published with the others at the next sync
    if (key.isEmpty()) {
        m_commands->command({ "HDEL", kBindings, id.toUtf8() });
        publish(kAll, "F\n" + m_hub + '\n' + id.toUtf8(), {});
    } else {
        m_commands->command({ "HSETNX", kBindings, id.toUtf8(), key.toUtf8() }, [this, id, key](const RedisReply &r) {
            if (r.type == RedisReply::Type::Integer && r.integer == 1) {
                publish(kAll, "K\n" + m_hub + '\n' + id.toUtf8() + '\n' + key.toUtf8(), {});
                return;
            }
            // Bound elsewhere first (both hubs bound it at once): the cluster's binding is this hub's too.
            m_commands->command({ "HGET", kBindings, id.toUtf8() }, [this, id, key](const RedisReply &bound) {
                if (bound.type == RedisReply::Type::String && QString::fromUtf8(bound.string) != key)
                    m_owner.clusterBinding(id, QString::fromUtf8(bound.string));
            });
        });
    }
}

// ---- The bus --------------------------------------------------------------------------------------------------

void Cluster::putRemote(const QString &id, const QByteArray &hub, const QByteArray &entry)
{
    auto it = m_remote.find(id);
    m_remoteDirty = true;
    if (it == m_remote.end()) {
        m_remote.insert(id, Remote { hub, entry, m_clock.elapsed() });
        m_owner.clusterPeerJoined(id, entry);
        return;
    }
    const QByteArray previous = it->entry;
    it->hub = hub;
    it->entry = entry;
    it->seenMs = m_clock.elapsed();
    if (previous != entry)
        m_owner.clusterPeerMoved(id, entry, previous);
}

void Cluster::dropRemote(const QString &id)
{
    if (m_remote.remove(id)) {
        m_remoteDirty = true;
        m_owner.clusterPeerLeft(id);
    }
}

void Cluster::applyRoomChange(const QByteArray &rest)
{
    // op \n room \n args…; a create's topic (last) may hold newlines.
    const qsizetype opEnd = rest.indexOf('\n');
    if (opEnd <= 0)
        return;
    const QString op = QString::fromUtf8(rest.left(opEnd));
    const QByteArray after = rest.mid(opEnd + 1);
    const qsizetype nameEnd = after.indexOf('\n');
    const QString name = QString::fromUtf8(nameEnd < 0 ? after : after.left(nameEnd));
    const QByteArray argBytes = nameEnd < 0 ? QByteArray() : after.mid(nameEnd + 1);
    QStringList args;
    if (op == u"create") {
        const QList<QByteArray> f = busFields(argBytes, 4);
        if (f.size() != 4)
            return;
        for (const QByteArray &a : f)
            args.append(QString::fromUtf8(a));
    } else if (nameEnd >= 0) {
        args.append(QString::fromUtf8(argBytes));
    }
    m_owner.clusterRoomOp(op, name, args);
}

void Cluster::onMessage(const QByteArray &channel, const QByteArray &payload)
{
    ++m_received;
    if (payload.size() < 3 || payload.at(1) != '\n')
        return;
    const char op = payload.at(0);
    if (op == 'M') {
        // A batch: its records one by one, in order.
        for (const QByteArray &record : decodeBusBatch(payload))
            onRecord(channel, record);
        return;
    }
    onRecord(channel, payload);
}

void Cluster::onRecord(const QByteArray &channel, const QByteArray &payload)
{
    Q_UNUSED(channel)
    if (payload.size() < 3 || payload.at(1) != '\n')
        return;
    const char op = payload.at(0);
    const qsizetype hubEnd = payload.indexOf('\n', 2);
    const QByteArray hub = payload.mid(2, hubEnd < 0 ? -1 : hubEnd - 2);
    if (op == 'P') {
        if (hub == m_hub && m_probeSentMs >= 0) {
            m_busLagSeconds = double(m_clock.elapsed() - m_probeSentMs) / 1000.0;
            m_probeSentMs = -1;
        }
        return;
    }
    if (hubEnd < 0)
        return;
    // This hub's own broadcasts and announcements come back to it; of those, only room changes are applied again
    // (in Redis' order, which is every hub's: a change made here at the same time as one elsewhere ends the same).
    if (hub == m_hub && op != 'R')
        return;
    const QByteArray rest = payload.mid(hubEnd + 1);
    if (op == 'R' && !m_roomsSynced) {
        m_heldRoomChanges.append(rest); // applied after the rooms read at the sync under way
        return;
    }
    switch (op) {
    case 'T': {
        const QList<QByteArray> f = busFields(rest, 4);
        if (f.size() == 4)
            m_owner.clusterFrame(QString::fromUtf8(f[0]), hub, QString::fromUtf8(f[1]), QString::fromUtf8(f[2]), f[3]);
        return;
    }
    case 'U': {
        const QList<QByteArray> f = busFields(rest, 4);
        if (f.size() == 4)
            m_owner.clusterRoomFrame(QString::fromUtf8(f[0]), f[3]);
        return;
    }
    case 'R':
        applyRoomChange(rest);
        return;
    case 'B':
        m_owner.clusterBroadcast(rest);
        return;
    case 'J': {
        const QList<QByteArray> f = busFields(rest, 2);
        if (f.size() == 2)
            putRemote(QString::fromUtf8(f[0]), hub, f[1]);
        return;
    }
    case 'L': {
        const QString id = QString::fromUtf8(rest);
        const auto it = m_remote.constFind(id);
        if (it != m_remote.cend() && it->hub == hub) {
            dropRemote(id);
            m_leftAt.insert(id, m_clock.elapsed());
        }
        return;
    }
    case 'X': {
        // One of this hub's peers resumed on @p hub: it stays known, as that hub's (its J follows).
        const QString id = QString::fromUtf8(rest);
        const QByteArray entry = m_owner.clusterTakeover(id, hub);
        if (!entry.isEmpty()) {
            m_remote.insert(id, Remote { hub, entry, m_clock.elapsed() });
            m_remoteDirty = true;
        }
        return;
    }
    case 'A': {
        const QList<QByteArray> f = busFields(rest, 3);
        if (f.size() == 3)
            m_owner.clusterIntroductionAnswer(hub, QString::fromUtf8(f[0]), QString::fromUtf8(f[1]), f[2]);
        return;
    }
    case 'K': {
        const QList<QByteArray> f = busFields(rest, 2);
        if (f.size() == 2)
            m_owner.clusterBinding(QString::fromUtf8(f[0]), QString::fromUtf8(f[1]));
        return;
    }
    case 'F':
        m_owner.clusterBinding(QString::fromUtf8(rest), QString());
        return;
    default:
        return;
    }
}

} // namespace PeerLink
