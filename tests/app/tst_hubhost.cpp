// HubHost: the embedded hub in its own thread, started and stopped in order, reporting to the GUI thread. start()
// and stop() return at once; the tests wait for started(), stopped() and errorOccurred().
#include "app/hubhost.h"
#include "client/peerclient.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestHubHost : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hostsInAWorkerThread();
    void stopTellsPeersAndFreesThePort();
    void portInUseIsReported();
    void kickAndBanFromTheHost();
    void startWhileStoppingIsRefused();
    void stopWhileStartingEndsCleanly();
    void ownClientLeavesBeforeTheHubCloses();
};

void TestHubHost::hostsInAWorkerThread()
{
    HubHost host;
    QSignalSpy started(&host, &HubHost::started);
    HubConfig config;
    config.name = u"Embedded"_s;
    QVERIFY2(host.start(config, QHostAddress::LocalHost, 0), qPrintable(host.errorString()));
    QVERIFY(host.isRunning());
    QCOMPARE(host.state(), HubHost::State::Starting); // start() returned before the hub listens
    QVERIFY(started.wait());
    QCOMPARE(host.state(), HubHost::State::Running);
    QVERIFY(host.port() != 0);
    QCOMPARE(started.size(), 1);
    QCOMPARE(host.localUrl(), QUrl(u"ws://127.0.0.1:%1"_s.arg(host.port())));

    QSignalSpy joinedOnHost(&host, &HubHost::peerJoined);
    PeerClient a;
    QSignalSpy aJoined(&a, &PeerClient::joined);
    QVERIFY(a.connectToHub(host.localUrl(), u"a"_s));
    QVERIFY(aJoined.wait());
    QCOMPARE(aJoined.at(0).at(1).toString(), u"Embedded"_s);
    QTRY_COMPARE(joinedOnHost.size(), 1);
    QCOMPARE(joinedOnHost.at(0).at(0).value<HubPeer>().id, u"a"_s);
    QCOMPARE(host.peers().size(), 1);

    PeerClient b;
    QSignalSpy bJoined(&b, &PeerClient::joined);
    QVERIFY(b.connectToHub(host.localUrl(), u"b"_s));
    QVERIFY(bJoined.wait());
    QSignalSpy routed(&host, &HubHost::messageRouted);
    QSignalSpy got(&b, &PeerClient::messageReceived);
    a.sendMessage(u"b"_s, u"through the thread"_s);
    QVERIFY(got.wait());
    QTRY_COMPARE(routed.size(), 1);
    QCOMPARE(host.routedMessageCount(), quint64(1));
    QSignalSpy stopped(&host, &HubHost::stopped);
    host.stop();
    QVERIFY(stopped.wait());
}

void TestHubHost::stopTellsPeersAndFreesThePort()
{
    HubHost host;
    QSignalSpy started(&host, &HubHost::started);
    QVERIFY(host.start(HubConfig(), QHostAddress::LocalHost, 0));
    QVERIFY(started.wait());
    const quint16 port = host.port();
    PeerClient a;
    QSignalSpy joined(&a, &PeerClient::joined);
    QVERIFY(a.connectToHub(host.localUrl(), u"a"_s));
    QVERIFY(joined.wait());
    QSignalSpy disconnected(&a, &PeerClient::disconnected);
    QSignalSpy stopped(&host, &HubHost::stopped);
    host.stop();
    QVERIFY(!host.isRunning());
    QVERIFY(stopped.wait());
    QCOMPARE(stopped.size(), 1);
    QVERIFY(!host.isRunning());
    QTRY_COMPARE(disconnected.size(), 1);
    QCOMPARE(a.lastCloseCode(), QWebSocketProtocol::CloseCodeGoingAway);
    // The port is free: another server can take it at once.
    QTcpServer again;
    QVERIFY2(again.listen(QHostAddress::LocalHost, port), qPrintable(again.errorString()));
}

void TestHubHost::portInUseIsReported()
{
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    HubHost host;
    QSignalSpy errors(&host, &HubHost::errorOccurred);
    QSignalSpy started(&host, &HubHost::started);
    QVERIFY(host.start(HubConfig(), QHostAddress::LocalHost, squatter.serverPort())); // the answer comes later
    QVERIFY(errors.wait());
    QVERIFY(!host.isRunning());
    QCOMPARE(host.state(), HubHost::State::Stopped);
    QVERIFY(host.errorString().contains(QString::number(squatter.serverPort())));
    QCOMPARE(errors.at(0).at(0).toString(), host.errorString());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(started.size(), 0);
    // And it can start afterwards on a free port.
    QVERIFY(host.start(HubConfig(), QHostAddress::LocalHost, 0));
    QVERIFY(started.wait());
    QCOMPARE(errors.size(), 1);
}

void TestHubHost::kickAndBanFromTheHost()
{
    HubHost host;
    QSignalSpy started(&host, &HubHost::started);
    QVERIFY(host.start(HubConfig(), QHostAddress::LocalHost, 0));
    QVERIFY(started.wait());
    PeerClient a, b;
    QSignalSpy aJoined(&a, &PeerClient::joined), bJoined(&b, &PeerClient::joined);
    QVERIFY(a.connectToHub(host.localUrl(), u"a"_s));
    QVERIFY(b.connectToHub(host.localUrl(), u"b"_s));
    QTRY_COMPARE(aJoined.size(), 1);
    QTRY_COMPARE(bJoined.size(), 1);
    QSignalSpy left(&host, &HubHost::peerLeft);
    QSignalSpy aLost(&a, &PeerClient::peerDisconnected);
    host.kick(u"b"_s);
    QTRY_COMPARE(left.size(), 1);
    QCOMPARE(left.at(0).at(0).toString(), u"b"_s);
    QTRY_COMPARE(aLost.size(), 1);
    QCOMPARE(host.peers().size(), 1);

    host.ban(u"a"_s);
    QTRY_COMPARE(left.size(), 2);
    QTRY_COMPARE(a.state(), PeerClient::State::Disconnected);
    QCOMPARE(host.peers().size(), 0);
}

void TestHubHost::startWhileStoppingIsRefused()
{
    HubHost host;
    QSignalSpy started(&host, &HubHost::started);
    QSignalSpy stopped(&host, &HubHost::stopped);
    QVERIFY(host.start(HubConfig(), QHostAddress::LocalHost, 0));
    QVERIFY(started.wait());
    const quint16 port = host.port();
    host.stop();
    QVERIFY(host.isStopping());
    // Refused in words, at once, without a signal; the stop goes on.
    QSignalSpy errors(&host, &HubHost::errorOccurred);
    QVERIFY(!host.start(HubConfig(), QHostAddress::LocalHost, port));
    QVERIFY2(host.errorString().contains(u"stopping"_s), qPrintable(host.errorString()));
    QCOMPARE(errors.size(), 0);
    QVERIFY(stopped.wait());
    QCOMPARE(host.state(), HubHost::State::Stopped);
    // Once stopped, the same port can be hosted again.
    QVERIFY2(host.start(HubConfig(), QHostAddress::LocalHost, port), qPrintable(host.errorString()));
    QVERIFY(started.wait());
    QCOMPARE(host.port(), port);
    // A second start while running is refused too.
    QVERIFY(!host.start(HubConfig(), QHostAddress::LocalHost, 0));
    QVERIFY(host.errorString().contains(u"already running"_s));
}

void TestHubHost::stopWhileStartingEndsCleanly()
{
    HubHost host;
    QSignalSpy started(&host, &HubHost::started);
    QSignalSpy stopped(&host, &HubHost::stopped);
    QSignalSpy errors(&host, &HubHost::errorOccurred);
    QVERIFY(host.start(HubConfig(), QHostAddress::LocalHost, 0));
    host.stop(); // before the hub thread has even listened
    QVERIFY(host.isStopping());
    QVERIFY(stopped.wait());
    QCOMPARE(stopped.size(), 1);
    QCOMPARE(started.size(), 0); // the stop won: no started() for a hub already going
    QCOMPARE(errors.size(), 0);
    QCOMPARE(host.state(), HubHost::State::Stopped);
    QCOMPARE(host.port(), quint16(0));
    QVERIFY(host.start(HubConfig(), QHostAddress::LocalHost, 0));
    QVERIFY(started.wait());
}

void TestHubHost::ownClientLeavesBeforeTheHubCloses()
{
    HubHost host;
    QSignalSpy started(&host, &HubHost::started);
    QVERIFY(host.start(HubConfig(), QHostAddress::LocalHost, 0));
    QVERIFY(started.wait());
    PeerClient own, guest;
    QSignalSpy ownJoined(&own, &PeerClient::joined), guestJoined(&guest, &PeerClient::joined);
    QVERIFY(own.connectToHub(host.localUrl(), u"own"_s));
    QVERIFY(ownJoined.wait());
    QVERIFY(guest.connectToHub(host.localUrl(), u"guest"_s));
    QVERIFY(guestJoined.wait());
    QTRY_COMPARE(host.peers().size(), 2);

    // What the guest had heard when the hub went: the host's own client left first.
    QStringList heardBeforeHubWent;
    connect(&guest, &PeerClient::peerDisconnected, &guest, [&](const QString &id) { heardBeforeHubWent << id; });
    QSignalSpy guestGone(&guest, &PeerClient::disconnected);
    QSignalSpy stopped(&host, &HubHost::stopped);
    QSignalSpy left(&host, &HubHost::peerLeft);
    own.disconnectFromHub();
    host.stop(u"own"_s);
    QVERIFY(host.isStopping());
    QVERIFY(stopped.wait());
    QCOMPARE(left.size(), 1); // the host heard its own client leave, then the hub closed
    QCOMPARE(left.at(0).at(0).toString(), u"own"_s);
    QTRY_COMPARE(own.state(), PeerClient::State::Disconnected);
    QTRY_COMPARE(guestGone.size(), 1);
    QCOMPARE(guest.lastCloseCode(), QWebSocketProtocol::CloseCodeGoingAway);
    QCOMPARE(heardBeforeHubWent, QStringList { u"own"_s });
    QVERIFY(host.peers().isEmpty());
}

QTEST_MAIN(TestHubHost)
#include "tst_hubhost.moc"
