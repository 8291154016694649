// Admission without sockets: bans, the autoban (with its ignored subnets) and the per-address connection count, on
// a clock the test sets.
#include "hub/admission.h"

#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

using Verdict = Admission::Verdict;

class TestAdmission : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bans_data();
    void bans();
    void autobanCountsAttemptsInTheWindow();
    void autobanEndsByItself();
    void autobanIgnore_data();
    void autobanIgnore();
    void autobanOff();
    void connectionsPerAddress();
    void expireForgetsOldAttempts();

private:
    static HubConfig autobanConfig(int connections, int windowMs, int durationMs)
    {
        HubConfig c;
        c.autobanConnections = connections;
        c.autobanWindowMs = windowMs;
        c.autobanDurationMs = durationMs;
        c.maxConnectionsPerAddress = 0;
        c.autobanIgnore = {};
        return c;
    }
};

void TestAdmission::bans_data()
{
    QTest::addColumn<QStringList>("ids");
    QTest::addColumn<QStringList>("addresses");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("banned");

    const QStringList none;
    QTest::newRow("nothing banned") << none << none << u"a"_s << u"192.0.2.1"_s << false;
    QTest::newRow("id") << QStringList { u"troll"_s } << none << u"troll"_s << u"192.0.2.1"_s << true;
    QTest::newRow("other id") << QStringList { u"troll"_s } << none << u"nice"_s << u"192.0.2.1"_s << false;
    QTest::newRow("no id given") << QStringList { u"troll"_s } << none << QString() << u"192.0.2.1"_s << false;
    QTest::newRow("address") << none << QStringList { u"192.0.2.7"_s } << u"a"_s << u"192.0.2.7"_s << true;
    QTest::newRow("address, mapped") << none << QStringList { u"192.0.2.7"_s } << QString() << u"::ffff:192.0.2.7"_s
                                     << true;
    QTest::newRow("ipv6 address") << none << QStringList { u"2001:db8::7"_s } << QString() << u"2001:db8::7"_s << true;
    QTest::newRow("other address") << none << QStringList { u"192.0.2.7"_s } << u"a"_s << u"192.0.2.8"_s << false;
}

void TestAdmission::bans()
{
    QFETCH(QStringList, ids);
    QFETCH(QStringList, addresses);
    QFETCH(QString, id);
    QFETCH(QString, address);
    QFETCH(bool, banned);

    HubConfig config;
    config.bannedIds = ids;
    for (const QString &a : addresses)
        config.bannedAddresses.append(QHostAddress(a));
    Admission admission(config);
    QCOMPARE(admission.isBanned(id, QHostAddress(address)), banned);
    // A banned address is refused at the door (the id is checked at join).
    QCOMPARE(admission.admit(QHostAddress(address), 0) == Verdict::Banned, !addresses.isEmpty() && banned);

    // The same through setBans(), and banId() / banAddress() add to the lists.
    Admission later{ HubConfig() };
    QList<QHostAddress> list;
    for (const QString &a : addresses)
        list.append(QHostAddress(a));
    later.setBans(ids, list);
    QCOMPARE(later.isBanned(id, QHostAddress(address)), banned);
    QVERIFY(!later.banId(u"not valid"_s));
    QVERIFY(later.banId(u"added"_s));
    QVERIFY(later.banId(u"added"_s));
    QCOMPARE(later.bannedIds().count(u"added"_s), 1);
    later.banAddress(QHostAddress(u"198.51.100.1"_s));
    QVERIFY(later.isBanned(QString(), QHostAddress(u"198.51.100.1"_s)));
}

void TestAdmission::autobanCountsAttemptsInTheWindow()
{
    Admission admission(autobanConfig(3, 1000, 5000));
    const QHostAddress a(u"192.0.2.1"_s);
    const QHostAddress other(u"192.0.2.2"_s);
    QCOMPARE(admission.admit(a, 0), Verdict::Admitted);
    QCOMPARE(admission.admit(a, 100), Verdict::Admitted);
    QCOMPARE(admission.admit(a, 200), Verdict::Admitted);
    QCOMPARE(admission.admit(a, 300), Verdict::Autobanned); // the 4th within the window
    QVERIFY(admission.isAutobanned(a, 301));
    QCOMPARE(admission.admit(other, 300), Verdict::Admitted); // per address
    // The same host over IPv4-mapped IPv6 is the same address.
    QCOMPARE(admission.admit(QHostAddress(u"::ffff:192.0.2.1"_s), 400), Verdict::Autobanned);

    // Attempts spread wider than the window never add up.
    Admission slow(autobanConfig(3, 1000, 5000));
    for (int i = 0; i < 20; ++i)
        QCOMPARE(slow.admit(a, qint64(i) * 400), Verdict::Admitted);
}

void TestAdmission::autobanEndsByItself()
{
    Admission admission(autobanConfig(1, 1000, 5000));
    const QHostAddress a(u"2001:db8::1"_s);
    QCOMPARE(admission.admit(a, 0), Verdict::Admitted);
    QCOMPARE(admission.admit(a, 10), Verdict::Autobanned);
    QCOMPARE(admission.admit(a, 4000), Verdict::Autobanned);
    QVERIFY(!admission.isAutobanned(a, 5010));
    QCOMPARE(admission.admit(a, 5011), Verdict::Admitted);
}

void TestAdmission::autobanIgnore_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("defaultIgnores");

    QTest::newRow("127.0.0.1") << u"127.0.0.1"_s << true;
    QTest::newRow("127.1.2.3") << u"127.1.2.3"_s << true;
    QTest::newRow("::1") << u"::1"_s << true;
    QTest::newRow("::ffff:127.0.0.1") << u"::ffff:127.0.0.1"_s << true;
    QTest::newRow("192.0.2.1") << u"192.0.2.1"_s << false;
    QTest::newRow("::ffff:192.0.2.1") << u"::ffff:192.0.2.1"_s << false;
    QTest::newRow("2001:db8::1") << u"2001:db8::1"_s << false;
    QTest::newRow("128.0.0.1") << u"128.0.0.1"_s << false;
}

void TestAdmission::autobanIgnore()
{
    QFETCH(QString, address);
    QFETCH(bool, defaultIgnores);
    const QHostAddress a(address);

    HubConfig config; // the default autoban (30 in 60 s) and the default ignore list
    config.maxConnectionsPerAddress = 0;
    Admission admission(config);
    QCOMPARE(admission.isIgnored(a), defaultIgnores);
    int refused = 0;
    for (int i = 0; i < 50; ++i)
        refused += admission.admit(a, qint64(i) * 100) == Verdict::Autobanned;
    QCOMPARE(refused, defaultIgnores ? 0 : 50 - config.autobanConnections);

    // An operator's own subnet is honoured too; the default list is then replaced.
    HubConfig custom = config;
    custom.autobanIgnore = { QHostAddress::parseSubnet(u"192.0.2.0/24"_s) };
    const Admission own(custom);
    QCOMPARE(own.isIgnored(a), address.endsWith(u"192.0.2.1"_s));
}

void TestAdmission::autobanOff()
{
    Admission admission(autobanConfig(0, 1000, 5000));
    for (int i = 0; i < 100; ++i)
        QCOMPARE(admission.admit(QHostAddress(u"192.0.2.1"_s), i), Verdict::Admitted);
}

void TestAdmission::connectionsPerAddress()
{
    HubConfig config;
    config.maxConnectionsPerAddress = 2;
    Admission admission(config);
    const QHostAddress a(u"127.0.0.1"_s);
    const QHostAddress mapped(u"::ffff:127.0.0.1"_s);
    QCOMPARE(admission.admit(a, 0), Verdict::Admitted);
    QCOMPARE(admission.admit(mapped, 0), Verdict::Admitted); // the same host
    QCOMPARE(admission.connectionsFrom(a), 2);
    QCOMPARE(admission.admit(a, 0), Verdict::TooManyConnections);
    QCOMPARE(admission.connectionsFrom(a), 3); // counted until it closes
    admission.connectionClosed(a);
    admission.connectionClosed(mapped);
    QCOMPARE(admission.connectionsFrom(a), 1);
    QCOMPARE(admission.admit(QHostAddress(u"::1"_s), 0), Verdict::Admitted); // another host
    QCOMPARE(admission.admit(a, 0), Verdict::Admitted);
    admission.connectionClosed(a);
    admission.connectionClosed(a);
    admission.connectionClosed(a); // more closes than opens do not go below zero
    QCOMPARE(admission.connectionsFrom(a), 0);
    QCOMPARE(admission.admit(a, 0), Verdict::Admitted);
    QCOMPARE(admission.admit(a, 0), Verdict::Admitted);
}

void TestAdmission::expireForgetsOldAttempts()
{
    Admission admission(autobanConfig(2, 1000, 3000));
    const QHostAddress a(u"192.0.2.9"_s);
    QCOMPARE(admission.admit(a, 0), Verdict::Admitted);
    QCOMPARE(admission.admit(a, 10), Verdict::Admitted);
    admission.expire(2000); // both attempts are outside the window now
    QCOMPARE(admission.admit(a, 2000), Verdict::Admitted);
    QCOMPARE(admission.admit(a, 2001), Verdict::Admitted);
    QCOMPARE(admission.admit(a, 2002), Verdict::Autobanned);
    admission.expire(4000);
    QVERIFY(admission.isAutobanned(a, 4000));
    admission.expire(5003);
    QVERIFY(!admission.isAutobanned(a, 5003));
}

QTEST_GUILESS_MAIN(TestAdmission)
#include "tst_admission.moc"
