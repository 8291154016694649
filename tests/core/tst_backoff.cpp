// Backoff: doubling from the first delay to the largest, half fixed and half random ("equal jitter").
#include "core/backoff.h"

#include <QTest>

using namespace PeerLink;

class TestBackoff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void delays_data();
    void delays();
    void resetStartsOver();
    void defaultRandomStaysInRange();
    void badSourceIsClamped();
};

void TestBackoff::delays_data()
{
    QTest::addColumn<int>("initial");
    QTest::addColumn<int>("maximum");
    QTest::addColumn<QList<int>>("lowest"); // with a source that answers 0
    QTest::addColumn<QList<int>>("highest"); // with a source that answers its bound

    // The hub reconnect: 500 ms doubling to 30 s.
    QTest::newRow("hub reconnect") << 500 << 30000
                                   << QList<int> { 250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000 }
                                   << QList<int> { 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000 };
    // The direct-link retry: 2 s doubling to 60 s.
    QTest::newRow("link retry") << 2000 << 60000 << QList<int> { 1000, 2000, 4000, 8000, 16000, 30000, 30000 }
                                << QList<int> { 2000, 4000, 8000, 16000, 32000, 60000, 60000 };
    QTest::newRow("maximum below initial")
        << 1000 << 10 << QList<int> { 500, 500 } << QList<int> { 1000, 1000 };
    QTest::newRow("odd delay") << 3 << 100 << QList<int> { 1, 3, 6 } << QList<int> { 3, 6, 12 };
}

void TestBackoff::delays()
{
    QFETCH(int, initial);
    QFETCH(int, maximum);
    QFETCH(QList<int>, lowest);
    QFETCH(QList<int>, highest);
    Backoff low(initial, maximum, [](qint64) { return qint64(0); });
    Backoff high(initial, maximum, [](qint64 bound) { return bound; });
    for (qsizetype i = 0; i < lowest.size(); ++i) {
        QCOMPARE(low.next(), lowest.at(i));
        QCOMPARE(high.next(), highest.at(i));
        QCOMPARE(low.attempt(), int(i + 1));
    }
}

void TestBackoff::resetStartsOver()
{
    Backoff b(100, 1000, [](qint64 bound) { return bound; });
    b.next();
    b.next();
    QCOMPARE(b.next(), 400);
    b.reset();
    QCOMPARE(b.attempt(), 0);
    QCOMPARE(b.next(), 100);
    // Many attempts do not overflow the shift.
    for (int i = 0; i < 100; ++i)
        QVERIFY(b.next() <= 1000);
    QCOMPARE(b.attempt(), 101);
}

void TestBackoff::defaultRandomStaysInRange()
{
    Backoff b(500, 30000);
    for (int i = 1; i <= 50; ++i) {
        const int d = b.next();
        const qint64 base = b.baseDelay(i);
        QVERIFY2(d >= base / 2 && d <= base, qPrintable(QString::number(d)));
    }
}

void TestBackoff::badSourceIsClamped()
{
    Backoff b(1000, 1000, [](qint64) { return qint64(-5000); });
    QCOMPARE(b.next(), 500);
    Backoff c(1000, 1000, [](qint64) { return qint64(1) << 40; });
    QCOMPARE(c.next(), 1000);
}

QTEST_GUILESS_MAIN(TestBackoff)
#include "tst_backoff.moc"
