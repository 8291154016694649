// File transfers through the main window (issue 15, part 5), offscreen: a test peer's offer accepted with the
// Accept button (the folder picker replaced) arrives with the right SHA-256 and opens through the desktop (a catcher
// stands in); Send file… (the file picker replaced) and a dropped file reach the peer; Cancel on either side ends it.
// The incoming-files setting: a verified peer's file saved into the folder unasked, an unverified one's asked, a
// missing folder asked with the reason, and decline-all declining as the Decline button would. A file the app was
// sending when it was closed is back in the dock, waiting, when it is opened again with the same profile, and goes.
#include "appwindowfixture.h"

#include "app/incomingfiles.h"
#include "app/profileidentity.h"
#include "app/transfersmodel.h"
#include "app/transferspanel.h"
#include "crypto/identity.h"

#include <QAction>
#include <QCryptographicHash>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QMimeData>
#include <QPushButton>

using namespace PeerLink;
using namespace Qt::StringLiterals;

/// Stands in for the desktop's file opener (QDesktopServices::setUrlHandler).
class FileCatcher : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> opened;
public Q_SLOTS:
    void open(const QUrl &url) { opened.append(url); }
};

class TestTransfersUi : public QObject, protected Test::AppWindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void offerAcceptedThroughTheWindow();
    void sendFileActionAndDropReachThePeer();
    void cancelOnEitherSide();
    void verifiedPeersFilesAreSavedUnverifiedAsked();
    void missingFolderFallsBackToAsking();
    void declineAllTellsTheSender();
    void sentFileIsBackAfterTheAppIsOpenedAgain();

private:
    /// The app is closed (window, controller, client) and opened again with the profile in @p folder, once bob saw
    /// @p id leave; not joined.
    void reopenApp(const QString &folder, const QString &id);
    QString writeFile(const QString &name, int bytes);
    static QByteArray sha256(const QString &path);
    TransfersModel *model() { return m_controller->transfersModel(); }
    QPushButton *button(const char *name) { return m_window->transfersPanel()->findChild<QPushButton *>(QString::fromLatin1(name)); }

    /// Bob marked verified, the policy set to @p mode into m_inbox (made).
    void verifyBobAndSetPolicy(IncomingFilesPolicy::Mode mode);

    std::unique_ptr<PeerClient> m_bob;
    QString m_inbox;
};

void TestTransfersUi::init()
{
    qRegisterMetaType<FileTransfers::Info>();
    QVERIFY(setUpApp());
    m_inbox = m_dir->filePath(u"inbox"_s);
    m_client->setIdentity(Crypto::Identity::generate());
    m_window->connectToHub(m_hub->serverUrl(), u"me"_s, u"Me"_s, QString());
    QTRY_VERIFY(m_client->isJoined());
    m_bob = std::make_unique<PeerClient>();
    m_bob->setIdentity(Crypto::Identity::generate());
    QSignalSpy joined(m_bob.get(), &PeerClient::joined);
    QVERIFY(m_bob->connectToHub(m_hub->serverUrl(), u"bob"_s));
    QVERIFY(joined.wait());
    QTRY_VERIFY(m_client->hasPeer(u"bob"_s) && m_bob->hasPeer(u"me"_s));
    m_window->transfersPanel()->setDirectoryPicker([this](QWidget *, const QString &) { return m_inbox; });
}

void TestTransfersUi::cleanup()
{
    m_bob.reset();
    tearDownApp();
}

QString TestTransfersUi::writeFile(const QString &name, int bytes)
{
    QByteArray content(bytes, '\0');
    for (int i = 0; i < bytes; ++i)
        content[i] = char((i * 131 + i / 7) & 0xff);
    const QString path = m_dir->filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != bytes)
        return QString();
    return path;
}

QByteArray TestTransfersUi::sha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QByteArray();
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result();
}

void TestTransfersUi::offerAcceptedThroughTheWindow()
{
    QVERIFY(!m_window->transfersDock()->isVisible());
    const QString path = writeFile(u"report.pdf"_s, 200 * 1024 + 3);
    QSignalSpy bobDone(m_bob->files(), &FileTransfers::finished);
    QVERIFY(!m_bob->files()->offer(u"me"_s, path).isEmpty());

    // The offer shows itself, selected, with Accept and Decline.
    QTRY_VERIFY(m_window->transfersDock()->isVisible());
    QCOMPARE(model()->rowCount(), 1);
    QCOMPARE(m_window->transfersPanel()->selectedRow(), 0);
    QVERIFY(button("acceptButton")->isEnabled());
    QVERIFY(button("declineButton")->isEnabled());
    QVERIFY(!button("openButton")->isEnabled());
    QTest::mouseClick(button("acceptButton"), Qt::LeftButton);
    QTRY_COMPARE(model()->stateAt(0), TransfersModel::State::Done);
    QTRY_COMPARE(bobDone.size(), 1);
    const QString saved = QDir(m_inbox).filePath(u"report.pdf"_s);
    QCOMPARE(sha256(saved), sha256(path));
    QVERIFY(!button("acceptButton")->isEnabled());
    QVERIFY(!button("cancelButton")->isEnabled());

    // Open and Show in folder go to the desktop.
    FileCatcher catcher;
    QDesktopServices::setUrlHandler(u"file"_s, &catcher, "open");
    QTRY_VERIFY(button("openButton")->isEnabled());
    QTest::mouseClick(button("openButton"), Qt::LeftButton);
    QTest::mouseClick(button("showInFolderButton"), Qt::LeftButton);
    QDesktopServices::unsetUrlHandler(u"file"_s);
    QCOMPARE(catcher.opened,
             QList<QUrl>({ QUrl::fromLocalFile(QFileInfo(saved).absoluteFilePath()),
                           QUrl::fromLocalFile(QFileInfo(saved).absolutePath()) }));
}

void TestTransfersUi::sendFileActionAndDropReachThePeer()
{
    auto *send = m_window->findChild<QAction *>(u"actionSendFile"_s);
    QVERIFY(send);
    QVERIFY(!send->isEnabled()); // Everyone: no one to send to
    m_controller->setActiveConversation(u"bob"_s);
    QTRY_VERIFY(send->isEnabled());

    QSignalSpy offers(m_bob->files(), &FileTransfers::offerReceived);
    QSignalSpy bobDone(m_bob->files(), &FileTransfers::finished);
    connect(m_bob->files(), &FileTransfers::offerReceived, this,
            [this](const FileTransfers::Info &info) { m_bob->files()->accept(info.tid, m_inbox); });
    const QString path = writeFile(u"picked.bin"_s, 50000);
    QString title;
    m_window->setOpenFilePicker([&](QWidget *, const QString &t) {
        title = t;
        return path;
    });
    send->trigger();
    QVERIFY(title.contains(u"bob"_s));
    QVERIFY(m_window->transfersDock()->isVisible());
    QCOMPARE(model()->rowCount(), 1);
    QTRY_COMPARE(bobDone.size(), 1);
    QCOMPARE(sha256(bobDone.at(0).at(0).value<FileTransfers::Info>().path), sha256(path));
    QTRY_COMPARE(model()->stateAt(0), TransfersModel::State::Done);

    // A file dropped on the window goes to the same peer.
    const QString dropped = writeFile(u"dropped.txt"_s, 1234);
    QMimeData mime;
    mime.setUrls({ QUrl::fromLocalFile(dropped) });
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(m_window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(m_window.get(), &drop);
    QTRY_COMPARE(bobDone.size(), 2);
    QCOMPARE(offers.at(1).at(0).value<FileTransfers::Info>().name, u"dropped.txt"_s);
    QCOMPARE(sha256(QDir(m_inbox).filePath(u"dropped.txt"_s)), sha256(dropped));
}

void TestTransfersUi::cancelOnEitherSide()
{
    // The app cancels an offer it accepted, before a chunk came: the sender hears of it, nothing is left on disk.
    QSignalSpy bobFailed(m_bob->files(), &FileTransfers::failed);
    QVERIFY(!m_bob->files()->offer(u"me"_s, writeFile(u"big.bin"_s, 4 * 1024 * 1024)).isEmpty());
    QTRY_COMPARE(model()->rowCount(), 1);
    QTest::mouseClick(button("acceptButton"), Qt::LeftButton);
    QVERIFY(button("cancelButton")->isEnabled());
    QTest::mouseClick(button("cancelButton"), Qt::LeftButton);
    QCOMPARE(model()->stateAt(0), TransfersModel::State::Cancelled);
    QTRY_COMPARE(bobFailed.size(), 1);
    QCOMPARE(bobFailed.at(0).at(0).value<FileTransfers::Info>().state, FileTransfers::State::Cancelled);
    QVERIFY(QDir(m_inbox).entryList(QDir::Files | QDir::Hidden).isEmpty());

    // The peer cancels what the app sends: its row says so.
    m_controller->setActiveConversation(u"bob"_s);
    QSignalSpy offers(m_bob->files(), &FileTransfers::offerReceived);
    m_window->sendFile(writeFile(u"late.bin"_s, 3000));
    QCOMPARE(model()->rowCount(), 2);
    QCOMPARE(model()->stateAt(1), TransfersModel::State::Waiting);
    QTRY_COMPARE(offers.size(), 1);
    QVERIFY(m_bob->files()->cancel(offers.at(0).at(0).value<FileTransfers::Info>().tid));
    QTRY_COMPARE(model()->stateAt(1), TransfersModel::State::Cancelled);
    QVERIFY(!button("cancelButton")->isEnabled());
}

void TestTransfersUi::verifyBobAndSetPolicy(IncomingFilesPolicy::Mode mode)
{
    m_controller->setVerifiedStore(m_settings.get());
    QVERIFY(m_controller->markVerified(u"bob"_s));
    QVERIFY(m_controller->isVerified(u"bob"_s));
    QVERIFY(QDir().mkpath(m_inbox));
    m_controller->setIncomingFiles(IncomingFilesPolicy { mode, m_inbox });
}

void TestTransfersUi::verifiedPeersFilesAreSavedUnverifiedAsked()
{
    verifyBobAndSetPolicy(IncomingFilesPolicy::Mode::AcceptVerified);
    // Nobody is asked: the verified peer's file goes into the folder, the dock stays as it was.
    const QString path = writeFile(u"notes.txt"_s, 70000);
    QSignalSpy bobDone(m_bob->files(), &FileTransfers::finished);
    QSignalSpy shown(model(), &TransfersModel::offerShown);
    QVERIFY(!m_bob->files()->offer(u"me"_s, path).isEmpty());
    QTRY_COMPARE(bobDone.size(), 1);
    QTRY_COMPARE(model()->stateAt(0), TransfersModel::State::Done);
    QCOMPARE(sha256(QDir(m_inbox).filePath(u"notes.txt"_s)), sha256(path));
    QCOMPARE(shown.size(), 0);
    QVERIFY(!m_window->transfersDock()->isVisible());

    // An unverified peer's offer is asked about as before.
    auto carol = std::make_unique<PeerClient>();
    carol->setIdentity(Crypto::Identity::generate());
    QSignalSpy joined(carol.get(), &PeerClient::joined);
    QVERIFY(carol->connectToHub(m_hub->serverUrl(), u"carol"_s));
    QVERIFY(joined.wait());
    QTRY_VERIFY(m_client->hasPeer(u"carol"_s) && carol->hasPeer(u"me"_s));
    QVERIFY(!m_controller->isVerified(u"carol"_s));
    QVERIFY(!carol->files()->offer(u"me"_s, writeFile(u"unknown.bin"_s, 1000)).isEmpty());
    QTRY_COMPARE(shown.size(), 1);
    QCOMPARE(model()->stateAt(1), TransfersModel::State::Offered);
    QVERIFY(m_window->transfersDock()->isVisible());
    QVERIFY(button("acceptButton")->isEnabled());
    QVERIFY(!QFileInfo::exists(QDir(m_inbox).filePath(u"unknown.bin"_s)));
}

void TestTransfersUi::missingFolderFallsBackToAsking()
{
    verifyBobAndSetPolicy(IncomingFilesPolicy::Mode::AcceptVerified);
    QVERIFY(QDir(m_inbox).removeRecursively());
    QSignalSpy reported(m_controller.get(), &ChatController::errorReported);
    QVERIFY(!m_bob->files()->offer(u"me"_s, writeFile(u"late.txt"_s, 500)).isEmpty());
    QTRY_VERIFY(m_window->transfersDock()->isVisible());
    QCOMPARE(model()->stateAt(0), TransfersModel::State::Offered);
    QCOMPARE(reported.size(), 1);
    const QString text = reported.at(0).at(0).toString();
    QVERIFY2(text.contains(QDir::toNativeSeparators(m_inbox)) && text.contains(u"does not exist"_s), qPrintable(text));
    QVERIFY(!QFileInfo::exists(m_inbox)); // not made behind the user's back
}

void TestTransfersUi::declineAllTellsTheSender()
{
    verifyBobAndSetPolicy(IncomingFilesPolicy::Mode::DeclineAll);
    QSignalSpy bobFailed(m_bob->files(), &FileTransfers::failed);
    QSignalSpy shown(model(), &TransfersModel::offerShown);
    QVERIFY(!m_bob->files()->offer(u"me"_s, writeFile(u"nope.bin"_s, 2000)).isEmpty());
    QTRY_COMPARE(bobFailed.size(), 1);
    const auto info = bobFailed.at(0).at(0).value<FileTransfers::Info>();
    QCOMPARE(info.state, FileTransfers::State::Failed);
    QVERIFY2(info.error.contains(u"declined"_s), qPrintable(info.error));
    QCOMPARE(model()->stateAt(0), TransfersModel::State::Cancelled);
    QCOMPARE(shown.size(), 0);
    QVERIFY(!m_window->transfersDock()->isVisible());
    QVERIFY(QDir(m_inbox).entryList(QDir::Files | QDir::Hidden).isEmpty());
}

void TestTransfersUi::reopenApp(const QString &folder, const QString &id)
{
    m_window.reset();
    m_controller.reset();
    m_client.reset();
    // The hub holds the id of a dropped peer for its reconnect grace (3 s): the app comes back once it let go of it.
    QTRY_VERIFY_WITH_TIMEOUT(!m_bob->hasPeer(id), 10000);
    ProfileIdentity profile(folder);
    QVERIFY(profile.load());
    m_client = std::make_unique<PeerClient>();
    QVERIFY(profile.applyTo(m_client.get()));
    m_controller = std::make_unique<ChatController>(m_client.get());
    QVERIFY(makeWindow());
}

void TestTransfersUi::sentFileIsBackAfterTheAppIsOpenedAgain()
{
    // A profile of its own, under an id of its own (the hub binds "me" to the key it joined with in init()).
    const QString folder = m_dir->filePath(u"profile"_s);
    reopenApp(folder, u"me"_s);
    m_window->connectToHub(m_hub->serverUrl(), u"sender"_s, u"Sender"_s, QString());
    QTRY_VERIFY(m_client->isJoined());
    QTRY_VERIFY(m_client->hasPeer(u"bob"_s) && m_bob->hasPeer(u"sender"_s));

    // Bob does not answer before the app is closed.
    QSignalSpy offers(m_bob->files(), &FileTransfers::offerReceived);
    const QString path = writeFile(u"plan.pdf"_s, 300 * 1024 + 5);
    const QString tid = model()->offer(u"bob"_s, path);
    QVERIFY(!tid.isEmpty());
    QTRY_COMPARE(offers.size(), 1);
    QVERIFY(QFileInfo::exists(QDir(folder).filePath(u"transfers.json"_s)));
    reopenApp(folder, u"sender"_s);
    QVERIFY(!m_window->transfersDock()->isVisible());

    // Opened again: the transfer is in the dock, selected, waiting for bob.
    QCOMPARE(m_client->files()->restore(), 1);
    QVERIFY(m_window->transfersDock()->isVisible());
    QCOMPARE(model()->rowCount(), 1);
    QCOMPARE(model()->tidAt(0), tid);
    QCOMPARE(m_window->transfersPanel()->selectedRow(), 0);
    QCOMPARE(model()->stateAt(0), TransfersModel::State::Waiting);
    QVERIFY2(model()->index(0).data(TransfersModel::StatusTextRole).toString().contains(u"Waiting for bob"_s),
             qPrintable(model()->index(0).data(TransfersModel::StatusTextRole).toString()));
    QVERIFY(button("cancelButton")->isEnabled());

    // Back on the hub, it is offered again; bob accepts the offer he had, and the file goes.
    m_window->connectToHub(m_hub->serverUrl(), u"sender"_s, u"Sender"_s, QString());
    QTRY_VERIFY(m_client->isJoined() && m_bob->hasPeer(u"sender"_s));
    QSignalSpy bobDone(m_bob->files(), &FileTransfers::finished);
    QVERIFY(m_bob->files()->accept(tid, m_inbox));
    QTRY_COMPARE(model()->stateAt(0), TransfersModel::State::Done);
    QTRY_COMPARE(bobDone.size(), 1);
    QCOMPARE(sha256(QDir(m_inbox).filePath(u"plan.pdf"_s)), sha256(path));
    QCOMPARE(offers.size(), 1); // the same offer, not a second one
}

QTEST_MAIN(TestTransfersUi)
#include "tst_transfersui.moc"
