// HubList: which hub a client tries next after a failure: the next one at once, the backoff only between rounds.
#include "client/hublist.h"

#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

class TestHubList : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void oneHubWaitsBetweenEveryAttempt();
    void nextHubAtOnceBackoffAfterARound();
    void oneRoundOnlyWhenNotKeepingOn();
    void answerStartsTheRoundOver();
    void refusedCertificateIsLeftOut();
};

namespace {
QList<QUrl> hubs(int n)
{
    QList<QUrl> urls;
    for (int i = 0; i < n; ++i)
        urls.append(QUrl(u"ws://127.0.0.1:%1"_s.arg(9000 + i)));
    return urls;
}
} // namespace

void TestHubList::oneHubWaitsBetweenEveryAttempt()
{
    HubList list;
    list.setDelays(100, 400);
    list.reset(hubs(1));
    for (int round = 1; round <= 4; ++round) {
        const HubList::Step step = list.failed(false, true);
        QVERIFY(!step.giveUp);
        QCOMPARE(step.round, round);
        QVERIFY(step.delayMs >= 50 && step.delayMs <= 400);
        list.moveOn();
        QCOMPARE(list.currentIndex(), 0);
    }
}

void TestHubList::nextHubAtOnceBackoffAfterARound()
{
    HubList list;
    list.setDelays(100, 400);
    list.reset(hubs(3));
    list.answered(); // joined the first
    QList<int> order;
    QList<int> rounds;
    for (int i = 0; i < 7; ++i) {
        const HubList::Step step = list.failed(false, true);
        QVERIFY(!step.giveUp);
        rounds.append(step.round);
        QCOMPARE(step.delayMs > 0, step.round > 0);
        list.moveOn();
        order.append(list.currentIndex());
    }
    // Wrapping through the list; a delay only when all three had failed.
    QCOMPARE(order, QList<int>({ 1, 2, 0, 1, 2, 0, 1 }));
    QCOMPARE(rounds, QList<int>({ 0, 0, 1, 0, 0, 2, 0 }));
    QCOMPARE(list.round(), 2);
}

void TestHubList::oneRoundOnlyWhenNotKeepingOn()
{
    HubList list;
    list.reset(hubs(3));
    QVERIFY(!list.failed(false, false).giveUp);
    list.moveOn();
    QVERIFY(!list.failed(false, false).giveUp);
    list.moveOn();
    QCOMPARE(list.currentIndex(), 2);
    QVERIFY(list.failed(false, false).giveUp); // every hub was tried once
}

void TestHubList::answerStartsTheRoundOver()
{
    HubList list;
    list.setDelays(100, 400);
    list.reset(hubs(2));
    QCOMPARE(list.failed(false, true).round, 0);
    list.moveOn();
    QCOMPARE(list.failed(false, true).round, 1);
    list.moveOn();
    list.answered(); // the first answered
    QCOMPARE(list.round(), 0);
    const HubList::Step step = list.failed(false, true);
    QCOMPARE(step.round, 0); // a new round: the second at once
    QCOMPARE(step.delayMs, 0);
    list.moveOn();
    QCOMPARE(list.current(), hubs(2).at(1));
}

void TestHubList::refusedCertificateIsLeftOut()
{
    HubList list;
    list.setDelays(100, 400);
    list.reset(hubs(3));
    list.answered();
    QVERIFY(!list.failed(false, true).giveUp); // 0 failed
    list.moveOn();
    QVERIFY(!list.failed(true, true).giveUp); // 1 refused: left out
    list.moveOn();
    QCOMPARE(list.currentIndex(), 2);
    HubList::Step step = list.failed(false, true);
    list.moveOn();
    QCOMPARE(list.currentIndex(), 0);
    QCOMPARE(step.round, 1);
    step = list.failed(false, true);
    list.moveOn();
    QCOMPARE(list.currentIndex(), 2); // 1 is skipped from now on
    QCOMPARE(step.round, 0);
    // When every hub is refused, nothing is left to try.
    HubList single;
    single.reset(hubs(1));
    QVERIFY(single.failed(true, true).giveUp);
}

QTEST_GUILESS_MAIN(TestHubList)
#include "tst_hublist.moc"
