// The app's list of file transfers (TransfersModel): two real clients joined to an in-process hub over loopback move
// files through it; speeds and time remaining against a clock of the test's own.
#include "app/chatcontroller.h"
#include "app/transfersmodel.h"
#include "client/peerclient.h"
#include "crypto/identity.h"
#include "hub/hub.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestTransfersModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void offeredAcceptedAndArrives();
    void declinedIsFailedWithAReason();
    void cancelledBySenderBeforeAnswer();
    void cancelledByReceiverCleansUp();
    void speedAndTimeRemaining();
    void pausedShowsWhy();
    void formats();
    void controllerSendsToTheActivePeerAndNotifies();

private:
    std::unique_ptr<PeerClient> peer(const QString &id);
    QString writeFile(const QString &name, qint64 bytes);
    static QByteArray sha256(const QString &path);
    static TransfersModel::State state(const TransfersModel &m, int row) { return m.stateAt(row); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Hub> m_hub;
    std::unique_ptr<PeerClient> m_alice;
    std::unique_ptr<PeerClient> m_bob;
    QString m_inbox;
};

void TestTransfersModel::init()
{
    qRegisterMetaType<FileTransfers::Info>();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_inbox = m_dir->filePath(u"inbox"_s);
    m_hub = std::make_unique<Hub>();
    QVERIFY(m_hub->listen(QHostAddress::LocalHost, 0));
    m_alice = peer(u"alice"_s);
    m_bob = peer(u"bob"_s);
    QVERIFY(m_alice && m_bob);
    QTRY_VERIFY(m_alice->hasPeer(u"bob"_s) && m_bob->hasPeer(u"alice"_s));
}

void TestTransfersModel::cleanup()
{
    m_alice.reset();
    m_bob.reset();
    m_hub.reset();
    m_dir.reset();
}

std::unique_ptr<PeerClient> TestTransfersModel::peer(const QString &id)
{
    auto c = std::make_unique<PeerClient>();
    c->setIdentity(Crypto::Identity::generate());
    QSignalSpy joined(c.get(), &PeerClient::joined);
    if (!c->connectToHub(m_hub->serverUrl(), id) || !joined.wait())
        return nullptr;
    return c;
}

QString TestTransfersModel::writeFile(const QString &name, qint64 bytes)
{
    QByteArray content(bytes, '\0');
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(content.data()), int(bytes / 4));
    const QString path = m_dir->filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != bytes)
        return QString();
    return path;
}

QByteArray TestTransfersModel::sha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QByteArray();
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result();
}

void TestTransfersModel::offeredAcceptedAndArrives()
{
    TransfersModel sent(m_alice->files());
    TransfersModel got(m_bob->files());
    QSignalSpy shown(&got, &TransfersModel::offerShown);
    QSignalSpy arrived(&got, &TransfersModel::fileArrived);
    QSignalSpy sentArrived(&sent, &TransfersModel::fileArrived);
    const QString path = writeFile(u"photo.bin"_s, 300 * 1024 + 7);
    QVERIFY(!path.isEmpty());

    const QString tid = sent.offer(u"bob"_s, path);
    QVERIFY(!tid.isEmpty());
    QCOMPARE(sent.rowCount(), 1);
    QCOMPARE(sent.tidAt(0), tid);
    QCOMPARE(state(sent, 0), TransfersModel::State::Waiting);
    const QModelIndex out = sent.index(0);
    QCOMPARE(out.data(TransfersModel::DirectionRole).value<FileTransfers::Direction>(),
             FileTransfers::Direction::Outgoing);
    QCOMPARE(out.data(TransfersModel::PeerRole).toString(), u"bob"_s);
    QCOMPARE(out.data(TransfersModel::NameRole).toString(), u"photo.bin"_s);
    QVERIFY(out.data(TransfersModel::StatusTextRole).toString().contains(u"bob"_s));

    QTRY_COMPARE(shown.size(), 1);
    QCOMPARE(shown.at(0).at(0).toInt(), 0);
    QCOMPARE(got.rowCount(), 1);
    const QModelIndex in = got.index(0);
    QCOMPARE(state(got, 0), TransfersModel::State::Offered);
    QCOMPARE(in.data(TransfersModel::TidRole).toString(), tid);
    QCOMPARE(in.data(TransfersModel::DirectionRole).value<FileTransfers::Direction>(),
             FileTransfers::Direction::Incoming);
    QCOMPARE(in.data(TransfersModel::PeerRole).toString(), u"alice"_s);
    QCOMPARE(in.data(TransfersModel::NameRole).toString(), u"photo.bin"_s);
    QCOMPARE(in.data(TransfersModel::SizeRole).toLongLong(), 300 * 1024 + 7);
    QCOMPARE(in.data(TransfersModel::ProgressRole).toDouble(), 0.0);
    QCOMPARE(in.data(TransfersModel::RemainingRole).toLongLong(), -1);
    QVERIFY(in.data(Qt::DisplayRole).toString().contains(u"alice"_s));

    QVERIFY(got.accept(0, m_inbox));
    QVERIFY(state(got, 0) != TransfersModel::State::Offered);
    QTRY_COMPARE(state(got, 0), TransfersModel::State::Done);
    QTRY_COMPARE(state(sent, 0), TransfersModel::State::Done);
    QCOMPARE(got.index(0).data(TransfersModel::ProgressRole).toDouble(), 1.0);
    QCOMPARE(sent.index(0).data(TransfersModel::ProgressRole).toDouble(), 1.0);
    QCOMPARE(got.index(0).data(TransfersModel::BytesRole).toLongLong(), 300 * 1024 + 7);
    QCOMPARE(got.index(0).data(TransfersModel::SpeedRole).toDouble(), 0.0); // nothing moves any more
    QCOMPARE(arrived.size(), 1);
    QCOMPARE(sentArrived.size(), 0); // only what arrives is announced
    const QString saved = got.index(0).data(TransfersModel::PathRole).toString();
    QCOMPARE(saved, QDir(m_inbox).filePath(u"photo.bin"_s));
    QCOMPARE(sha256(saved), sha256(path));
    QCOMPARE(arrived.at(0).at(0).value<FileTransfers::Info>().sha256, sha256(path));
    QVERIFY(!TransfersModel::isOpen(state(got, 0)));
    // Done rows cannot be cancelled any more.
    QVERIFY(!got.cancel(0));
}

void TestTransfersModel::declinedIsFailedWithAReason()
{
    TransfersModel sent(m_alice->files());
    TransfersModel got(m_bob->files());
    QSignalSpy shown(&got, &TransfersModel::offerShown);
    const QString tid = sent.offer(u"bob"_s, writeFile(u"x.txt"_s, 1000));
    QVERIFY(!tid.isEmpty());
    QTRY_COMPARE(shown.size(), 1);
    QVERIFY(got.decline(0));
    QVERIFY(!TransfersModel::isOpen(state(got, 0)));
    QTRY_COMPARE(state(sent, 0), TransfersModel::State::Failed);
    QVERIFY(!sent.index(0).data(TransfersModel::ErrorRole).toString().isEmpty());
    QVERIFY(sent.index(0).data(TransfersModel::StatusTextRole).toString().startsWith(u"Failed"_s));
    QVERIFY(!QFileInfo::exists(QDir(m_inbox).filePath(u"x.txt"_s)));
}

void TestTransfersModel::cancelledBySenderBeforeAnswer()
{
    TransfersModel sent(m_alice->files());
    TransfersModel got(m_bob->files());
    QSignalSpy shown(&got, &TransfersModel::offerShown);
    QVERIFY(!sent.offer(u"bob"_s, writeFile(u"y.bin"_s, 5000)).isEmpty());
    QTRY_COMPARE(shown.size(), 1);
    QVERIFY(sent.cancel(0));
    QCOMPARE(state(sent, 0), TransfersModel::State::Cancelled);
    QTRY_COMPARE(state(got, 0), TransfersModel::State::Cancelled);
    QVERIFY(!got.accept(0, m_inbox)); // nothing left to accept
}

void TestTransfersModel::cancelledByReceiverCleansUp()
{
    TransfersModel sent(m_alice->files());
    TransfersModel got(m_bob->files());
    QSignalSpy shown(&got, &TransfersModel::offerShown);
    QVERIFY(!sent.offer(u"bob"_s, writeFile(u"big.bin"_s, 4 * 1024 * 1024)).isEmpty());
    QTRY_COMPARE(shown.size(), 1);
    QVERIFY(got.accept(0, m_inbox));
    QVERIFY(got.cancel(0)); // before a chunk can arrive: the answer has only just left
    QCOMPARE(state(got, 0), TransfersModel::State::Cancelled);
    QTRY_COMPARE(state(sent, 0), TransfersModel::State::Cancelled);
    QVERIFY(QDir(m_inbox).entryList(QDir::Files | QDir::Hidden).isEmpty()); // no part file left behind
}

void TestTransfersModel::speedAndTimeRemaining()
{
    FileTransfers files;
    TransfersModel model(&files);
    qint64 clock = 100000;
    model.setClock([&clock] { return clock; });
    FileTransfers::Info info;
    info.tid = u"t1"_s;
    info.peer = u"alice"_s;
    info.direction = FileTransfers::Direction::Incoming;
    info.name = u"a.iso"_s;
    info.size = 10'000'000;
    info.state = FileTransfers::State::Active;
    info.bytes = 0;
    Q_EMIT files.progressed(info);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.stateAt(0), TransfersModel::State::Transferring);
    QCOMPARE(model.speedAt(0), 0.0);
    QCOMPARE(model.remainingAt(0), -1);
    // 1 MB a second for two seconds.
    for (int i = 1; i <= 4; ++i) {
        clock += 500;
        info.bytes = i * 500'000;
        Q_EMIT files.progressed(info);
    }
    QCOMPARE(model.speedAt(0), 1'000'000.0);
    QCOMPARE(model.remainingAt(0), 8); // 8 MB left
    QCOMPARE(model.index(0).data(TransfersModel::ProgressRole).toDouble(), 0.2);
    QVERIFY(model.index(0).data(TransfersModel::StatusTextRole).toString().contains(u"0:08"_s));
    // Only the last seconds count: it speeds up to 3 MB a second.
    for (int i = 1; i <= 8; ++i) {
        clock += 500;
        info.bytes += 750'000;
        Q_EMIT files.progressed(info);
    }
    QCOMPARE(model.speedAt(0), 1'500'000.0);
    // Nothing arrives for longer than the window: the speed is not known any more.
    clock += TransfersModel::SpeedWindowMs + 1;
    QCOMPARE(model.speedAt(0), 0.0);
    QCOMPARE(model.remainingAt(0), -1);
}

void TestTransfersModel::pausedShowsWhy()
{
    FileTransfers files;
    TransfersModel model(&files);
    FileTransfers::Info info;
    info.tid = u"t2"_s;
    info.peer = u"bob"_s;
    info.direction = FileTransfers::Direction::Incoming;
    info.name = u"b.bin"_s;
    info.size = 1000;
    info.bytes = 400;
    info.state = FileTransfers::State::Paused;
    info.error = u"the disk is full"_s;
    Q_EMIT files.paused(info);
    QCOMPARE(model.stateAt(0), TransfersModel::State::Paused);
    QVERIFY(TransfersModel::isOpen(model.stateAt(0)));
    QCOMPARE(model.index(0).data(TransfersModel::ErrorRole).toString(), u"the disk is full"_s);
    QVERIFY(model.index(0).data(TransfersModel::StatusTextRole).toString().contains(u"the disk is full"_s));
    QCOMPARE(model.index(0).data(TransfersModel::ProgressRole).toDouble(), 0.4);
    QCOMPARE(model.speedAt(0), 0.0);
    // The same transfer again updates its row rather than adding one.
    info.state = FileTransfers::State::Failed;
    info.error = u"gone"_s;
    Q_EMIT files.failed(info);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.stateAt(0), TransfersModel::State::Failed);
}

void TestTransfersModel::formats()
{
    QCOMPARE(TransfersModel::formatDuration(-1), QString());
    QCOMPARE(TransfersModel::formatDuration(8), u"0:08"_s);
    QCOMPARE(TransfersModel::formatDuration(65), u"1:05"_s);
    QCOMPARE(TransfersModel::formatDuration(3723), u"1:02:03"_s);
    QVERIFY(!TransfersModel::formatBytes(1500).isEmpty());
}

void TestTransfersModel::controllerSendsToTheActivePeerAndNotifies()
{
    ChatController sender(m_alice.get());
    ChatController receiver(m_bob.get());
    receiver.setWindowActive(false);
    QSignalSpy notified(&receiver, &ChatController::notificationRequested);
    QVERIFY(!sender.canSendFile()); // Everyone
    QVERIFY(sender.sendFile(writeFile(u"n.bin"_s, 10)).isEmpty());
    sender.setActiveConversation(u"#team"_s);
    QVERIFY(!sender.canSendFile()); // a room
    sender.setActiveConversation(u"bob"_s);
    QVERIFY(sender.canSendFile());
    const QString path = writeFile(u"notes.txt"_s, 20000);
    const QString tid = sender.sendFile(path);
    QVERIFY(!tid.isEmpty());
    QCOMPARE(sender.transfersModel()->rowCount(), 1);
    QCOMPARE(sender.transfersModel()->index(0).data(TransfersModel::PeerRole).toString(), u"bob"_s);

    QTRY_COMPARE(notified.size(), 1);
    QCOMPARE(notified.at(0).at(0).toString(), u"File offered"_s);
    QVERIFY(notified.at(0).at(1).toString().contains(u"notes.txt"_s));
    QVERIFY(receiver.transfersModel()->accept(0, m_inbox));
    QTRY_COMPARE(notified.size(), 2);
    QCOMPARE(notified.at(1).at(0).toString(), u"File received"_s);
    QCOMPARE(sha256(QDir(m_inbox).filePath(u"notes.txt"_s)), sha256(path));
    QTRY_COMPARE(sender.transfersModel()->stateAt(0), TransfersModel::State::Done);

    // With the window active, no notification.
    receiver.setWindowActive(true);
    QVERIFY(!sender.sendFile(path).isEmpty());
    QTRY_COMPARE(receiver.transfersModel()->rowCount(), 2);
    QCOMPARE(notified.size(), 2);
}

QTEST_MAIN(TestTransfersModel)
#include "tst_transfersmodel.moc"
