// The cluster's bus records (issue 19, src/hub/busformat): fields split at the first newlines only, and batches
// encoded and decoded, strictly, whatever Redis hands over.
#include "hub/busformat.h"

#include <QTest>

using namespace PeerLink;

class TestBusFormat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fields_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("n");
        QTest::addColumn<QList<QByteArray>>("expected");
        QTest::newRow("two") << QByteArray("bob\n{\"x\":1}") << 2 << QList<QByteArray> { "bob", "{\"x\":1}" };
        QTest::newRow("last keeps newlines") << QByteArray("a\nb\nc\nline\none") << 4
                                              << QList<QByteArray> { "a", "b", "c", "line\none" };
        QTest::newRow("empty fields") << QByteArray("to\n\n\nframe") << 4 << QList<QByteArray> { "to", "", "", "frame" };
        QTest::newRow("too few") << QByteArray("to\nframe") << 4 << QList<QByteArray>();
        QTest::newRow("one") << QByteArray("id") << 1 << QList<QByteArray> { "id" };
        QTest::newRow("empty") << QByteArray() << 2 << QList<QByteArray>();
    }
    void fields()
    {
        QFETCH(QByteArray, payload);
        QFETCH(int, n);
        QFETCH(QList<QByteArray>, expected);
        QCOMPARE(busFields(payload, n), expected);
    }

    void batchRoundTrip()
    {
        const QList<QByteArray> records { "T\nh1\nbob\nann\nm1\n{\"text\":\"a\nb\"}", "B\nh1\n{}", "P\nh1" };
        const QByteArray batch = encodeBusBatch("h1", records);
        QVERIFY(batch.startsWith("M\nh1\n"));
        bool complete = false;
        QCOMPARE(decodeBusBatch(batch, &complete), records);
        QVERIFY(complete);
    }

    void badBatches_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("records"); // read before the fault
        QTest::newRow("not a batch") << QByteArray("T\nh\nx") << 0;
        QTest::newRow("no hub end") << QByteArray("M\nh") << 0;
        QTest::newRow("length not a number") << QByteArray("M\nh\nx\nabc") << 0;
        QTest::newRow("negative length") << QByteArray("M\nh\n-3\nabc") << 0;
        QTest::newRow("too short a record") << QByteArray("M\nh\n2\nab") << 0;
        QTest::newRow("length past the end") << QByteArray("M\nh\n3\nB\nh\n9\nB\nh") << 1;
        QTest::newRow("huge length") << QByteArray("M\nh\n99999999999999999999\nB\nh") << 0;
        QTest::newRow("no newline after length") << QByteArray("M\nh\n3\nB\nh5") << 1;
    }
    void badBatches()
    {
        QFETCH(QByteArray, payload);
        QFETCH(int, records);
        bool complete = true;
        QCOMPARE(decodeBusBatch(payload, &complete).size(), records);
        QVERIFY(!complete);
    }

    void nestedBatchesAreLeftOut()
    {
        const QByteArray inner = encodeBusBatch("h", { "B\nh\n1" });
        bool complete = false;
        QCOMPARE(decodeBusBatch(encodeBusBatch("h", { inner, "B\nh\n2" }), &complete), QList<QByteArray> { "B\nh\n2" });
        QVERIFY(complete);
    }
};

QTEST_GUILESS_MAIN(TestBusFormat)
#include "tst_busformat.moc"
