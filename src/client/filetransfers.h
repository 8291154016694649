#pragma once

#include "client/clienterror.h"
#include "core/linkprotocol.h"
#include "core/tokenbucket.h"

#include <QElapsedTimer>
#include <QObject>
#include <QHash>
#include <functional>
#include <map>
#include <memory>
#include <optional>

class QTimer;

namespace PeerLink {

struct FileControl;
struct FileChunk;
class SenderMemory;

/// The file transfers of one client, without sockets (docs/protocol.md, "Files"): offers, the receiver's answers,
/// chunks sealed end to end with crypto_secretstream and sent in a window of unacknowledged chunks, over a direct link
/// when there is one and otherwise through the hub (paced below the hub's byte rates), resumed from the last verified
/// chunk after a drop, a hub restart, a path change or a corrupted chunk, paused and resumed by either side (each
/// side's pause its own to resume), and checked by SHA-256 at the end. Frames leave through Transport; events leave
/// as signals; time comes from a clock a test may replace.
class FileTransfers : public QObject
{
    Q_OBJECT
public:
    enum class Direction { Outgoing, Incoming };
    Q_ENUM(Direction)
    /// Offered: waiting for the receiver's answer (outgoing) or the user's (incoming); Paused: either side paused it
    /// (Info::pausedBy says who), until that side resumes it.
    enum class State { Offered, Active, Paused, Done, Failed, Cancelled };
    Q_ENUM(State)
    /// Who holds a transfer paused. You: this side's user (pause()); Disk: this side, because the file could not be
    /// written (a full disk); Peer: the other side (its user or its disk), and only the other side may resume it.
    enum class PausedBy { Nobody, You, Disk, Peer };
    Q_ENUM(PausedBy)

    /// One transfer as the user sees it.
    struct Info
    {
        QString tid;
        QString peer;
        Direction direction = Direction::Outgoing;
        State state = State::Offered;
        bool declined = false; // Failed / Cancelled because the receiver declined the offer (either side's view)
        bool byPeer = false; // ended by the peer's word (its decline, cancel or report of a failure)
        QString name; // outgoing: the file's name; incoming: the offered name, sanitised
        QString mimeType;
        qint64 size = 0;
        qint64 bytes = 0; // verified by the receiver
        QByteArray sha256; // offered
        QString path; // outgoing: the source; incoming: where it is saved (the .part file while it arrives)
        QString error; // Failed, Cancelled, Paused: why (translated)
        PausedBy pausedBy = PausedBy::Nobody; // Paused: who (this side first, when both sides paused it)
    };

    /// How frames leave and how control frames are sealed (all must be set).
    struct Transport
    {
        /// Whether @p peer is joined to the hub now (and we are).
        std::function<bool(const QString &peer)> present;
        /// Whether a direct link to @p peer is up.
        std::function<bool(const QString &peer)> linkUp;
        /// Sends over @p peer's direct link; false: no link up.
        std::function<bool(const QString &peer, const LinkFile &frame)> sendLink;
        /// Sends through the hub; false: not joined.
        std::function<bool(const QString &peer, const LinkFile &frame)> sendHub;
        /// Sends chunk @p chunk (encodeFileChunk bytes) of @p tid over @p peer's direct link (@p direct) or through
        /// the hub, in a binary frame where the other end takes them, else as a `chunk` frame; false: that path is
        /// not there.
        std::function<bool(const QString &peer, bool direct, const QString &tid, const QByteArray &chunk)> sendChunk;
        /// Seals @p plain for @p peer under @p mid (end to end); nullopt: @p peer has no usable key.
        std::function<std::optional<QString>(const QString &peer, const QString &mid, const QByteArray &plain)> seal;
        /// Opens what @p peer sealed under @p mid; nullopt: it does not open.
        std::function<std::optional<QByteArray>(const QString &peer, const QString &mid, const QString &sealed)> open;
        /// The identity key @p peer joined with (empty: none). Optional: when set, a remembered transfer is offered
        /// again only to the key it was first offered to (a peer id on another hub may be someone else).
        std::function<QByteArray(const QString &peer)> peerKey;
    };

    /// Default window: chunks sent and not acknowledged at most.
    static constexpr int DefaultWindow = 16;
    /// Default largest file accepted (bytes): 16 GiB.
    static constexpr qint64 DefaultMaxIncomingBytes = qint64(16) << 30;
    /// A transfer with more chunks than this that do not verify fails.
    static constexpr int MaxRejectedChunks = 16;

    explicit FileTransfers(QObject *parent = nullptr);
    ~FileTransfers() override;

    void setTransport(Transport transport) { m_transport = std::move(transport); }
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }
    /// Chunks in flight per transfer at most (at least 1).
    void setWindow(int chunks) { m_window = std::max(1, chunks); }
    int window() const { return m_window; }
    /// Offers of larger files are declined (`too_large`) and reported.
    void setMaxIncomingBytes(qint64 bytes) { m_maxIncoming = std::max<qint64>(0, bytes); }
    qint64 maxIncomingBytes() const { return m_maxIncoming; }
    /// A sender that hears no acknowledgement for this long sends again from the last verified chunk (ms).
    void setStallTimeout(int ms) { m_stallMs = std::max(1, ms); }
    /// The chunk size of new offers (plaintext bytes; clamped to [MinChunkBytes, MaxChunkBytes]).
    void setChunkBytes(int bytes);
    int chunkBytes() const { return m_chunkBytes; }
    /// The hub's limits: relayed chunks are paced below its byte rate and its file rate (0: not paced), and the chunk
    /// size of new offers fits its message limit.
    void applyLimits(double bytesPerSecond, double fileBytesPerSecond, qint64 maxMessageBytes);
    /// Keeps the outgoing transfers in @p memory (nullptr: none) from now on, so that restore() takes them up after
    /// this program was closed and opened again.
    void setMemory(SenderMemory *memory) { m_memory = memory; }
    /// Takes up the unfinished outgoing transfers the memory holds: each is shown (restored) and offered again under
    /// its id and key when its peer is there, or fails (failed) when its source is gone or changed since. Returns how
    /// many go on.
    int restore();

    /// Offers the file at @p path to @p peer; returns the transfer id, or an empty string (errorOccurred says why).
    QString offer(const QString &peer, const QString &path);
    /// Accepts the incoming offer @p tid into @p dir (made if missing), going on from a part kept there.
    bool accept(const QString &tid, const QString &dir);
    bool decline(const QString &tid);
    /// Cancels @p tid (either direction): the peer is told, a part file is removed.
    bool cancel(const QString &tid);
    /// Pauses the active transfer @p tid (either direction): the peer is told, no chunk flows until resumeTransfer().
    bool pause(const QString &tid);
    /// Goes on with a transfer this side paused (pause(), or a full disk), from the last verified chunk; false when
    /// it is not paused by this side (a pause the peer made is the peer's to resume).
    bool resumeTransfer(const QString &tid);

    std::optional<Info> info(const QString &tid) const;
    QList<Info> transfers() const;

    /// A `file` frame from @p peer (through the hub or over its link).
    void received(const QString &peer, const LinkFile &frame);
    /// A chunk (encodeFileChunk bytes) of transfer @p tid from @p peer, from a binary frame or a `chunk` frame;
    /// @p overLink: in a binary frame over the direct link, which the link does not authenticate (one that does not
    /// verify is then the link's fault: linkChunkRejected, not counted against the transfer).
    void receivedChunk(const QString &peer, const QString &tid, const QByteArray &chunk, bool overLink = false);
    /// Messages to @p peer now travel another way: what is in flight goes again from the last verified chunk.
    void pathChanged(const QString &peer);
    /// @p peer joined (again): transfers waiting for it go on.
    void peerBack(const QString &peer);
    /// @p peer left: its outgoing transfers wait for it.
    void peerGone(const QString &peer);
    /// Joined again after a lost connection: every outgoing transfer goes on from its last verified chunk.
    void rejoined();
    /// The hub refused a frame of transfer @p error.ref; false when no transfer has that id.
    bool refused(const ClientError &error);
    /// The hub does not know `file` frames (an older hub answered `unknown_type`): every transfer under way fails
    /// at once, rather than being offered again into the hub's budget of invalid messages.
    void hubLacksFiles();

Q_SIGNALS:
    /// A peer offers a file: accept() or decline() it.
    void offerReceived(const PeerLink::FileTransfers::Info &info);
    /// More of a transfer was verified (incoming: written; outgoing: acknowledged).
    void progressed(const PeerLink::FileTransfers::Info &info);
    void finished(const PeerLink::FileTransfers::Info &info);
    /// Failed, declined, refused or cancelled (by either side); info.error says why.
    void failed(const PeerLink::FileTransfers::Info &info);
    /// A transfer was paused, or who holds it paused changed (info.pausedBy, info.error): nothing verified is lost;
    /// resumeTransfer() goes on when info.pausedBy is You or Disk.
    void paused(const PeerLink::FileTransfers::Info &info);
    /// A paused transfer goes on (from the last verified chunk).
    void resumed(const PeerLink::FileTransfers::Info &info);
    /// A chunk did not verify (changed on the way): it is asked for again.
    void chunkRejected(const QString &tid, qint64 index);
    /// A chunk from @p peer in a binary frame over the direct link did not verify: someone may be writing into that
    /// connection. The owner drops the link; the transfer goes on through the hub.
    void linkChunkRejected(const QString &peer);
    void errorOccurred(const PeerLink::ClientError &error);
    /// An outgoing transfer remembered from an earlier run was taken up (by restore()): it waits for its peer.
    void restored(const PeerLink::FileTransfers::Info &info);

private:
    struct Transfer;

    Transfer *find(const QString &tid);
    bool sendControl(Transfer &t, const FileControl &control);
    bool sendFrame(Transfer &t, const QString &op, const QString &data);
    void onControl(const QString &peer, const QString &tid, const QString &data);
    void onOffer(const QString &peer, const QString &tid, const FileControl &offer);
    void onChunk(Transfer &t, const FileChunk &chunk, bool overLink);
    void onAck(Transfer &t, qint64 verified);
    /// Outgoing: a new segment (a new stream) from chunk @p from.
    void restart(Transfer &t, qint64 from);
    void pump(Transfer &t);
    void tick();
    void complete(Transfer &t);
    void end(Transfer &t, State state, const QString &error);
    void askFrom(Transfer &t);
    // Pause and resume (docs/protocol.md, "Files", Pause)
    /// This side pauses @p t for @p reason ("user", "disk_full"); @p why is what the user reads.
    void pauseHere(Transfer &t, const QString &reason, const QString &why);
    void sendPause(Transfer &t);
    void onPeerPause(Transfer &t, const QString &reason);
    /// The peer's pause is over (its resume, or, from a sender, the chunks of a new segment).
    void onPeerResume(Transfer &t);
    /// Paused or active again as the two sides' pauses say (a sender going on starts from chunk @p from); emits
    /// paused / resumed on a change.
    void settlePause(Transfer &t, qint64 from = 0);
    /// A chunk came while @p t is paused: true when it shows the sender went on (take the chunk).
    bool chunkWhilePaused(Transfer &t, const FileChunk &chunk);
    /// While paused: this side's pause is said again, and a sender paused by its peer offers again (the receiver
    /// answers with its last word: its pause, or the resume that was lost).
    void announcePause(Transfer &t);
    /// Outgoing: offers @p t again under its id and key (the receiver was restarted, or we were).
    void offerAgain(Transfer &t);
    /// Outgoing: whether @p t's peer still has the identity key the offer was first made to (the offer carries the
    /// transfer's key: it goes to nobody else); when not, the transfer fails.
    bool offeredPeerIsThere(Transfer &t);
    /// Outgoing: what the memory keeps of @p t; written at once when @p urgent.
    void remember(const Transfer &t, bool urgent);
    qint64 now() const { return m_clock ? m_clock() : m_elapsed.elapsed(); }

    Transport m_transport;
    std::function<qint64()> m_clock;
    QElapsedTimer m_elapsed;
    std::map<QString, std::unique_ptr<Transfer>> m_transfers;
    int m_window = DefaultWindow;
    qint64 m_maxIncoming = DefaultMaxIncomingBytes;
    int m_stallMs = 5000;
    int m_chunkBytes;
    QHash<QString, qint64> m_unknown; // transfer ids we told their sender we do not know, and when
    SenderMemory *m_memory = nullptr;
    TokenBucket m_relayBudget;
    double m_relayRate = 0; // bytes per second of relayed chunks (0: not paced)
    QTimer *m_timer;
};

} // namespace PeerLink

Q_DECLARE_METATYPE(PeerLink::FileTransfers::Info)
