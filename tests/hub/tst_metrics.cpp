// The hub's metrics endpoint (issue 19, part 3): Prometheus' text format at http://ADDR:PORT/metrics on a listener of
// its own, scraped over loopback and parsed strictly; the counters and gauges follow what peers do.
#include "hub/hub.h"
#include "hub/hubmetrics.h"
#include "rawclient.h"

#include "testmain.h"

#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

namespace {

struct Scrape
{
    int status = 0;
    QByteArray head;
    QByteArray body;
};

Scrape get(quint16 port, const QByteArray &method, const QByteArray &path)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    Scrape s;
    if (!QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000))
        return s;
    socket.write(method + ' ' + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QByteArray all;
    [[maybe_unused]] const bool closed = QTest::qWaitFor(
        [&] {
            all += socket.readAll();
            return socket.state() != QAbstractSocket::ConnectedState;
        },
        5000);
    all += socket.readAll();
    const qsizetype end = all.indexOf("\r\n\r\n");
    s.status = all.mid(9, 3).toInt();
    s.head = all.left(end);
    s.body = all.mid(end + 4);
    return s;
}

/// The samples of a Prometheus text body ("name{labels}" -> value); fails the test on any line that breaks the
/// format, or a sample whose metric had no HELP and TYPE before it.
QHash<QString, double> parse(const QByteArray &body)
{
    QHash<QString, double> samples;
    QSet<QString> typed;
    const QRegularExpression sample(u"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-z_]+=\"[^\"]*\"\\})? (-?[0-9.e+]+)$"_s);
    const QRegularExpression comment(u"^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$"_s);
    for (const QByteArray &line : body.split('\n')) {
        if (line.isEmpty())
            continue;
        const QString l = QString::fromUtf8(line);
        if (const auto c = comment.match(l); c.hasMatch()) {
            if (c.captured(1) == u"TYPE") {
                if (!QStringList { u"counter"_s, u"gauge"_s }.contains(c.captured(3)))
                    qWarning() << "bad type" << l;
                typed.insert(c.captured(2));
            }
            continue;
        }
        const auto m = sample.match(l);
        if (!m.hasMatch() || !typed.contains(m.captured(1))) {
            qWarning() << "not a valid sample:" << l;
            return {};
        }
        if (m.captured(1).contains(u"_total") != m.captured(1).endsWith(u"_total"))
            qWarning() << "odd name" << l;
        samples.insert(m.captured(1) + m.captured(2), m.captured(3).toDouble());
    }
    return samples;
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void endpointSetting_data();
    void endpointSetting();
    void countersFollowThePeers();
    void onlyGetMetrics();
    void offByDefault();
    void portInUseStopsTheHub();
};

void TestMetrics::endpointSetting_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("port");
    QTest::newRow("loopback") << u"127.0.0.1:9100"_s << true << u"127.0.0.1"_s << 9100;
    QTest::newRow("IPv6") << u"[::1]:9100"_s << true << u"::1"_s << 9100;
    QTest::newRow("every interface") << u":9100"_s << true << QString() << 9100;
    QTest::newRow("any free port") << u"127.0.0.1:0"_s << true << u"127.0.0.1"_s << 0;
    QTest::newRow("no port") << u"127.0.0.1"_s << false << QString() << 0;
    QTest::newRow("port too big") << u"127.0.0.1:70000"_s << false << QString() << 0;
    QTest::newRow("a name") << u"localhost:9100"_s << false << QString() << 0;
    QTest::newRow("words") << u"nonsense"_s << false << QString() << 0;
}

void TestMetrics::endpointSetting()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(QString, address);
    QFETCH(int, port);
    QHostAddress a;
    quint16 p = 1;
    QString error;
    QCOMPARE(parseMetricsEndpoint(text, &a, &p, &error), ok);
    if (!ok) {
        QVERIFY(error.contains(u"ADDRESS:PORT"_s));
        return;
    }
    QCOMPARE(int(p), port);
    if (!address.isEmpty())
        QCOMPARE(a, QHostAddress(address));
}

void TestMetrics::countersFollowThePeers()
{
    HubConfig config;
    config.metrics = u"127.0.0.1:0"_s;
    Hub hub(config);
    QVERIFY2(hub.listen(), qPrintable(hub.errorString()));
    QVERIFY(hub.metricsPort() != 0);
    Scrape s = get(hub.metricsPort(), "GET", "/metrics");
    QCOMPARE(s.status, 200);
    QVERIFY(s.head.toLower().contains("content-type: text/plain; version=0.0.4"));
    QHash<QString, double> m = parse(s.body);
    QVERIFY(!m.isEmpty());
    QCOMPARE(m.value(u"peerlink_peers"_s, -1), 0.0);
    QCOMPARE(m.value(u"peerlink_messages_routed_total"_s, -1), 0.0);

    RawClient a, b;
    QVERIFY(a.open(hub.serverUrl()) && b.open(hub.serverUrl()));
    QVERIFY(!a.join(u"a"_s).isEmpty() && !b.join(u"b"_s).isEmpty());
    a.sendJson({ { u"type"_s, u"message"_s }, { u"to"_s, u"b"_s }, { u"text"_s, u"hello"_s } });
    QVERIFY(!b.waitFor(u"message"_s).isEmpty());
    a.sendJson({ { u"type"_s, u"message"_s }, { u"text"_s, u"to all"_s } });
    QVERIFY(!b.waitFor(u"message"_s).isEmpty());
    a.sendJson({ { u"type"_s, u"teleport"_s } });
    QVERIFY(!a.waitFor(u"error"_s).isEmpty());
    a.sendJson({ { u"type"_s, u"message"_s }, { u"to"_s, u"ghost"_s }, { u"text"_s, u"x"_s } });
    QVERIFY(!a.waitFor(u"error"_s).isEmpty());

    m = parse(get(hub.metricsPort(), "GET", "/metrics").body);
    QCOMPARE(m.value(u"peerlink_peers"_s), 2.0);
    QCOMPARE(m.value(u"peerlink_connections"_s), 2.0);
    QCOMPARE(m.value(u"peerlink_connections_accepted_total"_s), 2.0);
    QCOMPARE(m.value(u"peerlink_messages_routed_total"_s), 2.0);
    QCOMPARE(m.value(u"peerlink_deliveries_total"_s), 2.0);
    QVERIFY(m.value(u"peerlink_message_bytes_routed_total"_s) > 40);
    QVERIFY(m.value(u"peerlink_received_bytes_total"_s) > m.value(u"peerlink_message_bytes_routed_total"_s));
    QCOMPARE(m.value(u"peerlink_errors_total{code=\"unknown_type\"}"_s), 1.0);
    QCOMPARE(m.value(u"peerlink_errors_total{code=\"peer_unavailable\"}"_s), 1.0);
    QCOMPARE(m.value(u"peerlink_rate_limited_total"_s, -1), 0.0);
    QVERIFY(m.value(u"peerlink_start_time_seconds"_s) > 1.7e9);

    // A ban shows as a gauge and a counter; the banned peer's connection goes.
    QVERIFY(hub.ban(u"b"_s));
    QTRY_COMPARE(parse(get(hub.metricsPort(), "GET", "/metrics").body).value(u"peerlink_peers"_s), 1.0);
    m = parse(get(hub.metricsPort(), "GET", "/metrics").body);
    QCOMPARE(m.value(u"peerlink_bans_issued_total"_s), 1.0);
    QVERIFY(m.value(u"peerlink_bans"_s) >= 1.0);
    // A refused connection (the banned address) is counted by reason.
    RawClient again;
    again.open(hub.serverUrl(), 2000); // refused at once: it may be closed before open() sees it open
    QTRY_COMPARE(parse(get(hub.metricsPort(), "GET", "/metrics").body)
                     .value(u"peerlink_connections_refused_total{reason=\"banned\"}"_s),
                 1.0);
}

void TestMetrics::onlyGetMetrics()
{
    HubConfig config;
    config.metrics = u"127.0.0.1:0"_s;
    Hub hub(config);
    QVERIFY(hub.listen());
    QCOMPARE(get(hub.metricsPort(), "GET", "/").status, 404);
    QCOMPARE(get(hub.metricsPort(), "POST", "/metrics").status, 405);
    QCOMPARE(get(hub.metricsPort(), "GET", "/metrics?x=1").status, 200);
    // Garbage is answered 400 and the endpoint goes on.
    QTcpSocket raw;
    raw.connectToHost(QHostAddress::LocalHost, hub.metricsPort());
    QVERIFY(QTest::qWaitFor([&] { return raw.state() == QAbstractSocket::ConnectedState; }, 5000));
    raw.write("\x01\x02 not http\r\n\r\n");
    QTRY_VERIFY(raw.state() != QAbstractSocket::ConnectedState || raw.readAll().startsWith("HTTP/1.1 400"));
    QCOMPARE(get(hub.metricsPort(), "GET", "/metrics").status, 200);
}

void TestMetrics::offByDefault()
{
    Hub hub;
    QVERIFY(hub.listen());
    QCOMPARE(hub.metricsPort(), quint16(0));
    QVERIFY(!hub.metricsText().isEmpty()); // the text exists; nothing serves it
}

void TestMetrics::portInUseStopsTheHub()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    HubConfig config;
    config.metrics = u"127.0.0.1:%1"_s.arg(taken.serverPort());
    Hub hub(config);
    QVERIFY(!hub.listen());
    QVERIFY2(hub.errorString().contains(u"metrics"_s), qPrintable(hub.errorString()));
    QVERIFY(!hub.isListening());
}

PEERLINK_TEST_MAIN(TestMetrics)
#include "tst_metrics.moc"
