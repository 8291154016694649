// Direct links between peers over loopback: made through the hub's introduction, authenticated with its one-time
// secret, carrying messages the hub never sees, and falling back to the hub without loss or duplicates.
#include "client/peerclient.h"
#include "hub/hub.h"
#include "rawtcpclient.h"

#include "testmain.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <memory>
#include <vector>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

/// Sends and receives raw JSON on a WebSocket (a hub connection or a direct link).
struct Raw
{
    QWebSocket socket;
    QList<QJsonObject> received;
    bool closed = false;
    int closeCode = -1;

    Raw()
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, [this](const QString &t) {
            received.append(QJsonDocument::fromJson(t.toUtf8()).object());
        });
        QObject::connect(&socket, &QWebSocket::disconnected, [this] {
            closed = true;
            closeCode = socket.closeCode();
        });
    }
    bool open(const QUrl &url)
    {
        socket.open(url);
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState || closed; }, 5000)
            && !closed;
    }
    void send(const QJsonObject &o) { socket.sendTextMessage(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact))); }
    QJsonObject waitFor(const QString &type)
    {
        QJsonObject found;
        // Not found in time: an empty object, which the caller's checks then reject.
        [[maybe_unused]] const bool seen = QTest::qWaitFor(
            [&] {
                for (qsizetype i = 0; i < received.size(); ++i) {
                    if (received[i].value("type"_L1).toString() == type) {
                        found = received.takeAt(i);
                        return true;
                    }
                }
                return false;
            },
            5000);
        return found;
    }
};

QString hmac(const QString &secret, const QString &text)
{
    return QString::fromLatin1(
        QMessageAuthenticationCode::hash(text.toUtf8(), secret.toUtf8(), QCryptographicHash::Sha256).toHex());
}

QUrl linkUrl(const QString &endpoint)
{
    return QUrl(u"ws://"_s + endpoint + u'/');
}

} // namespace

class TestDirectLink : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void directLinkBypassesTheHub();
    void listenerOffOnOneSideDialsTheOtherWay();
    void nobodyListensSoTheHubRelays();
    void cutLinkFallsBackExactlyOnceAndComesBack();
    void onlyTheIntroducedPeerWithTheSecretGetsIn();
    void introducedPeerLeavingBeforeDialingIsAClearError();
    void declinedRequestIsAnError();
    void linkComesBackAfterTheHubRestarts();
    void listenerLimitsUnauthenticatedConnections();
    void onlyTheRecipientCanAck();
    void silentLinkIsDroppedByKeepalive();

private:
    std::unique_ptr<PeerClient> peer(const QString &id, bool listen = true);
    std::unique_ptr<Hub> m_hub;
};

void TestDirectLink::init()
{
    m_hub = std::make_unique<Hub>();
    QVERIFY(m_hub->listen(QHostAddress::LocalHost, 0));
}

void TestDirectLink::cleanup()
{
    m_hub.reset();
}

std::unique_ptr<PeerClient> TestDirectLink::peer(const QString &id, bool listen)
{
    auto c = std::make_unique<PeerClient>();
    c->setDirectListening(listen, QHostAddress::LocalHost, 0);
    c->setDirectTimeouts(2000, 5000);
    c->setDirectRetryDelays(100, 400);
    QSignalSpy joined(c.get(), &PeerClient::joined);
    if (!c->connectToHub(m_hub->serverUrl(), id) || !joined.wait())
        return nullptr;
    return c;
}

void TestDirectLink::directLinkBypassesTheHub()
{
    auto a = peer(u"a"_s);
    auto b = peer(u"b"_s);
    QVERIFY(a && b);
    QTRY_VERIFY(a->hasPeer(u"b"_s));
    QVERIFY(a->isDirectListening());
    QCOMPARE(a->directEndpoints().size(), 1);
    QVERIFY(a->directEndpoints().at(0).startsWith(u"127.0.0.1:"_s));
    QCOMPARE(a->pathTo(u"b"_s), PeerClient::Path::Relayed);

    QSignalSpy aPath(a.get(), &PeerClient::pathChanged);
    QSignalSpy bAsked(b.get(), &PeerClient::connectRequested);
    QVERIFY(a->connectToPeer(u"b"_s));
    QTRY_COMPARE(a->pathTo(u"b"_s), PeerClient::Path::Direct);
    QTRY_COMPARE(b->pathTo(u"a"_s), PeerClient::Path::Direct);
    QCOMPARE(bAsked.size(), 1);
    QCOMPARE(aPath.first().at(1).value<PeerClient::Path>(), PeerClient::Path::Connecting);
    QCOMPARE(aPath.last().at(1).value<PeerClient::Path>(), PeerClient::Path::Direct);

    const quint64 routedBefore = m_hub->routedMessageCount();
    QSignalSpy bGot(b.get(), &PeerClient::messageReceived);
    QSignalSpy aGot(a.get(), &PeerClient::messageReceived);
    QSignalSpy aAcked(a.get(), &PeerClient::messageAcked);
    QStringList mids;
    for (int i = 0; i < 5; ++i)
        mids.append(a->sendMessage(u"b"_s, u"direct %1"_s.arg(i)));
    QTRY_COMPARE(bGot.size(), 5);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(bGot.at(i).at(0).value<ChatMessage>().from, u"a"_s);
        QCOMPARE(bGot.at(i).at(0).value<ChatMessage>().text, u"direct %1"_s.arg(i));
        QCOMPARE(bGot.at(i).at(0).value<ChatMessage>().to, u"b"_s);
        QCOMPARE(bGot.at(i).at(0).value<ChatMessage>().mid, mids.at(i));
    }
    QTRY_COMPARE(aAcked.size(), 5); // acks come back over the link
    b->sendMessage(u"a"_s, u"and back"_s);
    QTRY_COMPARE(aGot.size(), 1);
    QCOMPARE(m_hub->routedMessageCount(), routedBefore); // the hub saw none of them

    // Broadcasts still go through the hub, to everyone.
    a->sendMessage(u"to all"_s);
    QTRY_COMPARE(bGot.size(), 6);
    QCOMPARE(m_hub->routedMessageCount(), routedBefore + 1);
}

void TestDirectLink::listenerOffOnOneSideDialsTheOtherWay()
{
    auto a = peer(u"a"_s, true);
    auto b = peer(u"b"_s, false); // b cannot be dialled: it dials a
    QVERIFY(a && b);
    QVERIFY(!b->isDirectListening());
    QTRY_VERIFY(a->hasPeer(u"b"_s));
    QVERIFY(a->connectToPeer(u"b"_s));
    QTRY_COMPARE(a->pathTo(u"b"_s), PeerClient::Path::Direct);
    QTRY_COMPARE(b->pathTo(u"a"_s), PeerClient::Path::Direct);
    const quint64 routed = m_hub->routedMessageCount();
    QSignalSpy got(a.get(), &PeerClient::messageReceived);
    b->sendMessage(u"a"_s, u"through b's own dial"_s);
    QVERIFY(got.wait());
    QCOMPARE(m_hub->routedMessageCount(), routed);
}

void TestDirectLink::nobodyListensSoTheHubRelays()
{
    auto a = peer(u"a"_s, false);
    auto b = peer(u"b"_s, false);
    QVERIFY(a && b);
    QTRY_VERIFY(a->hasPeer(u"b"_s));
    QVERIFY(a->connectToPeer(u"b"_s));
    QSignalSpy aPath(a.get(), &PeerClient::pathChanged);
    QTRY_VERIFY(!aPath.isEmpty() && aPath.last().at(1).value<PeerClient::Path>() == PeerClient::Path::Relayed);
    QCOMPARE(a->pathTo(u"b"_s), PeerClient::Path::Relayed);
    QSignalSpy got(b.get(), &PeerClient::messageReceived);
    const quint64 routed = m_hub->routedMessageCount();
    a->sendMessage(u"b"_s, u"via the hub"_s);
    QVERIFY(got.wait());
    QCOMPARE(got.at(0).at(0).value<ChatMessage>().text, u"via the hub"_s);
    QCOMPARE(m_hub->routedMessageCount(), routed + 1);
}

void TestDirectLink::cutLinkFallsBackExactlyOnceAndComesBack()
{
    auto a = peer(u"a"_s);
    auto b = peer(u"b"_s);
    QVERIFY(a && b);
    QTRY_VERIFY(a->hasPeer(u"b"_s));
    QVERIFY(a->connectToPeer(u"b"_s));
    QTRY_COMPARE(a->pathTo(u"b"_s), PeerClient::Path::Direct);

    QStringList received;
    connect(b.get(), &PeerClient::messageReceived, this,
            [&received](const ChatMessage &m) { received.append(m.text); });
    QSignalSpy aPath(a.get(), &PeerClient::pathChanged);

    // A numbered stream; the link is cut under it (no close frame, as when a network fails) half-way.
    const int total = 200;
    int sent = 0;
    QTimer pump;
    connect(&pump, &QTimer::timeout, this, [&] {
        for (int i = 0; i < 10 && sent < total; ++i)
            a->sendMessage(u"b"_s, QString::number(sent++));
        if (sent == total / 2) {
            QWebSocket *link = a->findChild<QWebSocket *>(u"link:b"_s);
            QVERIFY(link);
            link->abort();
        }
        if (sent == total)
            pump.stop();
    });
    pump.start(5);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), total, 15000);
    // Exactly once: every number, none twice.
    QSet<QString> unique(received.cbegin(), received.cend());
    QCOMPARE(unique.size(), total);
    for (int i = 0; i < total; ++i)
        QVERIFY2(unique.contains(QString::number(i)), qPrintable(QString::number(i)));
    // The fall-back to the hub was seen, and the link comes back by itself.
    bool relayed = false;
    for (const auto &args : std::as_const(aPath))
        relayed = relayed || args.at(1).value<PeerClient::Path>() == PeerClient::Path::Relayed;
    QVERIFY(relayed);
    QVERIFY(m_hub->routedMessageCount() > 0);
    QTRY_COMPARE_WITH_TIMEOUT(a->pathTo(u"b"_s), PeerClient::Path::Direct, 10000);
}

void TestDirectLink::onlyTheIntroducedPeerWithTheSecretGetsIn()
{
    auto b = peer(u"b"_s);
    QVERIFY(b);
    const QString endpoint = b->directEndpoints().value(0);
    QVERIFY(!endpoint.isEmpty());

    // mallory, a raw client, asks the hub for an introduction the honest way and gets the secret from b's accept.
    Raw mallory;
    QVERIFY(mallory.open(m_hub->serverUrl()));
    mallory.send({ { u"type"_s, u"join"_s }, { u"id"_s, u"mallory"_s } });
    QVERIFY(!mallory.waitFor(u"welcome"_s).isEmpty());
    mallory.send({ { u"type"_s, u"connect_to_peer"_s }, { u"peer"_s, u"b"_s } });
    const QJsonObject accept = mallory.waitFor(u"connect_accept"_s);
    QCOMPARE(accept.value("from"_L1).toString(), u"b"_s);
    const QString link = accept.value("link"_L1).toString();
    const QString secret = accept.value("secret"_L1).toString();
    QVERIFY(!link.isEmpty() && !secret.isEmpty());
    QVERIFY(accept.value("addrs"_L1).toArray().contains(endpoint));

    // eve learnt the link id but not the secret: she gets b's challenge, cannot answer it, and is shut out.
    Raw eve;
    QVERIFY(eve.open(linkUrl(endpoint)));
    eve.send({ { u"type"_s, u"link_hello"_s }, { u"from"_s, u"mallory"_s }, { u"link"_s, link },
               { u"nonce"_s, u"00112233445566778899aabbccddeeff"_s } });
    const QJsonObject welcome = eve.waitFor(u"link_welcome"_s);
    QVERIFY(!welcome.isEmpty());
    eve.send({ { u"type"_s, u"link_proof"_s }, { u"proof"_s, hmac(u"guess"_s, u"dialer|"_s + link) } });
    QTRY_VERIFY(eve.closed);
    QCOMPARE(eve.closeCode, 1008);
    QCOMPARE(b->pathTo(u"mallory"_s), PeerClient::Path::Connecting);

    // Anyone talking before authenticating is shut out too.
    Raw rude;
    QVERIFY(rude.open(linkUrl(endpoint)));
    rude.send({ { u"type"_s, u"message"_s }, { u"text"_s, u"let me in"_s }, { u"mid"_s, u"r1"_s } });
    QTRY_VERIFY(rude.closed);
    QCOMPARE(rude.closeCode, 1008);

    // The peer that holds the secret proves it and gets the link; its message is delivered as from mallory.
    Raw dialer;
    QVERIFY(dialer.open(linkUrl(endpoint)));
    const QString myNonce = u"ffeeddccbbaa99887766554433221100"_s;
    dialer.send({ { u"type"_s, u"link_hello"_s }, { u"from"_s, u"mallory"_s }, { u"link"_s, link }, { u"nonce"_s, myNonce } });
    const QJsonObject w = dialer.waitFor(u"link_welcome"_s);
    QCOMPARE(w.value("from"_L1).toString(), u"b"_s);
    QCOMPARE(w.value("proof"_L1).toString(), hmac(secret, u"listener|"_s + link + u'|' + myNonce)); // b proved itself
    dialer.send({ { u"type"_s, u"link_proof"_s },
                  { u"proof"_s, hmac(secret, u"dialer|"_s + link + u'|' + w.value("nonce"_L1).toString()) } });
    QTRY_COMPARE(b->pathTo(u"mallory"_s), PeerClient::Path::Direct);
    QSignalSpy got(b.get(), &PeerClient::messageReceived);
    dialer.send({ { u"type"_s, u"message"_s }, { u"from"_s, u"someone-else"_s }, { u"text"_s, u"hi b"_s }, { u"mid"_s, u"d1"_s } });
    QVERIFY(got.wait());
    QCOMPARE(got.at(0).at(0).value<ChatMessage>().from, u"mallory"_s); // the link says who it is, not the frame
    QCOMPARE(dialer.waitFor(u"ack"_s).value("mid"_L1).toString(), u"d1"_s);

    // The introduction was for one link only: the same proof again is refused.
    Raw replay;
    QVERIFY(replay.open(linkUrl(endpoint)));
    replay.send({ { u"type"_s, u"link_hello"_s }, { u"from"_s, u"mallory"_s }, { u"link"_s, link }, { u"nonce"_s, myNonce } });
    QTRY_VERIFY(replay.closed);
}

void TestDirectLink::introducedPeerLeavingBeforeDialingIsAClearError()
{
    auto a = peer(u"a"_s);
    auto b = peer(u"b"_s);
    QVERIFY(a && b);
    b->setConnectPolicy(PeerClient::ConnectPolicy::Ask);
    QTRY_VERIFY(a->hasPeer(u"b"_s));
    QSignalSpy asked(b.get(), &PeerClient::connectRequested);
    QSignalSpy errors(a.get(), &PeerClient::errorOccurred);
    QVERIFY(a->connectToPeer(u"b"_s));
    QVERIFY(asked.wait()); // b is asked, and goes away without answering
    QCOMPARE(a->pathTo(u"b"_s), PeerClient::Path::Connecting);
    b->disconnectFromHub();
    QVERIFY(errors.wait());
    QCOMPARE(errors.at(0).at(0).value<ClientError>().codeName, u"peer_unavailable"_s);
    QVERIFY(errors.at(0).at(0).value<ClientError>().message.contains(u"left before the direct link was made"_s));
    QCOMPARE(errors.at(0).at(0).value<ClientError>().ref, u"connect_to_peer"_s);
    QCOMPARE(a->pathTo(u"b"_s), PeerClient::Path::Relayed);
}

void TestDirectLink::declinedRequestIsAnError()
{
    auto a = peer(u"a"_s);
    auto b = peer(u"b"_s);
    QVERIFY(a && b);
    b->setConnectPolicy(PeerClient::ConnectPolicy::DeclineAll);
    QTRY_VERIFY(a->hasPeer(u"b"_s));
    QSignalSpy errors(a.get(), &PeerClient::errorOccurred);
    QVERIFY(a->connectToPeer(u"b"_s));
    QVERIFY(errors.wait());
    QCOMPARE(errors.at(0).at(0).value<ClientError>().codeName, u"connect_declined"_s);
    QCOMPARE(errors.at(0).at(0).value<ClientError>().ref, u"b"_s);
    QCOMPARE(a->pathTo(u"b"_s), PeerClient::Path::Relayed);
    // Messages still reach b, through the hub.
    QSignalSpy got(b.get(), &PeerClient::messageReceived);
    a->sendMessage(u"b"_s, u"anyway"_s);
    QVERIFY(got.wait());
}

void TestDirectLink::linkComesBackAfterTheHubRestarts()
{
    auto a = peer(u"a"_s);
    auto b = peer(u"b"_s);
    QVERIFY(a && b);
    for (PeerClient *c : { a.get(), b.get() }) {
        c->setAutoReconnect(true);
        c->setReconnectDelays(50, 200);
    }
    QTRY_VERIFY(a->hasPeer(u"b"_s));
    QVERIFY(a->connectToPeer(u"b"_s));
    QTRY_COMPARE(a->pathTo(u"b"_s), PeerClient::Path::Direct);
    const quint16 port = m_hub->serverPort();
    m_hub.reset();
    QTRY_COMPARE(a->state(), PeerClient::State::Reconnecting);
    m_hub = std::make_unique<Hub>();
    QVERIFY(m_hub->listen(QHostAddress::LocalHost, port));
    // Both rejoin, and the link a asked for is made again by itself.
    QTRY_VERIFY_WITH_TIMEOUT(a->isJoined() && b->isJoined(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(a->pathTo(u"b"_s), PeerClient::Path::Direct, 10000);
    QSignalSpy got(b.get(), &PeerClient::messageReceived);
    const quint64 routed = m_hub->routedMessageCount();
    a->sendMessage(u"b"_s, u"after the restart"_s);
    QVERIFY(got.wait());
    QCOMPARE(m_hub->routedMessageCount(), routed);
}

void TestDirectLink::listenerLimitsUnauthenticatedConnections()
{
    auto b = peer(u"b"_s);
    QVERIFY(b);
    const QUrl url = linkUrl(b->directEndpoints().value(0));
    // A frame larger than a handshake needs is refused before authentication.
    Raw big;
    QVERIFY(big.open(url));
    big.socket.sendTextMessage(QString(8000, u'x'));
    QTRY_VERIFY(big.closed);
    QCOMPARE(big.closeCode, 1009);
    // At most 32 connections may wait unauthenticated; more are closed at once.
    std::vector<std::unique_ptr<Raw>> idle;
    for (int i = 0; i < 32; ++i) {
        idle.push_back(std::make_unique<Raw>());
        QVERIFY(idle.back()->open(url));
    }
    Raw extra;
    extra.open(url);
    QTRY_VERIFY(extra.closed);
    QCOMPARE(extra.closeCode, 1008);
    for (const auto &r : idle)
        QVERIFY(!r->closed);
}

void TestDirectLink::onlyTheRecipientCanAck()
{
    // a has links to two raw peers: r (which never acks) and m (which forges an ack for a's message to r).
    auto a = peer(u"a"_s);
    QVERIFY(a);
    Raw rHub, rLink, mHub, mLink;
    const auto linkTo = [&](Raw &hub, Raw &link, const QString &id) {
        QVERIFY(hub.open(m_hub->serverUrl()));
        hub.send({ { u"type"_s, u"join"_s }, { u"id"_s, id } });
        QVERIFY(!hub.waitFor(u"welcome"_s).isEmpty());
        QTRY_VERIFY(a->hasPeer(id));
        hub.send({ { u"type"_s, u"connect_to_peer"_s }, { u"peer"_s, u"a"_s } });
        const QJsonObject accept = hub.waitFor(u"connect_accept"_s);
        const QString link_ = accept.value("link"_L1).toString(), secret = accept.value("secret"_L1).toString();
        QVERIFY(link.open(linkUrl(a->directEndpoints().value(0))));
        link.send({ { u"type"_s, u"link_hello"_s }, { u"from"_s, id }, { u"link"_s, link_ },
                    { u"nonce"_s, u"0123456789abcdef0123456789abcdef"_s } });
        const QJsonObject w = link.waitFor(u"link_welcome"_s);
        link.send({ { u"type"_s, u"link_proof"_s },
                    { u"proof"_s, hmac(secret, u"dialer|"_s + link_ + u'|' + w.value("nonce"_L1).toString()) } });
        QTRY_COMPARE(a->pathTo(id), PeerClient::Path::Direct);
    };
    linkTo(rHub, rLink, u"r"_s);
    linkTo(mHub, mLink, u"m"_s);

    QSignalSpy acked(a.get(), &PeerClient::messageAcked);
    QSignalSpy fromM(a.get(), &PeerClient::messageReceived);
    const QString mid = a->sendMessage(u"r"_s, u"for r"_s);
    QCOMPARE(rLink.waitFor(u"message"_s).value("mid"_L1).toString(), mid); // it went over r's link
    mLink.send({ { u"type"_s, u"ack"_s }, { u"mid"_s, mid } }); // m forges r's ack
    mLink.send({ { u"type"_s, u"message"_s }, { u"text"_s, u"marker"_s }, { u"mid"_s, u"m1"_s } });
    QVERIFY(fromM.wait()); // the marker came after the forged ack on the same link
    QCOMPARE(acked.size(), 0); // the forgery counted for nothing

    // r's link breaks: the message it never acked goes through the hub, and the hub's ack is the real one.
    rLink.socket.abort();
    QCOMPARE(rHub.waitFor(u"message"_s).value("mid"_L1).toString(), mid);
    QTRY_COMPARE(acked.size(), 1);
    QCOMPARE(acked.at(0).at(0).toString(), mid);
}

void TestDirectLink::silentLinkIsDroppedByKeepalive()
{
    // A half-open link: the other side authenticated, then went silent (a hand-written client that stops reading,
    // and so never answers pings). The keepalive notices, and messages go through the hub again.
    auto a = peer(u"a"_s);
    QVERIFY(a);
    a->setDirectKeepalive(100, 200);
    Raw mHub;
    QVERIFY(mHub.open(m_hub->serverUrl()));
    mHub.send({ { u"type"_s, u"join"_s }, { u"id"_s, u"m"_s } });
    QVERIFY(!mHub.waitFor(u"welcome"_s).isEmpty());
    QTRY_VERIFY(a->hasPeer(u"m"_s));
    mHub.send({ { u"type"_s, u"connect_to_peer"_s }, { u"peer"_s, u"a"_s } });
    const QJsonObject accept = mHub.waitFor(u"connect_accept"_s);
    const QString link = accept.value("link"_L1).toString(), secret = accept.value("secret"_L1).toString();
    Test::RawTcpClient mLink;
    const QString endpoint = a->directEndpoints().value(0);
    QVERIFY(mLink.open(quint16(endpoint.section(u':', -1).toUInt())));
    mLink.sendFrame(QJsonDocument(QJsonObject { { u"type"_s, u"link_hello"_s }, { u"from"_s, u"m"_s }, { u"link"_s, link },
                                                { u"nonce"_s, u"0123456789abcdef0123456789abcdef"_s } })
                        .toJson(QJsonDocument::Compact));
    const QJsonObject w = QJsonDocument::fromJson(mLink.readTextFrame()).object();
    QCOMPARE(w.value("type"_L1).toString(), u"link_welcome"_s);
    mLink.sendFrame(QJsonDocument(QJsonObject { { u"type"_s, u"link_proof"_s },
                                                { u"proof"_s, hmac(secret, u"dialer|"_s + link + u'|'
                                                                               + w.value("nonce"_L1).toString()) } })
                        .toJson(QJsonDocument::Compact));
    QTRY_COMPARE(a->pathTo(u"m"_s), PeerClient::Path::Direct);
    mLink.stopReading(); // from now on, m never answers a ping
    QTRY_COMPARE_WITH_TIMEOUT(a->pathTo(u"m"_s), PeerClient::Path::Relayed, 5000);
}

PEERLINK_TEST_MAIN(TestDirectLink)
#include "tst_directlink.moc"
