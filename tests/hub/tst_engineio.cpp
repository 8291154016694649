// socket.io clients on the hub (issue 18), over real loopback sockets: Engine.IO's long-polling transport written by
// hand (so that hostile requests can be sent too), its WebSocket transport and the upgrade, the mapping of events
// both ways with native peers, acknowledgement callbacks, and the same protections as native peers. The real
// socket.io-client is driven by tests/socketio.
#include "core/socketio.h"
#include "hub/hub.h"
#include "hub/hubsettings.h"
#include "pollingclient.h"
#include "rawclient.h"

#include "testmain.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>

#include <memory>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

namespace {

/// A socket.io client on the WebSocket transport.
class WsClient
{
public:
    bool open(quint16 port, const QByteArray &sid = {}, bool tls = false)
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket,
                         [this](const QString &t) { m_received.append(t.toUtf8()); });
        // The test certificate is self-signed: accepted here (tst_tls checks pinning).
        QObject::connect(&m_socket, &QWebSocket::sslErrors, &m_socket, [this] { m_socket.ignoreSslErrors(); });
        m_socket.open(QUrl((tls ? u"wss://127.0.0.1:%1"_s : u"ws://127.0.0.1:%1"_s).arg(port)
                           + QString::fromLatin1(target(sid, "websocket"))));
        return QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
    void send(const QByteArray &packet) { m_socket.sendTextMessage(QString::fromUtf8(packet)); }
    /// Opens a session on the WebSocket transport, connects the namespace and joins as @p id.
    bool join(quint16 port, const QString &id, bool tls = false);
    QByteArray waitFor(const QByteArray &prefix, int timeoutMs = 5000)
    {
        QByteArray found;
        [[maybe_unused]] const bool done = QTest::qWaitFor(
            [&] {
                for (qsizetype i = 0; i < m_received.size(); ++i) {
                    if (m_received[i] == "2") {
                        m_received.removeAt(i--);
                        send("3");
                    } else if (m_received[i].startsWith(prefix)) {
                        found = m_received.takeAt(i);
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
        return found;
    }
    QWebSocket &socket() { return m_socket; }

private:
    QWebSocket m_socket;
    QList<QByteArray> m_received;
};

QByteArray emitted(const QByteArray &name, const QJsonValue &arg, qint64 ackId = -1)
{
    QByteArray json = QJsonDocument(QJsonArray { QString::fromUtf8(name), arg }).toJson(QJsonDocument::Compact);
    return "42" + (ackId >= 0 ? QByteArray::number(ackId) : QByteArray()) + json;
}

bool WsClient::join(quint16 port, const QString &id, bool tls)
{
    if (!open(port, {}, tls))
        return false;
    send("40");
    if (waitFor("40{").isEmpty())
        return false;
    send(emitted("join", id));
    return !waitFor("42[\"welcome\"").isEmpty();
}

} // namespace

class TestEngineIo : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void openPacketFollowsTheSettings();
    void pollingPeerAndNativePeerTalk();
    void acknowledgementCallbacksGetTheHubsAnswer();
    void upgradeFromPollingToWebSocket();
    void webSocketOnlyClient();
    void connectToPeerIsDeclinedForTheSocketIoPeer();
    void otherNamespacesAreRefused();
    void hostileRequests_data();
    void hostileRequests();
    void oversizedPayloadIs413();
    void twoWaitingGetsEndTheSession();
    void malformedPacketsCountAsInvalid();
    void binaryAttachmentsAreRefused();
    void tooManySessionsFromOneAddress();
    void originPolicyAndCors();
    void pollingClientThatStopsIsDropped();
    void slowPollingReaderIsDropped();
    void socketIoCanBeTurnedOff();
    void hubShutdownLetsClientsReconnect();
    void webSocketTransportOverTls();
    void invalidBudgetOverWebSocketIsSaidBeforeTheClose();
    void getDuringTheUpgradeIsANoop();
    void emptyPostEndsTheSession();
    void disconnectComesBeforeTheEngineClose();
    void requestHeadIsBounded();
    void callbacksWaitingAreBounded();
    void pollingConnectionsPerAddressAreBounded();
};

void TestEngineIo::openPacketFollowsTheSettings()
{
    HubConfig config;
    config.pingIntervalMs = 1234;
    config.pingTimeoutMs = 4321;
    config.maxMessageBytes = 10000;
    Hub hub(config);
    QVERIFY(hub.listen());
    PollingClient c(hub.serverPort());
    const QJsonObject open = c.handshake();
    QCOMPARE(open.value("sid"_L1).toString().size(), 20);
    QCOMPARE(open.value("upgrades"_L1).toArray(), QJsonArray({ u"websocket"_s }));
    QCOMPARE(open.value("pingInterval"_L1).toInt(), 1234);
    QCOMPARE(open.value("pingTimeout"_L1).toInt(), 4321);
    QCOMPARE(open.value("maxPayload"_L1).toInt(), int(config.effectiveHardFrameBytes()));
    // Two handshakes, two sessions.
    PollingClient d(hub.serverPort());
    QVERIFY(d.handshake().value("sid"_L1).toString() != open.value("sid"_L1).toString());
}

void TestEngineIo::pollingPeerAndNativePeerTalk()
{
    Hub hub;
    QVERIFY(hub.listen());
    PollingClient sio(hub.serverPort());
    QVERIFY(sio.start(u"sio1"_s));

    RawClient native;
    QVERIFY(native.open(hub.serverUrl()));
    const QJsonObject welcome = native.join(u"native"_s);
    QCOMPARE(welcome.value("peers"_L1).toArray().first().toObject().value("id"_L1).toString(), u"sio1"_s);
    QCOMPARE(sio.waitForEvent("peer_connect").toString(), u"native"_s);

    // Native broadcast -> socket.io.
    native.sendJson({ { u"type"_s, u"message"_s }, { u"text"_s, u"你好, everyone"_s } });
    QJsonObject m = sio.waitForEvent("message").toObject();
    QCOMPARE(m.value("from"_L1).toString(), u"native"_s);
    QCOMPARE(m.value("text"_L1).toString(), u"你好, everyone"_s);
    QVERIFY(m.value("ts"_L1).toDouble() > 0);
    QVERIFY(!m.contains("to"_L1));
    QVERIFY(!m.contains("type"_L1)); // the event's name says it
    // Native direct -> socket.io.
    native.sendJson({ { u"type"_s, u"message"_s }, { u"to"_s, u"sio1"_s }, { u"text"_s, u"just you"_s } });
    m = sio.waitForEvent("message").toObject();
    QCOMPARE(m.value("to"_L1).toString(), u"sio1"_s);
    QCOMPARE(m.value("text"_L1).toString(), u"just you"_s);

    // socket.io broadcast (a plain string, as the tutorial sends it) and direct -> native.
    QCOMPARE(sio.post(emitted("message", u"hello world!"_s)).status, 200);
    QJsonObject n = native.waitFor(u"message"_s);
    QCOMPARE(n.value("from"_L1).toString(), u"sio1"_s);
    QCOMPARE(n.value("text"_L1).toString(), u"hello world!"_s);
    QVERIFY(!n.contains("to"_L1));
    sio.post(emitted("message", QJsonObject { { u"to"_s, u"native"_s }, { u"text"_s, u"direct"_s } }));
    n = native.waitFor(u"message"_s);
    QCOMPARE(n.value("to"_L1).toString(), u"native"_s);
    QCOMPARE(n.value("text"_L1).toString(), u"direct"_s);
    // A socket.io peer's "from" is the hub's, whatever it sends.
    sio.post(emitted("message", QJsonObject { { u"from"_s, u"native"_s }, { u"text"_s, u"spoof"_s } }));
    QCOMPARE(native.waitFor(u"message"_s).value("from"_L1).toString(), u"sio1"_s);

    // Leaving: socket.io's DISCONNECT is the native leave, and the native peer hears of it.
    sio.post("41");
    QCOMPARE(native.waitFor(u"peer_disconnect"_s).value("id"_L1).toString(), u"sio1"_s);
    QTRY_COMPARE(hub.peers().size(), 1);
}

void TestEngineIo::acknowledgementCallbacksGetTheHubsAnswer()
{
    Hub hub;
    QVERIFY(hub.listen());
    PollingClient sio(hub.serverPort());
    QVERIFY(!sio.handshake().isEmpty());
    QVERIFY(sio.connectNamespace());
    RawClient native;
    QVERIFY(native.open(hub.serverUrl()));
    QVERIFY(!native.join(u"native"_s).isEmpty());

    sio.post(emitted("join", u"a1"_s, 1));
    const QJsonObject welcome = QJsonDocument::fromJson(sio.waitFor("431[").mid(3)).array().at(0).toObject();
    QCOMPARE(welcome.value("type"_L1).toString(), u"welcome"_s);
    QCOMPARE(welcome.value("id"_L1).toString(), u"a1"_s);

    sio.post(emitted("message", QJsonObject { { u"to"_s, u"ghost"_s }, { u"text"_s, u"x"_s } }, 2));
    const QJsonObject refused = QJsonDocument::fromJson(sio.waitFor("432[").mid(3)).array().at(0).toObject();
    QCOMPARE(refused.value("type"_L1).toString(), u"error"_s);
    QCOMPARE(refused.value("code"_L1).toString(), u"peer_unavailable"_s);

    sio.post(emitted("message", u"to all"_s, 3));
    const QJsonObject acked = QJsonDocument::fromJson(sio.waitFor("433[").mid(3)).array().at(0).toObject();
    QCOMPARE(acked.value("type"_L1).toString(), u"ack"_s);
    QVERIFY(!acked.value("mid"_L1).toString().isEmpty());
    // The made-up mid travels with the message, so that a PeerLink client can tell repeats apart.
    QCOMPARE(native.waitFor(u"message"_s).value("mid"_L1).toString(), acked.value("mid"_L1).toString());

    sio.post(emitted("connect_to_peer", u"ghost"_s, 4));
    const QJsonObject noPeer = QJsonDocument::fromJson(sio.waitFor("434[").mid(3)).array().at(0).toObject();
    QCOMPARE(noPeer.value("code"_L1).toString(), u"peer_unavailable"_s);
    sio.post(emitted("connect_to_peer", u"native"_s, 5));
    const QJsonObject handedOn = QJsonDocument::fromJson(sio.waitFor("435[").mid(3)).array().at(0).toObject();
    QCOMPARE(handedOn.value("type"_L1).toString(), u"ok"_s);
    QCOMPARE(native.waitFor(u"connect_to_peer"_s).value("from"_L1).toString(), u"a1"_s);

    // A message with its own mid and no callback gets the `ack` event.
    sio.post(emitted("message", QJsonObject { { u"text"_s, u"own"_s }, { u"mid"_s, u"m-own"_s } }));
    QCOMPARE(sio.waitForEvent("ack").toObject().value("mid"_L1).toString(), u"m-own"_s);
}

void TestEngineIo::upgradeFromPollingToWebSocket()
{
    Hub hub;
    QVERIFY(hub.listen());
    PollingClient poll(hub.serverPort());
    QVERIFY(poll.start(u"upgrader"_s));

    // The client keeps a GET waiting while it probes the WebSocket; the probe's answer ends that GET with a noop.
    QList<QByteArray> waiting;
    bool getDone = false;
    QTcpSocket get;
    get.connectToHost(QHostAddress::LocalHost, hub.serverPort());
    QVERIFY(QTest::qWaitFor([&] { return get.state() == QAbstractSocket::ConnectedState; }, 5000));
    get.write("GET " + target(poll.sid()) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QObject::connect(&get, &QTcpSocket::readyRead, &get, [&] {
        const QByteArray all = get.readAll();
        getDone = all.contains("\r\n\r\n");
        waiting.append(all.mid(all.indexOf("\r\n\r\n") + 4));
    });
    WsClient ws;
    QVERIFY(ws.open(hub.serverPort(), poll.sid()));
    ws.send("2probe");
    QCOMPARE(ws.waitFor("3probe"), QByteArray("3probe"));
    QTRY_VERIFY(getDone);
    QCOMPARE(waiting.join(), QByteArray("6"));
    ws.send("5");

    RawClient native;
    QVERIFY(native.open(hub.serverUrl()));
    QVERIFY(!native.join(u"native"_s).isEmpty());
    QCOMPARE(ws.waitFor("42[\"peer_connect\""), QByteArray(R"(42["peer_connect","native"])"));
    ws.send(emitted("message", u"over the websocket"_s));
    QCOMPARE(native.waitFor(u"message"_s).value("text"_L1).toString(), u"over the websocket"_s);
    // The polling transport is gone for this session.
    QCOMPARE(http(hub.serverPort(), "GET", target(poll.sid())).status, 400);
}

void TestEngineIo::webSocketOnlyClient()
{
    Hub hub;
    QVERIFY(hub.listen());
    WsClient ws;
    QVERIFY(ws.open(hub.serverPort()));
    const QByteArray open = ws.waitFor("0");
    QVERIFY(!open.isEmpty());
    QCOMPARE(QJsonDocument::fromJson(open.mid(1)).object().value("upgrades"_L1).toArray(), QJsonArray());
    ws.send("40");
    QVERIFY(!ws.waitFor("40{").isEmpty());
    ws.send(emitted("join", QJsonObject { { u"id"_s, u"wsonly"_s }, { u"name"_s, u"小明"_s } }));
    QVERIFY(!ws.waitFor("42[\"welcome\"").isEmpty());
    const QList<HubPeer> peers = hub.peers();
    QCOMPARE(peers.size(), 1);
    QCOMPARE(peers.first().name, u"小明"_s);
    // Same id rules as native peers.
    WsClient other;
    QVERIFY(other.open(hub.serverPort()));
    other.send("40");
    QVERIFY(!other.waitFor("40{").isEmpty());
    other.send(emitted("join", u"wsonly"_s));
    QVERIFY(ws.waitFor("42[\"error\"", 300).isEmpty());
    QVERIFY(other.waitFor("42[\"error\"").contains("id_taken"));
    other.send(emitted("join", u"bad id!"_s));
    QVERIFY(other.waitFor("42[\"error\"").contains("invalid_id"));
}

void TestEngineIo::connectToPeerIsDeclinedForTheSocketIoPeer()
{
    Hub hub;
    QVERIFY(hub.listen());
    WsClient ws;
    QVERIFY(ws.join(hub.serverPort(), u"node2"_s));
    RawClient native;
    QVERIFY(native.open(hub.serverUrl()));
    QVERIFY(!native.join(u"node1"_s).isEmpty());
    native.sendJson({ { u"type"_s, u"connect_to_peer"_s }, { u"peer"_s, u"node2"_s },
                      { u"listen"_s, QJsonArray { u"127.0.0.1:1"_s } } });
    // The socket.io peer hears who asked (no secret, no addresses)...
    QCOMPARE(ws.waitFor("42[\"connect_to_peer\""), QByteArray(R"(42["connect_to_peer",{"from":"node1"}])"));
    // ...and the native peer is told that no link will come: its messages stay relayed.
    const QJsonObject declined = native.waitFor(u"error"_s);
    QCOMPARE(declined.value("code"_L1).toString(), u"connect_declined"_s);
    QCOMPARE(declined.value("ref"_L1).toString(), u"node2"_s);
    QVERIFY(declined.value("message"_L1).toString().contains(u"socket.io"_s));
}

void TestEngineIo::otherNamespacesAreRefused()
{
    Hub hub;
    QVERIFY(hub.listen());
    PollingClient c(hub.serverPort());
    QVERIFY(!c.handshake().isEmpty());
    c.post("40/admin,");
    QCOMPARE(c.waitFor("44"), QByteArray(R"(44/admin,{"message":"Invalid namespace"})"));
    QVERIFY(c.connectNamespace()); // the main one still works
}

void TestEngineIo::hostileRequests_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code");
    QTest::newRow("unknown sid") << QByteArray("GET") << target("nosuchsid") << 400 << 1;
    QTest::newRow("unknown sid POST") << QByteArray("POST") << target("nosuchsid") << 400 << 1;
    QTest::newRow("unknown transport") << QByteArray("GET") << QByteArray("/socket.io/?EIO=4&transport=carrier")
                                       << 400 << 0;
    QTest::newRow("no transport") << QByteArray("GET") << QByteArray("/socket.io/?EIO=4") << 400 << 0;
    QTest::newRow("EIO 3") << QByteArray("GET") << QByteArray("/socket.io/?EIO=3&transport=polling") << 400 << 5;
    QTest::newRow("handshake by POST") << QByteArray("POST") << target() << 400 << 2;
    QTest::newRow("websocket without upgrade") << QByteArray("GET") << target({}, "websocket") << 400 << 3;
    QTest::newRow("PUT") << QByteArray("PUT") << target() << 400 << 2;
}

void TestEngineIo::hostileRequests()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(int, code);
    Hub hub;
    QVERIFY(hub.listen());
    const HttpAnswer a = http(hub.serverPort(), method, target);
    QCOMPARE(a.status, status);
    QCOMPARE(QJsonDocument::fromJson(a.body).object().value("code"_L1).toInt(-1), code);
    // Garbage that is not HTTP at all: 400, and the hub goes on.
    QTcpSocket raw;
    raw.connectToHost(QHostAddress::LocalHost, hub.serverPort());
    QVERIFY(QTest::qWaitFor([&] { return raw.state() == QAbstractSocket::ConnectedState; }, 5000));
    raw.write("POST /socket.io/?EIO=4 HTTP/1.1\r\nContent-Length: zz\r\n\r\n");
    QTRY_VERIFY(raw.state() != QAbstractSocket::ConnectedState || raw.bytesAvailable() > 0);
    PollingClient ok(hub.serverPort());
    QVERIFY(!ok.handshake().isEmpty());
    QVERIFY(ok.connectNamespace());
}

void TestEngineIo::oversizedPayloadIs413()
{
    HubConfig config;
    config.maxMessageBytes = 4096; // hard frame bytes, and so maxPayload: 8192
    Hub hub(config);
    QVERIFY(hub.listen());
    PollingClient c(hub.serverPort());
    QVERIFY(!c.handshake().isEmpty());
    QVERIFY(c.connectNamespace());
    const HttpAnswer a = c.post(emitted("message", QString(9000, u'x')));
    QCOMPARE(a.status, 413);
    QCOMPARE(a.header("connection"), QByteArray("close"));
    // ...and the session it was for is over, as on Engine.IO's own server.
    QCOMPARE(http(hub.serverPort(), "GET", target(c.sid())).status, 400);
    // A payload within maxPayload but a message over max-message-bytes: too_large, as for a native peer.
    PollingClient d(hub.serverPort());
    QVERIFY(d.start(u"big"_s));
    d.post(emitted("message", QString(5000, u'x')));
    QVERIFY(d.waitForEvent("error").toObject().value("code"_L1).toString() == u"too_large"_s);
    QTRY_COMPARE(hub.peers().size(), 0);
}

void TestEngineIo::twoWaitingGetsEndTheSession()
{
    Hub hub;
    QVERIFY(hub.listen());
    PollingClient c(hub.serverPort());
    QVERIFY(!c.handshake().isEmpty());
    QVERIFY(c.connectNamespace());
    QTcpSocket first;
    first.connectToHost(QHostAddress::LocalHost, hub.serverPort());
    QVERIFY(QTest::qWaitFor([&] { return first.state() == QAbstractSocket::ConnectedState; }, 5000));
    first.write("GET " + target(c.sid()) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    // Whichever of the two the hub reads first waits; the other overlaps it and is answered 400, and the session
    // ends, which answers the waiting one with Engine.IO's close packet (not a reset connection).
    const HttpAnswer second = http(hub.serverPort(), "GET", target(c.sid()));
    QByteArray firstAnswer;
    QTRY_VERIFY((firstAnswer += first.readAll()).contains("\r\n\r\n1"));
    QVERIFY2(firstAnswer.startsWith("HTTP/1.1 200"), firstAnswer.constData());
    QCOMPARE(second.status, 400);
    QCOMPARE(http(hub.serverPort(), "GET", target(c.sid())).status, 400); // the session is gone
}

void TestEngineIo::malformedPacketsCountAsInvalid()
{
    HubConfig config;
    config.maxInvalidMessages = 3;
    Hub hub(config);
    QVERIFY(hub.listen());
    PollingClient c(hub.serverPort());
    QVERIFY(c.start(u"clumsy"_s));
    c.post("42[\"message\",");
    QCOMPARE(c.waitForEvent("error").toObject().value("code"_L1).toString(), u"bad_json"_s);
    c.post("4x");
    QCOMPARE(c.waitForEvent("error").toObject().value("code"_L1).toString(), u"bad_message"_s);
    c.post("9");
    QCOMPARE(c.waitForEvent("error").toObject().value("code"_L1).toString(), u"bad_message"_s);
    c.post(emitted("message", QJsonArray { 1, 2 }));
    QCOMPARE(c.waitForEvent("error").toObject().value("ref"_L1).toString(), u"message"_s);
    // The fourth is over the budget: the hub ends the session with a DISCONNECT.
    QCOMPARE(c.waitFor("41"), QByteArray("41"));
    QTRY_COMPARE(hub.peers().size(), 0);
    // Others are served as before.
    PollingClient next(hub.serverPort());
    QVERIFY(next.start(u"fine"_s));
}

void TestEngineIo::binaryAttachmentsAreRefused()
{
    Hub hub;
    QVERIFY(hub.listen());
    WsClient ws;
    QVERIFY(ws.join(hub.serverPort(), u"bin"_s));
    ws.send(R"(451-["message",{"_placeholder":true,"num":0}])");
    ws.socket().sendBinaryMessage(QByteArray("\x01\x02", 2));
    const QByteArray first = ws.waitFor("42[\"error\"");
    QVERIFY(first.contains("bad_message"));
    QVERIFY(first.contains("Binary attachments"));
    QVERIFY(ws.waitFor("42[\"error\"").contains("bad_message"));
}

void TestEngineIo::tooManySessionsFromOneAddress()
{
    HubConfig config;
    config.maxConnectionsPerAddress = 3;
    Hub hub(config);
    QVERIFY(hub.listen());
    std::vector<std::unique_ptr<PollingClient>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<PollingClient>(hub.serverPort()));
        QVERIFY(!clients.back()->handshake().isEmpty());
        QVERIFY(clients.back()->connectNamespace());
    }
    PollingClient fourth(hub.serverPort());
    QVERIFY(!fourth.handshake().isEmpty());
    fourth.post("40");
    const QByteArray refusal = fourth.waitFor("44");
    const QJsonObject o = QJsonDocument::fromJson(refusal.mid(2)).object();
    QCOMPARE(o.value("data"_L1).toObject().value("code"_L1).toString(), u"hub_full"_s);
    QVERIFY(o.value("message"_L1).toString().contains(u"at most 3"_s));
    fourth.post("1"); // socket.io-client closes its engine after a connect_error
    // One leaves (Engine.IO's close packet): its place is free at once.
    QCOMPARE(clients.front()->post("1").status, 200);
    clients.erase(clients.begin());
    PollingClient again(hub.serverPort());
    QVERIFY(!again.handshake().isEmpty());
    again.post("40");
    const QByteArray answer = again.waitFor("4");
    QVERIFY2(answer.startsWith("40{"), answer.constData());
}

void TestEngineIo::originPolicyAndCors()
{
    HubConfig config;
    config.allowedOrigins = { u"http://good.example"_s };
    Hub hub(config);
    QVERIFY(hub.listen());
    const HttpAnswer evil = http(hub.serverPort(), "GET", target(), {}, { { "Origin", "http://evil.example" } });
    QCOMPARE(evil.status, 403);
    QCOMPARE(QJsonDocument::fromJson(evil.body).object().value("code"_L1).toInt(), 4);
    QVERIFY(evil.header("access-control-allow-origin").isEmpty());
    const HttpAnswer good = http(hub.serverPort(), "GET", target(), {}, { { "Origin", "http://good.example" } });
    QCOMPARE(good.status, 200);
    QVERIFY(good.body.startsWith('0'));
    QCOMPARE(good.header("access-control-allow-origin"), QByteArray("http://good.example"));
    QCOMPARE(good.header("access-control-allow-credentials"), QByteArray("true"));
    const HttpAnswer preflight = http(hub.serverPort(), "OPTIONS", target(), {}, { { "Origin", "http://good.example" } });
    QCOMPARE(preflight.status, 204);
    QVERIFY(preflight.header("access-control-allow-methods").contains("POST"));
    // No Origin: as the hub's allow-no-origin says.
    HubConfig strict;
    strict.allowNoOrigin = false;
    Hub strictHub(strict);
    QVERIFY(strictHub.listen());
    QCOMPARE(http(strictHub.serverPort(), "GET", target()).status, 403);
}

void TestEngineIo::pollingClientThatStopsIsDropped()
{
    HubConfig config;
    config.pingIntervalMs = 300;
    config.pingTimeoutMs = 300;
    config.reconnectGraceMs = 200;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient native;
    QVERIFY(native.open(hub.serverUrl()));
    QVERIFY(!native.join(u"native"_s).isEmpty());
    {
        PollingClient quitter(hub.serverPort());
        QVERIFY(quitter.start(u"quitter"_s));
        QVERIFY(!native.waitFor(u"peer_connect"_s).isEmpty());
    } // no more GETs from here on
    QElapsedTimer t;
    t.start();
    QCOMPARE(native.waitFor(u"peer_disconnect"_s, 5000).value("id"_L1).toString(), u"quitter"_s);
    // Within ping interval + ping timeout + grace (and the sweep's tick), not the native heartbeat's silence only.
    QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
}

void TestEngineIo::slowPollingReaderIsDropped()
{
    HubConfig config;
    config.maxQueuedBytes = 64 * 1024;
    Hub hub(config);
    QVERIFY(hub.listen());
    PollingClient slow(hub.serverPort());
    QVERIFY(slow.start(u"slow"_s));
    RawClient native;
    QVERIFY(native.open(hub.serverUrl()));
    QVERIFY(!native.join(u"loud"_s).isEmpty());
    // The socket.io peer never polls again: what the hub keeps for it grows until it is dropped as not reading.
    const QString text(4000, u'z');
    for (int i = 0; i < 40; ++i)
        native.sendJson({ { u"type"_s, u"message"_s }, { u"text"_s, text } });
    QCOMPARE(native.waitFor(u"peer_disconnect"_s).value("id"_L1).toString(), u"slow"_s);
}

void TestEngineIo::socketIoCanBeTurnedOff()
{
    HubConfig config;
    config.socketIo = false;
    Hub hub(config);
    QVERIFY(hub.listen());
    const HttpAnswer a = http(hub.serverPort(), "GET", target());
    QVERIFY(!a.body.startsWith('0'));
    QVERIFY(a.status != 200);
    WsClient ws;
    QVERIFY(ws.open(hub.serverPort()));
    // A WebSocket under /socket.io/ is then a native connection: no open packet, native errors.
    ws.send("40");
    QVERIFY(ws.waitFor("0{", 300).isEmpty());
    QVERIFY(!ws.waitFor("{").isEmpty());
}

void TestEngineIo::hubShutdownLetsClientsReconnect()
{
    auto hub = std::make_unique<Hub>();
    QVERIFY(hub->listen());
    WsClient ws;
    QVERIFY(ws.join(hub->serverPort(), u"stayer"_s));
    hub->close();
    // Going away: no socket.io DISCONNECT (which would tell socket.io-client not to reconnect), a close 1001.
    QTRY_VERIFY(ws.socket().state() == QAbstractSocket::UnconnectedState);
    QCOMPARE(int(ws.socket().closeCode()), 1001);
    QVERIFY(ws.waitFor("41", 100).isEmpty());
}

void TestEngineIo::webSocketTransportOverTls()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS library");
    HubServiceConfig config;
    QString error;
    QVERIFY2(applyHubSetting(config, u"tls-cert"_s, QStringLiteral(PEERLINK_SOURCE_DIR "/tests/data/hub-test.crt"), &error),
             qPrintable(error));
    QVERIFY2(applyHubSetting(config, u"tls-key"_s, QStringLiteral(PEERLINK_SOURCE_DIR "/tests/data/hub-test.key"), &error),
             qPrintable(error));
    Hub hub(config.hub);
    QVERIFY(hub.listen());
    QCOMPARE(hub.serverUrl().scheme(), u"wss"_s);
    // On wss:// QWebSocket frames the socket.io session's packets (Framing::Qt).
    WsClient a, b;
    QVERIFY(a.join(hub.serverPort(), u"tls-a"_s, true));
    QVERIFY(b.join(hub.serverPort(), u"tls-b"_s, true));
    QCOMPARE(a.waitFor("42[\"peer_connect\""), QByteArray(R"(42["peer_connect","tls-b"])"));
    b.send(emitted("message", QJsonObject { { u"to"_s, u"tls-a"_s }, { u"text"_s, u"over TLS"_s } }));
    QVERIFY(a.waitFor("42[\"message\"").contains("over TLS"));
    a.send(emitted("message", u"to all"_s));
    QVERIFY(b.waitFor("42[\"message\"").contains("to all"));
    // And the long-polling transport over TLS (https://), as a default socket.io-client starts.
    PollingClient polling(hub.serverPort(), true);
    QVERIFY(polling.start(u"tls-polling"_s));
    QCOMPARE(a.waitFor("42[\"peer_connect\""), QByteArray(R"(42["peer_connect","tls-polling"])"));
    a.send(emitted("message", QJsonObject { { u"to"_s, u"tls-polling"_s }, { u"text"_s, u"polled over TLS"_s } }));
    QCOMPARE(polling.waitForEvent("message").toObject().value("text"_L1).toString(), u"polled over TLS"_s);
}

void TestEngineIo::invalidBudgetOverWebSocketIsSaidBeforeTheClose()
{
    HubConfig config;
    config.maxInvalidMessages = 3;
    Hub hub(config);
    QVERIFY(hub.listen());
    WsClient ws;
    QVERIFY(ws.join(hub.serverPort(), u"clumsy"_s));
    for (int i = 0; i < 4; ++i)
        ws.send(emitted("no_such_event", QJsonObject { { u"n"_s, i } }));
    for (int i = 0; i < 4; ++i)
        QVERIFY2(ws.waitFor("42[\"error\"").contains("unknown_type"), qPrintable(QString::number(i)));
    // Then socket.io's DISCONNECT (socket.io-client: "io server disconnect", no reconnection) and the close.
    QCOMPARE(ws.waitFor("41"), QByteArray("41"));
    QTRY_VERIFY(ws.socket().state() == QAbstractSocket::UnconnectedState);
    QCOMPARE(int(ws.socket().closeCode()), 1008);
}

void TestEngineIo::getDuringTheUpgradeIsANoop()
{
    Hub hub;
    QVERIFY(hub.listen());
    PollingClient poll(hub.serverPort());
    QVERIFY(poll.start(u"upgrading"_s));
    WsClient ws;
    QVERIFY(ws.open(hub.serverPort(), poll.sid()));
    ws.send("2probe");
    QCOMPARE(ws.waitFor("3probe"), QByteArray("3probe"));
    // socket.io-client pauses polling only once a GET has come back: one sent after the probe's answer is
    // answered at once, not parked.
    QCOMPARE(http(hub.serverPort(), "GET", target(poll.sid()), {}, {}, 2000).body, QByteArray("6"));
    ws.send("5");
    ws.send(emitted("message", u"upgraded"_s));
    RawClient native;
    QVERIFY(native.open(hub.serverUrl()));
    QVERIFY(!native.join(u"native"_s).isEmpty());
    ws.send(emitted("message", u"after the upgrade"_s));
    QCOMPARE(native.waitFor(u"message"_s).value("text"_L1).toString(), u"after the upgrade"_s);
}

void TestEngineIo::emptyPostEndsTheSession()
{
    Hub hub;
    QVERIFY(hub.listen());
    PollingClient c(hub.serverPort());
    QVERIFY(c.start(u"empty"_s));
    QCOMPARE(c.post(QByteArray()).status, 400);
    QTRY_COMPARE(hub.peers().size(), 0);
    QCOMPARE(http(hub.serverPort(), "GET", target(c.sid())).status, 400);
}

void TestEngineIo::disconnectComesBeforeTheEngineClose()
{
    HubConfig config;
    config.maxMessageBytes = 4096;
    Hub hub(config);
    QVERIFY(hub.listen());
    PollingClient c(hub.serverPort());
    QVERIFY(c.start(u"big"_s));
    c.post(emitted("message", QString(5000, u'x')));
    // The error and the DISCONNECT come in one answer, the Engine.IO close only in the next one: socket.io-client
    // handles the DISCONNECT first, and so does not reconnect.
    QList<QByteArray> first = c.get();
    QVERIFY(!first.isEmpty());
    QCOMPARE(first.last(), QByteArray("41"));
    QVERIFY(!first.contains("1"));
    QCOMPARE(c.get(), (QList<QByteArray> { "6", "1" }));
    QCOMPARE(http(hub.serverPort(), "GET", target(c.sid())).status, 400);
}

void TestEngineIo::requestHeadIsBounded()
{
    HubConfig config;
    config.maxRequestHeadBytes = 2048;
    Hub hub(config);
    QVERIFY(hub.listen());
    const QByteArray padding(3000, 'a');
    // Before the first request is sent on: refused as any connection is before its handshake (503).
    const HttpAnswer first = http(hub.serverPort(), "GET", target(), {}, { { "X-Padding", padding } });
    QCOMPARE(first.status, 503);
    // A later request on a kept-alive polling connection: 431.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, hub.serverPort());
    QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000));
    socket.write("GET " + target() + " HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray received;
    QTRY_VERIFY((received += socket.readAll()).contains("\r\n\r\n0{"));
    received.clear();
    socket.write("GET " + target() + " HTTP/1.1\r\nHost: x\r\nX-Padding: " + padding + "\r\n\r\n");
    QTRY_VERIFY((received += socket.readAll()).startsWith("HTTP/1.1 431"));
    // Within the bound, as usual.
    PollingClient ok(hub.serverPort());
    QVERIFY(ok.start(u"fine"_s));
}

void TestEngineIo::callbacksWaitingAreBounded()
{
    HubConfig config;
    config.socketIoMaxPendingAcks = 2;
    config.reconnectGraceMs = 10000; // messages to a peer in its grace wait for it, and so do their callbacks
    Hub hub(config);
    QVERIFY(hub.listen());
    WsClient ws;
    QVERIFY(ws.join(hub.serverPort(), u"asker"_s));
    {
        RawClient away;
        QVERIFY(away.open(hub.serverUrl()));
        QVERIFY(!away.join(u"away"_s).isEmpty());
        QVERIFY(!ws.waitFor("42[\"peer_connect\"").isEmpty());
        away.socket().abort(); // gone without a close: held in its grace
    }
    QTRY_VERIFY(hub.peers().size() == 1);
    for (int i = 1; i <= 3; ++i)
        ws.send(emitted("message", QJsonObject { { u"to"_s, u"away"_s }, { u"text"_s, u"wait"_s } }, i));
    // The third finds two waiting: answered at once, refused.
    const QJsonObject third = QJsonDocument::fromJson(ws.waitFor("433[").mid(3)).array().at(0).toObject();
    QCOMPARE(third.value("code"_L1).toString(), u"rate_limited"_s);
    QVERIFY(ws.waitFor("431[", 200).isEmpty());
    QVERIFY(ws.waitFor("432[", 200).isEmpty());
}

void TestEngineIo::pollingConnectionsPerAddressAreBounded()
{
    HubConfig config;
    config.maxConnectionsPerAddress = 1; // and so two HTTP connections per address
    Hub hub(config);
    QVERIFY(hub.listen());
    std::vector<std::unique_ptr<QTcpSocket>> kept;
    auto keptAlive = [&] {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, hub.serverPort());
        if (!QTest::qWaitFor([&] { return socket->state() == QAbstractSocket::ConnectedState; }, 5000))
            return QByteArray();
        socket->write("GET " + target() + " HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray answer;
        [[maybe_unused]] const bool done = QTest::qWaitFor(
            [&] { return (answer += socket->readAll()).contains("\r\n\r\n"); }, 5000);
        kept.push_back(std::move(socket));
        return answer;
    };
    QVERIFY(keptAlive().startsWith("HTTP/1.1 200"));
    QVERIFY(keptAlive().startsWith("HTTP/1.1 200"));
    QByteArray third = keptAlive();
    QVERIFY2(third.startsWith("HTTP/1.1 503"), third.constData());
    QTRY_VERIFY((third += kept.back()->readAll()).contains("Too many connections from your address"));
    // One goes: the next is let in.
    kept.front()->disconnectFromHost();
    QTRY_VERIFY(kept.front()->state() == QAbstractSocket::UnconnectedState);
    const QByteArray next = keptAlive();
    QVERIFY2(next.startsWith("HTTP/1.1 200"), next.constData());
}

PEERLINK_TEST_MAIN(TestEngineIo)
#include "tst_engineio.moc"
