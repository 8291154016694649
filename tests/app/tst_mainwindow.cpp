// The main window driven like a user would: typing and Enter, the peer list, hosting from the window, the hub
// panel's kick, connection requests, and quitting while hosting. Offscreen, real sockets on loopback. The hub starts
// and stops in its own thread: the window never waits for it.
#include "appwindowfixture.h"
#include "fakesecrets.h"
#include "app/appsettings.h"
#include "app/chatcontroller.h"
#include "app/conversationmodel.h"
#include "app/dialogs.h"
#include "app/messagedelegate.h"
#include "app/passwordstore.h"
#include "app/hubhost.h"
#include "app/hubpanel.h"
#include "app/languagemanager.h"
#include "app/mainwindow.h"
#include "hub/hub.h"
#include "hub/hubsettings.h"

#include <QAction>
#include <QDockWidget>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QCheckBox>
#include <QComboBox>
#include <QSpinBox>
#include <QMenu>
#include <QToolButton>
#include <QScrollBar>
#include <QClipboard>
#include <QGuiApplication>
#include <QDesktopServices>
#include <QSystemTrayIcon>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace PeerLink;
using PeerLink::Test::FakeBackend;
using PeerLink::Test::FakeKeychain;
using namespace Qt::StringLiterals;

/// Stands in for the desktop's browser (QDesktopServices::setUrlHandler).
class UrlCatcher : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> opened;
public Q_SLOTS:
    void open(const QUrl &url) { opened.append(url); }
};

class TestMainWindow : public QObject, protected Test::AppWindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void typeEnterSendsAndPeersAppear();
    void privateConversationBothWays();
    void hostWithOneClickAndChatBothWays();
    void kickFromHubPanelRemovesThePeer();
    void connectRequestCanBeAccepted();
    void closingWhileHostingAsksFirst();
    void unreadTotalInTitle();
    void idTakenReopensConnectDialogWithWords();
    void connectDialogValidatesAndRemembers();
    void hostOverTlsWithLimits();
    void unknownCertificateIsConfirmedAndPinned();
    void hostDialogRefusesABadSettingLine();
    void stopHostingKeepsTheWindowWorking();
    void quittingWhileHostingClosesAfterTheHubStopped();
    void hubPanelCountsABurstOfMessages();
    void closingKeepsRunningInTheTrayUntilQuit();
    void trayMenuShowsHostsStopsAndQuits();
    void settingsDialogSavesEveryField();
    void invitationFillsTheConnectDialogAndPins();
    void newMessagesAreFollowedUnlessScrolledUp();
    void messageTextSelectableInTheWindow();
    void hostPasswordFromTheKeychain();
    void hostPasswordKeptNowhereIsAskedFor();
    void failedMessageCanBeSentAgainAndAnyCopied();
    void linkInAMessageOpensOnClick();

private:
    /// Joined to the test's hub as "me", with a peer "bob" there whose conversation is shown.
    std::unique_ptr<PeerClient> chatWithBob();
    /// chatWithBob(), and bob's @p text shown as the conversation's one message (null when it is not).
    std::unique_ptr<PeerClient> bobSaid(const QString &text);
};

void TestMainWindow::init()
{
    QVERIFY(setUpApp());
}

void TestMainWindow::cleanup()
{
    tearDownApp();
}

void TestMainWindow::typeEnterSendsAndPeersAppear()
{
    QSignalSpy joined(m_client.get(), &PeerClient::joined);
    m_window->connectToHub(m_hub->serverUrl(), u"me"_s, u"Me"_s, QString());
    QVERIFY(joined.wait());
    QVERIFY(child<QLabel>("connectionStatus")->text().contains(u"Connected as me"_s));

    auto *peerList = child<QListView>("peerList");
    QCOMPARE(peerList->model()->rowCount(), 1); // Everyone
    auto bob = joinedPeer(m_hub->serverUrl(), u"bob"_s);
    QVERIFY(bob);
    QTRY_COMPARE(peerList->model()->rowCount(), 2);
    QCOMPARE(peerList->model()->index(1, 0).data(PeerListModel::IdRole).toString(), u"bob"_s);

    QSignalSpy received(bob.get(), &PeerClient::messageReceived);
    typeAndEnter(u"hello bob"_s);
    QVERIFY(received.wait());
    QCOMPARE(received.at(0).at(0).value<ChatMessage>().from, u"me"_s);
    QCOMPARE(received.at(0).at(0).value<ChatMessage>().text, u"hello bob"_s);
    QVERIFY(received.at(0).at(0).value<ChatMessage>().to.isEmpty()); // the Everyone conversation broadcasts
    auto *input = child<QPlainTextEdit>("messageInput");
    QCOMPARE(input->toPlainText(), QString());

    // Shift+Enter starts a new line instead of sending.
    QTest::keyClicks(input, u"line one"_s);
    QTest::keyClick(input, Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(input, u"line two"_s);
    QCOMPARE(input->toPlainText(), u"line one\nline two"_s);
    QTest::keyClick(input, Qt::Key_Return);
    QVERIFY(received.wait());
    QCOMPARE(received.at(1).at(0).value<ChatMessage>().text, u"line one\nline two"_s);

    // Our own messages show in the conversation, delivered once the hub acked them.
    auto *view = child<QListView>("messageView");
    QCOMPARE(view->model()->rowCount(), 2);
    QTRY_COMPARE(view->model()->index(1, 0).data(ConversationModel::StateRole).value<ConversationModel::State>(),
                 ConversationModel::State::Sent);
}

void TestMainWindow::privateConversationBothWays()
{
    QSignalSpy joined(m_client.get(), &PeerClient::joined);
    m_window->connectToHub(m_hub->serverUrl(), u"me"_s, u"Me"_s, QString());
    QVERIFY(joined.wait());
    auto bob = joinedPeer(m_hub->serverUrl(), u"bob"_s);
    QVERIFY(bob);
    auto *peerList = child<QListView>("peerList");
    QTRY_COMPARE(peerList->model()->rowCount(), 2);
    peerList->setCurrentIndex(peerList->model()->index(1, 0));
    QCOMPARE(m_controller->activeConversation(), u"bob"_s);
    QVERIFY(child<QLabel>("conversationTitle")->text().contains(u"bob"_s));

    QSignalSpy received(bob.get(), &PeerClient::messageReceived);
    typeAndEnter(u"just for you"_s);
    QVERIFY(received.wait());
    QCOMPARE(received.at(0).at(0).value<ChatMessage>().to, u"bob"_s);

    bob->sendMessage(u"me"_s, u"thanks"_s);
    auto *view = child<QListView>("messageView");
    QTRY_COMPARE(view->model()->rowCount(), 2);
    QVERIFY(view->model()->index(1, 0).data(Qt::DisplayRole).toString().contains(u"thanks"_s));
}

void TestMainWindow::hostWithOneClickAndChatBothWays()
{
    child<QAction>("actionHost")->trigger();
    QVERIFY(m_host->isRunning());
    QTRY_VERIFY(m_client->isJoined());
    QCOMPARE(m_client->hubUrl(), m_host->localUrl());
    QVERIFY(m_window->hubDock()->isVisible());
    auto *table = m_window->hubPanel()->findChild<QTableView *>(u"peersTable"_s);
    QTRY_COMPARE(table->model()->rowCount(), 1);
    QVERIFY(table->model()->index(0, 0).data().toString().contains(u"hosting"_s));
    QVERIFY(!child<QAction>("actionHost")->isEnabled());
    QVERIFY(child<QAction>("actionStopHosting")->isEnabled());

    auto guest = joinedPeer(m_host->localUrl(), u"guest"_s);
    QVERIFY(guest);
    // The guest sees who hosts.
    QCOMPARE(guest->peers().size(), 1);
    QCOMPARE(guest->peers().at(0).host, true);
    QTRY_COMPARE(child<QListView>("peerList")->model()->rowCount(), 2);
    QTRY_COMPARE(table->model()->rowCount(), 2);

    guest->sendMessage(u"hi host"_s);
    auto *view = child<QListView>("messageView");
    QTRY_COMPARE(view->model()->rowCount(), 1);
    QVERIFY(view->model()->index(0, 0).data(Qt::DisplayRole).toString().contains(u"hi host"_s));

    QSignalSpy received(guest.get(), &PeerClient::messageReceived);
    typeAndEnter(u"welcome, guest"_s);
    QVERIFY(received.wait());
    QCOMPARE(received.at(0).at(0).value<ChatMessage>().text, u"welcome, guest"_s);
    QVERIFY(m_window->hubPanel()->findChild<QLabel *>(u"countersLabel"_s)->text().contains(u"2 message"_s));

    // Stopping the hub tells the guest and frees the port.
    const quint16 port = m_host->port();
    QSignalSpy guestGone(guest.get(), &PeerClient::disconnected);
    child<QAction>("actionStopHosting")->trigger();
    QVERIFY(!m_host->isRunning());
    QVERIFY(guestGone.wait());
    Hub again;
    QVERIFY(again.listen(QHostAddress::LocalHost, port));
}

void TestMainWindow::kickFromHubPanelRemovesThePeer()
{
    QVERIFY(m_window->startHosting());
    QTRY_VERIFY(m_client->isJoined());
    auto guest = joinedPeer(m_host->localUrl(), u"pest"_s);
    QVERIFY(guest);
    QTRY_VERIFY(m_controller->peerModel()->contains(u"pest"_s));
    HubPanel *panel = m_window->hubPanel();
    QTRY_COMPARE(panel->peersModel()->rowCount(), 2);
    panel->selectPeer(u"pest"_s);
    QCOMPARE(panel->selectedPeer(), u"pest"_s);
    QSignalSpy kicked(guest.get(), &PeerClient::disconnected);
    auto *kick = panel->findChild<QPushButton *>(u"kickButton"_s);
    QVERIFY(kick->isEnabled());
    QTest::mouseClick(kick, Qt::LeftButton);
    // Kicking asks first (issue 16): confirmed, it acts.
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = panel->findChild<QMessageBox *>(u"confirmKick"_s)) != nullptr);
    box->button(QMessageBox::Yes)->click();
    QVERIFY(kicked.wait());
    QTRY_VERIFY(!m_controller->peerModel()->contains(u"pest"_s));
    QTRY_COMPARE(panel->peersModel()->rowCount(), 1);
}

void TestMainWindow::connectRequestCanBeAccepted()
{
    m_client->setConnectPolicy(PeerClient::ConnectPolicy::Ask);
    QSignalSpy joined(m_client.get(), &PeerClient::joined);
    m_window->connectToHub(m_hub->serverUrl(), u"me"_s, QString(), QString());
    QVERIFY(joined.wait());
    auto carol = joinedPeer(m_hub->serverUrl(), u"carol"_s);
    QVERIFY(carol);
    auto *bar = child<QFrame>("requestBar");
    QVERIFY(!bar->isVisible());
    carol->connectToPeer(u"me"_s);
    QTRY_VERIFY(bar->isVisible());
    QVERIFY(child<QLabel>("requestLabel")->text().contains(u"carol"_s));
    QTest::mouseClick(child<QPushButton>("acceptButton"), Qt::LeftButton);
    QVERIFY(!bar->isVisible());
    QCOMPARE(m_controller->activeConversation(), u"carol"_s);
    // Accepting makes a direct link, which the peer list and the conversation title show.
    QTRY_COMPARE(carol->pathTo(u"me"_s), PeerClient::Path::Direct);
    QTRY_COMPARE(m_client->pathTo(u"carol"_s), PeerClient::Path::Direct);
    const QModelIndex row = m_controller->peerModel()->indexOf(u"carol"_s);
    QCOMPARE(row.data(PeerListModel::PathRole).value<PeerClient::Path>(), PeerClient::Path::Direct);
    QVERIFY(row.data(Qt::DisplayRole).toString().contains(u"direct"_s));
    QTRY_VERIFY(child<QLabel>("conversationTitle")->text().contains(u"direct link"_s));

    // Declining tells the asker, whose messages keep going through the hub.
    auto dave = joinedPeer(m_hub->serverUrl(), u"dave"_s);
    QVERIFY(dave);
    QSignalSpy daveErrors(dave.get(), &PeerClient::errorOccurred);
    dave->connectToPeer(u"me"_s);
    QTRY_VERIFY(bar->isVisible());
    QVERIFY(child<QLabel>("requestLabel")->text().contains(u"dave"_s));
    QTest::mouseClick(child<QPushButton>("declineButton"), Qt::LeftButton);
    QVERIFY(!bar->isVisible());
    QVERIFY(daveErrors.wait());
    QCOMPARE(daveErrors.at(0).at(0).value<ClientError>().codeName, u"connect_declined"_s);
    QCOMPARE(dave->pathTo(u"me"_s), PeerClient::Path::Relayed);
}

void TestMainWindow::closingWhileHostingAsksFirst()
{
    QVERIFY(m_window->startHosting());
    QTRY_VERIFY(m_client->isJoined());
    QVERIFY(!m_window->close());
    QVERIFY(m_window->isVisible());
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = m_window->findChild<QMessageBox *>(u"confirmQuit"_s)) != nullptr);
    QVERIFY(m_host->isRunning());
    // "Keep hosting" keeps everything as it was.
    box->button(QMessageBox::No)->click();
    QVERIFY(m_window->isVisible());
    QVERIFY(m_host->isRunning());
    QVERIFY(!m_window->close());
    QTRY_VERIFY((box = m_window->findChild<QMessageBox *>(u"confirmQuit"_s)) != nullptr);
    box->button(QMessageBox::Yes)->click();
    QTRY_VERIFY(!m_window->isVisible());
    QVERIFY(!m_host->isRunning());
}

void TestMainWindow::unreadTotalInTitle()
{
    QSignalSpy joined(m_client.get(), &PeerClient::joined);
    m_window->connectToHub(m_hub->serverUrl(), u"me"_s, QString(), QString());
    QVERIFY(joined.wait());
    auto bob = joinedPeer(m_hub->serverUrl(), u"bob"_s);
    QVERIFY(bob);
    QCOMPARE(m_window->windowTitle(), u"PeerLink"_s);
    bob->sendMessage(u"me"_s, u"one"_s);
    bob->sendMessage(u"me"_s, u"two"_s);
    QTRY_VERIFY(m_window->windowTitle().contains(u"2 unread"_s));
    auto *peerList = child<QListView>("peerList");
    peerList->setCurrentIndex(m_controller->peerModel()->indexOf(u"bob"_s));
    m_controller->setWindowActive(true);
    QTRY_COMPARE(m_window->windowTitle(), u"PeerLink"_s);
}

void TestMainWindow::idTakenReopensConnectDialogWithWords()
{
    auto holder = joinedPeer(m_hub->serverUrl(), u"me"_s);
    QVERIFY(holder);
    m_window->connectToHub(m_hub->serverUrl(), u"me"_s, QString(), QString());
    ConnectDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_window->findChild<ConnectDialog *>()) != nullptr);
    auto *error = dialog->findChild<QLabel *>(u"errorLabel"_s);
    QTRY_VERIFY(error->text().contains(u"already in use"_s));
    QVERIFY(error->isVisible());
    QTRY_COMPARE(m_client->state(), PeerClient::State::Disconnected);
    dialog->reject();
}

void TestMainWindow::connectDialogValidatesAndRemembers()
{
    ConnectDialog dialog(m_settings.get(), nullptr, m_window.get());
    dialog.show();
    auto *url = dialog.findChild<QLineEdit *>(u"hubUrlEdit"_s);
    auto *id = dialog.findChild<QLineEdit *>(u"idEdit"_s);
    auto *name = dialog.findChild<QLineEdit *>(u"nameEdit"_s);
    url->setText(m_hub->serverUrl().toString());
    id->setText(u"not valid!"_s);
    dialog.accept();
    QVERIFY(dialog.isVisible()); // refused, with a reason
    QVERIFY(!dialog.findChild<QLabel *>(u"errorLabel"_s)->text().isEmpty());
    id->setText(u"valid.id"_s);
    name->setText(u"李娜"_s);
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(m_settings->peerId(), u"valid.id"_s);
    QCOMPARE(m_settings->displayName(), u"李娜"_s);
    QCOMPARE(m_settings->hubUrl(), m_hub->serverUrl());
}

void TestMainWindow::hostOverTlsWithLimits()
{
    const QString data = QStringLiteral(PEERLINK_SOURCE_DIR "/tests/data/");
    m_settings->setHostTlsCertificate(data + u"hub-test.crt"_s);
    m_settings->setHostTlsKey(data + u"hub-test.key"_s);
    m_settings->setHostMaxPeers(5);
    m_settings->setHostMaxMessageKiB(16);
    m_settings->setHostMessagesPerSecond(20);
    m_settings->setHostMaxConnectionsPerAddress(7);
    m_settings->setHostMoreSettings(u"# any hub.conf key\nbyte-rate = 1234\nautoban-connections = 5\nreconnect-grace = 0\n"_s);
    child<QAction>("actionHost")->trigger();
    QVERIFY(m_host->isRunning());
    QTRY_COMPARE(m_host->state(), HubHost::State::Running); // it listens in its own thread
    QCOMPARE(m_host->localUrl().scheme(), u"wss"_s);
    QTRY_VERIFY(m_client->isJoined()); // its own hub's certificate is trusted without asking
    const HubConfig config = m_host->config();
    QCOMPARE(config.maxPeers, 5);
    QCOMPARE(config.maxMessageBytes, qint64(16 * 1024));
    QCOMPARE(config.messagesPerSecond, 20.0);
    QCOMPARE(config.maxConnectionsPerAddress, 7);
    QCOMPARE(config.bytesPerSecond, 1234.0);
    QCOMPARE(config.autobanConnections, 5);
    QCOMPARE(config.reconnectGraceMs, 0);
    const QString fingerprint = m_host->certificateFingerprint();
    QCOMPARE(fingerprint.count(u':'), 31);
    QVERIFY(m_window->hubPanel()->findChild<QLabel *>(u"addressesLabel"_s)->text().contains(fingerprint));
    QVERIFY(!m_window->findChild<QMessageBox *>(u"confirmCertificate"_s));
}

void TestMainWindow::unknownCertificateIsConfirmedAndPinned()
{
    const QString data = QStringLiteral(PEERLINK_SOURCE_DIR "/tests/data/");
    HubServiceConfig service;
    QVERIFY(applyHubSetting(service, u"tls-cert"_s, data + u"hub-test.crt"_s, nullptr));
    QVERIFY(applyHubSetting(service, u"tls-key"_s, data + u"hub-test.key"_s, nullptr));
    Hub tlsHub(service.hub);
    QVERIFY(tlsHub.listen());
    m_window->connectToHub(tlsHub.serverUrl(), u"me"_s, QString(), QString());
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = m_window->findChild<QMessageBox *>(u"confirmCertificate"_s)) != nullptr);
    QVERIFY(box->text().contains(tlsHub.certificateFingerprint()));
    QVERIFY(!m_window->findChild<ConnectDialog *>()); // one question, not an "unreachable" error as well
    QVERIFY(!m_client->isJoined());
    box->button(QMessageBox::Yes)->click();
    QTRY_VERIFY(m_client->isJoined());
    QCOMPARE(m_settings->pinnedFingerprint(tlsHub.serverUrl()), tlsHub.certificateFingerprint());
    // Next time, no question.
    m_window->connectToHub(tlsHub.serverUrl(), u"me"_s, QString(), QString());
    QTRY_VERIFY(m_client->isJoined());
    QVERIFY(!m_window->findChild<QMessageBox *>(u"confirmCertificate"_s));
}

void TestMainWindow::hostDialogRefusesABadSettingLine()
{
    HostDialog dialog(m_settings.get(), m_window.get());
    dialog.show();
    dialog.findChild<QPlainTextEdit *>(u"advancedEdit"_s)->setPlainText(u"byte-rate = 100\nmax-peers = lots\n"_s);
    dialog.accept();
    QVERIFY(dialog.isVisible()); // refused, and says where
    const QString error = dialog.findChild<QLabel *>(u"errorLabel"_s)->text();
    QVERIFY2(error.contains(u":2:"_s) && error.contains(u"max-peers"_s), qPrintable(error));
    QCOMPARE(m_settings->hostMoreSettings(), QString()); // nothing saved
    // A line for a setting the dialog has a field for is refused too, instead of silently winning or losing.
    dialog.findChild<QPlainTextEdit *>(u"advancedEdit"_s)->setPlainText(u"max-peers = 50\n"_s);
    dialog.accept();
    QVERIFY(dialog.isVisible());
    const QString collision = dialog.findChild<QLabel *>(u"errorLabel"_s)->text();
    QVERIFY2(collision.contains(u":1:"_s) && collision.contains(u"max-peers"_s), qPrintable(collision));
    QCOMPARE(m_settings->hostMoreSettings(), QString());
    dialog.findChild<QPlainTextEdit *>(u"advancedEdit"_s)->setPlainText(u"autoban-connections = 50\n"_s);
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(m_settings->hostMoreSettings(), u"autoban-connections = 50\n"_s);
}

void TestMainWindow::stopHostingKeepsTheWindowWorking()
{
    QVERIFY(m_window->startHosting());
    QTRY_VERIFY(m_client->isJoined());
    const quint16 port = m_host->port();
    auto guest = joinedPeer(m_host->localUrl(), u"guest"_s);
    QVERIFY(guest);
    HubPanel *panel = m_window->hubPanel();
    QTRY_COMPARE(panel->peersModel()->rowCount(), 2);

    QStringList guestHeardLeave;
    connect(guest.get(), &PeerClient::peerDisconnected, guest.get(), [&](const QString &id) { guestHeardLeave << id; });
    QSignalSpy guestGone(guest.get(), &PeerClient::disconnected);
    QSignalSpy stopped(m_host.get(), &HubHost::stopped);
    // An event of the window's thread, posted before the stop: it runs only once the stop has handed control back.
    int stoppedWhenTimerRan = -1;
    QTimer::singleShot(0, m_window.get(), [&] { stoppedWhenTimerRan = int(stopped.size()); });

    child<QAction>("actionStopHosting")->trigger();
    // Back at once: no nested loop ran the timer, and the hub is still on its way down.
    QCOMPARE(stoppedWhenTimerRan, -1);
    QCOMPARE(stopped.size(), 0);
    QVERIFY(!m_host->isRunning());
    QVERIFY(m_host->isStopping());
    QVERIFY(!child<QAction>("actionHost")->isEnabled()); // no second hub until this one is gone
    QVERIFY(panel->findChild<QLabel *>(u"statusLabel"_s)->text().contains(u"Stopping"_s));

    QVERIFY(stopped.wait());
    QCOMPARE(stoppedWhenTimerRan, 0); // the window's loop kept running while the hub shut down
    QTRY_COMPARE(guestGone.size(), 1);
    QCOMPARE(guest->lastCloseCode(), QWebSocketProtocol::CloseCodeGoingAway);
    // The app's own client left before the hub closed: the guest heard it leave.
    QCOMPARE(guestHeardLeave, QStringList { u"me"_s });
    QCOMPARE(m_client->state(), PeerClient::State::Disconnected);
    QVERIFY(child<QAction>("actionHost")->isEnabled());
    QCOMPARE(panel->peersModel()->rowCount(), 0);
    QVERIFY(panel->findChild<QLabel *>(u"statusLabel"_s)->text().contains(u"Not hosting"_s));
    // The port is free again.
    Hub again;
    QVERIFY2(again.listen(QHostAddress::LocalHost, port), qPrintable(again.errorString()));
}

void TestMainWindow::quittingWhileHostingClosesAfterTheHubStopped()
{
    QVERIFY(m_window->startHosting());
    QTRY_VERIFY(m_client->isJoined());
    auto guest = joinedPeer(m_host->localUrl(), u"guest"_s);
    QVERIFY(guest);
    QSignalSpy guestGone(guest.get(), &PeerClient::disconnected);
    QSignalSpy stopped(m_host.get(), &HubHost::stopped);
    QVERIFY(!m_window->close());
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = m_window->findChild<QMessageBox *>(u"confirmQuit"_s)) != nullptr);
    box->button(QMessageBox::Yes)->click();
    // The window stays until the hub has stopped, and does not block meanwhile.
    QVERIFY(m_window->isVisible());
    QVERIFY(m_host->isStopping());
    QVERIFY(stopped.wait());
    QTRY_VERIFY(!m_window->isVisible());
    QTRY_COMPARE(guestGone.size(), 1);
    QCOMPARE(m_host->state(), HubHost::State::Stopped);
}

void TestMainWindow::hubPanelCountsABurstOfMessages()
{
    QVERIFY(m_window->startHosting());
    QTRY_VERIFY(m_client->isJoined());
    auto guest = joinedPeer(m_host->localUrl(), u"guest"_s);
    QVERIFY(guest);
    HubPanel *panel = m_window->hubPanel();
    QTRY_COMPARE(panel->peersModel()->rowCount(), 2);
    constexpr int burst = 40;
    for (int i = 0; i < burst; ++i)
        guest->sendMessage(u"message %1"_s.arg(i));
    // The counters follow on a throttle, and its last update is not lost.
    auto *counters = panel->findChild<QLabel *>(u"countersLabel"_s);
    QTRY_VERIFY2(counters->text().contains(u"%1 message"_s.arg(burst)), qPrintable(counters->text()));
    const int row = panel->peersModel()->rowOf(u"guest"_s);
    QCOMPARE(panel->peersModel()->index(row, HubPeersModel::MessagesColumn).data().toULongLong(), quint64(burst));
    QVERIFY(counters->text().contains(u"2 peer"_s));
}

void TestMainWindow::closingKeepsRunningInTheTrayUntilQuit()
{
    // With a tray, closing the window hides it and PeerLink stays connected there; with the setting off, or with
    // Quit, it closes. (Offscreen has no tray: the test makes the icon anyway.)
    m_window->connectToHub(m_hub->serverUrl(), u"me"_s, u"Me"_s, QString());
    QTRY_VERIFY(m_client->isJoined());
    m_window->setUpTrayForTesting();
    QVERIFY(m_window->trayIcon() && m_window->trayIcon()->isVisible());
    QVERIFY(!m_window->close());
    QVERIFY(m_window->isHidden());
    QVERIFY(m_client->isJoined()); // still connected, from the tray
    m_window->show();
    m_settings->setCloseToTray(false);
    QVERIFY(m_window->close());
    QTRY_VERIFY(!m_client->isJoined());

    m_settings->setCloseToTray(true);
    QVERIFY(makeWindow());
    m_window->setUpTrayForTesting();
    m_window->connectToHub(m_hub->serverUrl(), u"me"_s, u"Me"_s, QString());
    QTRY_VERIFY(m_client->isJoined());
    child<QAction>("actionQuit")->trigger();
    QVERIFY(m_window->isHidden());
    QTRY_VERIFY(!m_client->isJoined()); // quit: it left the hub
}

void TestMainWindow::trayMenuShowsHostsStopsAndQuits()
{
    m_window->setUpTrayForTesting();
    QMenu *menu = m_window->trayIcon()->contextMenu();
    QVERIFY(menu);
    const QList<QAction *> actions = menu->actions();
    QCOMPARE(actions.size(), 5); // Show, Host, Stop hosting, a separator, Quit
    QCOMPARE(actions.at(1), child<QAction>("actionHost"));
    QCOMPARE(actions.at(2), child<QAction>("actionStopHosting"));
    QCOMPARE(actions.at(4), child<QAction>("actionQuit"));
    QVERIFY(!m_window->close()); // to the tray
    QVERIFY(m_window->isHidden());
    QCOMPARE(actions.at(0)->objectName(), u"trayShow"_s);
    actions.at(0)->trigger();
    QVERIFY(m_window->isVisible());
    // Host from the tray: the hub starts and the window joins it; Stop hosting from the tray stops it.
    actions.at(1)->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(m_host->isRunning(), 10000);
    QTRY_VERIFY(actions.at(2)->isEnabled());
    actions.at(2)->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!m_host->isRunning() && !m_host->isStopping(), 10000);
    // Translated with the rest of the window.
    m_language->apply(u"zh_CN"_s);
    QTRY_COMPARE(m_window->trayIcon()->contextMenu()->actions().at(0)->text(), u"显示 PeerLink"_s);
    m_language->apply(u"en"_s);
}

void TestMainWindow::settingsDialogSavesEveryField()
{
    child<QAction>("actionSettings")->trigger();
    auto *d = m_window->findChild<SettingsDialog *>();
    QVERIFY(d);
    d->findChild<QLineEdit *>(u"hubUrlEdit"_s)->setText(u"ws://127.0.0.1:9123"_s);
    d->findChild<QLineEdit *>(u"idEdit"_s)->setText(u"new-id"_s);
    d->findChild<QLineEdit *>(u"nameEdit"_s)->setText(u"New Name"_s);
    for (const char *name : { "hostOnLaunchCheck", "notificationsCheck", "readReceiptsCheck", "closeToTrayCheck" }) {
        auto *check = d->findChild<QCheckBox *>(QLatin1StringView(name));
        QVERIFY2(check, name);
        check->setChecked(!check->isChecked());
    }
    const bool hostOnLaunch = d->findChild<QCheckBox *>(u"hostOnLaunchCheck"_s)->isChecked();
    d->findChild<QSpinBox *>(u"retentionSpin"_s)->setValue(30);
    auto *language = d->findChild<QComboBox *>(u"languageCombo"_s);
    language->setCurrentIndex(language->findData(u"zh_CN"_s));
    d->accept();
    QCOMPARE(m_settings->hubUrl(), QUrl(u"ws://127.0.0.1:9123"_s));
    QCOMPARE(m_settings->peerId(), u"new-id"_s);
    QCOMPARE(m_settings->displayName(), u"New Name"_s);
    QCOMPARE(m_settings->hostOnLaunch(), hostOnLaunch);
    QVERIFY(!m_settings->notificationsEnabled());
    QVERIFY(!m_settings->readReceipts());
    QVERIFY(!m_settings->closeToTray());
    QCOMPARE(m_settings->historyRetentionDays(), 30);
    QCOMPARE(m_settings->language(), u"zh_CN"_s);
    // Applied at once where it matters now.
    QVERIFY(!m_client->readReceipts());
    m_language->apply(u"en"_s);
}

void TestMainWindow::invitationFillsTheConnectDialogAndPins()
{
    // Opening an invitation brings the connect dialog up with its address; accepting it pins the invitation's
    // certificate fingerprint for that address and joins.
    Invitation invitation;
    invitation.hubs = { m_hub->serverUrl() };
    invitation.fingerprint = u"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"_s;
    invitation.passwordRequired = true;
    m_window->openInvitation(invitation);
    auto *dialog = m_window->findChild<ConnectDialog *>();
    QVERIFY(dialog && dialog->isVisible());
    QCOMPARE(dialog->hubUrl(), m_hub->serverUrl());
    QVERIFY(dialog->findChild<QLabel *>(u"errorLabel"_s)->text().contains(u"password"_s));
    QVERIFY(m_settings->pinnedFingerprint(m_hub->serverUrl()).isEmpty());
    dialog->accept();
    QCOMPARE(m_settings->pinnedFingerprint(m_hub->serverUrl()), invitation.fingerprint);
    QTRY_VERIFY(m_client->isJoined());
}

std::unique_ptr<PeerClient> TestMainWindow::chatWithBob()
{
    m_window->connectToHub(m_hub->serverUrl(), u"me"_s, u"Me"_s, QString());
    auto bob = joinedPeer(m_hub->serverUrl(), u"bob"_s);
    if (!bob || !QTest::qWaitFor([this] { return m_client->isJoined() && m_controller->peerModel()->isOnline(u"bob"_s); }))
        return nullptr;
    m_controller->setActiveConversation(u"bob"_s);
    return bob;
}

void TestMainWindow::hostPasswordFromTheKeychain()
{
    // The hosted hub's password is in the keychain: hosting reads it first, and the hub wants it.
    FakeKeychain keychain;
    keychain.entries.insert(PasswordStore::hostKey(), u"from-keychain"_s);
    m_window->setSecretBackend(std::make_unique<FakeBackend>(&keychain));
    m_settings->setHostPasswordInKeychain(true);
    QVERIFY(m_window->startHosting());
    QTRY_COMPARE(m_host->state(), HubHost::State::Running);
    QCOMPARE(m_host->config().password, u"from-keychain"_s);
    QTRY_VERIFY(m_client->isJoined()); // its own client joins with it
    m_window->stopHosting();
    QTRY_COMPARE(m_host->state(), HubHost::State::Stopped);
}

void TestMainWindow::hostPasswordKeptNowhereIsAskedFor()
{
    // A password kept nowhere (no keychain, plain text not allowed): hosting asks for it instead of starting an open
    // hub.
    m_settings->setHostPasswordAsked(true);
    QVERIFY(!m_window->startHosting());
    QVERIFY(!m_host->isRunning());
    auto *dialog = m_window->findChild<HostDialog *>();
    QVERIFY(dialog && dialog->isVisible());
    QVERIFY(dialog->findChild<QLabel *>(u"errorLabel"_s)->text().contains(u"password"_s));
    dialog->findChild<QLineEdit *>(u"passwordEdit"_s)->setText(u"typed-now"_s);
    dialog->accept();
    QTRY_COMPARE(m_host->state(), HubHost::State::Running);
    QCOMPARE(m_host->config().password, u"typed-now"_s);
    m_window->stopHosting();
    QTRY_COMPARE(m_host->state(), HubHost::State::Stopped);
}

void TestMainWindow::messageTextSelectableInTheWindow()
{
    // A press on a message's text in the window lays the selectable text over it; another conversation takes it away.
    auto bob = bobSaid(u"select part of this"_s);
    QVERIFY(bob);
    auto *view = child<QListView>("messageView");
    const QModelIndex index = view->model()->index(0, 0);
    const auto *delegate = qobject_cast<MessageDelegate *>(view->itemDelegate());
    QVERIFY(delegate);
    const QRect text = delegate->geometry(viewOption(view, index), index).text;
    QTest::mousePress(view->viewport(), Qt::LeftButton, {}, text.topLeft() + QPoint(2, 4));
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, text.topLeft() + QPoint(2, 4));
    auto *field = view->viewport()->findChild<QPlainTextEdit *>(u"messageText"_s);
    QVERIFY(field && field->isVisible());
    QCOMPARE(field->toPlainText(), u"select part of this"_s);
    m_controller->setActiveConversation(QString());
    QTRY_VERIFY(!view->viewport()->findChild<QPlainTextEdit *>(u"messageText"_s)
                || !view->viewport()->findChild<QPlainTextEdit *>(u"messageText"_s)->isVisible());
}

std::unique_ptr<PeerClient> TestMainWindow::bobSaid(const QString &text)
{
    auto bob = chatWithBob();
    if (!bob)
        return nullptr;
    bob->sendMessage(u"me"_s, text);
    auto *view = child<QListView>("messageView");
    if (!QTest::qWaitFor([view] { return view->model() && view->model()->rowCount() == 1; }))
        return nullptr;
    return bob;
}

void TestMainWindow::newMessagesAreFollowedUnlessScrolledUp()
{
    auto bob = chatWithBob();
    QVERIFY(bob);
    auto *view = child<QListView>("messageView");
    auto *marker = child<QToolButton>("newMessagesButton");
    QScrollBar *bar = view->verticalScrollBar();
    for (int i = 0; i < 40; ++i)
        bob->sendMessage(u"me"_s, u"line %1"_s.arg(i));
    QTRY_COMPARE(view->model()->rowCount(), 40);
    QTRY_VERIFY(bar->maximum() > 0 && bar->value() == bar->maximum()); // followed to the bottom
    QVERIFY(marker->isHidden());
    // Scrolled up to read: a new message does not move the view, and the marker says it came.
    bar->setValue(bar->maximum() / 2);
    const int reading = bar->value();
    bob->sendMessage(u"me"_s, u"while you read"_s);
    QTRY_COMPARE(view->model()->rowCount(), 41);
    QTRY_VERIFY(marker->isVisible());
    QCOMPARE(bar->value(), reading);
    marker->click();
    QTRY_VERIFY(bar->value() == bar->maximum());
    QVERIFY(marker->isHidden());
    // One's own message always goes down to it.
    bar->setValue(0);
    typeAndEnter(u"mine"_s);
    QTRY_COMPARE(view->model()->rowCount(), 42);
    QTRY_VERIFY(bar->value() == bar->maximum());
}

void TestMainWindow::failedMessageCanBeSentAgainAndAnyCopied()
{
    auto bob = chatWithBob();
    QVERIFY(bob);
    ConversationModel *conversation = m_controller->conversation(u"bob"_s);
    ConversationModel::Entry failed;
    failed.from = u"me"_s;
    failed.text = u"lost on the way"_s;
    failed.time = QDateTime::currentDateTimeUtc();
    failed.outgoing = true;
    failed.mid = u"old-1"_s;
    failed.to = u"bob"_s;
    failed.state = ConversationModel::State::Failed;
    conversation->append(failed);
    // Any message's text can be copied; only one's own failed message can be sent again.
    auto menu = m_window->messageMenu(conversation->index(0));
    QVERIFY(menu->findChild<QAction *>(u"copyMessage"_s));
    QAction *again = menu->findChild<QAction *>(u"resendMessage"_s);
    QVERIFY(again);
    menu->findChild<QAction *>(u"copyMessage"_s)->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), u"lost on the way"_s);
    QSignalSpy got(bob.get(), &PeerClient::messageReceived);
    again->trigger();
    QVERIFY(got.wait());
    QCOMPARE(got.at(0).at(0).value<ChatMessage>().text, u"lost on the way"_s);
    QCOMPARE(conversation->rowCount(), 2); // sent as a new message
    QTRY_COMPARE(conversation->index(1).data(ConversationModel::StateRole).value<ConversationModel::State>(),
                 ConversationModel::State::Sent);
    QVERIFY(!m_window->messageMenu(conversation->index(1))->findChild<QAction *>(u"resendMessage"_s));
    QVERIFY(!m_controller->resend(u"bob"_s, 1)); // not failed: nothing to send again
}

void TestMainWindow::linkInAMessageOpensOnClick()
{
    auto bob = bobSaid(u"https://example.org/page"_s);
    QVERIFY(bob);
    auto *view = child<QListView>("messageView");
    // The desktop's browser, as the test sees it.
    UrlCatcher catcher;
    QDesktopServices::setUrlHandler(u"https"_s, &catcher, "open");
    QStyleOptionViewItem option;
    option.initFrom(view);
    option.rect = view->visualRect(view->model()->index(0, 0));
    MessageDelegate delegate;
    const QPoint onLink = delegate.geometry(option, view->model()->index(0, 0)).text.topLeft() + QPoint(4, 4);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, onLink);
    QDesktopServices::unsetUrlHandler(u"https"_s);
    QCOMPARE(catcher.opened, QList<QUrl>({ QUrl(u"https://example.org/page"_s) }));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
