// Hubs clustered over Redis (issue 19, part 1): a real redis-server started by the test on a loopback port, and
// several hubs in this process on it, each with raw WebSocket peers. Presence, routing, introductions, ids, bindings
// and the mailbox across hubs; a hub that dies; Redis that goes away and comes back; the settings' bounds.
#include "client/peerclient.h"
#include "hub/hub.h"
#include "keyedpeer.h"
#include "rawclient.h"
#include "redisserver.h"

#include "testmain.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace PeerLink;
using namespace PeerLink::Test;
using namespace Qt::StringLiterals;

namespace {

QStringList welcomeIds(const QJsonObject &welcome)
{
    QStringList ids;
    for (const QJsonValue &p : welcome.value(u"peers").toArray())
        ids.append(p.toObject().value(u"id").toString());
    ids.sort();
    return ids;
}

QJsonObject message(const QString &to, const QString &text, const QString &mid)
{
    QJsonObject m { { u"type"_s, u"message"_s }, { u"text"_s, text }, { u"mid"_s, mid } };
    if (!to.isEmpty())
        m.insert(u"to"_s, to);
    return m;
}

/// Waits for the answer to @p mid: "ack", or the error's code.
QString answerTo(RawClient &client, const QString &mid, int timeoutMs = 5000)
{
    QString answer;
    [[maybe_unused]] const bool answered = QTest::qWaitFor(
        [&] {
            for (qsizetype i = 0; i < client.pending().size(); ++i) {
                const QJsonObject o = client.pending().at(i);
                if (o.value(u"type").toString() == u"ack" && o.value(u"mid").toString() == mid)
                    answer = u"ack"_s;
                else if (o.value(u"type").toString() == u"error" && o.value(u"ref").toString() == mid)
                    answer = o.value(u"code").toString();
            }
            return !answer.isEmpty();
        },
        timeoutMs);
    return answer;
}

QJsonObject room(const QString &op, const QString &name, const QJsonObject &extra = {})
{
    QJsonObject o = extra;
    o.insert(u"type"_s, u"room"_s);
    o.insert(u"op"_s, op);
    o.insert(u"room"_s, name);
    return o;
}

/// Waits for, and takes, the next `room` event with @p op (what came before it stays).
QJsonObject waitRoom(RawClient &client, const QString &op, int timeoutMs = 5000)
{
    QJsonObject found;
    [[maybe_unused]] const bool seen = QTest::qWaitFor(
        [&] {
            for (const QJsonObject &o : client.pending()) {
                if (o.value(u"type").toString() == u"room" && o.value(u"op").toString() == op) {
                    found = o;
                    return true;
                }
            }
            return false;
        },
        timeoutMs);
    return found;
}

QStringList memberIds(const QJsonObject &event)
{
    QStringList ids;
    for (const QJsonValue &m : event.value(u"members").toArray())
        ids.append(m.toObject().value(u"id").toString());
    return ids;
}

} // namespace

class TestCluster : public QObject
{
    Q_OBJECT

private:
    RedisServer m_redis;
    std::vector<std::unique_ptr<Hub>> m_hubs;
    QTemporaryDir m_dataRoot;

    /// A hub of the cluster, listening and in sync.
    Hub *addHub(int timeoutMs = 1500, bool withDataDir = false)
    {
        HubConfig config;
        config.redis = m_redis.url();
        config.clusterTimeoutMs = timeoutMs;
        config.reconnectGraceMs = 3000;
        if (withDataDir)
            config.dataDir = m_dataRoot.filePath(QString::number(m_hubs.size()));
        m_hubs.push_back(std::make_unique<Hub>(config));
        Hub *hub = m_hubs.back().get();
        if (!hub->listen(QHostAddress::LocalHost, 0))
            qWarning() << hub->errorString();
        return hub;
    }
    bool allUp() const
    {
        return std::all_of(m_hubs.begin(), m_hubs.end(), [](const auto &h) { return h->isClusterUp(); });
    }
    /// @p a joined as @p idA on @p h1 and @p b as @p idB on @p h2 (a cluster of these two hubs), and each hub lists
    /// the other's peer.
    static bool joinedAcross(Hub *h1, RawClient &a, const QString &idA, Hub *h2, RawClient &b, const QString &idB)
    {
        return a.open(h1->serverUrl()) && b.open(h2->serverUrl()) && !a.join(idA).isEmpty() && !b.join(idB).isEmpty()
            && QTest::qWaitFor([h1, h2] { return h1->remotePeerCount() == 1 && h2->remotePeerCount() == 1; }, 5000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorString()));
    }
    void init()
    {
        if (!m_redis.isRunning())
            QVERIFY2(m_redis.start(), qPrintable(m_redis.errorString()));
        QCOMPARE(m_redis.command("FLUSHALL"), QByteArray("+OK"));
    }
    void cleanup()
    {
        m_hubs.clear();
    }

    void presenceAndMessagesAcrossThreeHubs()
    {
        Hub *h1 = addHub();
        Hub *h2 = addHub();
        Hub *h3 = addHub();
        QTRY_VERIFY(allUp());
        RawClient a, b, c;
        QVERIFY(a.open(h1->serverUrl()));
        QVERIFY(b.open(h2->serverUrl()));
        QVERIFY(c.open(h3->serverUrl()));
        QVERIFY(!a.join(u"alice"_s).isEmpty());
        QVERIFY(!b.join(u"bob"_s).isEmpty());
        // alice hears of bob, who joined another hub.
        QCOMPARE(a.waitFor(u"peer_connect"_s).value(u"id").toString(), u"bob"_s);
        QTRY_COMPARE(h3->remotePeerCount(), 2);
        const QJsonObject welcome = c.join(u"carol"_s);
        QCOMPARE(welcomeIds(welcome), QStringList({ u"alice"_s, u"bob"_s }));
        QCOMPARE(a.waitFor(u"peer_connect"_s).value(u"id").toString(), u"carol"_s);
        QCOMPARE(b.waitFor(u"peer_connect"_s).value(u"id").toString(), u"carol"_s);

        // Direct, hub 1 -> hub 2: stamped by alice's hub, acknowledged once bob's hub has it.
        a.sendJson(message(u"bob"_s, u"hello bob"_s, u"m1"_s));
        const QJsonObject got = b.waitFor(u"message"_s);
        QCOMPARE(got.value(u"from").toString(), u"alice"_s);
        QCOMPARE(got.value(u"text").toString(), u"hello bob"_s);
        QCOMPARE(got.value(u"to").toString(), u"bob"_s);
        QVERIFY(got.value(u"ts").toDouble() > 0);
        QCOMPARE(answerTo(a, u"m1"_s), u"ack"_s);
        QVERIFY(c.pending().isEmpty() || c.waitFor(u"message"_s, 200).isEmpty());

        // Broadcast from hub 3 reaches both other hubs, not its sender.
        c.sendJson(message(QString(), u"hello all"_s, u"m2"_s));
        QCOMPARE(a.waitFor(u"message"_s).value(u"text").toString(), u"hello all"_s);
        QCOMPARE(b.waitFor(u"message"_s).value(u"from").toString(), u"carol"_s);
        QCOMPARE(answerTo(c, u"m2"_s), u"ack"_s);
        QVERIFY(c.waitFor(u"message"_s, 200).isEmpty());

        // A leave is heard everywhere.
        b.sendJson({ { u"type"_s, u"leave"_s } });
        QCOMPARE(a.waitFor(u"peer_disconnect"_s).value(u"id").toString(), u"bob"_s);
        QCOMPARE(c.waitFor(u"peer_disconnect"_s).value(u"id").toString(), u"bob"_s);
        QTRY_COMPARE(h1->remotePeerCount(), 1);

        // A message to someone nobody has: peer_unavailable, as on one hub.
        a.sendJson(message(u"bob"_s, u"still there?"_s, u"m3"_s));
        QCOMPARE(answerTo(a, u"m3"_s), u"peer_unavailable"_s);
    }

    void aBurstCrossesHubsInOrderAndAcknowledged()
    {
        // Messages a hub reads in one turn go to the other hub as one batch: all of them arrive, in order, and each
        // is acknowledged.
        Hub *h1 = addHub();
        Hub *h2 = addHub();
        QTRY_VERIFY(allUp());
        RawClient a, b;
        QVERIFY(joinedAcross(h1, a, u"burst-a"_s, h2, b, u"burst-b"_s));
        constexpr int kCount = 150;
        for (int i = 0; i < kCount; ++i)
            a.sendJson(message(u"burst-b"_s, u"line\n%1"_s.arg(i), u"b%1"_s.arg(i)));
        for (int i = 0; i < kCount; ++i)
            QCOMPARE(b.waitFor(u"message"_s).value(u"text").toString(), u"line\n%1"_s.arg(i));
        for (int i = 0; i < kCount; ++i)
            QCOMPARE(answerTo(a, u"b%1"_s.arg(i)), u"ack"_s);
        const quint64 routed = h1->routedMessageCount();
        QVERIFY2(routed >= quint64(kCount), qPrintable(QString::number(routed)));
    }

    void idsAreUniqueAcrossHubs()
    {
        Hub *h1 = addHub();
        Hub *h2 = addHub();
        QTRY_VERIFY(allUp());
        RawClient a, other;
        QVERIFY(a.open(h1->serverUrl()));
        QVERIFY(other.open(h2->serverUrl()));
        QVERIFY(!a.join(u"dup"_s).isEmpty());
        other.sendJson({ { u"type"_s, u"join"_s }, { u"id"_s, u"dup"_s } });
        const QJsonObject error = other.waitFor(u"error"_s);
        QCOMPARE(error.value(u"code").toString(), u"id_taken"_s);
        QCOMPARE(error.value(u"ref").toString(), u"join"_s);
        QCOMPARE(h2->peerCount(), 0);
        // Once it leaves, the id is free on any hub.
        a.sendJson({ { u"type"_s, u"leave"_s } });
        QVERIFY(a.waitClosed());
        QTRY_COMPARE(h2->remotePeerCount(), 0); // (its lease went with its listing, in one script)
        QVERIFY(!other.join(u"dup"_s).isEmpty());
    }

    void introductionsAcrossHubs()
    {
        Hub *h1 = addHub();
        Hub *h2 = addHub();
        QTRY_VERIFY(allUp());
        RawClient a, b;
        QVERIFY(joinedAcross(h1, a, u"ann"_s, h2, b, u"ben"_s));

        a.sendJson({ { u"type"_s, u"connect_to_peer"_s }, { u"peer"_s, u"ben"_s },
                     { u"listen"_s, QJsonArray { u"127.0.0.1:40001"_s } } });
        const QJsonObject offer = b.waitFor(u"connect_to_peer"_s);
        QCOMPARE(offer.value(u"from").toString(), u"ann"_s);
        QCOMPARE(offer.value(u"addrs").toArray().first().toString(), u"127.0.0.1:40001"_s);
        QCOMPARE(offer.value(u"observed").toString(), u"127.0.0.1"_s);
        const QString link = offer.value(u"link").toString();
        QVERIFY(!link.isEmpty());
        b.sendJson({ { u"type"_s, u"connect_accept"_s }, { u"peer"_s, u"ann"_s }, { u"link"_s, link },
                     { u"listen"_s, QJsonArray { u"127.0.0.1:40002"_s } } });
        const QJsonObject accepted = a.waitFor(u"connect_accept"_s);
        QCOMPARE(accepted.value(u"from").toString(), u"ben"_s);
        QCOMPARE(accepted.value(u"link").toString(), link);
        QCOMPARE(accepted.value(u"secret").toString(), offer.value(u"secret").toString());
        QCOMPARE(accepted.value(u"addrs").toArray().first().toString(), u"127.0.0.1:40002"_s);

        // A second introduction, declined; and an answer to a link nobody started.
        a.sendJson({ { u"type"_s, u"connect_to_peer"_s }, { u"peer"_s, u"ben"_s } });
        const QString link2 = b.waitFor(u"connect_to_peer"_s).value(u"link").toString();
        b.sendJson({ { u"type"_s, u"connect_decline"_s }, { u"peer"_s, u"ann"_s }, { u"link"_s, link2 },
                     { u"reason"_s, u"busy"_s } });
        const QJsonObject declined = a.waitFor(u"error"_s);
        QCOMPARE(declined.value(u"code").toString(), u"connect_declined"_s);
        QCOMPARE(declined.value(u"ref").toString(), u"ben"_s);
        b.sendJson({ { u"type"_s, u"connect_accept"_s }, { u"peer"_s, u"ann"_s }, { u"link"_s, link2 } });
        QCOMPARE(b.waitFor(u"error"_s).value(u"code").toString(), u"unknown_link"_s);
    }

    void peersOnTwoHubsLinkDirectly()
    {
        // The real client: introduced by two hubs, the peers link directly; what they send then bypasses both.
        Hub *h1 = addHub();
        Hub *h2 = addHub();
        QTRY_VERIFY(allUp());
        const auto peer = [](Hub *hub, const QString &id) {
            auto c = std::make_unique<PeerClient>();
            c->setDirectListening(true, QHostAddress::LocalHost, 0);
            c->setDirectTimeouts(2000, 5000);
            c->setDirectRetryDelays(100, 400);
            QSignalSpy joined(c.get(), &PeerClient::joined);
            if (!c->connectToHub(hub->serverUrl(), id) || !joined.wait())
                c.reset();
            return c;
        };
        auto a = peer(h1, u"pa"_s);
        auto b = peer(h2, u"pb"_s);
        QVERIFY(a && b);
        QTRY_VERIFY(a->hasPeer(u"pb"_s) && b->hasPeer(u"pa"_s));
        QVERIFY(a->connectToPeer(u"pb"_s));
        QTRY_COMPARE(a->pathTo(u"pb"_s), PeerClient::Path::Direct);
        QTRY_COMPARE(b->pathTo(u"pa"_s), PeerClient::Path::Direct);
        const quint64 routed = h1->routedMessageCount() + h2->routedMessageCount();
        QSignalSpy bGot(b.get(), &PeerClient::messageReceived);
        a->sendMessage(u"pb"_s, u"straight across"_s);
        QTRY_COMPARE(bGot.size(), 1);
        QCOMPARE(bGot.at(0).at(0).value<ChatMessage>().text, u"straight across"_s);
        QCOMPARE(h1->routedMessageCount() + h2->routedMessageCount(), routed);
    }

    void deadHubsPeersAnnouncedGoneAndResumeElsewhere()
    {
        const int timeoutMs = 900;
        Hub *h1 = addHub(timeoutMs);
        Hub *h2 = addHub(timeoutMs);
        QTRY_VERIFY(allUp());
        RawClient a, b;
        QVERIFY(a.open(h1->serverUrl()));
        QVERIFY(b.open(h2->serverUrl()));
        const QJsonObject welcome = a.join(u"amy"_s);
        const QString token = welcome.value(u"resume").toString();
        QVERIFY(!token.isEmpty());
        QCOMPARE(welcomeIds(b.join(u"bill"_s)), QStringList({ u"amy"_s }));

        // Hub 1 dies without a word (its Redis connections dropped, nothing cleaned up): bill hears amy is gone
        // within the bound (4/3 of the cluster timeout, plus a margin for a loaded machine).
        QElapsedTimer clock;
        clock.start();
        m_hubs.front()->setParent(nullptr);
        m_hubs.erase(m_hubs.begin()); // deleted: like SIGKILL for the cluster (no leave script)
        QCOMPARE(b.waitFor(u"peer_disconnect"_s, 4 * timeoutMs).value(u"id").toString(), u"amy"_s);
        QVERIFY2(clock.elapsed() < 4 * timeoutMs, qPrintable(QString::number(clock.elapsed())));

        // amy resumes on hub 2 with the token hub 1 gave it.
        RawClient again;
        QVERIFY(again.open(h2->serverUrl()));
        const QJsonObject resumed = again.join(u"amy"_s, { { u"resume"_s, token } });
        QCOMPARE(resumed.value(u"type").toString(), u"welcome"_s);
        QCOMPARE(welcomeIds(resumed), QStringList({ u"bill"_s }));
        b.sendJson(message(u"amy"_s, u"welcome back"_s, u"m1"_s));
        QCOMPARE(again.waitFor(u"message"_s).value(u"text").toString(), u"welcome back"_s);
    }

    void resumeOnAnotherHubWhileFirstLives()
    {
        Hub *h1 = addHub();
        Hub *h2 = addHub();
        Hub *h3 = addHub();
        QTRY_VERIFY(allUp());
        RawClient a, c;
        QVERIFY(a.open(h1->serverUrl()));
        QVERIFY(c.open(h3->serverUrl()));
        const QString token = a.join(u"ada"_s).value(u"resume").toString();
        QVERIFY(!c.join(u"cyd"_s).isEmpty());
        QCOMPARE(a.waitFor(u"peer_connect"_s).value(u"id").toString(), u"cyd"_s);
        // A wrong token does not take the id.
        RawClient thief;
        QVERIFY(thief.open(h2->serverUrl()));
        thief.sendJson({ { u"type"_s, u"join"_s }, { u"id"_s, u"ada"_s }, { u"resume"_s, u"0123456789abcdef"_s } });
        QCOMPARE(thief.waitFor(u"error"_s).value(u"code").toString(), u"id_taken"_s);

        // ada's connection drops (hub 1 keeps it in its grace) and it comes back on hub 2: hub 1 lets go of it,
        // what was held for it there follows it, and cyd hears nothing of it leaving.
        a.socket().abort();
        QTRY_COMPARE(h1->peerCount(), 0);
        c.sendJson(message(u"ada"_s, u"held for you"_s, u"h1"_s));
        QCOMPARE(answerTo(c, u"h1"_s), u"ack"_s);
        RawClient back;
        QVERIFY(back.open(h2->serverUrl()));
        const QJsonObject welcome = back.join(u"ada"_s, { { u"resume"_s, token } });
        QCOMPARE(welcome.value(u"type").toString(), u"welcome"_s);
        QCOMPARE(back.waitFor(u"message"_s).value(u"text").toString(), u"held for you"_s);
        c.sendJson(message(u"ada"_s, u"now on hub 2"_s, u"h2"_s));
        QCOMPARE(back.waitFor(u"message"_s).value(u"text").toString(), u"now on hub 2"_s);
        QVERIFY(c.waitFor(u"peer_disconnect"_s, 300).isEmpty());
        QTRY_COMPARE(h1->remotePeerCount(), 1 + 1); // cyd, and ada as hub 2's
    }

    void redisGoesAwayAndComesBack()
    {
        Hub *h1 = addHub(1000);
        Hub *h2 = addHub(1000);
        QTRY_VERIFY(allUp());
        QSignalSpy down(h1, &Hub::clusterUpChanged);
        RawClient a, a2, b;
        QVERIFY(a.open(h1->serverUrl()));
        QVERIFY(a2.open(h1->serverUrl()));
        QVERIFY(b.open(h2->serverUrl()));
        QVERIFY(!a.join(u"a1"_s).isEmpty());
        QVERIFY(!a2.join(u"a2"_s).isEmpty());
        QVERIFY(!b.join(u"b1"_s).isEmpty());
        QCOMPARE(a.waitFor(u"peer_connect"_s).value(u"id").toString(), u"a2"_s);
        QCOMPARE(a.waitFor(u"peer_connect"_s).value(u"id").toString(), u"b1"_s);
        QTRY_COMPARE(h1->remotePeerCount(), 1);

        // A stream of messages a1 -> b1 across the outage: whatever is acknowledged arrives.
        QStringList acked;
        QStringList refused;
        int sent = 0;
        const auto sendSome = [&](int n) {
            for (int i = 0; i < n; ++i) {
                const QString mid = u"s%1"_s.arg(sent++);
                a.sendJson(message(u"b1"_s, mid, mid));
                const QString answer = answerTo(a, mid);
                (answer == u"ack" ? acked : refused).append(mid);
                QVERIFY2(answer == u"ack" || answer == u"cluster_unavailable", qPrintable(answer));
            }
        };
        sendSome(5);
        m_redis.stop();
        QTRY_VERIFY(!h1->isClusterUp() && !h2->isClusterUp());
        QCOMPARE(down.count(), 1);
        sendSome(5);
        QVERIFY(refused.size() >= 5);
        // The hub keeps serving its own peers: a1 -> a2 on the same hub.
        a.sendJson(message(u"a2"_s, u"local"_s, u"loc"_s));
        QCOMPARE(a2.waitFor(u"message"_s).value(u"text").toString(), u"local"_s);
        QCOMPARE(answerTo(a, u"loc"_s), u"ack"_s);
        // A broadcast is refused whole; a new join is refused with the same code.
        a.sendJson(message(QString(), u"all"_s, u"bc"_s));
        QCOMPARE(answerTo(a, u"bc"_s), u"cluster_unavailable"_s);
        RawClient late;
        QVERIFY(late.open(h1->serverUrl()));
        late.sendJson({ { u"type"_s, u"join"_s }, { u"id"_s, u"late"_s } });
        QCOMPARE(late.waitFor(u"error"_s).value(u"code").toString(), u"cluster_unavailable"_s);
        QVERIFY(a2.waitFor(u"message"_s, 200).isEmpty());

        // Redis comes back (empty: it kept nothing): the hubs list their peers again and heal.
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(allUp(), 10000);
        QTRY_COMPARE(h1->remotePeerCount(), 1);
        QTRY_COMPARE(h2->remotePeerCount(), 2);
        sendSome(5);
        QCOMPARE(refused.size() + acked.size(), sent);
        QVERIFY(acked.size() >= 10);
        QStringList received;
        QTRY_VERIFY([&] {
            for (QJsonObject m; !(m = b.waitFor(u"message"_s, 50)).isEmpty();)
                received.append(m.value(u"text").toString());
            return received.size() >= acked.size();
        }());
        for (const QString &mid : acked)
            QVERIFY2(received.contains(mid), qPrintable(mid));
        for (const QString &mid : refused)
            QVERIFY2(!received.contains(mid), qPrintable(mid));
        // And a new peer on hub 2 is seen from hub 1 again.
        RawClient d;
        QVERIFY(d.open(h2->serverUrl()));
        QVERIFY(!d.join(u"d1"_s).isEmpty());
        QTRY_COMPARE(h1->remotePeerCount(), 2);
        const QJsonObject seen = a.waitFor(u"peer_connect"_s);
        QVERIFY2(seen.value(u"id").toString() == u"d1", QJsonDocument(seen).toJson().constData());
        // b1 was never announced gone on hub 1 (its hub was only waited for while Redis refilled).
        for (const QJsonObject &o : a.pending())
            QVERIFY2(o.value(u"type").toString() != u"peer_disconnect", QJsonDocument(o).toJson().constData());
    }

    void redisThatStopsAnsweringIsTakenForGone()
    {
        // Redis keeps its connections but answers nothing (SIGSTOP): within the timeout the hub says it is not in
        // the cluster any more and refuses what needs it; once Redis goes on, the hub is back.
        Hub *h1 = addHub(800);
        Hub *h2 = addHub(800);
        QTRY_VERIFY(allUp());
        RawClient a, b;
        QVERIFY(joinedAcross(h1, a, u"p1"_s, h2, b, u"p2"_s));
        m_redis.pause();
        QTRY_VERIFY_WITH_TIMEOUT(!h1->isClusterUp(), 4000);
        a.sendJson(message(u"p2"_s, u"while stopped"_s, u"w1"_s));
        QCOMPARE(answerTo(a, u"w1"_s), u"cluster_unavailable"_s);
        m_redis.resume();
        QTRY_VERIFY_WITH_TIMEOUT(allUp(), 10000);
        a.sendJson(message(u"p2"_s, u"going on"_s, u"w2"_s));
        QCOMPARE(answerTo(a, u"w2"_s), u"ack"_s);
        QCOMPARE(b.waitFor(u"message"_s).value(u"text").toString(), u"going on"_s);
    }

    void aHubTakenForDeadListsItsPeersAgain()
    {
        // Every hub's liveness key vanishes (as when a hub or Redis stalls past the timeout): the hubs reap each
        // other, notice they were reaped, and list their peers again; presence and routing come back.
        Hub *h1 = addHub(900);
        Hub *h2 = addHub(900);
        QTRY_VERIFY(allUp());
        RawClient a, b;
        QVERIFY(joinedAcross(h1, a, u"t1"_s, h2, b, u"t2"_s));
        QCOMPARE(m_redis.command(R"(EVAL "for _, k in ipairs(redis.call('KEYS', 'peerlink:hub:*')) do redis.call('DEL', k) end" 0)"),
                 QByteArray("$-1"));
        QTRY_VERIFY_WITH_TIMEOUT(h1->remotePeerCount() == 1 && h2->remotePeerCount() == 1
                                     && m_redis.command("HLEN peerlink:peers") == ":2",
                                 8000);
        a.sendJson(message(u"t2"_s, u"still here"_s, u"d1"_s));
        QCOMPARE(b.waitFor(u"message"_s).value(u"text").toString(), u"still here"_s);
    }

    void aPeerThatLeftWhileRedisWasAwayIsGoneEverywhere()
    {
        Hub *h1 = addHub(800);
        Hub *h2 = addHub(800);
        QTRY_VERIFY(allUp());
        RawClient a, b;
        QVERIFY(joinedAcross(h1, a, u"w1"_s, h2, b, u"w2"_s));
        m_redis.pause();
        QTRY_VERIFY_WITH_TIMEOUT(!h1->isClusterUp(), 4000);
        a.sendJson({ { u"type"_s, u"leave"_s } }); // h1 cannot tell Redis now
        QVERIFY(a.waitClosed());
        m_redis.resume();
        QTRY_VERIFY_WITH_TIMEOUT(allUp(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(h2->remotePeerCount(), 0, 5000);
        QCOMPARE(b.waitFor(u"peer_disconnect"_s).value(u"id").toString(), u"w1"_s);
        QTRY_COMPARE(m_redis.command("HEXISTS peerlink:peers w1"), QByteArray(":0"));
    }

    void bindingsAndMailboxAcrossHubs()
    {
        Hub *h1 = addHub(1500, true);
        Hub *h2 = addHub(1500, true);
        QTRY_VERIFY(allUp());
        // Both hubs use the cluster's hub id, so a proof signed for one is valid on the other.
        const Keyed kim(u"kim"_s);
        RawClient k1;
        QVERIFY(k1.open(h1->serverUrl()));
        QCOMPARE(kim.joinOn(k1).value(u"type").toString(), u"welcome"_s);
        QTRY_COMPARE(h2->boundKey(u"kim"_s), h1->boundKey(u"kim"_s));
        QVERIFY(!h2->boundKey(u"kim"_s).isEmpty());
        // Another key cannot take kim on hub 2, even while kim is away.
        k1.sendJson({ { u"type"_s, u"leave"_s } });
        QVERIFY(k1.waitClosed());
        const Keyed impostor(u"kim"_s);
        RawClient i2;
        QVERIFY(i2.open(h2->serverUrl()));
        QCOMPARE(impostor.joinOn(i2).value(u"code").toString(), u"id_bound"_s);

        // A sealed message for the absent kim is kept on hub 1 and handed over when kim joins hub 2.
        RawClient s;
        QVERIFY(s.open(h1->serverUrl()));
        QVERIFY(!s.join(u"sam"_s).isEmpty());
        QJsonObject sealed = message(u"kim"_s, QString(), u"e1"_s);
        sealed.insert(u"e2e"_s, u"2.AAAA"_s);
        s.sendJson(sealed);
        QCOMPARE(s.waitFor(u"stored"_s).value(u"mid").toString(), u"e1"_s);
        RawClient k2;
        QVERIFY(k2.open(h2->serverUrl()));
        QCOMPARE(kim.joinOn(k2).value(u"type").toString(), u"welcome"_s);
        const QJsonObject kept = k2.waitFor(u"message"_s);
        QCOMPARE(kept.value(u"from").toString(), u"sam"_s);
        QCOMPARE(kept.value(u"e2e").toString(), u"2.AAAA"_s);
        QTRY_COMPARE(h1->mailbox().totalCount(), 0);
    }

    void roomsAcrossHubs()
    {
        Hub *h1 = addHub(1500, true);
        Hub *h2 = addHub(1500, true);
        QTRY_VERIFY(allUp());
        const Keyed kai(u"kai"_s), lu(u"lu"_s);
        RawClient k, l;
        QVERIFY(k.open(h1->serverUrl()));
        QVERIFY(l.open(h2->serverUrl()));
        QCOMPARE(kai.joinOn(k).value(u"type").toString(), u"welcome"_s);
        QCOMPARE(lu.joinOn(l).value(u"type").toString(), u"welcome"_s);
        QTRY_VERIFY(h1->remotePeerCount() == 1 && h2->remotePeerCount() == 1);

        // kai makes team on hub 1; hub 2 has it too, and lu joins it there.
        k.sendJson(room(u"create"_s, u"team"_s, { { u"topic"_s, u"plans"_s } }));
        QCOMPARE(waitRoom(k, u"joined"_s).value(u"room").toString(), u"team"_s);
        QTRY_VERIFY(h2->rooms().find(u"team"_s));
        QCOMPARE(h2->rooms().find(u"team"_s)->topic, u"plans"_s);
        l.sendJson(room(u"join"_s, u"team"_s));
        const QJsonObject joined = waitRoom(l, u"joined"_s);
        QCOMPARE(memberIds(joined), QStringList({ u"kai"_s, u"lu"_s }));
        for (const QJsonValue &m : joined.value(u"members").toArray())
            QVERIFY2(m.toObject().value(u"online").toBool(), "a member on the other hub shows online");
        QCOMPARE(waitRoom(k, u"member_joined"_s).value(u"peer").toString(), u"lu"_s);
        QTRY_COMPARE(h1->rooms().find(u"team"_s)->members, QStringList({ u"kai"_s, u"lu"_s }));

        // A room message and a sender key cross hubs (sealed: the hubs pass e2e and data on untouched).
        k.sendJson(room(u"send"_s, u"team"_s, { { u"mid"_s, u"r1"_s }, { u"e2e"_s, u"3.sealed"_s } }));
        const QJsonObject got = waitRoom(l, u"message"_s);
        QCOMPARE(got.value(u"from").toString(), u"kai"_s);
        QCOMPARE(got.value(u"e2e").toString(), u"3.sealed"_s);
        QCOMPARE(answerTo(k, u"r1"_s), u"ack"_s);
        l.sendJson(room(u"key"_s, u"team"_s, { { u"peer"_s, u"kai"_s }, { u"data"_s, u"sealedkey"_s } }));
        QCOMPARE(waitRoom(k, u"key"_s).value(u"data").toString(), u"sealedkey"_s);

        // A third hub that comes later knows the room from Redis; a topic change made there reaches everyone.
        Hub *h3 = addHub(1500, true);
        QTRY_VERIFY(h3->isClusterUp());
        QTRY_VERIFY(h3->rooms().find(u"team"_s));
        QCOMPARE(h3->rooms().find(u"team"_s)->members, QStringList({ u"kai"_s, u"lu"_s }));
        k.sendJson(room(u"topic"_s, u"team"_s, { { u"topic"_s, u"new plans"_s } }));
        QCOMPARE(waitRoom(l, u"topic"_s).value(u"topic").toString(), u"new plans"_s);
        QTRY_COMPARE(h3->rooms().find(u"team"_s)->topic, u"new plans"_s);

        // lu leaves on hub 2: kai hears it on hub 1, and every hub's copy agrees.
        l.sendJson(room(u"leave"_s, u"team"_s));
        QCOMPARE(waitRoom(k, u"member_left"_s).value(u"peer").toString(), u"lu"_s);
        QTRY_COMPARE(h1->rooms().find(u"team"_s)->members, QStringList({ u"kai"_s }));
        QTRY_COMPARE(h3->rooms().find(u"team"_s)->members, QStringList({ u"kai"_s }));
    }

    void metricsShowTheCluster()
    {
        Hub *h1 = addHub();
        Hub *h2 = addHub();
        QTRY_VERIFY(allUp());
        RawClient b;
        QVERIFY(b.open(h2->serverUrl()));
        QVERIFY(!b.join(u"mb"_s).isEmpty());
        QTRY_COMPARE(h1->remotePeerCount(), 1);
        QTRY_VERIFY(h1->metricsText().contains("\npeerlink_cluster_hubs 2\n"));
        const QByteArray text = h1->metricsText();
        QVERIFY(text.contains("\npeerlink_cluster_up 1\n"));
        QVERIFY(text.contains("\npeerlink_cluster_remote_peers 1\n"));
        QVERIFY(text.contains("# TYPE peerlink_cluster_bus_lag_seconds gauge"));
        m_redis.stop();
        QTRY_VERIFY(h1->metricsText().contains("\npeerlink_cluster_up 0\n"));
    }

    void unreachableRedisRefusesJoinsClearly()
    {
        // Nothing listens there: the hub starts, says it is not in the cluster, and refuses joins with a reason.
        m_redis.stop();
        HubConfig config;
        config.redis = m_redis.url();
        config.clusterTimeoutMs = 500;
        Hub hub(config);
        QVERIFY(hub.listen(QHostAddress::LocalHost, 0));
        QVERIFY(!hub.isClusterUp());
        RawClient a;
        QVERIFY(a.open(hub.serverUrl()));
        a.sendJson({ { u"type"_s, u"join"_s }, { u"id"_s, u"x"_s } });
        const QJsonObject error = a.waitFor(u"error"_s);
        QCOMPARE(error.value(u"code").toString(), u"cluster_unavailable"_s);
        QVERIFY(a.waitClosed());
        QCOMPARE(a.closeCode(), 1001);
        // And it joins the cluster as soon as Redis is there.
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(hub.isClusterUp(), 10000);
    }
};

PEERLINK_TEST_MAIN(TestCluster)
#include "tst_cluster.moc"
