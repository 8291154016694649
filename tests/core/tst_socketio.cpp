// Engine.IO v4 / Socket.IO v5 packets and the mapping of a socket.io client's events onto the hub's protocol
// (core/socketio.h). The packets are the ones socket.io-client 4 writes (checked against the real client in
// tests/socketio).
#include "core/protocol.h"
#include "core/socketio.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace PeerLink;
using namespace PeerLink::SocketIo;
using namespace Qt::StringLiterals;

class TestSocketIo : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void enginePackets_data();
    void enginePackets();
    void payloadSplitsAtRecordSeparator();
    void socketIoPackets_data();
    void socketIoPackets();
    void malformedPackets_data();
    void malformedPackets();
    void events_data();
    void events();
    void toNative_data();
    void toNative();
    void madeUpMidOnlyWhenMissing();
    void plainMessagesAreSpliced_data();
    void plainMessagesAreSpliced();
    void topLevelTypeIgnoresNestedAndQuoted_data();
    void topLevelTypeIgnoresNestedAndQuoted();
    void nativeFramesBecomeEvents_data();
    void nativeFramesBecomeEvents();
    void answersAndHandshake();
};

void TestSocketIo::enginePackets_data()
{
    QTest::addColumn<QByteArray>("packet");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<bool>("binary");
    QTest::newRow("ping") << QByteArray("2") << true << int('2') << QByteArray() << false;
    QTest::newRow("probe") << QByteArray("2probe") << true << int('2') << QByteArray("probe") << false;
    QTest::newRow("message") << QByteArray("42[\"a\"]") << true << int('4') << QByteArray("2[\"a\"]") << false;
    QTest::newRow("upgrade") << QByteArray("5") << true << int('5') << QByteArray() << false;
    QTest::newRow("noop") << QByteArray("6") << true << int('6') << QByteArray() << false;
    QTest::newRow("empty") << QByteArray() << false << 0 << QByteArray() << false;
    QTest::newRow("type 7") << QByteArray("7x") << false << 0 << QByteArray() << false;
    QTest::newRow("letter") << QByteArray("x") << false << 0 << QByteArray() << false;
    QTest::newRow("binary") << QByteArray("bAQID") << false << 0 << QByteArray() << true;
}

void TestSocketIo::enginePackets()
{
    QFETCH(QByteArray, packet);
    QFETCH(bool, valid);
    QFETCH(int, type);
    QFETCH(QByteArray, data);
    QFETCH(bool, binary);
    bool isBinary = !binary;
    const auto p = parseEnginePacket(packet, &isBinary);
    QCOMPARE(p.has_value(), valid);
    QCOMPARE(isBinary, binary);
    if (valid) {
        QCOMPARE(int(char(p->type)), type);
        QCOMPARE(p->data.toByteArray(), data);
    }
}

void TestSocketIo::payloadSplitsAtRecordSeparator()
{
    const QList<QByteArrayView> parts = splitPayload("40\x1e" "42[\"join\",\"a\"]\x1e" "3");
    QCOMPARE(parts.size(), 3);
    QCOMPARE(parts[0].toByteArray(), QByteArray("40"));
    QCOMPARE(parts[1].toByteArray(), QByteArray("42[\"join\",\"a\"]"));
    QCOMPARE(parts[2].toByteArray(), QByteArray("3"));
    QCOMPARE(splitPayload("").size(), 0);
    QCOMPARE(splitPayload("2").size(), 1);
}

void TestSocketIo::socketIoPackets_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArray>("nsp");
    QTest::addColumn<qint64>("ackId");
    QTest::addColumn<int>("attachments");
    QTest::addColumn<QByteArray>("data");
    QTest::newRow("connect") << QByteArray("0") << 0 << QByteArray("/") << qint64(-1) << 0 << QByteArray();
    QTest::newRow("connect with auth") << QByteArray("0{\"token\":\"x\"}") << 0 << QByteArray("/") << qint64(-1) << 0
                                       << QByteArray("{\"token\":\"x\"}");
    QTest::newRow("connect /chat") << QByteArray("0/chat,") << 0 << QByteArray("/chat") << qint64(-1) << 0
                                   << QByteArray();
    QTest::newRow("disconnect") << QByteArray("1") << 1 << QByteArray("/") << qint64(-1) << 0 << QByteArray();
    QTest::newRow("event") << QByteArray("2[\"message\",\"hi\"]") << 2 << QByteArray("/") << qint64(-1) << 0
                           << QByteArray("[\"message\",\"hi\"]");
    QTest::newRow("event with ack") << QByteArray("212[\"join\",\"a\"]") << 2 << QByteArray("/") << qint64(12) << 0
                                    << QByteArray("[\"join\",\"a\"]");
    QTest::newRow("event /admin with ack") << QByteArray("2/admin,7[\"x\"]") << 2 << QByteArray("/admin") << qint64(7)
                                           << 0 << QByteArray("[\"x\"]");
    QTest::newRow("ack") << QByteArray("35[]") << 3 << QByteArray("/") << qint64(5) << 0 << QByteArray("[]");
    QTest::newRow("binary event") << QByteArray("51-[\"f\",{\"_placeholder\":true,\"num\":0}]") << 5 << QByteArray("/")
                                  << qint64(-1) << 1 << QByteArray("[\"f\",{\"_placeholder\":true,\"num\":0}]");
}

void TestSocketIo::socketIoPackets()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, type);
    QFETCH(QByteArray, nsp);
    QFETCH(qint64, ackId);
    QFETCH(int, attachments);
    QFETCH(QByteArray, data);
    QString error;
    const auto p = parsePacket(bytes, &error);
    QVERIFY2(p.has_value(), qPrintable(error));
    QCOMPARE(int(p->type), type);
    QCOMPARE(p->nsp, nsp);
    QCOMPARE(p->ackId, ackId);
    QCOMPARE(p->attachments, attachments);
    QCOMPARE(p->data.toByteArray(), data);
}

void TestSocketIo::malformedPackets_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("type 9") << QByteArray("9");
    QTest::newRow("letter") << QByteArray("x[]");
    QTest::newRow("binary without count") << QByteArray("5[\"a\"]");
    QTest::newRow("binary without dash") << QByteArray("51[\"a\"]");
    QTest::newRow("namespace without comma") << QByteArray("2/chat[\"a\"]");
    QTest::newRow("ack id of 16 digits") << QByteArray("21234567890123456[\"a\"]");
}

void TestSocketIo::malformedPackets()
{
    QFETCH(QByteArray, bytes);
    QString error;
    QVERIFY(!parsePacket(bytes, &error).has_value());
    QVERIFY(!error.isEmpty());
}

void TestSocketIo::events_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("code");
    QTest::newRow("string arg") << QByteArray("[\"message\",\"hi\"]") << true << u"message"_s << QString();
    QTest::newRow("no arg") << QByteArray("[\"leave\"]") << true << u"leave"_s << QString();
    QTest::newRow("not json") << QByteArray("[\"message\",") << false << QString() << u"bad_json"_s;
    QTest::newRow("object") << QByteArray("{\"a\":1}") << false << QString() << u"bad_message"_s;
    QTest::newRow("empty array") << QByteArray("[]") << false << QString() << u"bad_message"_s;
    QTest::newRow("number name") << QByteArray("[1,2]") << false << QString() << u"bad_message"_s;
}

void TestSocketIo::events()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, valid);
    QFETCH(QString, name);
    QFETCH(QString, code);
    ErrorCode c = ErrorCode::BadJson;
    QString error;
    const auto e = parseEvent(json, &c, &error);
    QCOMPARE(e.has_value(), valid);
    if (valid)
        QCOMPARE(e->name, name);
    else
        QCOMPARE(errorCodeName(c), code);
}

void TestSocketIo::toNative_data()
{
    QTest::addColumn<QByteArray>("event");
    QTest::addColumn<QByteArray>("native"); // empty: refused
    QTest::newRow("join {id}") << QByteArray(R"(["join",{"id":"node1"}])") << QByteArray(R"({"id":"node1","type":"join"})");
    QTest::newRow("join id") << QByteArray(R"(["join","node1"])") << QByteArray(R"({"id":"node1","type":"join"})");
    QTest::newRow("join name") << QByteArray(R"(["join",{"id":"a","name":"张三"}])")
                               << QByteArray(R"({"id":"a","name":"张三","type":"join"})");
    QTest::newRow("join number") << QByteArray(R"(["join",5])") << QByteArray();
    QTest::newRow("broadcast") << QByteArray(R"(["message","hello world!"])")
                               << QByteArray(R"({"text":"hello world!","type":"message"})");
    QTest::newRow("direct") << QByteArray(R"(["message",{"to":"node2","text":"hi"}])")
                            << QByteArray(R"({"text":"hi","to":"node2","type":"message"})");
    QTest::newRow("own mid") << QByteArray(R"(["message",{"text":"hi","mid":"m1"}])")
                             << QByteArray(R"({"mid":"m1","text":"hi","type":"message"})");
    QTest::newRow("type cannot be smuggled") << QByteArray(R"(["message",{"text":"hi","type":"join"}])")
                                             << QByteArray(R"({"text":"hi","type":"message"})");
    QTest::newRow("message array") << QByteArray(R"(["message",[1]])") << QByteArray();
    QTest::newRow("connect_to_peer id") << QByteArray(R"(["connect_to_peer","node2"])")
                                        << QByteArray(R"({"peer":"node2","type":"connect_to_peer"})");
    QTest::newRow("connect_to_peer drops listen")
        << QByteArray(R"(["connect_to_peer",{"peer":"b","listen":["1.2.3.4:5"]}])")
        << QByteArray(R"({"peer":"b","type":"connect_to_peer"})");
    QTest::newRow("leave") << QByteArray(R"(["leave"])") << QByteArray(R"({"type":"leave"})");
    QTest::newRow("other name, object") << QByteArray(R"(["connect_decline",{"peer":"a","link":"0123456789abcdef0123456789abcdef"}])")
                                        << QByteArray(R"({"link":"0123456789abcdef0123456789abcdef","peer":"a","type":"connect_decline"})");
    QTest::newRow("other name, nothing") << QByteArray(R"(["teleport"])") << QByteArray(R"({"type":"teleport"})");
    QTest::newRow("other name, string") << QByteArray(R"(["teleport","x"])") << QByteArray();
}

void TestSocketIo::toNative()
{
    QFETCH(QByteArray, event);
    QFETCH(QByteArray, native);
    ErrorCode code;
    QString error;
    const auto e = parseEvent(event, &code, &error);
    QVERIFY(e);
    const Inbound in = SocketIo::toNative(*e);
    QCOMPARE(in.native, native);
    if (native.isEmpty()) {
        QCOMPARE(in.code, ErrorCode::BadMessage);
        QVERIFY(!in.error.isEmpty());
    } else {
        // What the hub then reads is a request of the protocol.
        QVERIFY(decodeClientMessage(in.native).ok() || event.contains("teleport"));
    }
}

void TestSocketIo::madeUpMidOnlyWhenMissing()
{
    ErrorCode code;
    QString error;
    const Inbound plain = SocketIo::toNative(*parseEvent(R"(["message","hi"])", &code, &error), u"sio.x.1"_s);
    QCOMPARE(plain.mid, u"sio.x.1"_s);
    QCOMPARE(plain.native, QByteArray(R"({"mid":"sio.x.1","text":"hi","type":"message"})"));
    const Inbound own = SocketIo::toNative(*parseEvent(R"(["message",{"text":"hi","mid":"m7"}])", &code, &error),
                                           u"sio.x.2"_s);
    QCOMPARE(own.mid, u"m7"_s);
    QVERIFY(!own.native.contains("sio.x.2"));
    const Inbound none = SocketIo::toNative(*parseEvent(R"(["message","hi"])", &code, &error));
    QVERIFY(none.mid.isEmpty());
    QVERIFY(!none.native.contains("mid"));
}

void TestSocketIo::plainMessagesAreSpliced_data()
{
    QTest::addColumn<QByteArray>("event");
    QTest::addColumn<bool>("spliced");
    QTest::newRow("text") << QByteArray(R"(["message","hello world!"])") << true;
    QTest::newRow("escaped text") << QByteArray(R"(["message","a \"quote\" and\nline"])") << true;
    QTest::newRow("object") << QByteArray(R"(["message",{"to":"node2","text":"hi","mid":"m1"}])") << true;
    QTest::newRow("smuggled type") << QByteArray(R"(["message",{"text":"hi","type":"join"}])") << false;
    QTest::newRow("extra field") << QByteArray(R"(["message",{"text":"hi","from":"x"}])") << false;
    QTest::newRow("second argument") << QByteArray(R"(["message","a","b"])") << false;
    QTest::newRow("second object") << QByteArray(R"(["message",{"text":"a"},{"text":"b"}])") << false;
    QTest::newRow("empty object") << QByteArray(R"(["message",{}])") << false;
    QTest::newRow("other event") << QByteArray(R"(["join","a"])") << false;
    QTest::newRow("number") << QByteArray(R"(["message",5])") << false;
}

void TestSocketIo::plainMessagesAreSpliced()
{
    QFETCH(QByteArray, event);
    QFETCH(bool, spliced);
    const QByteArray fast = plainMessageToNative(event);
    QCOMPARE(!fast.isEmpty(), spliced);
    if (!spliced)
        return;
    // It means what the full way makes of the event.
    ErrorCode code;
    QString error;
    const Inbound full = SocketIo::toNative(*parseEvent(event, &code, &error));
    const Decoded<ClientEnvelope> a = decodeClientMessage(fast);
    const Decoded<ClientEnvelope> b = decodeClientMessage(full.native);
    QVERIFY(a.ok() && b.ok());
    const auto &ma = std::get<MessageRequest>(a.envelope());
    const auto &mb = std::get<MessageRequest>(b.envelope());
    QCOMPARE(ma.text, mb.text);
    QCOMPARE(ma.to, mb.to);
    QCOMPARE(ma.mid, mb.mid);
}

void TestSocketIo::topLevelTypeIgnoresNestedAndQuoted_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("type");
    QTest::newRow("last") << QByteArray(R"({"from":"a","text":"x","ts":1,"type":"message"})") << QByteArray("message");
    QTest::newRow("first") << QByteArray(R"({"type":"ack","mid":"m"})") << QByteArray("ack");
    QTest::newRow("nested first") << QByteArray(R"({"data":{"type":"image/png"},"type":"file"})") << QByteArray("file");
    QTest::newRow("in a text") << QByteArray(R"({"text":"\"type\":\"evil\"","type":"message"})")
                               << QByteArray("message");
    QTest::newRow("array of objects") << QByteArray(R"({"peers":[{"type":"x"}],"type":"welcome"})")
                                      << QByteArray("welcome");
    QTest::newRow("none") << QByteArray(R"({"a":1})") << QByteArray();
    QTest::newRow("truncated") << QByteArray(R"({"type":"mess)") << QByteArray("mess");
    QTest::newRow("garbage") << QByteArray("\"\\") << QByteArray();
}

void TestSocketIo::topLevelTypeIgnoresNestedAndQuoted()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, type);
    QCOMPARE(topLevelType(json), type);
}

void TestSocketIo::nativeFramesBecomeEvents_data()
{
    QTest::addColumn<QByteArray>("native");
    QTest::addColumn<QByteArray>("packet");
    QTest::newRow("peer_connect: the id") << QByteArray(R"({"id":"node1","name":"N","type":"peer_connect"})")
                                          << QByteArray(R"(42["peer_connect","node1"])");
    QTest::newRow("peer_disconnect: the id") << QByteArray(R"({"id":"node1","type":"peer_disconnect"})")
                                             << QByteArray(R"(42["peer_disconnect","node1"])");
    QTest::newRow("message: the object")
        << QByteArray(R"({"from":"node1","text":"hello world!","ts":5,"type":"message"})")
        << QByteArray(R"(42["message",{"from":"node1","text":"hello world!","ts":5}])");
    QTest::newRow("type first") << QByteArray(R"({"type":"ack","mid":"m1"})") << QByteArray(R"(42["ack",{"mid":"m1"}])");
    QTest::newRow("type in the middle") << QByteArray(R"({"a":1,"type":"x","b":{"type":"y"}})")
                                        << QByteArray(R"(42["x",{"a":1,"b":{"type":"y"}}])");
    QTest::newRow("type alone") << QByteArray(R"({"type":"leave"})") << QByteArray(R"(42["leave",{}])");
    QTest::newRow("connect_to_peer: no secrets")
        << QByteArray(R"({"from":"node1","link":"aa","secret":"bb","observed":"127.0.0.1","type":"connect_to_peer"})")
        << QByteArray(R"(42["connect_to_peer",{"from":"node1"}])");
    QTest::newRow("connect_accept: no secrets")
        << QByteArray(R"({"from":"b","link":"aa","secret":"bb","type":"connect_accept"})")
        << QByteArray(R"(42["connect_accept",{"from":"b"}])");
    QTest::newRow("error") << QByteArray(R"({"code":"rate_limited","message":"m","type":"error"})")
                           << QByteArray(R"(42["error",{"code":"rate_limited","message":"m"}])");
}

void TestSocketIo::nativeFramesBecomeEvents()
{
    QFETCH(QByteArray, native);
    QFETCH(QByteArray, packet);
    QCOMPARE(eventFromNative(native, topLevelType(native)), packet);
}

void TestSocketIo::answersAndHandshake()
{
    QCOMPARE(ackPacket(3, R"({"type":"ok"})"), QByteArray(R"(433[{"type":"ok"}])"));
    QCOMPARE(connectPacket("abc"), QByteArray(R"(40{"sid":"abc"})"));
    QCOMPARE(connectErrorPacket("/chat", u"Invalid namespace"_s, QByteArray()),
             QByteArray(R"(44/chat,{"message":"Invalid namespace"})"));
    QCOMPARE(connectErrorPacket("/", u"Too many"_s, "hub_full"),
             QByteArray(R"(44{"data":{"code":"hub_full"},"message":"Too many"})"));
    const QByteArray open = openPacket("s1", true, 25000, 20000, 131072);
    QVERIFY(open.startsWith('0'));
    const QJsonObject o = QJsonDocument::fromJson(open.mid(1)).object();
    QCOMPARE(o.value("sid"_L1).toString(), u"s1"_s);
    QCOMPARE(o.value("upgrades"_L1).toArray(), QJsonArray({ u"websocket"_s }));
    QCOMPARE(o.value("pingInterval"_L1).toInt(), 25000);
    QCOMPARE(o.value("pingTimeout"_L1).toInt(), 20000);
    QCOMPARE(o.value("maxPayload"_L1).toInt(), 131072);
    QCOMPARE(QJsonDocument::fromJson(openPacket("s", false, 1, 2, 3).mid(1)).object().value("upgrades"_L1).toArray(),
             QJsonArray());
    const QJsonObject err = QJsonDocument::fromJson(engineErrorBody(EngineError::UnknownSid)).object();
    QCOMPARE(err.value("code"_L1).toInt(), 1);
    QCOMPARE(err.value("message"_L1).toString(), u"Session ID unknown"_s);
}

QTEST_GUILESS_MAIN(TestSocketIo)
#include "tst_socketio.moc"
