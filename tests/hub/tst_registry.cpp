// The registry without a network: one entry per id, live or in its reconnect grace, what is held for a peer in
// grace, and the welcome list. Sessions are made on sockets that never connect.
#include "hub/hubsession.h"
#include "hub/registry.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>
#include <vector>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestRegistry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void oneEntryPerId();
    void graceKeepsThePlace();
    void onlyTheLiveSessionIsRemoved();
    void heldMessagesAreBounded();
    void graceEndsInTime();
    void welcomeListsEveryoneElse();

private:
    HubSession *session(const QString &id, const QString &name = QString(), bool host = false);
    OutputBatch m_batch;
    std::vector<std::unique_ptr<HubSession>> m_sessions;
};

HubSession *TestRegistry::session(const QString &id, const QString &name, bool host)
{
    auto s = std::make_unique<HubSession>(&m_batch, TokenBucket(0, 0), 0);
    s->setJoined(id, name, u"token-"_s + id, QDateTime::currentDateTimeUtc());
    s->setHost(host);
    m_sessions.push_back(std::move(s));
    return m_sessions.back().get();
}

void TestRegistry::oneEntryPerId()
{
    Registry registry;
    HubSession *a = session(u"a"_s);
    HubSession *b = session(u"b"_s);
    QCOMPARE(registry.size(), 0);
    QVERIFY(!registry.find(u"a"_s));
    registry.add(a);
    registry.add(b);
    QCOMPARE(registry.size(), 2);
    QCOMPARE(registry.liveCount(), 2);
    QCOMPARE(registry.live(u"a"_s), a);
    QVERIFY(registry.isLive(a));
    // The same id again (a resume onto a new connection) replaces the entry: still one.
    HubSession *a2 = session(u"a"_s);
    registry.add(a2);
    QCOMPARE(registry.size(), 2);
    QCOMPARE(registry.liveCount(), 2);
    QCOMPARE(registry.live(u"a"_s), a2);
    QVERIFY(!registry.isLive(a));
}

void TestRegistry::graceKeepsThePlace()
{
    Registry registry;
    HubSession *a = session(u"a"_s, u"Alice"_s, true);
    registry.add(a);
    QVERIFY(registry.startGrace(a, 1000));
    QVERIFY(!registry.startGrace(a, 1000)); // no longer live
    QCOMPARE(registry.size(), 1);           // still there for hub_full and the others
    QCOMPARE(registry.liveCount(), 0);
    QVERIFY(!registry.live(u"a"_s));
    QVERIFY(registry.isInGrace(u"a"_s));
    const Registry::Entry *e = registry.find(u"a"_s);
    QVERIFY(e && !e->session && e->grace);
    QCOMPARE(e->grace->name, u"Alice"_s);
    QCOMPARE(e->grace->resumeToken, u"token-a"_s);
    QCOMPARE(e->grace->host, true);
    QCOMPARE(e->grace->joinedAt, a->joinedAt());

    // Back: the grace is taken out, with what was held, and the new session takes the id.
    QVERIFY(registry.hold(*e->grace, Registry::Held { "{}", u"b"_s, u"m1"_s }));
    const std::optional<Registry::Grace> grace = registry.endGrace(u"a"_s);
    QVERIFY(grace);
    QCOMPARE(grace->held.size(), 1);
    QCOMPARE(grace->held.at(0).mid, u"m1"_s);
    QCOMPARE(registry.size(), 0);
    QVERIFY(!registry.endGrace(u"a"_s));
    HubSession *back = session(u"a"_s);
    registry.add(back);
    QCOMPARE(registry.live(u"a"_s), back);
    QVERIFY(!registry.isInGrace(u"a"_s));
    QCOMPARE(registry.size(), 1);
}

void TestRegistry::onlyTheLiveSessionIsRemoved()
{
    Registry registry;
    HubSession *old = session(u"x"_s);
    HubSession *fresh = session(u"x"_s);
    registry.add(old);
    registry.add(fresh);
    QVERIFY(!registry.remove(old)); // an id's old connection going away must not take the new one out
    QCOMPARE(registry.live(u"x"_s), fresh);
    QVERIFY(!registry.startGrace(old, 10));
    QVERIFY(registry.remove(fresh));
    QVERIFY(!registry.remove(fresh));
    QCOMPARE(registry.size(), 0);
    QCOMPARE(registry.liveCount(), 0);
    auto unjoined = std::make_unique<HubSession>(&m_batch, TokenBucket(0, 0), 0);
    QVERIFY(!registry.remove(unjoined.get()));
}

void TestRegistry::heldMessagesAreBounded()
{
    Registry registry(3);
    HubSession *a = session(u"a"_s);
    registry.add(a);
    QVERIFY(registry.startGrace(a, 1000));
    Registry::Grace &grace = *registry.find(u"a"_s)->grace;
    for (int i = 0; i < 3; ++i)
        QVERIFY(registry.hold(grace, Registry::Held { QByteArray::number(i), QString(), QString() }));
    QVERIFY(!registry.hold(grace, Registry::Held { "late", QString(), QString() }));
    QCOMPARE(grace.held.size(), 3);
    QCOMPARE(grace.held.constLast().frame, QByteArray("2"));
}

void TestRegistry::graceEndsInTime()
{
    Registry registry;
    HubSession *a = session(u"a"_s);
    HubSession *b = session(u"b"_s);
    HubSession *c = session(u"c"_s);
    registry.add(a);
    registry.add(b);
    registry.add(c);
    QVERIFY(registry.startGrace(a, 1000));
    QVERIFY(registry.startGrace(b, 2000));
    QCOMPARE(registry.graceEnded(999), QStringList());
    QCOMPARE(registry.graceEnded(1001), QStringList { u"a"_s });
    QStringList both = registry.graceEnded(5000);
    both.sort();
    QCOMPARE(both, QStringList({ u"a"_s, u"b"_s })); // never a live one
    registry.dropGraces();
    QCOMPARE(registry.size(), 1);
    QCOMPARE(registry.live(u"c"_s), c);
    QVERIFY(registry.graceEnded(5000).isEmpty());
    registry.clear();
    QCOMPARE(registry.size(), 0);
    QCOMPARE(registry.liveCount(), 0);
}

void TestRegistry::welcomeListsEveryoneElse()
{
    Registry registry;
    HubSession *me = session(u"me"_s);
    HubSession *live = session(u"live"_s, u"小明"_s);
    HubSession *away = session(u"away"_s, u"Away"_s, true);
    registry.add(live);
    registry.add(away);
    QVERIFY(registry.startGrace(away, 1000));
    const QByteArray forNewcomer = registry.welcomePeers(me);
    registry.add(me);
    const QByteArray forMe = registry.welcomePeers(me);
    QCOMPARE(forMe, forNewcomer); // the one it is for is never listed
    const QJsonArray peers = QJsonDocument::fromJson(forMe).array();
    QCOMPARE(peers.size(), 2);
    QJsonObject byId;
    for (const QJsonValue &p : peers)
        byId.insert(p.toObject().value("id"_L1).toString(), p);
    QCOMPARE(byId.value("live"_L1).toObject().value("name"_L1).toString(), u"小明"_s);
    QCOMPARE(byId.value("away"_L1).toObject().value("name"_L1).toString(), u"Away"_s);
    QCOMPARE(byId.value("away"_L1).toObject().value("host"_L1).toBool(), true);
    QCOMPARE(Registry().welcomePeers(me), QByteArray("[]"));
}

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
