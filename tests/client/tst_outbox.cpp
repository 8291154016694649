// Outbox and DuplicateFilter: the rules of keeping, resending, pacing and parking messages, with time passed
// in.
#include "client/outbox.h"

#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {
MessageRequest msg(int n, const QString &to = u"b"_s)
{
    return MessageRequest { u"text %1"_s.arg(n), to, u"m-%1"_s.arg(n) };
}

QStringList mids(const QList<MessageRequest> &list)
{
    QStringList out;
    for (const MessageRequest &r : list)
        out.append(r.mid);
    return out;
}
} // namespace

class TestOutbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sendsAtOnceUnlessOthersWait();
    void keptUntilSettled();
    void resendAllKeepsOrder();
    void pacing_data();
    void pacing();
    void retryGoesAgainPaced();
    void parkedUntilPeerIsBack();
    void parkedFailAfterDeadline();
    void onlyReturningPeersPark();
    void fullAtMaxSize();
    void duplicateFilter();
};

void TestOutbox::sendsAtOnceUnlessOthersWait()
{
    Outbox box;
    QVERIFY(box.add(msg(1), true)); // nothing waits: it goes now
    QVERIFY(!box.add(msg(2), false)); // not joined: it waits
    QVERIFY(!box.add(msg(3), true)); // joined again, but 2 waits: 3 goes after it, to keep the order
    QCOMPARE(box.size(), 3);
    QCOMPARE(box.waiting(), 2);
    QCOMPARE(mids(box.takeDue(0)), (QStringList { u"m-2"_s, u"m-3"_s }));
    QCOMPARE(box.waiting(), 0);
    QCOMPARE(box.size(), 3); // sent is not acked
}

void TestOutbox::keptUntilSettled()
{
    Outbox box;
    box.add(msg(1), true);
    box.add(msg(2), true);
    QVERIFY(box.contains(u"m-1"_s));
    QVERIFY(box.settle(u"m-1"_s));
    QVERIFY(!box.settle(u"m-1"_s)); // once
    QVERIFY(!box.contains(u"m-1"_s));
    QCOMPARE(box.size(), 1);
    box.clear();
    QCOMPARE(box.size(), 0);
}

void TestOutbox::resendAllKeepsOrder()
{
    Outbox box(1000);
    for (int i = 1; i <= 5; ++i)
        box.add(msg(i), true);
    box.settle(u"m-2"_s);
    box.resendAll(); // reconnected: what was not acked goes again
    QCOMPARE(mids(box.takeDue(0)), (QStringList { u"m-1"_s, u"m-3"_s, u"m-4"_s, u"m-5"_s }));
}

void TestOutbox::pacing_data()
{
    QTest::addColumn<int>("rate");
    QTest::addColumn<qint64>("elapsedMs");
    QTest::addColumn<int>("expected"); // messages let out at 0 ms and then at elapsedMs, in all

    QTest::newRow("50/s: 5 at once") << 50 << qint64(0) << 5;
    QTest::newRow("50/s: 5 more after 100 ms") << 50 << qint64(100) << 10;
    QTest::newRow("50/s: no more than the burst after long") << 50 << qint64(10000) << 10;
    QTest::newRow("50/s: 20 ms gives 1") << 50 << qint64(20) << 6;
    QTest::newRow("10/s: 1 at once, 1 more after 100 ms") << 10 << qint64(100) << 2;
    QTest::newRow("1/s: 1, then nothing after 500 ms") << 1 << qint64(500) << 1;
    QTest::newRow("1/s: 1, then 1 after 1 s") << 1 << qint64(1000) << 2;
}

void TestOutbox::pacing()
{
    QFETCH(int, rate);
    QFETCH(qint64, elapsedMs);
    QFETCH(int, expected);
    Outbox box(rate);
    for (int i = 0; i < 100; ++i)
        box.add(msg(i), false);
    qsizetype sent = box.takeDue(1000).size();
    if (elapsedMs > 0)
        sent += box.takeDue(1000 + elapsedMs).size();
    QCOMPARE(int(sent), expected);
    QCOMPARE(box.waiting(), 100 - expected);
}

void TestOutbox::retryGoesAgainPaced()
{
    Outbox box(10);
    box.add(msg(1), true);
    QVERIFY(box.retry(u"m-1"_s));
    QVERIFY(!box.retry(u"m-9"_s)); // not ours
    QCOMPARE(mids(box.takeDue(0)), QStringList { u"m-1"_s });
    QVERIFY(box.retry(u"m-1"_s));
    QVERIFY(box.takeDue(50).isEmpty()); // 10/s: the next one after 100 ms
    QCOMPARE(mids(box.takeDue(100)), QStringList { u"m-1"_s });
}

void TestOutbox::parkedUntilPeerIsBack()
{
    Outbox box(1000);
    box.add(msg(1, u"b"_s), true);
    box.add(msg(2, u"c"_s), true);
    box.add(msg(3, u"b"_s), true);
    box.setReturning({ u"b"_s, u"c"_s }); // the hub restarted; b and c were there
    QVERIFY(box.park(u"m-1"_s, 1000));
    QVERIFY(box.park(u"m-3"_s, 1500));
    QCOMPARE(box.parkDeadline(), 1000 + Outbox::ParkMs); // one wait, from the first
    QVERIFY(box.takeDue(2000).isEmpty());
    box.peerBack(u"b"_s);
    QCOMPARE(mids(box.takeDue(2000)), (QStringList { u"m-1"_s, u"m-3"_s }));
    QVERIFY(!box.park(u"m-1"_s, 2000)); // b is back: a refusal now is final
    QVERIFY(box.expireParked(1000 + Outbox::ParkMs).isEmpty()); // nothing parked any more
}

void TestOutbox::parkedFailAfterDeadline()
{
    Outbox box;
    box.add(msg(1, u"c"_s), true);
    box.add(msg(2, u"d"_s), true);
    box.setReturning({ u"c"_s, u"d"_s });
    QVERIFY(box.park(u"m-1"_s, 0));
    QVERIFY(box.expireParked(Outbox::ParkMs - 1).isEmpty()); // not yet
    const auto failed = box.expireParked(Outbox::ParkMs);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.at(0).first, u"c"_s);
    QCOMPARE(failed.at(0).second, u"m-1"_s);
    QVERIFY(!box.contains(u"m-1"_s)); // failed messages leave
    QCOMPARE(box.parkDeadline(), -1);
    QVERIFY(!box.park(u"m-2"_s, Outbox::ParkMs)); // nobody is expected back any more
}

void TestOutbox::onlyReturningPeersPark()
{
    Outbox box;
    box.add(msg(1, u"b"_s), true);
    box.add(msg(2, u"ghost"_s), true);
    box.setReturning({ u"b"_s });
    QVERIFY(!box.park(u"m-2"_s, 0)); // never was there
    QVERIFY(!box.park(u"m-9"_s, 0)); // not ours
    box.peerGone(u"b"_s); // left for real
    QVERIFY(!box.park(u"m-1"_s, 0));
    QCOMPARE(box.parkDeadline(), -1);
}

void TestOutbox::fullAtMaxSize()
{
    Outbox box;
    for (int i = 0; i < Outbox::MaxSize - 1; ++i)
        box.add(msg(i), true);
    QVERIFY(!box.isFull());
    box.add(msg(Outbox::MaxSize), true);
    QVERIFY(box.isFull());
}

void TestOutbox::duplicateFilter()
{
    DuplicateFilter seen;
    QVERIFY(seen.firstTime(u"a"_s, u"m1"_s));
    QVERIFY(!seen.firstTime(u"a"_s, u"m1"_s));
    QVERIFY(seen.firstTime(u"b"_s, u"m1"_s)); // another sender's m1
    QVERIFY(seen.firstTime(u"a"_s, u"m2"_s));
    // Bounded: the oldest is forgotten after Capacity more.
    for (int i = 0; i < DuplicateFilter::Capacity; ++i)
        seen.firstTime(u"x"_s, QString::number(i));
    QVERIFY(seen.firstTime(u"a"_s, u"m1"_s));
    QVERIFY(!seen.firstTime(u"x"_s, QString::number(DuplicateFilter::Capacity - 1)));
}

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_outbox.moc"
