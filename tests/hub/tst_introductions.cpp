// Introductions without a network: the answer must match the introduction, the wait is bounded in time and number,
// and a peer that leaves takes its introductions along. Time is passed in.
#include "hub/introductions.h"

#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestIntroductions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void answerMustMatch_data();
    void answerMustMatch();
    void boundedPerInitiator();
    void forgetAndExpire();
};

void TestIntroductions::answerMustMatch_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("initiator");
    QTest::addColumn<qint64>("atMs");
    QTest::addColumn<bool>("found");

    QTest::newRow("the target, in time") << u"b"_s << u"a"_s << qint64(1000) << true;
    QTest::newRow("at the deadline") << u"b"_s << u"a"_s << qint64(60000) << true;
    QTest::newRow("too late") << u"b"_s << u"a"_s << qint64(60001) << false;
    QTest::newRow("someone else answers") << u"c"_s << u"a"_s << qint64(1000) << false;
    QTest::newRow("wrong initiator named") << u"b"_s << u"c"_s << qint64(1000) << false;
}

void TestIntroductions::answerMustMatch()
{
    QFETCH(QString, target);
    QFETCH(QString, initiator);
    QFETCH(qint64, atMs);
    QFETCH(bool, found);

    Introductions intros(60000, 16);
    QString link;
    const Introductions::Pending started = intros.start(u"a"_s, u"b"_s, 0, &link);
    QCOMPARE(link.size(), 32);            // 16 random bytes, hex
    QCOMPARE(started.secret.size(), 64);  // 32 random bytes, hex
    QCOMPARE(intros.size(), 1);
    QVERIFY(!intros.answer(u"no-such-link"_s, u"b"_s, u"a"_s, 0));
    const auto answered = intros.answer(link, target, initiator, atMs);
    QCOMPARE(bool(answered), found);
    if (found) {
        QCOMPARE(answered->secret, started.secret);
        QCOMPARE(intros.size(), 0);
        QVERIFY(!intros.answer(link, target, initiator, atMs)); // answered once only
    } else {
        QCOMPARE(intros.size(), 1);
    }
}

void TestIntroductions::boundedPerInitiator()
{
    Introductions intros(60000, 2);
    QString link1, link2, other;
    QVERIFY(intros.canStart(u"a"_s));
    intros.start(u"a"_s, u"b"_s, 0, &link1);
    intros.start(u"a"_s, u"c"_s, 0, &link2);
    QVERIFY(link1 != link2);
    QVERIFY(!intros.canStart(u"a"_s));
    QVERIFY(intros.canStart(u"b"_s)); // per initiator
    intros.start(u"b"_s, u"a"_s, 0, &other);
    QVERIFY(intros.answer(link1, u"b"_s, u"a"_s, 10));
    QVERIFY(intros.canStart(u"a"_s));
}

void TestIntroductions::forgetAndExpire()
{
    Introductions intros(1000, 16);
    QString ab, cd, ca;
    intros.start(u"a"_s, u"b"_s, 0, &ab);
    intros.start(u"c"_s, u"d"_s, 500, &cd);
    intros.start(u"c"_s, u"a"_s, 0, &ca);
    intros.forget(u"a"_s); // as initiator and as target
    QCOMPARE(intros.size(), 1);
    intros.expire(1000);
    QCOMPARE(intros.size(), 1);
    intros.expire(1501);
    QCOMPARE(intros.size(), 0);
    QVERIFY(!intros.answer(cd, u"d"_s, u"c"_s, 1000));
}

QTEST_GUILESS_MAIN(TestIntroductions)
#include "tst_introductions.moc"
