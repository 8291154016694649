// PeerClient against a hub written by hand in the test (a QWebSocketServer on loopback): the limits a welcome
// announces are applied, and an error that names a message by its mid in `ref` settles exactly that message
// (rate_limited: sent again; any other refusal: it fails), so that nothing stays pending.
#include "client/peerclient.h"

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

/// The smallest hub: one client, every frame it sends is kept, and the test answers by hand.
class FakeHub : public QObject
{
public:
    FakeHub()
        : m_server(u"fake hub"_s, QWebSocketServer::NonSecureMode)
    {
        connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            m_socket.reset(m_server.nextPendingConnection());
            connect(m_socket.get(), &QWebSocket::textMessageReceived, this, [this](const QString &text) {
                m_received.append(QJsonDocument::fromJson(text.toUtf8()).object());
            });
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const { return QUrl(u"ws://127.0.0.1:%1/"_s.arg(m_server.serverPort())); }
    void send(const QJsonObject &o)
    {
        m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
    }

    /// Frames received of @p type, in order.
    QList<QJsonObject> received(const QString &type) const
    {
        QList<QJsonObject> list;
        for (const QJsonObject &o : m_received) {
            if (o.value("type"_L1).toString() == type)
                list.append(o);
        }
        return list;
    }
    /// How many `message` frames carried @p mid.
    int sentCount(const QString &mid) const
    {
        int n = 0;
        for (const QJsonObject &o : received(u"message"_s))
            n += o.value("mid"_L1).toString() == mid ? 1 : 0;
        return n;
    }

private:
    QWebSocketServer m_server;
    std::unique_ptr<QWebSocket> m_socket;
    QList<QJsonObject> m_received;
};

} // namespace

class TestHubLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void limitsFromWelcome_data();
    void limitsFromWelcome();
    void errorsSettleTheMessageTheyName_data();
    void errorsSettleTheMessageTheyName();
    void refusalsWithoutAMidLeaveTheOutboxAlone();
    void signalsCrossQueuedConnections();

private:
    /// Connects m_client to m_hub and welcomes it with @p limits (none when empty).
    bool joinWith(const QJsonObject &limits);

    std::unique_ptr<FakeHub> m_hub;
    std::unique_ptr<PeerClient> m_client;
};

void TestHubLimits::init()
{
    m_hub = std::make_unique<FakeHub>();
    QVERIFY(m_hub->listen());
    m_client = std::make_unique<PeerClient>();
    m_client->setDirectListening(false);
}

void TestHubLimits::cleanup()
{
    m_client.reset();
    m_hub.reset();
}

bool TestHubLimits::joinWith(const QJsonObject &limits)
{
    QSignalSpy joined(m_client.get(), &PeerClient::joined);
    if (!m_client->connectToHub(m_hub->url(), u"me"_s))
        return false;
    if (!QTest::qWaitFor([this] { return !m_hub->received(u"join"_s).isEmpty(); }, 5000))
        return false;
    QJsonObject welcome { { u"type"_s, u"welcome"_s }, { u"id"_s, u"me"_s }, { u"hub"_s, u"fake"_s },
        { u"version"_s, u"peerlink/1"_s }, { u"resume"_s, u"00112233445566778899aabbccddeeff"_s },
        { u"peers"_s, QJsonArray { QJsonObject { { u"id"_s, u"you"_s } } } } };
    if (!limits.isEmpty())
        welcome.insert("limits"_L1, limits);
    m_hub->send(welcome);
    return joined.wait();
}

void TestHubLimits::limitsFromWelcome_data()
{
    QTest::addColumn<QJsonObject>("limits");
    QTest::addColumn<int>("resendRateSet"); // 0: the default
    QTest::addColumn<qint64>("maxBytes");
    QTest::addColumn<int>("resendRate");

    QTest::newRow("none announced") << QJsonObject() << 0 << qint64(64 * 1024) << 50;
    QTest::newRow("small hub") << QJsonObject { { u"max_message_bytes"_s, 300 }, { u"rate"_s, 10 },
        { u"burst"_s, 20 } } << 0
                               << qint64(300) << 5;
    QTest::newRow("large hub: the setting stays the upper bound")
        << QJsonObject { { u"max_message_bytes"_s, 1000000 }, { u"rate"_s, 1000 } } << 0 << qint64(1000000)
        << 50;
    QTest::newRow("setter below half the rate")
        << QJsonObject { { u"rate"_s, 100 } } << 20 << qint64(64 * 1024) << 20;
    QTest::newRow("rate of 1: at least one resend a second")
        << QJsonObject { { u"rate"_s, 1 } } << 0 << qint64(64 * 1024) << 1;
}

void TestHubLimits::limitsFromWelcome()
{
    QFETCH(QJsonObject, limits);
    QFETCH(int, resendRateSet);
    QFETCH(qint64, maxBytes);
    QFETCH(int, resendRate);
    if (resendRateSet > 0)
        m_client->setResendRate(resendRateSet);
    QVERIFY(joinWith(limits));
    QCOMPARE(m_client->maxOutgoingMessageBytes(), maxBytes);
    QCOMPARE(m_client->resendRate(), resendRate);

    // The announced size is enforced here, before the hub would refuse it and close.
    QSignalSpy errors(m_client.get(), &PeerClient::errorOccurred);
    const QString overhead = m_client->sendMessage(u"you"_s, QString());
    QVERIFY(!overhead.isEmpty());
    const qint64 empty = encode(MessageRequest { QString(), u"you"_s, overhead }).size();
    QVERIFY(m_client->sendMessage(u"you"_s, QString(int(maxBytes - empty + 1), u'x')).isEmpty());
    QCOMPARE(errors.size(), 1);
    const ClientError error = errors.at(0).at(0).value<ClientError>();
    QVERIFY(error.is(ErrorCode::TooLarge));
    QCOMPARE(error.ref, u"message"_s);
    // fits (the frame also numbers the message in its stream: ",\"run\":…,\"seq\":2" is about 30 bytes)
    QVERIFY(!m_client->sendMessage(u"you"_s, QString(int(maxBytes - empty - 40), u'x')).isEmpty());
}

void TestHubLimits::errorsSettleTheMessageTheyName_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("sentAgain");
    QTest::addColumn<bool>("known");

    QTest::newRow("rate_limited: sent again") << u"rate_limited"_s << true << true;
    QTest::newRow("too_large: fails") << u"too_large"_s << false << true;
    QTest::newRow("peer_unavailable: fails") << u"peer_unavailable"_s << false << true;
    QTest::newRow("bad_message: fails") << u"bad_message"_s << false << true;
    QTest::newRow("a code from a newer hub: fails") << u"quota_exceeded"_s << false << false;
}

void TestHubLimits::errorsSettleTheMessageTheyName()
{
    QFETCH(QString, code);
    QFETCH(bool, sentAgain);
    QFETCH(bool, known);
    QVERIFY(joinWith(QJsonObject { { u"rate"_s, 100 } }));
    QSignalSpy errors(m_client.get(), &PeerClient::errorOccurred);
    QSignalSpy acked(m_client.get(), &PeerClient::messageAcked);
    const QString m1 = m_client->sendMessage(u"you"_s, u"one"_s);
    const QString m2 = m_client->sendMessage(u"you"_s, u"two"_s);
    const QString m3 = m_client->sendMessage(u"you"_s, u"three"_s);
    QTRY_COMPARE(m_hub->received(u"message"_s).size(), 3);
    QCOMPARE(m_client->outboxSize(), 3);

    // The hub refuses the middle one, naming it by its mid (as it does for byte-rate limits and sizes too).
    m_hub->send(
        { { u"type"_s, u"error"_s }, { u"code"_s, code }, { u"message"_s, u"refused"_s }, { u"ref"_s, m2 } });
    m_hub->send({ { u"type"_s, u"ack"_s }, { u"mid"_s, m1 } });
    m_hub->send({ { u"type"_s, u"ack"_s }, { u"mid"_s, m3 } });
    QTRY_COMPARE(acked.size(), 2);
    if (sentAgain) {
        QTRY_COMPARE(m_hub->sentCount(m2), 2); // exactly that message went again
        QCOMPARE(errors.size(), 0); // not the user's business
        QCOMPARE(m_client->outboxSize(), 1); // still pending
        m_hub->send({ { u"type"_s, u"ack"_s }, { u"mid"_s, m2 } });
        QTRY_COMPARE(acked.size(), 3);
    } else {
        QTRY_COMPARE(errors.size(), 1);
        const ClientError e = errors.at(0).at(0).value<ClientError>();
        QCOMPARE(e.ref, m2);
        QCOMPARE(e.codeName, code);
        QCOMPARE(e.code.has_value(), known);
        QCOMPARE(e.message, u"refused"_s);
    }
    QCOMPARE(m_client->outboxSize(), 0); // nothing left pending
    QCOMPARE(m_hub->sentCount(m1), 1);
    QCOMPARE(m_hub->sentCount(m3), 1);
}

void TestHubLimits::refusalsWithoutAMidLeaveTheOutboxAlone()
{
    QVERIFY(joinWith(QJsonObject()));
    QSignalSpy errors(m_client.get(), &PeerClient::errorOccurred);
    const QString m1 = m_client->sendMessage(u"you"_s, u"one"_s);
    QTRY_COMPARE(m_hub->received(u"message"_s).size(), 1);
    // An old hub's byte-rate refusal names nothing: no message can be settled by it.
    m_hub->send(
        { { u"type"_s, u"error"_s }, { u"code"_s, u"rate_limited"_s }, { u"message"_s, u"slow down"_s } });
    QTRY_COMPARE(errors.size(), 1);
    QVERIFY(errors.at(0).at(0).value<ClientError>().is(ErrorCode::RateLimited));
    QCOMPARE(m_client->outboxSize(), 1);
    QCOMPARE(m_hub->sentCount(m1), 1);
}

void TestHubLimits::signalsCrossQueuedConnections()
{
    // ChatMessage and ClientError are registered types: a queued connection (another thread, or later in this
    // one) carries them whole.
    QVERIFY(joinWith(QJsonObject()));
    QList<ChatMessage> messages;
    QList<ClientError> errors;
    connect(m_client.get(), &PeerClient::messageReceived, this,
        [&messages](const ChatMessage &m) { messages.append(m); }, Qt::QueuedConnection);
    connect(m_client.get(), &PeerClient::errorOccurred, this, [&errors](const ClientError &e) { errors.append(e); },
        Qt::QueuedConnection);
    m_hub->send({ { u"type"_s, u"message"_s }, { u"from"_s, u"you"_s }, { u"to"_s, u"me"_s }, { u"text"_s, u"hi"_s },
        { u"mid"_s, u"y1"_s }, { u"ts"_s, qint64(1764000000000) } });
    m_hub->send({ { u"type"_s, u"error"_s }, { u"code"_s, u"peer_unavailable"_s }, { u"message"_s, u"gone"_s },
        { u"ref"_s, u"connect_to_peer"_s } });
    QTRY_COMPARE(errors.size(), 1);
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.at(0).from, u"you"_s);
    QCOMPARE(messages.at(0).to, u"me"_s);
    QCOMPARE(messages.at(0).text, u"hi"_s);
    QCOMPARE(messages.at(0).mid, u"y1"_s);
    QCOMPARE(messages.at(0).ts, 1764000000000);
    QVERIFY(errors.at(0).is(ErrorCode::PeerUnavailable));
    QCOMPARE(errors.at(0).ref, u"connect_to_peer"_s);
    QCOMPARE(errors.at(0).message, u"gone"_s);
}

QTEST_GUILESS_MAIN(TestHubLimits)
#include "tst_hublimits.moc"
