// The app's logic without a window: ChatController, the peer list and conversation models against a real hub,
// and the small pure helpers (command line, settings, error words, the hosted hub's words, addresses, the throttle).
#include "app/appicon.h"
#include "app/appoptions.h"
#include "app/appsettings.h"
#include "app/chatcontroller.h"
#include "app/errortext.h"
#include "app/hubtext.h"
#include "app/networkaddresses.h"
#include "app/updatethrottle.h"
#include "core/errorcode.h"
#include "hub/hub.h"

#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestAppModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void peersAppearAndDisappear();
    void offlinePeerWithConversationStays();
    void unreadCountsFollowWhatIsShown();
    void notifiesOnlyWhenWindowInactive();
    void outgoingMessageIsPendingThenDelivered();
    void failedMessagesAreMarked();
    void hostIsShown();
    void statusTextFollowsTheConnection();
    void statusSaysReconnecting();
    void iconsAreCompiledIn();
    void joinFailuresAreInWords_data();
    void joinFailuresAreInWords();
    void unreachableHubIsAJoinFailure();
    void appOptions_data();
    void appOptions();
    void settingsPersist();
    void everyErrorCodeHasWords();
    void shareableUrls();
    void leaveReasonsInWords_data();
    void leaveReasonsInWords();
    void hostingErrorsInWords_data();
    void hostingErrorsInWords();
    void disconnectReasonsInWords_data();
    void disconnectReasonsInWords();
    void kickedPeerReadsWhyInItsWords();
    void throttleCoalescesABurst();

private:
    std::unique_ptr<PeerClient> joinedPeer(const QString &id, const QString &name = QString());
    std::unique_ptr<Hub> m_hub;
    std::unique_ptr<PeerClient> m_client;
    std::unique_ptr<ChatController> m_controller;
};

void TestAppModels::init()
{
    m_hub = std::make_unique<Hub>();
    QVERIFY(m_hub->listen());
    m_client = std::make_unique<PeerClient>();
    m_controller = std::make_unique<ChatController>(m_client.get());
    QSignalSpy joined(m_client.get(), &PeerClient::joined);
    QVERIFY(m_controller->connectToHub(m_hub->serverUrl(), u"me"_s, { u"Me"_s, QString() }));
    QVERIFY(joined.wait());
}

void TestAppModels::cleanup()
{
    m_controller.reset();
    m_client.reset();
    m_hub.reset();
}

std::unique_ptr<PeerClient> TestAppModels::joinedPeer(const QString &id, const QString &name)
{
    auto c = std::make_unique<PeerClient>();
    QSignalSpy joined(c.get(), &PeerClient::joined);
    if (!c->connectToHub(m_hub->serverUrl(), id, { name, QString() }) || !joined.wait())
        return nullptr;
    return c;
}

void TestAppModels::peersAppearAndDisappear()
{
    PeerListModel *model = m_controller->peerModel();
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0).data(PeerListModel::EveryoneRole).toBool(), true);
    auto bob = joinedPeer(u"bob"_s, u"小明"_s);
    QVERIFY(bob);
    QTRY_COMPARE(model->rowCount(), 2);
    const QModelIndex row = model->indexOf(u"bob"_s);
    QCOMPARE(row.data(PeerListModel::NameRole).toString(), u"小明"_s);
    QCOMPARE(row.data(PeerListModel::OnlineRole).toBool(), true);
    QVERIFY(row.data(Qt::DisplayRole).toString().contains(u"小明"_s));
    bob.reset();
    QTRY_COMPARE(model->rowCount(), 1);
}

void TestAppModels::offlinePeerWithConversationStays()
{
    auto bob = joinedPeer(u"bob"_s);
    QVERIFY(bob);
    QTRY_VERIFY(m_controller->peerModel()->contains(u"bob"_s));
    bob->sendMessage(u"me"_s, u"remember me"_s);
    QTRY_COMPARE(m_controller->conversation(u"bob"_s)->rowCount(), 1);
    bob.reset();
    QTRY_VERIFY(!m_controller->peerModel()->isOnline(u"bob"_s));
    QVERIFY(m_controller->peerModel()->contains(u"bob"_s));
    QVERIFY(m_controller->peerModel()->indexOf(u"bob"_s).data(Qt::DisplayRole).toString().contains(u"offline"_s));
}

void TestAppModels::unreadCountsFollowWhatIsShown()
{
    QSignalSpy total(m_controller.get(), &ChatController::totalUnreadChanged);
    auto bob = joinedPeer(u"bob"_s);
    QVERIFY(bob);
    QTRY_VERIFY(m_controller->peerModel()->contains(u"bob"_s));
    m_controller->setActiveConversation(QString());
    m_controller->setWindowActive(true);

    bob->sendMessage(u"to everyone, seen at once"_s);
    QTRY_COMPARE(m_controller->conversation(QString())->rowCount(), 1);
    QCOMPARE(m_controller->unread(QString()), 0);

    bob->sendMessage(u"me"_s, u"one"_s);
    bob->sendMessage(u"me"_s, u"two"_s);
    QTRY_COMPARE(m_controller->unread(u"bob"_s), 2);
    QCOMPARE(m_controller->totalUnread(), 2);
    QCOMPARE(m_controller->peerModel()->indexOf(u"bob"_s).data(PeerListModel::UnreadRole).toInt(), 2);
    QCOMPARE(total.last().at(0).toInt(), 2);
    QCOMPARE(m_controller->conversation(u"bob"_s)->index(1).data(ConversationModel::TextRole).toString(), u"two"_s);

    m_controller->setActiveConversation(u"bob"_s);
    QCOMPARE(m_controller->unread(u"bob"_s), 0);
    QCOMPARE(m_controller->totalUnread(), 0);
    QCOMPARE(total.last().at(0).toInt(), 0);

    // With the window in the background, even the shown conversation collects unread messages.
    m_controller->setWindowActive(false);
    bob->sendMessage(u"me"_s, u"three"_s);
    QTRY_COMPARE(m_controller->unread(u"bob"_s), 1);
    m_controller->setWindowActive(true);
    QCOMPARE(m_controller->unread(u"bob"_s), 0);
}

void TestAppModels::notifiesOnlyWhenWindowInactive()
{
    QSignalSpy notes(m_controller.get(), &ChatController::notificationRequested);
    auto bob = joinedPeer(u"bob"_s, u"Bob"_s);
    QVERIFY(bob);
    m_controller->setWindowActive(true);
    bob->sendMessage(u"me"_s, u"while you look"_s);
    QTRY_COMPARE(m_controller->conversation(u"bob"_s)->rowCount(), 1);
    QCOMPARE(notes.size(), 0);
    m_controller->setWindowActive(false);
    bob->sendMessage(u"me"_s, u"while you are away"_s);
    QTRY_COMPARE(notes.size(), 1);
    QCOMPARE(notes.at(0).at(0).toString(), u"Bob"_s);
    QCOMPARE(notes.at(0).at(1).toString(), u"while you are away"_s);
    m_controller->setNotificationsEnabled(false);
    bob->sendMessage(u"me"_s, u"quietly"_s);
    QTRY_COMPARE(m_controller->conversation(u"bob"_s)->rowCount(), 3);
    QCOMPARE(notes.size(), 1);
}

void TestAppModels::outgoingMessageIsPendingThenDelivered()
{
    auto bob = joinedPeer(u"bob"_s);
    QVERIFY(bob);
    QTRY_VERIFY(m_controller->peerModel()->isOnline(u"bob"_s));
    QSignalSpy received(bob.get(), &PeerClient::messageReceived);
    m_controller->setActiveConversation(u"bob"_s);
    QVERIFY(!m_controller->sendToActive(u"   "_s)); // nothing to send
    QVERIFY(m_controller->sendToActive(u"hi bob"_s));
    ConversationModel *c = m_controller->conversation(u"bob"_s);
    QCOMPARE(c->rowCount(), 1);
    QCOMPARE(c->index(0).data(ConversationModel::OutgoingRole).toBool(), true);
    QCOMPARE(c->index(0).data(ConversationModel::StateRole).value<ConversationModel::State>(),
             ConversationModel::State::Pending);
    QTRY_COMPARE(c->index(0).data(ConversationModel::StateRole).value<ConversationModel::State>(),
                 ConversationModel::State::Sent);
    QTRY_COMPARE(received.size(), 1);
    QCOMPARE(received.at(0).at(0).value<ChatMessage>().text, u"hi bob"_s);
    QCOMPARE(received.at(0).at(0).value<ChatMessage>().to, u"bob"_s); // private, not a broadcast
}

void TestAppModels::failedMessagesAreMarked()
{
    QSignalSpy errors(m_controller.get(), &ChatController::errorReported);
    // Offline peers are refused before anything is sent.
    QVERIFY(!m_controller->send(u"ghost"_s, u"boo"_s));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(m_controller->conversation(u"ghost"_s)->rowCount(), 0);
    // A peer the list still shows but the hub no longer has: the hub's peer_unavailable marks the message failed.
    m_controller->peerModel()->peerOnline(u"ghost"_s, QString(), false);
    QVERIFY(m_controller->send(u"ghost"_s, u"too late"_s));
    ConversationModel *c = m_controller->conversation(u"ghost"_s);
    QCOMPARE(c->rowCount(), 1);
    QTRY_COMPARE(c->index(0).data(ConversationModel::StateRole).value<ConversationModel::State>(),
                 ConversationModel::State::Failed);
    QCOMPARE(errors.size(), 2);
    QVERIFY(errors.at(1).at(0).toString().contains(u"not online"_s));
    QVERIFY(c->index(0).data(Qt::ToolTipRole).toString().contains(u"not online"_s));
}

void TestAppModels::hostIsShown()
{
    // A second hub whose host id is "boss": boss is marked in everyone's list.
    HubConfig config;
    config.hostId = u"boss"_s;
    Hub hub(config);
    QVERIFY(hub.listen());
    PeerClient boss, viewer;
    ChatController controller(&viewer);
    QSignalSpy bossJoined(&boss, &PeerClient::joined);
    QVERIFY(boss.connectToHub(hub.serverUrl(), u"boss"_s));
    QVERIFY(bossJoined.wait());
    QSignalSpy viewerJoined(&viewer, &PeerClient::joined);
    QVERIFY(controller.connectToHub(hub.serverUrl(), u"viewer"_s, {}));
    QVERIFY(viewerJoined.wait());
    const QModelIndex row = controller.peerModel()->indexOf(u"boss"_s);
    QCOMPARE(row.data(PeerListModel::HostRole).toBool(), true);
    QVERIFY(row.data(Qt::DisplayRole).toString().contains(u"hosting"_s));
}

void TestAppModels::statusTextFollowsTheConnection()
{
    QVERIFY(m_controller->statusText().contains(u"Connected as me"_s));
    QVERIFY(m_controller->statusText().contains(m_hub->serverUrl().toString()));
    QSignalSpy status(m_controller.get(), &ChatController::statusTextChanged);
    m_hub->close();
    QTRY_VERIFY(m_controller->statusText().startsWith(u"Disconnected"_s));
    QVERIFY(m_controller->statusText().contains(u"shutting down"_s));
    QVERIFY(!status.isEmpty());
}

void TestAppModels::statusSaysReconnecting()
{
    m_client->setAutoReconnect(true);
    m_client->setReconnectDelays(50, 200);
    const quint16 port = m_hub->serverPort();
    m_hub.reset();
    QTRY_VERIFY(m_controller->statusText().startsWith(u"Reconnecting to"_s));
    QVERIFY(m_controller->statusText().contains(u"shutting down"_s));
    // A message written while the hub is away stays pending, and is delivered once it is back.
    QVERIFY(m_controller->sendToActive(u"written while away"_s));
    ConversationModel *everyone = m_controller->conversation(QString());
    const int row = everyone->rowCount() - 1;
    QCOMPARE(everyone->index(row).data(ConversationModel::StateRole).value<ConversationModel::State>(),
             ConversationModel::State::Pending);
    m_hub = std::make_unique<Hub>();
    QVERIFY(m_hub->listen(QHostAddress::LocalHost, port));
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->statusText().startsWith(u"Connected as me"_s), 10000);
    QTRY_COMPARE(everyone->index(row).data(ConversationModel::StateRole).value<ConversationModel::State>(),
                 ConversationModel::State::Sent);
}

void TestAppModels::iconsAreCompiledIn()
{
    const QIcon icon = appIcon();
    QVERIFY(!icon.isNull());
    for (int size : { 16, 32, 48, 256 }) {
        QVERIFY(QFile::exists(u":/icons/hicolor/%1x%1/apps/peerlink.png"_s.arg(size)));
        QCOMPARE(icon.pixmap(size, size).size(), QSize(size, size));
    }
    for (const char *name : { "everyone", "online", "offline", "send", "host", "connect", "link", "settings", "kick" })
        QVERIFY2(QFile::exists(u":/icons/%1.svg"_s.arg(QLatin1StringView(name))), name);
}

void TestAppModels::joinFailuresAreInWords_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("words");
    QTest::newRow("id taken") << QString() << u"me"_s << u"already in use"_s;
    QTest::newRow("wrong password") << u"wrong"_s << u"newcomer"_s << u"Wrong hub password"_s;
}

void TestAppModels::joinFailuresAreInWords()
{
    QFETCH(QString, password);
    QFETCH(QString, id);
    QFETCH(QString, words);
    HubConfig config;
    config.password = u"right"_s;
    Hub hub(config);
    QVERIFY(hub.listen());
    PeerClient holder;
    QSignalSpy held(&holder, &PeerClient::joined);
    QVERIFY(holder.connectToHub(hub.serverUrl(), u"me"_s, { QString(), u"right"_s }));
    QVERIFY(held.wait());

    PeerClient client;
    ChatController controller(&client);
    QSignalSpy failed(&controller, &ChatController::joinFailed);
    QVERIFY(controller.connectToHub(hub.serverUrl(), id, { QString(), password.isEmpty() ? u"right"_s : password }));
    QVERIFY(failed.wait());
    QVERIFY2(failed.at(0).at(0).toString().contains(words), qPrintable(failed.at(0).at(0).toString()));
    QTRY_COMPARE(client.state(), PeerClient::State::Disconnected);
    QCOMPARE(failed.size(), 1); // one clear message, not one per event
    QVERIFY(controller.statusText().contains(words));
}

void TestAppModels::unreachableHubIsAJoinFailure()
{
    Hub probe;
    QVERIFY(probe.listen());
    const QUrl url = probe.serverUrl();
    probe.close();
    PeerClient client;
    ChatController controller(&client);
    QSignalSpy failed(&controller, &ChatController::joinFailed);
    QVERIFY(controller.connectToHub(url, u"lonely"_s, {}));
    QVERIFY(failed.wait());
    QVERIFY(failed.at(0).at(0).toString().contains(u"Could not reach the hub"_s));
}

void TestAppModels::appOptions_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("exitNow");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<bool>("host");
    QTest::newRow("nothing") << QStringList() << false << 0 << false;
    QTest::newRow("host") << QStringList { u"--host"_s } << false << 0 << true;
    QTest::newRow("host port") << QStringList { u"--host"_s, u"--port"_s, u"9100"_s } << false << 0 << true;
    QTest::newRow("hub and id") << QStringList { u"--hub"_s, u"ws://10.0.0.1:9000"_s, u"--id"_s, u"me"_s } << false << 0
                                << false;
    QTest::newRow("help") << QStringList { u"--help"_s } << true << 0 << false;
    QTest::newRow("version") << QStringList { u"--version"_s } << true << 0 << false;
    QTest::newRow("port without host") << QStringList { u"--port"_s, u"1"_s } << true << 2 << false;
    QTest::newRow("bad port") << QStringList { u"--host"_s, u"--port"_s, u"x"_s } << true << 2 << false;
    QTest::newRow("bad url") << QStringList { u"--hub"_s, u"http://x"_s } << true << 2 << false;
    QTest::newRow("several hubs") << QStringList { u"--hub"_s, u"ws://10.0.0.1:9000"_s, u"--hub"_s, u"wss://10.0.0.2:9443"_s }
                                  << false << 0 << false;
    QTest::newRow("bad url among several")
        << QStringList { u"--hub"_s, u"ws://10.0.0.1:9000"_s, u"--hub"_s, u"http://x"_s } << true << 2 << false;
    QTest::newRow("bad id") << QStringList { u"--id"_s, u"a b"_s } << true << 2 << false;
    QTest::newRow("host and hub") << QStringList { u"--host"_s, u"--hub"_s, u"ws://h:1"_s } << true << 2 << false;
    QTest::newRow("unknown option") << QStringList { u"--frobnicate"_s } << true << 2 << false;
    // Invitations: the link alone (as a desktop's handler of peerlink:// passes it), or with --hub.
    const QString link = u"peerlink://join?hub=ws%3A%2F%2F10.0.0.1%3A9000"_s;
    QTest::newRow("invitation alone") << QStringList { link } << false << 0 << false;
    QTest::newRow("invitation as --hub") << QStringList { u"--hub"_s, link } << false << 0 << false;
    QTest::newRow("bad invitation") << QStringList { u"peerlink://join?hub=http%3A%2F%2Fx"_s } << true << 2 << false;
    QTest::newRow("invitation and host") << QStringList { link, u"--host"_s } << true << 2 << false;
    QTest::newRow("two links") << QStringList { link, link } << true << 2 << false;
    QTest::newRow("not a link") << QStringList { u"ws://10.0.0.1:9000"_s } << true << 2 << false;
}

void TestAppModels::appOptions()
{
    QFETCH(QStringList, args);
    QFETCH(bool, exitNow);
    QFETCH(int, exitCode);
    QFETCH(bool, host);
    const AppOptions o = AppOptions::parse(QStringList { u"peerlink"_s } + args);
    QCOMPARE(o.exitNow, exitNow);
    QCOMPARE(o.exitCode, exitCode);
    if (exitNow)
        QVERIFY(!o.output.isEmpty());
    else
        QCOMPARE(o.host, host);
    if (args.contains(u"9100"_s))
        QCOMPARE(o.port.value_or(0), quint16(9100));
    const bool invited = !exitNow && !args.isEmpty() && args.last().startsWith(u"peerlink:"_s);
    if (!exitNow)
        QCOMPARE(o.invitation.has_value(), invited);
    if (invited) {
        QCOMPARE(o.invitation->hubs.value(0), QUrl(u"ws://10.0.0.1:9000"_s));
        QVERIFY(o.hubUrl.isEmpty());
    }
    if (exitNow && args.contains(u"http://x"_s))
        QVERIFY2(o.output.contains(u"\"http://x\""_s), qPrintable(o.output)); // the bad one is named
    if (QTest::currentDataTag() == QByteArrayView("several hubs")) {
        QCOMPARE(o.hubUrls, QList<QUrl>({ QUrl(u"ws://10.0.0.1:9000"_s), QUrl(u"wss://10.0.0.2:9443"_s) }));
        QCOMPARE(o.hubUrl, o.hubUrls.constFirst());
    }
}

void TestAppModels::settingsPersist()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"peerlink.ini"_s);
    {
        QSettings qs(file, QSettings::IniFormat);
        AppSettings s(&qs);
        QVERIFY(!s.peerId().isEmpty()); // a usable default
        s.setHubUrl(QUrl(u"ws://example.org:9000"_s));
        s.setPeerId(u"saved"_s);
        s.setDisplayName(u"王芳"_s);
        s.setPlainTextPassword(u"not remembered"_s);
        s.setHostPort(9200);
        s.setLanguage(u"zh_CN"_s);
        s.setNotificationsEnabled(false);
        s.setHostOnLaunch(true);
        s.sync();
    }
    QSettings qs(file, QSettings::IniFormat);
    AppSettings s(&qs);
    QCOMPARE(s.hubUrl(), QUrl(u"ws://example.org:9000"_s));
    QCOMPARE(s.peerId(), u"saved"_s);
    QCOMPARE(s.displayName(), u"王芳"_s);
    QCOMPARE(s.plainTextPassword(), QString()); // not stored without "remember"
    QCOMPARE(s.hostPort(), quint16(9200));
    QCOMPARE(s.language(), u"zh_CN"_s);
    QCOMPARE(s.notificationsEnabled(), false);
    QCOMPARE(s.hostOnLaunch(), true);
    s.setRememberPassword(true);
    s.setPlainTextPassword(u"kept"_s);
    QCOMPARE(s.plainTextPassword(), u"kept"_s);
}

void TestAppModels::everyErrorCodeHasWords()
{
    QSet<QString> texts;
    for (ErrorCode code : allErrorCodes()) {
        const QString text = describeHubError(errorCodeName(code), u"hub says"_s);
        QVERIFY(!text.isEmpty());
        QVERIFY2(text != errorCodeName(code) && text.contains(u' '), qPrintable(text)); // words, not codes
        texts.insert(text);
    }
    QVERIFY(texts.size() >= 10);
    QCOMPARE(describeHubError(u"future_code"_s, u"from the future"_s), u"from the future"_s);
}

void TestAppModels::shareableUrls()
{
    const QList<QHostAddress> interfaces { QHostAddress(u"127.0.0.1"_s), QHostAddress(u"192.168.1.20"_s),
                                           QHostAddress(u"::1"_s), QHostAddress(u"fe80::1"_s),
                                           QHostAddress(u"2001:db8::5"_s) };
    QCOMPARE(shareableHubUrls(QHostAddress(QHostAddress::AnyIPv4), 9000, interfaces),
             QList<QUrl>({ QUrl(u"ws://192.168.1.20:9000"_s) }));
    QCOMPARE(shareableHubUrls(QHostAddress(QHostAddress::Any), 9000, interfaces),
             QList<QUrl>({ QUrl(u"ws://192.168.1.20:9000"_s), QUrl(u"ws://[2001:db8::5]:9000"_s) }));
    QCOMPARE(shareableHubUrls(QHostAddress(u"192.168.1.20"_s), 9001, interfaces),
             QList<QUrl>({ QUrl(u"ws://192.168.1.20:9001"_s) }));
    QCOMPARE(localHubUrl(QHostAddress(QHostAddress::AnyIPv4), 9000), QUrl(u"ws://127.0.0.1:9000"_s));
    QCOMPARE(localHubUrl(QHostAddress(QHostAddress::AnyIPv6), 9000), QUrl(u"ws://[::1]:9000"_s));
    // Only loopback available: the local URL is the answer.
    QCOMPARE(shareableHubUrls(QHostAddress(QHostAddress::AnyIPv4), 9000, { QHostAddress(u"127.0.0.1"_s) }),
             QList<QUrl>({ QUrl(u"ws://127.0.0.1:9000"_s) }));
}

void TestAppModels::leaveReasonsInWords_data()
{
    QTest::addColumn<LeaveReason>("why");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QString>("words");
    QTest::newRow("left") << LeaveReason::Left << QString() << u"left the hub"_s;
    QTest::newRow("closed") << LeaveReason::Closed << QString() << u"closed the connection"_s;
    QTest::newRow("closed, with the peer's reason") << LeaveReason::Closed << u"bye"_s << u"closed the connection: bye"_s;
    QTest::newRow("connection lost") << LeaveReason::ConnectionLost << QString()
                                     << u"lost the connection and did not come back in time"_s;
    QTest::newRow("kicked") << LeaveReason::Kicked << QString() << u"kicked by the host"_s;
    QTest::newRow("kicked, with a reason") << LeaveReason::Kicked << u"spam"_s << u"kicked by the host: spam"_s;
    QTest::newRow("banned") << LeaveReason::Banned << QString() << u"banned from this hub"_s;
    QTest::newRow("heartbeat") << LeaveReason::HeartbeatTimeout << QString() << u"stopped answering the hub's heartbeat"_s;
    QTest::newRow("invalid") << LeaveReason::TooManyInvalid << QString() << u"sent too many invalid messages"_s;
    QTest::newRow("not reading") << LeaveReason::NotReading << QString()
                                 << u"stopped reading: too much was waiting for it"_s;
    QTest::newRow("too large") << LeaveReason::TooLarge << QString() << u"sent a message larger than this hub allows"_s;
    QTest::newRow("refused") << LeaveReason::Refused << QString() << u"was refused by the hub"_s;
    QTest::newRow("refused, hub full") << LeaveReason::Refused << u"the hub is full"_s
                                       << u"was refused by the hub: the hub is full"_s;
    QTest::newRow("hub shutting down") << LeaveReason::HubShuttingDown << QString() << u"the hub stopped"_s;
}

void TestAppModels::leaveReasonsInWords()
{
    QFETCH(LeaveReason, why);
    QFETCH(QString, detail);
    QFETCH(QString, words);
    QCOMPARE(describeLeaveReason(why, detail), words);
}

void TestAppModels::disconnectReasonsInWords_data()
{
    QTest::addColumn<QString>("closeReason");
    QTest::addColumn<QString>("words");
    QTest::newRow("kicked") << u"kicked by the hub"_s << u"the host removed you from the hub"_s;
    QTest::newRow("kicked, why") << u"kicked by the hub: spam"_s << u"the host removed you from the hub: spam"_s;
    QTest::newRow("banned") << u"banned"_s << u"you are banned from this hub"_s;
    QTest::newRow("heartbeat") << u"heartbeat timeout"_s << u"the hub heard nothing from this computer for too long"_s;
    QTest::newRow("shutdown") << u"hub shutting down"_s << u"the hub is shutting down"_s;
    QTest::newRow("refused") << u"hub_full"_s << u"The hub is full. Try again later."_s;
    // Issue 16: the common socket errors are worded (tst_roughedges has them all); others are kept.
    QTest::newRow("socket error worded") << u"Connection refused"_s
                                         << u"nothing answers at that address and port (is the hub running, and is "
                                            "the port right?)"_s;
    QTest::newRow("other socket error kept") << u"Remote host closed the connection"_s
                                             << u"Remote host closed the connection"_s;
}

void TestAppModels::disconnectReasonsInWords()
{
    QFETCH(QString, closeReason);
    QFETCH(QString, words);
    QCOMPARE(describeDisconnect(closeReason), words);
}

void TestAppModels::kickedPeerReadsWhyInItsWords()
{
    // The hub's close reason is English wire text; the app's status bar says it in the user's words.
    QVERIFY(m_hub->kick(u"me"_s, u"spam"_s));
    QTRY_VERIFY(m_controller->statusText().startsWith(u"Disconnected"_s));
    QVERIFY2(m_controller->statusText().contains(u"the host removed you from the hub: spam"_s),
             qPrintable(m_controller->statusText()));
    QVERIFY(!m_controller->statusText().contains(u"kicked by the hub"_s));
}

void TestAppModels::hostingErrorsInWords_data()
{
    QTest::addColumn<HubError>("error");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QString>("words");
    QTest::newRow("already listening") << HubError::AlreadyListening << u"ws://127.0.0.1:9000"_s
                                       << u"The hub is already listening: ws://127.0.0.1:9000"_s;
    QTest::newRow("no TLS") << HubError::TlsUnavailable << QString()
                            << u"TLS is not available: Qt found no TLS library (install libssl3), so the hub cannot "
                               "use the certificate."_s;
    QTest::newRow("cannot listen") << HubError::CannotListen << u"The bound address is already in use"_s
                                   << u"The hub cannot listen on that address and port (The bound address is already "
                                      "in use). Choose another port, or another address."_s;
    QTest::newRow("cannot listen, no reason") << HubError::CannotListen << QString()
                                              << u"The hub cannot listen on that address and port. Choose another "
                                                 "port, or another address."_s;
    QTest::newRow("accept failed") << HubError::AcceptFailed << u"Too many open files"_s
                                   << u"The hub could not accept a connection: Too many open files"_s;
}

void TestAppModels::hostingErrorsInWords()
{
    QFETCH(HubError, error);
    QFETCH(QString, detail);
    QFETCH(QString, words);
    QCOMPARE(describeHostingError(error, detail), words);
}

void TestAppModels::throttleCoalescesABurst()
{
    UpdateThrottle throttle(3, 20); // 3 at once, then one every 50 ms
    QSignalSpy due(&throttle, &UpdateThrottle::due);
    for (int i = 0; i < 10; ++i)
        throttle.request();
    QCOMPARE(due.size(), 3); // the burst, at once
    QVERIFY(throttle.isPending());
    QVERIFY(due.wait());
    QCOMPARE(due.size(), 4); // the other seven requests, in one update
    QVERIFY(!throttle.isPending());
}

QTEST_MAIN(TestAppModels)
#include "tst_appmodels.moc"
