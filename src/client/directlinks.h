#pragma once

#include "core/linkprotocol.h"
#include "crypto/identity.h"
#include "crypto/linkcipher.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QStringList>
#include <functional>
#include <optional>

class QTimer;
class QWebSocket;
class QWebSocketServer;

namespace PeerLink {

/// A peer's direct links to other peers: a WebSocket listener for links others dial, dialing the candidates
/// of a peer, and the mutual authentication of every link with the one-time secret of its introduction before
/// any message passes. Messages and acks after authentication are handed to the owner by peer id.
///
/// Authentication (nonces are fresh random hex, proofs are HMAC-SHA256 with the introduction's secret):
///   dialer   -> listener  {"type":"link_hello","from":A,"link":L,"nonce":nA}
///   listener -> dialer    {"type":"link_welcome","from":B,"nonce":nB,"proof":HMAC(s, "listener|L|nA")}
///   dialer   -> listener  {"type":"link_proof","proof":HMAC(s, "dialer|L|nB")}
/// Each side checks the other's proof; the secret itself never crosses the link, and a link id is used once.
///
/// With identities on both sides (addition) the same three frames also make the link's keys:
///   link_hello   + key: A's identity key, eph: A's fresh X25519 key
///   link_welcome + key: B's identity key, eph: B's fresh X25519 key, sig: B's signature of the transcript
///   link_proof   + sig: A's signature of the transcript
/// The transcript (Crypto::LinkTranscript) is framed("peerlink-link-1", role, L, A, B, nA, nB, keyA, keyB,
/// ephA, ephB): each signature proves its side holds the identity key the hub announced with its presence, on
/// this link, for these ephemeral keys, and cannot be replayed or moved. Then both sides derive one key per
/// direction (crypto_kx of the ephemeral keys: forward secret, the hub's one-time secret plays no part in
/// them) and every later frame is `{"type":"sealed","box":…}`, the inner frame sealed with XChaCha20-Poly1305
/// and its number in that direction as the nonce (Crypto::LinkCipher). A frame that does not open, a plain
/// frame, or a frame out of order closes the link; what it did not confirm goes through the hub (the usual
/// fallback). A side that knows (from the hub) that the other has an identity refuses a handshake without it
/// (no downgrade); peers without identities keep the HMAC-only link.
class DirectLinks : public QObject
{
    Q_OBJECT
public:
    explicit DirectLinks(QObject *parent = nullptr);
    ~DirectLinks() override;

    void setSelfId(const QString &id) { m_selfId = id; }
    /// This peer's identity for the links' handshakes (nullopt: HMAC-only links).
    void setIdentity(const std::optional<Crypto::Identity> &identity) { m_identity = identity; }
    /// Where to look up the identity key a peer joined the hub with (empty: it has none).
    void setPeerKeys(std::function<QByteArray(const QString &peer)> lookup)
    {
        m_peerKeys = std::move(lookup);
    }
    /// Whether the link to @p peer is sealed (both sides proved their identity keys).
    bool isSealed(const QString &peer) const;
    /// Largest frame accepted on a link, in bytes.
    void setMaxFrameBytes(qint64 bytes) { m_maxFrameBytes = bytes; }
    /// How long a dial (all candidates) or an unauthenticated connection may take.
    void setTimeout(int ms) { m_timeoutMs = ms; }
    /// Keepalive on authenticated links: a ping every interval; a link silent for interval + timeout is
    /// dropped, so a half-open link (a NAT that forgot it, a laptop that slept) falls back to the hub in
    /// seconds.
    void setKeepalive(int intervalMs, int timeoutMs);

    /// Unauthenticated connections a listener holds at most; frames before authentication are at most 4 KiB.
    static constexpr int MaxPendingConnections = 32;
    static constexpr qint64 MaxHandshakeFrameBytes = 4096;
    /// Introductions remembered at most (the oldest go first); each expires after a minute anyway.
    static constexpr int MaxExpected = 64;

    /// Starts the listener; returns false with errorString() set.
    bool listen(const QHostAddress &address, quint16 port);
    void stopListening();
    bool isListening() const;
    QString errorString() const { return m_errorString; }
    /// Where others can dial this listener: "ip:port" for every usable address (all interfaces' when bound to
    /// any).
    QStringList endpoints() const;

    /// Accept one authenticated dial from @p peer for introduction @p link (until @p link is used or times
    /// out).
    void expect(const QString &peer, const QString &link, const QString &secret);
    /// Dial @p peer at @p candidates, all at once; the first to authenticate wins. Ends in linkUp or
    /// dialFailed.
    void dial(const QString &peer, const QString &link, const QString &secret, const QStringList &candidates);

    bool hasLink(const QString &peer) const;
    /// Sends a frame over the authenticated link to @p peer; false if there is none.
    bool send(const QString &peer, const QByteArray &frame);
    /// Sends chunk @p chunk (encodeFileChunk) of transfer @p tid to @p peer: in a binary frame when the peer said it
    /// takes them (`bin`), not sealed again by the link (it is sealed end to end); otherwise as a `file` frame.
    /// False: no link up.
    bool sendChunk(const QString &peer, const QString &tid, const QByteArray &chunk);
    /// Closes the link to @p peer (and any attempt for it).
    void drop(const QString &peer, const QString &reason);
    void dropAll(const QString &reason);

Q_SIGNALS:
    void linkUp(const QString &peer);
    void linkDown(const QString &peer, const QString &reason);
    void dialFailed(const QString &peer, const QString &reason);
    /// A message on the authenticated link from @p peer.
    void messageReceived(const QString &peer, const PeerLink::LinkMessage &message);
    /// An ack on the authenticated link from @p peer.
    void ackReceived(const QString &peer, const QString &mid);
    /// A file transfer frame came over the link from @p peer.
    void fileReceived(const QString &peer, const PeerLink::LinkFile &frame);
    /// A file chunk (encodeFileChunk bytes) of transfer @p tid came in a binary frame from @p peer.
    void chunkReceived(const QString &peer, const QString &tid, const QByteArray &chunk);

private:
    enum class Role { Dialer, Listener };
    enum class Stage { Connecting, AwaitWelcome, AwaitHello, AwaitLink, AwaitProof, Up };
    /// One connection, from its first byte to its end.
    struct Conn
    {
        Role role;
        Stage stage;
        QString peer;
        QString link;
        QString secret;
        QString myNonce;
        QString theirNonce;
        QTimer *timer = nullptr;
        QElapsedTimer lastSeen; // monotonic: keepalive silence
        // With identities: our ephemeral key, what the other side sent, and the keys once both signed.
        std::optional<Crypto::EphemeralKey> ephemeral;
        QByteArray theirKey;
        QByteArray theirEphemeral;
        bool sealing = false; // the handshake is the identity one: a signature is due, then sealed frames
        std::optional<Crypto::LinkCipher> cipher;
        bool theirBinary = false; // they take file chunks in binary frames
    };
    /// An introduction we were told of: one peer may dial with it, once, until the deadline.
    struct Expected
    {
        QString link;
        QString secret;
        QDeadlineTimer deadline;
    };
    /// Everything about one peer: its authenticated link, the dials still trying, the introduction expected.
    struct Peer
    {
        QWebSocket *link = nullptr;
        int dialsInFlight = 0;
        std::optional<Expected> expected;
    };

    void onNewConnection();
    void adopt(QWebSocket *socket, const Conn &conn);
    void onBinary(QWebSocket *socket, const QByteArray &bytes);
    /// The connection of @p peer's link (and its socket) when the link is up and connected; null otherwise.
    Conn *upLink(const QString &peer, QWebSocket **socket);
    void onText(QWebSocket *socket, const QString &text);
    void dispatch(const QString &peer, const LinkEnvelope &frame);
    void onClosed(QWebSocket *socket);
    void handshake(QWebSocket *socket, Conn &conn, const LinkEnvelope &frame);
    void answerHello(QWebSocket *socket, Conn &conn);
    void authenticated(QWebSocket *socket, Conn &conn);
    void fail(QWebSocket *socket, const QString &reason);
    void finishDialIfLost(const QString &peer, const QString &reason);
    void onKeepalive();
    int pendingListenerConnections() const;
    /// The peer expecting introduction @p link, or nullptr.
    Peer *expecting(const QString &link);
    /// Forgets @p peer's record once nothing is left in it.
    void prune(const QString &peer);
    /// The key the hub announced for @p peer (empty: none).
    QByteArray expectedKey(const QString &peer) const { return m_peerKeys ? m_peerKeys(peer) : QByteArray(); }
    Crypto::LinkTranscript transcript(const Conn &conn) const;
    /// Sends @p frame on @p socket, sealed when the link is.
    void sendFrame(QWebSocket *socket, Conn &conn, const QByteArray &frame);

    QString m_selfId;
    std::optional<Crypto::Identity> m_identity;
    std::function<QByteArray(const QString &)> m_peerKeys;
    QWebSocketServer *m_server = nullptr;
    QString m_errorString;
    QHash<QWebSocket *, Conn> m_conns;
    QHash<QString, Peer> m_peers;
    qint64 m_maxFrameBytes = 1024 * 1024;
    int m_timeoutMs = 5000;
    QTimer *m_keepalive;
    int m_keepaliveIntervalMs = 15000;
    int m_keepaliveTimeoutMs = 15000;
};

} // namespace PeerLink
