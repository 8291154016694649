// HubHost: the embedded hub in its own thread, started and stopped in order, reporting to the GUI thread.
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
};

void TestHubHost::hostsInAWorkerThread()
{
    HubHost host;
    QSignalSpy started(&host, &HubHost::started);
    HubConfig config;
    config.name = u"Embedded"_s;
    QVERIFY2(host.start(config, QHostAddress::LocalHost, 0), qPrintable(host.errorString()));
    QVERIFY(host.isRunning());
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
    host.stop();
}

void TestHubHost::stopTellsPeersAndFreesThePort()
{
    HubHost host;
    QVERIFY(host.start(HubConfig(), QHostAddress::LocalHost, 0));
    const quint16 port = host.port();
    PeerClient a;
    QSignalSpy joined(&a, &PeerClient::joined);
    QVERIFY(a.connectToHub(host.localUrl(), u"a"_s));
    QVERIFY(joined.wait());
    QSignalSpy disconnected(&a, &PeerClient::disconnected);
    QSignalSpy stopped(&host, &HubHost::stopped);
    host.stop();
    QCOMPARE(stopped.size(), 1);
    QVERIFY(!host.isRunning());
    QVERIFY(disconnected.wait());
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
    QVERIFY(!host.start(HubConfig(), QHostAddress::LocalHost, squatter.serverPort()));
    QVERIFY(!host.isRunning());
    QVERIFY(host.errorString().contains(QString::number(squatter.serverPort())));
    QCOMPARE(errors.size(), 1);
    // And it can start afterwards on a free port.
    QVERIFY(host.start(HubConfig(), QHostAddress::LocalHost, 0));
}

void TestHubHost::kickAndBanFromTheHost()
{
    HubHost host;
    QVERIFY(host.start(HubConfig(), QHostAddress::LocalHost, 0));
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

QTEST_MAIN(TestHubHost)
#include "tst_hubhost.moc"
