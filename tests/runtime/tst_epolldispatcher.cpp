// The epoll event dispatcher on its own: timers, socket notifiers over real loopback sockets, posted events,
// deferred deletes, wake-ups from other threads, nested loops. The network tests run on it too (*_epoll in CTest).

#include "runtime/epolleventdispatcher.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QSemaphore>
#include <QAbstractEventDispatcher>
#include <QEventLoop>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <memory>

#include <sys/socket.h>
#include <unistd.h>

using namespace PeerLink;

class TestEpollDispatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void isInstalled();
    void singleShotAndRepeatingTimers();
    void killedTimerStopsAndRemainingTime();
    void timerObjectDeletedWhileDue();
    void postedEventsAndDeleteLater();
    void wakeUpFromAnotherThread();
    void nestedLoopQuits();
    void echoOverLoopback();
    void bulkWriteTogglesWriteNotifier();
    void notifierDeletedByAnotherInSameTurn();
    void disconnectIsSeen();
};

void TestEpollDispatcher::isInstalled()
{
    QVERIFY(qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()));
}

void TestEpollDispatcher::singleShotAndRepeatingTimers()
{
    QTimer once;
    once.setSingleShot(true);
    QSignalSpy onceSpy(&once, &QTimer::timeout);
    QTimer repeat;
    repeat.setInterval(10);
    QSignalSpy repeatSpy(&repeat, &QTimer::timeout);
    QElapsedTimer clock;
    clock.start();
    once.start(50);
    repeat.start();
    QTRY_COMPARE_WITH_TIMEOUT(onceSpy.count(), 1, 5000);
    QVERIFY2(clock.elapsed() >= 49, "a single-shot timer fired early");
    QTRY_VERIFY_WITH_TIMEOUT(repeatSpy.count() >= 5, 5000);
    // The single shot stays single.
    QTRY_VERIFY_WITH_TIMEOUT(repeatSpy.count() >= 10, 5000);
    QCOMPARE(onceSpy.count(), 1);
}

void TestEpollDispatcher::killedTimerStopsAndRemainingTime()
{
    QTimer timer;
    QSignalSpy spy(&timer, &QTimer::timeout);
    timer.start(60000);
    const int left = timer.remainingTime();
    QVERIFY2(left > 55000 && left <= 60000, qPrintable(QString::number(left)));
    timer.stop();
    QCOMPARE(timer.remainingTime(), -1);

    QTimer fast;
    QSignalSpy fastSpy(&fast, &QTimer::timeout);
    fast.start(5);
    QVERIFY(fastSpy.wait(2000));
    fast.stop();
    const int seen = fastSpy.count();
    // Nothing more arrives once stopped: a later, longer timer proves the loop kept turning meanwhile.
    QTimer later;
    later.setSingleShot(true);
    QSignalSpy laterSpy(&later, &QTimer::timeout);
    later.start(60);
    QVERIFY(laterSpy.wait(2000));
    QCOMPARE(fastSpy.count(), seen);
    QCOMPARE(spy.count(), 0);
}

void TestEpollDispatcher::timerObjectDeletedWhileDue()
{
    // Two timers due in the same turn; the first one's handler deletes the second's owner.
    auto *victim = new QTimer;
    victim->setSingleShot(true);
    QSignalSpy victimDestroyed(victim, &QObject::destroyed);
    QTimer killer;
    killer.setSingleShot(true);
    connect(&killer, &QTimer::timeout, this, [victim] { delete victim; });
    killer.start(20);
    victim->start(20);
    QVERIFY(victimDestroyed.wait(2000) || victimDestroyed.count() == 1);
    // Either order is allowed; what matters is no crash and no shot from a deleted timer afterwards.
    QTimer after;
    after.setSingleShot(true);
    QSignalSpy afterSpy(&after, &QTimer::timeout);
    after.start(30);
    QVERIFY(afterSpy.wait(2000));
}

void TestEpollDispatcher::postedEventsAndDeleteLater()
{
    auto *object = new QObject;
    QSignalSpy destroyed(object, &QObject::destroyed);
    int calls = 0;
    QMetaObject::invokeMethod(this, [&calls] { ++calls; }, Qt::QueuedConnection);
    object->deleteLater();
    QVERIFY(destroyed.wait(2000));
    QCOMPARE(calls, 1);
}

void TestEpollDispatcher::wakeUpFromAnotherThread()
{
    // The main loop is about to sleep in epoll_wait with no timer due; an event posted from another thread then
    // must wake it. The worker posts only once the main thread's dispatcher has said it is going to block.
    QSemaphore blocking;
    const QMetaObject::Connection watch = connect(QAbstractEventDispatcher::instance(), &QAbstractEventDispatcher::aboutToBlock,
                                                  this, [&blocking] { blocking.release(); }, Qt::DirectConnection);
    QThread thread;
    QObject worker;
    worker.moveToThread(&thread);
    thread.start();
    QSignalSpy arrived(this, &QObject::objectNameChanged);
    QMetaObject::invokeMethod(
        &worker,
        [this, &blocking] {
            if (blocking.tryAcquire(1, 5000))
                QMetaObject::invokeMethod(this, [this] { setObjectName(QStringLiteral("woken")); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    QVERIFY(arrived.wait(5000));
    QCOMPARE(objectName(), QStringLiteral("woken"));
    disconnect(watch);
    thread.quit();
    QVERIFY(thread.wait(5000));
}

void TestEpollDispatcher::nestedLoopQuits()
{
    QEventLoop loop;
    QTimer::singleShot(20, &loop, &QEventLoop::quit);
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(loop.exec(), 0);
    QVERIFY(clock.elapsed() < 5000);
}

void TestEpollDispatcher::echoOverLoopback()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    connect(&server, &QTcpServer::newConnection, this, [&server] {
        QTcpSocket *s = server.nextPendingConnection();
        connect(s, &QTcpSocket::readyRead, s, [s] { s->write(s->readAll()); });
    });
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QVERIFY(client.waitForConnected(5000) || client.state() == QAbstractSocket::ConnectedState);
    QByteArray received;
    connect(&client, &QTcpSocket::readyRead, this, [&] { received += client.readAll(); });
    QByteArray sent;
    for (int i = 0; i < 1000; ++i) {
        const QByteArray line = "line " + QByteArray::number(i) + '\n';
        sent += line;
        client.write(line);
        if (i % 100 == 0)
            QTRY_COMPARE_WITH_TIMEOUT(received.size(), sent.size(), 5000);
    }
    QTRY_COMPARE_WITH_TIMEOUT(received, sent, 5000);
}

void TestEpollDispatcher::bulkWriteTogglesWriteNotifier()
{
    // 8 MiB at once: more than the kernel buffers, so QAbstractSocket waits for its write notifier many times.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    qint64 total = 0;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *s = server.nextPendingConnection();
        connect(s, &QTcpSocket::readyRead, s, [s, &total] { total += s->readAll().size(); });
    });
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::ConnectedState, 5000);
    const QByteArray chunk(1 << 20, 'x');
    for (int i = 0; i < 8; ++i)
        client.write(chunk);
    QTRY_COMPARE_WITH_TIMEOUT(total, qint64(8) << 20, 20000);
    QCOMPARE(client.bytesToWrite(), 0);
}

void TestEpollDispatcher::notifierDeletedByAnotherInSameTurn()
{
    // Two socket pairs made readable before the loop turns, so both notifiers are due in the same turn; whichever
    // handler runs first deletes the other notifier, which must then not be activated (it would be a dangling
    // pointer). A third pair, written afterwards, proves the loop went on turning.
    int fds[3][2];
    for (auto &pair : fds)
        QCOMPARE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair), 0);
    QPointer<QSocketNotifier> one = new QSocketNotifier(fds[0][0], QSocketNotifier::Read);
    QPointer<QSocketNotifier> two = new QSocketNotifier(fds[1][0], QSocketNotifier::Read);
    QSocketNotifier three(fds[2][0], QSocketNotifier::Read);
    int activations = 0;
    auto handler = [&](QPointer<QSocketNotifier> self, QPointer<QSocketNotifier> other) {
        ++activations;
        char c;
        while (::read(int(self->socket()), &c, 1) > 0) { }
        delete other.data();
    };
    connect(one, &QSocketNotifier::activated, this, [&] { handler(one, two); });
    connect(two, &QSocketNotifier::activated, this, [&] { handler(two, one); });
    QSignalSpy threeSpy(&three, &QSocketNotifier::activated);
    QCOMPARE(::write(fds[0][1], "x", 1), 1);
    QCOMPARE(::write(fds[1][1], "y", 1), 1);
    QTRY_COMPARE_WITH_TIMEOUT(activations, 1, 5000);
    QVERIFY(one.isNull() != two.isNull()); // exactly one was deleted, by the other
    QCOMPARE(::write(fds[2][1], "z", 1), 1);
    QVERIFY(threeSpy.wait(5000));
    QCOMPARE(activations, 1);
    delete one.data();
    delete two.data();
    for (auto &pair : fds) {
        ::close(pair[0]);
        ::close(pair[1]);
    }
}

void TestEpollDispatcher::disconnectIsSeen()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket *peer = nullptr;
    connect(&server, &QTcpServer::newConnection, this, [&] { peer = server.nextPendingConnection(); });
    QTcpSocket client;
    QSignalSpy gone(&client, &QTcpSocket::disconnected);
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(peer != nullptr, 5000);
    peer->close();
    QVERIFY(gone.wait(5000));
    delete peer;
}

int main(int argc, char *argv[])
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    TestEpollDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolldispatcher.moc"
