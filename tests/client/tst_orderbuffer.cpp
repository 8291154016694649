// OrderBuffer: each sender's numbered messages handed on in the order sent, with the time passed in.
#include "client/orderbuffer.h"

#include <QTest>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

ChatMessage numbered(const QString &from, qint64 run, qint64 seq)
{
    ChatMessage m { from, u"m%1"_s.arg(seq), u"me"_s, u"%1-%2"_s.arg(run).arg(seq), 0 };
    m.seq = seq;
    m.run = run;
    return m;
}

QList<qint64> seqs(const QList<ChatMessage> &list)
{
    QList<qint64> out;
    for (const ChatMessage &m : list)
        out.append(m.seq);
    return out;
}

} // namespace

class TestOrderBuffer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void inOrderPassesAtOnce();
    void gapHeldUntilFilled();
    void gapGivenUpAfterHoldTime();
    void lateMessageStillDelivered();
    void newerRunStartsOver();
    void unnumberedNeverHeld();
    void sendersAreIndependent();
    void heldIsBounded();
};

void TestOrderBuffer::inOrderPassesAtOnce()
{
    OrderBuffer b(1000);
    // The first seen need not be 1 (the receiver may have started after the sender).
    QCOMPARE(seqs(b.accept(numbered(u"a"_s, 7, 5), 0)), QList<qint64>({ 5 }));
    QCOMPARE(seqs(b.accept(numbered(u"a"_s, 7, 6), 0)), QList<qint64>({ 6 }));
    QCOMPARE(b.heldCount(), 0);
    QCOMPARE(b.deadline(), -1);
}

void TestOrderBuffer::gapHeldUntilFilled()
{
    OrderBuffer b(1000);
    QCOMPARE(seqs(b.accept(numbered(u"a"_s, 7, 1), 0)), QList<qint64>({ 1 }));
    QVERIFY(b.accept(numbered(u"a"_s, 7, 4), 10).isEmpty());
    QVERIFY(b.accept(numbered(u"a"_s, 7, 3), 20).isEmpty());
    QCOMPARE(b.heldCount(), 2);
    QCOMPARE(b.deadline(), 1010);
    QCOMPARE(seqs(b.accept(numbered(u"a"_s, 7, 2), 30)), QList<qint64>({ 2, 3, 4 }));
    QCOMPARE(b.heldCount(), 0);
    QCOMPARE(b.deadline(), -1);
    QCOMPARE(seqs(b.accept(numbered(u"a"_s, 7, 5), 40)), QList<qint64>({ 5 }));
}

void TestOrderBuffer::gapGivenUpAfterHoldTime()
{
    OrderBuffer b(1000);
    b.accept(numbered(u"a"_s, 7, 1), 0);
    QVERIFY(b.accept(numbered(u"a"_s, 7, 3), 100).isEmpty());
    QVERIFY(b.expire(1099).isEmpty());
    QCOMPARE(seqs(b.expire(1100)), QList<qint64>({ 3 }));
    // What follows the released one passes at once.
    QCOMPARE(seqs(b.accept(numbered(u"a"_s, 7, 4), 1200)), QList<qint64>({ 4 }));
}

void TestOrderBuffer::lateMessageStillDelivered()
{
    OrderBuffer b(1000);
    b.accept(numbered(u"a"_s, 7, 1), 0);
    b.accept(numbered(u"a"_s, 7, 3), 0);
    QCOMPARE(seqs(b.expire(1000)), QList<qint64>({ 3 }));
    // 2 comes after its wait: handed on (late), never lost.
    QCOMPARE(seqs(b.accept(numbered(u"a"_s, 7, 2), 2000)), QList<qint64>({ 2 }));
}

void TestOrderBuffer::newerRunStartsOver()
{
    OrderBuffer b(1000);
    b.accept(numbered(u"a"_s, 7, 1), 0);
    QVERIFY(b.accept(numbered(u"a"_s, 7, 3), 0).isEmpty());
    // The sender restarted: the old run's held message goes first, then the new run from wherever it starts.
    QCOMPARE(seqs(b.accept(numbered(u"a"_s, 9, 1), 10)), QList<qint64>({ 3, 1 }));
    QCOMPARE(seqs(b.accept(numbered(u"a"_s, 9, 2), 10)), QList<qint64>({ 2 }));
    // A straggler of the old run is handed on and does not disturb the new one.
    QCOMPARE(seqs(b.accept(numbered(u"a"_s, 7, 2), 20)), QList<qint64>({ 2 }));
    QCOMPARE(seqs(b.accept(numbered(u"a"_s, 9, 3), 30)), QList<qint64>({ 3 }));
}

void TestOrderBuffer::unnumberedNeverHeld()
{
    OrderBuffer b(1000);
    b.accept(numbered(u"a"_s, 7, 1), 0);
    b.accept(numbered(u"a"_s, 7, 3), 0);
    ChatMessage broadcast { u"a"_s, u"to all"_s, QString(), u"b1"_s, 0 };
    QCOMPARE(b.accept(broadcast, 0).size(), 1);
    QCOMPARE(b.heldCount(), 1);
}

void TestOrderBuffer::sendersAreIndependent()
{
    OrderBuffer b(1000);
    b.accept(numbered(u"a"_s, 7, 1), 0);
    QVERIFY(b.accept(numbered(u"a"_s, 7, 3), 0).isEmpty());
    QCOMPARE(seqs(b.accept(numbered(u"b"_s, 5, 1), 0)), QList<qint64>({ 1 }));
    QCOMPARE(seqs(b.accept(numbered(u"b"_s, 5, 2), 0)), QList<qint64>({ 2 }));
    b.forget(u"a"_s);
    QCOMPARE(b.heldCount(), 0);
}

void TestOrderBuffer::heldIsBounded()
{
    OrderBuffer b(1000000);
    b.accept(numbered(u"a"_s, 7, 1), 0);
    for (int i = 0; i < OrderBuffer::MaxHeldPerPeer; ++i)
        QVERIFY(b.accept(numbered(u"a"_s, 7, 3 + i), 0).isEmpty());
    const QList<ChatMessage> released = b.accept(numbered(u"a"_s, 7, 3 + OrderBuffer::MaxHeldPerPeer), 0);
    QCOMPARE(released.size(), OrderBuffer::MaxHeldPerPeer + 1);
    QCOMPARE(released.first().seq, 3);
    QCOMPARE(released.last().seq, 3 + OrderBuffer::MaxHeldPerPeer);
    QCOMPARE(b.heldCount(), 0);
}

QTEST_GUILESS_MAIN(TestOrderBuffer)
#include "tst_orderbuffer.moc"
