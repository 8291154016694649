// A hub behind a reverse proxy (issue 19), over real loopback sockets: `trusted-proxies` makes the hub take the
// client's address from a PROXY protocol header (v1, v2; before TLS on wss://) or X-Forwarded-For, and only from a
// trusted address; every per-address limit, ban, the autoban, Hub::peers() and the observed address of direct-link
// introductions then use that client's address. The parsing alone is tst_proxyheaders.
#include "hub/hub.h"
#include "hub/hubsettings.h"
#include "pollingclient.h"
#include "rawtcpclient.h"

#include "testmain.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QtEndian>

#include <memory>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

namespace {

QByteArray proxyV1(const QByteArray &family, const QByteArray &source, quint16 port)
{
    const QByteArray destination = family == "TCP6" ? "::1" : "127.0.0.1";
    return "PROXY " + family + ' ' + source + ' ' + destination + ' ' + QByteArray::number(port) + " 8080\r\n";
}

QByteArray proxyV2(quint8 versionCommand, quint8 family, const QByteArray &block)
{
    QByteArray length(2, '\0');
    qToBigEndian(quint16(block.size()), length.data());
    return QByteArray("\r\n\r\n\0\r\nQUIT\n", 12) + char(versionCommand) + char(family) + length + block;
}

/// A v2 PROXY header for a TCP connection from @p source : @p port (IPv4 or IPv6) to the hub.
QByteArray proxyV2(const QHostAddress &source, quint16 port)
{
    QByteArray ports(4, '\0');
    qToBigEndian(port, ports.data());
    qToBigEndian(quint16(8080), ports.data() + 2);
    if (source.protocol() == QAbstractSocket::IPv4Protocol) {
        QByteArray block(8, '\0');
        qToBigEndian(source.toIPv4Address(), block.data());
        qToBigEndian(QHostAddress(QHostAddress::LocalHost).toIPv4Address(), block.data() + 4);
        return proxyV2(0x21, 0x11, block + ports);
    }
    const Q_IPV6ADDR ip = source.toIPv6Address();
    const Q_IPV6ADDR hub = QHostAddress(QHostAddress::LocalHostIPv6).toIPv6Address();
    QByteArray block(reinterpret_cast<const char *>(ip.c), 16);
    block.append(reinterpret_cast<const char *>(hub.c), 16);
    return proxyV2(0x21, 0x21, block + ports);
}

QByteArray forwardedFor(const QByteArray &list)
{
    return "X-Forwarded-For: " + list + "\r\n";
}

/// A hub's configuration with `trusted-proxies` (and other settings) set as peerlink-hub reads them.
HubConfig configWith(const QList<std::pair<QString, QString>> &settings)
{
    HubServiceConfig config;
    for (const auto &[key, value] : settings) {
        QString error;
        if (!applyHubSetting(config, key, value, &error))
            qFatal("%s", qPrintable(error));
    }
    return config.hub;
}

/// A peer as a reverse proxy hands it to the hub: the proxy's connection (from 127.0.0.1 unless bound elsewhere),
/// with what the proxy writes before the request and the headers it adds; then the hub's own protocol in raw frames.
class ProxiedPeer
{
public:
    explicit ProxiedPeer(const QHostAddress &local = {}, const QHostAddress &hub = {})
    {
        if (!local.isNull())
            m_raw.bindTo(local);
        if (!hub.isNull())
            m_raw.connectTo(hub);
    }
    bool open(quint16 port, const QByteArray &beforeRequest, const QByteArray &headers = {}, bool tls = false)
    {
        return m_raw.openAsProxy(port, beforeRequest, headers, tls);
    }
    /// Joins as @p id; the welcome (or the error that came instead; empty when nothing came).
    QJsonObject join(const QString &id)
    {
        send(QJsonObject { { u"type"_s, u"join"_s }, { u"id"_s, id } });
        return next();
    }
    void send(const QJsonObject &object) { m_raw.sendFrame(QJsonDocument(object).toJson(QJsonDocument::Compact)); }
    /// The next object from the hub (empty after the time-out).
    QJsonObject next() { return QJsonDocument::fromJson(m_raw.readTextFrame()).object(); }
    /// Waits for the next object of @p type, skipping others.
    QJsonObject waitFor(const QString &type)
    {
        for (int i = 0; i < 20; ++i) {
            const QJsonObject o = next();
            if (o.isEmpty() || o.value("type"_L1).toString() == type)
                return o;
        }
        return {};
    }
    RawTcpClient &raw() { return m_raw; }

private:
    RawTcpClient m_raw;
};

/// The address Hub::peers() shows for @p id (null when it is not joined).
HubPeer peerOf(const Hub &hub, const QString &id)
{
    for (const HubPeer &p : hub.peers()) {
        if (p.id == id)
            return p;
    }
    return HubPeer();
}

QString errorCode(const QJsonObject &o)
{
    return o.value("type"_L1).toString() == "error"_L1 ? o.value("code"_L1).toString() : QString();
}

/// The code of the error a new connection through the proxy gets at once (refused on arrival), from @p local
/// (127.0.0.1 when null) with @p beforeRequest and @p headers; empty when it is let in.
QString refusalOf(quint16 port, const QByteArray &beforeRequest, const QByteArray &headers,
                  const QHostAddress &local = {})
{
    ProxiedPeer peer { local };
    if (!peer.open(port, beforeRequest, headers))
        return u"no handshake"_s;
    return errorCode(peer.join(u"latecomer"_s));
}

} // namespace

class TestProxies : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void forwardedForNamesTheClient();
    void limitsCountTheForwardedAddress();
    void proxyOverIpv6();
    void untrustedForwardedForIsIgnored_data();
    void untrustedForwardedForIsIgnored();
    void proxyHeaderNamesTheClient_data();
    void proxyHeaderNamesTheClient();
    void proxyHeaderFromUntrustedIsNotTaken_data();
    void proxyHeaderFromUntrustedIsNotTaken();
    void malformedProxyHeaderClosesOnlyThatConnection_data();
    void malformedProxyHeaderClosesOnlyThatConnection();
    void handshakesPerAddressCountTheProxiedClient();
    void connectionsClosedBeforeTheirRequestLeaveNothing();
    void proxyHeaderBeforeTls();
    void bansApplyToTheRealAddress();
    void autobanCountsTheRealAddress();
    void introductionsCarryTheObservedAddress();
    void socketIoPollingTakesForwardedFor();
    void socketIoPollingFromUntrustedIsIgnored();
};

void TestProxies::forwardedForNamesTheClient()
{
    Hub hub(configWith({ { u"trusted-proxies"_s, u"127.0.0.1/32, ::1/128"_s } }));
    QVERIFY(hub.listen());
    ProxiedPeer alice;
    QVERIFY(alice.open(hub.serverPort(), {}, forwardedFor("198.51.100.1, 203.0.113.9")));
    QCOMPARE(alice.join(u"alice"_s).value("type"_L1).toString(), u"welcome"_s);
    const HubPeer peer = peerOf(hub, u"alice"_s);
    QCOMPARE(peer.address, QHostAddress(u"203.0.113.9"_s)); // the right-most: what the proxy itself saw
    QCOMPARE(peer.port, quint16(0));                        // X-Forwarded-For carries none
    // The proxy's own connection without the header is the proxy's.
    ProxiedPeer plain;
    QVERIFY(plain.open(hub.serverPort(), {}));
    QCOMPARE(plain.join(u"plain"_s).value("type"_L1).toString(), u"welcome"_s);
    QCOMPARE(peerOf(hub, u"plain"_s).address, QHostAddress(QHostAddress::LocalHost));
    QVERIFY(peerOf(hub, u"plain"_s).port != 0);
}

void TestProxies::limitsCountTheForwardedAddress()
{
    Hub hub(configWith({ { u"trusted-proxies"_s, u"127.0.0.1"_s }, { u"max-connections-per-address"_s, u"1"_s } }));
    QVERIFY(hub.listen());
    ProxiedPeer a;
    ProxiedPeer b;
    QVERIFY(a.open(hub.serverPort(), {}, forwardedFor("203.0.113.1")));
    QVERIFY(b.open(hub.serverPort(), {}, forwardedFor("203.0.113.2")));
    QCOMPARE(a.join(u"a"_s).value("type"_L1).toString(), u"welcome"_s);
    QCOMPARE(b.join(u"b"_s).value("type"_L1).toString(), u"welcome"_s);
    // All three come from 127.0.0.1; only the third shares its client's address with another.
    QCOMPARE(refusalOf(hub.serverPort(), {}, forwardedFor("203.0.113.1")), u"hub_full"_s);
    QCOMPARE(hub.peerCount(), 2);
    // Once a leaves, its address may come again.
    a.send(QJsonObject { { u"type"_s, u"leave"_s } });
    QVERIFY(a.raw().waitForClose() >= 0);
    QTRY_COMPARE(hub.peerCount(), 1);
    ProxiedPeer back;
    QVERIFY(back.open(hub.serverPort(), {}, forwardedFor("203.0.113.1")));
    QCOMPARE(back.join(u"a"_s).value("type"_L1).toString(), u"welcome"_s);
}

void TestProxies::proxyOverIpv6()
{
    // A proxy that reaches the hub over IPv6 (::1): trusted as ::1/128, not as 127.0.0.1/32.
    const QHostAddress ipv6(QHostAddress::LocalHostIPv6);
    for (const QString &trusted : { u"::1/128"_s, u"127.0.0.1/32"_s }) {
        Hub hub(configWith({ { u"trusted-proxies"_s, trusted } }));
        QVERIFY(hub.listen(ipv6));
        const bool believed = trusted.startsWith(u"::"_s);
        ProxiedPeer forwarded { {}, ipv6 };
        QVERIFY(forwarded.open(hub.serverPort(), {}, forwardedFor("[2001:db8::5]:4711")));
        QCOMPARE(forwarded.join(u"forwarded"_s).value("type"_L1).toString(), u"welcome"_s);
        QCOMPARE(peerOf(hub, u"forwarded"_s).address, believed ? QHostAddress(u"2001:db8::5"_s) : ipv6);
        ProxiedPeer proxied { {}, ipv6 };
        QVERIFY(proxied.open(hub.serverPort(), proxyV1("TCP4", "203.0.113.5", 5000)) == believed);
        if (believed) {
            QCOMPARE(proxied.join(u"proxied"_s).value("type"_L1).toString(), u"welcome"_s);
            QCOMPARE(peerOf(hub, u"proxied"_s).address, QHostAddress(u"203.0.113.5"_s));
        }
    }
}

void TestProxies::untrustedForwardedForIsIgnored_data()
{
    QTest::addColumn<QString>("trusted");
    QTest::addColumn<QString>("from");
    QTest::newRow("another proxy is trusted") << u"127.0.0.2/32"_s << u"127.0.0.1"_s;
    QTest::newRow("from an untrusted loopback address") << u"127.0.0.1/32"_s << u"127.0.0.3"_s;
    QTest::newRow("no trusted proxies") << QString() << u"127.0.0.1"_s;
}

void TestProxies::untrustedForwardedForIsIgnored()
{
    QFETCH(QString, trusted);
    QFETCH(QString, from);
    Hub hub(configWith({ { u"trusted-proxies"_s, trusted }, { u"max-connections-per-address"_s, u"1"_s } }));
    QVERIFY(hub.listen());
    ProxiedPeer spoofer { QHostAddress(from) };
    QVERIFY(spoofer.open(hub.serverPort(), {}, forwardedFor("203.0.113.9")));
    QCOMPARE(spoofer.join(u"spoofer"_s).value("type"_L1).toString(), u"welcome"_s);
    QCOMPARE(peerOf(hub, u"spoofer"_s).address, QHostAddress(from));
    // The limit counts the real address: another spoofed name does not get it a second place.
    QCOMPARE(refusalOf(hub.serverPort(), {}, forwardedFor("198.51.100.77"), QHostAddress(from)), u"hub_full"_s);
}

void TestProxies::proxyHeaderNamesTheClient_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("port"); // -1: the connection's own (any)
    const QByteArray none;
    QTest::newRow("v1 TCP4") << proxyV1("TCP4", "203.0.113.9", 40001) << none << u"203.0.113.9"_s << 40001;
    QTest::newRow("v1 TCP6") << proxyV1("TCP6", "2001:db8::9", 40002) << none << u"2001:db8::9"_s << 40002;
    QTest::newRow("v1 UNKNOWN") << QByteArray("PROXY UNKNOWN\r\n") << none << u"127.0.0.1"_s << -1;
    QTest::newRow("v2 TCP4") << proxyV2(QHostAddress(u"203.0.113.10"_s), 40003) << none << u"203.0.113.10"_s
                             << 40003;
    QTest::newRow("v2 TCP6") << proxyV2(QHostAddress(u"2001:db8::10"_s), 40004) << none << u"2001:db8::10"_s << 40004;
    QTest::newRow("v2 TCP6, an IPv4 client") << proxyV2(QHostAddress(u"::ffff:203.0.113.11"_s), 40005) << none
                                             << u"203.0.113.11"_s << 40005;
    QTest::newRow("v2 with TLVs") << proxyV2(0x21, 0x11, QByteArray::fromHex("cb00710c7f0000019c4a1f90" "0500046162636404000100"))
                                  << none << u"203.0.113.12"_s << 40010;
    QTest::newRow("v2 LOCAL (a health check)") << proxyV2(0x20, 0x00, {}) << none << u"127.0.0.1"_s << -1;
    // The PROXY header names a trusted hop (10.0.0.2, a proxy in front of this one): X-Forwarded-For goes on.
    QTest::newRow("v2 then X-Forwarded-For") << proxyV2(QHostAddress(u"10.0.0.2"_s), 40006)
                                             << forwardedFor("198.51.100.4, 203.0.113.13") << u"203.0.113.13"_s << 0;
    // An untrusted client named by PROXY: its own X-Forwarded-For is not read.
    QTest::newRow("v1 then a client's X-Forwarded-For") << proxyV1("TCP4", "203.0.113.14", 40007)
                                                        << forwardedFor("192.0.2.200") << u"203.0.113.14"_s << 40007;
}

void TestProxies::proxyHeaderNamesTheClient()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, headers);
    QFETCH(QString, address);
    QFETCH(int, port);
    Hub hub(configWith({ { u"trusted-proxies"_s, u"127.0.0.1/32, 10.0.0.0/8"_s } }));
    QVERIFY(hub.listen());
    ProxiedPeer peer;
    QVERIFY(peer.open(hub.serverPort(), header, headers));
    QCOMPARE(peer.join(u"proxied"_s).value("type"_L1).toString(), u"welcome"_s);
    const HubPeer seen = peerOf(hub, u"proxied"_s);
    QCOMPARE(seen.address, QHostAddress(address));
    if (port >= 0)
        QCOMPARE(seen.port, quint16(port));
    else
        QVERIFY(seen.port != 0);
}

void TestProxies::proxyHeaderFromUntrustedIsNotTaken_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("v1") << proxyV1("TCP4", "203.0.113.9", 40001);
    QTest::newRow("v2") << proxyV2(QHostAddress(u"203.0.113.9"_s), 40001);
}

void TestProxies::proxyHeaderFromUntrustedIsNotTaken()
{
    QFETCH(QByteArray, header);
    // The proxy is 127.0.0.1; the connection comes from 127.0.0.3, whose PROXY line is an HTTP request like any
    // garbage: refused, never believed.
    HubConfig config = configWith({ { u"trusted-proxies"_s, u"127.0.0.1/32"_s } });
    config.handshakeTimeoutMs = 2000;
    Hub hub(config);
    QVERIFY(hub.listen());
    ProxiedPeer spoofer { QHostAddress(u"127.0.0.3"_s) };
    QVERIFY(!spoofer.open(hub.serverPort(), header));
    // The WebSocket handshake closes a request line it cannot read without an answer; never 101.
    QVERIFY2(!spoofer.raw().answerHead().startsWith("HTTP/1.1 101"), spoofer.raw().answerHead().constData());
    QVERIFY(spoofer.raw().waitForClose() >= 0);
    QTRY_COMPARE(hub.connectionCount(), 0);
    QVERIFY(hub.peers().isEmpty());
}

void TestProxies::malformedProxyHeaderClosesOnlyThatConnection_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("v1 two spaces") << QByteArray("PROXY TCP4  203.0.113.9 127.0.0.1 1 2\r\n");
    QTest::newRow("v1 over 107 bytes") << "PROXY UNKNOWN " + QByteArray(120, 'x') + "\r\n";
    QTest::newRow("v1 a name") << QByteArray("PROXY TCP4 evil.example 127.0.0.1 1 2\r\n");
    QTest::newRow("v2 UDP") << proxyV2(0x21, 0x12, QByteArray(12, '\1'));
    QTest::newRow("v2 version 3") << proxyV2(0x31, 0x11, QByteArray(12, '\1'));
    QTest::newRow("v2 TCP6 with a short block") << proxyV2(0x21, 0x21, QByteArray(12, '\1'));
    // max-request-head-bytes is 1024 here: the length field alone refuses it.
    QTest::newRow("v2 over max-request-head-bytes") << proxyV2(0x21, 0x11, QByteArray(2000, '\1'));
}

void TestProxies::malformedProxyHeaderClosesOnlyThatConnection()
{
    QFETCH(QByteArray, header);
    Hub hub(configWith({ { u"trusted-proxies"_s, u"127.0.0.1/32"_s }, { u"max-request-head-bytes"_s, u"1024"_s } }));
    QVERIFY(hub.listen());
    ProxiedPeer alice;
    QVERIFY(alice.open(hub.serverPort(), proxyV1("TCP4", "203.0.113.1", 1000)));
    QCOMPARE(alice.join(u"alice"_s).value("type"_L1).toString(), u"welcome"_s);

    ProxiedPeer bad;
    QVERIFY(!bad.open(hub.serverPort(), header));
    QVERIFY2(bad.raw().answerHead().isEmpty(), bad.raw().answerHead().constData()); // closed, no answer
    QVERIFY(bad.raw().waitForClose() >= 0);
    QTRY_COMPARE(hub.connectionCount(), 1);
    QVERIFY(hub.metricsText().contains("peerlink_connections_refused_total{reason=\"proxy_header\"} 1\n"));

    // Alice is still served, and the next proxied client gets in.
    ProxiedPeer bob;
    QVERIFY(bob.open(hub.serverPort(), proxyV1("TCP4", "203.0.113.2", 1001)));
    QCOMPARE(bob.join(u"bob"_s).value("type"_L1).toString(), u"welcome"_s);
    QCOMPARE(alice.waitFor(u"peer_connect"_s).value("id"_L1).toString(), u"bob"_s);
    QCOMPARE(peerOf(hub, u"alice"_s).address, QHostAddress(u"203.0.113.1"_s));
}

void TestProxies::handshakesPerAddressCountTheProxiedClient()
{
    // max-connections-per-address also bounds the handshakes from one address: a proxy carries many clients, so
    // its own connections do not count, the client a PROXY header names does.
    Hub hub(configWith({ { u"trusted-proxies"_s, u"127.0.0.1/32"_s }, { u"max-connections-per-address"_s, u"1"_s } }));
    QVERIFY(hub.listen());
    RawTcpClient slow; // the PROXY header, then nothing: in its handshake until the time-out
    QVERIFY(slow.connectOnly(hub.serverPort()));
    slow.write(proxyV1("TCP4", "203.0.113.5", 2000));
    RawTcpClient waiting; // the proxy's own connection, with half a request
    QVERIFY(waiting.connectOnly(hub.serverPort()));
    waiting.write("GET / HTTP/1.1\r\n");
    QTRY_VERIFY(hub.metricsText().contains("\npeerlink_handshakes 2\n"));

    // The same client again while the first is in its handshake: 503. (Tried until the hub has read the first
    // one's header: its bytes and the accepting of the others are events in no promised order.)
    const auto refusedAsTheSameClient = [&hub] {
        ProxiedPeer sameClient;
        return !sameClient.open(hub.serverPort(), proxyV1("TCP4", "203.0.113.5", 2001))
            && sameClient.raw().answerHead().startsWith("HTTP/1.1 503");
    };
    QTRY_VERIFY(refusedAsTheSameClient());
    ProxiedPeer otherClient;
    QVERIFY(otherClient.open(hub.serverPort(), proxyV1("TCP4", "203.0.113.6", 2002)));
    ProxiedPeer proxyItself; // more of the proxy's own: not counted as one address
    QVERIFY(proxyItself.open(hub.serverPort(), {}));
    QCOMPARE(proxyItself.join(u"itself"_s).value("type"_L1).toString(), u"welcome"_s);
}

void TestProxies::connectionsClosedBeforeTheirRequestLeaveNothing()
{
    // A proxy's connection that ends within a PROXY header, or anybody's within a request head: no socket stays.
    Hub hub(configWith({ { u"trusted-proxies"_s, u"127.0.0.1/32"_s } }));
    QVERIFY(hub.listen());
    const QList<QByteArray> starts = { "PRO", "PROXY TCP4 203.0.113.9 127.0.0.1 1 2\r\nGET / HT", "GET / HTTP/1.1\r\n" };
    for (const QByteArray &start : starts) {
        for (const QHostAddress &from : { QHostAddress(QHostAddress::LocalHost), QHostAddress(u"127.0.0.3"_s) }) {
            RawTcpClient client;
            client.bindTo(from);
            QVERIFY(client.connectOnly(hub.serverPort()));
            client.write(start);
            QTRY_VERIFY(hub.metricsText().contains("\npeerlink_handshakes 1\n"));
        }
    }
    QTRY_VERIFY(hub.metricsText().contains("\npeerlink_handshakes 0\n"));
    QTRY_COMPARE(hub.findChildren<QTcpSocket *>().size(), 0);
    ProxiedPeer after;
    QVERIFY(after.open(hub.serverPort(), proxyV1("TCP4", "203.0.113.9", 1)));
    QCOMPARE(after.join(u"after"_s).value("type"_L1).toString(), u"welcome"_s);
}

void TestProxies::proxyHeaderBeforeTls()
{
    // HAProxy in TCP mode in front of a hub that serves wss:// itself: the PROXY header comes before the TLS
    // handshake.
    HubServiceConfig service;
    QString error;
    QVERIFY2(applyHubSetting(service, u"tls-cert"_s, QStringLiteral(PEERLINK_SOURCE_DIR "/tests/data/hub-test.crt"),
                             &error),
             qPrintable(error));
    QVERIFY2(applyHubSetting(service, u"tls-key"_s, QStringLiteral(PEERLINK_SOURCE_DIR "/tests/data/hub-test.key"),
                             &error),
             qPrintable(error));
    QVERIFY(applyHubSetting(service, u"trusted-proxies"_s, u"127.0.0.1/32"_s, &error));
    Hub hub(service.hub);
    QVERIFY(hub.listen());
    ProxiedPeer v2;
    QVERIFY(v2.open(hub.serverPort(), proxyV2(QHostAddress(u"2001:db8::77"_s), 50000), {}, true));
    QCOMPARE(v2.join(u"tlsv2"_s).value("type"_L1).toString(), u"welcome"_s);
    QCOMPARE(peerOf(hub, u"tlsv2"_s).address, QHostAddress(u"2001:db8::77"_s));
    ProxiedPeer v1;
    QVERIFY(v1.open(hub.serverPort(), proxyV1("TCP4", "203.0.113.77", 50001), {}, true));
    QCOMPARE(v1.join(u"tlsv1"_s).value("type"_L1).toString(), u"welcome"_s);
    QCOMPARE(peerOf(hub, u"tlsv1"_s).address, QHostAddress(u"203.0.113.77"_s));
    ProxiedPeer none; // no PROXY header: the TLS handshake right away
    QVERIFY(none.open(hub.serverPort(), {}, forwardedFor("203.0.113.78"), true));
    QCOMPARE(none.join(u"tlsxff"_s).value("type"_L1).toString(), u"welcome"_s);
    QCOMPARE(peerOf(hub, u"tlsxff"_s).address, QHostAddress(u"203.0.113.78"_s));
}

void TestProxies::bansApplyToTheRealAddress()
{
    Hub hub(configWith({ { u"trusted-proxies"_s, u"127.0.0.1/32"_s } }));
    QVERIFY(hub.listen());
    hub.setBans({}, { QHostAddress(u"203.0.113.66"_s) });
    QCOMPARE(refusalOf(hub.serverPort(), {}, forwardedFor("203.0.113.66")), u"banned"_s);
    QCOMPARE(refusalOf(hub.serverPort(), proxyV2(QHostAddress(u"203.0.113.66"_s), 3000), {}), u"banned"_s);
    // Another client through the same proxy, and the proxy itself, are not.
    ProxiedPeer other;
    QVERIFY(other.open(hub.serverPort(), {}, forwardedFor("203.0.113.67")));
    QCOMPARE(other.join(u"other"_s).value("type"_L1).toString(), u"welcome"_s);
    ProxiedPeer proxy;
    QVERIFY(proxy.open(hub.serverPort(), {}));
    QCOMPARE(proxy.join(u"proxy"_s).value("type"_L1).toString(), u"welcome"_s);

    // The operator bans a joined peer: its real address goes on the list, not the proxy's.
    QVERIFY(hub.ban(u"other"_s));
    QVERIFY(other.raw().waitForClose() >= 0);
    QCOMPARE(refusalOf(hub.serverPort(), {}, forwardedFor("203.0.113.67")), u"banned"_s);
    QCOMPARE(refusalOf(hub.serverPort(), {}, forwardedFor("203.0.113.68")), QString());
    QCOMPARE(peerOf(hub, u"proxy"_s).address, QHostAddress(QHostAddress::LocalHost)); // still there
}

void TestProxies::autobanCountsTheRealAddress()
{
    // The default autoban-ignore (loopback) would spare the proxy; the clients behind it are counted by theirs.
    Hub hub(configWith({ { u"trusted-proxies"_s, u"127.0.0.1/32"_s }, { u"autoban-connections"_s, u"2"_s } }));
    QVERIFY(hub.listen());
    for (int i = 0; i < 2; ++i) {
        ProxiedPeer attempt;
        QVERIFY(attempt.open(hub.serverPort(), {}, forwardedFor("203.0.113.30")));
        QCOMPARE(attempt.join(u"flapper"_s).value("type"_L1).toString(), u"welcome"_s);
        attempt.send(QJsonObject { { u"type"_s, u"leave"_s } });
        QVERIFY(attempt.raw().waitForClose() >= 0);
        QTRY_COMPARE(hub.connectionCount(), 0);
    }
    QCOMPARE(refusalOf(hub.serverPort(), {}, forwardedFor("203.0.113.30")), u"banned"_s);
    QCOMPARE(refusalOf(hub.serverPort(), {}, forwardedFor("203.0.113.31")), QString());
}

void TestProxies::introductionsCarryTheObservedAddress()
{
    Hub hub(configWith({ { u"trusted-proxies"_s, u"127.0.0.1/32"_s } }));
    QVERIFY(hub.listen());
    ProxiedPeer alice;
    ProxiedPeer bob;
    QVERIFY(alice.open(hub.serverPort(), {}, forwardedFor("203.0.113.40")));
    QVERIFY(bob.open(hub.serverPort(), proxyV2(QHostAddress(u"2001:db8::41"_s), 4100)));
    QCOMPARE(alice.join(u"alice"_s).value("type"_L1).toString(), u"welcome"_s);
    QCOMPARE(bob.join(u"bob"_s).value("type"_L1).toString(), u"welcome"_s);
    alice.send(QJsonObject { { u"type"_s, u"connect_to_peer"_s }, { u"peer"_s, u"bob"_s } });
    const QJsonObject offer = bob.waitFor(u"connect_to_peer"_s);
    QCOMPARE(offer.value("observed"_L1).toString(), u"203.0.113.40"_s);
    bob.send(QJsonObject { { u"type"_s, u"connect_accept"_s },
                           { u"peer"_s, u"alice"_s },
                           { u"link"_s, offer.value("link"_L1).toString() } });
    QCOMPARE(alice.waitFor(u"connect_accept"_s).value("observed"_L1).toString(), u"2001:db8::41"_s);
}

void TestProxies::socketIoPollingTakesForwardedFor()
{
    Hub hub(configWith({ { u"trusted-proxies"_s, u"127.0.0.1/32"_s }, { u"max-connections-per-address"_s, u"1"_s } }));
    QVERIFY(hub.listen());
    PollingClient alice(hub.serverPort());
    alice.setHeaders({ { "X-Forwarded-For", "198.51.100.9, 203.0.113.50" } });
    QVERIFY(alice.start(u"alice"_s));
    QCOMPARE(peerOf(hub, u"alice"_s).address, QHostAddress(u"203.0.113.50"_s));
    // A second session of the same client is one connection too many; another client's is not.
    PollingClient same(hub.serverPort());
    same.setHeaders({ { "X-Forwarded-For", "203.0.113.50" } });
    QVERIFY(!same.handshake().isEmpty());
    same.post("40");
    const QJsonObject refusal = QJsonDocument::fromJson(same.waitFor("44").mid(2)).object();
    QCOMPARE(refusal.value("data"_L1).toObject().value("code"_L1).toString(), u"hub_full"_s);
    PollingClient other(hub.serverPort());
    other.setHeaders({ { "X-Forwarded-For", "203.0.113.51" } });
    QVERIFY(other.start(u"other"_s));
    QCOMPARE(peerOf(hub, u"other"_s).address, QHostAddress(u"203.0.113.51"_s));
    // Two X-Forwarded-For lines are one list, in order.
    PollingClient twoLines(hub.serverPort());
    twoLines.setHeaders({ { "X-Forwarded-For", "203.0.113.52" }, { "X-Forwarded-For", "127.0.0.1" } });
    QVERIFY(twoLines.start(u"twolines"_s));
    QCOMPARE(peerOf(hub, u"twolines"_s).address, QHostAddress(u"203.0.113.52"_s));
}

void TestProxies::socketIoPollingFromUntrustedIsIgnored()
{
    Hub hub(configWith({ { u"trusted-proxies"_s, u"127.0.0.2/32"_s } }));
    QVERIFY(hub.listen());
    PollingClient spoofer(hub.serverPort());
    spoofer.setHeaders({ { "X-Forwarded-For", "203.0.113.60" } });
    QVERIFY(spoofer.start(u"spoofer"_s));
    QCOMPARE(peerOf(hub, u"spoofer"_s).address, QHostAddress(QHostAddress::LocalHost));
}

PEERLINK_TEST_MAIN(TestProxies)
#include "tst_proxies.moc"
