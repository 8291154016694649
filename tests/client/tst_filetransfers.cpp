// FileTransfers without sockets (issue 15): two engines joined by a fake transport that can drop, change or hold
// frames, and switch between "link" and "hub". Control frames are "sealed" as base64 here (the real sealing is
// SecureChannel's, tested with it and end to end in tst_cli_e2e).
#include "client/filetransfers.h"
#include "client/partfile.h"
#include "client/sendermemory.h"
#include "core/base64url.h"
#include "core/fileprotocol.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QJsonDocument>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

/// One direction's frames: what happens to each before it is delivered (return false to drop it).
using Hook = std::function<bool(LinkFile &frame, bool viaLink)>;

/// Two engines, "alice" sending to "bob", with frames delivered on the next turn of the event loop.
struct Pair
{
    std::unique_ptr<FileTransfers> alice = std::make_unique<FileTransfers>();
    std::unique_ptr<FileTransfers> bob = std::make_unique<FileTransfers>();
    bool link = false;
    int viaLink = 0;
    int viaHub = 0;
    Hook toBob;
    Hook toAlice;
    /// The identity key each side's transport reports for its peer (none by default).
    std::function<QByteArray(const QString &peer)> peerKey;

    Pair()
    {
        wire(alice.get(), u"bob"_s, [this] { return bob.get(); }, &toBob);
        wire(bob.get(), u"alice"_s, [this] { return alice.get(); }, &toAlice);
        alice->setChunkBytes(1024);
        alice->setWindow(4);
    }

    void wire(FileTransfers *self, const QString &peer, std::function<FileTransfers *()> other, Hook *hook)
    {
        const QString selfId = peer == u"bob" ? u"alice"_s : u"bob"_s;
        FileTransfers::Transport t;
        t.present = [](const QString &) { return true; };
        t.linkUp = [this](const QString &) { return link; };
        const auto send = [this, other, hook, selfId](bool direct, const LinkFile &frame) {
            LinkFile copy = frame;
            (direct ? viaLink : viaHub)++;
            if (*hook && !(*hook)(copy, direct))
                return true;
            QTimer::singleShot(0, other(), [other, copy, selfId] { other()->received(selfId, copy); });
            return true;
        };
        t.sendLink = [this, send](const QString &, const LinkFile &f) { return link && send(true, f); };
        t.sendHub = [send](const QString &, const LinkFile &f) { return send(false, f); };
        // Chunks as the `chunk` frames they stand for (the hooks below read and spoil them); binary frames are
        // tst_hubinput's and the end-to-end tests'.
        t.sendChunk = [this, send](const QString &, bool direct, const QString &tid, const QByteArray &chunk) {
            return (!direct || link) && send(direct, LinkFile { tid, u"chunk"_s, QString::fromLatin1(toBase64Url(chunk)) });
        };
        t.peerKey = [this](const QString &peer) { return peerKey ? peerKey(peer) : QByteArray(); };
        t.seal = [](const QString &, const QString &mid, const QByteArray &plain) -> std::optional<QString> {
            return QString::fromLatin1(QByteArray(mid.toUtf8() + '|' + plain).toBase64());
        };
        t.open = [](const QString &, const QString &mid, const QString &sealed) -> std::optional<QByteArray> {
            const QByteArray bytes = QByteArray::fromBase64(sealed.toLatin1());
            if (!bytes.startsWith(QByteArray(mid.toUtf8() + '|')))
                return std::nullopt;
            return bytes.mid(mid.toUtf8().size() + 1);
        };
        self->setTransport(std::move(t));
    }
};

/// A chunk frame's index (-1 for other frames).
qint64 chunkIndex(const LinkFile &frame)
{
    if (frame.op != u"chunk")
        return -1;
    const auto chunk = decodeFileChunk(QByteArray::fromBase64(frame.data.toLatin1(), QByteArray::Base64UrlEncoding));
    return chunk ? qint64(chunk->index) : -1;
}

/// A hook that lets every frame through and counts them: the indexes of chunks in @p chunks, control frames in
/// @p controls.
Hook countFrames(QList<qint64> &chunks, int &controls)
{
    return [&chunks, &controls](LinkFile &f, bool) {
        if (const qint64 i = chunkIndex(f); i >= 0)
            chunks.append(i);
        controls += f.op == u"ctl";
        return true;
    };
}

/// Changes the offer in a control frame (the fake sealing is readable).
bool rewriteOffer(LinkFile &frame, const std::function<void(FileControl &)> &change)
{
    if (frame.op != u"ctl")
        return true;
    const qsizetype colon = frame.data.indexOf(u':');
    const QByteArray bytes = QByteArray::fromBase64(frame.data.mid(colon + 1).toLatin1());
    const qsizetype bar = bytes.indexOf('|');
    auto control = decodeFileControl(bytes.mid(bar + 1));
    if (!control || control->kind != FileControl::Kind::Offer)
        return true;
    change(*control);
    frame.data = frame.data.left(colon + 1)
        + QString::fromLatin1(QByteArray(bytes.left(bar + 1) + encodeFileControl(*control)).toBase64());
    return true;
}

/// The kind of the control in a control frame (the fake sealing is readable); nullopt for other frames.
std::optional<FileControl::Kind> controlKind(const LinkFile &frame)
{
    if (frame.op != u"ctl")
        return std::nullopt;
    const QByteArray bytes = QByteArray::fromBase64(frame.data.mid(frame.data.indexOf(u':') + 1).toLatin1());
    const auto control = decodeFileControl(bytes.mid(bytes.indexOf('|') + 1));
    return control ? std::optional<FileControl::Kind>(control->kind) : std::nullopt;
}

QByteArray randomBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), size / 4);
    return bytes;
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
        return QString();
    return f.fileName();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestFileTransfers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void transfersAndVerifies();
    void windowBoundsChunksInFlight();
    void hostileNameIsSavedSafely();
    void existingFileIsNotOverwritten();
    void oversizeOfferIsDeclined();
    void corruptedChunkIsDetectedAndSentAgain();
    void shaMismatchRemovesThePart();
    void forgedLinkChunksCostNothingVerified();
    void aPartHasOneWriter();
    void unknownTransferKeepsTheSendersPause();
    void pausedSenderStaysPausedAfterARestart();
    void offerGoesAgainOnlyToTheSameKey();
    void lostChunkGoesOnFromTheLastVerified();
    void pathSwitchInTheMiddle();
    void cancelBySenderCleansUp();
    void cancelByReceiverCleansUp();
    void resumesFromAPartKeptInTheFolder();
    void declineIsReported();
    void lostControlFramesAreSentAgain();
    void restartedReceiverIsOfferedTheFileAgain();
    void restartedSenderGoesOnFromTheVerifiedChunk();
    void sourceChangedWhileClosedFails();
    void anOlderHubFailsTransfersAtOnce();
    void senderPauseStopsChunksPastTheStallTimeout();
    void receiverPauseStopsTheSender();
    void cancelWhilePausedCleansUpBothSides_data();
    void cancelWhilePausedCleansUpBothSides();
    void lostPauseAndResumeRecover_data();
    void lostPauseAndResumeRecover();
    void bothSidesPauseAndEachResumesItsOwn();

private:
    /// Alice is closed: her engine and her memory go (the memory writes what it holds); frames to her are lost.
    static void closeAlice(Pair &p, std::unique_ptr<SenderMemory> &memory);
    /// Alice keeps her outgoing transfers in @p memory, on file in m_dir ("alice.transfers"); returns its path.
    QString rememberAlice(Pair &p, std::unique_ptr<SenderMemory> &memory);
    /// Alice is opened again with her memory on file (restore() is the caller's).
    void reopenAlice(Pair &p, std::unique_ptr<SenderMemory> &memory);

    /// Alice offers @p content as @p name; bob accepts into m_inbox. Returns the transfer id.
    QString offerAndAccept(Pair &p, const QByteArray &content, const QString &name = u"data.bin"_s);
    /// offerAndAccept(), and @p pauser pauses the transfer as soon as bob has verified @p bytes of it (@p paused says
    /// when it did). Returns the transfer id once it is paused (empty: it was not).
    QString offerAndPause(Pair &p, FileTransfers *pauser, const QByteArray &content, qint64 bytes, bool *paused);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_inbox;
};

void TestFileTransfers::init()
{
    qRegisterMetaType<FileTransfers::Info>();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_inbox = m_dir->filePath(u"inbox"_s);
}

QString TestFileTransfers::offerAndAccept(Pair &p, const QByteArray &content, const QString &name)
{
    const QString path = writeFile(*m_dir, name, content);
    QObject::connect(p.bob.get(), &FileTransfers::offerReceived, p.bob.get(),
                     [&p, this](const FileTransfers::Info &info) { p.bob->accept(info.tid, m_inbox); });
    return p.alice->offer(u"bob"_s, path);
}

QString TestFileTransfers::offerAndPause(Pair &p, FileTransfers *pauser, const QByteArray &content, qint64 bytes,
                                         bool *paused)
{
    QObject::connect(p.bob.get(), &FileTransfers::progressed, pauser, [=](const FileTransfers::Info &info) {
        if (!*paused && info.bytes >= bytes)
            *paused = pauser->pause(info.tid);
    });
    const QString tid = offerAndAccept(p, content);
    return QTest::qWaitFor([paused] { return *paused; }) ? tid : QString();
}

void TestFileTransfers::transfersAndVerifies()
{
    Pair p;
    QSignalSpy offers(p.bob.get(), &FileTransfers::offerReceived);
    QSignalSpy bobDone(p.bob.get(), &FileTransfers::finished);
    QSignalSpy aliceDone(p.alice.get(), &FileTransfers::finished);
    QSignalSpy progress(p.bob.get(), &FileTransfers::progressed);
    const QByteArray content = randomBytes(100 * 1024 + 123);
    const QString tid = offerAndAccept(p, content);
    QVERIFY(!tid.isEmpty());
    QTRY_COMPARE(aliceDone.size(), 1);
    QCOMPARE(bobDone.size(), 1);
    const auto info = bobDone.at(0).at(0).value<FileTransfers::Info>();
    QCOMPARE(offers.at(0).at(0).value<FileTransfers::Info>().size, content.size());
    QCOMPARE(info.sha256, QCryptographicHash::hash(content, QCryptographicHash::Sha256));
    QCOMPARE(info.path, QDir(m_inbox).filePath(u"data.bin"_s));
    QCOMPARE(readFile(info.path), content);
    QCOMPARE(QDir(m_inbox).entryList(QDir::Files), QStringList { u"data.bin"_s }); // no .part, no state left
    qint64 last = -1;
    for (const auto &args : progress) {
        const qint64 bytes = args.at(0).value<FileTransfers::Info>().bytes;
        QVERIFY(bytes > last);
        last = bytes;
    }
    QCOMPARE(last, content.size());
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Done);
}

void TestFileTransfers::windowBoundsChunksInFlight()
{
    Pair p;
    // Bob's acks are held back: alice sends her window and no more.
    bool holdAcks = true;
    QList<LinkFile> held;
    p.toAlice = [&](LinkFile &f, bool) {
        if (holdAcks && f.op == u"ack") {
            held.append(f);
            return false;
        }
        return true;
    };
    int chunks = 0;
    p.toBob = [&chunks](LinkFile &f, bool) {
        chunks += f.op == u"chunk";
        return true;
    };
    p.alice->setStallTimeout(60000);
    QSignalSpy done(p.alice.get(), &FileTransfers::finished);
    offerAndAccept(p, randomBytes(20 * 1024));
    QTRY_COMPARE(chunks, 4);
    // Nothing more may come: every frame in flight is delivered on the next turns of the event loop.
    for (int i = 0; i < 50; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(chunks, 4);
    holdAcks = false;
    for (const LinkFile &f : std::as_const(held))
        p.alice->received(u"bob"_s, f);
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(chunks, 20);
}

void TestFileTransfers::hostileNameIsSavedSafely()
{
    Pair p;
    p.toBob = [](LinkFile &f, bool) {
        return rewriteOffer(f, [](FileControl &c) { c.name = u"../../../etc/cron.d/\u202Eevil\n.sh"_s; });
    };
    QSignalSpy offers(p.bob.get(), &FileTransfers::offerReceived);
    QSignalSpy done(p.bob.get(), &FileTransfers::finished);
    offerAndAccept(p, randomBytes(3000));
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(offers.at(0).at(0).value<FileTransfers::Info>().name, u"_evil_.sh"_s);
    const QString path = done.at(0).at(0).value<FileTransfers::Info>().path;
    QCOMPARE(QFileInfo(path).dir().absolutePath(), QDir(m_inbox).absolutePath());
    QCOMPARE(QFileInfo(path).fileName(), u"_evil_.sh"_s);
}

void TestFileTransfers::existingFileIsNotOverwritten()
{
    QVERIFY(QDir().mkpath(m_inbox));
    QFile existing(QDir(m_inbox).filePath(u"data.bin"_s));
    QVERIFY(existing.open(QIODevice::WriteOnly));
    existing.write("precious");
    existing.close();
    Pair p;
    QSignalSpy done(p.bob.get(), &FileTransfers::finished);
    const QByteArray content = randomBytes(5000);
    offerAndAccept(p, content);
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(done.at(0).at(0).value<FileTransfers::Info>().path, QDir(m_inbox).filePath(u"data (2).bin"_s));
    QCOMPARE(readFile(QDir(m_inbox).filePath(u"data.bin"_s)), QByteArray("precious"));
    QCOMPARE(readFile(QDir(m_inbox).filePath(u"data (2).bin"_s)), content);
}

void TestFileTransfers::oversizeOfferIsDeclined()
{
    Pair p;
    p.bob->setMaxIncomingBytes(4096);
    QSignalSpy offers(p.bob.get(), &FileTransfers::offerReceived);
    QSignalSpy bobFailed(p.bob.get(), &FileTransfers::failed);
    QSignalSpy aliceFailed(p.alice.get(), &FileTransfers::failed);
    offerAndAccept(p, randomBytes(4097));
    QTRY_COMPARE(aliceFailed.size(), 1);
    QVERIFY(aliceFailed.at(0).at(0).value<FileTransfers::Info>().error.contains(u"large"_s));
    QCOMPARE(bobFailed.size(), 1);
    QCOMPARE(offers.size(), 0);
    QVERIFY(!QDir(m_inbox).exists() || QDir(m_inbox).isEmpty());
}

void TestFileTransfers::corruptedChunkIsDetectedAndSentAgain()
{
    Pair p;
    bool corrupted = false;
    p.toBob = [&corrupted](LinkFile &f, bool) {
        if (!corrupted && chunkIndex(f) == 3) {
            // One bit of the ciphertext flipped on the way (the hub, or the network).
            QByteArray bytes = QByteArray::fromBase64(f.data.toLatin1(), QByteArray::Base64UrlEncoding);
            bytes[bytes.size() - 5] = char(bytes.at(bytes.size() - 5) ^ 1);
            f.data = QString::fromLatin1(
                bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
            corrupted = true;
        }
        return true;
    };
    QSignalSpy rejected(p.bob.get(), &FileTransfers::chunkRejected);
    QSignalSpy done(p.bob.get(), &FileTransfers::finished);
    const QByteArray content = randomBytes(12 * 1024);
    offerAndAccept(p, content);
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(rejected.size(), 1);
    QCOMPARE(rejected.at(0).at(1).toLongLong(), 3);
    QCOMPARE(readFile(done.at(0).at(0).value<FileTransfers::Info>().path), content);
}

// Binary chunks over a direct link are not authenticated by the link: someone who writes into that connection can
// send chunks that claim to start a new segment. They must not cost the verified bytes, nor fail the transfer: the
// link is given up (linkChunkRejected) and the transfer goes on.
void TestFileTransfers::forgedLinkChunksCostNothingVerified()
{
    Pair p;
    QString tid;
    qint64 keptBefore = -1;
    int forged = 0;
    QSignalSpy linkRejected(p.bob.get(), &FileTransfers::linkChunkRejected);
    QSignalSpy done(p.bob.get(), &FileTransfers::finished);
    QSignalSpy failed(p.bob.get(), &FileTransfers::failed);
    p.toBob = [&](LinkFile &f, bool) {
        if (forged == 0 && chunkIndex(f) == 5) {
            // Before chunk 5 arrives: more forged segment starts than the transfer's budget of bad chunks.
            const std::optional<FileTransfers::Info> info = p.bob->info(f.tid);
            const auto kept = [&info] { return info ? QFileInfo(info->path).size() : -1; }; // the .part on disk
            keptBefore = kept();
            for (forged = 0; forged < FileTransfers::MaxRejectedChunks + 4; ++forged) {
                FileChunk c;
                c.segment = 1000 + quint32(forged);
                c.index = 0;
                c.header = QByteArray(24, 'h');
                c.cipher = QByteArray(1024 + 17, 'x');
                p.bob->receivedChunk(u"alice"_s, f.tid, encodeFileChunk(c), true);
                if (kept() != keptBefore || p.bob->info(f.tid)->bytes != keptBefore)
                    break; // the verified bytes went back: the test fails below
            }
        }
        return true;
    };
    const QByteArray content = randomBytes(12 * 1024);
    tid = offerAndAccept(p, content);
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(failed.size(), 0);
    QVERIFY(keptBefore > 0);
    QCOMPARE(forged, FileTransfers::MaxRejectedChunks + 4); // none of them moved the verified count back
    QCOMPARE(linkRejected.size(), forged);
    QCOMPARE(linkRejected.at(0).at(0).toString(), u"alice"_s);
    QCOMPARE(readFile(done.at(0).at(0).value<FileTransfers::Info>().path), content);
}

// Two transfers of the same file from the same sender into one folder do not share a part: each has its own (the
// running SHA-256 is of what its own writer wrote), and a part is resumed only by one writer at a time.
void TestFileTransfers::aPartHasOneWriter()
{
    const QByteArray data = randomBytes(3000);
    const QByteArray digest = QCryptographicHash::hash(data, QCryptographicHash::Sha256);
    const PartFile::Meta meta { u"alice"_s, u"same.bin"_s, data.size(), digest };
    QString error;
    auto first = PartFile::open(m_inbox, meta, &error);
    QVERIFY2(first, qPrintable(error));
    QVERIFY(first->write(0, data.left(1000), &error));
    const QString firstPart = first->partPath();
    first.reset(); // closed (the program ended): the part stays, to be resumed
    auto resumed = PartFile::open(m_inbox, meta, &error);
    QVERIFY(resumed);
    QCOMPARE(resumed->partPath(), firstPart);
    QCOMPARE(resumed->size(), 1000);
    auto other = PartFile::open(m_inbox, meta, &error); // while that one is written: a part of its own
    QVERIFY(other);
    QVERIFY(other->partPath() != firstPart);
    QCOMPARE(other->size(), 0);
    QVERIFY(resumed->write(1000, data.mid(1000), &error));
    QVERIFY(other->write(0, data.left(2000), &error));
    QVERIFY(other->write(2000, data.mid(2000), &error));
    QByteArray d1, d2;
    const std::optional<QString> p1 = resumed->finish(&d1, &error);
    const std::optional<QString> p2 = other->finish(&d2, &error);
    QVERIFY(p1 && p2);
    QVERIFY(*p1 != *p2);
    QCOMPARE(d1, digest);
    QCOMPARE(d2, digest);
    QCOMPARE(readFile(*p1), data);
    QCOMPARE(readFile(*p2), data);
}

// The receiver says it does not know a transfer the sender holds paused (chunks in flight reached it after a restart,
// or a hub replays that answer): the sender's pause holds; the file is offered again only when it resumes, and the
// receiver (which still had it, paused by the sender) goes on from what it verified.
void TestFileTransfers::unknownTransferKeepsTheSendersPause()
{
    Pair p;
    p.alice->setStallTimeout(100);
    QList<qint64> sent;
    int controls = 0;
    p.toBob = countFrames(sent, controls);
    QSignalSpy bobPaused(p.bob.get(), &FileTransfers::paused);
    QSignalSpy done(p.bob.get(), &FileTransfers::finished);
    bool pausing = false;
    const QByteArray content = randomBytes(40 * 1024 + 3);
    const QString tid = offerAndPause(p, p.alice.get(), content, 8 * 1024, &pausing);
    QVERIFY(!tid.isEmpty());
    QTRY_COMPARE(bobPaused.size(), 1);

    // "failed: unknown_transfer" from bob, sealed as bob seals (the pair's seal: base64 of "mid|plain").
    FileControl failed;
    failed.kind = FileControl::Kind::Failed;
    failed.reason = u"unknown_transfer"_s;
    const QString mid = u"f%1.1000001"_s.arg(tid);
    const QString sealed = QString::fromLatin1(QByteArray(mid.toUtf8() + '|' + encodeFileControl(failed)).toBase64());
    p.alice->received(u"bob"_s, LinkFile { tid, u"ctl"_s, u"1000001:"_s + sealed });
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Paused);
    QCOMPARE(p.alice->info(tid)->pausedBy, FileTransfers::PausedBy::You);
    const qsizetype chunksThen = sent.size();
    const int controlsThen = controls;
    QTRY_VERIFY(controls >= controlsThen + 3); // stall timeouts pass: the pause is said again, nothing else goes
    QCOMPARE(sent.size(), chunksThen);
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Paused);

    QVERIFY(p.alice->resumeTransfer(tid)); // offered again: bob answers from what he verified
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(readFile(done.at(0).at(0).value<FileTransfers::Info>().path), content);
    QVERIFY(sent.size() > chunksThen);
    QVERIFY(sent.at(chunksThen) >= 8); // not from zero
}

// The sender's user paused a transfer, then closed the program: opened again, it is still paused (nothing is offered
// or sent) until the user resumes it, and then it goes on from what the receiver verified.
void TestFileTransfers::pausedSenderStaysPausedAfterARestart()
{
    Pair p;
    std::unique_ptr<SenderMemory> memory;
    const QString store = rememberAlice(p, memory);
    p.alice->setStallTimeout(100);
    QSignalSpy bobPaused(p.bob.get(), &FileTransfers::paused);
    QSignalSpy bobDone(p.bob.get(), &FileTransfers::finished);
    bool pausing = false;
    const QByteArray content = randomBytes(40 * 1024);
    const QString tid = offerAndPause(p, p.alice.get(), content, 10 * 1024, &pausing);
    QVERIFY(!tid.isEmpty());
    QTRY_COMPARE(bobPaused.size(), 1);
    QTRY_VERIFY(readFile(store).contains("\"paused\""));
    const qint64 verified = p.bob->info(tid)->bytes;
    closeAlice(p, memory);

    QList<qint64> sent;
    QList<QString> ops; // the controls alice sends: their op
    p.toBob = [&](LinkFile &f, bool) {
        if (const qint64 i = chunkIndex(f); i >= 0)
            sent.append(i);
        if (f.op == u"ctl") {
            const QByteArray plain = QByteArray::fromBase64(f.data.section(u':', 1).toLatin1());
            ops.append(QJsonDocument::fromJson(plain.mid(plain.indexOf('|') + 1)).object().value("op"_L1).toString());
        }
        return true;
    };
    reopenAlice(p, memory);
    QSignalSpy restored(p.alice.get(), &FileTransfers::restored);
    QCOMPARE(p.alice->restore(), 1);
    QCOMPARE(restored.size(), 1);
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Paused);
    QCOMPARE(p.alice->info(tid)->pausedBy, FileTransfers::PausedBy::You);
    QTRY_VERIFY(ops.size() >= 3); // stall timeouts pass: the pause is said, no offer, no chunk
    QVERIFY2(!ops.contains(u"offer"_s), qPrintable(ops.join(u',')));
    QVERIFY(sent.isEmpty());
    QCOMPARE(p.bob->info(tid)->state, FileTransfers::State::Paused);

    QVERIFY(p.alice->resumeTransfer(tid));
    QTRY_COMPARE(bobDone.size(), 1);
    QCOMPARE(readFile(QDir(m_inbox).filePath(u"data.bin"_s)), content);
    QVERIFY(!sent.isEmpty());
    QVERIFY(sent.first() * 1024 >= verified); // from what bob verified, not from zero
}

// An offer not yet answered is said again every stall time; it carries the transfer's key, so it goes again only to
// the identity key it was first made to (the id may now be someone else's, on another hub).
void TestFileTransfers::offerGoesAgainOnlyToTheSameKey()
{
    Pair p;
    QByteArray bobKey(32, 'b');
    p.peerKey = [&bobKey](const QString &) { return bobKey; };
    p.alice->setStallTimeout(100);
    QList<qint64> sent;
    int controls = 0;
    p.toBob = countFrames(sent, controls);
    QSignalSpy offers(p.bob.get(), &FileTransfers::offerReceived); // bob does not answer
    QSignalSpy failed(p.alice.get(), &FileTransfers::failed);
    const QString tid = p.alice->offer(u"bob"_s, writeFile(*m_dir, u"x.bin"_s, randomBytes(3000)));
    QVERIFY(!tid.isEmpty());
    QTRY_VERIFY(controls >= 2); // said again while unanswered
    bobKey = QByteArray(32, 'm'); // "bob" is someone else now
    QTRY_COMPARE(failed.size(), 1);
    QVERIFY(failed.at(0).at(0).value<FileTransfers::Info>().error.contains(u"identity key"_s));
    const int controlsThen = controls;
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Failed);
    QVERIFY(sent.isEmpty());
    QCOMPARE(controls, controlsThen);
}

void TestFileTransfers::shaMismatchRemovesThePart()
{
    Pair p;
    p.toBob = [](LinkFile &f, bool) {
        return rewriteOffer(f, [](FileControl &c) { c.sha256 = QByteArray(32, '\x42'); });
    };
    QSignalSpy bobFailed(p.bob.get(), &FileTransfers::failed);
    QSignalSpy aliceFailed(p.alice.get(), &FileTransfers::failed);
    offerAndAccept(p, randomBytes(5000));
    QTRY_COMPARE(bobFailed.size(), 1);
    QVERIFY(bobFailed.at(0).at(0).value<FileTransfers::Info>().error.contains(u"SHA-256"_s));
    QTRY_COMPARE(aliceFailed.size(), 1);
    QVERIFY(QDir(m_inbox).isEmpty()); // neither the data nor its state is left
}

void TestFileTransfers::lostChunkGoesOnFromTheLastVerified()
{
    // A chunk lost on the way (a connection that dropped, a hub that restarted): what follows it is not taken, the
    // sender hears no more acks and goes on from the last verified chunk, not from zero.
    Pair p;
    p.alice->setStallTimeout(200);
    bool lost = false;
    QList<qint64> sent;
    p.toBob = [&](LinkFile &f, bool) {
        const qint64 i = chunkIndex(f);
        if (i >= 0)
            sent.append(i);
        if (!lost && i == 6) {
            lost = true;
            return false;
        }
        return true;
    };
    QSignalSpy done(p.bob.get(), &FileTransfers::finished);
    const QByteArray content = randomBytes(16 * 1024);
    offerAndAccept(p, content);
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(readFile(done.at(0).at(0).value<FileTransfers::Info>().path), content);
    QCOMPARE(sent.count(0), 1); // never started over
    QCOMPARE(sent.count(6), 2);
    QVERIFY(sent.size() < 16 + 4 + 1);
}

void TestFileTransfers::pathSwitchInTheMiddle()
{
    Pair p;
    p.alice->setChunkBytes(1024);
    int chunksSeen = 0;
    p.toBob = [&](LinkFile &f, bool) {
        if (f.op == u"chunk" && ++chunksSeen == 10) {
            // The direct link comes up: both sides hear of it, as PeerClient tells them.
            QTimer::singleShot(0, p.alice.get(), [&p] {
                p.link = true;
                p.alice->pathChanged(u"bob"_s);
            });
        }
        return true;
    };
    QSignalSpy done(p.bob.get(), &FileTransfers::finished);
    QSignalSpy aliceDone(p.alice.get(), &FileTransfers::finished);
    const QByteArray content = randomBytes(40 * 1024);
    offerAndAccept(p, content);
    QTRY_COMPARE(aliceDone.size(), 1);
    QCOMPARE(readFile(done.at(0).at(0).value<FileTransfers::Info>().path), content);
    QVERIFY(p.viaHub > 10);
    QVERIFY(p.viaLink > 20);
    QVERIFY(chunksSeen < 40 + 2 * 4 + 1); // at most a window again, never from zero
}

void TestFileTransfers::cancelBySenderCleansUp()
{
    Pair p;
    p.alice->setStallTimeout(60000);
    p.toBob = [](LinkFile &f, bool) { return chunkIndex(f) < 5; }; // it stalls after five chunks
    QSignalSpy progress(p.bob.get(), &FileTransfers::progressed);
    QSignalSpy bobFailed(p.bob.get(), &FileTransfers::failed);
    const QString tid = offerAndAccept(p, randomBytes(20 * 1024));
    QTRY_COMPARE(progress.size(), 5);
    QVERIFY(QFileInfo::exists(QDir(m_inbox).filePath(u"data.bin.part"_s)));
    QVERIFY(QFileInfo::exists(QDir(m_inbox).filePath(u"data.bin.part.json"_s)));
    QVERIFY(p.alice->cancel(tid));
    QTRY_COMPARE(bobFailed.size(), 1);
    QCOMPARE(bobFailed.at(0).at(0).value<FileTransfers::Info>().state, FileTransfers::State::Cancelled);
    QVERIFY(QDir(m_inbox).isEmpty());
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Cancelled);
    // The receiver knows it was the sender's doing; the sender, that it was its own. Neither is a decline.
    QVERIFY(bobFailed.at(0).at(0).value<FileTransfers::Info>().byPeer);
    QVERIFY(!p.alice->info(tid)->byPeer);
    QVERIFY(!p.alice->info(tid)->declined && !p.bob->info(tid)->declined);
}

void TestFileTransfers::cancelByReceiverCleansUp()
{
    Pair p;
    p.alice->setStallTimeout(60000);
    p.toBob = [](LinkFile &f, bool) { return chunkIndex(f) < 5; };
    QSignalSpy progress(p.bob.get(), &FileTransfers::progressed);
    QSignalSpy aliceFailed(p.alice.get(), &FileTransfers::failed);
    const QString tid = offerAndAccept(p, randomBytes(20 * 1024));
    QTRY_COMPARE(progress.size(), 5);
    QVERIFY(p.bob->cancel(tid));
    QVERIFY(QDir(m_inbox).isEmpty());
    QTRY_COMPARE(aliceFailed.size(), 1);
    QCOMPARE(aliceFailed.at(0).at(0).value<FileTransfers::Info>().state, FileTransfers::State::Cancelled);
    QVERIFY(aliceFailed.at(0).at(0).value<FileTransfers::Info>().byPeer);
    QVERIFY(!p.bob->info(tid)->byPeer);
    QVERIFY(!p.bob->cancel(tid)); // once
}

void TestFileTransfers::resumesFromAPartKeptInTheFolder()
{
    const QByteArray content = randomBytes(30 * 1024);
    {
        // The first run: ten chunks arrive, then both programs are closed.
        Pair p;
        p.toBob = [](LinkFile &f, bool) { return chunkIndex(f) < 10; };
        QSignalSpy progress(p.bob.get(), &FileTransfers::progressed);
        offerAndAccept(p, content);
        QTRY_COMPARE(progress.size(), 10);
    }
    QCOMPARE(QFileInfo(QDir(m_inbox).filePath(u"data.bin.part"_s)).size(), 10 * 1024);
    // The next run: the same file offered again goes on from the part.
    Pair p;
    QList<qint64> sent;
    p.toBob = [&sent](LinkFile &f, bool) {
        if (const qint64 i = chunkIndex(f); i >= 0)
            sent.append(i);
        return true;
    };
    QSignalSpy done(p.bob.get(), &FileTransfers::finished);
    const QString path = writeFile(*m_dir, u"data.bin"_s, content);
    QObject::connect(p.bob.get(), &FileTransfers::offerReceived, p.bob.get(),
                     [&p, this](const FileTransfers::Info &info) { p.bob->accept(info.tid, m_inbox); });
    p.alice->offer(u"bob"_s, path);
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(sent.first(), 10);
    QCOMPARE(sent.size(), 20);
    QCOMPARE(done.at(0).at(0).value<FileTransfers::Info>().path, QDir(m_inbox).filePath(u"data.bin"_s));
    QCOMPARE(readFile(QDir(m_inbox).filePath(u"data.bin"_s)), content);
    QCOMPARE(QDir(m_inbox).entryList(QDir::Files), QStringList { u"data.bin"_s });
}

void TestFileTransfers::declineIsReported()
{
    Pair p;
    QSignalSpy aliceFailed(p.alice.get(), &FileTransfers::failed);
    QObject::connect(p.bob.get(), &FileTransfers::offerReceived, p.bob.get(),
                     [&p](const FileTransfers::Info &info) { QVERIFY(p.bob->decline(info.tid)); });
    p.alice->offer(u"bob"_s, writeFile(*m_dir, u"x.txt"_s, "hello"));
    QTRY_COMPARE(aliceFailed.size(), 1);
    const auto info = aliceFailed.at(0).at(0).value<FileTransfers::Info>();
    QVERIFY(info.error.contains(u"declined"_s));
    // Told apart from other failures: the receiver declined, and it was the peer's word.
    QVERIFY(info.declined);
    QVERIFY(info.byPeer);
    const auto bobs = p.bob->transfers();
    QCOMPARE(bobs.size(), 1);
    QVERIFY(bobs.at(0).declined);
    QVERIFY(!bobs.at(0).byPeer);
}

void TestFileTransfers::lostControlFramesAreSentAgain()
{
    // Control frames are not acknowledged: a lost offer is offered again, and a lost answer is given again when the
    // offer comes again.
    Pair p;
    p.alice->setStallTimeout(100);
    int offersLost = 0, answersLost = 0;
    p.toBob = [&offersLost](LinkFile &f, bool) { return f.op != u"ctl" || offersLost++ > 0; };
    p.toAlice = [&answersLost](LinkFile &f, bool) { return f.op != u"ctl" || answersLost++ > 0; };
    QSignalSpy offers(p.bob.get(), &FileTransfers::offerReceived);
    QSignalSpy done(p.alice.get(), &FileTransfers::finished);
    const QByteArray content = randomBytes(4000);
    offerAndAccept(p, content);
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(offers.size(), 1);
    QVERIFY(offersLost >= 2);
    QVERIFY(answersLost >= 2);
    QCOMPARE(readFile(QDir(m_inbox).filePath(u"data.bin"_s)), content);
}

void TestFileTransfers::restartedReceiverIsOfferedTheFileAgain()
{
    // Bob's program is closed in the middle of a transfer and opened again: its new engine does not know the transfer.
    // Alice hears so and offers the file again under the same id and key; accepted, it goes on from bob's .part.
    Pair p;
    p.alice->setStallTimeout(100);
    bool restarted = false;
    QList<qint64> bobBytes; // the new bob's progress
    const QByteArray content = randomBytes(20 * 1024);
    QObject::connect(p.alice.get(), &FileTransfers::progressed, p.alice.get(), [&](const FileTransfers::Info &info) {
        if (!restarted && info.bytes >= 8 * 1024) {
            restarted = true;
            p.bob = std::make_unique<FileTransfers>();
            p.wire(p.bob.get(), u"alice"_s, [&p] { return p.alice.get(); }, &p.toAlice);
            QObject::connect(p.bob.get(), &FileTransfers::offerReceived, p.bob.get(),
                             [&p, this](const FileTransfers::Info &offer) { p.bob->accept(offer.tid, m_inbox); });
            QObject::connect(p.bob.get(), &FileTransfers::progressed, p.bob.get(),
                             [&bobBytes](const FileTransfers::Info &i) { bobBytes.append(i.bytes); });
        }
    });
    QSignalSpy failed(p.alice.get(), &FileTransfers::failed);
    QSignalSpy done(p.alice.get(), &FileTransfers::finished);
    const QString tid = offerAndAccept(p, content);
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(failed.size(), 0);
    QCOMPARE(done.at(0).at(0).value<FileTransfers::Info>().tid, tid);
    QCOMPARE(readFile(QDir(m_inbox).filePath(u"data.bin"_s)), content);
    QVERIFY(!bobBytes.isEmpty());
    QVERIFY2(bobBytes.first() > 8 * 1024, "the new bob went on from its part, not from the first chunk");
}

void TestFileTransfers::closeAlice(Pair &p, std::unique_ptr<SenderMemory> &memory)
{
    p.toAlice = [](LinkFile &, bool) { return false; };
    p.alice.reset();
    memory.reset();
}

QString TestFileTransfers::rememberAlice(Pair &p, std::unique_ptr<SenderMemory> &memory)
{
    const QString store = m_dir->filePath(u"alice.transfers"_s);
    memory = std::make_unique<SenderMemory>();
    memory->setFile(store);
    p.alice->setMemory(memory.get());
    return store;
}

void TestFileTransfers::reopenAlice(Pair &p, std::unique_ptr<SenderMemory> &memory)
{
    p.alice = std::make_unique<FileTransfers>();
    p.alice->setWindow(4);
    p.alice->setStallTimeout(100);
    p.toAlice = nullptr;
    p.wire(p.alice.get(), u"bob"_s, [&p] { return p.bob.get(); }, &p.toBob);
    rememberAlice(p, memory);
}

void TestFileTransfers::restartedSenderGoesOnFromTheVerifiedChunk()
{
    // Alice's program is closed in the middle of a transfer and opened again: what her memory kept is offered again
    // under the same id and key, bob (who kept going) answers from the chunk he verified, and it goes on from there.
    Pair p;
    std::unique_ptr<SenderMemory> memory;
    const QString store = rememberAlice(p, memory);
    p.alice->setStallTimeout(100);
    const QByteArray content = randomBytes(40 * 1024);
    bool closed = false;
    QObject::connect(p.bob.get(), &FileTransfers::progressed, p.bob.get(), [&](const FileTransfers::Info &info) {
        if (!closed && info.bytes >= 10 * 1024) {
            closed = true;
            closeAlice(p, memory);
        }
    });
    QSignalSpy bobDone(p.bob.get(), &FileTransfers::finished);
    const QString tid = offerAndAccept(p, content);
    QTRY_VERIFY(closed);
    QVERIFY(readFile(store).contains(tid.toLatin1()));
    const qint64 verifiedWhenClosed = p.bob->info(tid)->bytes / 1024;

    QList<qint64> sent;
    p.toBob = [&sent](LinkFile &f, bool) {
        if (const qint64 i = chunkIndex(f); i >= 0)
            sent.append(i);
        return true;
    };
    reopenAlice(p, memory);
    QSignalSpy aliceDone(p.alice.get(), &FileTransfers::finished);
    QSignalSpy restored(p.alice.get(), &FileTransfers::restored);
    QCOMPARE(p.alice->restore(), 1);
    QCOMPARE(restored.size(), 1);
    // What was acknowledged was saved as she closed (the window of 4 means chunk 9 went after chunk 5's ack).
    QVERIFY(restored.at(0).at(0).value<FileTransfers::Info>().bytes >= 6 * 1024);
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Offered);
    QTRY_COMPARE(aliceDone.size(), 1);
    QCOMPARE(bobDone.size(), 1);
    QCOMPARE(readFile(QDir(m_inbox).filePath(u"data.bin"_s)), content);
    QVERIFY(!sent.isEmpty());
    QVERIFY(sent.first() >= verifiedWhenClosed); // from what bob verified, not from zero
    QVERIFY(!readFile(store).contains(tid.toLatin1())); // done: forgotten
}

void TestFileTransfers::sourceChangedWhileClosedFails()
{
    // The file was changed while alice's program was closed: it is not sent (bob would get other bytes than offered).
    Pair p;
    std::unique_ptr<SenderMemory> memory;
    const QString store = rememberAlice(p, memory);
    QSignalSpy offers(p.bob.get(), &FileTransfers::offerReceived); // bob does not answer
    const QString path = writeFile(*m_dir, u"data.bin"_s, randomBytes(5000));
    const QString tid = p.alice->offer(u"bob"_s, path);
    QTRY_COMPARE(offers.size(), 1);
    closeAlice(p, memory);
    QFile f(path);
    QVERIFY(f.open(QIODevice::Append));
    f.write("more");
    f.close();

    QList<LinkFile> toBob;
    p.toBob = [&toBob](LinkFile &f, bool) { return toBob.append(f), true; };
    reopenAlice(p, memory);
    QSignalSpy failed(p.alice.get(), &FileTransfers::failed);
    QSignalSpy restored(p.alice.get(), &FileTransfers::restored);
    QCOMPARE(p.alice->restore(), 0);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(restored.size(), 0);
    QVERIFY(toBob.isEmpty()); // nothing offered nor sent
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Failed);
    QVERIFY2(p.alice->info(tid)->error.contains(u"changed since it was offered"_s),
             qPrintable(p.alice->info(tid)->error));
    QVERIFY(!readFile(store).contains(tid.toLatin1()));
}

void TestFileTransfers::anOlderHubFailsTransfersAtOnce()
{
    Pair p;
    p.toBob = [](LinkFile &, bool) { return false; }; // the hub does not pass `file` frames on
    QSignalSpy failed(p.alice.get(), &FileTransfers::failed);
    const QString tid = offerAndAccept(p, randomBytes(100));
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Offered);
    p.alice->hubLacksFiles(); // what PeerClient does on `unknown_type` with ref "file"
    QCOMPARE(failed.size(), 1);
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Failed);
}

// The sender pauses: the receiver shows who paused it, no chunk flows however long the pause lasts (well past the
// stall timeout, on an injected clock), the receiver may not resume it, and the sender's resume goes on from the
// chunk the receiver verified, not from zero.
void TestFileTransfers::senderPauseStopsChunksPastTheStallTimeout()
{
    Pair p;
    qint64 clock = 0;
    p.alice->setClock([&clock] { return clock; });
    p.alice->setStallTimeout(1000);
    QList<qint64> sent;
    int controls = 0;
    p.toBob = countFrames(sent, controls);
    QSignalSpy bobPaused(p.bob.get(), &FileTransfers::paused);
    QSignalSpy bobResumed(p.bob.get(), &FileTransfers::resumed);
    QSignalSpy aliceResumed(p.alice.get(), &FileTransfers::resumed);
    QSignalSpy done(p.bob.get(), &FileTransfers::finished);
    bool pausing = false;
    const QByteArray content = randomBytes(40 * 1024 + 7);
    const QString tid = offerAndPause(p, p.alice.get(), content, 8 * 1024, &pausing);
    QVERIFY(!tid.isEmpty());
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Paused);
    QCOMPARE(p.alice->info(tid)->pausedBy, FileTransfers::PausedBy::You);
    QVERIFY(!p.alice->pause(tid)); // once
    QTRY_COMPARE(bobPaused.size(), 1);
    const auto seen = bobPaused.at(0).at(0).value<FileTransfers::Info>();
    QCOMPARE(seen.pausedBy, FileTransfers::PausedBy::Peer);
    QVERIFY2(seen.error.contains(u"alice"_s), qPrintable(seen.error));
    QVERIFY(!p.bob->resumeTransfer(tid)); // alice's pause is alice's to resume
    QVERIFY(!p.bob->pause(tid));
    QCOMPARE(p.bob->info(tid)->state, FileTransfers::State::Paused);

    // Ten stall timeouts pass: the pause is said again (a control), and still no chunk goes.
    const qsizetype chunksAtPause = sent.size();
    const int controlsAtPause = controls;
    clock += 10000;
    QTRY_VERIFY(controls > controlsAtPause);
    QCOMPARE(sent.size(), chunksAtPause);
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Paused);

    const qint64 verified = p.bob->info(tid)->bytes / 1024;
    QVERIFY(verified >= 8);
    QVERIFY(p.alice->resumeTransfer(tid));
    QCOMPARE(aliceResumed.size(), 1);
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Active);
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(bobResumed.size(), 1);
    QVERIFY(sent.size() > chunksAtPause);
    QCOMPARE(sent.at(chunksAtPause), verified); // from the last verified chunk
    QCOMPARE(sent.count(0), 1); // never from zero
    const auto info = done.at(0).at(0).value<FileTransfers::Info>();
    QCOMPARE(info.sha256, QCryptographicHash::hash(content, QCryptographicHash::Sha256));
    QCOMPARE(readFile(info.path), content);
}

// The receiver pauses: the sender shows it paused by its peer and sends nothing, past its stall timeout, and may not
// resume it; the receiver's resume goes on from its verified chunk.
void TestFileTransfers::receiverPauseStopsTheSender()
{
    Pair p;
    qint64 clock = 0;
    p.alice->setClock([&clock] { return clock; });
    p.alice->setStallTimeout(1000);
    QList<qint64> sent;
    QList<FileControl::Kind> controls;
    p.toBob = [&](LinkFile &f, bool) {
        if (const qint64 i = chunkIndex(f); i >= 0)
            sent.append(i);
        if (const auto kind = controlKind(f))
            controls.append(*kind);
        return true;
    };
    QSignalSpy alicePaused(p.alice.get(), &FileTransfers::paused);
    QSignalSpy aliceResumed(p.alice.get(), &FileTransfers::resumed);
    QSignalSpy done(p.alice.get(), &FileTransfers::finished);
    bool pausing = false;
    const QByteArray content = randomBytes(30 * 1024);
    const QString tid = offerAndPause(p, p.bob.get(), content, 6 * 1024, &pausing);
    QVERIFY(!tid.isEmpty());
    QVERIFY(!p.bob->pause(tid));
    QCOMPARE(p.bob->info(tid)->pausedBy, FileTransfers::PausedBy::You);
    QTRY_COMPARE(alicePaused.size(), 1);
    const auto seen = alicePaused.at(0).at(0).value<FileTransfers::Info>();
    QCOMPARE(seen.state, FileTransfers::State::Paused);
    QCOMPARE(seen.pausedBy, FileTransfers::PausedBy::Peer);
    QVERIFY2(seen.error.contains(u"bob paused"_s), qPrintable(seen.error));
    QVERIFY(!p.alice->resumeTransfer(tid)); // bob's pause is bob's to resume
    QVERIFY(!p.alice->pause(tid));

    // Chunks that were in flight arrive; then, ten stall timeouts on, the sender has only asked again (its offer,
    // which bob answers with his pause) and sent no chunk.
    QTRY_COMPARE(p.alice->info(tid)->bytes, p.bob->info(tid)->bytes);
    const qsizetype chunksAtPause = sent.size();
    const qsizetype controlsAtPause = controls.size();
    clock += 10000;
    QTRY_VERIFY(controls.size() > controlsAtPause);
    QCOMPARE(controls.last(), FileControl::Kind::Offer);
    QCOMPARE(sent.size(), chunksAtPause);
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Paused);
    QCOMPARE(alicePaused.size(), 1);

    const qint64 verified = p.bob->info(tid)->bytes / 1024;
    QVERIFY(p.bob->resumeTransfer(tid));
    QVERIFY(!p.bob->resumeTransfer(tid));
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(aliceResumed.size(), 1);
    QCOMPARE(sent.at(chunksAtPause), verified);
    QCOMPARE(sent.count(0), 1);
    QCOMPARE(readFile(QDir(m_inbox).filePath(u"data.bin"_s)), content);
}

void TestFileTransfers::cancelWhilePausedCleansUpBothSides_data()
{
    QTest::addColumn<bool>("senderPauses");
    QTest::newRow("sender paused, receiver cancels") << true;
    QTest::newRow("receiver paused, sender cancels") << false;
}

void TestFileTransfers::cancelWhilePausedCleansUpBothSides()
{
    QFETCH(bool, senderPauses);
    Pair p;
    QSignalSpy alicePaused(p.alice.get(), &FileTransfers::paused);
    QSignalSpy bobPaused(p.bob.get(), &FileTransfers::paused);
    QSignalSpy aliceFailed(p.alice.get(), &FileTransfers::failed);
    QSignalSpy bobFailed(p.bob.get(), &FileTransfers::failed);
    FileTransfers *pauser = senderPauses ? p.alice.get() : p.bob.get();
    FileTransfers *other = senderPauses ? p.bob.get() : p.alice.get();
    bool pausing = false;
    const QString tid = offerAndPause(p, pauser, randomBytes(30 * 1024), 4 * 1024, &pausing);
    QVERIFY(!tid.isEmpty());
    QTRY_COMPARE((senderPauses ? bobPaused : alicePaused).size(), 1);
    QCOMPARE(other->info(tid)->pausedBy, FileTransfers::PausedBy::Peer);
    QVERIFY(QFileInfo::exists(QDir(m_inbox).filePath(u"data.bin.part"_s)));
    QVERIFY(other->cancel(tid)); // the side that did not pause may still cancel
    QTRY_COMPARE(aliceFailed.size(), 1);
    QTRY_COMPARE(bobFailed.size(), 1);
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Cancelled);
    QCOMPARE(p.bob->info(tid)->state, FileTransfers::State::Cancelled);
    QCOMPARE(p.bob->info(tid)->pausedBy, FileTransfers::PausedBy::Nobody);
    QVERIFY(QDir(m_inbox).isEmpty()); // the .part and its state are gone
    QVERIFY(!pauser->resumeTransfer(tid));
}

// Controls are not acknowledged. A pause that is lost is said again (the receiver's, when chunks of a new segment
// come; the sender's, after a stall timeout); a resume that is lost is recovered too (the receiver's: the paused
// sender offers again and hears it again; the sender's: its chunks of a new segment show the receiver it went on).
void TestFileTransfers::lostPauseAndResumeRecover_data()
{
    QTest::addColumn<bool>("senderPauses");
    QTest::newRow("the receiver's pause and resume lost") << false;
    QTest::newRow("the sender's pause and resume lost") << true;
}

void TestFileTransfers::lostPauseAndResumeRecover()
{
    QFETCH(bool, senderPauses);
    Pair p;
    p.alice->setStallTimeout(100);
    p.bob->setStallTimeout(100);
    QList<qint64> sent;
    int pausesLost = 0, resumesLost = 0;
    bool paused = false;
    const Hook loseFirst = [&](LinkFile &f, bool) {
        const auto kind = controlKind(f);
        if (kind == FileControl::Kind::Pause && pausesLost == 0) {
            ++pausesLost;
            return false;
        }
        if (kind == FileControl::Kind::Resume && paused && resumesLost == 0) {
            ++resumesLost;
            return false;
        }
        return true;
    };
    p.toBob = [&](LinkFile &f, bool direct) {
        if (const qint64 i = chunkIndex(f); i >= 0)
            sent.append(i);
        return !senderPauses || loseFirst(f, direct);
    };
    p.toAlice = [&](LinkFile &f, bool direct) { return senderPauses || loseFirst(f, direct); };
    QSignalSpy done(p.bob.get(), &FileTransfers::finished);
    FileTransfers *pauser = senderPauses ? p.alice.get() : p.bob.get();
    FileTransfers *other = senderPauses ? p.bob.get() : p.alice.get();
    const QByteArray content = randomBytes(24 * 1024);
    const QString tid = offerAndPause(p, pauser, content, 5 * 1024, &paused);
    QVERIFY(!tid.isEmpty());
    QTRY_COMPARE(other->info(tid)->state, FileTransfers::State::Paused);
    QCOMPARE(other->info(tid)->pausedBy, FileTransfers::PausedBy::Peer);
    QCOMPARE(pausesLost, 1);
    QVERIFY(pauser->resumeTransfer(tid));
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(resumesLost, 1);
    QCOMPARE(sent.count(0), 1); // never from zero
    QCOMPARE(readFile(done.at(0).at(0).value<FileTransfers::Info>().path), content);
    QTRY_COMPARE(p.alice->info(tid)->state, FileTransfers::State::Done);
}

// Both sides pause at once (before either hears the other): each holds its own pause, so the transfer goes on only
// when both resumed, and from the verified chunk.
void TestFileTransfers::bothSidesPauseAndEachResumesItsOwn()
{
    Pair p;
    QList<qint64> sent;
    p.toBob = [&sent](LinkFile &f, bool) {
        if (const qint64 i = chunkIndex(f); i >= 0)
            sent.append(i);
        return true;
    };
    bool paused = false;
    QObject::connect(p.bob.get(), &FileTransfers::progressed, p.bob.get(), [&](const FileTransfers::Info &info) {
        if (!paused && info.bytes >= 6 * 1024)
            paused = p.alice->pause(info.tid) && p.bob->pause(info.tid);
    });
    QSignalSpy alicePaused(p.alice.get(), &FileTransfers::paused);
    QSignalSpy done(p.bob.get(), &FileTransfers::finished);
    const QByteArray content = randomBytes(20 * 1024);
    const QString tid = offerAndAccept(p, content);
    QTRY_VERIFY(paused);
    // Each hears the other's pause and still shows its own first.
    QTRY_VERIFY(alicePaused.size() == 1 && p.alice->info(tid)->bytes == p.bob->info(tid)->bytes);
    QCOMPARE(p.alice->info(tid)->pausedBy, FileTransfers::PausedBy::You);
    QCOMPARE(p.bob->info(tid)->pausedBy, FileTransfers::PausedBy::You);
    const qsizetype chunksAtPause = sent.size();

    // Alice resumes hers: bob's pause still holds it.
    QVERIFY(p.alice->resumeTransfer(tid));
    QCOMPARE(p.alice->info(tid)->state, FileTransfers::State::Paused);
    QCOMPARE(p.alice->info(tid)->pausedBy, FileTransfers::PausedBy::Peer);
    QCOMPARE(alicePaused.size(), 2); // who holds it changed
    QVERIFY(!p.alice->resumeTransfer(tid));
    for (int i = 0; i < 50; ++i)
        QCoreApplication::processEvents(); // every frame in flight is delivered
    QCOMPARE(p.bob->info(tid)->state, FileTransfers::State::Paused);
    QCOMPARE(p.bob->info(tid)->pausedBy, FileTransfers::PausedBy::You);
    QCOMPARE(sent.size(), chunksAtPause);

    // Bob resumes his: bob heard alice's resume, so it goes on at once.
    const qint64 verified = p.bob->info(tid)->bytes / 1024;
    QVERIFY(p.bob->resumeTransfer(tid));
    QCOMPARE(p.bob->info(tid)->state, FileTransfers::State::Active);
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(sent.at(chunksAtPause), verified);
    QCOMPARE(readFile(done.at(0).at(0).value<FileTransfers::Info>().path), content);
}

QTEST_GUILESS_MAIN(TestFileTransfers)
#include "tst_filetransfers.moc"
