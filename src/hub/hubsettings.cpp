#include "hubsettings.h"

#include "hub/hubmetrics.h"
#include "hub/redisclient.h"

#include "core/rules.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QObject>

#include <functional>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

// Largest config file read, in bytes: a config file is a few hundred bytes.
constexpr qint64 kMaxConfigBytes = 1024 * 1024;

using Apply = std::function<bool(HubServiceConfig &, const QString &, QString *)>;
using Show = std::function<QString(const HubServiceConfig &)>;

/// A declaration: what is documented, how a value is applied, and how the current value is written.
struct Setting
{
    HubSettingInfo info;
    Apply apply;
    Show show;
};

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

bool parseNumber(const HubSettingInfo &info, const QString &value, qint64 &out, QString *error)
{
    bool ok = false;
    const qint64 n = value.trimmed().toLongLong(&ok);
    if (!ok || n < info.minimum || n > info.maximum)
        return fail(error, u"%1 takes a whole number from %2 to %3 (got \"%4\")"_s.arg(info.key)
                               .arg(info.minimum)
                               .arg(info.maximum)
                               .arg(value));
    out = n;
    return true;
}

/// A whole-number setting of a HubConfig field, written in units of @p scale (1000 for seconds stored as ms).
template<typename T>
Setting number(const QString &key, const QString &member, const QString &valueName, const QString &unit, qint64 min,
               qint64 max, qint64 scale, T HubConfig::*field, const QString &description, bool dialog = false)
{
    HubSettingInfo info { key, u"hub."_s + member, valueName, HubSettingKind::Number, unit, min, max, QString(),
                          description, dialog };
    return Setting { info,
                     [info, field, scale](HubServiceConfig &c, const QString &v, QString *error) {
                         qint64 n = 0;
                         if (!parseNumber(info, v, n, error))
                             return false;
                         c.hub.*field = T(n * scale);
                         return true;
                     },
                     [field, scale](const HubServiceConfig &c) { return QString::number(qint64(c.hub.*field) / scale); } };
}

bool parseSwitch(const QString &key, const QString &value, bool &out, QString *error)
{
    const QString b = value.trimmed().toLower();
    if (b == u"yes" || b == u"true" || b == u"1" || b == u"on")
        out = true;
    else if (b == u"no" || b == u"false" || b == u"0" || b == u"off")
        out = false;
    else
        return fail(error, u"%1 takes yes or no (got \"%2\")"_s.arg(key, value));
    return true;
}

QString subnetText(const QPair<QHostAddress, int> &net)
{
    const bool whole = net.first.protocol() == QAbstractSocket::IPv6Protocol ? net.second == 128 : net.second == 32;
    return whole ? net.first.toString() : u"%1/%2"_s.arg(net.first.toString()).arg(net.second);
}

/// A comma-separated list of networks (CIDR, or one address for itself) into @p out; the whole list or nothing.
bool parseNetworks(const QString &key, const QString &value, QList<QPair<QHostAddress, int>> &out, QString *error)
{
    QList<QPair<QHostAddress, int>> nets;
    for (const QString &part : value.split(u',', Qt::SkipEmptyParts)) {
        const QString text = part.trimmed();
        if (text.isEmpty())
            continue;
        QPair<QHostAddress, int> net = QHostAddress::parseSubnet(text);
        if (net.first.isNull()) {
            const QHostAddress single(text);
            if (single.isNull() || text.contains(u'/'))
                return fail(error, u"%1 takes networks such as 127.0.0.0/8, ::1 (got \"%2\")"_s.arg(key, text.left(80)));
            net = { single, single.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32 };
        }
        nets.append(net);
    }
    out = nets;
    return true;
}

QString networksText(const QList<QPair<QHostAddress, int>> &nets)
{
    QStringList texts;
    for (const auto &net : nets)
        texts.append(subnetText(net));
    return texts.join(u", "_s);
}

// The declarations. Texts are English: they are the hub's (peerlink-hub --help, the man page, hub.conf).
const QList<Setting> &table()
{
    static const QList<Setting> settings = [] {
        QList<Setting> s;
        const auto add = [&s](HubSettingInfo info, Apply apply, Show show) {
            s.append(Setting { std::move(info), std::move(apply), std::move(show) });
        };
        add({ u"bind"_s, u"bind"_s, u"ADDR"_s, HubSettingKind::Address, QString(), 0, 0, QString(),
              u"Address to listen on: 127.0.0.1 (this machine only), 0.0.0.0 (every IPv4 interface) or :: (IPv4 and "
              "IPv6)."_s,
              true },
            [](HubServiceConfig &c, const QString &v, QString *error) {
                const QHostAddress a(v.trimmed());
                if (a.isNull())
                    return fail(error, u"bind takes an IP address such as 127.0.0.1 or :: (got \"%1\")"_s.arg(v));
                c.bind = a;
                return true;
            },
            [](const HubServiceConfig &c) { return c.bind.toString(); });
        const HubSettingInfo portInfo { u"port"_s, u"port"_s, u"N"_s, HubSettingKind::Number, QString(), 0, 65535,
                                        QString(), u"Port to listen on; 0 picks a free one."_s, true };
        add(portInfo,
            [portInfo](HubServiceConfig &c, const QString &v, QString *error) {
                qint64 n = 0;
                if (!parseNumber(portInfo, v, n, error))
                    return false;
                c.port = quint16(n);
                return true;
            },
            [](const HubServiceConfig &c) { return QString::number(c.port); });
        add({ u"name"_s, u"hub.name"_s, u"NAME"_s, HubSettingKind::Text, QString(), 1, Rules::MaxNameLength, QString(),
              u"Hub name announced to peers: 1 to 64 characters on one line."_s, true },
            [](HubServiceConfig &c, const QString &v, QString *error) {
                const QString name = v.trimmed();
                if (!Rules::isValidName(name))
                    return fail(error, u"name takes 1 to %1 characters on one line"_s.arg(Rules::MaxNameLength));
                c.hub.name = name;
                return true;
            },
            [](const HubServiceConfig &c) { return c.hub.name; });
        add({ u"password"_s, u"hub.password"_s, u"P"_s, HubSettingKind::Secret, QString(), 0, 0, QString(),
              u"Password peers must give to join; empty for none. The environment variable PEERLINK_HUB_PASSWORD does "
              "the same without showing it to other users of the machine."_s,
              true },
            [](HubServiceConfig &c, const QString &v, QString *) {
                c.hub.password = v;
                return true;
            },
            [](const HubServiceConfig &c) { return c.hub.password; });
        s.append(number(u"max-message-bytes"_s, u"maxMessageBytes"_s, u"N"_s, u"bytes"_s, 256, 512LL * 1024 * 1024, 1,
                        &HubConfig::maxMessageBytes,
                        u"Largest message accepted; a larger one gets too_large and close 1009."_s, true));
        s.append(number(u"hard-frame-bytes"_s, u"hardFrameBytes"_s, u"N"_s, u"bytes"_s, 0, 1024LL * 1024 * 1024, 1,
                        &HubConfig::hardFrameBytes,
                        u"Largest frame or message the WebSocket layer buffers at all (bounds memory per connection; "
                        "closed with 1009 on its header); 0 for twice max-message-bytes."_s));
        s.append(number(u"max-peers"_s, u"maxPeers"_s, u"N"_s, QString(), 1, 1000000, 1, &HubConfig::maxPeers,
                        u"Most peers joined at once; more get hub_full."_s, true));
        s.append(number(u"rate"_s, u"messagesPerSecond"_s, u"N"_s, u"messages per second"_s, 0, 1000000, 1,
                        &HubConfig::messagesPerSecond,
                        u"Messages per second per peer, 0 for no limit; more get rate_limited."_s, true));
        s.append(number(u"burst"_s, u"messageBurst"_s, u"N"_s, u"messages"_s, 1, 1000000, 1, &HubConfig::messageBurst,
                        u"Messages a peer may send in a burst."_s));
        s.append(number(u"byte-rate"_s, u"bytesPerSecond"_s, u"N"_s, u"bytes per second"_s, 0, 1LL << 40, 1,
                        &HubConfig::bytesPerSecond, u"Bytes per second per peer, 0 for no limit."_s));
        s.append(number(u"byte-burst"_s, u"byteBurst"_s, u"N"_s, u"bytes"_s, 1, 1LL << 40, 1, &HubConfig::byteBurst,
                        u"Bytes a peer may send in a burst."_s));
        s.append(number(u"file-relay-rate"_s, u"fileRelayBytesPerSecond"_s, u"N"_s, u"bytes per second"_s, 0, 1LL << 40,
                        1, &HubConfig::fileRelayBytesPerSecond,
                        u"Bytes per second of relayed file chunks per peer (rate_limited beyond), 0 for no limit but the "
                        "byte rate."_s));
        s.append(number(u"max-invalid"_s, u"maxInvalidMessages"_s, u"N"_s, u"messages"_s, 0, 1000000, 1,
                        &HubConfig::maxInvalidMessages,
                        u"Invalid messages tolerated before a peer is disconnected with close 1008."_s));
        s.append(number(u"ping-interval"_s, u"pingIntervalMs"_s, u"S"_s, u"seconds"_s, 0, 3600, 1000,
                        &HubConfig::pingIntervalMs, u"Seconds between heartbeats (WebSocket pings), 0 to switch them off."_s));
        s.append(number(u"ping-timeout"_s, u"pingTimeoutMs"_s, u"S"_s, u"seconds"_s, 1, 3600, 1000,
                        &HubConfig::pingTimeoutMs,
                        u"Seconds of silence after a heartbeat before a peer is dropped and announced gone."_s));
        s.append(number(u"handshake-timeout"_s, u"handshakeTimeoutMs"_s, u"S"_s, u"seconds"_s, 1, 3600, 1000,
                        &HubConfig::handshakeTimeoutMs, u"Seconds a new connection has for its WebSocket handshake."_s));
        s.append(number(u"join-timeout"_s, u"joinTimeoutMs"_s, u"S"_s, u"seconds"_s, 1, 3600, 1000,
                        &HubConfig::joinTimeoutMs, u"Seconds a new connection has to join."_s));
        s.append(number(u"reconnect-grace"_s, u"reconnectGraceMs"_s, u"MS"_s, u"milliseconds"_s, 0, 600000, 1,
                        &HubConfig::reconnectGraceMs,
                        u"Milliseconds a peer whose connection dropped keeps its place before the others are told it "
                        "left, 0 to tell them at once."_s));
        s.append(number(u"max-held-messages"_s, u"maxGhostQueue"_s, u"N"_s, u"messages"_s, 0, 100000, 1,
                        &HubConfig::maxGhostQueue,
                        u"Messages held for a peer within its reconnect grace; more are refused to their senders "
                        "with peer_unavailable."_s));
        s.append(number(u"max-connections-per-address"_s, u"maxConnectionsPerAddress"_s, u"N"_s, QString(), 0, 1000000,
                        1, &HubConfig::maxConnectionsPerAddress,
                        u"Connections from one IP address at most, 0 for no limit; more get hub_full. Peers behind one "
                        "NAT share an address."_s,
                        true));
        s.append(number(u"autoban-connections"_s, u"autobanConnections"_s, u"N"_s, u"connections"_s, 0, 1000000, 1,
                        &HubConfig::autobanConnections,
                        u"Ban an address that opens more connections than this within the autoban window, 0 to switch "
                        "autoban off."_s));
        s.append(number(u"autoban-window"_s, u"autobanWindowMs"_s, u"S"_s, u"seconds"_s, 1, 86400, 1000,
                        &HubConfig::autobanWindowMs, u"Seconds over which connections are counted for the autoban."_s));
        s.append(number(u"autoban-duration"_s, u"autobanDurationMs"_s, u"S"_s, u"seconds"_s, 1, 86400, 1000,
                        &HubConfig::autobanDurationMs, u"Seconds an autobanned address is refused."_s));
        add({ u"autoban-ignore"_s, u"hub.autobanIgnore"_s, u"LIST"_s, HubSettingKind::List, QString(), 0, 0, QString(),
              u"Comma-separated networks (CIDR) the autoban never counts; empty to count every address."_s },
            [](HubServiceConfig &c, const QString &v, QString *error) {
                return parseNetworks(u"autoban-ignore"_s, v, c.hub.autobanIgnore, error);
            },
            [](const HubServiceConfig &c) { return networksText(c.hub.autobanIgnore); });
        add({ u"trusted-proxies"_s, u"hub.trustedProxies"_s, u"LIST"_s, HubSettingKind::List, QString(), 0, 0,
              QString(),
              u"Comma-separated networks (CIDR) of the reverse proxies in front of the hub, such as 127.0.0.1/32, "
              "::1/128, 10.0.0.0/8. A connection from one of them may name its client with a PROXY protocol header "
              "(v1 or v2) or X-Forwarded-For, and that client's address is the one every per-address limit, ban and "
              "log uses; from any other address both are ignored. Empty: nothing is believed."_s },
            [](HubServiceConfig &c, const QString &v, QString *error) {
                return parseNetworks(u"trusted-proxies"_s, v, c.hub.trustedProxies, error);
            },
            [](const HubServiceConfig &c) { return networksText(c.hub.trustedProxies); });
        s.append(number(u"max-queued-bytes"_s, u"maxQueuedBytes"_s, u"N"_s, u"bytes"_s, 4096, 1LL << 40, 1,
                        &HubConfig::maxQueuedBytes,
                        u"Outgoing bytes queued for one peer before it is dropped as not reading (checked for every frame, and for "
                          "the broadcasts of one event-loop turn, which are kept once for all peers, when they are written)."_s));
        s.append(number(u"introduction-timeout"_s, u"introductionTimeoutMs"_s, u"S"_s, u"seconds"_s, 1, 3600, 1000,
                        &HubConfig::introductionTimeoutMs,
                        u"Seconds a direct-link introduction waits for the other peer's answer."_s));
        s.append(number(u"max-pending-introductions"_s, u"maxPendingIntroductions"_s, u"N"_s, QString(), 1, 10000, 1,
                        &HubConfig::maxPendingIntroductions,
                        u"Introductions one peer may have waiting for an answer at once; more get rate_limited."_s));
        s.append(number(u"max-pending-connections"_s, u"maxPendingConnections"_s, u"N"_s, QString(), 1, 1000000, 1,
                        &HubConfig::maxPendingConnections,
                        u"Connections accepted and upgraded but not yet taken up by the hub."_s));
        s.append(number(u"max-handshakes"_s, u"maxHandshakes"_s, u"N"_s, QString(), 0, 1000000, 1,
                        &HubConfig::maxHandshakes,
                        u"Connections in their WebSocket handshake (or before their first socket.io polling request) at once, 0 for no limit; more are answered 503 "
                        "and closed."_s));
        s.append(number(u"max-request-head-bytes"_s, u"maxRequestHeadBytes"_s, u"N"_s, u"bytes"_s, 1024, 1048576, 1,
                        &HubConfig::maxRequestHeadBytes,
                        u"Largest HTTP request head (request line and headers) of a WebSocket handshake or a socket.io "
                        "polling request; a longer one is refused (503 before the handshake, 431 on a polling "
                        "connection) and closed."_s));
        s.append(number(u"socketio-max-pending-acks"_s, u"socketIoMaxPendingAcks"_s, u"N"_s, QString(), 1, 1000000, 1,
                        &HubConfig::socketIoMaxPendingAcks,
                        u"Messages of one socket.io client that may wait for the hub's answer to their acknowledgement "
                        "callback; more are answered rate_limited at once."_s));
        s.append(number(u"listen-backlog"_s, u"listenBacklog"_s, u"N"_s, QString(), 1, 65535, 1,
                        &HubConfig::listenBacklog,
                        u"Connections the system may queue before the hub accepts them (capped by "
                        "net.core.somaxconn)."_s));
        add({ u"allowed-origins"_s, u"hub.allowedOrigins"_s, u"LIST"_s, HubSettingKind::List, QString(), 0, 0, QString(),
              u"Comma-separated Origins of web pages allowed to connect; empty for none."_s },
            [](HubServiceConfig &c, const QString &v, QString *) {
                QStringList origins;
                for (const QString &o : v.split(u',', Qt::SkipEmptyParts)) {
                    if (!o.trimmed().isEmpty())
                        origins.append(o.trimmed());
                }
                c.hub.allowedOrigins = origins;
                return true;
            },
            [](const HubServiceConfig &c) { return c.hub.allowedOrigins.join(u", "_s); });
        add({ u"allow-no-origin"_s, u"hub.allowNoOrigin"_s, u"yes|no"_s, HubSettingKind::Switch, QString(), 0, 0,
              QString(), u"Let in clients that send no Origin, such as desktop apps and peerlink-cli."_s },
            [](HubServiceConfig &c, const QString &v, QString *error) {
                return parseSwitch(u"allow-no-origin"_s, v, c.hub.allowNoOrigin, error);
            },
            [](const HubServiceConfig &c) { return c.hub.allowNoOrigin ? u"yes"_s : u"no"_s; });
        add({ u"socketio"_s, u"hub.socketIo"_s, u"yes|no"_s, HubSettingKind::Switch, QString(), 0, 0, QString(),
              u"Serve socket.io clients (Engine.IO 4, Socket.IO 5; long-polling and WebSocket) under /socket.io/ on "
              "the hub's port, mapped onto the hub's own protocol with the same limits."_s },
            [](HubServiceConfig &c, const QString &v, QString *error) {
                return parseSwitch(u"socketio"_s, v, c.hub.socketIo, error);
            },
            [](const HubServiceConfig &c) { return c.hub.socketIo ? u"yes"_s : u"no"_s; });
        add({ u"metrics"_s, u"hub.metrics"_s, u"ADDR:PORT"_s, HubSettingKind::Text, QString(), 0, 0, QString(),
              u"Serve Prometheus metrics (text format) at http://ADDR:PORT/metrics, on a listener of their own; empty "
              "(the default) for none. Expose it to the monitoring network only."_s },
            [](HubServiceConfig &c, const QString &v, QString *error) {
                const QString t = v.trimmed();
                QHostAddress address;
                quint16 port = 0;
                if (!t.isEmpty() && !parseMetricsEndpoint(t, &address, &port, error))
                    return false;
                c.hub.metrics = t;
                return true;
            },
            [](const HubServiceConfig &c) { return c.hub.metrics; });
        add({ u"redis"_s, u"hub.redis"_s, u"URL"_s, HubSettingKind::Text, QString(), 0, 0, QString(),
              u"Cluster mode: the Redis server (redis://[:PASSWORD@]HOST[:PORT][/DB]) that the hubs of one cluster "
              "share as their state and bus; every hub of the cluster names the same one. Empty (the default): a hub "
              "of its own."_s },
            [](HubServiceConfig &c, const QString &v, QString *error) {
                const QString t = v.trimmed();
                if (!t.isEmpty() && !RedisEndpoint::parse(t, nullptr, error))
                    return false;
                c.hub.redis = t;
                return true;
            },
            [](const HubServiceConfig &c) { return c.hub.redis; });
        s.append(number(u"cluster-timeout"_s, u"clusterTimeoutMs"_s, u"MS"_s, u"ms"_s, 300, 600000, 1,
                        &HubConfig::clusterTimeoutMs,
                        u"Cluster mode: how long a peer's lease and a hub's liveness last in Redis without being "
                        "renewed. The peers of a hub that dies are announced gone within about 4/3 of it; a hub that "
                        "cannot reach Redis within it serves only its own peers until Redis is back."_s));
        add({ u"data-dir"_s, u"hub.dataDir"_s, u"DIR"_s, HubSettingKind::File, QString(), 0, 0, QString(),
              u"Directory for the hub's state: its id, which identity key each peer id is bound to, the mailbox "
              "of messages kept for absent peers, and the rooms with their members (made when missing). Empty: kept "
              "in memory only, so bindings, stored messages and rooms are forgotten when the hub stops."_s },
            [](HubServiceConfig &c, const QString &v, QString *) {
                c.hub.dataDir = v.trimmed();
                return true;
            },
            [](const HubServiceConfig &c) { return c.hub.dataDir; });
        add({ u"relay-files"_s, u"hub.relayFiles"_s, u"yes|no"_s, HubSettingKind::Switch, QString(), 0, 0, QString(),
              u"Relay file chunks between peers without a direct link (no: file_relay_refused to the sender)."_s },
            [](HubServiceConfig &c, const QString &v, QString *error) {
                return parseSwitch(u"relay-files"_s, v, c.hub.relayFiles, error);
            },
            [](const HubServiceConfig &c) { return c.hub.relayFiles ? u"yes"_s : u"no"_s; });
        add({ u"require-identity"_s, u"hub.requireIdentity"_s, u"yes|no"_s, HubSettingKind::Switch, QString(), 0, 0,
              QString(),
              u"Refuse peers that join without an identity key (identity_required); older clients cannot join."_s },
            [](HubServiceConfig &c, const QString &v, QString *error) {
                return parseSwitch(u"require-identity"_s, v, c.hub.requireIdentity, error);
            },
            [](const HubServiceConfig &c) { return c.hub.requireIdentity ? u"yes"_s : u"no"_s; });
        s.append(number(u"max-bound-ids"_s, u"maxBoundIds"_s, u"N"_s, u"ids"_s, 1, 10000000, 1, &HubConfig::maxBoundIds,
                        u"Ids bound to an identity key at most (kept in data-dir); a join that would bind one more is "
                        "refused with hub_full."_s));
        s.append(number(u"mailbox-ttl"_s, u"mailboxTtlMs"_s, u"S"_s, u"seconds"_s, 1, 366LL * 24 * 3600, 1000,
                        &HubConfig::mailboxTtlMs,
                        u"Seconds the hub keeps an end-to-end message for an absent peer whose id is bound to a key; "
                        "then it is dropped and its sender gets expired."_s));
        s.append(number(u"mailbox-messages"_s, u"mailboxMessages"_s, u"N"_s, u"messages"_s, 0, 10000000, 1,
                        &HubConfig::mailboxMessages,
                        u"Messages kept for one absent peer at most, more get mailbox_full; 0 switches "
                        "store-and-forward off (peer_unavailable, as without a mailbox)."_s));
        s.append(number(u"mailbox-bytes"_s, u"mailboxBytes"_s, u"N"_s, u"bytes"_s, 1024, 1LL << 40, 1,
                        &HubConfig::mailboxBytes,
                        u"Bytes of messages kept for one absent peer at most; more get mailbox_full. Keep it below half of "
                        "max-queued-bytes, so that a peer gets all of it at once when it joins."_s));
        s.append(number(u"mailbox-total-bytes"_s, u"mailboxTotalBytes"_s, u"N"_s, u"bytes"_s, 1024, 1LL << 50, 1,
                        &HubConfig::mailboxTotalBytes,
                        u"Bytes of messages the mailbox keeps in all (in data-dir's mailbox.sqlite) at most; more get "
                        "mailbox_full."_s));
        s.append(number(u"max-rooms"_s, u"maxRooms"_s, u"N"_s, u"rooms"_s, 0, 1000000, 1, &HubConfig::maxRooms,
                        u"Rooms the hub keeps at most (in data-dir's rooms.sqlite); creating one more is refused with "
                        "rooms_full. 0: nobody may create a room."_s));
        s.append(number(u"max-rooms-per-peer"_s, u"maxRoomsPerPeer"_s, u"N"_s, u"rooms"_s, 1, 100000, 1,
                        &HubConfig::maxRoomsPerPeer,
                        u"Rooms one peer may be a member of at most (its own included); creating or joining one more is "
                        "refused with room_limit."_s));
        s.append(number(u"max-room-members"_s, u"maxRoomMembers"_s, u"N"_s, u"members"_s, 2, 1000000, 1,
                        &HubConfig::maxRoomMembers,
                        u"Members of one room at most, and invitations waiting in it; one more is refused with "
                        "room_full."_s));
        add({ u"tls-cert"_s, u"hub.tlsCertificate"_s, u"FILE"_s, HubSettingKind::File, QString(), 0, 0, QString(),
              u"Serve wss:// with this certificate (PEM; with tls-key); empty for plain ws://."_s, true },
            [](HubServiceConfig &c, const QString &v, QString *error) {
                if (v.trimmed().isEmpty()) { // empty: plain ws://
                    c.hub.tlsCertificate = QSslCertificate();
                    return true;
                }
                const auto certs = QSslCertificate::fromPath(v.trimmed(), QSsl::Pem);
                if (certs.isEmpty())
                    return fail(error, u"tls-cert: no PEM certificate in \"%1\""_s.arg(v));
                c.hub.tlsCertificate = certs.constFirst();
                return true;
            },
            [](const HubServiceConfig &) { return QString(); });
        add({ u"tls-key"_s, u"hub.tlsKey"_s, u"FILE"_s, HubSettingKind::File, QString(), 0, 0, QString(),
              u"The private key of tls-cert (PEM, unencrypted RSA or EC)."_s, true },
            [](HubServiceConfig &c, const QString &v, QString *error) {
                if (v.trimmed().isEmpty()) {
                    c.hub.tlsKey = QSslKey();
                    return true;
                }
                QFile f(v.trimmed());
                if (!f.open(QIODevice::ReadOnly))
                    return fail(error, u"tls-key: cannot read \"%1\": %2"_s.arg(v, f.errorString()));
                const QByteArray pem = f.read(1024 * 1024);
                for (QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec }) {
                    QSslKey key(pem, algorithm, QSsl::Pem);
                    if (!key.isNull()) {
                        c.hub.tlsKey = key;
                        return true;
                    }
                }
                return fail(error, u"tls-key: no unencrypted RSA or EC key in \"%1\""_s.arg(v));
            },
            [](const HubServiceConfig &) { return QString(); });
        // Defaults come from a default configuration, so they cannot drift from HubConfig's initialisers.
        const HubServiceConfig defaults;
        for (Setting &setting : s)
            setting.info.defaultValue = setting.show(defaults);
        return s;
    }();
    return settings;
}

const Setting *findSetting(const QString &key)
{
    for (const Setting &s : table()) {
        if (s.info.key == key)
            return &s;
    }
    return nullptr;
}

QString unitText(const HubSettingInfo &info)
{
    return info.unit.isEmpty() ? QString() : u" "_s + info.unit;
}

} // namespace

QString hubSettingHelp(const HubSettingInfo &info)
{
    if (info.kind == HubSettingKind::Secret || info.kind == HubSettingKind::File)
        return info.description;
    const QString value = info.defaultValue.isEmpty() ? u"empty"_s : info.defaultValue + unitText(info);
    return u"%1 Default: %2."_s.arg(info.description, value);
}

namespace {

/// @p text as `# ` comment lines of at most about 116 columns.
QString commentLines(const QString &text)
{
    QString out;
    QString line;
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > 114) {
            out += u"# "_s + line + u'\n';
            line.clear();
        }
        line += (line.isEmpty() ? QString() : u" "_s) + word;
    }
    return out + u"# "_s + line + u'\n';
}

QString roffEscape(QString text)
{
    text.replace(u'\\', u"\\e"_s);
    text.replace(u'-', u"\\-"_s);
    return text;
}

} // namespace

QList<HubSettingInfo> hubSettings()
{
    QList<HubSettingInfo> list;
    for (const Setting &s : table())
        list.append(s.info);
    return list;
}

const HubSettingInfo *findHubSetting(const QString &key)
{
    const Setting *s = findSetting(key);
    return s ? &s->info : nullptr;
}

QStringList hubDialogSettingKeys()
{
    QStringList keys;
    for (const Setting &s : table()) {
        if (s.info.dialogField)
            keys.append(s.info.key);
    }
    return keys;
}

bool applyHubSetting(HubServiceConfig &config, const QString &key, const QString &value, QString *error)
{
    const Setting *s = findSetting(key);
    if (!s)
        return fail(error, u"unknown setting \"%1\""_s.arg(key.left(80)));
    HubServiceConfig candidate = config;
    if (!s->apply(candidate, value, error))
        return false;
    config = candidate;
    return true;
}

bool loadHubConfigFile(const QString &path, HubServiceConfig &config, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(error, u"%1: cannot read: %2"_s.arg(path, file.errorString()));
    if (file.size() > kMaxConfigBytes)
        return fail(error, u"%1: larger than %2 bytes; not a config file"_s.arg(path).arg(kMaxConfigBytes));
    const QByteArray bytes = file.readAll();
    const QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() != bytes)
        return fail(error, u"%1: not valid UTF-8"_s.arg(path));
    return applyHubSettingsText(text, path, config, error);
}

bool applyHubSettingsText(const QString &text, const QString &source, HubServiceConfig &config, QString *error,
                          const QStringList &reservedKeys)
{
    HubServiceConfig candidate = config;
    int lineNumber = 0;
    for (const QString &raw : text.split(u'\n')) {
        ++lineNumber;
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';'))
            continue;
        const qsizetype eq = line.indexOf(u'=');
        if (eq <= 0)
            return fail(error, u"%1:%2: expected \"key = value\""_s.arg(source).arg(lineNumber));
        const QString key = line.left(eq).trimmed();
        const QString value = line.mid(eq + 1).trimmed();
        if (reservedKeys.contains(key))
            return fail(error, u"%1:%2: \"%3\" has a field of its own above; set it there"_s.arg(source).arg(lineNumber).arg(key));
        QString why;
        if (!applyHubSetting(candidate, key, value, &why))
            return fail(error, u"%1:%2: %3"_s.arg(source).arg(lineNumber).arg(why));
    }
    config = candidate;
    return true;
}

QString hubSettingsManPage()
{
    QString out;
    for (const Setting &s : table()) {
        const HubSettingInfo &i = s.info;
        out += u".TP\n.BI \\-\\-%1 \" %2\"\n%3\n"_s.arg(roffEscape(i.key), i.valueName, roffEscape(hubSettingHelp(i)));
    }
    return out;
}

QString hubSettingsConfFile(const QList<std::pair<QString, QString>> &packaged)
{
    QString out;
    for (const Setting &s : table()) {
        const HubSettingInfo &i = s.info;
        QString value = i.defaultValue;
        for (const auto &[key, v] : packaged) {
            if (key == i.key)
                value = v;
        }
        out += commentLines(hubSettingHelp(i)) + u"%1 =%2\n"_s.arg(i.key, value.isEmpty() ? QString() : u" "_s + value);
    }
    return out;
}

QString hubSettingsMarkdown()
{
    QString out = u"| key (`--key`) | value | default | field | what it does |\n|---|---|---|---|---|\n"_s;
    for (const Setting &s : table()) {
        const HubSettingInfo &i = s.info;
        QString range;
        if (i.kind == HubSettingKind::Number)
            range = u"%1 to %2%3"_s.arg(i.minimum).arg(i.maximum).arg(unitText(i));
        else if (i.kind == HubSettingKind::Switch)
            range = u"yes or no"_s;
        else if (i.kind == HubSettingKind::Text)
            range = u"1 to %1 characters"_s.arg(i.maximum);
        else
            range = i.valueName;
        const QString def = i.kind == HubSettingKind::Secret || i.kind == HubSettingKind::File
            ? u"none"_s
            : (i.defaultValue.isEmpty() ? u"empty"_s : u"`%1`"_s.arg(i.defaultValue));
        out += u"| `%1` | %2 | %3 | `%4` | %5%6 |\n"_s.arg(i.key, range, def, i.member, i.description,
                                                        i.dialogField ? u" *(a field of the app's hosting options)*"_s
                                                                      : QString());
    }
    return out;
}

bool loadBanFile(const QString &path, BanList &bans, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = u"%1: cannot read: %2"_s.arg(path, file.errorString());
        return false;
    }
    if (file.size() > 16 * kMaxConfigBytes) {
        if (error)
            *error = u"%1: larger than %2 bytes"_s.arg(path).arg(16 * kMaxConfigBytes);
        return false;
    }
    BanList list;
    int lineNumber = 0;
    for (const QString &raw : QString::fromUtf8(file.readAll()).split(u'\n')) {
        ++lineNumber;
        const QString line = raw.section(u'#', 0, 0).trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith(u"id:")) {
            const QString id = line.mid(3).trimmed();
            if (!Rules::isValidId(id)) {
                if (error)
                    *error = u"%1:%2: \"%3\" is not a valid peer id"_s.arg(path).arg(lineNumber).arg(id.left(80));
                return false;
            }
            list.ids.append(id);
            continue;
        }
        const QHostAddress address(line);
        if (address.isNull()) {
            if (error)
                *error = u"%1:%2: expected an IP address or id:NAME (got \"%3\")"_s
                             .arg(path)
                             .arg(lineNumber)
                             .arg(line.left(80));
            return false;
        }
        list.addresses.append(address);
    }
    bans = list;
    return true;
}

} // namespace PeerLink
