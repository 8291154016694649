// wss://: the hub serves TLS with a certificate and key; PeerClient trusts what a certificate authority vouches for,
// or a pinned fingerprint (a self-signed hub, like an SSH host key), and reports anything else without connecting.
#include "client/peerclient.h"
#include "core/rules.h"
#include "hub/hub.h"
#include "hub/hubsettings.h"

#include <QSignalSpy>
#include <QSslSocket>
#include <QTest>
#include <QWebSocket>

#include <memory>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {
const QString kCert = QStringLiteral(PEERLINK_SOURCE_DIR "/tests/data/hub-test.crt");
const QString kKey = QStringLiteral(PEERLINK_SOURCE_DIR "/tests/data/hub-test.key");
// What `openssl x509 -in tests/data/hub-test.crt -noout -fingerprint -sha256` prints.
const QString kFingerprint = QStringLiteral(
    "C7:6C:CF:BB:EB:0F:E4:0F:9E:B5:39:23:D6:4F:54:92:13:48:88:1C:B7:C0:C2:37:4C:1C:47:19:18:BD:E8:03");
} // namespace

class TestTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void pinnedClientJoinsOverWss();
    void unknownCertificateIsReportedNotTrusted();
    void wrongPinIsRefused();
    void plainWebSocketCannotTalkToATlsHub();
    void hubReadsTheFramesOverTlsToo();

private:
    std::unique_ptr<Hub> m_hub;
};

void TestTls::init()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS library");
    HubServiceConfig config;
    QString error;
    QVERIFY2(applyHubSetting(config, u"tls-cert"_s, kCert, &error), qPrintable(error));
    QVERIFY2(applyHubSetting(config, u"tls-key"_s, kKey, &error), qPrintable(error));
    m_hub = std::make_unique<Hub>(config.hub);
    QVERIFY2(m_hub->listen(QHostAddress::LocalHost, 0), qPrintable(m_hub->errorString()));
}

void TestTls::pinnedClientJoinsOverWss()
{
    QCOMPARE(m_hub->serverUrl().scheme(), u"wss"_s);
    QCOMPARE(m_hub->certificateFingerprint(), kFingerprint);
    PeerClient a, b;
    for (PeerClient *c : { &a, &b })
        c->setPinnedFingerprint(kFingerprint.toLower().remove(u':')); // any spelling of the same fingerprint
    QSignalSpy aJoined(&a, &PeerClient::joined), bJoined(&b, &PeerClient::joined);
    QVERIFY(a.connectToHub(m_hub->serverUrl(), u"a"_s));
    QVERIFY(b.connectToHub(m_hub->serverUrl(), u"b"_s));
    QTRY_COMPARE(aJoined.size(), 1);
    QTRY_COMPARE(bJoined.size(), 1);
    QCOMPARE(a.hubFingerprint(), kFingerprint);
    QSignalSpy got(&b, &PeerClient::messageReceived);
    QTRY_VERIFY(a.hasPeer(u"b"_s));
    a.sendMessage(u"b"_s, u"over TLS"_s);
    QVERIFY(got.wait());
    QCOMPARE(got.at(0).at(0).value<ChatMessage>().text, u"over TLS"_s);
}

void TestTls::unknownCertificateIsReportedNotTrusted()
{
    PeerClient client;
    client.setAutoReconnect(true);
    QSignalSpy untrusted(&client, &PeerClient::certificateUntrusted);
    QSignalSpy disconnected(&client, &PeerClient::disconnected);
    QSignalSpy joined(&client, &PeerClient::joined);
    QVERIFY(client.connectToHub(m_hub->serverUrl(), u"careful"_s));
    QVERIFY(disconnected.wait());
    QCOMPARE(untrusted.size(), 1);
    QCOMPARE(untrusted.at(0).at(0).toString(), kFingerprint); // what the user is asked to check
    QVERIFY(!untrusted.at(0).at(1).toString().isEmpty());
    QCOMPARE(joined.size(), 0);
    QCOMPARE(client.state(), PeerClient::State::Disconnected); // no automatic retry into an untrusted hub
    QCOMPARE(m_hub->peerCount(), 0);

    // The user compares the fingerprint and trusts it: pinned, the next connection is accepted.
    client.setPinnedFingerprint(untrusted.at(0).at(0).toString());
    QVERIFY(client.connectToHub(m_hub->serverUrl(), u"careful"_s));
    QVERIFY(joined.wait());
}

void TestTls::wrongPinIsRefused()
{
    PeerClient client;
    client.setPinnedFingerprint(QString(kFingerprint).replace(u'C', u'D'));
    QSignalSpy untrusted(&client, &PeerClient::certificateUntrusted);
    QSignalSpy disconnected(&client, &PeerClient::disconnected);
    QVERIFY(client.connectToHub(m_hub->serverUrl(), u"pinned"_s));
    QVERIFY(disconnected.wait());
    QCOMPARE(untrusted.size(), 1);
    QVERIFY(!client.isJoined());
    QCOMPARE(m_hub->peerCount(), 0);
}

void TestTls::plainWebSocketCannotTalkToATlsHub()
{
    QWebSocket plain;
    QSignalSpy connected(&plain, &QWebSocket::connected);
    QSignalSpy disconnected(&plain, &QWebSocket::disconnected);
    QUrl url = m_hub->serverUrl();
    url.setScheme(u"ws"_s);
    plain.open(url);
    QVERIFY(disconnected.wait(10000));
    QCOMPARE(connected.size(), 0);
    QCOMPARE(m_hub->connectionCount(), 0);
}

QTEST_GUILESS_MAIN(TestTls)
void TestTls::hubReadsTheFramesOverTlsToo()
{
    // The hub accepts wss:// connections itself and reads their frames with its own reader, as on ws://: an
    // unmasked client frame (RFC 6455 §5.1) is closed with 1002, which Qt's WebSocket layer let through.
    QSslSocket socket;
    connect(&socket, &QSslSocket::sslErrors, &socket, [&socket] { socket.ignoreSslErrors(); });
    socket.connectToHostEncrypted(u"127.0.0.1"_s, m_hub->serverPort());
    QTRY_VERIFY(socket.isEncrypted());
    socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray received;
    QTRY_VERIFY((received += socket.readAll()).contains("\r\n\r\n"));
    QVERIFY(received.startsWith("HTTP/1.1 101"));
    received = received.mid(received.indexOf("\r\n\r\n") + 4);
    const QByteArray join = R"({"type":"join","id":"raw"})";
    socket.write(QByteArray("\x81") + char(join.size()) + join); // FIN, text, no mask bit
    QTRY_VERIFY(socket.state() != QAbstractSocket::ConnectedState || (received += socket.readAll()).contains('\x88'));
    received += socket.readAll();
    const qsizetype close = received.indexOf('\x88');
    QVERIFY2(close >= 0, received.toHex().constData());
    QCOMPARE((uchar(received.at(close + 2)) << 8) | uchar(received.at(close + 3)), 1002);
    QVERIFY(m_hub->peers().isEmpty());
}

#include "tst_tls.moc"
