// File transfers through the main window (issue 15, part 5), offscreen: a test peer's offer accepted with the
// Accept button (the folder picker replaced) arrives with the right SHA-256 and opens through the desktop (a catcher
// stands in); Send file… (the file picker replaced) and a dropped file reach the peer; Cancel on either side ends it.
// The incoming-files setting: a verified peer's file saved into the folder unasked, an unverified one's asked, a
// missing folder asked with the reason, and decline-all declining as the Decline button would. Pause and Resume:
// enabled as the state allows, a pause by the peer shown as the peer's with only Cancel.
// Transfers in the conversation (issue 15, item 5): an offer is an item of its peer's conversation with Accept /
// Decline (the same action as the dock's, either way), its outcome shown after; one's own offers are items too.
// A file the app was sending when it was closed is back in the dock, waiting, when it is opened again with the same
// profile, and goes.
#include "appwindowfixture.h"

#include "app/conversationmodel.h"
#include "app/incomingfiles.h"
#include "app/transferitemwidget.h"
#include "app/profileidentity.h"
#include "app/transfersmodel.h"
#include "app/transferspanel.h"
#include "crypto/identity.h"

#include <QAction>
#include <QApplication>
#include <QCryptographicHash>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QListView>
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
    void pauseAndResumeFromTheDock();
    void peersPauseLeavesOnlyCancel();
    void offerIsAnItemOfItsConversation();
    void acceptInTheConversationSavesTheFile();
    void declineInTheConversationTellsTheSender();
    void dockAnswersShowInTheConversation();
    void ownOffersAreItemsOfTheConversation();
    void itemButtonsAreReachableByKeyboard();
    void pauseAndResumeInTheConversation();
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

    /// The conversation with @p peer and the row of transfer @p tid in it (-1: none).
    ConversationModel *conversation(const QString &peer) { return m_controller->conversation(peer); }
    int itemRow(const QString &peer, const QString &tid) { return conversation(peer)->rowOfTransfer(tid); }
    TransferItem::State itemState(const QString &peer, const QString &tid)
    {
        const QModelIndex i = conversation(peer)->index(itemRow(peer, tid));
        return i.data(ConversationModel::TransferStateRole).value<TransferItem::State>();
    }
    /// The widget of transfer @p tid's item in the conversation shown (null: not there).
    TransferItemWidget *itemWidget(const QString &tid)
    {
        for (auto *w : child<QListView>("messageView")->findChildren<TransferItemWidget *>()) {
            if (w->transferId() == tid)
                return w;
        }
        return nullptr;
    }
    QPushButton *itemButton(const QString &tid, const char *name)
    {
        auto *w = itemWidget(tid);
        return w ? w->findChild<QPushButton *>(QString::fromLatin1(name)) : nullptr;
    }
    QString itemStatus(const QString &tid)
    {
        auto *w = itemWidget(tid);
        auto *label = w ? w->findChild<QLabel *>(u"transferStatus"_s) : nullptr;
        return label ? label->text() : QString();
    }

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

// The app receives a file (the sender paced, so that it takes seconds): Pause stops it and says so on both sides,
// Resume goes on, and the file arrives whole.
void TestTransfersUi::pauseAndResumeFromTheDock()
{
    m_bob->files()->applyLimits(256 * 1024, 0, 0); // relayed at about 200 KiB/s: 2 MiB take about 10 s
    const QString path = writeFile(u"slow.bin"_s, 2 * 1024 * 1024);
    QSignalSpy bobPaused(m_bob->files(), &FileTransfers::paused);
    QSignalSpy bobResumed(m_bob->files(), &FileTransfers::resumed);
    QSignalSpy bobDone(m_bob->files(), &FileTransfers::finished);
    const QString tid = m_bob->files()->offer(u"me"_s, path);
    QVERIFY(!tid.isEmpty());
    QTRY_COMPARE(model()->rowCount(), 1);
    QVERIFY(!button("pauseButton")->isEnabled()); // an offer is not under way
    QVERIFY(!button("resumeButton")->isEnabled());
    QTest::mouseClick(button("acceptButton"), Qt::LeftButton);
    QTRY_VERIFY(model()->index(0).data(TransfersModel::BytesRole).toLongLong() > 0);
    QCOMPARE(model()->stateAt(0), TransfersModel::State::Transferring);
    QVERIFY(button("pauseButton")->isEnabled());
    QVERIFY(!button("resumeButton")->isEnabled());

    QTest::mouseClick(button("pauseButton"), Qt::LeftButton);
    QCOMPARE(model()->stateAt(0), TransfersModel::State::Paused);
    QCOMPARE(model()->index(0).data(TransfersModel::PausedByRole).value<FileTransfers::PausedBy>(),
             FileTransfers::PausedBy::You);
    const QString status = model()->index(0).data(TransfersModel::StatusTextRole).toString();
    QVERIFY2(status.startsWith(u"Paused by you"_s), qPrintable(status));
    QVERIFY(!button("pauseButton")->isEnabled());
    QVERIFY(button("resumeButton")->isEnabled());
    QVERIFY(button("cancelButton")->isEnabled());
    QTRY_COMPARE(bobPaused.size(), 1);
    QCOMPARE(bobPaused.at(0).at(0).value<FileTransfers::Info>().pausedBy, FileTransfers::PausedBy::Peer);

    QTest::mouseClick(button("resumeButton"), Qt::LeftButton);
    QVERIFY(!button("resumeButton")->isEnabled());
    QTRY_COMPARE(bobResumed.size(), 1);
    m_bob->files()->applyLimits(0, 0, 0); // the rest as fast as it goes
    QTRY_COMPARE(model()->stateAt(0), TransfersModel::State::Done);
    QTRY_COMPARE(bobDone.size(), 1);
    QCOMPARE(sha256(QDir(m_inbox).filePath(u"slow.bin"_s)), sha256(path));
    QVERIFY(!button("pauseButton")->isEnabled());
}

// The peer pauses what the app sends: the row says the peer paused it, Pause and Resume are off, Cancel ends it on
// both sides.
void TestTransfersUi::peersPauseLeavesOnlyCancel()
{
    m_client->files()->applyLimits(256 * 1024, 0, 0);
    const QString bobInbox = m_dir->filePath(u"bob-inbox"_s);
    connect(m_bob->files(), &FileTransfers::offerReceived, this,
            [this, bobInbox](const FileTransfers::Info &info) { m_bob->files()->accept(info.tid, bobInbox); });
    QSignalSpy bobProgress(m_bob->files(), &FileTransfers::progressed);
    QSignalSpy bobFailed(m_bob->files(), &FileTransfers::failed);
    m_controller->setActiveConversation(u"bob"_s);
    m_window->sendFile(writeFile(u"out.bin"_s, 2 * 1024 * 1024));
    QCOMPARE(model()->rowCount(), 1);
    QTRY_VERIFY(!bobProgress.isEmpty());
    const QString tid = model()->tidAt(0);
    QVERIFY(m_bob->files()->pause(tid));
    QTRY_COMPARE(model()->stateAt(0), TransfersModel::State::Paused);
    QCOMPARE(model()->index(0).data(TransfersModel::PausedByRole).value<FileTransfers::PausedBy>(),
             FileTransfers::PausedBy::Peer);
    const QString status = model()->index(0).data(TransfersModel::StatusTextRole).toString();
    QVERIFY2(status.contains(u"bob paused"_s), qPrintable(status));
    m_window->transfersPanel()->selectRow(0);
    QVERIFY(!button("pauseButton")->isEnabled());
    QVERIFY(!button("resumeButton")->isEnabled()); // bob's pause is bob's to resume
    QVERIFY(!model()->resume(0));
    QVERIFY(button("cancelButton")->isEnabled());
    QTest::mouseClick(button("cancelButton"), Qt::LeftButton);
    QCOMPARE(model()->stateAt(0), TransfersModel::State::Cancelled);
    QTRY_COMPARE(bobFailed.size(), 1);
    QCOMPARE(bobFailed.at(0).at(0).value<FileTransfers::Info>().state, FileTransfers::State::Cancelled);
    QVERIFY(!QDir(bobInbox).exists() || QDir(bobInbox).entryList(QDir::Files | QDir::Hidden).isEmpty());
}

void TestTransfersUi::offerIsAnItemOfItsConversation()
{
    // Shown while another conversation is open: the item waits in bob's, and only there.
    const QString path = writeFile(u"report.pdf"_s, 5000);
    const QString tid = m_bob->files()->offer(u"me"_s, path);
    QVERIFY(!tid.isEmpty());
    QTRY_VERIFY(itemRow(u"bob"_s, tid) >= 0);
    QCOMPARE(conversation(QString())->rowOfTransfer(tid), -1);
    const QModelIndex item = conversation(u"bob"_s)->index(itemRow(u"bob"_s, tid));
    QCOMPARE(item.data(ConversationModel::TransferNameRole).toString(), u"report.pdf"_s);
    QCOMPARE(item.data(ConversationModel::OutgoingRole).toBool(), false);
    QCOMPARE(item.data(ConversationModel::FromRole).toString(), u"bob"_s);
    QCOMPARE(itemState(u"bob"_s, tid), TransferItem::State::Offered);
    QCOMPARE(TransferItem::Actions(item.data(ConversationModel::TransferActionsRole).toInt()),
             TransferItem::Actions(TransferItem::Accept) | TransferItem::Decline);
    const QString details = item.data(ConversationModel::TransferDetailsRole).toString();
    QVERIFY2(details.contains(TransfersModel::formatBytes(5000)) && details.contains(u"PDF"_s), qPrintable(details));
    QVERIFY(!itemWidget(tid)); // not the conversation shown

    // Opening bob's conversation shows the item with its name, details and both buttons.
    m_controller->setActiveConversation(u"bob"_s);
    QTRY_VERIFY(itemWidget(tid));
    QCOMPARE(itemWidget(tid)->findChild<QLabel *>(u"transferName"_s)->text(), u"report.pdf"_s);
    QCOMPARE(itemWidget(tid)->findChild<QLabel *>(u"transferDetails"_s)->text(), details);
    QTRY_VERIFY(itemButton(tid, "acceptTransferButton")->isVisible());
    QVERIFY(itemButton(tid, "declineTransferButton")->isVisible());
    QVERIFY(!itemButton(tid, "openTransferButton")->isVisible());
    QVERIFY(itemButton(tid, "acceptTransferButton")->accessibleName().contains(u"report.pdf"_s));
    QVERIFY(itemButton(tid, "declineTransferButton")->accessibleName().contains(u"report.pdf"_s));

    // A second offer while the conversation is shown gets its widget at once, below the first.
    const QString second = m_bob->files()->offer(u"me"_s, writeFile(u"b.txt"_s, 10));
    QTRY_VERIFY(itemWidget(second));
    QCOMPARE(itemRow(u"bob"_s, second), itemRow(u"bob"_s, tid) + 1);
    // Not a message: the history has none of it.
    QCOMPARE(conversation(u"bob"_s)->index(itemRow(u"bob"_s, tid)).data(ConversationModel::IdRole).toLongLong(), 0);
}

void TestTransfersUi::acceptInTheConversationSavesTheFile()
{
    m_controller->setActiveConversation(u"bob"_s);
    const QString path = writeFile(u"photo.jpg"_s, 300 * 1024 + 7);
    QSignalSpy bobDone(m_bob->files(), &FileTransfers::finished);
    QString title;
    QWidget *dialogParent = nullptr;
    m_window->transfersPanel()->setDirectoryPicker([&](QWidget *parent, const QString &t) {
        title = t;
        dialogParent = parent;
        return m_inbox;
    });
    const QString tid = m_bob->files()->offer(u"me"_s, path);
    QTRY_VERIFY(itemButton(tid, "acceptTransferButton") && itemButton(tid, "acceptTransferButton")->isVisible());
    QTest::mouseClick(itemButton(tid, "acceptTransferButton"), Qt::LeftButton);
    QVERIFY(title.contains(u"photo.jpg"_s)); // the dock's picker, asked the same way
    QCOMPARE(dialogParent, m_window.get()); // over the window: the dock may be hidden
    QTRY_COMPARE(itemState(u"bob"_s, tid), TransferItem::State::Received);
    QTRY_COMPARE(bobDone.size(), 1);
    const QString saved = QDir(m_inbox).filePath(u"photo.jpg"_s);
    QCOMPARE(sha256(saved), sha256(path));
    // The dock says the same, and the item shows the outcome with Open instead of the answers.
    QCOMPARE(model()->stateAt(model()->rowOf(tid)), TransfersModel::State::Done);
    QTRY_VERIFY(itemButton(tid, "openTransferButton")->isVisible());
    QVERIFY(!itemButton(tid, "acceptTransferButton")->isVisible());
    QVERIFY(!itemButton(tid, "declineTransferButton")->isVisible());
    QCOMPARE(itemStatus(tid), TransferItem::tr("Received."));
    FileCatcher catcher;
    QDesktopServices::setUrlHandler(u"file"_s, &catcher, "open");
    QTest::mouseClick(itemButton(tid, "openTransferButton"), Qt::LeftButton);
    QDesktopServices::unsetUrlHandler(u"file"_s);
    QCOMPARE(catcher.opened, QList<QUrl>({ QUrl::fromLocalFile(QFileInfo(saved).absoluteFilePath()) }));
}

void TestTransfersUi::declineInTheConversationTellsTheSender()
{
    m_controller->setActiveConversation(u"bob"_s);
    QSignalSpy bobFailed(m_bob->files(), &FileTransfers::failed);
    const QString tid = m_bob->files()->offer(u"me"_s, writeFile(u"unwanted.zip"_s, 4000));
    QTRY_VERIFY(itemButton(tid, "declineTransferButton") && itemButton(tid, "declineTransferButton")->isVisible());
    QTest::mouseClick(itemButton(tid, "declineTransferButton"), Qt::LeftButton);
    QTRY_COMPARE(bobFailed.size(), 1);
    const auto info = bobFailed.at(0).at(0).value<FileTransfers::Info>();
    QVERIFY(info.declined);
    QVERIFY2(info.error.contains(u"declined"_s), qPrintable(info.error));
    QCOMPARE(itemState(u"bob"_s, tid), TransferItem::State::Declined);
    QCOMPARE(itemStatus(tid), TransferItem::tr("You declined it."));
    QVERIFY(!itemButton(tid, "acceptTransferButton")->isVisible());
    QVERIFY(!itemButton(tid, "declineTransferButton")->isVisible());
    QCOMPARE(model()->stateAt(model()->rowOf(tid)), TransfersModel::State::Cancelled);
    QVERIFY(QDir(m_inbox).entryList(QDir::Files | QDir::Hidden).isEmpty());
}

void TestTransfersUi::dockAnswersShowInTheConversation()
{
    m_controller->setActiveConversation(u"bob"_s);
    // Accepted in the dock: the item follows, through receiving, to received.
    const QString path = writeFile(u"dock.bin"_s, 100 * 1024);
    const QString tid = m_bob->files()->offer(u"me"_s, path);
    QTRY_VERIFY(itemButton(tid, "acceptTransferButton") && itemButton(tid, "acceptTransferButton")->isVisible());
    QTRY_COMPARE(m_window->transfersPanel()->selectedRow(), model()->rowOf(tid));
    QTest::mouseClick(button("acceptButton"), Qt::LeftButton);
    QTRY_VERIFY(!itemButton(tid, "acceptTransferButton")->isVisible());
    QTRY_COMPARE(itemState(u"bob"_s, tid), TransferItem::State::Received);
    QCOMPARE(sha256(QDir(m_inbox).filePath(u"dock.bin"_s)), sha256(path));
    QTRY_VERIFY(itemButton(tid, "openTransferButton")->isVisible());

    // Declined in the dock.
    const QString declined = m_bob->files()->offer(u"me"_s, writeFile(u"no.bin"_s, 100));
    QTRY_COMPARE(m_window->transfersPanel()->selectedRow(), model()->rowOf(declined));
    QTRY_VERIFY(itemWidget(declined));
    QTest::mouseClick(button("declineButton"), Qt::LeftButton);
    QTRY_COMPARE(itemState(u"bob"_s, declined), TransferItem::State::Declined);
    QTRY_VERIFY(!itemButton(declined, "declineTransferButton")->isVisible());

    // Cancelled by the sender before anyone answered: the answers go, the item says who.
    const QString cancelled = m_bob->files()->offer(u"me"_s, writeFile(u"gone.bin"_s, 100));
    QTRY_VERIFY(itemButton(cancelled, "acceptTransferButton") && itemButton(cancelled, "acceptTransferButton")->isVisible());
    QVERIFY(m_bob->files()->cancel(cancelled));
    QTRY_COMPARE(itemState(u"bob"_s, cancelled), TransferItem::State::Cancelled);
    QTRY_VERIFY(!itemButton(cancelled, "acceptTransferButton")->isVisible());
    QVERIFY2(itemStatus(cancelled).contains(u"bob"_s), qPrintable(itemStatus(cancelled)));
    QCOMPARE(model()->stateAt(model()->rowOf(cancelled)), TransfersModel::State::Cancelled);

    // Answered by the policy (a verified peer's file saved unasked): the item shows it received.
    verifyBobAndSetPolicy(IncomingFilesPolicy::Mode::AcceptVerified);
    const QString automatic = m_bob->files()->offer(u"me"_s, writeFile(u"auto.txt"_s, 2000));
    QTRY_COMPARE(itemState(u"bob"_s, automatic), TransferItem::State::Received);
    QTRY_VERIFY(itemButton(automatic, "openTransferButton") && itemButton(automatic, "openTransferButton")->isVisible());
}

void TestTransfersUi::ownOffersAreItemsOfTheConversation()
{
    m_controller->setActiveConversation(u"bob"_s);
    QTRY_VERIFY(m_window->findChild<QAction *>(u"actionSendFile"_s)->isEnabled());
    QSignalSpy offers(m_bob->files(), &FileTransfers::offerReceived);
    QSignalSpy bobDone(m_bob->files(), &FileTransfers::finished);
    const QString path = writeFile(u"mine.dat"_s, 80000);
    m_window->sendFile(path);
    QTRY_COMPARE(offers.size(), 1);
    const QString tid = offers.at(0).at(0).value<FileTransfers::Info>().tid;
    // Waiting for bob's answer, with Cancel, on one's own side of the conversation.
    QVERIFY(itemRow(u"bob"_s, tid) >= 0);
    QCOMPARE(itemRow(u"bob"_s, tid), conversation(u"bob"_s)->rowCount() - 1);
    QVERIFY(conversation(u"bob"_s)->index(itemRow(u"bob"_s, tid)).data(ConversationModel::OutgoingRole).toBool());
    QCOMPARE(itemState(u"bob"_s, tid), TransferItem::State::Waiting);
    QTRY_VERIFY(itemWidget(tid));
    QTRY_VERIFY(itemButton(tid, "cancelTransferButton")->isVisible());
    QVERIFY(!itemButton(tid, "acceptTransferButton")->isVisible());
    QVERIFY2(itemStatus(tid).contains(u"bob"_s), qPrintable(itemStatus(tid)));
    auto *view = child<QListView>("messageView");
    const int waitingHeight = view->visualRect(conversation(u"bob"_s)->index(itemRow(u"bob"_s, tid))).height();

    // Bob takes it: sent, the same bytes.
    QVERIFY(m_bob->files()->accept(tid, m_inbox));
    QTRY_COMPARE(bobDone.size(), 1);
    QTRY_COMPARE(itemState(u"bob"_s, tid), TransferItem::State::Sent);
    QCOMPARE(sha256(QDir(m_inbox).filePath(u"mine.dat"_s)), sha256(path));
    QTRY_VERIFY(!itemButton(tid, "cancelTransferButton")->isVisible());
    // Without buttons the item is its words only: smaller, and its widget still fits in its row.
    const QModelIndex sent = conversation(u"bob"_s)->index(itemRow(u"bob"_s, tid));
    QTRY_VERIFY(view->visualRect(sent).height() < waitingHeight);
    QTRY_VERIFY(view->visualRect(sent).contains(itemWidget(tid)->geometry()));

    // The next one bob declines: the item says so.
    m_window->sendFile(writeFile(u"second.dat"_s, 100));
    QTRY_COMPARE(offers.size(), 2);
    const QString refused = offers.at(1).at(0).value<FileTransfers::Info>().tid;
    QVERIFY(m_bob->files()->decline(refused));
    QTRY_COMPARE(itemState(u"bob"_s, refused), TransferItem::State::Declined);
    QTRY_COMPARE(itemStatus(refused), TransferItem::tr("%1 declined it.").arg(u"bob"_s));
}

void TestTransfersUi::itemButtonsAreReachableByKeyboard()
{
    m_controller->setActiveConversation(u"bob"_s);
    const QString tid = m_bob->files()->offer(u"me"_s, writeFile(u"keys.txt"_s, 300));
    QTRY_VERIFY(itemButton(tid, "acceptTransferButton") && itemButton(tid, "acceptTransferButton")->isVisible());
    QPushButton *accept = itemButton(tid, "acceptTransferButton");
    // Tab from the conversation reaches the item's Accept; Space presses it.
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    child<QListView>("messageView")->setFocus();
    QTRY_VERIFY(child<QListView>("messageView")->hasFocus());
    for (int i = 0; i < 60 && QApplication::focusWidget() != accept; ++i) {
        QVERIFY(QApplication::focusWidget());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    }
    QCOMPARE(QApplication::focusWidget(), accept);
    QTest::keyClick(accept, Qt::Key_Space);
    QTRY_COMPARE(itemState(u"bob"_s, tid), TransferItem::State::Received);
}

// What the app sends, paused and resumed with the item's own buttons: bob hears who paused it, only the side that
// paused has Resume, and the file arrives whole.
void TestTransfersUi::pauseAndResumeInTheConversation()
{
    m_client->files()->applyLimits(256 * 1024, 0, 0); // relayed at about 200 KiB/s: 2 MiB take about 10 s
    const QString bobInbox = m_dir->filePath(u"bob-inbox"_s);
    connect(m_bob->files(), &FileTransfers::offerReceived, this,
            [this, bobInbox](const FileTransfers::Info &info) { m_bob->files()->accept(info.tid, bobInbox); });
    QSignalSpy bobProgress(m_bob->files(), &FileTransfers::progressed);
    QSignalSpy bobPaused(m_bob->files(), &FileTransfers::paused);
    QSignalSpy bobResumed(m_bob->files(), &FileTransfers::resumed);
    QSignalSpy bobDone(m_bob->files(), &FileTransfers::finished);
    m_controller->setActiveConversation(u"bob"_s);
    const QString path = writeFile(u"paused.bin"_s, 2 * 1024 * 1024);
    m_window->sendFile(path);
    const QString tid = model()->tidAt(0);
    QTRY_VERIFY(!bobProgress.isEmpty());
    QTRY_COMPARE(itemState(u"bob"_s, tid), TransferItem::State::Sending);
    QTRY_VERIFY(itemButton(tid, "pauseTransferButton") && itemButton(tid, "pauseTransferButton")->isVisible());
    QVERIFY(!itemButton(tid, "resumeTransferButton")->isVisible());

    QTest::mouseClick(itemButton(tid, "pauseTransferButton"), Qt::LeftButton);
    QTRY_COMPARE(itemState(u"bob"_s, tid), TransferItem::State::Paused);
    QTRY_VERIFY2(itemStatus(tid).startsWith(u"Paused by you"_s), qPrintable(itemStatus(tid)));
    QTRY_VERIFY(itemButton(tid, "resumeTransferButton")->isVisible());
    QVERIFY(!itemButton(tid, "pauseTransferButton")->isVisible());
    QTRY_COMPARE(bobPaused.size(), 1);
    QCOMPARE(bobPaused.at(0).at(0).value<FileTransfers::Info>().pausedBy, FileTransfers::PausedBy::Peer);

    QTest::mouseClick(itemButton(tid, "resumeTransferButton"), Qt::LeftButton);
    QTRY_COMPARE(bobResumed.size(), 1);
    m_client->files()->applyLimits(0, 0, 0); // the rest as fast as it goes
    QTRY_COMPARE(bobDone.size(), 1);
    QTRY_COMPARE(itemState(u"bob"_s, tid), TransferItem::State::Sent);
    QCOMPARE(sha256(QDir(bobInbox).filePath(u"paused.bin"_s)), sha256(path));
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
