#pragma once

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>
#include <QStringList>

namespace PeerLink {

/// Everything an operator can tune on a hub. Defaults are documented in docs/protocol.md ("Limits").
struct HubConfig
{
    /// Name announced in `welcome`.
    QString name = QStringLiteral("PeerLink hub");
    /// When non-empty, `join` must carry this password (`auth_failed` otherwise).
    QString password;

    /// Largest JSON message accepted, in bytes of UTF-8. Larger: `error too_large`, then close 1009.
    qint64 maxMessageBytes = 64 * 1024;
    /// Largest frame or message the WebSocket layer buffers at all (0 = twice maxMessageBytes). Beyond it the
    /// connection is closed with 1009 without reading the rest; this bounds memory per connection.
    qint64 hardFrameBytes = 0;

    /// A peer whose connection drops (no leave, no close handshake) is announced gone only after this grace; if it
    /// resumes with its token in time, the others see nothing. Messages to it wait (at most `maxGhostQueue`).
    /// 0 = announce at once.
    int reconnectGraceMs = 3000;
    int maxGhostQueue = 256;
    /// Joined peers at most; more get `hub_full`.
    int maxPeers = 10000;
    /// Connections from one IP address at most (joined or not); more get `hub_full`. 0 = no limit.
    int maxConnectionsPerAddress = 32;
    /// Autoban: an address that opens more than `autobanConnections` connections within `autobanWindowMs` is
    /// refused with `banned` for `autobanDurationMs` (like Mumble's 10 in 120 s, banned 300 s). 0 = off.
    int autobanConnections = 30;
    int autobanWindowMs = 60000;
    int autobanDurationMs = 300000;
    /// Subnets the autoban never counts (like fail2ban's ignoreip): by default the loopback networks, so that the
    /// host's own app, scripts and tests reconnecting often are not locked out. An IPv4 peer on a dual-stack socket
    /// (::ffff:127.0.0.1) counts as its IPv4 address. Bans and the per-address connection limit still apply.
    QList<QPair<QHostAddress, int>> autobanIgnore = {
        QHostAddress::parseSubnet(QStringLiteral("127.0.0.0/8")),
        QHostAddress::parseSubnet(QStringLiteral("::1/128")),
    };
    /// Reverse proxies (issue 19): connections from these networks may name the client they carry, by a PROXY
    /// protocol header (v1 or v2) before the request or by X-Forwarded-For; the hub then takes that client's address
    /// for every per-address rule, ban and the address shown. From any other address both are ignored. Empty (the
    /// default): every connection is its own peer's.
    QList<QPair<QHostAddress, int>> trustedProxies;
    /// Outgoing bytes queued for one peer at most: a peer that stops reading is dropped past this, so it cannot
    /// make the hub's memory grow (and the others do not wait for it).
    qint64 maxQueuedBytes = 8 * 1024 * 1024;
    /// Browsers send an Origin header: only these origins are let in (empty: no browser). Clients that send no
    /// Origin (desktop apps, peerlink-cli) are let in when `allowNoOrigin` is set.
    QStringList allowedOrigins;
    bool allowNoOrigin = true;
    /// socket.io clients (issue 18): Engine.IO v4 / Socket.IO v5 under /socket.io/ on the hub's port, long-polling
    /// and WebSocket, mapped onto the hub's own protocol (docs/protocol.md, "socket.io peers").
    bool socketIo = true;
    /// Invalid messages (bad JSON, bad fields, unknown types, ...) tolerated before close 1008.
    int maxInvalidMessages = 10;
    /// Messages per second per peer (token bucket refill; 0 = unlimited) and the burst allowed.
    double messagesPerSecond = 100;
    double messageBurst = 200;
    /// Bytes per second per peer (token bucket, 0 = unlimited) and the burst allowed.
    double bytesPerSecond = 1024 * 1024;
    double byteBurst = 4 * 1024 * 1024;
    /// Relayed file traffic (issue 15): whether the hub relays file chunks at all (no: `file_relay_refused`), and
    /// their bytes per second per peer (0: only the byte rate bounds them; the burst is one second's worth, at least
    /// one message). Chunks count against the byte rate as well.
    bool relayFiles = true;
    double fileRelayBytesPerSecond = 0;

    /// Time a new connection has for the WebSocket handshake, and then to send `join`.
    int handshakeTimeoutMs = 10000;
    int joinTimeoutMs = 10000;
    /// WebSocket pings: every interval; a peer silent for interval + timeout is dropped.
    int pingIntervalMs = 25000;
    int pingTimeoutMs = 20000;
    /// Direct-link introductions: how long one waits for the target's answer, and how many one peer may have
    /// waiting at once (more get `rate_limited`).
    int introductionTimeoutMs = 60000;
    int maxPendingIntroductions = 16;
    /// Connections upgraded but not yet taken up by the hub (HubListener's queue); more are answered 503.
    int maxPendingConnections = 128;
    /// ws:// connections in their WebSocket handshake at once, in all (0 = no limit); from one address the limit
    /// is maxConnectionsPerAddress. More are answered `503 Service Unavailable` and closed.
    int maxHandshakes = 4096;
    /// The request head (request line and headers) of a WebSocket handshake or a socket.io polling request.
    int maxRequestHeadBytes = 16384;
    /// Prometheus metrics at http://ADDR:PORT/metrics (issue 19); empty: none.
    QString metrics;
    /// Cluster mode (issue 19): the Redis server the hubs of one cluster share (redis://HOST:PORT[/DB]); empty: a
    /// hub of its own. The cluster timeout: how long an id's lease and a hub's liveness last unrenewed, so a dead
    /// hub's peers are announced gone within about 4/3 of it; also the bound on connecting to Redis.
    QString redis;
    int clusterTimeoutMs = 5000;
    /// Messages of one socket.io client waiting for the hub's answer to their acknowledgement callback (issue 18).
    int socketIoMaxPendingAcks = 1024;
    /// The listen queue: connections the kernel completes before the hub accepts them (Qt's default is 50, which a
    /// crowd of peers arriving at once overflows; Linux caps it at net.core.somaxconn).
    int listenBacklog = 4096;

    /// The id of the peer that hosts this hub (the desktop app hosting it). When that id joins from a loopback
    /// address, others see it marked `"host": true`. Empty: nobody is marked.
    QString hostId;

    /// Ids and addresses refused with `banned`.
    QStringList bannedIds;
    QList<QHostAddress> bannedAddresses;

    /// Identities (issue 13): where the hub keeps its id and the id bindings (empty: in memory only), and whether
    /// a join without a key is refused (`identity_required`).
    QString dataDir;
    bool requireIdentity = false;
    /// Ids bound to a key at most: a join that would bind one more gets `hub_full`. Each new binding rewrites the
    /// bindings file, so this bounds the file and the cost of a binding (about 110 bytes an id).
    int maxBoundIds = 100000;

    /// Store-and-forward (issue 14): an end-to-end message to an absent peer whose id is bound to a key is kept
    /// (in data-dir's mailbox.sqlite; in memory without a data-dir) for at most `mailboxTtlMs`, and delivered when
    /// the peer joins again. Per recipient at most `mailboxMessages` messages and `mailboxBytes` bytes, in all at
    /// most `mailboxTotalBytes` bytes (of the stored messages); over a limit: `mailbox_full`. 0 messages: no mailbox.
    qint64 mailboxTtlMs = 7LL * 24 * 3600 * 1000;
    int mailboxMessages = 1000;
    // 2 MiB: a full mailbox fits in the half of maxQueuedBytes one delivery may use.
    qint64 mailboxBytes = 2LL * 1024 * 1024;
    qint64 mailboxTotalBytes = 1024LL * 1024 * 1024;
    /// Rooms (issue 17): rooms on the hub at most (0: nobody may create one), rooms one peer is a member of at most,
    /// members (and invitations waiting) of one room at most. Over: rooms_full, room_limit, room_full.
    int maxRooms = 10000;
    int maxRoomsPerPeer = 100;
    int maxRoomMembers = 1000;

    /// TLS: with a certificate and its private key the hub serves wss:// only.
    QSslCertificate tlsCertificate;
    QSslKey tlsKey;
    bool useTls() const { return !tlsCertificate.isNull() && !tlsKey.isNull(); }

    /// The WebSocket layer's limit derived from the settings above.
    qint64 effectiveHardFrameBytes() const { return hardFrameBytes > 0 ? hardFrameBytes : 2 * maxMessageBytes; }
};

} // namespace PeerLink
