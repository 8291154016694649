// The rough edges of issue 16 (part 7), each pinned: "Connect to peer" only for online peers and a decline's reason
// shown; Kick and Ban never on the host's own row and only once confirmed, a ban from this computer by id only,
// "Kick from my hub" only on the hosted hub; connection requests queued and each answered. Offscreen, a real hub on
// loopback.
#include "appwindowfixture.h"
#include "app/appsettings.h"
#include "app/chatcontroller.h"
#include "app/conversationmodel.h"
#include "app/dialogs.h"
#include "app/errortext.h"
#include "app/hostingconfig.h"
#include "app/hubhost.h"
#include "app/hubpanel.h"
#include "app/languagemanager.h"
#include "app/mainwindow.h"
#include "hub/hub.h"

#include <QAction>
#include <QDir>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestRoughEdges : public QObject, protected Test::AppWindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void connectToPeerOnlyForOnlinePeers();
    void declineReasonIsShown();
    void declineReasonWording_data();
    void declineReasonWording();
    void secondConnectRequestIsQueuedAndEachAnswered();
    void kickAndBanNeverOnTheOwnRowAndConfirmed();
    void banFromThisComputerBansTheIdOnly();
    void kickFromMyHubActsOnTheHostedHubOnly();
    void socketErrorsInWords_data();
    void socketErrorsInWords();
    void reconnectingSaysWhyInWords();
    void deliveredAtIsTheDeliveryTime();
    void pluralsUnderTheCLocale();
    void tlsFilesHaveBrowseButtons();
    void bansAreKeptAndCanBeLifted();

private:
    void joinTestHub();
    void hostAndJoin();
    void selectPeer(const QString &id);
};

void TestRoughEdges::init()
{
    QVERIFY(setUpApp());
}

void TestRoughEdges::cleanup()
{
    tearDownApp();
}

void TestRoughEdges::joinTestHub()
{
    QSignalSpy joined(m_client.get(), &PeerClient::joined);
    m_window->connectToHub(m_hub->serverUrl(), u"me"_s, QString(), QString());
    QVERIFY(joined.wait());
}

void TestRoughEdges::hostAndJoin()
{
    QVERIFY(m_window->startHosting());
    QTRY_VERIFY(m_client->isJoined());
    QTRY_COMPARE(m_window->hubPanel()->peersModel()->rowCount(), 1);
}

void TestRoughEdges::selectPeer(const QString &id)
{
    auto *list = child<QListView>("peerList");
    list->setCurrentIndex(m_controller->peerModel()->indexOf(id));
    QCOMPARE(m_controller->activeConversation(), id);
}

void TestRoughEdges::connectToPeerOnlyForOnlinePeers()
{
    joinTestHub();
    auto bob = joinedPeer(m_hub->serverUrl(), u"bob"_s);
    QVERIFY(bob);
    bob->sendMessage(u"me"_s, u"hello"_s); // a conversation keeps bob in the list once he is gone
    QTRY_VERIFY(m_controller->peerModel()->isOnline(u"bob"_s));
    QTRY_COMPARE(m_controller->conversation(u"bob"_s)->rowCount(), 1);
    selectPeer(u"bob"_s);
    auto *connectToPeer = child<QAction>("actionConnectToPeer");
    QVERIFY(connectToPeer->isEnabled());

    bob->disconnectFromHub();
    QTRY_VERIFY(!m_controller->peerModel()->isOnline(u"bob"_s));
    QVERIFY(m_controller->peerModel()->contains(u"bob"_s));
    QTRY_VERIFY(!connectToPeer->isEnabled());
    QVERIFY(!m_controller->canConnectToPeer(u"bob"_s));
    QSignalSpy errors(m_controller.get(), &ChatController::errorReported);
    QVERIFY(!m_controller->connectToPeer(u"bob"_s)); // nothing asked, so no "not delivered" either
    connectToPeer->trigger();
    QCoreApplication::processEvents();
    QVERIFY(errors.isEmpty());
}

void TestRoughEdges::declineReasonIsShown()
{
    joinTestHub();
    auto carol = joinedPeer(m_hub->serverUrl(), u"carol"_s);
    QVERIFY(carol);
    carol->setConnectPolicy(PeerClient::ConnectPolicy::Ask);
    QTRY_VERIFY(m_controller->peerModel()->isOnline(u"carol"_s));
    QSignalSpy asked(carol.get(), &PeerClient::connectRequested);
    QSignalSpy errors(m_controller.get(), &ChatController::errorReported);
    QVERIFY(m_controller->connectToPeer(u"carol"_s));
    QVERIFY(asked.wait());
    QVERIFY(carol->declineConnection(u"me"_s, u"on a metered line today"_s));
    QTRY_COMPARE(errors.size(), 1);
    const QString text = errors.at(0).at(0).toString();
    QVERIFY2(text.contains(u"on a metered line today"_s), qPrintable(text));
    QVERIFY2(text.contains(u"carol"_s), qPrintable(text));
}

void TestRoughEdges::declineReasonWording_data()
{
    QTest::addColumn<QString>("hubMessage");
    QTest::addColumn<QString>("expected");
    QTest::newRow("reason") << u"carol declined to connect: busy"_s
                            << u"Carol declined a direct connection (\"busy\"); messages go through the hub."_s;
    QTest::newRow("reason with colon") << u"carol declined to connect: later: busy"_s
                                       << u"Carol declined a direct connection (\"later: busy\"); messages go through "
                                          "the hub."_s;
    QTest::newRow("none") << u"carol declined to connect."_s
                          << u"Carol declined a direct connection; messages go through the hub."_s;
    QTest::newRow("empty") << QString() << u"Carol declined a direct connection; messages go through the hub."_s;
}

void TestRoughEdges::declineReasonWording()
{
    QFETCH(QString, hubMessage);
    QFETCH(QString, expected);
    QCOMPARE(describeConnectDeclined(u"Carol"_s, hubMessage), expected);
}

void TestRoughEdges::secondConnectRequestIsQueuedAndEachAnswered()
{
    m_client->setConnectPolicy(PeerClient::ConnectPolicy::Ask);
    joinTestHub();
    auto carol = joinedPeer(m_hub->serverUrl(), u"carol"_s);
    auto dave = joinedPeer(m_hub->serverUrl(), u"dave"_s);
    QVERIFY(carol && dave);
    QSignalSpy carolErrors(carol.get(), &PeerClient::errorOccurred);
    QSignalSpy daveErrors(dave.get(), &PeerClient::errorOccurred);
    auto *bar = child<QFrame>("requestBar");
    auto *label = child<QLabel>("requestLabel");
    carol->connectToPeer(u"me"_s);
    QTRY_VERIFY(bar->isVisible());
    dave->connectToPeer(u"me"_s);
    QTRY_COMPARE(m_controller->pendingConnectRequests(), QStringList({ u"carol"_s, u"dave"_s }));
    // The first request stays shown; the second waits behind it.
    QVERIFY2(label->text().contains(u"carol"_s), qPrintable(label->text()));
    QVERIFY2(label->text().contains(u"1 more"_s), qPrintable(label->text()));

    QTest::mouseClick(child<QPushButton>("declineButton"), Qt::LeftButton);
    QVERIFY(carolErrors.wait());
    QCOMPARE(carolErrors.at(0).at(0).value<ClientError>().codeName, u"connect_declined"_s);
    QVERIFY(bar->isVisible());
    QVERIFY2(label->text().contains(u"dave"_s), qPrintable(label->text()));
    QVERIFY(!label->text().contains(u"more"_s));

    QTest::mouseClick(child<QPushButton>("declineButton"), Qt::LeftButton);
    QVERIFY(daveErrors.wait());
    QCOMPARE(daveErrors.at(0).at(0).value<ClientError>().codeName, u"connect_declined"_s);
    QVERIFY(!bar->isVisible());
    QVERIFY(m_controller->pendingConnectRequests().isEmpty());
}

void TestRoughEdges::kickAndBanNeverOnTheOwnRowAndConfirmed()
{
    hostAndJoin();
    HubPanel *panel = m_window->hubPanel();
    auto *kick = panel->findChild<QPushButton *>(u"kickButton"_s);
    auto *ban = panel->findChild<QPushButton *>(u"banButton"_s);
    panel->selectPeer(u"me"_s);
    QCOMPARE(panel->selectedPeer(), u"me"_s);
    QVERIFY(!kick->isEnabled());
    QVERIFY(!ban->isEnabled());
    panel->confirmKick(u"me"_s);
    QVERIFY(!panel->findChild<QMessageBox *>(u"confirmKick"_s));

    auto guest = joinedPeer(m_host->localUrl(), u"guest"_s);
    QVERIFY(guest);
    QTRY_COMPARE(panel->peersModel()->rowCount(), 2);
    panel->selectPeer(u"guest"_s);
    QVERIFY(kick->isEnabled());
    QVERIFY(ban->isEnabled());

    // Cancel keeps the guest.
    QTest::mouseClick(kick, Qt::LeftButton);
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = panel->findChild<QMessageBox *>(u"confirmKick"_s)) != nullptr);
    QVERIFY(guest->isJoined());
    box->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(!panel->findChild<QMessageBox *>(u"confirmKick"_s));
    QCOMPARE(panel->peersModel()->rowCount(), 2);
    QVERIFY(guest->isJoined());

    // Confirmed, it acts.
    QSignalSpy gone(guest.get(), &PeerClient::disconnected);
    QTest::mouseClick(kick, Qt::LeftButton);
    QTRY_VERIFY((box = panel->findChild<QMessageBox *>(u"confirmKick"_s)) != nullptr);
    box->button(QMessageBox::Yes)->click();
    QVERIFY(gone.wait());
    QTRY_COMPARE(panel->peersModel()->rowCount(), 1);
    QVERIFY(m_client->isJoined());
}

void TestRoughEdges::banFromThisComputerBansTheIdOnly()
{
    hostAndJoin();
    HubPanel *panel = m_window->hubPanel();
    auto pest = joinedPeer(m_host->localUrl(), u"pest"_s);
    QVERIFY(pest);
    QTRY_COMPARE(panel->peersModel()->rowCount(), 2);
    panel->selectPeer(u"pest"_s);
    QSignalSpy banned(m_host.get(), &HubHost::banDone);
    QSignalSpy gone(pest.get(), &PeerClient::disconnected);
    QTest::mouseClick(panel->findChild<QPushButton *>(u"banButton"_s), Qt::LeftButton);
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = panel->findChild<QMessageBox *>(u"confirmBan"_s)) != nullptr);
    box->button(QMessageBox::Yes)->click();
    QVERIFY(gone.wait());
    QTRY_COMPARE(banned.size(), 1);
    QCOMPARE(banned.at(0).at(0).toString(), u"pest"_s);
    QCOMPARE(banned.at(0).at(1).toString(), QString()); // by id only
    auto *notice = panel->findChild<QLabel *>(u"noticeLabel"_s);
    QVERIFY2(notice->text().contains(u"id only"_s), qPrintable(notice->text()));

    // The host's own client stays, and others on this computer can still join; the banned id cannot.
    QVERIFY(m_client->isJoined());
    auto friendly = joinedPeer(m_host->localUrl(), u"friendly"_s);
    QVERIFY(friendly);
    PeerClient again;
    QSignalSpy againErrors(&again, &PeerClient::errorOccurred);
    QVERIFY(again.connectToHub(m_host->localUrl(), u"pest"_s));
    QTRY_VERIFY(!againErrors.isEmpty());
    QCOMPARE(againErrors.at(0).at(0).value<ClientError>().codeName, u"banned"_s);
    QVERIFY(!again.isJoined());
    QVERIFY(m_client->isJoined());
}

void TestRoughEdges::kickFromMyHubActsOnTheHostedHubOnly()
{
    hostAndJoin();
    auto bobHere = joinedPeer(m_host->localUrl(), u"bob"_s);
    QVERIFY(bobHere);
    QTRY_VERIFY(m_controller->peerModel()->isOnline(u"bob"_s));
    QTRY_COMPARE(m_host->peers().size(), 2);
    auto *kick = child<QAction>("actionKick");
    selectPeer(u"bob"_s);
    QTRY_VERIFY(kick->isEnabled()); // on the hosted hub, a guest can be kicked

    // The client moves to another hub where a different "bob" is: the hosted hub's bob is out of reach of this menu.
    auto bobThere = joinedPeer(m_hub->serverUrl(), u"bob"_s);
    QVERIFY(bobThere);
    joinTestHub();
    QTRY_VERIFY(m_controller->peerModel()->isOnline(u"bob"_s));
    QVERIFY(m_host->isRunning());
    selectPeer(u"bob"_s);
    QTRY_VERIFY(!kick->isEnabled());
    kick->trigger();
    QCoreApplication::processEvents();
    QVERIFY(!m_window->hubPanel()->findChild<QMessageBox *>(u"confirmKick"_s));
    QVERIFY(bobHere->isJoined());
    QVERIFY(bobThere->isJoined());
}

void TestRoughEdges::socketErrorsInWords_data()
{
    QTest::addColumn<QString>("socketError");
    QTest::addColumn<QString>("words");
    const QString refused = u"nothing answers at that address and port (is the hub running, and is the port right?)"_s;
    QTest::newRow("refused") << u"Connection refused"_s << refused;
    QTest::newRow("host not found") << u"Host not found"_s << u"the hub's address was not found (check the name)"_s;
    QTest::newRow("timed out") << u"Socket operation timed out"_s << u"the hub did not answer in time"_s;
    QTest::newRow("connection timed out") << u"Connection timed out"_s << u"the hub did not answer in time"_s;
    QTest::newRow("unreachable") << u"Network unreachable"_s << u"this computer has no network route to the hub"_s;
    QTest::newRow("tls") << u"Error during SSL handshake: error:0A00010B:SSL routines::wrong version number"_s
                         << u"a secure (TLS) connection to the hub could not be set up"_s;
    QTest::newRow("unknown kept") << u"Remote host closed the connection"_s << u"Remote host closed the connection"_s;
}

void TestRoughEdges::socketErrorsInWords()
{
    QFETCH(QString, socketError);
    QFETCH(QString, words);
    QCOMPARE(describeDisconnect(socketError), words);
}

void TestRoughEdges::reconnectingSaysWhyInWords()
{
    // The status bar while reconnecting said the hub's (or the socket's) own English text.
    PeerClient client;
    client.setAutoReconnect(true);
    client.setReconnectDelays(200, 400);
    ChatController controller(&client);
    QSignalSpy joined(&client, &PeerClient::joined);
    QVERIFY(controller.connectToHub(m_hub->serverUrl(), u"lonely"_s, {}));
    QVERIFY(joined.wait());
    QSignalSpy status(&controller, &ChatController::statusTextChanged);
    m_hub.reset(); // closes every connection: "hub shutting down"; the client tries again
    QTRY_VERIFY(client.reconnectAttempt() > 0);
    QStringList texts;
    for (const QList<QVariant> &args : std::as_const(status))
        texts.append(args.at(0).toString());
    QVERIFY2(texts.join(u'|').contains(u"Lost the connection: the hub is shutting down"_s), qPrintable(texts.join(u'|')));
    QVERIFY2(!texts.join(u'|').contains(u"Lost the connection: hub shutting down"_s), qPrintable(texts.join(u'|')));
    client.disconnectFromHub();
}

void TestRoughEdges::deliveredAtIsTheDeliveryTime()
{
    ConversationModel model(u"bob"_s);
    ConversationModel::Entry e;
    e.from = u"me"_s;
    e.to = u"bob"_s;
    e.text = u"sent while bob was away"_s;
    e.time = QDateTime::currentDateTimeUtc().addSecs(-3 * 3600);
    e.outgoing = true;
    e.state = ConversationModel::State::Pending;
    e.mid = u"m1"_s;
    model.append(e);
    const QString sent = QLocale().toString(e.time.toLocalTime());
    QVERIFY(model.setState(u"m1"_s, ConversationModel::State::Delivered));
    const QStringList lines = model.index(0).data(Qt::ToolTipRole).toString().split(u'\n');
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(0), u"Sent at %1"_s.arg(sent));
    QVERIFY2(lines.at(1).startsWith(u"Delivered at "_s), qPrintable(lines.at(1)));
    QVERIFY2(!lines.at(1).contains(sent), qPrintable(lines.at(1)));
    const QDateTime delivered = QLocale().toDateTime(lines.at(1).mid(int(qstrlen("Delivered at "))), QLocale::LongFormat);
    QVERIFY(!delivered.isValid() || delivered.secsTo(QDateTime::currentDateTime()) < 3600);
}

void TestRoughEdges::pluralsUnderTheCLocale()
{
    QCOMPARE(m_language->apply(u"C"_s), u"en"_s);
    QCOMPARE(QCoreApplication::translate("PeerLink::HubPanel", "%n peer(s) connected", nullptr, 2),
             u"2 peers connected"_s);
    hostAndJoin();
    auto guest = joinedPeer(m_host->localUrl(), u"guest"_s);
    QVERIFY(guest);
    auto *counters = m_window->hubPanel()->findChild<QLabel *>(u"countersLabel"_s);
    QTRY_VERIFY2(counters->text().contains(u"2 peers connected"_s), qPrintable(counters->text()));
    QVERIFY2(!counters->text().contains(u"(s)"_s), qPrintable(counters->text()));
    m_language->apply(u"en"_s);
}

void TestRoughEdges::tlsFilesHaveBrowseButtons()
{
    HostDialog dialog(m_settings.get());
    struct Asked
    {
        QWidget *parent;
        QString caption;
        QString dir;
        QString filter;
    };
    QList<Asked> asked;
    QString answer;
    dialog.setFilePicker([&](QWidget *parent, const QString &caption, const QString &dir, const QString &filter) {
        asked.append({ parent, caption, dir, filter });
        return answer;
    });
    auto *cert = dialog.findChild<QLineEdit *>(u"tlsCertEdit"_s);
    auto *key = dialog.findChild<QLineEdit *>(u"tlsKeyEdit"_s);
    auto *certBrowse = dialog.findChild<QPushButton *>(u"tlsCertBrowseButton"_s);
    auto *keyBrowse = dialog.findChild<QPushButton *>(u"tlsKeyBrowseButton"_s);
    QVERIFY(cert && key && certBrowse && keyBrowse);
    QCOMPARE(certBrowse->text(), u"Browse…"_s);

    const QString folder = m_dir->filePath(u"tls"_s);
    answer = folder + u"/hub.crt"_s;
    QTest::mouseClick(certBrowse, Qt::LeftButton);
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked.at(0).parent, &dialog);
    QVERIFY2(asked.at(0).caption.contains(u"certificate"_s), qPrintable(asked.at(0).caption));
    QVERIFY(asked.at(0).filter.contains(u"*.pem"_s));
    QCOMPARE(cert->text(), QDir::toNativeSeparators(answer));

    // The key is looked for beside the certificate.
    answer = folder + u"/hub.key"_s;
    QTest::mouseClick(keyBrowse, Qt::LeftButton);
    QCOMPARE(asked.size(), 2);
    QVERIFY2(asked.at(1).caption.contains(u"key"_s), qPrintable(asked.at(1).caption));
    QCOMPARE(asked.at(1).dir, folder);
    QCOMPARE(key->text(), QDir::toNativeSeparators(answer));

    // Cancelling keeps what was there; the certificate's picker starts in its folder.
    answer.clear();
    QTest::mouseClick(certBrowse, Qt::LeftButton);
    QCOMPARE(asked.size(), 3);
    QCOMPARE(asked.at(2).dir, folder);
    QCOMPARE(cert->text(), QDir::toNativeSeparators(folder + u"/hub.crt"_s));
}

void TestRoughEdges::bansAreKeptAndCanBeLifted()
{
    // The settings' bans reach the next start's configuration.
    m_settings->setHostBans({ { u"far"_s, u"192.0.2.7"_s } });
    HubServiceConfig config;
    QString error;
    QVERIFY2(hostingConfig(*m_settings, config, &error), qPrintable(error));
    QCOMPARE(config.hub.bannedIds, QStringList { u"far"_s });
    QCOMPARE(config.hub.bannedAddresses, QList<QHostAddress> { QHostAddress(u"192.0.2.7"_s) });
    m_settings->setHostBans({});

    hostAndJoin();
    HubPanel *panel = m_window->hubPanel();
    auto *bans = panel->findChild<QListWidget *>(u"bansList"_s);
    auto *unban = panel->findChild<QPushButton *>(u"unbanButton"_s);
    QVERIFY(bans && unban);
    QCOMPARE(bans->count(), 0);
    auto pest = joinedPeer(m_host->localUrl(), u"pest"_s);
    QVERIFY(pest);
    QTRY_COMPARE(panel->peersModel()->rowCount(), 2);
    panel->confirmBan(u"pest"_s);
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = panel->findChild<QMessageBox *>(u"confirmBan"_s)) != nullptr);
    box->button(QMessageBox::Yes)->click();
    QTRY_COMPARE(bans->count(), 1);
    QCOMPARE(m_settings->hostBans(), (QMap<QString, QString> { { u"pest"_s, QString() } }));
    QCOMPARE(bans->item(0)->text(), u"pest"_s);

    // Hosting stops and starts again: the ban is still there, and in force.
    QSignalSpy stopped(m_host.get(), &HubHost::stopped);
    m_window->stopHosting();
    QVERIFY(stopped.wait());
    QCOMPARE(bans->count(), 1);
    QVERIFY(m_window->startHosting());
    QTRY_VERIFY(m_client->isJoined());
    {
        PeerClient again;
        QSignalSpy errors(&again, &PeerClient::errorOccurred);
        QVERIFY(again.connectToHub(m_host->localUrl(), u"pest"_s));
        QTRY_VERIFY(!errors.isEmpty());
        QCOMPARE(errors.at(0).at(0).value<ClientError>().codeName, u"banned"_s);
    }

    // Unban: gone from the list and the settings, and the running hub lets the peer in at once.
    QVERIFY(!unban->isEnabled());
    bans->setCurrentRow(0);
    QVERIFY(unban->isEnabled());
    QTest::mouseClick(unban, Qt::LeftButton);
    QCOMPARE(bans->count(), 0);
    QVERIFY(m_settings->hostBans().isEmpty());
    QTRY_VERIFY(joinedPeer(m_host->localUrl(), u"pest"_s) != nullptr);
}

QTEST_MAIN(TestRoughEdges)
#include "tst_roughedges.moc"
