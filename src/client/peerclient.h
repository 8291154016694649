#pragma once

#include "client/clienterror.h"
#include "client/directpaths.h"
#include "client/filetransfers.h"
#include "client/hubconnection.h"
#include "client/messageflow.h"
#include "client/receipts.h"
#include "client/roomchannel.h"
#include "client/securechannel.h"
#include "core/protocol.h"
#include "crypto/identity.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>
#include <QWebSocketProtocol>

class QTimer;

namespace PeerLink {

class SenderMemory;

/// A peer's connection to a hub. Its signals mirror the events of the original tutorial: connected, joined
/// (welcome), messages, peers that come and go, and requests to connect. A facade over HubConnection (the
/// socket, join, resume, reconnect), MessageFlow (messages out and in: checks, sealing, the outbox, acks,
/// duplicates), DirectPaths (direct links, per peer) and SecureChannel (identity, end-to-end encryption,
/// known keys).
class PeerClient : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Joining, Joined, Reconnecting };
    Q_ENUM(State)
    /// How messages to one peer travel: through the hub, being connected directly, or over a direct link.
    enum class Path { Relayed, Connecting, Direct };
    Q_ENUM(Path)
    /// What to do when a peer asks to connect: accept at once, ask (connectRequested, then accept/decline),
    /// refuse.
    enum class ConnectPolicy { AcceptAll, Ask, DeclineAll };
    Q_ENUM(ConnectPolicy)
    /// A peer's key: none (no identity), trusted (first use or the remembered key), changed (blocked until
    /// trustKey()).
    enum class PeerTrust { NoKey, Trusted, Changed };
    Q_ENUM(PeerTrust)

    /// Optional fields of `join`.
    struct JoinOptions
    {
        QString name;
        QString password;
    };

    explicit PeerClient(QObject *parent = nullptr);
    ~PeerClient() override;

    State state() const { return m_state; }
    bool isJoined() const { return m_state == State::Joined; }
    /// The id this client joins (or joined) as.
    QString id() const { return m_id; }
    QString displayName() const { return m_options.name; }
    /// The hub tried or used now (one of hubUrls()).
    QUrl hubUrl() const { return m_hub->url(); }
    /// Every hub of this session, in the order they are tried.
    QList<QUrl> hubUrls() const { return m_hub->urls(); }
    /// The hub under which the keys met are remembered (trust on first use) and marks are kept: the first of the
    /// list, whichever hub is in use, so that the hubs of one list (a cluster) share what the user trusts and a
    /// changed key is noticed after a move too.
    QUrl keyScope() const { return m_hub->urls().value(0); }
    /// The hub's name from `welcome`.
    QString hubName() const { return m_hubName; }
    /// The resume token from the last `welcome`.
    QString resumeToken() const { return m_hub->resumeToken(); }
    /// The limits the hub announced in its last `welcome` (empty if it announced none).
    HubLimits hubLimits() const { return m_flow->hubLimits(); }

    /// The other joined peers, in the order the hub announced them; empty when not joined.
    QList<PeerInfo> peers() const { return m_peers; }
    bool hasPeer(const QString &id) const;
    /// The display name of a joined peer (empty if it has none or is not joined).
    QString peerName(const QString &id) const;

    /// Largest message accepted from the hub (bytes); larger ones close the connection with 1009.
    void setMaxIncomingMessageBytes(qint64 bytes) { m_hub->setMaxIncomingMessageBytes(bytes); }
    /// Largest message this client sends (bytes of JSON; 0, the default, leaves it to the hub's announced limit,
    /// or 65 536, the hub's default, when it announces none). A hub's announced limit lowers it further. Larger ones
    /// are refused here with `too_large`, on a direct link too, so that a fallback to the hub never carries a
    /// message the hub would refuse.
    void setMaxOutgoingMessageBytes(qint64 bytes) { m_flow->setMaxOutgoingMessageBytes(bytes); }
    /// The largest message this client sends now: the smaller of the value set above and the hub's announced limit.
    qint64 maxOutgoingMessageBytes() const { return m_flow->maxOutgoingMessageBytes(); }
    /// Messages sent again through the hub after a link dropped, per second at most (default 50: half the
    /// hub's default rate, so a burst of resends is not refused as a flood). A hub that announces its rate
    /// lowers it to half that rate.
    void setResendRate(int perSecond) { m_flow->setResendRate(perSecond); }
    /// The resend rate in force (messages per second).
    int resendRate() const { return m_flow->resendRate(); }

    /// After losing a joined connection (not after leaving, a kick, a ban or a refused join), connect and
    /// join again by itself, with exponential backoff and jitter, resuming the session with its resume token.
    void setAutoReconnect(bool enabled) { m_hub->setAutoReconnect(enabled); }
    bool autoReconnect() const { return m_hub->autoReconnect(); }
    /// The first delay before reconnecting and the most it grows to (milliseconds; defaults 500 and 30 000).
    void setReconnectDelays(int initialMs, int maximumMs) { m_hub->setReconnectDelays(initialMs, maximumMs); }
    /// The number of the reconnect round under way (0 when not reconnecting). Given several hubs, a lost
    /// connection moves to the next one at once; the delay comes only after every hub of a round failed.
    int reconnectAttempt() const { return m_hub->reconnectAttempt(); }
    /// The longest wait from opening a connection to the hub's welcome (ms, default 10 000; 0: none). A hub that
    /// does not answer in time counts as failed, and the next hub is tried.
    void setJoinTimeout(int ms) { m_hub->setJoinTimeout(ms); }
    int joinTimeout() const { return m_hub->joinTimeout(); }
    /// While joined, a ping to the hub every @p intervalMs; no answer within @p timeoutMs and the connection
    /// counts as lost (defaults 15 000 and 15 000; an interval of 0: no pings).
    void setHubKeepalive(int intervalMs, int timeoutMs) { m_hub->setKeepalive(intervalMs, timeoutMs); }
    int hubKeepaliveInterval() const { return m_hub->keepaliveInterval(); }
    int hubKeepaliveTimeout() const { return m_hub->keepaliveTimeout(); }

    /// Listen for direct links (on by default: 127.0.0.1, port 0; the programs use 0.0.0.0). Takes effect at
    /// the next connectToHub().
    void setDirectListening(
        bool enabled, const QHostAddress &address = QHostAddress(QHostAddress::LocalHost), quint16 port = 0)
    {
        m_paths->setListening(enabled, address, port);
    }
    bool isDirectListening() const { return m_paths->isListening(); }
    /// The endpoints others can dial ("ip:port"); empty when not listening.
    QStringList directEndpoints() const { return m_paths->endpoints(); }
    void setConnectPolicy(ConnectPolicy policy) { m_paths->setPolicy(DirectPaths::Policy(int(policy))); }
    ConnectPolicy connectPolicy() const { return ConnectPolicy(int(m_paths->policy())); }
    /// Time allowed to dial a peer (or to be dialled), and to wait for a peer's answer to an introduction.
    void setDirectTimeouts(int dialMs, int answerMs) { m_paths->setTimeouts(dialMs, answerMs); }
    /// Keepalive pings on direct links: interval, and the silence after it that drops a link (defaults 15 s,
    /// 15 s).
    void setDirectKeepalive(int intervalMs, int timeoutMs) { m_paths->setKeepalive(intervalMs, timeoutMs); }
    /// Delays between attempts to (re)make a direct link that failed or dropped: first and largest (ms).
    void setDirectRetryDelays(int initialMs, int maximumMs) { m_paths->setRetryDelays(initialMs, maximumMs); }
    /// How messages to @p peer travel now.
    Path pathTo(const QString &peer) const { return Path(int(m_paths->pathTo(peer))); }

    /// For wss:// hubs: trust a certificate with this SHA-256 fingerprint ("AB:CD:…", as the hub prints it)
    /// even when no certificate authority vouches for it (a self-signed hub), like an SSH host key.
    /// Applies to every hub of the list that has no pin of its own.
    void setPinnedFingerprint(const QString &fingerprint) { m_hub->setPinnedFingerprint(fingerprint); }
    /// A pin for the hub @p url only (hubs of a list may have certificates of their own); an empty one removes it.
    void setPinnedFingerprint(const QUrl &url, const QString &fingerprint)
    {
        m_hub->setPinnedFingerprint(url, fingerprint);
    }
    /// The pin in force for @p url.
    QString pinnedFingerprint(const QUrl &url) const { return m_hub->pinnedFingerprint(url); }
    /// The fingerprint of the hub's certificate on the current (or last) wss:// connection.
    QString hubFingerprint() const { return m_hub->hubFingerprint(); }

    /// Joins with this identity from the next connectToHub() on (nullopt: none, the v1 join): a challenge
    /// join, a new prekey on every connection, messages to peers with keys sealed end to end, broadcasts
    /// signed, direct links sealed with both identity keys.
    void setIdentity(const std::optional<PeerLink::Crypto::Identity> &identity);
    bool hasIdentity() const { return m_secure.hasIdentity(); }
    /// Own fingerprint, "12345 67890 ..." (empty without identity).
    QString fingerprint() const { return m_secure.fingerprint(); }
    /// The trust-on-first-use store: one line per "hub-url id key", 0600 (an empty path: memory only). A file
    /// that is not a known-keys file is refused (false, with @p error), not overwritten; keys are then kept
    /// in memory.
    bool setKnownKeysFile(const QString &path, QString *error = nullptr);
    /// The fingerprint of the key @p peer joined with, or of the one remembered for it while it is away (empty when
    /// none is known).
    QString peerFingerprint(const QString &peer) const { return m_secure.peerFingerprint(peer); }
    /// Trust in @p peer's key now.
    PeerTrust peerTrust(const QString &peer) const { return PeerTrust(int(m_secure.trust(peer))); }
    /// Accepts @p peer's changed key (remembered) and delivers what it sent meanwhile; false when it has no
    /// changed key.
    bool trustKey(const QString &peer);
    /// Whether the direct link to @p peer is sealed with both identity keys (frames encrypted and
    /// authenticated).
    bool isDirectLinkSealed(const QString &peer) const { return m_paths->isSealed(peer); }

    /// Close code and reason of the last disconnection.
    QWebSocketProtocol::CloseCode lastCloseCode() const { return m_hub->lastCloseCode(); }
    QString lastDisconnectReason() const { return m_hub->lastReason(); }

    /// Most messages waiting for the hub's ack (or to be sent after a reconnect); more are refused.
    static constexpr int MaxOutbox = Outbox::MaxSize;
    /// How long after a rejoin messages sealed to the last connection's prekey still open (what the hub held
    /// for us, what peers sealed before they heard of the new prekey); then its secret is wiped.
    static constexpr int PreviousPrekeyMs = 10000;
    /// Messages held back from one peer whose key changed, at most (more are dropped).
    static constexpr int MaxHeldMessages = MessageFlow::MaxHeldMessages;
    /// Messages sent through the hub that it has not acked yet (they go again after a reconnect).
    int outboxSize() const { return m_flow->outboxSize(); }

    /// The file transfers (issue 15): offer, accept, decline, cancel, and their events.
    FileTransfers *files() const { return m_files; }
    /// Keeps the unfinished outgoing transfers in @p path (owner-only JSON; empty: not kept) from now on, and reads
    /// what an earlier run left there, for files()->restore() to take up once the events are wired. Problems with the
    /// file (entries skipped, a file refused) are logged and appended to @p problems in words.
    void setOutgoingTransfersFile(const QString &path, QStringList *problems = nullptr);
    /// The rooms (issue 17): join, leave, send sealed with sender keys, and their events.
    RoomChannel *rooms() const { return m_rooms; }

    /// Read receipts are sent when markRead() is called (the default); off: none is sent, ever.
    void setReadReceipts(bool on) { m_receipts->setReadReceipts(on); }
    bool readReceipts() const { return m_receipts->readReceipts(); }
    /// How long a message that arrives before its turn waits for those its sender sent before it (ms).
    void setOrderHoldMs(qint64 ms) { m_flow->setOrderHoldMs(ms); }
    qint64 orderHoldMs() const { return m_flow->orderHoldMs(); }

public Q_SLOTS:
    /// Opens the connection and sends `join`. Returns false (and emits errorOccurred) for an invalid id or
    /// URL.
    bool connectToHub(
        const QUrl &url, const QString &id, const PeerLink::PeerClient::JoinOptions &options = {});
    /// The same over several hubs, tried in this order (the first that answers is joined; when it stops
    /// answering the client moves to the next and resumes its session there). Duplicates are dropped; an
    /// empty list or any address that is not ws:// or wss:// is refused, naming it.
    bool connectToHub(
        const QList<QUrl> &urls, const QString &id, const PeerLink::PeerClient::JoinOptions &options = {});
    /// Broadcasts @p text to every other peer; returns the message id (empty if not joined).
    QString sendMessage(const QString &text) { return m_flow->send(QString(), text); }
    /// Sends @p text to one peer; returns the message id (empty if not joined or @p to is invalid).
    QString sendMessage(const QString &to, const QString &text) { return m_flow->send(to, text); }
    /// Asks the hub to introduce this peer to @p peer and makes a direct link when it accepts; messages to @p
    /// peer go through the hub until then, and whenever the link is down (it is re-made with backoff).
    bool connectToPeer(const QString &peer);
    /// Accepts @p from's pending request to connect (with the Ask policy).
    bool acceptConnection(const QString &from) { return m_paths->accept(from); }
    /// Declines @p from's pending request; @p from gets `connect_declined`.
    bool declineConnection(const QString &from, const QString &reason = QString())
    {
        return m_paths->decline(from, reason);
    }
    /// Sends `leave` and closes the connection.
    void disconnectFromHub();
    /// The user was shown the messages @p mids that @p peer sent: @p peer gets a signed `read` receipt (unless
    /// read receipts are off, or either side has no identity).
    void markRead(const QString &peer, const QStringList &mids) { m_receipts->messagesRead(peer, mids); }

Q_SIGNALS:
    void stateChanged(PeerLink::PeerClient::State state);
    /// The WebSocket is open; `join` has been sent.
    void connected();
    /// The hub welcomed us as @p id; peers() is filled.
    void joined(const QString &id, const QString &hubName);
    /// The connection ended (or could not be made), with a readable reason.
    void disconnected(const QString &reason);
    /// Every hub failed in this round: the client will try again in @p delayMs (round @p attempt since the
    /// connection was lost).
    void reconnecting(int attempt, int delayMs);
    /// The client is trying the hub @p url (the next of the list, or the same one again after a delay).
    void tryingHub(const QUrl &url);
    /// Joined at @p url, another hub than the one this session was joined to before: it moved (fail-over).
    void hubChanged(const QUrl &url);
    /// A message arrived (through the hub or over a direct link). Its `to` is set when it was sent to this
    /// peer only; `ts` is the hub's (or the sender's) time in ms since the epoch.
    void messageReceived(const PeerLink::ChatMessage &message);
    /// The hub (or the peer, over a direct link) accepted the message with this id.
    void messageAcked(const QString &mid);
    /// The peer the message with this id was sent to is offline: the hub stored it (`stored`, an addition) and
    /// delivers it when the peer joins again.
    void messageStored(const QString &mid);
    /// @p peer's client has the message @p mid we sent it: its signed receipt verified (not the hub's word).
    void messageDelivered(const QString &peer, const QString &mid);
    /// @p peer's user was shown the message @p mid (a signed receipt; implies delivered).
    void messageRead(const QString &peer, const QString &mid);
    void peerConnected(const QString &id, const QString &name);
    void peerDisconnected(const QString &id);
    /// @p from asks to connect to this peer.
    void connectRequested(const QString &from);
    /// The hub's certificate could not be verified and is not pinned: the connection was refused. Show the
    /// user
    /// @p fingerprint; if they trust it, pin it and connect again.
    void certificateUntrusted(const QString &fingerprint, const QString &reason);
    /// Messages to @p peer now travel by @p path.
    void pathChanged(const QString &peer, PeerLink::PeerClient::Path path);
    /// The hub (or this client, for local checks) reported an error; its `ref` names the message (mid) or
    /// request.
    void errorOccurred(const PeerLink::ClientError &error);
    /// @p peer joined with another key than the one remembered for it on this hub (@p newFingerprint empty:
    /// with none). Nothing goes to it and nothing from it is delivered until trustKey().
    void keyChanged(const QString &peer, const QString &oldFingerprint, const QString &newFingerprint);

private:
    void onOpened();
    void onClosed(const QString &reason, bool willReconnect);
    void handle(const Welcome &m);
    void handle(const PeerConnected &m);
    void handle(const PeerDisconnected &m);
    void handle(const ChatMessage &m) { m_flow->receive(m, true); }
    void handle(const Ack &m) { m_flow->acked(m.mid); }
    void handle(const Stored &m) { m_flow->stored(m.mid); }
    void handle(const Receipt &m) { m_receipts->received(m); }
    void handle(const FileFrame &m) { m_files->received(m.from, LinkFile { m.tid, m.op, m.data }); }
    void handle(const RoomEvent &m) { m_rooms->received(m); }
    void handle(const ConnectOffer &m);
    void handle(const ErrorReply &m);
    void handle(const ConnectAccepted &m) { m_paths->accepted(m); }
    void handle(const Challenge &m);
    void handle(const PeerUpdate &m);
    /// A peer's presence with its keys (welcome, peer_connect, peer_update): checked and remembered.
    void present(const QString &peer, const QString &key, const QString &prekey, const QString &prekeySig);
    void setState(State state);
    void wireFiles();
    /// Emits errorOccurred for a check made here; returns false.
    bool failLocally(ErrorCode code, const QString &message, const QString &ref = QString());

    HubConnection *m_hub;
    DirectPaths *m_paths;
    SecureChannel m_secure;
    MessageFlow *m_flow; // uses m_secure
    Receipts *m_receipts; // uses m_secure
    FileTransfers *m_files; // seals its control frames with m_secure
    SenderMemory *m_senderMemory; // m_files' outgoing transfers, kept across runs
    RoomChannel *m_rooms;   // seals sender keys with m_secure
    State m_state = State::Disconnected;
    bool m_hubTakesBinaryFiles = false; // the hub announced `binary_files`: chunks go to it in binary frames
    QString m_id;
    JoinOptions m_options;
    QString m_hubName;
    QUrl m_joinedUrl; // where the last welcome came from
    QList<PeerInfo> m_peers;
    QTimer *m_previousPrekeyTimer; // wipes the last connection's prekey a little after a rejoin
};

} // namespace PeerLink
