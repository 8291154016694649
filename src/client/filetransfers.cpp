#include "filetransfers.h"

#include "client/logging.h"
#include "client/partfile.h"
#include "client/sendermemory.h"
#include "core/base64url.h"
#include "core/fileprotocol.h"
#include "crypto/chunkstream.h"
#include "crypto/sha256.h"
#include "crypto/sodium.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QTimer>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

constexpr int kTickMs = 20;
/// Why a side paused a transfer (the `reason` of its `pause` control).
constexpr QLatin1StringView kPausedByUser("user");
/// 2023-11-14 in seconds since 1970: a restored transfer's segments start at the seconds since then (always above
/// the handful an earlier run used).
constexpr qint64 kSegmentEpoch = 1700000000;
constexpr QLatin1StringView kPausedDiskFull("disk_full");
/// Bytes a chunk's frame adds around its plaintext: base64 of the secretstream bytes and chunk header, and the JSON.
qint64 frameBytes(qint64 plain)
{
    return (plain + 64) * 4 / 3 + 160;
}

std::optional<QByteArray> fromBase64(const QString &text)
{
    bool ok = false;
    QByteArray bytes = fromBase64Url(text.toLatin1(), &ok);
    return ok ? std::optional<QByteArray>(std::move(bytes)) : std::nullopt;
}

} // namespace

/// One transfer: what the user sees (info) and what each side keeps to go on.
struct FileTransfers::Transfer
{
    Info info;
    QByteArray key;
    int chunkBytes = 0;
    qint64 chunks = 0;
    quint32 controls = 0; // control frames sent (their mids)
    /// The last control that settles the transfer or asks for the next step (an offer, a resume, done, a refusal):
    /// sent again when the other side shows it did not get it (control frames are not acknowledged).
    std::optional<FileControl> standing;
    // Outgoing
    std::unique_ptr<QFile> source;
    std::unique_ptr<Crypto::ChunkSealer> sealer;
    quint32 segment = 0;
    bool headerDue = false;
    qint64 next = 0; // the next chunk to send
    qint64 acked = 0; // chunks the receiver verified
    qint64 lastProgressMs = 0;
    bool waiting = false; // for the peer, or for a path that takes the next chunk
    QByteArray peerKey; // the identity key it was offered to (empty: none known)
    qint64 mtimeMs = 0; // the source's last change when it was offered
    // Incoming
    std::unique_ptr<PartFile> part;
    std::optional<Crypto::ChunkOpener> opener;
    quint32 openSegment = 0;
    quint32 askedSegment = 0; // the last segment we asked to start elsewhere
    qint64 verified = 0;
    int rejected = 0;
    quint32 pausedSegment = 0; // the last segment that came while paused (answered once)
    bool reofferOnResume = false; // outgoing: offered again when this side's pause ends (the receiver forgot it)
    // Pause (either direction): each side's own, so that neither resumes the other's
    QString ourPause; // why this side paused it (kPausedByUser, kPausedDiskFull); empty: it did not
    QString ourPauseText; // what the user reads about it
    bool peerPaused = false;
    QString peerPauseReason;
    qint64 lastAnnounceMs = 0; // when this side last said its pause (or, paused by the peer, offered again)

    bool outgoing() const { return info.direction == Direction::Outgoing; }
    /// Outgoing: the offer (said again until it is answered, and after a restart of either side).
    FileControl offerControl() const
    {
        FileControl c;
        c.kind = FileControl::Kind::Offer;
        c.name = info.name;
        c.size = info.size;
        c.sha256 = info.sha256;
        c.mimeType = info.mimeType;
        c.chunkBytes = chunkBytes;
        c.key = key;
        return c;
    }
    qint64 chunkSize(qint64 index) const
    {
        return std::min<qint64>(chunkBytes, info.size - index * chunkBytes);
    }
};

FileTransfers::FileTransfers(QObject *parent)
    : QObject(parent)
    , m_chunkBytes(MaxChunkBytes)
    , m_timer(new QTimer(this))
{
    m_elapsed.start();
    m_timer->setInterval(kTickMs);
    connect(m_timer, &QTimer::timeout, this, &FileTransfers::tick);
}

FileTransfers::~FileTransfers() = default;

void FileTransfers::setChunkBytes(int bytes)
{
    m_chunkBytes = std::clamp(bytes, MinChunkBytes, MaxChunkBytes) / 1024 * 1024;
}

void FileTransfers::applyLimits(double bytesPerSecond, double fileBytesPerSecond, qint64 maxMessageBytes)
{
    double rate = bytesPerSecond;
    if (fileBytesPerSecond > 0 && (rate <= 0 || fileBytesPerSecond < rate))
        rate = fileBytesPerSecond;
    // 80%: the hub's bucket also pays for this peer's other traffic (messages, acks of incoming files).
    rate *= 0.8;
    m_relayRate = rate;
    m_relayBudget = TokenBucket(rate, std::max(rate / 4, double(frameBytes(m_chunkBytes))));
    if (maxMessageBytes > 0)
        setChunkBytes(int(std::min<qint64>(MaxChunkBytes, (maxMessageBytes - 200) * 3 / 4 - 64)));
}

FileTransfers::Transfer *FileTransfers::find(const QString &tid)
{
    const auto it = m_transfers.find(tid);
    return it == m_transfers.end() ? nullptr : it->second.get();
}

std::optional<FileTransfers::Info> FileTransfers::info(const QString &tid) const
{
    const auto it = m_transfers.find(tid);
    return it == m_transfers.end() ? std::nullopt : std::optional<Info>(it->second->info);
}

QList<FileTransfers::Info> FileTransfers::transfers() const
{
    QList<Info> list;
    for (const auto &[tid, t] : m_transfers)
        list.append(t->info);
    return list;
}

// ---- Sending frames -------------------------------------------------------------------------------------------

bool FileTransfers::sendFrame(Transfer &t, const QString &op, const QString &data)
{
    const LinkFile frame { t.info.tid, op, data };
    return m_transport.sendLink(t.info.peer, frame) || m_transport.sendHub(t.info.peer, frame);
}

bool FileTransfers::sendControl(Transfer &t, const FileControl &control)
{
    if (!t.outgoing())
        t.standing = control; // the receiver's last word, said again when the offer comes again
    const quint32 n = ++t.controls;
    // The mid binds the sealed control to this transfer and its place; the sender's own counter (each side its own).
    const QString mid = u"f%1.%2"_s.arg(t.info.tid).arg(n);
    const std::optional<QString> sealed = m_transport.seal(t.info.peer, mid, encodeFileControl(control));
    if (!sealed)
        return false;
    return sendFrame(t, u"ctl"_s, QString::number(n) + u':' + *sealed);
}

// ---- Offers and answers ---------------------------------------------------------------------------------------

QString FileTransfers::offer(const QString &peer, const QString &path)
{
    const auto fail = [this, &peer](const QString &message) {
        Q_EMIT errorOccurred(ClientError::local(u"file_failed"_s, message, peer));
        return QString();
    };
    if (!m_transport.present || !m_transport.present(peer))
        return fail(tr("%1 is not joined to the hub.").arg(peer));
    auto source = std::make_unique<QFile>(path);
    const QFileInfo fi(path);
    if (!fi.isFile() || !source->open(QIODevice::ReadOnly))
        return fail(tr("Cannot read %1: %2").arg(path, fi.exists() ? source->errorString() : tr("no such file")));
    const std::optional<QByteArray> sha256 = Crypto::Sha256::of(source.get());
    if (!sha256)
        return fail(tr("Cannot read %1: %2").arg(path, source->errorString()));

    auto t = std::make_unique<Transfer>();
    t->info.tid = QString::fromLatin1(Crypto::randomBytes(16).toHex());
    t->info.peer = peer;
    t->info.direction = Direction::Outgoing;
    t->info.name = fi.fileName();
    t->info.mimeType = QMimeDatabase().mimeTypeForFile(fi).name();
    t->info.size = source->size();
    t->info.sha256 = *sha256;
    t->info.path = fi.absoluteFilePath();
    t->key = Crypto::newChunkKey();
    t->chunkBytes = m_chunkBytes;
    t->chunks = chunkCount(t->info.size, m_chunkBytes);
    t->source = std::move(source);
    t->peerKey = m_transport.peerKey ? m_transport.peerKey(peer) : QByteArray();
    t->mtimeMs = fi.lastModified().toMSecsSinceEpoch();

    const FileControl c = t->offerControl();
    if (!sendControl(*t, c))
        return fail(tr("Cannot offer a file to %1: files go end to end, and it has no identity key we can seal to.")
                        .arg(peer));
    t->standing = c; // offered again until answered
    t->lastProgressMs = now();
    if (!m_timer->isActive())
        m_timer->start();
    const QString tid = t->info.tid;
    qCInfo(lcClient).noquote() << "offered" << t->info.name << "to" << peer << "as" << tid;
    remember(*t, true);
    m_transfers.emplace(tid, std::move(t));
    return tid;
}

int FileTransfers::restore()
{
    if (!m_memory)
        return 0;
    int goingOn = 0;
    for (const SenderMemory::Entry &e : m_memory->entries()) {
        if (find(e.tid))
            continue;
        auto t = std::make_unique<Transfer>();
        t->info.tid = e.tid;
        t->info.peer = e.peer;
        t->info.direction = Direction::Outgoing;
        t->info.name = e.name;
        t->info.mimeType = e.mimeType;
        t->info.size = e.size;
        t->info.sha256 = e.sha256;
        t->info.path = e.path;
        t->key = e.key;
        t->chunkBytes = e.chunkBytes;
        t->chunks = chunkCount(e.size, e.chunkBytes);
        t->acked = e.acked;
        t->next = e.acked;
        t->info.bytes = std::min(e.size, e.acked * e.chunkBytes);
        t->peerKey = e.peerKey;
        t->mtimeMs = e.mtimeMs;
        t->standing = t->offerControl();
        Transfer &ref = *t;
        m_transfers.emplace(e.tid, std::move(t));

        // The bytes offered are the file as it was: one that changed since is not sent (the receiver would get
        // another file than offered, and its part would mix both).
        const QFileInfo fi(e.path);
        auto source = std::make_unique<QFile>(e.path);
        QString changed;
        if (!fi.isFile())
            changed = tr("%1 is no longer there").arg(QDir::toNativeSeparators(e.path));
        else if (fi.size() != e.size || fi.lastModified().toMSecsSinceEpoch() != e.mtimeMs)
            changed = tr("%1 was changed since it was offered").arg(QDir::toNativeSeparators(e.path));
        else if (!source->open(QIODevice::ReadOnly))
            changed = tr("Cannot read %1: %2").arg(QDir::toNativeSeparators(e.path), source->errorString());
        if (!changed.isEmpty()) {
            qCWarning(lcClient).noquote() << "not going on with" << e.tid << "to" << e.peer << ":" << changed;
            end(ref, State::Failed, tr("%1; it is not sent to %2. Send the file again to offer it as it is now.")
                                        .arg(changed, e.peer));
            continue;
        }
        ref.source = std::move(source);
        // Segments of this run count on from past any of an earlier run, for a receiver that still follows one.
        ref.segment = quint32(std::max<qint64>(1, QDateTime::currentSecsSinceEpoch() - kSegmentEpoch));
        ++goingOn;
        qCInfo(lcClient).noquote() << "going on with" << e.name << "to" << e.peer << "as" << e.tid << "from chunk"
                                   << e.acked;
        if (e.state == u"paused") {
            // The user paused it before the program was closed: it stays so until resumeTransfer().
            ref.ourPause = kPausedByUser;
            ref.ourPauseText = tr("paused by you");
            ref.reofferOnResume = true;
            ref.info.state = State::Paused;
            ref.info.pausedBy = PausedBy::You;
            ref.info.error = ref.ourPauseText;
            Q_EMIT restored(ref.info);
            if (!m_timer->isActive())
                m_timer->start(); // the pause is said while it lasts
            continue;
        }
        Q_EMIT restored(ref.info);
        if (m_transport.present && m_transport.present(ref.info.peer))
            offerAgain(ref);
        else
            ref.waiting = true;
    }
    return goingOn;
}

bool FileTransfers::offeredPeerIsThere(Transfer &t)
{
    if (!m_transport.peerKey || t.peerKey.isEmpty() || m_transport.peerKey(t.info.peer) == t.peerKey)
        return true;
    end(t, State::Failed, tr("%1 is not the peer the file was offered to (its identity key is another one); it "
                             "is not sent.")
                              .arg(t.info.peer));
    return false;
}

void FileTransfers::offerAgain(Transfer &t)
{
    if (!offeredPeerIsThere(t))
        return;
    // A receiver that forgot the transfer forgot its pause too; ours holds the offer back until we resume.
    t.peerPaused = false;
    t.peerPauseReason.clear();
    if (!t.ourPause.isEmpty()) {
        t.reofferOnResume = true;
        t.sealer.reset();
        remember(t, true);
        return;
    }
    const bool changed = t.info.state != State::Offered;
    t.info.state = State::Offered;
    t.info.pausedBy = PausedBy::Nobody;
    t.info.error.clear();
    t.reofferOnResume = false;
    t.sealer.reset();
    t.waiting = false;
    t.lastProgressMs = now();
    sendControl(t, *t.standing);
    if (!m_timer->isActive())
        m_timer->start();
    remember(t, changed);
}

void FileTransfers::remember(const Transfer &t, bool urgent)
{
    if (!m_memory || !t.outgoing() || t.info.state == State::Done || t.info.state == State::Failed
        || t.info.state == State::Cancelled)
        return; // an ended transfer was forgotten (end()): not written back
    SenderMemory::Entry e;
    e.tid = t.info.tid;
    e.peer = t.info.peer;
    e.peerKey = t.peerKey;
    e.path = t.info.path;
    e.name = t.info.name;
    e.mimeType = t.info.mimeType;
    e.size = t.info.size;
    e.mtimeMs = t.mtimeMs;
    e.sha256 = t.info.sha256;
    e.chunkBytes = t.chunkBytes;
    e.key = t.key;
    e.acked = t.acked;
    e.state = !t.ourPause.isEmpty()                                               ? u"paused"_s
        : t.info.state == State::Active || t.info.state == State::Paused ? u"active"_s
                                                                          : u"offered"_s;
    m_memory->remember(e, urgent);
}

void FileTransfers::onOffer(const QString &peer, const QString &tid, const FileControl &offer)
{
    if (Transfer *known = find(tid)) {
        if (known->info.peer != peer || known->outgoing())
            return;
        if (known->info.state == State::Active || known->info.state == State::Paused) {
            // The sender offers what we are receiving: it was restarted (or our answer was lost). It holds no pause
            // (a sender offers only when it goes on), and its segments count from its new start.
            known->opener.reset();
            known->openSegment = 0;
            known->askedSegment = 0;
            known->pausedSegment = 0;
            if (known->peerPaused)
                onPeerResume(*known); // paused by the sender, which goes on: on, unless we hold our own pause
        }
        if (known->info.state == State::Active) {
            // It goes on from what is verified now, not from what we last said.
            askFrom(*known);
        } else if (known->info.state == State::Paused) {
            sendPause(*known); // ours: the sender hears it again, and waits for our resume
        } else if (known->standing) {
            sendControl(*known, *known->standing); // our answer was lost (or it is a replay): said again
        }
        return;
    }
    m_unknown.remove(tid); // told it was unknown, and offered again: known from now on
    auto t = std::make_unique<Transfer>();
    t->info.tid = tid;
    t->info.peer = peer;
    t->info.direction = Direction::Incoming;
    t->info.name = sanitizeFileName(offer.name);
    t->info.mimeType = offer.mimeType;
    t->info.size = offer.size;
    t->info.sha256 = offer.sha256;
    t->key = offer.key;
    t->chunkBytes = offer.chunkBytes;
    t->chunks = chunkCount(offer.size, offer.chunkBytes);
    Transfer &ref = *t;
    m_transfers.emplace(tid, std::move(t));
    if (offer.size > m_maxIncoming) {
        FileControl c;
        c.kind = FileControl::Kind::Decline;
        c.reason = u"too_large"_s;
        sendControl(ref, c);
        end(ref, State::Failed,
            tr("%1 offered %2 (%3 bytes), more than the %4 bytes accepted.").arg(peer, ref.info.name).arg(offer.size)
                .arg(m_maxIncoming));
        return;
    }
    Q_EMIT offerReceived(ref.info);
}

bool FileTransfers::accept(const QString &tid, const QString &dir)
{
    Transfer *t = find(tid);
    if (!t || t->outgoing() || t->info.state != State::Offered)
        return false;
    QString error;
    t->part = PartFile::open(dir, { t->info.peer, t->info.name, t->info.size, t->info.sha256 }, &error);
    if (!t->part) {
        // Our disk, not a no: the sender hears that it failed here (and the transfer ends once).
        FileControl c;
        c.kind = FileControl::Kind::Failed;
        c.reason = u"write_failed"_s;
        sendControl(*t, c);
        end(*t, State::Failed, error);
        return false;
    }
    // Whatever a part kept (an earlier offer of the same file) counts: whole chunks of this offer's size.
    t->verified = std::min(t->part->size() / t->chunkBytes, t->chunks - 1);
    t->part->truncate(t->verified * t->chunkBytes);
    t->info.bytes = t->verified * t->chunkBytes;
    t->info.path = t->part->partPath();
    t->info.state = State::Active;
    askFrom(*t);
    return true;
}

bool FileTransfers::decline(const QString &tid)
{
    Transfer *t = find(tid);
    if (!t || t->outgoing() || t->info.state != State::Offered)
        return false;
    FileControl c;
    c.kind = FileControl::Kind::Decline;
    c.reason = u"declined"_s;
    sendControl(*t, c);
    t->info.declined = true;
    end(*t, State::Cancelled, tr("declined"));
    return true;
}

bool FileTransfers::cancel(const QString &tid)
{
    Transfer *t = find(tid);
    if (!t || t->info.state == State::Done || t->info.state == State::Failed || t->info.state == State::Cancelled)
        return false;
    FileControl c;
    c.kind = FileControl::Kind::Cancel;
    c.reason = u"cancelled"_s;
    sendControl(*t, c);
    end(*t, State::Cancelled, tr("cancelled"));
    return true;
}

bool FileTransfers::pause(const QString &tid)
{
    Transfer *t = find(tid);
    if (!t || t->info.state != State::Active)
        return false;
    pauseHere(*t, kPausedByUser, tr("paused by you"));
    remember(*t, true);
    return true;
}

bool FileTransfers::resumeTransfer(const QString &tid)
{
    Transfer *t = find(tid);
    if (!t || t->info.state != State::Paused || t->ourPause.isEmpty())
        return false;
    t->ourPause.clear();
    t->ourPauseText.clear();
    if (t->outgoing() && t->reofferOnResume) {
        // The receiver forgot the transfer while we held it (it was restarted, or we were): offered again, it answers
        // from what its part kept.
        offerAgain(*t);
        Q_EMIT resumed(t->info);
        return true;
    }
    if (t->outgoing()) {
        // The receiver hears that our pause is over; the chunks go on from what it acknowledged.
        FileControl c;
        c.kind = FileControl::Kind::Resume;
        c.from = t->acked;
        sendControl(*t, c);
    } else {
        askFrom(*t); // the sender goes on from our verified count
    }
    settlePause(*t, t->acked);
    remember(*t, true);
    return true;
}

void FileTransfers::askFrom(Transfer &t)
{
    FileControl c;
    c.kind = FileControl::Kind::Resume;
    c.from = t.verified;
    sendControl(t, c);
}

// ---- Pause and resume -----------------------------------------------------------------------------------------

void FileTransfers::pauseHere(Transfer &t, const QString &reason, const QString &why)
{
    t.ourPause = reason;
    t.ourPauseText = why;
    sendPause(t);
    settlePause(t);
}

void FileTransfers::sendPause(Transfer &t)
{
    FileControl c;
    c.kind = FileControl::Kind::Pause;
    c.reason = t.ourPause;
    sendControl(t, c);
    t.lastAnnounceMs = now();
}

void FileTransfers::onPeerPause(Transfer &t, const QString &reason)
{
    if (t.peerPaused && t.peerPauseReason == reason)
        return; // said again
    t.peerPaused = true;
    t.peerPauseReason = reason;
    settlePause(t);
}

void FileTransfers::onPeerResume(Transfer &t)
{
    t.peerPaused = false;
    t.peerPauseReason.clear();
    settlePause(t, t.acked);
}

void FileTransfers::settlePause(Transfer &t, qint64 from)
{
    const State before = t.info.state;
    const PausedBy byBefore = t.info.pausedBy;
    if (!t.ourPause.isEmpty()) {
        t.info.pausedBy = t.ourPause == kPausedDiskFull ? PausedBy::Disk : PausedBy::You;
        t.info.error = t.ourPauseText;
    } else if (t.peerPaused) {
        t.info.pausedBy = PausedBy::Peer;
        t.info.error = t.peerPauseReason == kPausedDiskFull
            ? tr("%1 cannot write the file (its disk is full); it goes on when %1 resumes it.").arg(t.info.peer)
            : tr("%1 paused the transfer.").arg(t.info.peer);
    } else {
        t.info.pausedBy = PausedBy::Nobody;
    }
    if (t.info.pausedBy != PausedBy::Nobody) {
        t.info.state = State::Paused;
        if (!m_timer->isActive())
            m_timer->start(); // the pause is said again while it lasts (announcePause)
        if (before != State::Paused || byBefore != t.info.pausedBy)
            Q_EMIT paused(t.info);
        return;
    }
    if (before != State::Paused)
        return;
    t.info.state = State::Active;
    t.info.error.clear();
    if (t.outgoing())
        restart(t, from);
    if (t.info.state == State::Active)
        Q_EMIT resumed(t.info);
}

bool FileTransfers::chunkWhilePaused(Transfer &t, const FileChunk &chunk)
{
    // Only the first chunk of a segment we have not seen counts: a sender starts one whenever it goes on.
    if (t.info.state != State::Paused || chunk.header.isEmpty() || chunk.segment <= t.openSegment
        || chunk.segment <= t.pausedSegment)
        return false;
    // Only a chunk that opens is the sender's (one written into a direct link by someone else is not).
    std::optional<Crypto::ChunkOpener> probe = Crypto::ChunkOpener::start(t.key, chunk.header);
    bool final = false;
    if (!probe || !probe->open(chunk.cipher, chunkAssociatedData(t.info.tid, chunk.segment, chunk.index), &final))
        return false;
    t.pausedSegment = chunk.segment;
    if (!t.ourPause.isEmpty()) {
        sendPause(t); // the sender did not hear our pause (controls are not acknowledged)
        return false;
    }
    onPeerResume(t); // the sender went on: its resume was lost
    return t.info.state == State::Active;
}

void FileTransfers::announcePause(Transfer &t)
{
    if (now() - t.lastAnnounceMs <= m_stallMs || !m_transport.present(t.info.peer))
        return;
    if (!t.ourPause.isEmpty()) {
        sendPause(t);
    } else if (t.outgoing() && t.peerPaused && t.standing && offeredPeerIsThere(t)) {
        sendControl(t, *t.standing); // the receiver answers an offer again with its last word
        t.lastAnnounceMs = now();
    }
}

void FileTransfers::end(Transfer &t, State state, const QString &error)
{
    t.info.state = state;
    t.info.error = error;
    t.info.pausedBy = PausedBy::Nobody;
    t.source.reset();
    t.sealer.reset();
    t.opener.reset();
    if (t.part && state == State::Cancelled)
        t.part->remove();
    t.part.reset();
    if (m_memory && t.outgoing())
        m_memory->forget(t.info.tid);
    if (state == State::Done)
        Q_EMIT finished(t.info);
    else
        Q_EMIT failed(t.info);
}

// ---- Frames in ------------------------------------------------------------------------------------------------

void FileTransfers::received(const QString &peer, const LinkFile &frame)
{
    if (frame.op == u"ctl") {
        onControl(peer, frame.tid, frame.data);
        return;
    }
    if (frame.op == u"chunk") {
        if (const std::optional<QByteArray> bytes = fromBase64(frame.data))
            receivedChunk(peer, frame.tid, *bytes);
        return;
    }
    Transfer *t = find(frame.tid);
    if (!t || t->info.peer != peer)
        return; // not ours, or from someone else: nobody may speak for a transfer's peer
    if (frame.op == u"ack") {
        if (const auto n = decodeFileAck(frame.data); n && t->outgoing())
            onAck(*t, *n);
    } // other ops: from a newer version, ignored
}

void FileTransfers::receivedChunk(const QString &peer, const QString &tid, const QByteArray &bytes, bool overLink)
{
    Transfer *t = find(tid);
    if (!t && now() - m_unknown.value(tid, -m_stallMs - 1) > m_stallMs) {
        // Chunks of a transfer we do not know (this program was restarted in its middle): the sender hears so (once,
        // and again only after a stall, in case that answer was lost), and offers the file again, which goes on from
        // what the .part kept.
        m_unknown.insert(tid, now());
        Transfer stranger;
        stranger.info.tid = tid;
        stranger.info.peer = peer;
        stranger.info.direction = Direction::Incoming;
        stranger.controls = 1000000; // its own counter: a mid of ours that the sender has not seen
        FileControl c;
        c.kind = FileControl::Kind::Failed;
        c.reason = u"unknown_transfer"_s;
        sendControl(stranger, c);
        return;
    }
    if (!t || t->info.peer != peer || t->outgoing())
        return; // not ours, or from someone else: nobody may speak for a transfer's peer
    if (const std::optional<FileChunk> chunk = decodeFileChunk(bytes))
        onChunk(*t, *chunk, overLink);
}

void FileTransfers::onControl(const QString &peer, const QString &tid, const QString &data)
{
    const qsizetype colon = data.indexOf(u':');
    const std::optional<qint64> n = colon > 0 ? decodeFileAck(QStringView(data).left(colon)) : std::nullopt;
    const std::optional<QByteArray> plain
        = n ? m_transport.open(peer, u"f%1.%2"_s.arg(tid).arg(*n), data.mid(colon + 1)) : std::nullopt;
    QString why;
    const std::optional<FileControl> c = plain ? decodeFileControl(*plain, &why) : std::nullopt;
    if (!c) {
        qCWarning(lcClient).noquote() << "ignoring a file control from" << peer << "that does not open or parse" << why;
        return;
    }
    if (c->kind == FileControl::Kind::Offer) {
        onOffer(peer, tid, *c);
        return;
    }
    Transfer *t = find(tid);
    if (!t || t->info.peer != peer)
        return;
    const bool live = t->info.state == State::Offered || t->info.state == State::Active
        || t->info.state == State::Paused;
    switch (c->kind) {
    case FileControl::Kind::Offer:
        break;
    case FileControl::Kind::Resume:
        if (t->outgoing() && live && c->from <= t->chunks) {
            if (t->info.state == State::Paused) {
                // The receiver's pause is over (or its answer to our offer again): on, unless we hold it paused.
                t->peerPaused = false;
                settlePause(*t, c->from);
                remember(*t, true);
            } else {
                const bool changed = t->info.state != State::Active;
                t->info.state = State::Active;
                restart(*t, c->from);
                remember(*t, changed);
            }
        } else if (!t->outgoing() && t->peerPaused) {
            onPeerResume(*t); // the sender's pause is over; its chunks come in a new segment
        }
        break;
    case FileControl::Kind::Pause:
        if (t->info.state == State::Active || t->info.state == State::Paused
            || (t->outgoing() && t->info.state == State::Offered))
            onPeerPause(*t, c->reason);
        break;
    case FileControl::Kind::Decline:
        if (t->outgoing() && live) {
            t->info.byPeer = true;
            t->info.declined = c->reason != u"too_large";
            end(*t, State::Failed,
                c->reason == u"too_large" ? tr("%1 does not accept files this large.").arg(peer)
                                          : tr("%1 declined the file.").arg(peer));
        }
        break;
    case FileControl::Kind::Cancel:
        if (live) {
            t->info.byPeer = true;
            end(*t, State::Cancelled, tr("%1 cancelled the transfer.").arg(peer));
        }
        break;
    case FileControl::Kind::Done:
        if (t->outgoing() && live) {
            if (c->sha256 == t->info.sha256) {
                t->acked = t->chunks;
                t->info.bytes = t->info.size;
                end(*t, State::Done, QString());
            } else {
                end(*t, State::Failed, tr("%1 received a file with another SHA-256.").arg(peer));
            }
        }
        break;
    case FileControl::Kind::Failed:
        if (live && c->reason == u"unknown_transfer" && t->outgoing()) {
            offerAgain(*t); // the receiver was restarted: offered again, it goes on from what its part kept
        } else if (live) {
            t->info.byPeer = true;
            end(*t, State::Failed, tr("%1 reported the transfer failed (%2).").arg(peer, c->reason));
        }
        break;
    }
}

void FileTransfers::onChunk(Transfer &t, const FileChunk &chunk, bool overLink)
{
    if (t.info.state == State::Done && !chunk.header.isEmpty()) {
        // The sender did not hear that we are done (its answer was lost): say it again.
        FileControl c;
        c.kind = FileControl::Kind::Done;
        c.sha256 = t.info.sha256;
        sendControl(t, c);
        return;
    }
    if (t.info.state != State::Active && !chunkWhilePaused(t, chunk))
        return;
    // The first chunk of a new segment starts a stream of its own, which replaces the one we follow only once that
    // chunk opens: a forged one (a binary chunk injected into a direct link) costs nothing verified.
    std::optional<Crypto::ChunkOpener> fresh;
    if (!chunk.header.isEmpty()) {
        if (chunk.segment <= t.openSegment && t.opener)
            return; // a segment we already follow, or an older one
        if (chunk.index > t.verified) {
            // It starts after a gap (acks we sent were lost, or not believed): ask for what we miss, once per segment.
            if (t.askedSegment != chunk.segment) {
                t.askedSegment = chunk.segment;
                askFrom(t);
            }
            return;
        }
        fresh = Crypto::ChunkOpener::start(t.key, chunk.header);
        if (!fresh)
            return;
    } else if (!t.opener || chunk.segment != t.openSegment || chunk.index != t.verified) {
        return; // of another segment, or after a gap: the sender goes again from the last verified chunk
    }
    bool final = false;
    const std::optional<QByteArray> plain = (fresh ? *fresh : *t.opener)
        .open(chunk.cipher, chunkAssociatedData(t.info.tid, chunk.segment, chunk.index), &final);
    const bool last = chunk.index + 1 == t.chunks;
    if (!plain || final != last || plain->size() != t.chunkSize(chunk.index)) {
        qCWarning(lcClient).noquote() << "chunk" << chunk.index << "of" << t.info.tid << "does not verify";
        if (!fresh)
            t.opener.reset(); // the segment we follow cannot go on after it
        Q_EMIT chunkRejected(t.info.tid, chunk.index);
        if (overLink) {
            // It came in a binary frame over the direct link, which the link does not authenticate: the link goes
            // (the transfer goes on through the hub), and it does not count against the transfer.
            Q_EMIT linkChunkRejected(t.info.peer);
            return;
        }
        if (++t.rejected > MaxRejectedChunks) {
            FileControl c;
            c.kind = FileControl::Kind::Failed;
            c.reason = u"corrupted"_s;
            sendControl(t, c);
            end(t, State::Failed, tr("Too many chunks from %1 did not verify.").arg(t.info.peer));
        } else {
            askFrom(t);
        }
        return;
    }
    if (fresh) {
        t.opener = std::move(fresh);
        t.openSegment = chunk.segment;
        t.verified = chunk.index; // what came after it in an older segment is sent again
        t.part->truncate(t.verified * t.chunkBytes);
    }
    QString error;
    if (!t.part->write(qint64(chunk.index) * t.chunkBytes, *plain, &error)) {
        t.opener.reset();
        pauseHere(t, kPausedDiskFull, error);
        return;
    }
    t.verified = chunk.index + 1;
    t.info.bytes = std::min(t.info.size, t.verified * t.chunkBytes);
    sendFrame(t, u"ack"_s, encodeFileAck(t.verified));
    Q_EMIT progressed(t.info);
    if (last)
        complete(t);
}

void FileTransfers::complete(Transfer &t)
{
    QByteArray digest;
    QString error;
    const std::optional<QString> path = t.part->finish(&digest, &error);
    FileControl c;
    if (!path) {
        c.kind = FileControl::Kind::Failed;
        c.reason = digest.isEmpty() || digest == t.info.sha256 ? u"write_failed"_s : u"sha256_mismatch"_s;
        sendControl(t, c);
        end(t, State::Failed, error);
        return;
    }
    t.info.path = *path;
    c.kind = FileControl::Kind::Done;
    c.sha256 = digest;
    sendControl(t, c);
    end(t, State::Done, QString());
}

// ---- Sending chunks -------------------------------------------------------------------------------------------

void FileTransfers::restart(Transfer &t, qint64 from)
{
    // Nothing left to send, but no `done` came: the last chunk goes again, so that the receiver answers.
    from = std::min(from, t.chunks - 1);
    t.sealer = std::make_unique<Crypto::ChunkSealer>(t.key);
    ++t.segment;
    t.headerDue = true;
    t.next = from;
    t.acked = from;
    t.lastProgressMs = now();
    t.waiting = false;
    if (!m_timer->isActive())
        m_timer->start();
    pump(t);
}

void FileTransfers::pump(Transfer &t)
{
    while (t.info.state == State::Active && !t.waiting && t.sealer && t.next < t.chunks
           && t.next - t.acked < m_window) {
        const qint64 size = t.chunkSize(t.next);
        // Relayed chunks are paced below the hub's byte rate (the timer comes back for them); a direct link takes what
        // the window allows.
        const bool direct = m_transport.linkUp(t.info.peer);
        if (!direct && m_relayRate > 0 && m_relayBudget.available(now()) < double(frameBytes(size)))
            return;
        if (!t.source->seek(t.next * t.chunkBytes))
            break;
        const QByteArray plain = t.source->read(size);
        if (plain.size() != size) {
            FileControl c;
            c.kind = FileControl::Kind::Cancel;
            c.reason = u"read_failed"_s;
            sendControl(t, c);
            end(t, State::Failed, tr("Cannot read %1: %2").arg(t.info.path, t.source->errorString()));
            return;
        }
        FileChunk chunk;
        chunk.segment = t.segment;
        chunk.index = quint32(t.next);
        if (t.headerDue)
            chunk.header = t.sealer->header();
        chunk.cipher = t.sealer->seal(plain, chunkAssociatedData(t.info.tid, t.segment, chunk.index),
                                      t.next + 1 == t.chunks);
        const QByteArray bytes = encodeFileChunk(chunk);
        // Paced as the text frame it may become (a hub or link that takes binary frames counts fewer bytes).
        const bool sent = direct ? m_transport.sendChunk(t.info.peer, true, t.info.tid, bytes)
                                 : (m_relayBudget.tryTake(now(), double(frameBytes(size)))
                                    && m_transport.sendChunk(t.info.peer, false, t.info.tid, bytes));
        if (!sent) {
            // Neither path: it goes on when we are back (rejoined, peerBack, pathChanged), with a new stream, since
            // this one has moved past the chunk.
            t.sealer.reset();
            t.waiting = true;
            return;
        }
        t.headerDue = false;
        if (t.next == t.acked)
            t.lastProgressMs = now(); // the wait for an acknowledgement starts with the first chunk in flight
        ++t.next;
    }
}

void FileTransfers::onAck(Transfer &t, qint64 verified)
{
    // Paused too: what was in flight when the pause came counts, so the resume sends less again.
    if ((t.info.state != State::Active && t.info.state != State::Paused) || verified <= t.acked || verified > t.next)
        return;
    t.acked = verified;
    t.lastProgressMs = now();
    t.info.bytes = std::min(t.info.size, t.acked * t.chunkBytes);
    if (m_memory)
        m_memory->noteProgress(t.info.tid, t.acked);
    Q_EMIT progressed(t.info);
    pump(t);
}

void FileTransfers::tick()
{
    bool busy = false;
    for (auto &[tid, t] : m_transfers) {
        if (t->info.state == State::Paused) {
            // No chunk flows and no silence is a stall; the pause is said again now and then.
            if (!t->ourPause.isEmpty() || (t->outgoing() && t->peerPaused)) {
                busy = true;
                announcePause(*t);
            }
            continue;
        }
        if (t->outgoing() && t->info.state == State::Offered) {
            busy = true;
            if (now() - t->lastProgressMs > m_stallMs && m_transport.present(t->info.peer) && t->standing
                && offeredPeerIsThere(*t)) {
                sendControl(*t, *t->standing); // no answer yet: the offer may have been lost on a path that dropped
                t->lastProgressMs = now();
            }
            continue;
        }
        if (!t->outgoing() || t->info.state != State::Active || t->waiting)
            continue;
        busy = true;
        if ((t->next > t->acked || t->acked >= t->chunks) && now() - t->lastProgressMs > m_stallMs) {
            qCInfo(lcClient).noquote() << "no acknowledgement for" << tid << "- going on from chunk" << t->acked;
            restart(*t, t->acked);
            continue;
        }
        pump(*t);
    }
    if (!busy)
        m_timer->stop();
}

// ---- Paths and presence ---------------------------------------------------------------------------------------

void FileTransfers::pathChanged(const QString &peer)
{
    for (auto &[tid, t] : m_transfers) {
        if (t->outgoing() && t->info.peer == peer && t->info.state == State::Active)
            restart(*t, t->acked);
    }
}

void FileTransfers::peerBack(const QString &peer)
{
    for (auto &[tid, t] : m_transfers) {
        if (t->outgoing() && t->info.peer == peer && t->info.state == State::Active)
            restart(*t, t->acked);
        else if (t->outgoing() && t->info.peer == peer && t->info.state == State::Offered && t->waiting)
            offerAgain(*t); // an offer that waited for it (one restored from an earlier run)
    }
}

void FileTransfers::peerGone(const QString &peer)
{
    for (auto &[tid, t] : m_transfers) {
        if (t->outgoing() && t->info.peer == peer)
            t->waiting = true;
    }
}

void FileTransfers::rejoined()
{
    for (auto &[tid, t] : m_transfers) {
        if (t->outgoing() && t->info.state == State::Offered && t->waiting && m_transport.present(t->info.peer)) {
            offerAgain(*t);
            continue;
        }
        if (!t->outgoing() || t->info.state != State::Active)
            continue;
        if (m_transport.present(t->info.peer))
            restart(*t, t->acked);
        else
            t->waiting = true;
    }
}

void FileTransfers::hubLacksFiles()
{
    for (auto &[tid, t] : m_transfers) {
        if (t->info.state == State::Offered || t->info.state == State::Active || t->info.state == State::Paused)
            end(*t, State::Failed, tr("The hub does not know file transfers (it is older than this client)."));
    }
}

bool FileTransfers::refused(const ClientError &error)
{
    Transfer *t = find(error.ref);
    if (!t)
        return false;
    if (!t->outgoing() || t->info.state != State::Active)
        return true; // an ack or answer that did not go: the sender asks again
    if (error.is(ErrorCode::FileRelayRefused) && !m_transport.linkUp(t->info.peer)) {
        FileControl c;
        c.kind = FileControl::Kind::Failed;
        c.reason = u"relay_refused"_s;
        sendControl(*t, c);
        end(*t, State::Failed, tr("The hub does not relay files and there is no direct link to %1.").arg(t->info.peer));
        return true;
    }
    if (error.is(ErrorCode::PeerUnavailable))
        t->waiting = true;
    // Otherwise (rate_limited, relay refused while a link is up): the stall timer goes on from the last verified chunk.
    return true;
}

} // namespace PeerLink
