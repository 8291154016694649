// HubConnection against a hand-written hub (a QWebSocketServer on loopback): join, resume after a drop,
// reconnect with backoff, and when it must not reconnect.
#include "client/hubconnection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>
#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

/// Accepts connections and keeps each one's frames; the test answers by hand.
class FakeHub : public QObject
{
public:
    FakeHub()
        : m_server(u"fake hub"_s, QWebSocketServer::NonSecureMode)
    {
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            QWebSocket *s = m_server.nextPendingConnection();
            s->setParent(this);
            m_sockets.append(s);
            m_frames.append(QList<QJsonObject>());
            const qsizetype index = m_frames.size() - 1;
            connect(s, &QWebSocket::textMessageReceived, this, [this, index](const QString &text) {
                m_frames[index].append(QJsonDocument::fromJson(text.toUtf8()).object());
            });
        });
    }

    bool listen(quint16 port = 0) { return m_server.listen(QHostAddress::LocalHost, port); }
    void close() { m_server.close(); }
    quint16 port() const { return m_server.serverPort(); }
    QUrl url() const { return QUrl(u"ws://127.0.0.1:%1/"_s.arg(port())); }
    int connections() const { return int(m_sockets.size()); }
    QWebSocket *socket(int i) const { return m_sockets.at(i); }
    /// The frames received on connection @p i.
    QList<QJsonObject> frames(int i) const
    {
        return i < m_frames.size() ? m_frames.at(i) : QList<QJsonObject>();
    }
    void send(int i, const QJsonObject &o)
    {
        m_sockets.at(i)->sendTextMessage(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
    }
    void welcome(int i, const QString &token)
    {
        send(i,
            { { u"type"_s, u"welcome"_s }, { u"id"_s, u"me"_s }, { u"hub"_s, u"fake"_s },
                { u"version"_s, u"peerlink/1"_s }, { u"resume"_s, token }, { u"peers"_s, QJsonArray() } });
    }

private:
    QWebSocketServer m_server;
    QList<QWebSocket *> m_sockets;
    QList<QList<QJsonObject>> m_frames;
};

} // namespace

class TestHubConnection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void joinsOnOpen();
    void handsOnWhatTheHubSays();
    void resumesAfterADrop();
    void noReconnect_data();
    void noReconnect();
    void leaveWhileWaitingToReconnect();

private:
    /// Opens m_connection on m_hub, waits for its join and welcomes it with @p token.
    bool openAndWelcome(const QString &token);

    std::unique_ptr<FakeHub> m_hub;
    std::unique_ptr<HubConnection> m_connection;
    QList<HubEnvelope> m_received;
};

void TestHubConnection::init()
{
    m_hub = std::make_unique<FakeHub>();
    QVERIFY(m_hub->listen());
    m_connection = std::make_unique<HubConnection>();
    m_received.clear();
    connect(m_connection.get(), &HubConnection::received, this,
        [this](const HubEnvelope &e) { m_received.append(e); });
}

void TestHubConnection::cleanup()
{
    m_connection.reset();
    m_hub.reset();
}

bool TestHubConnection::openAndWelcome(const QString &token)
{
    const int index = m_hub->connections();
    m_connection->open(m_hub->url(), JoinRequest { u"me"_s, u"Me"_s, u"pw"_s, QString(), QString() });
    if (!QTest::qWaitFor([&] { return !m_hub->frames(index).isEmpty(); }, 5000))
        return false;
    m_hub->welcome(index, token);
    if (!QTest::qWaitFor([&] { return !m_received.isEmpty(); }, 5000))
        return false;
    m_connection->welcomed(std::get<Welcome>(m_received.constLast()).resume);
    return true;
}

void TestHubConnection::joinsOnOpen()
{
    QSignalSpy opened(m_connection.get(), &HubConnection::opened);
    m_connection->open(m_hub->url(), JoinRequest { u"me"_s, u"Me"_s, u"pw"_s, u"ignored"_s, QString() });
    QVERIFY(opened.wait());
    QTRY_COMPARE(m_hub->frames(0).size(), 1);
    const QJsonObject join = m_hub->frames(0).at(0);
    QCOMPARE(join.value("type"_L1).toString(), u"join"_s);
    QCOMPARE(join.value("id"_L1).toString(), u"me"_s);
    QCOMPARE(join.value("name"_L1).toString(), u"Me"_s);
    QCOMPARE(join.value("password"_L1).toString(), u"pw"_s);
    QVERIFY(join.value("client"_L1).toString().startsWith(u"peerlink/"_s));
    QVERIFY(!join.contains("resume"_L1)); // a new session has no token yet
}

void TestHubConnection::handsOnWhatTheHubSays()
{
    QVERIFY(openAndWelcome(u"00112233445566778899aabbccddeeff"_s));
    QCOMPARE(m_connection->resumeToken(), u"00112233445566778899aabbccddeeff"_s);
    m_hub->send(0, { { u"type"_s, u"ack"_s }, { u"mid"_s, u"m1"_s } });
    m_hub->send(0, { { u"type"_s, u"ack"_s } }); // malformed: dropped, not handed on
    m_hub->send(0, { { u"type"_s, u"peer_disconnect"_s }, { u"id"_s, u"x"_s } });
    QTRY_COMPARE(m_received.size(), 3);
    QCOMPARE(std::get<Ack>(m_received.at(1)).mid, u"m1"_s);
    QCOMPARE(std::get<PeerDisconnected>(m_received.at(2)).id, u"x"_s);
}

void TestHubConnection::resumesAfterADrop()
{
    m_connection->setAutoReconnect(true);
    m_connection->setReconnectDelays(40, 1000);
    QVERIFY(openAndWelcome(u"aaaabbbbccccdddd0000111122223333"_s));
    QSignalSpy closed(m_connection.get(), &HubConnection::closed);
    QSignalSpy reconnecting(m_connection.get(), &HubConnection::reconnecting);
    QSignalSpy reopening(m_connection.get(), &HubConnection::reopening);
    m_hub->socket(0)->abort(); // the connection drops, no close frame
    QVERIFY(closed.wait());
    QCOMPARE(closed.at(0).at(1).toBool(), true); // it will reconnect
    QCOMPARE(reconnecting.size(), 1);
    QCOMPARE(reconnecting.at(0).at(0).toInt(), 1);
    const int delay = reconnecting.at(0).at(1).toInt();
    QVERIFY2(
        delay >= 20 && delay <= 40, qPrintable(QString::number(delay))); // equal jitter on the first delay
    QCOMPARE(m_connection->reconnectAttempt(), 1);
    QTRY_COMPARE(reopening.size(), 1);
    QTRY_COMPARE(m_hub->frames(1).size(), 1);
    const QJsonObject join = m_hub->frames(1).at(0);
    QCOMPARE(join.value("resume"_L1).toString(), u"aaaabbbbccccdddd0000111122223333"_s);
    QCOMPARE(join.value("id"_L1).toString(), u"me"_s);
    m_hub->welcome(1, u"44445555666677778888999900001111"_s);
    QTRY_COMPARE(m_received.size(), 2);
    m_connection->welcomed(std::get<Welcome>(m_received.at(1)).resume);
    QCOMPARE(m_connection->reconnectAttempt(), 0); // back: the backoff starts over

    // A hub that is gone for a while: the delays grow.
    m_hub->close();
    m_hub->socket(1)->abort();
    QTRY_VERIFY(reconnecting.size() >= 4);
    QCOMPARE(reconnecting.at(3).at(0).toInt(), 3);
    QVERIFY(reconnecting.at(3).at(1).toInt() >= 80); // the third delay: 160 ms, half of it fixed
}

void TestHubConnection::noReconnect_data()
{
    QTest::addColumn<bool>("welcomed");
    QTest::addColumn<int>("closeCode");
    QTest::addColumn<bool>("leave");

    QTest::newRow("never welcomed") << false << int(QWebSocketProtocol::CloseCodeGoingAway) << false;
    QTest::newRow("policy close (kick, ban)")
        << true << int(QWebSocketProtocol::CloseCodePolicyViolated) << false;
    QTest::newRow("too large") << true << int(QWebSocketProtocol::CloseCodeTooMuchData) << false;
    QTest::newRow("left") << true << 0 << true;
}

void TestHubConnection::noReconnect()
{
    QFETCH(bool, welcomed);
    QFETCH(int, closeCode);
    QFETCH(bool, leave);
    m_connection->setAutoReconnect(true);
    m_connection->setReconnectDelays(10, 20);
    QSignalSpy closed(m_connection.get(), &HubConnection::closed);
    QSignalSpy reconnecting(m_connection.get(), &HubConnection::reconnecting);
    if (welcomed) {
        QVERIFY(openAndWelcome(u"00112233445566778899aabbccddeeff"_s));
    } else {
        QSignalSpy opened(m_connection.get(), &HubConnection::opened);
        m_connection->open(m_hub->url(), JoinRequest { u"me"_s, {}, {}, {}, {} });
        QVERIFY(opened.wait());
        QTRY_COMPARE(m_hub->connections(), 1);
    }
    if (leave) {
        QVERIFY(m_connection->leave(true));
        QTRY_VERIFY(
            !m_hub->frames(0).isEmpty() && m_hub->frames(0).constLast().value("type"_L1) == u"leave"_s);
    } else {
        m_hub->socket(0)->close(QWebSocketProtocol::CloseCode(closeCode), u"bye"_s);
    }
    QTRY_COMPARE(closed.size(), 1);
    QCOMPARE(closed.at(0).at(1).toBool(), false);
    // A reconnect would be scheduled in the same turn as closed(), so its absence shows now.
    QCOMPARE(reconnecting.size(), 0);
    QVERIFY(!m_connection->isResuming());
    QCOMPARE(m_hub->connections(), 1);
}

void TestHubConnection::leaveWhileWaitingToReconnect()
{
    m_connection->setAutoReconnect(true);
    m_connection->setReconnectDelays(5000, 5000);
    QVERIFY(openAndWelcome(u"00112233445566778899aabbccddeeff"_s));
    QSignalSpy reconnecting(m_connection.get(), &HubConnection::reconnecting);
    m_hub->socket(0)->abort();
    QVERIFY(reconnecting.wait());
    QVERIFY(!m_connection->leave(false)); // nothing to close
    QCOMPARE(m_connection->reconnectAttempt(), 0);
    QVERIFY(!m_connection->isResuming());
}

QTEST_GUILESS_MAIN(TestHubConnection)
#include "tst_hubconnection.moc"
