// A client given several hubs fails over: real Hubs on loopback (two independent ones, as a plain hub is without
// a cluster), a relay that can stop forwarding (a hub that stops answering), a server that never answers, and a
// hand-written hub that refuses resume tokens it does not know (as a cluster hub may).
#include "client/peerclient.h"
#include "hub/hub.h"
#include "hub/hubsettings.h"

#include "testmain.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

/// A TCP relay in front of a hub that can stop forwarding while keeping both connections open: to the client, a
/// hub that stopped answering (its process hung, a network that swallows packets).
class Relay : public QObject
{
public:
    explicit Relay(quint16 upstream)
        : m_upstream(upstream)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection()) {
                auto *hub = new QTcpSocket(client);
                hub->connectToHost(QHostAddress::LocalHost, m_upstream);
                connect(client, &QTcpSocket::readyRead, hub, [this, client, hub] { pass(client, hub); });
                connect(hub, &QTcpSocket::readyRead, client, [this, client, hub] { pass(hub, client); });
                connect(hub, &QTcpSocket::connected, client, [this, client, hub] { pass(client, hub); });
                connect(hub, &QTcpSocket::disconnected, client, [this, client] {
                    if (!m_frozen)
                        client->disconnectFromHost();
                });
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const { return QUrl(u"ws://127.0.0.1:%1"_s.arg(m_server.serverPort())); }
    /// From now on nothing passes, in either direction, and nothing is closed.
    void freeze() { m_frozen = true; }

private:
    void pass(QTcpSocket *from, QTcpSocket *to)
    {
        if (m_frozen || to->state() != QAbstractSocket::ConnectedState)
            return; // what arrives now stays unread
        to->write(from->readAll());
    }

    QTcpServer m_server;
    quint16 m_upstream;
    bool m_frozen = false;
};

/// Accepts TCP connections and never says a word: no WebSocket handshake, no welcome.
class SilentServer : public QTcpServer
{
public:
    SilentServer()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection())
                s->setParent(this);
        });
    }
    QUrl url() const { return QUrl(u"ws://127.0.0.1:%1"_s.arg(serverPort())); }
};

/// A hub written by hand that refuses a join with a resume token it did not issue (`id_taken`, ref `join`), as a
/// hub of a cluster may while it does not know the token; with refuseAll, it refuses a fresh join as well; with
/// clusterUnavailable, every join, as a hub of a cluster does while it cannot reach Redis (and closes with 1008).
class TokenRefusingHub : public QObject
{
public:
    TokenRefusingHub()
        : m_server(u"refusing hub"_s, QWebSocketServer::NonSecureMode)
    {
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            QWebSocket *s = m_server.nextPendingConnection();
            s->setParent(this);
            ++m_connections;
            connect(s, &QWebSocket::textMessageReceived, this, [this, s](const QString &text) {
                const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
                if (frame.value("type"_L1).toString() != u"join")
                    return;
                m_joins.append(frame);
                QJsonObject answer;
                if (clusterUnavailable) { // as a hub of a cluster says while it cannot reach Redis
                    answer = { { u"type"_s, u"error"_s }, { u"code"_s, u"cluster_unavailable"_s },
                               { u"message"_s, u"This hub cannot reach its cluster now."_s }, { u"ref"_s, u"join"_s } };
                    s->sendTextMessage(QString::fromUtf8(QJsonDocument(answer).toJson(QJsonDocument::Compact)));
                    s->close(QWebSocketProtocol::CloseCodePolicyViolated, u"cluster unavailable"_s);
                    return;
                }
                if (refuseAll || !frame.value("resume"_L1).toString().isEmpty()) {
                    answer = { { u"type"_s, u"error"_s }, { u"code"_s, u"id_taken"_s },
                               { u"message"_s, u"The id is already in use on this hub."_s }, { u"ref"_s, u"join"_s } };
                } else {
                    answer = { { u"type"_s, u"welcome"_s }, { u"id"_s, frame.value("id"_L1) }, { u"hub"_s, u"refusing"_s },
                               { u"version"_s, u"peerlink/1"_s },
                               { u"resume"_s, u"0123456789abcdef0123456789abcdef"_s }, { u"peers"_s, QJsonArray() } };
                }
                s->sendTextMessage(QString::fromUtf8(QJsonDocument(answer).toJson(QJsonDocument::Compact)));
            });
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const { return QUrl(u"ws://127.0.0.1:%1"_s.arg(m_server.serverPort())); }
    int connections() const { return m_connections; }
    QList<QJsonObject> joins() const { return m_joins; }
    bool refuseAll = false;
    bool clusterUnavailable = false;

private:
    QWebSocketServer m_server;
    int m_connections = 0;
    QList<QJsonObject> m_joins;
};

/// A port nobody listens on (free a moment ago).
quint16 deadPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

QUrl deadUrl(quint16 port)
{
    return QUrl(u"ws://127.0.0.1:%1"_s.arg(port));
}

/// A client that fails over, with the spies the tests read. A wait between rounds would outlast every bound of these
/// tests: only a move to the next hub at once fits them.
struct Mover
{
    Mover()
    {
        client.setAutoReconnect(true);
        client.setReconnectDelays(60000, 60000);
    }
    /// Connects to @p hubs as "mover" and waits for the welcome.
    bool join(const QList<QUrl> &hubs) { return client.connectToHub(hubs, u"mover"_s) && joined.wait(); }

    PeerClient client;
    QSignalSpy joined { &client, &PeerClient::joined };
    QSignalSpy errors { &client, &PeerClient::errorOccurred };
    QSignalSpy acked { &client, &PeerClient::messageAcked };
    QSignalSpy moved { &client, &PeerClient::hubChanged };
    QSignalSpy reconnecting { &client, &PeerClient::reconnecting };
};

} // namespace

class TestFailover : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void movesToTheNextHubAndIsSeenThere();
    void messageSentWhileMovingArrivesOnce();
    void firstHubDeadAtStartJoinsTheSecond();
    void allDeadThenOneComesBack();
    void unknownTokenOnAPlainHubIsAFreshJoin();
    void refusedTokenJoinsAnewOnce_data();
    void refusedTokenJoinsAnewOnce();
    void hubThatCannotTakeUsIsPassedBy_data();
    void hubThatCannotTakeUsIsPassedBy();
    void silentHubCountsAsDown();
    void frozenHubIsNoticedByTheKeepalive();
    void badAddressAmongSeveralIsRefused();
    void pinPerHub();

private:
    /// A client joined as @p id, on @p url if given (else hub B).
    std::unique_ptr<PeerClient> join(const QString &id, const QUrl &url = QUrl());

    std::unique_ptr<Hub> m_a;
    std::unique_ptr<Hub> m_b;
};

void TestFailover::init()
{
    m_a = std::make_unique<Hub>();
    m_b = std::make_unique<Hub>();
    QVERIFY(m_a->listen(QHostAddress::LocalHost, 0));
    QVERIFY(m_b->listen(QHostAddress::LocalHost, 0));
}

void TestFailover::cleanup()
{
    m_a.reset();
    m_b.reset();
}

std::unique_ptr<PeerClient> TestFailover::join(const QString &id, const QUrl &url)
{
    auto c = std::make_unique<PeerClient>();
    QSignalSpy joined(c.get(), &PeerClient::joined);
    if (!c->connectToHub(url.isEmpty() ? m_b->serverUrl() : url, id) || !joined.wait())
        return nullptr;
    return c;
}

void TestFailover::movesToTheNextHubAndIsSeenThere()
{
    auto watcher = join(u"watcher"_s);
    QVERIFY(watcher);
    QSignalSpy arrived(watcher.get(), &PeerClient::peerConnected);

    Mover m;
    QSignalSpy trying(&m.client, &PeerClient::tryingHub);
    QVERIFY(m.join(QList<QUrl> { m_a->serverUrl(), m_b->serverUrl() }));
    QCOMPARE(m.client.hubUrl(), m_a->serverUrl());
    QCOMPARE(m.client.hubUrls(), QList<QUrl>({ m_a->serverUrl(), m_b->serverUrl() }));
    QCOMPARE(m.moved.size(), 0);
    QCOMPARE(m_a->peerCount(), 1);

    QElapsedTimer clock;
    clock.start();
    m_a->close(); // hub A goes away
    QTRY_COMPARE_WITH_TIMEOUT(m.joined.size(), 2, 5000);
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(m.client.hubUrl(), m_b->serverUrl());
    QCOMPARE(m.client.state(), PeerClient::State::Joined);
    QCOMPARE(m.moved.size(), 1);
    QCOMPARE(m.moved.at(0).at(0).toUrl(), m_b->serverUrl());
    QCOMPARE(trying.size(), 1);
    QCOMPARE(trying.at(0).at(0).toUrl(), m_b->serverUrl());
    QCOMPARE(m.reconnecting.size(), 0); // the next hub at once: no backoff
    QCOMPARE(m.client.reconnectAttempt(), 0);
    // The others on B see it come, and it sees them.
    QTRY_COMPARE(arrived.size(), 1);
    QCOMPARE(arrived.at(0).at(0).toString(), u"mover"_s);
    QVERIFY(m.client.hasPeer(u"watcher"_s));
    QSignalSpy got(watcher.get(), &PeerClient::messageReceived);
    m.client.sendMessage(u"watcher"_s, u"hello from B"_s);
    QVERIFY(got.wait());
    QCOMPARE(got.at(0).at(0).value<ChatMessage>().from, u"mover"_s);
}

void TestFailover::messageSentWhileMovingArrivesOnce()
{
    auto watcher = join(u"watcher"_s);
    QVERIFY(watcher);
    QSignalSpy got(watcher.get(), &PeerClient::messageReceived);

    Mover m;
    QVERIFY(m.join(QList<QUrl> { m_a->serverUrl(), m_b->serverUrl() }));
    // A broadcast on A reaches nobody there, and is acked by A: it is not sent again on B.
    const QString early = m.client.sendMessage(u"before the move"_s);
    QTRY_VERIFY(m.acked.contains(QVariantList { early }));

    QSignalSpy disconnected(&m.client, &PeerClient::disconnected);
    m_a->close();
    QVERIFY(disconnected.wait());
    QVERIFY(!m.client.isJoined());
    // Sent while moving: kept in the outbox, sent once joined on B.
    const QString during = m.client.sendMessage(u"during the move"_s);
    QVERIFY(!during.isEmpty());
    QCOMPARE(m.client.outboxSize(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(m.joined.size(), 2, 5000);
    QTRY_VERIFY(m.acked.contains(QVariantList { during }));
    QCOMPARE(m.client.outboxSize(), 0);
    // One more, to see that nothing else was on its way: the watcher got the one from the move exactly once.
    const QString after = m.client.sendMessage(u"after the move"_s);
    QTRY_COMPARE(got.size(), 2);
    QCOMPARE(got.at(0).at(0).value<ChatMessage>().mid, during);
    QCOMPARE(got.at(0).at(0).value<ChatMessage>().text, u"during the move"_s);
    QCOMPARE(got.at(1).at(0).value<ChatMessage>().mid, after);
    QCOMPARE(m.errors.size(), 0);
}

void TestFailover::firstHubDeadAtStartJoinsTheSecond()
{
    const quint16 dead = deadPort();
    QVERIFY(dead != 0);
    PeerClient client; // no auto-reconnect: the first connection still goes through the list
    QSignalSpy joined(&client, &PeerClient::joined);
    QSignalSpy moved(&client, &PeerClient::hubChanged);
    QSignalSpy reconnecting(&client, &PeerClient::reconnecting);
    QVERIFY(client.connectToHub(QList<QUrl> { deadUrl(dead), m_b->serverUrl() }, u"late"_s));
    QVERIFY(joined.wait());
    QCOMPARE(client.hubUrl(), m_b->serverUrl());
    QCOMPARE(moved.size(), 0); // not a move: the first join of the session
    QCOMPARE(reconnecting.size(), 0);
    QCOMPARE(m_b->peers().at(0).id, u"late"_s);

    // Every hub dead at the start: one round, then it gives up (as with one hub).
    PeerClient lonely;
    QSignalSpy disconnected(&lonely, &PeerClient::disconnected);
    QVERIFY(lonely.connectToHub(QList<QUrl> { deadUrl(dead), deadUrl(deadPort()) }, u"lonely"_s));
    QTRY_COMPARE(lonely.state(), PeerClient::State::Disconnected);
    QCOMPARE(disconnected.size(), 2); // one for each hub
}

void TestFailover::allDeadThenOneComesBack()
{
    const quint16 portB = m_b->serverPort();
    m_b.reset(); // B is down from the start
    PeerClient client;
    client.setAutoReconnect(true);
    client.setReconnectDelays(50, 200);
    QSignalSpy joined(&client, &PeerClient::joined);
    QSignalSpy reconnecting(&client, &PeerClient::reconnecting);
    QSignalSpy trying(&client, &PeerClient::tryingHub);
    QVERIFY(client.connectToHub(QList<QUrl> { m_a->serverUrl(), deadUrl(portB) }, u"patient"_s));
    QVERIFY(joined.wait());
    m_a.reset(); // now both are down
    // Rounds over both hubs, with the backoff between rounds only, bounded by its largest delay.
    QTRY_VERIFY_WITH_TIMEOUT(reconnecting.size() >= 3, 10000);
    for (const auto &args : std::as_const(reconnecting))
        QVERIFY(args.at(1).toInt() <= 200);
    QVERIFY(trying.size() >= 2 * reconnecting.size() - 1); // both hubs in every round
    QCOMPARE(client.state() == PeerClient::State::Joined, false);

    // B comes back: the client joins it by itself.
    m_b = std::make_unique<Hub>();
    QVERIFY(m_b->listen(QHostAddress::LocalHost, portB));
    QTRY_VERIFY_WITH_TIMEOUT(client.isJoined(), 10000);
    QCOMPARE(client.hubUrl(), deadUrl(portB));
    QCOMPARE(joined.size(), 2);
    QCOMPARE(client.reconnectAttempt(), 0);
    QCOMPARE(m_b->peers().at(0).id, u"patient"_s);
}

void TestFailover::unknownTokenOnAPlainHubIsAFreshJoin()
{
    QList<QJsonObject> joinsOnB;
    m_b->setFrameObserver([&joinsOnB](bool incoming, QByteArrayView utf8) {
        const QJsonObject frame = QJsonDocument::fromJson(utf8.toByteArray()).object();
        if (incoming && frame.value("type"_L1).toString() == u"join")
            joinsOnB.append(frame);
    });
    auto watcher = join(u"watcher"_s);
    QVERIFY(watcher);
    QSignalSpy arrived(watcher.get(), &PeerClient::peerConnected);
    Mover m;
    QVERIFY(m.join(QList<QUrl> { m_a->serverUrl(), m_b->serverUrl() }));
    const QString tokenFromA = m.client.resumeToken();
    QVERIFY(!tokenFromA.isEmpty());
    joinsOnB.clear();

    m_a->close();
    QTRY_COMPARE_WITH_TIMEOUT(m.joined.size(), 2, 5000);
    // The client offered its session to B exactly as on a reconnect; B, a hub of its own, never issued that token and
    // the id was free there, so it took it as a new session: a new token, and the others saw a join.
    QCOMPARE(joinsOnB.size(), 1);
    QCOMPARE(joinsOnB.at(0).value("resume"_L1).toString(), tokenFromA);
    QVERIFY(m.client.resumeToken() != tokenFromA);
    QTRY_COMPARE(arrived.size(), 1);
    QCOMPARE(m.errors.size(), 0);
    // No loop: it stays joined on B, one connection.
    QSignalSpy got(watcher.get(), &PeerClient::messageReceived);
    m.client.sendMessage(u"watcher"_s, u"settled"_s);
    QVERIFY(got.wait());
    QCOMPARE(m.joined.size(), 2);
    QCOMPARE(joinsOnB.size(), 1);
    QCOMPARE(m_b->peerCount(), 2);
}

void TestFailover::refusedTokenJoinsAnewOnce_data()
{
    QTest::addColumn<bool>("refuseAll");
    QTest::newRow("token refused, fresh join welcomed") << false;
    QTest::newRow("both refused: reported, no loop") << true;
}

void TestFailover::refusedTokenJoinsAnewOnce()
{
    QFETCH(bool, refuseAll);
    TokenRefusingHub refusing;
    refusing.refuseAll = refuseAll;
    QVERIFY(refusing.listen());
    Mover m;
    QVERIFY(m.join(QList<QUrl> { m_a->serverUrl(), refusing.url() }));
    const QString tokenFromA = m.client.resumeToken();
    m_a->close();
    QTRY_COMPARE_WITH_TIMEOUT(refusing.joins().size(), 2, 5000);
    QCOMPARE(refusing.joins().at(0).value("resume"_L1).toString(), tokenFromA);
    QVERIFY(!refusing.joins().at(1).contains("resume"_L1)); // the fresh join, on the same connection
    if (refuseAll) {
        QTRY_COMPARE(m.errors.size(), 1);
        QCOMPARE(m.errors.at(0).at(0).value<ClientError>().codeName, u"id_taken"_s);
        QCOMPARE(m.joined.size(), 1);
    } else {
        QTRY_COMPARE(m.joined.size(), 2);
        QCOMPARE(m.client.hubUrl(), refusing.url());
        QCOMPARE(m.client.resumeToken(), u"0123456789abcdef0123456789abcdef"_s);
        QCOMPARE(m.errors.size(), 0);
    }
    // Either way once, on one connection: the answer to a join is the hub's word, not a reason to try again (a
    // refused join then waits for the hub to close it, as with one hub).
    QCOMPARE(m.client.state(), refuseAll ? PeerClient::State::Joining : PeerClient::State::Joined);
    QCOMPARE(refusing.connections(), 1);
    QCOMPARE(refusing.joins().size(), 2);
}

void TestFailover::hubThatCannotTakeUsIsPassedBy_data()
{
    QTest::addColumn<bool>("full");
    QTest::addColumn<QString>("code");
    QTest::newRow("full") << true << u"hub_full"_s;
    QTest::newRow("cut off from its cluster") << false << u"cluster_unavailable"_s;
}

void TestFailover::hubThatCannotTakeUsIsPassedBy()
{
    // A refusal that says "not now" (the hub is full, or cannot reach its cluster), not "not you": the next hub is
    // tried, and the refusal is told only when no hub is left.
    QFETCH(bool, full);
    QFETCH(QString, code);
    HubConfig config;
    config.maxPeers = 1;
    Hub fullHub(config);
    QVERIFY(fullHub.listen(QHostAddress::LocalHost, 0));
    TokenRefusingHub cutOff;
    cutOff.clusterUnavailable = true;
    QVERIFY(cutOff.listen());
    const QUrl busy = full ? fullHub.serverUrl() : cutOff.url();
    auto occupant = join(u"occupant"_s, fullHub.serverUrl());
    QVERIFY(occupant);

    PeerClient client;
    QSignalSpy joined(&client, &PeerClient::joined);
    QSignalSpy errors(&client, &PeerClient::errorOccurred);
    QVERIFY(client.connectToHub(QList<QUrl> { busy, m_b->serverUrl() }, u"guest"_s));
    QVERIFY(joined.wait());
    QCOMPARE(client.hubUrl(), m_b->serverUrl());
    QCOMPARE(errors.size(), 0);

    // The same hub alone: refused, in the hub's words, as before.
    PeerClient alone;
    QSignalSpy aloneErrors(&alone, &PeerClient::errorOccurred);
    QSignalSpy aloneDisconnected(&alone, &PeerClient::disconnected);
    QVERIFY(alone.connectToHub(busy, u"alone"_s));
    QTRY_COMPARE(alone.state(), PeerClient::State::Disconnected);
    QCOMPARE(aloneErrors.size(), 1);
    QCOMPARE(aloneErrors.at(0).at(0).value<ClientError>().codeName, code);
    QCOMPARE(aloneDisconnected.size(), 1);
}

void TestFailover::silentHubCountsAsDown()
{
    PeerClient client;
    QCOMPARE(client.joinTimeout(), 10000); // the default
    client.setJoinTimeout(300);
    QCOMPARE(client.joinTimeout(), 300);
    SilentServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    QSignalSpy joined(&client, &PeerClient::joined);
    QSignalSpy disconnected(&client, &PeerClient::disconnected);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(client.connectToHub(QList<QUrl> { silent.url(), m_b->serverUrl() }, u"waiting"_s));
    QVERIFY(joined.wait());
    QVERIFY(clock.elapsed() >= 250); // (a coarse timer may fire 5% early)
    QCOMPARE(client.hubUrl(), m_b->serverUrl());
    QCOMPARE(disconnected.size(), 1);
    QVERIFY2(disconnected.at(0).at(0).toString().contains(u"did not answer"_s),
             qPrintable(disconnected.at(0).at(0).toString()));
}

void TestFailover::frozenHubIsNoticedByTheKeepalive()
{
    auto watcher = join(u"watcher"_s);
    QVERIFY(watcher);
    QSignalSpy got(watcher.get(), &PeerClient::messageReceived);
    Relay relay(m_a->serverPort());
    QVERIFY(relay.listen());
    Mover m;
    QCOMPARE(m.client.hubKeepaliveInterval(), 15000);
    QCOMPARE(m.client.hubKeepaliveTimeout(), 15000);
    m.client.setHubKeepalive(100, 300);
    QCOMPARE(m.client.hubKeepaliveInterval(), 100);
    QSignalSpy disconnected(&m.client, &PeerClient::disconnected);
    QVERIFY(m.join(QList<QUrl> { relay.url(), m_b->serverUrl() }));
    relay.freeze(); // hub A stops answering, its connection stays open
    // Sent into the silence: never acked there, so it goes again on B.
    const QString mid = m.client.sendMessage(u"into the silence"_s);
    QVERIFY(!mid.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m.joined.size(), 2, 5000);
    QVERIFY2(disconnected.at(0).at(0).toString().contains(u"stopped answering"_s),
             qPrintable(disconnected.at(0).at(0).toString()));
    QCOMPARE(m.client.hubUrl(), m_b->serverUrl());
    QTRY_VERIFY(m.acked.contains(QVariantList { mid }));
    const QString after = m.client.sendMessage(u"after"_s);
    QTRY_COMPARE(got.size(), 2);
    QCOMPARE(got.at(0).at(0).value<ChatMessage>().mid, mid);
    QCOMPARE(got.at(1).at(0).value<ChatMessage>().mid, after);
}

void TestFailover::badAddressAmongSeveralIsRefused()
{
    PeerClient client;
    QSignalSpy errors(&client, &PeerClient::errorOccurred);
    QVERIFY(!client.connectToHub(QList<QUrl> { m_a->serverUrl(), QUrl(u"http://example.invalid/"_s) }, u"me"_s));
    QCOMPARE(errors.size(), 1);
    const QString message = errors.at(0).at(0).value<ClientError>().message;
    QVERIFY2(message.contains(u"2 of 2"_s) && message.contains(u"http://example.invalid/"_s), qPrintable(message));
    QVERIFY(!client.connectToHub(QList<QUrl>(), u"me"_s));
    QCOMPARE(errors.size(), 2);
    QCOMPARE(client.state(), PeerClient::State::Disconnected);
    // Duplicates are dropped, the order kept.
    QVERIFY(client.connectToHub(QList<QUrl> { m_a->serverUrl(), m_b->serverUrl(), m_a->serverUrl() }, u"me"_s));
    QCOMPARE(client.hubUrls(), QList<QUrl>({ m_a->serverUrl(), m_b->serverUrl() }));
}

void TestFailover::pinPerHub()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS library");
    const QString cert = QStringLiteral(PEERLINK_SOURCE_DIR "/tests/data/hub-test.crt");
    const QString key = QStringLiteral(PEERLINK_SOURCE_DIR "/tests/data/hub-test.key");
    HubServiceConfig config;
    QString error;
    QVERIFY2(applyHubSetting(config, u"tls-cert"_s, cert, &error), qPrintable(error));
    QVERIFY2(applyHubSetting(config, u"tls-key"_s, key, &error), qPrintable(error));
    auto a = std::make_unique<Hub>(config.hub);
    auto b = std::make_unique<Hub>(config.hub);
    auto c = std::make_unique<Hub>(config.hub);
    for (Hub *hub : { a.get(), b.get(), c.get() })
        QVERIFY2(hub->listen(QHostAddress::LocalHost, 0), qPrintable(hub->errorString()));
    const QString fingerprint = a->certificateFingerprint();

    // A pin for each hub (their certificates may differ); C has none and no pin for every hub is set.
    Mover m;
    m.client.setPinnedFingerprint(a->serverUrl(), fingerprint);
    m.client.setPinnedFingerprint(b->serverUrl(), fingerprint.toLower());
    QCOMPARE(m.client.pinnedFingerprint(c->serverUrl()), QString());
    QSignalSpy untrusted(&m.client, &PeerClient::certificateUntrusted);
    QVERIFY(m.join(QList<QUrl> { a->serverUrl(), c->serverUrl(), b->serverUrl() }));
    QCOMPARE(m.client.hubUrl(), a->serverUrl());
    a->close();
    // C's certificate is not trusted: reported, left out, and the client goes on to B, whose pin is its own.
    QTRY_COMPARE_WITH_TIMEOUT(m.joined.size(), 2, 5000);
    QCOMPARE(untrusted.size(), 1);
    QCOMPARE(untrusted.at(0).at(0).toString(), fingerprint);
    QCOMPARE(m.client.hubUrl(), b->serverUrl());
    QCOMPARE(m.client.hubFingerprint(), fingerprint);

    // One pin for every hub: applies wherever a hub has none of its own.
    PeerClient any;
    any.setPinnedFingerprint(fingerprint);
    QCOMPARE(any.pinnedFingerprint(c->serverUrl()), fingerprint);
    any.setPinnedFingerprint(c->serverUrl(), u"00"_s);
    QCOMPARE(any.pinnedFingerprint(c->serverUrl()), u"00"_s);
    QSignalSpy anyJoined(&any, &PeerClient::joined);
    QVERIFY(any.connectToHub(QList<QUrl> { c->serverUrl() }, u"any"_s));
    QSignalSpy anyUntrusted(&any, &PeerClient::certificateUntrusted);
    QVERIFY(anyUntrusted.wait()); // its own (wrong) pin wins over the one for every hub
    any.setPinnedFingerprint(c->serverUrl(), QString());
    QTRY_COMPARE(any.state(), PeerClient::State::Disconnected);
    QVERIFY(any.connectToHub(QList<QUrl> { c->serverUrl() }, u"any"_s));
    QVERIFY(anyJoined.wait());
}

PEERLINK_TEST_MAIN(TestFailover)
#include "tst_failover.moc"
