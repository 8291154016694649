// The reason texts of the hub's close frames are a fixed vocabulary (docs/protocol.md "Close codes"): what a real hub
// sends for each way of ending a connection is read back as the right CloseReason, so a client can word it.
#include "core/closereason.h"
#include "hub/hub.h"
#include "rawclient.h"
#include "testmain.h"

#include <QTest>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

class TestCloseReasons : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void whatTheHubSends_data();
    void whatTheHubSends();
};

void TestCloseReasons::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("reason");
    QTest::addColumn<QString>("detail");
    QTest::newRow("left") << u"left"_s << int(CloseReason::Left) << QString();
    QTest::newRow("kick") << u"kicked by the hub"_s << int(CloseReason::Kicked) << QString();
    QTest::newRow("kick with reason") << u"kicked by the hub: spam"_s << int(CloseReason::Kicked) << u"spam"_s;
    QTest::newRow("kick look-alike") << u"kicked by the hubbub"_s << int(CloseReason::Unknown) << u"kicked by the hubbub"_s;
    QTest::newRow("banned") << u"banned"_s << int(CloseReason::Banned) << QString();
    QTest::newRow("heartbeat") << u"heartbeat timeout"_s << int(CloseReason::HeartbeatTimeout) << QString();
    QTest::newRow("shutdown") << u"hub shutting down"_s << int(CloseReason::HubShuttingDown) << QString();
    QTest::newRow("invalid") << u"too many invalid messages"_s << int(CloseReason::TooManyInvalid) << QString();
    QTest::newRow("not reading") << u"not reading (over 4096 bytes queued)"_s << int(CloseReason::NotReading) << QString();
    QTest::newRow("resumed") << u"resumed on a new connection"_s << int(CloseReason::Resumed) << QString();
    QTest::newRow("error code") << u"hub_full"_s << int(CloseReason::Refused) << u"hub_full"_s;
    QTest::newRow("other") << u"proxy restarting"_s << int(CloseReason::Unknown) << u"proxy restarting"_s;
    QTest::newRow("empty") << QString() << int(CloseReason::Unknown) << QString();
}

void TestCloseReasons::parse()
{
    QFETCH(QString, text);
    QFETCH(int, reason);
    QFETCH(QString, detail);
    const ParsedCloseReason parsed = parseCloseReason(text);
    QCOMPARE(int(parsed.reason), reason);
    QCOMPARE(parsed.detail, detail);
}

void TestCloseReasons::whatTheHubSends_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<int>("reason");
    QTest::addColumn<QString>("detail");
    QTest::newRow("leave") << u"leave"_s << int(CloseReason::Left) << QString();
    QTest::newRow("kick") << u"kick"_s << int(CloseReason::Kicked) << u"be nice"_s;
    QTest::newRow("ban") << u"ban"_s << int(CloseReason::Banned) << QString();
    QTest::newRow("invalid") << u"invalid"_s << int(CloseReason::TooManyInvalid) << QString();
    QTest::newRow("shutdown") << u"close"_s << int(CloseReason::HubShuttingDown) << QString();
    QTest::newRow("password") << u"password"_s << int(CloseReason::Refused) << u"auth_failed"_s;
    QTest::newRow("resume") << u"resume"_s << int(CloseReason::Resumed) << QString();
}

void TestCloseReasons::whatTheHubSends()
{
    QFETCH(QString, how);
    QFETCH(int, reason);
    QFETCH(QString, detail);
    HubConfig config;
    config.maxInvalidMessages = 1;
    if (how == u"password")
        config.password = u"secret"_s;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient peer;
    QVERIFY(peer.open(hub.serverUrl()));
    RawClient successor;
    if (how == u"password") {
        peer.sendJson({ { u"type"_s, u"join"_s }, { u"id"_s, u"p"_s }, { u"password"_s, u"wrong"_s } });
    } else {
        const QJsonObject welcome = peer.join(u"p"_s);
        QVERIFY(!welcome.isEmpty());
        if (how == u"leave") {
            peer.sendJson({ { u"type"_s, u"leave"_s } });
        } else if (how == u"kick") {
            QVERIFY(hub.kick(u"p"_s, u"be nice"_s));
        } else if (how == u"ban") {
            QVERIFY(hub.ban(u"p"_s));
        } else if (how == u"invalid") {
            peer.sendText(u"not json"_s);
            peer.sendText(u"still not json"_s);
        } else if (how == u"close") {
            hub.close();
        } else if (how == u"resume") {
            QVERIFY(successor.open(hub.serverUrl()));
            QVERIFY(!successor.join(u"p"_s, { { u"resume"_s, welcome.value(u"resume"_s) } }).isEmpty());
        }
    }
    QVERIFY(peer.waitClosed());
    const ParsedCloseReason parsed = parseCloseReason(peer.closeReason());
    QCOMPARE(int(parsed.reason), reason);
    QCOMPARE(parsed.detail, detail);
}

PEERLINK_TEST_MAIN(TestCloseReasons)
#include "tst_closereasons.moc"
