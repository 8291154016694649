#pragma once

#include "client/clienterror.h"
#include "core/backoff.h"
#include "core/protocol.h"
#include "crypto/identity.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <functional>
#include <optional>

class QTimer;

namespace PeerLink {

class DirectLinks;
struct LinkMessage;
struct LinkFile;

/// The path of each peer's messages: through the hub, or over a direct link. Asks the hub for introductions,
/// answers them by policy, dials or is dialled through DirectLinks, keeps what went over a link until the
/// peer acks it, and makes a wanted link again with backoff after a failed dial or a drop. One record per
/// peer.
class DirectPaths : public QObject
{
    Q_OBJECT
public:
    /// Mirrors PeerClient::Path.
    enum class Path { Relayed, Connecting, Direct };
    /// Mirrors PeerClient::ConnectPolicy.
    enum class Policy { AcceptAll, Ask, DeclineAll };

    explicit DirectPaths(QObject *parent = nullptr);
    ~DirectPaths() override;

    /// How to tell whether @p peer is joined to the hub now (and we are; an empty @p peer asks only whether
    /// we are): retries and re-asking need it.
    void setPresence(std::function<bool(const QString &peer)> present) { m_present = std::move(present); }

    /// Listen for direct links at the next start() (address and port).
    void setListening(bool enabled, const QHostAddress &address, quint16 port);
    /// A new session as @p selfId: everything is forgotten, and the listener (re)starts if enabled.
    void start(const QString &selfId);
    bool isListening() const;
    QStringList endpoints() const;
    void setPolicy(Policy policy) { m_policy = policy; }
    Policy policy() const { return m_policy; }
    /// Time to dial (or be dialled), and to wait for an answer to an introduction (ms).
    void setTimeouts(int dialMs, int answerMs);
    void setKeepalive(int intervalMs, int timeoutMs);
    /// First and largest delay between attempts to make a wanted link again (ms).
    void setRetryDelays(int initialMs, int maximumMs);

    Path pathTo(const QString &peer) const;

    /// Sends @p message over its peer's link if it is up, and keeps it until the peer acks it. False: no link.
    /// With @p e2e (the text sealed for the peer's prekey of now) the link carries that and an empty text; what
    /// is kept for a fallback is the message's text, sealed again when it goes (the peer may have a new prekey
    /// by then).
    bool send(const MessageRequest &message, qint64 ts, const QString &e2e = QString());
    /// Sends a file transfer frame to @p peer over its link if it is up (no ack is kept: FileTransfers has its own).
    /// False: no link.
    bool sendFile(const QString &peer, const LinkFile &frame);
    /// Sends a file chunk over the direct link (DirectLinks::sendChunk); false: no link up.
    bool sendChunk(const QString &peer, const QString &tid, const QByteArray &chunk);
    /// This peer's identity and the keys peers joined with, for the links' handshakes (see DirectLinks).
    void setIdentity(const std::optional<Crypto::Identity> &identity);
    void setPeerKeys(std::function<QByteArray(const QString &peer)> lookup);
    /// Whether the link to @p peer is up and sealed with both sides' identity keys.
    bool isSealed(const QString &peer) const;
    /// The messages @p peer's link did not confirm, oldest first; they are forgotten here.
    QList<MessageRequest> takeUnacked(const QString &peer);
    /// The same for every peer.
    QList<MessageRequest> takeAllUnacked();
    /// The hub acked @p mid: it is not waiting for a link's ack any more.
    void forgetUnacked(const QString &mid);

    /// Ask the hub to introduce us to @p peer (and again after failures).
    void want(const QString &peer);
    /// The hub relayed @p offer: answer it by policy.
    void offered(const ConnectOffer &offer);
    /// The peer accepted our introduction.
    void accepted(const ConnectAccepted &answer);
    bool accept(const QString &from);
    bool decline(const QString &from, const QString &reason);
    /// The peer declined: no more asking.
    void declined(const QString &peer);
    /// A peer joined the hub: a link we wanted before a reconnect is asked for again.
    void peerJoined(const QString &peer);
    /// A peer left the hub: its link and all we knew of it go.
    void peerLeft(const QString &peer);
    /// Joined again after a reconnect: wanted links to peers that are there are asked for again.
    void rejoined();
    /// Drops the link to @p peer (what it did not confirm goes through the hub; it may be made again later).
    void dropLink(const QString &peer, const QString &reason);
    /// Drops every link; with @p keepPending (a reconnect), unacked messages and wanted links are kept.
    void reset(bool keepPending);

    /// Candidates to dial: the listed endpoints, then the observed address with each listed port.
    static QStringList candidates(const QStringList &addrs, const QString &observed);

Q_SIGNALS:
    void pathChanged(const QString &peer, PeerLink::DirectPaths::Path path);
    /// A frame for the hub (introductions and answers).
    void hubFrameReady(const QByteArray &frame);
    void connectRequested(const QString &from);
    /// A message came over a link (duplicates are the owner's to drop).
    void messageArrived(const PeerLink::ChatMessage &message);
    void messageAcked(const QString &mid);
    /// A file transfer frame came over @p peer's link.
    void fileArrived(const QString &peer, const PeerLink::LinkFile &frame);
    void chunkArrived(const QString &peer, const QString &tid, const QByteArray &chunk);
    /// @p peer's link dropped: what it did not confirm is waiting in takeUnacked().
    void linkLost(const QString &peer);
    void errorOccurred(const PeerLink::ClientError &error);

private:
    /// Everything about the path to one peer.
    struct PeerPath
    {
        Path path = Path::Relayed;
        std::optional<ConnectOffer> offer; // waiting for our answer
        bool accepted = false; // we accepted once: its retries are accepted at once
        bool wanted = false; // we asked to connect: we retry
        QTimer *timer = nullptr;
        std::optional<Backoff> retry;
        QList<MessageRequest> unacked; // sent over the link, not acked yet, oldest first
    };

    PeerPath &record(const QString &peer);
    void prune(const QString &peer);
    bool present(const QString &peer) const { return m_present && m_present(peer); }
    void requestIntroduction(const QString &peer);
    void setPath(const QString &peer, Path path);
    void armTimer(const QString &peer, int ms, std::function<void()> action);
    void scheduleRetry(const QString &peer);
    void onLinkMessage(const QString &peer, const LinkMessage &message);
    void onLinkAck(const QString &peer, const QString &mid);
    void onLinkDown(const QString &peer);

    DirectLinks *m_links;
    QHash<QString, PeerPath> m_peers;
    std::function<bool(const QString &)> m_present;
    QString m_selfId;
    bool m_listenEnabled = true;
    QHostAddress m_listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 m_listenPort = 0;
    Policy m_policy = Policy::AcceptAll;
    int m_dialTimeoutMs = 5000;
    int m_answerTimeoutMs = 30000;
    int m_retryInitialMs = 2000;
    int m_retryMaxMs = 60000;
};

} // namespace PeerLink
