// PeerClient against a real Hub on loopback: the tutorial's scenario through the client API, the peer list,
// errors reported in the client's terms.
#include "client/peerclient.h"
#include "hub/hub.h"

#include "testmain.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {
// The hub lists the peers of a welcome in no promised order.
QList<PeerInfo> sortedById(QList<PeerInfo> peers)
{
    std::sort(peers.begin(), peers.end(), [](const PeerInfo &x, const PeerInfo &y) { return x.id < y.id; });
    return peers;
}
} // namespace

class TestPeerClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void tutorialScenario();
    void peerListStaysCorrect();
    void broadcastAndDirect();
    void idTakenIsReported();
    void wrongPasswordIsReported();
    void peerUnavailableIsReported();
    void unreachableHubIsReported();
    void invalidInputIsRefusedLocally();
    void hubShutdownDisconnects();
    void oversizedMessageFromTheHubClosesWith1009();
    void reconnectsAcrossAHubRestart();
    void rejoinsAfterItsSocketDrops();
    void peerThatDoesNotComeBackIsAnnouncedAfterTheGrace();
    void noReconnectAfterKickOrLeave();
    void numberedStreamsSurviveAHubRestartExactlyOnce();

private:
    std::unique_ptr<PeerClient> join(const QString &id, const PeerClient::JoinOptions &options = {});
    std::unique_ptr<Hub> m_hub;
};

void TestPeerClient::init()
{
    m_hub = std::make_unique<Hub>();
    QVERIFY(m_hub->listen(QHostAddress::LocalHost, 0));
}

void TestPeerClient::cleanup()
{
    m_hub.reset();
}

std::unique_ptr<PeerClient> TestPeerClient::join(const QString &id, const PeerClient::JoinOptions &options)
{
    auto c = std::make_unique<PeerClient>();
    QSignalSpy joined(c.get(), &PeerClient::joined);
    if (!c->connectToHub(m_hub->serverUrl(), id, options) || !joined.wait())
        return nullptr;
    return c;
}

void TestPeerClient::tutorialScenario()
{
    PeerClient node1;
    QSignalSpy connected1(&node1, &PeerClient::connected);
    QSignalSpy joined1(&node1, &PeerClient::joined);
    QSignalSpy peerConnected1(&node1, &PeerClient::peerConnected);
    QVERIFY(node1.connectToHub(m_hub->serverUrl(), u"node1"_s));
    QCOMPARE(node1.state(), PeerClient::State::Connecting);
    QVERIFY(joined1.wait());
    QCOMPARE(connected1.size(), 1);
    QCOMPARE(joined1.at(0).at(0).toString(), u"node1"_s);
    QCOMPARE(joined1.at(0).at(1).toString(), u"PeerLink hub"_s);
    QVERIFY(node1.isJoined());
    QVERIFY(node1.peers().isEmpty());

    PeerClient node2;
    QSignalSpy joined2(&node2, &PeerClient::joined);
    QSignalSpy connectRequested2(&node2, &PeerClient::connectRequested);
    QSignalSpy received2(&node2, &PeerClient::messageReceived);
    QSignalSpy peerDisconnected2(&node2, &PeerClient::peerDisconnected);
    QVERIFY(node2.connectToHub(m_hub->serverUrl(), u"node2"_s));
    QVERIFY(joined2.wait());
    QCOMPARE(node2.peers(), QList<PeerInfo>({ { u"node1"_s, QString() } }));
    QTRY_COMPARE(peerConnected1.size(), 1);
    QCOMPARE(peerConnected1.at(0).at(0).toString(), u"node2"_s);
    QVERIFY(node1.hasPeer(u"node2"_s));

    QVERIFY(node1.connectToPeer(u"node2"_s));
    QVERIFY(connectRequested2.wait());
    QCOMPARE(connectRequested2.at(0).at(0).toString(), u"node1"_s);

    QSignalSpy acked1(&node1, &PeerClient::messageAcked);
    const QString mid = node1.sendMessage(u"node2"_s, u"hello world!"_s);
    QVERIFY(!mid.isEmpty());
    QVERIFY(received2.wait());
    QCOMPARE(received2.at(0).at(0).value<ChatMessage>().from, u"node1"_s);
    QCOMPARE(received2.at(0).at(0).value<ChatMessage>().text, u"hello world!"_s);
    QCOMPARE(received2.at(0).at(0).value<ChatMessage>().to, u"node2"_s);
    QCOMPARE(received2.at(0).at(0).value<ChatMessage>().mid, mid);
    QVERIFY(received2.at(0).at(0).value<ChatMessage>().ts > 0);
    QTRY_COMPARE(acked1.size(), 1);
    QCOMPARE(acked1.at(0).at(0).toString(), mid);

    QSignalSpy disconnected1(&node1, &PeerClient::disconnected);
    node1.disconnectFromHub();
    QVERIFY(peerDisconnected2.wait());
    QCOMPARE(peerDisconnected2.at(0).at(0).toString(), u"node1"_s);
    QVERIFY(node2.peers().isEmpty());
    QTRY_COMPARE(disconnected1.size(), 1);
    QCOMPARE(node1.state(), PeerClient::State::Disconnected);
    QVERIFY(node1.peers().isEmpty());
}

void TestPeerClient::peerListStaysCorrect()
{
    auto a = join(u"a"_s);
    auto b = join(u"b"_s, { u"Bee"_s, QString() });
    auto c = join(u"c"_s);
    QVERIFY(a && b && c);
    QTRY_COMPARE(a->peers().size(), 2);
    QCOMPARE(a->peerName(u"b"_s), u"Bee"_s);
    QCOMPARE(sortedById(c->peers()), QList<PeerInfo>({ { u"a"_s, QString() }, { u"b"_s, u"Bee"_s } }));
    b.reset(); // closes the socket without leave
    QTRY_VERIFY(!a->hasPeer(u"b"_s));
    QTRY_VERIFY(!c->hasPeer(u"b"_s));
    auto d = join(u"d"_s, { u"迪"_s, QString() });
    QVERIFY(d);
    QTRY_COMPARE(sortedById(a->peers()), QList<PeerInfo>({ { u"c"_s, QString() }, { u"d"_s, u"迪"_s } }));
    QCOMPARE(d->peers().size(), 2);
    QCOMPARE(m_hub->peerCount(), 3);
}

void TestPeerClient::broadcastAndDirect()
{
    auto a = join(u"a"_s);
    auto b = join(u"b"_s);
    auto c = join(u"c"_s);
    QVERIFY(a && b && c);
    QSignalSpy toA(a.get(), &PeerClient::messageReceived);
    QSignalSpy toB(b.get(), &PeerClient::messageReceived);
    QSignalSpy toC(c.get(), &PeerClient::messageReceived);
    a->sendMessage(u"everyone"_s);
    QTRY_COMPARE(toB.size(), 1);
    QTRY_COMPARE(toC.size(), 1);
    QVERIFY(toB.at(0).at(0).value<ChatMessage>().to.isEmpty()); // no `to`: a broadcast
    c->sendMessage(u"b"_s, u"just b"_s);
    QTRY_COMPARE(toB.size(), 2);
    QCOMPARE(toB.at(1).at(0).value<ChatMessage>().text, u"just b"_s);
    // Nobody else got the direct one, and the broadcaster got no echo.
    b->sendMessage(u"a"_s, u"sync"_s);
    QTRY_COMPARE(toA.size(), 1);
    QCOMPARE(toA.at(0).at(0).value<ChatMessage>().text, u"sync"_s);
    QCOMPARE(toC.size(), 1);
}

void TestPeerClient::idTakenIsReported()
{
    auto first = join(u"same"_s);
    QVERIFY(first);
    PeerClient second;
    QSignalSpy errors(&second, &PeerClient::errorOccurred);
    QVERIFY(second.connectToHub(m_hub->serverUrl(), u"same"_s));
    QVERIFY(errors.wait());
    QCOMPARE(errors.at(0).at(0).value<ClientError>().codeName, u"id_taken"_s);
    QVERIFY(!second.isJoined());
}

void TestPeerClient::wrongPasswordIsReported()
{
    HubConfig config;
    config.password = u"right"_s;
    m_hub = std::make_unique<Hub>(config);
    QVERIFY(m_hub->listen());
    PeerClient client;
    QSignalSpy errors(&client, &PeerClient::errorOccurred);
    QSignalSpy disconnected(&client, &PeerClient::disconnected);
    QVERIFY(client.connectToHub(m_hub->serverUrl(), u"x"_s, { QString(), u"wrong"_s }));
    QVERIFY(disconnected.wait());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<ClientError>().codeName, u"auth_failed"_s);
    QCOMPARE(client.lastCloseCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QVERIFY(join(u"y"_s, { QString(), u"right"_s }));
}

void TestPeerClient::peerUnavailableIsReported()
{
    auto a = join(u"a"_s);
    QVERIFY(a);
    QSignalSpy errors(a.get(), &PeerClient::errorOccurred);
    const QString mid = a->sendMessage(u"ghost"_s, u"boo"_s);
    QVERIFY(errors.wait());
    QCOMPARE(errors.at(0).at(0).value<ClientError>().codeName, u"peer_unavailable"_s);
    QCOMPARE(errors.at(0).at(0).value<ClientError>().ref, mid);
}

void TestPeerClient::unreachableHubIsReported()
{
    // A port that was free a moment ago, with nobody listening.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    PeerClient client;
    QSignalSpy disconnected(&client, &PeerClient::disconnected);
    QVERIFY(client.connectToHub(QUrl(u"ws://127.0.0.1:%1"_s.arg(port)), u"lonely"_s));
    QVERIFY(disconnected.wait());
    QVERIFY(!disconnected.at(0).at(0).toString().isEmpty());
    QCOMPARE(client.state(), PeerClient::State::Disconnected);
}

void TestPeerClient::invalidInputIsRefusedLocally()
{
    PeerClient client;
    QSignalSpy errors(&client, &PeerClient::errorOccurred);
    QVERIFY(!client.connectToHub(m_hub->serverUrl(), u"bad id"_s));
    QCOMPARE(errors.at(0).at(0).value<ClientError>().codeName, u"invalid_id"_s);
    QVERIFY(!client.connectToHub(QUrl(u"http://example.invalid/"_s), u"ok"_s));
    QVERIFY(!client.connectToHub(m_hub->serverUrl(), u"ok"_s, { u"bad\nname"_s, QString() }));
    QVERIFY(client.sendMessage(u"not joined yet"_s).isEmpty());
    QCOMPARE(errors.last().at(0).value<ClientError>().codeName, u"not_joined"_s);
    QCOMPARE(client.state(), PeerClient::State::Disconnected);

    auto a = join(u"a"_s);
    QVERIFY(a);
    QSignalSpy aErrors(a.get(), &PeerClient::errorOccurred);
    QVERIFY(a->sendMessage(u"in valid"_s, u"x"_s).isEmpty());
    QVERIFY(!a->connectToPeer(u"in valid"_s));
    QCOMPARE(aErrors.size(), 2);
    QCOMPARE(aErrors.at(0).at(0).value<ClientError>().codeName, u"invalid_id"_s);
    // Too large to send: refused here, before the hub (or a direct link) sees it.
    a->setMaxOutgoingMessageBytes(200);
    QVERIFY(a->sendMessage(QString(150, u'x')).size() > 0);
    QVERIFY(a->sendMessage(QString(300, u'x')).isEmpty());
    QCOMPARE(aErrors.last().at(0).value<ClientError>().codeName, u"too_large"_s);
    QVERIFY(a->isJoined());
}

void TestPeerClient::hubShutdownDisconnects()
{
    auto a = join(u"a"_s);
    QVERIFY(a);
    QSignalSpy disconnected(a.get(), &PeerClient::disconnected);
    m_hub->close();
    QVERIFY(disconnected.wait());
    QCOMPARE(a->lastCloseCode(), QWebSocketProtocol::CloseCodeGoingAway);
    QVERIFY(disconnected.at(0).at(0).toString().contains(u"shutting down"_s));
}

void TestPeerClient::oversizedMessageFromTheHubClosesWith1009()
{
    auto sender = join(u"sender"_s);
    QVERIFY(sender);
    PeerClient small;
    small.setMaxIncomingMessageBytes(1000);
    QSignalSpy joined(&small, &PeerClient::joined);
    QVERIFY(small.connectToHub(m_hub->serverUrl(), u"small"_s));
    QVERIFY(joined.wait());
    QSignalSpy disconnected(&small, &PeerClient::disconnected);
    sender->sendMessage(QString(5000, u'x')); // fine for the hub, too big for this client
    QVERIFY(disconnected.wait());
    QCOMPARE(small.lastCloseCode(), QWebSocketProtocol::CloseCodeTooMuchData);
}

void TestPeerClient::reconnectsAcrossAHubRestart()
{
    const quint16 port = m_hub->serverPort();
    PeerClient client;
    client.setAutoReconnect(true);
    client.setReconnectDelays(50, 400);
    QSignalSpy joined(&client, &PeerClient::joined);
    QVERIFY(client.connectToHub(m_hub->serverUrl(), u"phoenix"_s, { u"Phoenix"_s, QString() }));
    QVERIFY(joined.wait());
    auto other = join(u"other"_s);
    QVERIFY(other);
    QTRY_COMPARE(client.peers().size(), 1);

    QSignalSpy reconnecting(&client, &PeerClient::reconnecting);
    QSignalSpy disconnected(&client, &PeerClient::disconnected);
    other.reset();
    m_hub.reset(); // the hub dies: every connection drops
    QTRY_COMPARE(client.state(), PeerClient::State::Reconnecting);
    QCOMPARE(disconnected.size(), 1);
    QVERIFY(client.peers().isEmpty());
    // While nobody listens, attempts keep failing and the delay grows, up to its cap.
    QTRY_VERIFY_WITH_TIMEOUT(reconnecting.size() >= 3, 10000);
    for (const auto &args : std::as_const(reconnecting))
        QVERIFY(args.at(1).toInt() <= 400);

    // A hub comes back on the same port: the client joins again under the same id, by itself.
    m_hub = std::make_unique<Hub>();
    QVERIFY(m_hub->listen(QHostAddress::LocalHost, port));
    QTRY_VERIFY_WITH_TIMEOUT(client.isJoined(), 10000);
    QCOMPARE(joined.size(), 2);
    QCOMPARE(client.reconnectAttempt(), 0);
    QCOMPARE(m_hub->peers().at(0).id, u"phoenix"_s);
    QCOMPARE(m_hub->peers().at(0).name, u"Phoenix"_s);
}

void TestPeerClient::rejoinsAfterItsSocketDrops()
{
    // The connection breaks under the client (no close frame, no leave): it comes back by itself under the same
    // id and is reachable again. (The wire-level resume of a session the hub still holds is tested in tst_hub.)
    PeerClient client;
    client.setAutoReconnect(true);
    client.setReconnectDelays(20, 100);
    QSignalSpy joined(&client, &PeerClient::joined);
    QVERIFY(client.connectToHub(m_hub->serverUrl(), u"blinker"_s));
    QVERIFY(joined.wait());
    auto watcher = join(u"watcher"_s);
    QVERIFY(watcher);
    QTRY_VERIFY(watcher->hasPeer(u"blinker"_s));
    QSignalSpy errors(&client, &PeerClient::errorOccurred);
    QSignalSpy left(watcher.get(), &PeerClient::peerDisconnected);
    QSignalSpy came(watcher.get(), &PeerClient::peerConnected);
    QSignalSpy watcherAcked(watcher.get(), &PeerClient::messageAcked);

    QWebSocket *socket = client.findChild<QWebSocket *>();
    QVERIFY(socket);
    socket->abort();
    // While it is away, a message for it waits at the hub (no ack yet).
    QSignalSpy got(&client, &PeerClient::messageReceived);
    const QString mid = watcher->sendMessage(u"blinker"_s, u"while you were away"_s);
    QTRY_VERIFY_WITH_TIMEOUT(joined.size() == 2, 10000);
    QTRY_COMPARE(got.size(), 1);
    QCOMPARE(got.at(0).at(0).value<ChatMessage>().text, u"while you were away"_s);
    QTRY_COMPARE(watcherAcked.size(), 1);
    QCOMPARE(watcherAcked.at(0).at(0).toString(), mid);
    QCOMPARE(errors.size(), 0);
    // Within the hub's grace period, the others saw no leave and no join: no flicker.
    QCOMPARE(left.size(), 0);
    QCOMPARE(came.size(), 0);
    QVERIFY(client.hasPeer(u"watcher"_s));
    QCOMPARE(m_hub->peerCount(), 2);
}

void TestPeerClient::peerThatDoesNotComeBackIsAnnouncedAfterTheGrace()
{
    HubConfig config;
    config.reconnectGraceMs = 500;
    m_hub = std::make_unique<Hub>(config);
    QVERIFY(m_hub->listen());
    auto watcher = join(u"watcher"_s);
    auto gone = join(u"gone"_s);
    QVERIFY(watcher && gone);
    QTRY_VERIFY(watcher->hasPeer(u"gone"_s));
    QSignalSpy left(watcher.get(), &PeerClient::peerDisconnected);
    QSignalSpy errors(watcher.get(), &PeerClient::errorOccurred);
    QElapsedTimer clock;
    clock.start();
    gone->findChild<QWebSocket *>()->abort(); // and it never comes back
    const QString mid = watcher->sendMessage(u"gone"_s, u"hello?"_s);
    QVERIFY(left.wait(5000));
    QVERIFY(clock.elapsed() >= 400); // not at once: after the grace
    QCOMPARE(left.at(0).at(0).toString(), u"gone"_s);
    QTRY_COMPARE(errors.size(), 1); // what waited for it is refused, not silently lost
    QCOMPARE(errors.at(0).at(0).value<ClientError>().codeName, u"peer_unavailable"_s);
    QCOMPARE(errors.at(0).at(0).value<ClientError>().ref, mid);
}

void TestPeerClient::noReconnectAfterKickOrLeave()
{
    PeerClient client;
    client.setAutoReconnect(true);
    client.setReconnectDelays(20, 50);
    QSignalSpy joined(&client, &PeerClient::joined);
    QSignalSpy reconnecting(&client, &PeerClient::reconnecting);
    QVERIFY(client.connectToHub(m_hub->serverUrl(), u"kicked"_s));
    QVERIFY(joined.wait());
    QSignalSpy disconnected(&client, &PeerClient::disconnected);
    QVERIFY(m_hub->kick(u"kicked"_s));
    QVERIFY(disconnected.wait());
    QCOMPARE(client.state(), PeerClient::State::Disconnected);
    QCOMPARE(reconnecting.size(), 0);

    // Leaving while a reconnect is pending cancels it.
    QVERIFY(client.connectToHub(m_hub->serverUrl(), u"leaver"_s));
    QVERIFY(joined.wait());
    const quint16 port = m_hub->serverPort();
    m_hub.reset();
    QTRY_COMPARE(client.state(), PeerClient::State::Reconnecting);
    client.disconnectFromHub();
    QCOMPARE(client.state(), PeerClient::State::Disconnected);
    m_hub = std::make_unique<Hub>();
    QVERIFY(m_hub->listen(QHostAddress::LocalHost, port));
    // Give a pending attempt every chance to fire: a marker peer joins and leaves, and the leaver is not back.
    auto marker = join(u"marker"_s);
    QVERIFY(marker);
    QCOMPARE(m_hub->peerCount(), 1);
    QCOMPARE(client.state(), PeerClient::State::Disconnected);
}

void TestPeerClient::numberedStreamsSurviveAHubRestartExactlyOnce()
{
    // a and b send each other numbered streams, 40 messages a second each (well inside the hub's default rate);
    // half-way the hub dies and another starts on the same port 300 ms later. Every number must arrive exactly once.
    const quint16 port = m_hub->serverPort();
    PeerClient a, b;
    for (PeerClient *c : { &a, &b }) {
        c->setAutoReconnect(true);
        c->setReconnectDelays(50, 200);
    }
    QSignalSpy aJoined(&a, &PeerClient::joined), bJoined(&b, &PeerClient::joined);
    QVERIFY(a.connectToHub(m_hub->serverUrl(), u"a"_s));
    QVERIFY(b.connectToHub(m_hub->serverUrl(), u"b"_s));
    QTRY_VERIFY(aJoined.size() == 1 && bJoined.size() == 1 && a.hasPeer(u"b"_s) && b.hasPeer(u"a"_s));

    QStringList atA, atB;
    connect(&a, &PeerClient::messageReceived, this, [&atA](const ChatMessage &m) { atA.append(m.text); });
    connect(&b, &PeerClient::messageReceived, this, [&atB](const ChatMessage &m) { atB.append(m.text); });
    QSignalSpy aErrors(&a, &PeerClient::errorOccurred), bErrors(&b, &PeerClient::errorOccurred);

    const int total = 120;
    int sent = 0;
    bool restarted = false;
    QTimer pump;
    connect(&pump, &QTimer::timeout, this, [&] {
        if (sent == total) {
            pump.stop();
            return;
        }
        QVERIFY(!a.sendMessage(u"b"_s, u"a%1"_s.arg(sent)).isEmpty()); // queued while the hub is away
        QVERIFY(!b.sendMessage(u"a"_s, u"b%1"_s.arg(sent)).isEmpty());
        ++sent;
        if (sent == total / 2 && !restarted) {
            restarted = true;
            m_hub.reset();
            QTimer::singleShot(300, this, [this, port] {
                m_hub = std::make_unique<Hub>();
                QVERIFY(m_hub->listen(QHostAddress::LocalHost, port));
            });
        }
    });
    pump.start(25);
    QTRY_VERIFY_WITH_TIMEOUT(atA.size() >= total && atB.size() >= total, 20000);
    QTRY_COMPARE(a.outboxSize(), 0); // everything acked in the end
    QTRY_COMPARE(b.outboxSize(), 0);
    for (const auto &[list, prefix] : { std::pair { &atB, u"a"_s }, std::pair { &atA, u"b"_s } }) {
        QCOMPARE(list->size(), total); // none twice…
        const QSet<QString> unique(list->cbegin(), list->cend());
        QCOMPARE(unique.size(), total);
        for (int i = 0; i < total; ++i) // …and none missing
            QVERIFY2(unique.contains(prefix + QString::number(i)), qPrintable(prefix + QString::number(i)));
    }
    QCOMPARE(aErrors.size(), 0);
    QCOMPARE(bErrors.size(), 0);
    QCOMPARE(aJoined.size(), 2); // it really went through a reconnect
}

PEERLINK_TEST_MAIN(TestPeerClient)
#include "tst_peerclient.moc"
