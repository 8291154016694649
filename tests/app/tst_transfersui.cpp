// File transfers through the main window (issue 15, part 5), offscreen: a test peer's offer accepted with the
// Accept button (the folder picker replaced) arrives with the right SHA-256 and opens through the desktop (a catcher
// stands in); Send file… (the file picker replaced) and a dropped file reach the peer; Cancel on either side ends it.
#include "appwindowfixture.h"

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

private:
    QString writeFile(const QString &name, int bytes);
    static QByteArray sha256(const QString &path);
    TransfersModel *model() { return m_controller->transfersModel(); }
    QPushButton *button(const char *name) { return m_window->transfersPanel()->findChild<QPushButton *>(QString::fromLatin1(name)); }

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

QTEST_MAIN(TestTransfersUi)
#include "tst_transfersui.moc"
