// The hub over real loopback sockets: the tutorial's scenario on the wire, presence, routing, resume,
// administration (kick, ban, close) and listening.
#include "hub/hub.h"
#include "clientframes.h"
#include "rawclient.h"
#include "rawtcpclient.h"

#include "testmain.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

class TestHub : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tutorialScenarioOnTheWire();
    void broadcastReachesOthersNotSender();
    void broadcastAckMeansHandedToEveryoneJoinedThen();
    void spoofedFromIsReplaced();
    void chineseNamesTravel();
    void duplicateIdIsRefusedAndConnectionStaysUsable();
    void resumeTokenTakesOverTheId();
    void kickAnnouncesAndCloses();
    void banRefusesIdAndAddress();
    void closeTellsEveryPeer();
    void listenReportsPortInUse();
    void listensOnIpv6Loopback();
    void peersListForTheHost();
    void hostIsMarked();
    void welcomeCarriesTheHubsLimits_data();
    void welcomeCarriesTheHubsLimits();
    void nonAsciiMidIsDeliveredAndAcked();
    void peerLeftSaysWhy_data();
    void peerLeftSaysWhy();
    void listenErrorIsTyped();
    void resumingOnANewConnectionIsNoLeave();
    void sharedFramesKeepEachPeersOrder();
    void relayFindsTheRecipientsCurrentConnection();

private:
    static std::unique_ptr<Hub> startHub(const HubConfig &config = HubConfig());
    static std::unique_ptr<RawClient> joined(Hub &hub, const QString &id, const QJsonObject &extra = {});
};

std::unique_ptr<Hub> TestHub::startHub(const HubConfig &config)
{
    auto hub = std::make_unique<Hub>(config);
    if (!hub->listen(QHostAddress::LocalHost, 0))
        qWarning() << hub->errorString();
    return hub;
}

std::unique_ptr<RawClient> TestHub::joined(Hub &hub, const QString &id, const QJsonObject &extra)
{
    auto c = std::make_unique<RawClient>();
    if (!c->open(hub.serverUrl()) || c->join(id, extra).isEmpty())
        return nullptr;
    return c;
}

void TestHub::tutorialScenarioOnTheWire()
{
    auto hub = startHub();
    QVERIFY(hub->isListening());
    QVERIFY(hub->serverPort() != 0);
    QCOMPARE(hub->serverUrl().toString(), u"ws://127.0.0.1:%1"_s.arg(hub->serverPort()));

    RawClient node1;
    QVERIFY(node1.open(hub->serverUrl()));
    node1.sendText(uR"({"type":"join","id":"node1"})"_s);
    const QJsonObject w1 = node1.waitFor(u"welcome"_s);
    QCOMPARE(w1.value("id"_L1).toString(), u"node1"_s);
    QCOMPARE(w1.value("peers"_L1).toArray(), QJsonArray());
    QCOMPARE(w1.value("hub"_L1).toString(), u"PeerLink hub"_s);
    QCOMPARE(w1.value("version"_L1).toString(), u"peerlink/1"_s);
    QVERIFY(!w1.value("resume"_L1).toString().isEmpty());

    RawClient node2;
    QVERIFY(node2.open(hub->serverUrl()));
    node2.sendText(uR"({"type":"join","id":"node2"})"_s);
    const QJsonObject w2 = node2.waitFor(u"welcome"_s);
    QCOMPARE(w2.value("peers"_L1).toArray(), QJsonArray({ QJsonObject { { u"id"_s, u"node1"_s } } }));
    const QJsonObject pc = node1.waitFor(u"peer_connect"_s);
    QCOMPARE(pc.value("id"_L1).toString(), u"node2"_s);

    node1.sendText(uR"({"type":"connect_to_peer","peer":"node2"})"_s);
    QCOMPARE(node2.waitFor(u"connect_to_peer"_s).value("from"_L1).toString(), u"node1"_s);

    QSignalSpy routed(hub.get(), &Hub::messageRouted);
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    node1.sendText(uR"({"type":"message","to":"node2","text":"hello world!","mid":"m1"})"_s);
    QCOMPARE(node1.waitFor(u"ack"_s).value("mid"_L1).toString(), u"m1"_s);
    const QJsonObject msg = node2.waitFor(u"message"_s);
    QCOMPARE(msg.value("from"_L1).toString(), u"node1"_s);
    QCOMPARE(msg.value("to"_L1).toString(), u"node2"_s);
    QCOMPARE(msg.value("text"_L1).toString(), u"hello world!"_s);
    QCOMPARE(msg.value("mid"_L1).toString(), u"m1"_s);
    const qint64 ts = msg.value("ts"_L1).toInteger();
    QVERIFY(ts >= before && ts <= QDateTime::currentMSecsSinceEpoch());
    QCOMPARE(routed.size(), 1);
    QCOMPARE(routed.at(0).at(0).toString(), u"node1"_s);
    QCOMPARE(routed.at(0).at(1).toString(), u"node2"_s);
    QCOMPARE(routed.at(0).at(2).toInt(), 1);
    QCOMPARE(hub->routedMessageCount(), quint64(1));

    QSignalSpy left(hub.get(), &Hub::peerLeft);
    node1.socket().close();
    QCOMPARE(node2.waitFor(u"peer_disconnect"_s).value("id"_L1).toString(), u"node1"_s);
    QTRY_COMPARE(left.size(), 1);
    QCOMPARE(left.at(0).at(0).toString(), u"node1"_s);
    QCOMPARE(hub->peerCount(), 1);
}

void TestHub::broadcastReachesOthersNotSender()
{
    auto hub = startHub();
    auto a = joined(*hub, u"a"_s);
    auto b = joined(*hub, u"b"_s);
    auto c = joined(*hub, u"c"_s);
    QVERIFY(a && b && c);
    QVERIFY(!a->waitFor(u"peer_connect"_s).isEmpty());
    QVERIFY(!a->waitFor(u"peer_connect"_s).isEmpty());
    a->sendText(uR"({"type":"message","text":"to all","mid":"x1"})"_s);
    QCOMPARE(a->waitFor(u"ack"_s).value("mid"_L1).toString(), u"x1"_s);
    for (RawClient *r : { b.get(), c.get() }) {
        const QJsonObject m = r->waitFor(u"message"_s);
        QCOMPARE(m.value("from"_L1).toString(), u"a"_s);
        QCOMPARE(m.value("text"_L1).toString(), u"to all"_s);
        QVERIFY(!m.contains("to"_L1));
    }
    // The sender got no copy: the next thing it receives is the answer to a later request.
    a->sendText(uR"({"type":"message","to":"b","text":"marker","mid":"x2"})"_s);
    const QJsonObject next = a->next();
    QCOMPARE(next.value("type"_L1).toString(), u"ack"_s);
    QCOMPARE(next.value("mid"_L1).toString(), u"x2"_s);
    QCOMPARE(hub->deliveryCount(), quint64(3));
}

void TestHub::broadcastAckMeansHandedToEveryoneJoinedThen()
{
    // docs/protocol.md, "What an ack of a broadcast says": by the time the sender reads the ack, the hub has queued
    // the broadcast for every peer joined at that moment (in one order for all), and held it for a peer in its
    // reconnect grace, which gets it when it resumes; a peer that joins after the ack never gets it. (That the ack
    // does not mean everyone read it, because a peer that stopped reading is dropped instead, is
    // tst_hubinput's slowReaderIsDroppedOthersUnaffected.)
    HubConfig config;
    config.reconnectGraceMs = 10000;
    auto hub = startHub(config);
    auto a = joined(*hub, u"a"_s);
    auto b = joined(*hub, u"b"_s);
    QVERIFY(a && b);
    RawClient e;
    QVERIFY(e.open(hub->serverUrl()));
    const QString token = e.join(u"e"_s).value("resume"_L1).toString();
    QVERIFY(!token.isEmpty());
    QTRY_COMPARE(a->pending().size(), 2); // peer_connect b, e
    e.socket().abort(); // e's connection drops: it is in its grace, nobody is told
    QTRY_COMPARE(hub->connectionCount(), 2);
    a->sendText(uR"({"type":"message","text":"one","mid":"x1"})"_s);
    a->sendText(uR"({"type":"message","text":"two","mid":"x2"})"_s);
    QCOMPARE(a->waitFor(u"ack"_s).value("mid"_L1).toString(), u"x1"_s);
    QCOMPARE(a->waitFor(u"ack"_s).value("mid"_L1).toString(), u"x2"_s);
    // Acked: b has both queued, in order.
    QCOMPARE(b->waitFor(u"message"_s).value("text"_L1).toString(), u"one"_s);
    QCOMPARE(b->waitFor(u"message"_s).value("text"_L1).toString(), u"two"_s);
    // A peer joining after the ack does not get them: the first message it sees is a later one.
    auto late = joined(*hub, u"late"_s);
    QVERIFY(late);
    QVERIFY(!a->waitFor(u"peer_connect"_s).isEmpty());
    a->sendText(uR"({"type":"message","text":"three","mid":"x3"})"_s);
    QCOMPARE(a->waitFor(u"ack"_s).value("mid"_L1).toString(), u"x3"_s);
    QCOMPARE(late->waitFor(u"message"_s).value("text"_L1).toString(), u"three"_s);
    // e comes back within its grace: what was broadcast meanwhile was held for it, and comes right after its
    // welcome, in order.
    RawClient back;
    QVERIFY(back.open(hub->serverUrl()));
    QCOMPARE(back.join(u"e"_s, { { u"resume"_s, token } }).value("type"_L1).toString(), u"welcome"_s);
    QStringList texts;
    for (int i = 0; i < 3; ++i)
        texts.append(back.waitFor(u"message"_s).value("text"_L1).toString());
    QCOMPARE(texts, QStringList({ u"one"_s, u"two"_s, u"three"_s }));
}

void TestHub::spoofedFromIsReplaced()
{
    auto hub = startHub();
    auto mallory = joined(*hub, u"mallory"_s);
    auto alice = joined(*hub, u"alice"_s);
    auto bob = joined(*hub, u"bob"_s);
    QVERIFY(mallory && alice && bob);
    mallory->sendText(uR"({"type":"message","from":"alice","to":"bob","text":"pay mallory"})"_s);
    const QJsonObject m = bob->waitFor(u"message"_s);
    QCOMPARE(m.value("from"_L1).toString(), u"mallory"_s);
    mallory->sendText(uR"({"type":"connect_to_peer","peer":"bob","from":"alice"})"_s);
    QCOMPARE(bob->waitFor(u"connect_to_peer"_s).value("from"_L1).toString(), u"mallory"_s);
}

void TestHub::chineseNamesTravel()
{
    auto hub = startHub();
    auto a = joined(*hub, u"a"_s);
    QVERIFY(a);
    auto b = joined(*hub, u"b"_s, { { u"name"_s, u"小明"_s } });
    QVERIFY(b);
    const QJsonObject pc = a->waitFor(u"peer_connect"_s);
    QCOMPARE(pc.value("name"_L1).toString(), u"小明"_s);
    auto c = joined(*hub, u"c"_s);
    QVERIFY(c);
    b->sendText(uR"({"type":"message","text":"你好，世界"})"_s);
    QCOMPARE(c->waitFor(u"message"_s).value("text"_L1).toString(), u"你好，世界"_s);
    QCOMPARE(hub->peers().at(1).name, u"小明"_s);
}

void TestHub::duplicateIdIsRefusedAndConnectionStaysUsable()
{
    auto hub = startHub();
    auto first = joined(*hub, u"node1"_s);
    QVERIFY(first);
    RawClient second;
    QVERIFY(second.open(hub->serverUrl()));
    second.sendText(uR"({"type":"join","id":"node1"})"_s);
    const QJsonObject e = second.waitFor(u"error"_s);
    QCOMPARE(e.value("code"_L1).toString(), u"id_taken"_s);
    QCOMPARE(e.value("ref"_L1).toString(), u"join"_s);
    QVERIFY(second.isOpen());
    // A different id on the same connection works.
    QVERIFY(!second.join(u"node1b"_s).isEmpty());
    QCOMPARE(hub->peerCount(), 2);
    // A wrong resume token does not take the id over.
    RawClient third;
    QVERIFY(third.open(hub->serverUrl()));
    third.sendText(uR"({"type":"join","id":"node1","resume":"guess"})"_s);
    QCOMPARE(third.waitFor(u"error"_s).value("code"_L1).toString(), u"id_taken"_s);
}

void TestHub::resumeTokenTakesOverTheId()
{
    auto hub = startHub();
    RawClient old;
    QVERIFY(old.open(hub->serverUrl()));
    const QString token = old.join(u"blinky"_s, { { u"name"_s, u"Blinky"_s } }).value("resume"_L1).toString();
    QVERIFY(!token.isEmpty());
    auto watcher = joined(*hub, u"watcher"_s);
    QVERIFY(watcher);

    RawClient fresh;
    QVERIFY(fresh.open(hub->serverUrl()));
    const QJsonObject w = fresh.join(u"blinky"_s, { { u"resume"_s, token } });
    QCOMPARE(w.value("id"_L1).toString(), u"blinky"_s);
    QVERIFY(w.value("resume"_L1).toString() != token); // a new token for the new session
    QVERIFY(old.waitClosed());
    QCOMPARE(hub->peerCount(), 2);
    // Still the same peer to the host: its name and its place in the join order carry over.
    QCOMPARE(hub->peers().at(0).id, u"blinky"_s);
    QCOMPARE(hub->peers().at(0).name, u"Blinky"_s);

    // Messages for blinky now reach the new connection, and the watcher saw no leave or join in between.
    watcher->sendText(uR"({"type":"message","to":"blinky","text":"still there?","mid":"w1"})"_s);
    QCOMPARE(fresh.waitFor(u"message"_s).value("text"_L1).toString(), u"still there?"_s);
    const QJsonObject next = watcher->next();
    QCOMPARE(next.value("type"_L1).toString(), u"ack"_s);
}

void TestHub::kickAnnouncesAndCloses()
{
    auto hub = startHub();
    auto a = joined(*hub, u"a"_s);
    auto b = joined(*hub, u"b"_s);
    QVERIFY(a && b);
    QSignalSpy left(hub.get(), &Hub::peerLeft);
    QVERIFY(!hub->kick(u"nobody"_s));
    QVERIFY(hub->kick(u"b"_s, u"spam"_s));
    QVERIFY(b->waitClosed());
    QCOMPARE(b->closeCode(), 1008);
    QCOMPARE(a->waitFor(u"peer_disconnect"_s).value("id"_L1).toString(), u"b"_s);
    QTRY_COMPARE(left.size(), 1);
    QVERIFY(left.at(0).at(1).toString().contains(u"spam"_s));
    QCOMPARE(hub->peerCount(), 1);
}

void TestHub::banRefusesIdAndAddress()
{
    auto hub = startHub();
    auto a = joined(*hub, u"a"_s);
    auto b = joined(*hub, u"b"_s);
    QVERIFY(a && b);
    QVERIFY(!hub->ban(u"not valid"_s));
    QVERIFY(hub->ban(u"b"_s));
    QCOMPARE(b->waitFor(u"error"_s).value("code"_L1).toString(), u"banned"_s);
    QVERIFY(b->waitClosed());
    QCOMPARE(b->closeCode(), 1008);
    QCOMPARE(a->waitFor(u"peer_disconnect"_s).value("id"_L1).toString(), u"b"_s);
    // b's address (loopback) is banned too: a new connection is refused at once.
    RawClient again;
    again.open(hub->serverUrl()); // may already be closed when the handshake returns
    QCOMPARE(again.waitFor(u"error"_s).value("code"_L1).toString(), u"banned"_s);
    QVERIFY(again.waitClosed());

    // Lifting the address ban lets others in, but the id stays banned.
    hub->setBans({ u"b"_s }, {});
    auto c = joined(*hub, u"c"_s);
    QVERIFY(c);
    RawClient asB;
    QVERIFY(asB.open(hub->serverUrl()));
    asB.sendText(uR"({"type":"join","id":"b"})"_s);
    QCOMPARE(asB.waitFor(u"error"_s).value("code"_L1).toString(), u"banned"_s);
    QVERIFY(asB.waitClosed());
    // Setting bans kicks peers that are now banned.
    hub->setBans({ u"c"_s }, {});
    QVERIFY(c->waitClosed());
    QVERIFY(a->isOpen());
}

void TestHub::closeTellsEveryPeer()
{
    auto hub = startHub();
    auto a = joined(*hub, u"a"_s);
    RawClient unjoined;
    QVERIFY(a && unjoined.open(hub->serverUrl()));
    QSignalSpy closed(hub.get(), &Hub::closed);
    const quint16 port = hub->serverPort();
    hub->close();
    QVERIFY(a->waitClosed());
    QCOMPARE(a->closeCode(), 1001);
    QVERIFY(unjoined.waitClosed());
    QTRY_COMPARE(closed.size(), 1);
    QVERIFY(!hub->isListening());
    // The port is free again.
    Hub second;
    QVERIFY2(second.listen(QHostAddress::LocalHost, port), qPrintable(second.errorString()));
}

void TestHub::listenReportsPortInUse()
{
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    Hub hub;
    QSignalSpy errors(&hub, &Hub::errorOccurred);
    QVERIFY(!hub.listen(QHostAddress::LocalHost, squatter.serverPort()));
    QVERIFY(!hub.isListening());
    QVERIFY(hub.errorString().contains(QString::number(squatter.serverPort())));
    QCOMPARE(errors.size(), 1);
}

void TestHub::listensOnIpv6Loopback()
{
    Hub hub;
    if (!hub.listen(QHostAddress::LocalHostIPv6, 0))
        QSKIP("no IPv6 loopback on this machine");
    QCOMPARE(hub.serverUrl().host(), u"::1"_s);
    RawClient c;
    QVERIFY(c.open(hub.serverUrl()));
    QCOMPARE(c.join(u"v6"_s).value("id"_L1).toString(), u"v6"_s);
}

void TestHub::peersListForTheHost()
{
    auto hub = startHub();
    QSignalSpy joinedSpy(hub.get(), &Hub::peerJoined);
    auto a = joined(*hub, u"alpha"_s, { { u"name"_s, u"Alpha"_s } });
    auto b = joined(*hub, u"beta"_s);
    QVERIFY(a && b);
    QCOMPARE(joinedSpy.size(), 2);
    const auto first = joinedSpy.at(0).at(0).value<HubPeer>();
    QCOMPARE(first.id, u"alpha"_s);
    QCOMPARE(first.name, u"Alpha"_s);
    QVERIFY(first.address.isLoopback());
    a->sendText(uR"({"type":"message","text":"one","mid":"1"})"_s);
    QVERIFY(!a->waitFor(u"ack"_s).isEmpty());
    const QList<HubPeer> peers = hub->peers();
    QCOMPARE(peers.size(), 2);
    QCOMPARE(peers.at(0).id, u"alpha"_s);
    QCOMPARE(peers.at(0).messagesSent, quint64(1));
    QCOMPARE(peers.at(1).id, u"beta"_s);
    QVERIFY(peers.at(0).address.isLoopback());
    QCOMPARE(hub->connectionCount(), 2);
}

void TestHub::hostIsMarked()
{
    HubConfig config;
    config.hostId = u"boss"_s;
    auto hub = startHub(config);
    auto early = joined(*hub, u"early"_s);
    QVERIFY(early);
    auto boss = joined(*hub, u"boss"_s);
    QVERIFY(boss);
    const QJsonObject pc = early->waitFor(u"peer_connect"_s);
    QCOMPARE(pc.value("id"_L1).toString(), u"boss"_s);
    QCOMPARE(pc.value("host"_L1).toBool(), true);
    RawClient late;
    QVERIFY(late.open(hub->serverUrl()));
    const QJsonArray peers = late.join(u"late"_s).value("peers"_L1).toArray();
    QCOMPARE(peers.size(), 2);
    for (const QJsonValue &p : peers)
        QCOMPARE(p.toObject().value("host"_L1).toBool(), p.toObject().value("id"_L1).toString() == u"boss");
    QCOMPARE(hub->peers().at(1).host, true);
    QCOMPARE(hub->peers().at(0).host, false);
}

void TestHub::welcomeCarriesTheHubsLimits_data()
{
    QTest::addColumn<qint64>("maxMessageBytes");
    QTest::addColumn<double>("messagesPerSecond");
    QTest::addColumn<double>("messageBurst");
    QTest::addColumn<double>("bytesPerSecond");
    QTest::addColumn<double>("byteBurst");

    const HubConfig defaults;
    QTest::newRow("defaults") << defaults.maxMessageBytes << defaults.messagesPerSecond << defaults.messageBurst
                              << defaults.bytesPerSecond << defaults.byteBurst;
    QTest::newRow("tuned") << qint64(4096) << 2.5 << 7.0 << 10000.0 << 50000.0;
    QTest::newRow("no rate limits") << qint64(1024) << 0.0 << 0.0 << 0.0 << 0.0;
}

void TestHub::welcomeCarriesTheHubsLimits()
{
    QFETCH(qint64, maxMessageBytes);
    QFETCH(double, messagesPerSecond);
    QFETCH(double, messageBurst);
    QFETCH(double, bytesPerSecond);
    QFETCH(double, byteBurst);

    HubConfig config;
    config.maxMessageBytes = maxMessageBytes;
    config.messagesPerSecond = messagesPerSecond;
    config.messageBurst = messageBurst;
    config.bytesPerSecond = bytesPerSecond;
    config.byteBurst = byteBurst;
    auto hub = startHub(config);
    // (and, issue 17, the rooms it keeps at most: it keeps rooms; issue 15: it relays binary file chunks)
    const HubLimits expected { maxMessageBytes, messagesPerSecond, messageBurst, bytesPerSecond, byteBurst, 0,
                               double(config.maxRooms), true };
    // Every welcome: the first peer's, and one with others already there (a welcome made of ready entries).
    for (const QString &id : { u"first"_s, u"second"_s }) {
        RawClient c;
        QVERIFY(c.open(hub->serverUrl()));
        const QJsonObject w = c.join(id);
        QVERIFY(!w.isEmpty());
        const Decoded<HubEnvelope> decoded = decodeHubMessage(QJsonDocument(w).toJson(QJsonDocument::Compact));
        QVERIFY2(decoded.ok(), decoded.ok() ? "" : qPrintable(decoded.error().message));
        const auto *welcome = std::get_if<Welcome>(&decoded.envelope());
        QVERIFY(welcome);
        QCOMPARE(welcome->id, id);
        QCOMPARE(welcome->limits, expected);
        c.socket().close();
        QVERIFY(c.waitClosed());
    }
}

void TestHub::nonAsciiMidIsDeliveredAndAcked()
{
    auto hub = startHub();
    auto a = joined(*hub, u"a"_s);
    auto b = joined(*hub, u"b"_s);
    QVERIFY(a && b);
    // A mid is any 1 to 64 characters: the hub hands it on and acks it as it came.
    a->sendJson({ { u"type"_s, u"message"_s }, { u"to"_s, u"b"_s }, { u"text"_s, u"你好"_s }, { u"mid"_s, u"消息-1"_s } });
    QCOMPARE(a->waitFor(u"ack"_s).value("mid"_L1).toString(), u"消息-1"_s);
    const QJsonObject m = b->waitFor(u"message"_s);
    QCOMPARE(m.value("mid"_L1).toString(), u"消息-1"_s);
    QCOMPARE(m.value("text"_L1).toString(), u"你好"_s);
    // And to everyone.
    a->sendJson({ { u"type"_s, u"message"_s }, { u"text"_s, u"大家好"_s }, { u"mid"_s, u"消息-2 ✓"_s } });
    QCOMPARE(a->waitFor(u"ack"_s).value("mid"_L1).toString(), u"消息-2 ✓"_s);
    QCOMPARE(b->waitFor(u"message"_s).value("mid"_L1).toString(), u"消息-2 ✓"_s);
}

void TestHub::peerLeftSaysWhy_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<PeerLink::LeaveReason>("why");
    QTest::addColumn<QString>("reason");

    QTest::newRow("leave") << u"leave"_s << LeaveReason::Left << u"left"_s;
    QTest::newRow("close") << u"close"_s << LeaveReason::Closed << u"bye"_s;
    QTest::newRow("kick") << u"kick"_s << LeaveReason::Kicked << u"kicked by the hub: spam"_s;
    QTest::newRow("ban") << u"ban"_s << LeaveReason::Banned << u"banned"_s;
    QTest::newRow("invalid") << u"invalid"_s << LeaveReason::TooManyInvalid << u"too many invalid messages"_s;
    QTest::newRow("too large") << u"too large"_s << LeaveReason::TooLarge << QString();
    QTest::newRow("hub closes") << u"hub closes"_s << LeaveReason::HubShuttingDown << u"hub shutting down"_s;
}

void TestHub::peerLeftSaysWhy()
{
    QFETCH(QString, how);
    QFETCH(PeerLink::LeaveReason, why);
    QFETCH(QString, reason);

    HubConfig config;
    config.maxInvalidMessages = 0;
    config.maxMessageBytes = 1024;
    auto hub = startHub(config);
    auto gone = joined(*hub, u"gone"_s);
    QVERIFY(gone);
    QSignalSpy left(hub.get(), &Hub::peerLeft);
    if (how == u"leave")
        gone->sendText(uR"({"type":"leave"})"_s);
    else if (how == u"close")
        gone->socket().close(QWebSocketProtocol::CloseCodeNormal, u"bye"_s);
    else if (how == u"kick")
        QVERIFY(hub->kick(u"gone"_s, u"spam"_s));
    else if (how == u"ban")
        QVERIFY(hub->ban(u"gone"_s));
    else if (how == u"invalid")
        gone->sendText(u"garbage"_s);
    else if (how == u"too large")
        gone->sendText(QString(2000, u'x'));
    else if (how == u"hub closes")
        hub->close();
    QTRY_COMPARE(left.size(), 1);
    QCOMPARE(left.at(0).at(0).toString(), u"gone"_s);
    QCOMPARE(left.at(0).at(2).value<PeerLink::LeaveReason>(), why);
    if (!reason.isEmpty())
        QCOMPARE(left.at(0).at(1).toString(), reason);
    else
        QVERIFY(!left.at(0).at(1).toString().isEmpty());
}

void TestHub::listenErrorIsTyped()
{
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    Hub hub;
    QVERIFY(!hub.releasesFreeMemory()); // trimming the process's heap is the host process's choice, off by default
    QSignalSpy errors(&hub, &Hub::errorOccurred);
    QVERIFY(!hub.listen(QHostAddress::LocalHost, squatter.serverPort()));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toString(), hub.errorString());
    QCOMPARE(errors.at(0).at(1).value<PeerLink::HubError>(), HubError::CannotListen);
    const QString detail = errors.at(0).at(2).toString();
    QVERIFY(!detail.isEmpty()); // the system's reason, for the app to show under its own words
    QVERIFY(hub.errorString().contains(detail));

    // Listening twice is refused and typed too (no signal: the caller asked and gets false).
    Hub twice;
    QVERIFY(twice.listen());
    QSignalSpy twiceErrors(&twice, &Hub::errorOccurred);
    QVERIFY(!twice.listen());
    QVERIFY(twice.errorString().contains(twice.serverUrl().toString()));
    QCOMPARE(twiceErrors.size(), 0);
    QVERIFY(twice.isListening());
}

void TestHub::resumingOnANewConnectionIsNoLeave()
{
    auto hub = startHub();
    QSignalSpy left(hub.get(), &Hub::peerLeft);
    QSignalSpy joinedSpy(hub.get(), &Hub::peerJoined);
    RawClient old;
    QVERIFY(old.open(hub->serverUrl()));
    const QString token = old.join(u"blinky"_s).value("resume"_L1).toString();
    QVERIFY(!token.isEmpty());
    RawClient fresh;
    QVERIFY(fresh.open(hub->serverUrl()));
    QVERIFY(!fresh.join(u"blinky"_s, { { u"resume"_s, token } }).isEmpty());
    QVERIFY(old.waitClosed());
    // The host's list keeps it, as the other peers do: no leave, and no second join.
    auto marker = joined(*hub, u"marker"_s);
    QVERIFY(marker);
    marker->socket().close();
    QTRY_COMPARE(left.size(), 1);
    QCOMPARE(left.at(0).at(0).toString(), u"marker"_s);
    QCOMPARE(joinedSpy.size(), 2);
    QCOMPARE(hub->peers().size(), 1);
    QCOMPARE(hub->peers().at(0).id, u"blinky"_s);
}

PEERLINK_TEST_MAIN(TestHub)
#include "tst_hub.moc"

void TestHub::sharedFramesKeepEachPeersOrder()
{
    // A broadcast is kept once per turn for every peer (OutputBatch::share), and a peer's own frames are spliced in
    // between: what one turn makes for a peer reaches it in the order it was made.
    auto hub = startHub();
    auto alice = joined(*hub, u"alice"_s);
    QVERIFY(alice);
    RawTcpClient talker;
    QVERIFY(talker.open(hub->serverPort()));
    talker.sendFrame(R"({"type":"join","id":"talker"})");
    QVERIFY(!alice->waitFor(u"peer_connect"_s).isEmpty());

    // Broadcasts and messages to alice, alternating, in one write: the hub reads them in one turn.
    QByteArray burst;
    for (int i = 0; i < 8; ++i) {
        const QByteArray to = i % 2 ? QByteArray(R"(,"to":"alice")") : QByteArray();
        burst += clientFrame(0x81, R"({"type":"message","text":")" + QByteArray::number(i) + '"' + to + '}');
    }
    talker.write(burst);
    for (int i = 0; i < 8; ++i)
        QCOMPARE(alice->waitFor(u"message"_s).value("text"_L1).toString(), QString::number(i));

    // A broadcast and a join read in the same turn: the newcomer has the broadcast exactly when the others heard
    // of it before the broadcast, and never before its welcome.
    RawTcpClient late;
    QVERIFY(late.open(hub->serverPort()));
    talker.write(clientFrame(0x81, R"({"type":"message","text":"shared"})"));
    late.sendFrame(R"({"type":"join","id":"late"})");
    QStringList seen;
    while (seen.size() < 2) {
        const QJsonObject m = alice->next();
        QVERIFY2(!m.isEmpty(), "alice missed the broadcast or the join");
        if (m.value("type"_L1) == "peer_connect"_L1 && m.value("id"_L1) == "late"_L1)
            seen.append(u"join"_s);
        else if (m.value("type"_L1) == "message"_L1 && m.value("text"_L1) == "shared"_L1)
            seen.append(u"shared"_s);
    }
    talker.write(clientFrame(0x81, R"({"type":"message","to":"late","text":"marker"})"));
    QVERIFY(late.waitForReceived([](const QByteArray &bytes) { return bytes.contains("marker"); }));
    const QByteArray got = late.received();
    QVERIFY(got.indexOf("\"welcome\"") >= 0);
    QCOMPARE(got.contains("\"shared\""), seen.first() == u"join"_s);
    if (got.contains("\"shared\""))
        QVERIFY(got.indexOf("\"welcome\"") < got.indexOf("\"shared\""));

    // The welcome list follows leaves as well as joins.
    alice->socket().close();
    QTRY_COMPARE(hub->peerCount(), 2);
    RawClient newcomer;
    QVERIFY(newcomer.open(hub->serverUrl()));
    QStringList ids;
    for (const QJsonValue &p : newcomer.join(u"newcomer"_s).value("peers"_L1).toArray())
        ids.append(p.toObject().value("id"_L1).toString());
    ids.sort();
    QCOMPARE(ids, QStringList({ u"late"_s, u"talker"_s }));
}

void TestHub::relayFindsTheRecipientsCurrentConnection()
{
    // The relay remembers each sender's last recipient (Registry::RecipientCache): one that left, came back, or
    // resumed on a new connection is looked up again.
    auto hub = startHub();
    auto alice = joined(*hub, u"alice"_s);
    QVERIFY(alice);
    const auto send = [&alice](const QString &text) {
        alice->sendText(uR"({"type":"message","to":"bob","text":"%1","mid":"%1"})"_s.arg(text));
    };
    auto first = std::make_unique<RawClient>();
    QVERIFY(first->open(hub->serverUrl()));
    QVERIFY(!first->join(u"bob"_s).isEmpty());
    send(u"one"_s);
    QCOMPARE(first->waitFor(u"message"_s).value("text"_L1).toString(), u"one"_s);
    QCOMPARE(alice->waitFor(u"ack"_s).value("mid"_L1).toString(), u"one"_s);

    // Gone: nobody to hand it to.
    first->socket().close();
    QTRY_COMPARE(hub->peerCount(), 1);
    send(u"two"_s);
    const QJsonObject refused = alice->waitFor(u"error"_s);
    QCOMPARE(refused.value("code"_L1).toString(), u"peer_unavailable"_s);
    QCOMPARE(refused.value("ref"_L1).toString(), u"two"_s);

    // Back on a new connection.
    RawClient second;
    QVERIFY(second.open(hub->serverUrl()));
    const QString token = second.join(u"bob"_s).value("resume"_L1).toString();
    send(u"three"_s);
    QCOMPARE(second.waitFor(u"message"_s).value("text"_L1).toString(), u"three"_s);
    QCOMPARE(alice->waitFor(u"ack"_s).value("mid"_L1).toString(), u"three"_s);

    // Resumed on a third connection while the second is still open: the third has it, the second is closed.
    RawClient third;
    QVERIFY(third.open(hub->serverUrl()));
    QVERIFY(!third.join(u"bob"_s, { { u"resume"_s, token } }).isEmpty());
    QVERIFY(second.waitClosed());
    send(u"four"_s);
    QCOMPARE(third.waitFor(u"message"_s).value("text"_L1).toString(), u"four"_s);
    QCOMPARE(alice->waitFor(u"ack"_s).value("mid"_L1).toString(), u"four"_s);
}
