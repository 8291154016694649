// Bad and hostile input to the hub: every error code of the contract, limits and close codes. After each case
// the hub still serves a healthy pair of peers.
#include "core/base64url.h"
#include "core/fileprotocol.h"
#include "hub/hub.h"
#include "rawclient.h"
#include "rawtcpclient.h"

#include "testmain.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

#include <memory>
#include <vector>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

class TestHubInput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void refusedRequests_data();
    void refusedRequests();
    void binaryFrameIsBadMessage();
    void wrongPasswordIsAuthFailed();
    void rightPasswordJoins();
    void oversizedMessageIsTooLarge();
    void hugeFrameIsClosedByTheWebSocketLayer();
    void floodIsRateLimited();
    void fullHubRefusesJoin();
    void invalidBudgetClosesWith1008();
    void silentConnectionIsClosedAfterJoinTimeout();
    void tooManyConnectionsFromOneAddress();
    void reconnectingTooFastIsAutobanned();
    void crowdFromLoopback_data();
    void crowdFromLoopback();
    void wholeInputErrorsCarryTheRef_data();
    void wholeInputErrorsCarryTheRef();
    void refusedJoinIsAnswered_data();
    void refusedJoinIsAnswered();
    void byteFloodIsRateLimited();
    void fileFramesAreRoutedAndBounded();
    void relayedFilesCanBeForbidden();
    void binaryChunksAreRelayedAndBounded();
    void originPolicy_data();
    void originPolicy();
    void handshakeIsAnsweredByTheHub_data();
    void handshakeIsAnsweredByTheHub();
    void overlongRequestHeadIsRefused();
    void slowReaderIsDroppedOthersUnaffected();
    void hugeFrameHeaderIsRefusedAtOnce();
    void invalidUtf8IsClosedWith1007();
    void stalledHalfFrameIsDroppedByHeartbeat();
    void slowlorisHandshakeTimesOut();
    void joinedPeersOutliveTheHandshakeTimeout();
    void tooManyHandshakesAreRefused_data();
    void tooManyHandshakesAreRefused();
    void frozenPeerIsAnnouncedGone();
    void duplicateIdRaceHasOneWinner();
    void deepNestingOverTheWire();

private:
    static bool healthy(Hub &hub);
};

bool TestHubInput::healthy(Hub &hub)
{
    static int round = 0;
    ++round;
    RawClient x, y;
    if (!x.open(hub.serverUrl()) || !y.open(hub.serverUrl()))
        return false;
    const QString xid = u"healthy-x%1"_s.arg(round), yid = u"healthy-y%1"_s.arg(round);
    if (x.join(xid).isEmpty() || y.join(yid).isEmpty())
        return false;
    x.sendJson({ { u"type"_s, u"message"_s }, { u"to"_s, yid }, { u"text"_s, u"ping"_s } });
    return y.waitFor(u"message"_s).value("text"_L1).toString() == u"ping";
}

void TestHubInput::refusedRequests_data()
{
    QTest::addColumn<bool>("joinFirst");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("ref");

    QTest::newRow("bad_json") << true << u"{\"type\":"_s << u"bad_json"_s << QString();
    QTest::newRow("bad_json before join") << false << u"not json at all"_s << u"bad_json"_s << QString();
    QTest::newRow("bad_message: array") << true << u"[]"_s << u"bad_message"_s << QString();
    QTest::newRow("bad_message: text type") << true << uR"({"type":"message","text":{"a":1},"mid":"q1"})"_s
                                            << u"bad_message"_s << u"q1"_s;
    QTest::newRow("bad_message: connect to self") << true << uR"({"type":"connect_to_peer","peer":"me"})"_s
                                                  << u"bad_message"_s << u"connect_to_peer"_s;
    QTest::newRow("unknown_type") << true << uR"({"type":"teleport"})"_s << u"unknown_type"_s << u"teleport"_s;
    QTest::newRow("not_joined: message") << false << uR"({"type":"message","text":"hi","mid":"e1"})"_s
                                         << u"not_joined"_s << u"e1"_s;
    QTest::newRow("not_joined: connect") << false << uR"({"type":"connect_to_peer","peer":"x"})"_s << u"not_joined"_s
                                         << u"connect_to_peer"_s;
    QTest::newRow("not_joined: leave") << false << uR"({"type":"leave"})"_s << u"not_joined"_s << u"leave"_s;
    QTest::newRow("already_joined") << true << uR"({"type":"join","id":"other"})"_s << u"already_joined"_s
                                    << u"join"_s;
    QTest::newRow("invalid_id: join") << false << uR"({"type":"join","id":"bad id!"})"_s << u"invalid_id"_s
                                      << u"join"_s;
    QTest::newRow("invalid_id: to") << true << uR"({"type":"message","text":"x","to":"no/such","mid":"e2"})"_s
                                    << u"invalid_id"_s << u"e2"_s;
    QTest::newRow("peer_unavailable: message") << true << uR"({"type":"message","text":"x","to":"ghost","mid":"e3"})"_s
                                               << u"peer_unavailable"_s << u"e3"_s;
    QTest::newRow("peer_unavailable: connect") << true << uR"({"type":"connect_to_peer","peer":"ghost"})"_s
                                               << u"peer_unavailable"_s << u"connect_to_peer"_s;
}

void TestHubInput::refusedRequests()
{
    QFETCH(bool, joinFirst);
    QFETCH(QString, input);
    QFETCH(QString, code);
    QFETCH(QString, ref);

    Hub hub;
    QVERIFY(hub.listen());
    RawClient c;
    QVERIFY(c.open(hub.serverUrl()));
    if (joinFirst)
        QVERIFY(!c.join(u"me"_s).isEmpty());
    c.sendText(input);
    const QJsonObject e = c.waitFor(u"error"_s);
    QCOMPARE(e.value("code"_L1).toString(), code);
    QCOMPARE(e.value("ref"_L1).toString(), ref);
    QVERIFY(!e.value("message"_L1).toString().isEmpty());
    // One bad request is not fatal: the connection stays open and the hub serves others.
    QVERIFY(c.isOpen());
    QVERIFY(healthy(hub));
}

void TestHubInput::binaryFrameIsBadMessage()
{
    Hub hub;
    QVERIFY(hub.listen());
    RawClient c;
    QVERIFY(c.open(hub.serverUrl()));
    c.socket().sendBinaryMessage("\x00\x01\x02"_ba);
    QCOMPARE(c.waitFor(u"error"_s).value("code"_L1).toString(), u"bad_message"_s);
    QVERIFY(healthy(hub));
}

void TestHubInput::wrongPasswordIsAuthFailed()
{
    HubConfig config;
    config.password = u"sesame"_s;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient c;
    QVERIFY(c.open(hub.serverUrl()));
    c.sendText(uR"({"type":"join","id":"intruder","password":"guess"})"_s);
    QCOMPARE(c.waitFor(u"error"_s).value("code"_L1).toString(), u"auth_failed"_s);
    QVERIFY(c.waitClosed());
    QCOMPARE(c.closeCode(), 1008);
    RawClient noPassword;
    QVERIFY(noPassword.open(hub.serverUrl()));
    noPassword.sendText(uR"({"type":"join","id":"intruder"})"_s);
    QCOMPARE(noPassword.waitFor(u"error"_s).value("code"_L1).toString(), u"auth_failed"_s);
    QCOMPARE(hub.peerCount(), 0);
}

void TestHubInput::rightPasswordJoins()
{
    HubConfig config;
    config.password = u"sesame"_s;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient c;
    QVERIFY(c.open(hub.serverUrl()));
    QVERIFY(!c.join(u"friend"_s, { { u"password"_s, u"sesame"_s } }).isEmpty());
}

void TestHubInput::oversizedMessageIsTooLarge()
{
    HubConfig config;
    config.maxMessageBytes = 1024;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient big, other;
    QVERIFY(big.open(hub.serverUrl()) && other.open(hub.serverUrl()));
    QVERIFY(!big.join(u"big"_s).isEmpty());
    QVERIFY(!other.join(u"other"_s).isEmpty());
    // Just under the limit passes.
    const QString fits = QString(900, u'a');
    big.sendJson({ { u"type"_s, u"message"_s }, { u"text"_s, fits } });
    QCOMPARE(other.waitFor(u"message"_s).value("text"_L1).toString(), fits);
    // Over it (but under the WebSocket layer's hard limit): an error saying why, then close 1009.
    big.sendJson({ { u"type"_s, u"message"_s }, { u"text"_s, QString(1500, u'b') } });
    const QJsonObject e = big.waitFor(u"error"_s);
    QCOMPARE(e.value("code"_L1).toString(), u"too_large"_s);
    QVERIFY(e.value("message"_L1).toString().contains(u"1024"_s));
    QVERIFY(big.waitClosed());
    QCOMPARE(big.closeCode(), 1009);
    QCOMPARE(other.waitFor(u"peer_disconnect"_s).value("id"_L1).toString(), u"big"_s);
    QVERIFY(other.isOpen());
    QVERIFY(healthy(hub));
}

void TestHubInput::hugeFrameIsClosedByTheWebSocketLayer()
{
    HubConfig config;
    config.maxMessageBytes = 1024;
    config.hardFrameBytes = 4096;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient c;
    QVERIFY(c.open(hub.serverUrl()));
    QVERIFY(!c.join(u"huge"_s).isEmpty());
    c.sendText(QString(100000, u'x'));
    QVERIFY(c.waitClosed());
    QCOMPARE(c.closeCode(), 1009);
    QVERIFY(healthy(hub));
}

void TestHubInput::floodIsRateLimited()
{
    HubConfig config;
    config.messagesPerSecond = 2;
    config.messageBurst = 5;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient flooder, victim;
    QVERIFY(flooder.open(hub.serverUrl()) && victim.open(hub.serverUrl()));
    QVERIFY(!flooder.join(u"flooder"_s).isEmpty());
    QVERIFY(!victim.join(u"victim"_s).isEmpty());
    for (int i = 0; i < 20; ++i)
        flooder.sendJson({ { u"type"_s, u"message"_s }, { u"text"_s, QString::number(i) }, { u"mid"_s, u"f%1"_s.arg(i) } });
    int acks = 0, limited = 0;
    const auto count = [&] {
        acks = limited = 0;
        for (const QJsonObject &o : flooder.pending()) {
            if (o.value("type"_L1).toString() == u"ack")
                ++acks;
            else if (o.value("code"_L1).toString() == u"rate_limited")
                ++limited;
        }
        return acks + limited;
    };
    QTRY_COMPARE(count(), 20);
    // The burst passes (a token or two may refill while the flood is sent); the rest is refused, not queued.
    QVERIFY2(acks >= 5 && acks <= 7, qPrintable(QString::number(acks)));
    QCOMPARE(acks + limited, 20);
    QTRY_COMPARE(victim.pending().size(), acks); // only accepted messages were delivered
    QVERIFY(flooder.isOpen()); // rate limiting is not a disconnect
    QVERIFY(healthy(hub));
}

void TestHubInput::fullHubRefusesJoin()
{
    HubConfig config;
    config.maxPeers = 2;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient a, b, c;
    QVERIFY(a.open(hub.serverUrl()) && b.open(hub.serverUrl()) && c.open(hub.serverUrl()));
    QVERIFY(!a.join(u"a"_s).isEmpty());
    QVERIFY(!b.join(u"b"_s).isEmpty());
    c.sendText(uR"({"type":"join","id":"c"})"_s);
    QCOMPARE(c.waitFor(u"error"_s).value("code"_L1).toString(), u"hub_full"_s);
    QVERIFY(c.waitClosed());
    QCOMPARE(hub.peerCount(), 2);
    // When one leaves, there is room again.
    a.sendText(uR"({"type":"leave"})"_s);
    QVERIFY(a.waitClosed());
    QCOMPARE(a.closeCode(), 1000);
    RawClient d;
    QVERIFY(d.open(hub.serverUrl()));
    QVERIFY(!d.join(u"d"_s).isEmpty());
}

void TestHubInput::invalidBudgetClosesWith1008()
{
    HubConfig config;
    config.maxInvalidMessages = 3;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient bad;
    QVERIFY(bad.open(hub.serverUrl()));
    QVERIFY(!bad.join(u"bad"_s).isEmpty());
    for (int i = 0; i < 3; ++i)
        bad.sendText(u"garbage"_s);
    QTRY_COMPARE(bad.pending().size(), 3);
    QVERIFY(bad.isOpen());
    bad.sendText(u"one too many"_s);
    QVERIFY(bad.waitClosed());
    QCOMPARE(bad.closeCode(), 1008);
    QCOMPARE(bad.pending().size(), 4); // each bad input got its error before the close
    QVERIFY(healthy(hub));
}

void TestHubInput::silentConnectionIsClosedAfterJoinTimeout()
{
    HubConfig config;
    config.joinTimeoutMs = 300;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient silent;
    QVERIFY(silent.open(hub.serverUrl()));
    QCOMPARE(silent.waitFor(u"error"_s).value("code"_L1).toString(), u"not_joined"_s);
    QVERIFY(silent.waitClosed());
    QCOMPARE(silent.closeCode(), 1008);
    // The hub half-closes after its close frame and lets go when the client has closed its side too.
    QTRY_COMPARE(hub.connectionCount(), 0);
    QVERIFY(healthy(hub));
}

void TestHubInput::tooManyConnectionsFromOneAddress()
{
    HubConfig config;
    config.maxConnectionsPerAddress = 3;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient a, b, c, d;
    QVERIFY(a.open(hub.serverUrl()) && b.open(hub.serverUrl()) && c.open(hub.serverUrl()));
    d.open(hub.serverUrl());
    QCOMPARE(d.waitFor(u"error"_s).value("code"_L1).toString(), u"hub_full"_s);
    QVERIFY(d.waitClosed());
    QVERIFY(a.isOpen() && b.isOpen() && c.isOpen());
    // One leaves: there is room again.
    a.socket().close();
    QVERIFY(a.waitClosed());
    QTRY_COMPARE(hub.connectionCount(), 2);
    RawClient e;
    QVERIFY(e.open(hub.serverUrl()));
    QVERIFY(!e.join(u"e"_s).isEmpty());
}

void TestHubInput::reconnectingTooFastIsAutobanned()
{
    HubConfig config;
    config.autobanConnections = 4;
    config.autobanWindowMs = 60000;
    config.autobanDurationMs = 1500;
    config.autobanIgnore = {}; // loopback is ignored by default; here it stands for any address
    Hub hub(config);
    QVERIFY(hub.listen());
    for (int i = 0; i < 4; ++i) {
        RawClient c;
        QVERIFY(c.open(hub.serverUrl()));
        QVERIFY(!c.join(u"churn%1"_s.arg(i)).isEmpty());
    }
    RawClient fifth;
    fifth.open(hub.serverUrl());
    const QJsonObject e = fifth.waitFor(u"error"_s);
    QCOMPARE(e.value("code"_L1).toString(), u"banned"_s);
    QVERIFY(e.value("message"_L1).toString().contains(u"Too many connections"_s));
    QVERIFY(fifth.waitClosed());
    // The ban ends by itself.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            RawClient again;
            return again.open(hub.serverUrl()) && !again.join(u"back"_s, {}, 1000).isEmpty();
        }(),
        10000);
}

void TestHubInput::crowdFromLoopback_data()
{
    QTest::addColumn<bool>("ignoreLoopback");
    QTest::addColumn<int>("admitted");

    // The default autoban: more than 30 connections from one address within 60 s.
    QTest::newRow("loopback ignored (default)") << true << 50;
    QTest::newRow("nothing ignored") << false << HubConfig().autobanConnections;
}

void TestHubInput::crowdFromLoopback()
{
    QFETCH(bool, ignoreLoopback);
    QFETCH(int, admitted);

    HubConfig config; // the default autoban settings
    config.maxConnectionsPerAddress = 64; // the 50 stay connected: only the autoban may refuse one
    if (!ignoreLoopback)
        config.autobanIgnore = {};
    Hub hub(config);
    QVERIFY(hub.listen());
    std::vector<std::unique_ptr<RawClient>> peers;
    int in = 0;
    int banned = 0;
    for (int i = 0; i < 50; ++i) {
        auto c = std::make_unique<RawClient>();
        c->open(hub.serverUrl()); // may already be closed when the handshake returns
        c->sendText(uR"({"type":"join","id":"crowd%1"})"_s.arg(i));
        const QJsonObject answer = c->next();
        if (answer.value("type"_L1).toString() == u"welcome")
            ++in;
        else if (answer.value("code"_L1).toString() == u"banned")
            ++banned;
        peers.push_back(std::move(c));
    }
    QCOMPARE(in, admitted);
    QCOMPARE(banned, 50 - admitted);
    QCOMPARE(hub.peerCount(), admitted);
}

void TestHubInput::wholeInputErrorsCarryTheRef_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("ref");

    // too_large: over maxMessageBytes (1024 here) but within the hard frame limit, so the hub can read it.
    const QString big(1500, u'x');
    const QString tooLarge = u"too_large"_s;
    QTest::newRow("too_large: mid") << tooLarge << uR"({"type":"message","text":"%1","mid":"big-1"})"_s.arg(big)
                                    << u"big-1"_s;
    QTest::newRow("too_large: non-ASCII mid") << tooLarge << uR"({"type":"message","text":"%1","mid":"消息-2"})"_s.arg(big)
                                              << u"消息-2"_s;
    QTest::newRow("too_large: no mid") << tooLarge << uR"({"type":"message","text":"%1"})"_s.arg(big) << u"message"_s;
    QTest::newRow("too_large: bad mid") << tooLarge
                                        << uR"({"type":"message","text":"%1","mid":"%2"})"_s.arg(big, QString(65, u'm'))
                                        << u"message"_s;
    QTest::newRow("too_large: connect_to_peer") << tooLarge
                                                << uR"({"type":"connect_to_peer","peer":"b","pad":"%1"})"_s.arg(big)
                                                << u"connect_to_peer"_s;
    QTest::newRow("too_large: not JSON") << tooLarge << big << QString();
    // rate_limited by bytes: one message larger than the byte burst (2000 here) is refused at once.
    const QString mid(2500, u'y');
    const QString limited = u"rate_limited"_s;
    QTest::newRow("rate_limited: mid") << limited << uR"({"type":"message","text":"%1","mid":"r-1"})"_s.arg(mid)
                                       << u"r-1"_s;
    QTest::newRow("rate_limited: non-ASCII mid") << limited
                                                 << uR"({"type":"message","text":"%1","mid":"消息-3"})"_s.arg(mid)
                                                 << u"消息-3"_s;
    QTest::newRow("rate_limited: no mid") << limited << uR"({"type":"message","text":"%1"})"_s.arg(mid) << u"message"_s;
    QTest::newRow("rate_limited: bad text") << limited << uR"({"type":"message","text":7,"mid":"r-2","pad":"%1"})"_s.arg(mid)
                                            << u"r-2"_s;
}

void TestHubInput::wholeInputErrorsCarryTheRef()
{
    QFETCH(QString, code);
    QFETCH(QString, input);
    QFETCH(QString, ref);

    HubConfig config;
    if (code == u"too_large") {
        config.maxMessageBytes = 1024;
    } else {
        config.maxMessageBytes = 64 * 1024;
        config.bytesPerSecond = 1000;
        config.byteBurst = 2000;
    }
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient c;
    QVERIFY(c.open(hub.serverUrl()));
    QVERIFY(!c.join(u"sender"_s).isEmpty());
    c.sendText(input);
    const QJsonObject e = c.waitFor(u"error"_s);
    QCOMPARE(e.value("code"_L1).toString(), code);
    QCOMPARE(e.value("ref"_L1).toString(), ref);
    QVERIFY(!e.value("message"_L1).toString().isEmpty());
    if (code == u"too_large") {
        QVERIFY(c.waitClosed());
        QCOMPARE(c.closeCode(), 1009);
    } else {
        QVERIFY(c.isOpen()); // rate limiting is not a disconnect
    }
    QVERIFY(healthy(hub));
}

void TestHubInput::refusedJoinIsAnswered_data()
{
    QTest::addColumn<QString>("code");
    QTest::newRow("auth_failed") << u"auth_failed"_s;
    QTest::newRow("hub_full") << u"hub_full"_s;
    QTest::newRow("banned id") << u"banned"_s;
}

void TestHubInput::refusedJoinIsAnswered()
{
    QFETCH(QString, code);
    HubConfig config;
    config.password = u"secret"_s;
    config.maxPeers = 1;
    config.bannedIds = { u"outlaw"_s };
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient first;
    QVERIFY(first.open(hub.serverUrl()));
    QVERIFY(!first.join(u"first"_s, { { u"password"_s, u"secret"_s } }).isEmpty());
    RawClient c;
    QVERIFY(c.open(hub.serverUrl()));
    QJsonObject join { { u"type"_s, u"join"_s }, { u"id"_s, code == u"banned" ? u"outlaw"_s : u"second"_s } };
    if (code != u"auth_failed")
        join.insert(u"password"_s, u"secret"_s);
    c.sendJson(join);
    // The refusal answers the join (ref "join", as every refused request is answered), then the connection closes.
    const QJsonObject e = c.waitFor(u"error"_s);
    QCOMPARE(e.value("code"_L1).toString(), code);
    QCOMPARE(e.value("ref"_L1).toString(), u"join"_s);
    QVERIFY(c.waitClosed());
    QCOMPARE(c.closeCode(), 1008);
}

void TestHubInput::byteFloodIsRateLimited()
{
    HubConfig config;
    config.messagesPerSecond = 0;
    config.bytesPerSecond = 10000;
    config.byteBurst = 20000;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient flooder, victim;
    QVERIFY(flooder.open(hub.serverUrl()) && victim.open(hub.serverUrl()));
    QVERIFY(!flooder.join(u"flooder"_s).isEmpty());
    QVERIFY(!victim.join(u"victim"_s).isEmpty());
    const QString big(4000, u'b');
    for (int i = 0; i < 10; ++i)
        flooder.sendJson({ { u"type"_s, u"message"_s }, { u"text"_s, big }, { u"mid"_s, u"b%1"_s.arg(i) } });
    int acks = 0, limited = 0;
    const auto count = [&] {
        acks = limited = 0;
        for (const QJsonObject &o : flooder.pending()) {
            acks += o.value("type"_L1).toString() == u"ack";
            limited += o.value("code"_L1).toString() == u"rate_limited";
        }
        return acks + limited;
    };
    QTRY_COMPARE(count(), 10);
    QVERIFY2(acks >= 4 && acks <= 6, qPrintable(QString::number(acks))); // 20 000 bytes of burst: about 5 of 4 000
    QVERIFY(limited >= 4);
    QVERIFY(flooder.isOpen());
    QVERIFY(healthy(hub));
}

// Issue 15: `file` frames go to the joined peer named by `to`, stamped with `from`; chunks count against
// file-relay-rate (its burst is one second's worth, at least one message), other file frames do not.
void TestHubInput::fileFramesAreRoutedAndBounded()
{
    HubConfig config;
    config.fileRelayBytesPerSecond = 10000;
    config.maxMessageBytes = 20000; // the burst: max(rate, message limit) = 20 000 bytes
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient alice, bob;
    QVERIFY(alice.open(hub.serverUrl()) && bob.open(hub.serverUrl()));
    QVERIFY(!alice.join(u"alice"_s).isEmpty());
    QVERIFY(!bob.join(u"bob"_s).isEmpty());
    const QString tid(32, u'c');
    const auto frame = [&tid](const QString &to, const QString &op, const QString &data) {
        return QJsonObject { { u"type"_s, u"file"_s }, { u"to"_s, to }, { u"tid"_s, tid }, { u"op"_s, op },
                             { u"data"_s, data } };
    };
    alice.sendJson(frame(u"bob"_s, u"ctl"_s, u"1:sealed"_s));
    const QJsonObject got = bob.waitFor(u"file"_s);
    QCOMPARE(got.value("from"_L1).toString(), u"alice"_s);
    QCOMPARE(got.value("tid"_L1).toString(), tid);
    QCOMPARE(got.value("op"_L1).toString(), u"ctl"_s);
    QCOMPARE(got.value("data"_L1).toString(), u"1:sealed"_s);
    QVERIFY(!got.contains("to"_L1));

    const QString chunk(6000, u'A');
    for (int i = 0; i < 6; ++i)
        alice.sendJson(frame(u"bob"_s, u"chunk"_s, chunk));
    const QJsonObject limited = alice.waitFor(u"error"_s);
    QCOMPARE(limited.value("code"_L1).toString(), u"rate_limited"_s);
    QCOMPARE(limited.value("ref"_L1).toString(), tid);
    int delivered = 0;
    QTRY_VERIFY((delivered = int(std::count_if(bob.pending().cbegin(), bob.pending().cend(), [](const QJsonObject &o) {
                     return o.value("op"_L1).toString() == u"chunk";
                 }))) >= 3);
    QVERIFY2(delivered <= 4, qPrintable(QString::number(delivered))); // 20 000 bytes of burst: 3 of 6 000
    // Acks are not chunks: they pass while chunks are over the budget.
    alice.sendJson(frame(u"bob"_s, u"ack"_s, u"3"_s));
    QTRY_VERIFY(std::any_of(bob.pending().cbegin(), bob.pending().cend(),
                            [](const QJsonObject &o) { return o.value("op"_L1).toString() == u"ack"; }));
    // Nobody there: peer_unavailable with the tid; never kept.
    alice.sendJson(frame(u"carol"_s, u"ctl"_s, u"1:x"_s));
    const auto absent = [&alice] {
        for (const QJsonObject &o : alice.pending()) {
            if (o.value("code"_L1).toString() == u"peer_unavailable")
                return o;
        }
        return QJsonObject();
    };
    QTRY_VERIFY2(!absent().isEmpty(), qPrintable(QString::number(alice.pending().size())));
    QCOMPARE(absent().value("ref"_L1).toString(), tid);
    QVERIFY(alice.isOpen());
}

void TestHubInput::relayedFilesCanBeForbidden()
{
    HubConfig config;
    config.relayFiles = false;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient alice, bob;
    QVERIFY(alice.open(hub.serverUrl()) && bob.open(hub.serverUrl()));
    QVERIFY(!alice.join(u"alice"_s).isEmpty());
    QVERIFY(!bob.join(u"bob"_s).isEmpty());
    const QString tid(32, u'd');
    alice.sendJson({ { u"type"_s, u"file"_s }, { u"to"_s, u"bob"_s }, { u"tid"_s, tid }, { u"op"_s, u"chunk"_s },
                     { u"data"_s, u"AAAA"_s } });
    const QJsonObject refused = alice.waitFor(u"error"_s);
    QCOMPARE(refused.value("code"_L1).toString(), u"file_relay_refused"_s);
    QCOMPARE(refused.value("ref"_L1).toString(), tid);
    // Control frames still go (an offer may be answered over a direct link later).
    alice.sendJson({ { u"type"_s, u"file"_s }, { u"to"_s, u"bob"_s }, { u"tid"_s, tid }, { u"op"_s, u"ctl"_s },
                     { u"data"_s, u"1:x"_s } });
    QCOMPARE(bob.waitFor(u"file"_s).value("op"_L1).toString(), u"ctl"_s);
    QVERIFY(std::none_of(bob.pending().cbegin(), bob.pending().cend(),
                         [](const QJsonObject &o) { return o.value("op"_L1).toString() == u"chunk"; }));
    // A chunk in a binary frame is refused the same way.
    alice.socket().sendBinaryMessage(encodeBinaryFileFrame(u"bob", tid, QByteArray(100, 'z')));
    const QJsonObject binaryRefused = alice.waitFor(u"error"_s);
    QCOMPARE(binaryRefused.value("code"_L1).toString(), u"file_relay_refused"_s);
    QCOMPARE(binaryRefused.value("ref"_L1).toString(), tid);
}

void TestHubInput::binaryChunksAreRelayedAndBounded()
{
    HubConfig config;
    config.fileRelayBytesPerSecond = 10000;
    config.maxMessageBytes = 20000; // the file budget's burst: 20 000 bytes
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient alice, bob, carol;
    QVERIFY(alice.open(hub.serverUrl()) && bob.open(hub.serverUrl()) && carol.open(hub.serverUrl()));
    const QJsonObject binary { { u"binary_files"_s, true } };
    const QJsonObject welcome = alice.join(u"alice"_s, binary);
    QCOMPARE(welcome.value("limits"_L1).toObject().value("binary_files"_L1).toInt(), 1);
    QVERIFY(!bob.join(u"bob"_s, binary).isEmpty());
    QVERIFY(!carol.join(u"carol"_s).isEmpty()); // an older client: it did not say it takes binary frames
    QSignalSpy bobBinary(&bob.socket(), &QWebSocket::binaryMessageReceived);
    QSignalSpy carolBinary(&carol.socket(), &QWebSocket::binaryMessageReceived);
    const QString tid(32, u'e');
    const QByteArray chunk(3000, 'x');

    // To a peer that takes them: a binary frame, the sender's id in place of the recipient's.
    alice.socket().sendBinaryMessage(encodeBinaryFileFrame(u"bob", tid, chunk));
    QVERIFY(bobBinary.wait());
    const std::optional<BinaryFileFrame> got = decodeBinaryFileFrame(bobBinary.at(0).at(0).toByteArray());
    QVERIFY(got);
    QCOMPARE(got->peer, u"alice"_s);
    QCOMPARE(got->tid, tid);
    QCOMPARE(got->chunk, chunk);

    // To one that did not: the `file` frame the binary frame stands for.
    alice.socket().sendBinaryMessage(encodeBinaryFileFrame(u"carol", tid, chunk));
    const QJsonObject text = carol.waitFor(u"file"_s);
    QCOMPARE(text.value("from"_L1).toString(), u"alice"_s);
    QCOMPARE(text.value("tid"_L1).toString(), tid);
    QCOMPARE(text.value("op"_L1).toString(), u"chunk"_s);
    QCOMPARE(text.value("data"_L1).toString(), QString::fromLatin1(toBase64Url(chunk)));
    QCOMPARE(carolBinary.size(), 0);

    // Nobody there: peer_unavailable with the tid, as for a `file` frame.
    alice.socket().sendBinaryMessage(encodeBinaryFileFrame(u"dave", tid, chunk));
    const QJsonObject absent = alice.waitFor(u"error"_s);
    QCOMPARE(absent.value("code"_L1).toString(), u"peer_unavailable"_s);
    QCOMPARE(absent.value("ref"_L1).toString(), tid);

    // The file budget counts binary chunks too: 3 000 + 4 000 + 4 000 spent, 20 000 of burst.
    for (int i = 0; i < 5; ++i)
        alice.socket().sendBinaryMessage(encodeBinaryFileFrame(u"bob", tid, chunk));
    const QJsonObject limited = alice.waitFor(u"error"_s);
    QCOMPARE(limited.value("code"_L1).toString(), u"rate_limited"_s);
    QCOMPARE(limited.value("ref"_L1).toString(), tid);
    const auto errors = [&alice](const QString &code) {
        return int(std::count_if(alice.pending().cbegin(), alice.pending().cend(), [&code](const QJsonObject &o) {
            return o.value("type"_L1).toString() == u"error" && o.value("code"_L1).toString() == code;
        }));
    };
    // Each of the five went to bob or was refused (one refusal taken above).
    QTRY_COMPARE(bobBinary.size() + 1 + errors(u"rate_limited"_s), 1 + 5);
    QVERIFY2(bobBinary.size() >= 4 && bobBinary.size() <= 5, qPrintable(QString::number(bobBinary.size())));

    // Any other binary frame is invalid, as the core protocol says; the connection stays.
    alice.socket().sendBinaryMessage(QByteArray("\x02not a chunk"));
    QTRY_COMPARE(errors(u"bad_message"_s), 1);
    alice.socket().sendBinaryMessage(encodeBinaryFileFrame(QStringView(), tid, chunk)); // no recipient
    QTRY_COMPARE(errors(u"bad_message"_s), 2);
    QVERIFY(alice.isOpen());
    QVERIFY(healthy(hub));
}

void TestHubInput::originPolicy_data()
{
    QTest::addColumn<QString>("origin");
    QTest::addColumn<bool>("allowNoOrigin");
    QTest::addColumn<bool>("admitted");
    QTest::newRow("desktop client, no origin") << QString() << true << true;
    QTest::newRow("no origin refused") << QString() << false << false;
    QTest::newRow("allowed page") << u"https://chat.example.org"_s << true << true;
    QTest::newRow("other page") << u"https://evil.example"_s << true << false;
}

void TestHubInput::originPolicy()
{
    QFETCH(QString, origin);
    QFETCH(bool, allowNoOrigin);
    QFETCH(bool, admitted);
    HubConfig config;
    config.allowedOrigins = { u"https://chat.example.org"_s };
    config.allowNoOrigin = allowNoOrigin;
    Hub hub(config);
    QVERIFY(hub.listen());
    QWebSocket socket(origin);
    QSignalSpy connected(&socket, &QWebSocket::connected);
    QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
    socket.open(hub.serverUrl());
    QTRY_VERIFY(!connected.isEmpty() || !disconnected.isEmpty());
    QCOMPARE(!connected.isEmpty(), admitted);
    if (admitted)
        QCOMPARE(hub.connectionCount(), 1);
    else
        QCOMPARE(hub.connectionCount(), 0);
}

void TestHubInput::handshakeIsAnsweredByTheHub_data()
{
    // The hub answers the WebSocket handshake itself (RFC 6455, 4.2.2): 101 with the accept key, or the HTTP error
    // that says what is wrong, then closed.
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("statusLine");
    QTest::addColumn<QByteArray>("header"); // a line the answer holds
    const QByteArray host = "Host: 127.0.0.1\r\n";
    const QByteArray upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    const QByteArray key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    const QByteArray v13 = "Sec-WebSocket-Version: 13\r\n";
    const QByteArray get = "GET / HTTP/1.1\r\n";
    QTest::newRow("good upgrade") << get + host + upgrade + key + v13 + "\r\n"
                                  << QByteArray("HTTP/1.1 101 Switching Protocols")
                                  << QByteArray("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    QTest::newRow("missing key") << get + host + upgrade + v13 + "\r\n" << QByteArray("HTTP/1.1 400 Bad Request")
                                 << QByteArray("Missing or invalid Sec-WebSocket-Key.");
    QTest::newRow("bad key") << get + host + upgrade + "Sec-WebSocket-Key: c2hvcnQ=\r\n" + v13 + "\r\n"
                             << QByteArray("HTTP/1.1 400 Bad Request")
                             << QByteArray("Missing or invalid Sec-WebSocket-Key.");
    QTest::newRow("wrong version") << get + host + upgrade + key + "Sec-WebSocket-Version: 8\r\n\r\n"
                                   << QByteArray("HTTP/1.1 426 Upgrade Required")
                                   << QByteArray("Sec-WebSocket-Version: 13");
    QTest::newRow("not a GET") << "POST / HTTP/1.1\r\n" + host + upgrade + key + v13 + "\r\n"
                               << QByteArray("HTTP/1.1 405 Method Not Allowed") << QByteArray("Allow: GET");
    QTest::newRow("no upgrade") << get + host + "\r\n" << QByteArray("HTTP/1.1 400 Bad Request")
                                << QByteArray("does not ask for a WebSocket upgrade");
    // The default policy lets in clients without an Origin and no web page.
    QTest::newRow("refused origin") << get + host + upgrade + key + v13 + "Origin: https://evil.example\r\n\r\n"
                                    << QByteArray("HTTP/1.1 403 Forbidden") << QByteArray("origin");
}

void TestHubInput::handshakeIsAnsweredByTheHub()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, statusLine);
    QFETCH(QByteArray, header);
    Hub hub;
    QVERIFY(hub.listen());
    RawTcpClient c;
    QVERIFY(c.connectOnly(hub.serverPort()));
    c.write(request);
    QVERIFY(c.waitForReceived([](const QByteArray &r) { return r.contains("\r\n\r\n"); }));
    QVERIFY2(c.received().startsWith(QByteArray(statusLine + "\r\n")), c.received().constData());
    QVERIFY2(c.received().contains(header), c.received().constData());
    if (statusLine.contains(" 101 ")) {
        QTRY_COMPARE(hub.connectionCount(), 1);
        QVERIFY(c.isConnected());
    } else {
        QVERIFY(c.waitForClose() >= 0); // closed after the answer
        QCOMPARE(hub.connectionCount(), 0);
    }
    QVERIFY(healthy(hub));
}

void TestHubInput::overlongRequestHeadIsRefused()
{
    HubConfig config;
    config.maxRequestHeadBytes = 1024;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawTcpClient c;
    QVERIFY(c.connectOnly(hub.serverPort()));
    c.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: " + QByteArray(2000, 'a') + "\r\n\r\n");
    QVERIFY(c.waitForClose() >= 0);
    // Refused before the handshake, as a connection past a limit is (tst_engineio: the same before a polling request).
    QVERIFY2(c.received().startsWith("HTTP/1.1 503 Service Unavailable\r\n"), c.received().constData());
    QVERIFY2(c.received().contains("The request head is too large."), c.received().constData());
    QCOMPARE(hub.connectionCount(), 0);
    QVERIFY(healthy(hub));
}

void TestHubInput::slowReaderIsDroppedOthersUnaffected()
{
    HubConfig config;
    config.messagesPerSecond = 0;
    config.bytesPerSecond = 0;
    config.maxQueuedBytes = 1024 * 1024;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawTcpClient slow;
    QVERIFY(slow.open(hub.serverPort()));
    slow.sendFrame(R"({"type":"join","id":"slow"})");
    QTRY_COMPARE(hub.peerCount(), 1);
    slow.stopReading();
    RawClient talker, reader;
    QVERIFY(talker.open(hub.serverUrl()) && reader.open(hub.serverUrl()));
    QVERIFY(!talker.join(u"talker"_s).isEmpty());
    QVERIFY(!reader.join(u"reader"_s).isEmpty());
    QSignalSpy left(&hub, &Hub::peerLeft);

    // 300 broadcasts of 60 KB: about 18 MB for each reader, far past what the kernel buffers for the slow one.
    const QString text(60000, u'z');
    int received = 0;
    connect(&reader.socket(), &QWebSocket::textMessageReceived, this, [&received](const QString &m) {
        received += m.contains(u"\"from\":\"talker\""_s);
    });
    for (int i = 0; i < 300; ++i)
        talker.sendJson({ { u"type"_s, u"message"_s }, { u"text"_s, text } });
    QTRY_VERIFY_WITH_TIMEOUT(!left.isEmpty(), 20000);
    QCOMPARE(left.at(0).at(0).toString(), u"slow"_s);
    QVERIFY(left.at(0).at(1).toString().contains(u"not reading"_s));
    // The others got everything, and were told the slow one left.
    QTRY_COMPARE_WITH_TIMEOUT(received, 300, 20000);
    QVERIFY(talker.isOpen() && reader.isOpen());
    QCOMPARE(hub.peerCount(), 2);
}

void TestHubInput::hugeFrameHeaderIsRefusedAtOnce()
{
    // A header claiming 2^40 bytes: refused on the header alone (nothing is allocated for it), close 1009.
    Hub hub;
    QVERIFY(hub.listen());
    RawTcpClient c;
    QVERIFY(c.open(hub.serverPort()));
    c.sendHeaderOnly(quint64(1) << 40);
    QCOMPARE(c.waitForClose(), 1009);
    QVERIFY(healthy(hub));
}

void TestHubInput::invalidUtf8IsClosedWith1007()
{
    Hub hub;
    QVERIFY(hub.listen());
    RawTcpClient c;
    QVERIFY(c.open(hub.serverPort()));
    c.sendFrame(QByteArray("{\"type\":\"join\",\"id\":\"\xc3\x28\"}"));
    QCOMPARE(c.waitForClose(), 1007);
    QVERIFY(healthy(hub));
}

void TestHubInput::stalledHalfFrameIsDroppedByHeartbeat()
{
    // A joined peer starts a frame and never finishes it (nor answers pings): the heartbeat drops it.
    HubConfig config;
    config.pingIntervalMs = 200;
    config.pingTimeoutMs = 300;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient watcher;
    QVERIFY(watcher.open(hub.serverUrl()));
    QVERIFY(!watcher.join(u"watcher"_s).isEmpty());
    RawTcpClient c;
    QVERIFY(c.open(hub.serverPort()));
    c.sendFrame(R"({"type":"join","id":"staller"})");
    QTRY_COMPARE(hub.peerCount(), 2);
    c.stopReading();
    c.sendHeaderOnly(1000); // 1000 bytes promised, none sent
    QCOMPARE(watcher.waitFor(u"peer_disconnect"_s, 10000).value("id"_L1).toString(), u"staller"_s);
    QVERIFY(healthy(hub));
}

void TestHubInput::slowlorisHandshakeTimesOut()
{
    HubConfig config;
    config.handshakeTimeoutMs = 300;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawTcpClient c;
    QVERIFY(c.connectOnly(hub.serverPort()));
    c.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"); // and then nothing more
    QVERIFY(c.waitForClose(10000) >= 0);
    QVERIFY(!c.isConnected());
    QVERIFY(healthy(hub));
}

void TestHubInput::joinedPeersOutliveTheHandshakeTimeout()
{
    // The hub accepts ws:// connections itself and drops those not upgraded in time; upgraded ones are exempt.
    HubConfig config;
    config.handshakeTimeoutMs = 300;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient a;
    RawClient b;
    QVERIFY(a.open(hub.serverUrl()));
    QVERIFY(b.open(hub.serverUrl()));
    QVERIFY(!a.join(u"alice"_s).isEmpty());
    QVERIFY(!b.join(u"bob"_s).isEmpty());
    // A slow handshake opened after both joined: its deadline is later than theirs.
    RawTcpClient slow;
    QVERIFY(slow.connectOnly(hub.serverPort()));
    slow.write("GET / HTTP/1.1\r\n");
    QVERIFY(slow.waitForClose(10000) >= 0);
    QVERIFY(a.isOpen());
    QVERIFY(b.isOpen());
    QCOMPARE(hub.peerCount(), 2);
    a.sendText(uR"({"type":"message","text":"still here","to":"bob","mid":"m1"})"_s);
    QCOMPARE(b.waitFor(u"message"_s).value("text"_L1).toString(), u"still here"_s);
    QCOMPARE(a.waitFor(u"ack"_s).value("mid"_L1).toString(), u"m1"_s);
}

void TestHubInput::tooManyHandshakesAreRefused_data()
{
    QTest::addColumn<int>("inAll");
    QTest::addColumn<int>("perAddress");
    QTest::addColumn<QByteArray>("why");
    QTest::newRow("in all") << 2 << 0 << QByteArray("handshake (at most 2)");
    QTest::newRow("from one address") << 0 << 2 << QByteArray("from your address (at most 2)");
}

void TestHubInput::tooManyHandshakesAreRefused()
{
    // Connections that never finish their handshake hold places; past the limit a new one is told why (HTTP 503)
    // and closed, and a place is free again as soon as one of them goes.
    QFETCH(int, inAll);
    QFETCH(int, perAddress);
    QFETCH(QByteArray, why);
    HubConfig config;
    config.maxHandshakes = inAll;
    config.maxConnectionsPerAddress = perAddress;
    Hub hub(config);
    QVERIFY(hub.listen());
    auto first = std::make_unique<RawTcpClient>();
    RawTcpClient second;
    QVERIFY(first->connectOnly(hub.serverPort()));
    QVERIFY(second.connectOnly(hub.serverPort()));
    first->write("GET / HTTP/1.1\r\n");
    second.write("GET / HTTP/1.1\r\n");
    RawTcpClient third;
    QVERIFY(third.connectOnly(hub.serverPort()));
    QVERIFY(third.waitForClose(5000) >= 0);
    QVERIFY2(third.received().startsWith("HTTP/1.1 503 Service Unavailable\r\n"), third.received().constData());
    QVERIFY2(third.received().contains(why), third.received().constData());
    QVERIFY(second.isConnected());

    first.reset(); // its place is given back when the hub sees it close
    RawClient peer;
    QTRY_VERIFY_WITH_TIMEOUT(peer.open(hub.serverUrl(), 1000), 10000);
    QVERIFY(!peer.join(u"after"_s).isEmpty());
    QCOMPARE(hub.peerCount(), 1);
}

void TestHubInput::frozenPeerIsAnnouncedGone()
{
    // A process that froze with its TCP connection open: it stops answering pings, and the others are told.
    HubConfig config;
    config.pingIntervalMs = 200;
    config.pingTimeoutMs = 300;
    Hub hub(config);
    QVERIFY(hub.listen());
    RawClient watcher;
    QVERIFY(watcher.open(hub.serverUrl()));
    QVERIFY(!watcher.join(u"watcher"_s).isEmpty());
    RawTcpClient frozen;
    QVERIFY(frozen.open(hub.serverPort()));
    frozen.sendFrame(R"({"type":"join","id":"frozen"})");
    QTRY_COMPARE(hub.peerCount(), 2);
    frozen.stopReading();
    QSignalSpy left(&hub, &Hub::peerLeft);
    QCOMPARE(watcher.waitFor(u"peer_disconnect"_s, 10000).value("id"_L1).toString(), u"frozen"_s);
    QVERIFY(left.at(0).at(1).toString().contains(u"heartbeat"_s));
    QVERIFY(watcher.isOpen()); // the watcher answers pings by itself and stays
}

void TestHubInput::duplicateIdRaceHasOneWinner()
{
    Hub hub;
    QVERIFY(hub.listen());
    std::vector<std::unique_ptr<RawClient>> racers;
    for (int i = 0; i < 8; ++i) {
        racers.push_back(std::make_unique<RawClient>());
        QVERIFY(racers.back()->open(hub.serverUrl()));
    }
    for (const auto &r : racers)
        r->sendText(uR"({"type":"join","id":"same"})"_s);
    int welcomed = 0, taken = 0;
    QTRY_COMPARE([&] {
        welcomed = taken = 0;
        for (const auto &r : racers) {
            for (const QJsonObject &o : r->pending()) {
                welcomed += o.value("type"_L1).toString() == u"welcome";
                taken += o.value("code"_L1).toString() == u"id_taken";
            }
        }
        return welcomed + taken;
    }(), 8);
    QCOMPARE(welcomed, 1);
    QCOMPARE(taken, 7);
    QCOMPARE(hub.peerCount(), 1);
}

void TestHubInput::deepNestingOverTheWire()
{
    Hub hub;
    QVERIFY(hub.listen());
    RawClient c;
    QVERIFY(c.open(hub.serverUrl()));
    c.sendText(QString(20000, u'[') + QString(20000, u']'));
    QCOMPARE(c.waitFor(u"error"_s).value("code"_L1).toString(), u"bad_json"_s);
    QVERIFY(c.isOpen());
    QVERIFY(healthy(hub));
}

PEERLINK_TEST_MAIN(TestHubInput)
#include "tst_hubinput.moc"
