#pragma once

#include "core/errorcode.h"
#include "core/protocol.h"
#include "hub/hubreason.h"

#include <QByteArray>
#include <QSet>
#include <QString>
#include <QWebSocketProtocol>

#include <functional>
#include <memory>

class QElapsedTimer;

namespace PeerLink {

struct ScannedMessage;
class Admission;
class ChatSplice;
class Cluster;
class HubSession;
class IdBindings;
class Introductions;
class Mailbox;
class OutputBatch;
class Registry;
class RoomRequests;
class Rooms;
struct HubConfig;

/// Who hears that a peer left.
enum class Tell {
    Everyone,  ///< the other peers (peer_disconnect) and the hub's owner (peerLeft)
    OwnerOnly, ///< the hub closes: every peer is closed anyway
    Nobody,    ///< it resumed on a new connection, which nobody is to notice
};

/// The protocol's request handling: one text frame in, checked against the limits, decoded, and handed to the
/// handler of its type (join, message, introductions, leave). Owned by Hub, which passes in the parts it shares
/// (config, admission, registry, introductions) and is called back through Owner for what stays the hub's: handing
/// frames on, letting peers go, and its signals.
class HubRequests
{
public:
    /// What the handlers need of the hub around them. Hub implements it.
    class Owner
    {
    public:
        /// Sends @p utf8 to every live peer but @p except (and holds it for the peers in grace when @p hold).
        virtual int broadcast(const QByteArray &utf8, HubSession *except, bool hold) = 0;
        /// Sends one frame to @p session, dropping the session if it has stopped reading.
        virtual void deliver(HubSession *session, const QByteArray &utf8) = 0;
        /// The same with the frame already made (@p utf8: the message inside it).
        virtual void deliverFrame(HubSession *session, const QByteArray &frame, QByteArrayView utf8) = 0;
        /// The same for a relayed message, written straight into @p session's frames.
        virtual void deliverSplice(HubSession *session, const ChatSplice &splice) = 0;
        /// Takes a joined session out of the registry and tells whom @p tell says; idempotent.
        virtual void unregister(HubSession *session, const QString &reason, LeaveReason why, Tell tell) = 0;
        /// Unregisters @p session (telling everyone) and closes it with @p code.
        virtual void dropPeer(HubSession *session, const QString &reason, LeaveReason why,
                              QWebSocketProtocol::CloseCode code) = 0;
        /// A join or a leave happened (the hub waits for the crowd to settle before trimming memory).
        virtual void membershipChanged() = 0;
        /// A new peer joined (not a resume).
        virtual void joined(HubSession *session) = 0;
        /// A message was handed on to @p recipients peers (0: held for a peer in grace).
        virtual void routed(const QString &from, const QString &to, int recipients) = 0;
        /// Letters were stored in the mailbox's open batch: call commitMailbox() soon (once this turn of the event
        /// loop is over, so that everything stored in it shares one sync).
        virtual void mailboxWritten() = 0;
        /// Joined peer @p id's mailbox did not fit its output queue: hand it more as the queue drains.
        virtual void mailboxBacklog(const QString &id) = 0;

    protected:
        ~Owner() = default;
    };

    HubRequests(const HubConfig &config, Admission &admission, Registry &registry, Introductions &introductions,
                IdBindings &bindings, Mailbox &mailbox, Rooms &rooms, const OutputBatch &output,
                const QElapsedTimer &clock, const std::function<qint64()> &wallClock, Owner &owner);
    ~HubRequests();

    /// One text message (valid UTF-8) from @p session.
    void onTextMessage(HubSession *session, const QByteArray &utf8);
    /// Around the messages of one read: they share one reading of each clock.
    void readingStarts();
    void readingEnds();
    /// One binary frame from @p session: a file chunk (docs/protocol.md, "Files"); anything else is invalid.
    void onBinaryMessage(HubSession *session, const QByteArray &bytes);

    /// Messages accepted and handed on since start; deliveries since start (a broadcast to N peers counts N).
    quint64 routedCount() const { return m_routed; }
    quint64 deliveredCount() const { return m_delivered; }
    quint64 deliveryCount() const;

    /// Hands a joined @p session what the mailbox kept for it, in order and as much as its output queue takes
    /// (the rest at the next call), then the expiry notices of what it sent. Called right after a welcome, and by
    /// the hub's housekeeping while letters remain.
    void deliverMailbox(HubSession *session);
    /// Commits what the mailbox stored since the last call (group commit: one sync) and only then answers each of
    /// its senders `stored`, or `mailbox_full` if the database refused.
    void commitMailbox();

    /// Cluster mode (issue 19): joins take their id from the cluster, and what is for a peer of another hub goes
    /// over it. Null: a hub of its own.
    void setCluster(Cluster *cluster);
    /// Deliveries made for the cluster (a broadcast or frame from another hub), counted with this hub's own.
    void countDeliveries(int n) { m_delivered += quint64(n); }
    /// An answer to an introduction this hub started, from @p answerer on another hub (Cluster).
    void remoteIntroductionAnswer(const QString &answerer, const QString &observed, const QByteArray &utf8);
    /// Hands what the mailbox keeps for @p id, which joined another hub of the cluster, to that hub.
    void forwardMailbox(const QString &id);

    /// Sends an `error` to @p session.
    static void sendError(HubSession *session, ErrorCode code, const QString &message, const QString &ref = QString());
    /// Sends an error (answering @p ref), then closes with @p closeCode; a joined peer leaves for @p why.
    /// Answers input that breaks the protocol with @p code and counts it against the invalid-message budget.
    void rejectInvalid(HubSession *session, ErrorCode code, const QString &message, const QString &ref);
    void refuseAndClose(HubSession *session, ErrorCode code, const QString &message, LeaveReason why,
                        QWebSocketProtocol::CloseCode closeCode = QWebSocketProtocol::CloseCodePolicyViolated,
                        const QString &ref = QString());

private:
    void handle(HubSession *session, const JoinRequest &join);
    void handle(HubSession *session, const MessageRequest &message);
    /// Routes @p message; @p scanned: its bytes when scanPlainMessage() found it (then `text` is not decoded, and
    /// what goes out is those bytes with `from` and `ts` spliced in), else empty.
    void route(HubSession *session, const MessageRequest &message, QByteArrayView scanned);
    void handle(HubSession *session, const ConnectRequest &request);
    void handle(HubSession *session, const LeaveRequest &leave);
    void handle(HubSession *session, const ConnectAnswer &answer);
    /// Passes a signed receipt on to its `to` (live, in grace, or kept in the mailbox for a bound id).
    void handle(HubSession *session, const ReceiptRequest &receipt);
    void handle(HubSession *session, const FileRequest &file);
    /// The start of every request (text or binary, @p bytes long): its time, the session's last sign of life, counters.
    void startRequest(HubSession *session, qsizetype bytes);
    /// A frame over `max-message-bytes` (the connection is closed), or over the byte rate.
    void refuseTooLarge(HubSession *session, qsizetype bytes, const QString &ref);
    void refuseBytes(HubSession *session, const QString &ref);
    /// The checks of a relayed `file` frame of @p op and @p bytes (joined; for chunks: relay-files and the file
    /// rate), answered with an error when it may not go.
    bool admitFileFrame(HubSession *session, const QString &tid, QStringView op, qsizetype bytes);
    /// Rooms (issue 17): only from a peer with an identity; the rest is RoomRequests'.
    void handle(HubSession *session, const RoomRequest &request);

    /// What a request needs of its sender besides being joined.
    enum class Cost { Free, OneMessage };
    /// The one guard of every request that needs a joined peer (and, at Cost::OneMessage, a token of its message
    /// rate): answers `not_joined` (counted invalid) or `rate_limited` with @p ref and returns false when not met.
    /// @p action words the not_joined answer ("Join before %1."); nothing is allocated when the request passes.
    bool admitRequest(HubSession *session, const QString &ref, QStringView action, Cost cost);
    /// The join after its checks (and, in a cluster, once the cluster handed the id over): registers it, welcomes
    /// it and tells the others. @p token: its new resume token; @p claimed: the cluster has it already.
    void completeJoin(HubSession *session, const JoinRequest &join, const QString &token, bool claimed);
    /// Tells the cluster of a join completed on this hub alone (a resume here): its new token and entry.
    void reclaim(const HubSession *session);
    /// A message to peer @p to of another hub: acknowledged once that hub has it.
    void routeRemote(HubSession *session, const MessageRequest &message, const QByteArray &utf8, const QString &ref);
    /// The answer to an introduction: to its initiator (on this hub), or an error to @p replyError.
    void answerIntroduction(const QString &answerer, const QString &observed, const ConnectAnswer &answer,
                            const std::function<void(ErrorCode, const QString &, const QString &)> &replyError);
    /// Resumes @p join into the place its id holds in grace; false when the id is not in grace.
    bool resumeFromGrace(HubSession *session, const JoinRequest &join);
    /// The identity part of a join: challenges a key without proof, checks a proof and the id's binding, refuses
    /// a join without a key where one is required or bound. True when the join may go on.
    bool checkIdentity(HubSession *session, const JoinRequest &join);
    /// Binds a joined peer's id to its key the first time (kept in the data-dir).
    void bindIdentity(const HubSession *session);
    /// Tells the peers with a key that @p session's prekey changed (a resume), when it did.
    void announcePrekey(HubSession *session, const QString &previousPrekey);
    /// Keeps @p out (a message with `e2e` to an absent peer bound to a key) in the mailbox and answers `stored`,
    /// or `mailbox_full`.
    void storeForLater(HubSession *session, const MessageRequest &message, const ChatMessage &out, const QString &ref);
    /// Answers a bad input and closes the peer with 1008 once its budget of invalid messages is spent.
    QByteArray welcomeBytes(const HubSession *session) const;
    qint64 nowMs() const;
    /// The wall clock (`ts`), read once per read of a connection.
    qint64 wallMs();
    /// A plain message to a peer joined here, handed on straight into its frames; false (nothing done) for
    /// anything else, which route() handles.
    bool relayToLocalPeer(HubSession *session, const ScannedMessage &scanned, const QByteArray &utf8);

    const HubConfig &m_config;
    Admission &m_admission;
    Registry &m_registry;
    Introductions &m_introductions;
    IdBindings &m_bindings;
    Mailbox &m_mailbox;
    const OutputBatch &m_output; // its frame observer
    const QElapsedTimer &m_clock;
    const std::function<qint64()> &m_wallClock; // ms since the epoch: `ts` and the mailbox's times
    Owner &m_owner;
    std::unique_ptr<RoomRequests> m_rooms;
    Cluster *m_cluster = nullptr;
    QSet<QString> m_joiningIds; // ids whose join waits for the cluster's claim
    QSet<qint64> m_forwarding;  // mailbox letters on their way to another hub
    HubLimits m_limits; // announced in every welcome
    qint64 m_requestMs = 0; // when the request being handled arrived (onTextMessage)
    int m_reading = 0;      // inside readingStarts() / readingEnds()
    qint64 m_readingMs = 0; // the monotonic clock at readingStarts()
    qint64 m_readingWallMs = -1; // the wall clock, once read during this read
    quint64 m_routed = 0;
    qsizetype m_requestBytes = 0; // of the request being handled
    quint64 m_delivered = 0;
    /// Stored in the open batch, to answer once it is committed: the sender's id, the message's mid and recipient.
    struct StoredAnswer
    {
        QString sender;
        QString mid;
        QString recipient;
    };
    QList<StoredAnswer> m_uncommitted;
};

} // namespace PeerLink
