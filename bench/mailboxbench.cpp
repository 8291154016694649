// The hub's mailbox at scale (issue 14): a hub with a data directory keeps N end-to-end messages for a peer that is
// away, is restarted with the mailbox full, and hands them all over when the peer joins again. Prints one JSON object
// per run with the messages per second of each phase (wall clock), the hub's CPU time per phase and its RSS before,
// full, after the restart and after the delivery; and, as the floor of the same disk in the same run, what SQLite
// itself does inserting the same rows with a commit (and so a sync) per row, and in one transaction.
//
// Usage: peerlink-mailboxbench --hub PATH [--messages N] [--runs R] [--text-bytes B]
// Loopback only; every hub it starts is stopped by itself (the process group ends with it).
#include "client/peerclient.h"
#include "crypto/identity.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

#include <cstdio>
#include <memory>
#include <unistd.h>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

/// One peerlink-hub process.
class HubProcess
{
public:
    HubProcess(const QString &program, const QStringList &args)
    {
        m_process.setProgram(program);
        m_process.setArguments(args);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
    }
    ~HubProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    /// Starts it and waits for its URL; the time that took (ms), or -1.
    double start(QString *url)
    {
        QElapsedTimer t;
        t.start();
        m_process.start();
        if (!m_process.waitForStarted(5000))
            return -1;
        const QRegularExpression re(u"ws://127\\.0\\.0\\.1:\\d+"_s);
        QString seen;
        while (t.elapsed() < 120000) {
            if (!m_process.waitForReadyRead(1000) && m_process.state() == QProcess::NotRunning)
                return -1;
            seen += QString::fromUtf8(m_process.readAll());
            const auto m = re.match(seen);
            if (m.hasMatch() && seen.contains(u"listening"_s)) {
                *url = m.captured(0);
                return double(t.nsecsElapsed()) / 1e6;
            }
        }
        return -1;
    }
    void kill()
    {
        m_process.kill();
        m_process.waitForFinished(10000);
    }
    qint64 pid() const { return m_process.processId(); }
    /// Resident memory (KiB) and CPU time (s) from /proc.
    qint64 rssKiB() const
    {
        QFile f(u"/proc/%1/status"_s.arg(pid()));
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        for (const QByteArray &line : f.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                return line.mid(6).trimmed().split(' ').value(0).toLongLong();
        }
        return -1;
    }
    double cpuSeconds() const
    {
        QFile f(u"/proc/%1/stat"_s.arg(pid()));
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        const QByteArray stat = f.readAll();
        const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        return double(fields.value(11).toLongLong() + fields.value(12).toLongLong()) / double(sysconf(_SC_CLK_TCK));
    }

private:
    QProcess m_process;
};

std::unique_ptr<PeerClient> joinAs(const QString &url, const QString &id, const Crypto::Identity &identity,
                                   const QString &knownKeys)
{
    auto c = std::make_unique<PeerClient>();
    c->setIdentity(identity);
    c->setKnownKeysFile(knownKeys);
    c->setDirectListening(false);
    c->setAutoReconnect(false);
    QSignalSpy joined(c.get(), &PeerClient::joined);
    if (!c->connectToHub(QUrl(url), id) || !joined.wait(10000))
        return nullptr;
    return c;
}

/// The floor: SQLite inserting @p n rows of @p bytes each, WAL, synchronous=FULL, one commit per row (as the hub's
/// mailbox must before it answers `stored`) or all in one transaction. Rows per second.
std::pair<double, double> sqliteFloor(const QString &dir, int n, int bytes)
{
    double rates[2] = { 0, 0 };
    for (int batched = 0; batched < 2; ++batched) {
        const QString name = u"floor%1"_s.arg(batched);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
            db.setDatabaseName(dir + u"/floor%1.sqlite"_s.arg(batched));
            db.open();
            QSqlQuery q(db);
            q.exec(u"PRAGMA journal_mode=WAL"_s);
            q.exec(u"PRAGMA synchronous=FULL"_s);
            q.exec(u"CREATE TABLE letters (id INTEGER PRIMARY KEY AUTOINCREMENT, recipient TEXT, frame BLOB)"_s);
            const QByteArray frame(bytes, 'x');
            QSqlQuery ins(db);
            ins.prepare(u"INSERT INTO letters (recipient, frame) VALUES (?, ?)"_s);
            QElapsedTimer t;
            t.start();
            if (batched)
                db.transaction();
            for (int i = 0; i < n; ++i) {
                ins.addBindValue(u"bob"_s);
                ins.addBindValue(frame);
                ins.exec();
            }
            if (batched)
                db.commit();
            rates[batched] = n / (double(t.nsecsElapsed()) / 1e9);
        }
        QSqlDatabase::removeDatabase(name);
    }
    return { rates[0], rates[1] };
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions({ { u"hub"_s, u"peerlink-hub to run"_s, u"PATH"_s },
                        { u"messages"_s, u"messages kept for the absent peer"_s, u"N"_s, u"100000"_s },
                        { u"runs"_s, u"runs"_s, u"R"_s, u"3"_s },
                        { u"text-bytes"_s, u"bytes of each message's text"_s, u"B"_s, u"100"_s } });
    parser.process(app);
    const int n = parser.value(u"messages"_s).toInt();
    const int runs = parser.value(u"runs"_s).toInt();
    const QString text(parser.value(u"text-bytes"_s).toInt(), u'm');
    QTextStream out(stdout);

    for (int run = 0; run < runs; ++run) {
        QTemporaryDir dir;
        const QString conf = dir.filePath(u"hub.conf"_s);
        {
            QFile f(conf);
            f.open(QIODevice::WriteOnly);
            f.write(QStringLiteral("bind = 127.0.0.1\nrate = 0\nbyte-rate = 0\nmailbox-messages = %1\n"
                                   "mailbox-bytes = %2\nmailbox-total-bytes = %2\nmax-queued-bytes = 16777216\n")
                        .arg(n + 10)
                        .arg(qint64(n) * 4096)
                        .toUtf8());
        }
        const QStringList args { u"--config"_s, conf, u"--port"_s, u"0"_s, u"--data-dir"_s, dir.filePath(u"data"_s) };
        const Crypto::Identity aliceId = Crypto::Identity::generate(), bobId = Crypto::Identity::generate();
        QString url;
        auto hub = std::make_unique<HubProcess>(parser.value(u"hub"_s), args);
        if (hub->start(&url) < 0) {
            std::fprintf(stderr, "mailboxbench: the hub did not start\n");
            return 1;
        }
        // The same port after the restart: known keys are kept per hub URL.
        const QString port = QString::number(QUrl(url).port());
        auto alice = joinAs(url, u"alice"_s, aliceId, dir.filePath(u"alice.keys"_s));
        {
            auto bob = joinAs(url, u"bob"_s, bobId, dir.filePath(u"bob.keys"_s)); // bound, then away
            if (!alice || !bob) {
                std::fprintf(stderr, "mailboxbench: peers could not join\n");
                return 1;
            }
            QSignalSpy gone(alice.get(), &PeerClient::peerDisconnected);
            bob->disconnectFromHub();
            if (!gone.wait(10000))
                return 1;
        }
        const qint64 rssEmpty = hub->rssKiB();
        // Store: alice keeps at most 2000 unanswered (the client's outbox holds 10 000).
        int sent = 0, stored = 0;
        QObject::connect(alice.get(), &PeerClient::messageStored, [&] { ++stored; });
        QObject::connect(alice.get(), &PeerClient::errorOccurred, [](const ClientError &e) {
            std::fprintf(stderr, "mailboxbench: alice: %s %s\n", qPrintable(e.codeName), qPrintable(e.message));
        });
        QObject::connect(alice.get(), &PeerClient::disconnected, [](const QString &why) {
            std::fprintf(stderr, "mailboxbench: alice disconnected: %s\n", qPrintable(why));
        });
        QElapsedTimer t;
        double cpu0 = hub->cpuSeconds();
        t.start();
        while (stored < n && t.elapsed() < 600000 && alice->isJoined()) {
            while (sent < n && sent - stored < 2000) {
                if (alice->sendMessage(u"bob"_s, text).isEmpty())
                    return 1;
                ++sent;
            }
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        }
        if (stored < n) {
            std::fprintf(stderr, "mailboxbench: only %d of %d stored\n", stored, n);
            return 1;
        }
        const double storeSeconds = double(t.nsecsElapsed()) / 1e9;
        const double storeCpu = hub->cpuSeconds() - cpu0;
        const qint64 rssFull = hub->rssKiB();
        alice.reset();

        // Restart with the mailbox full (SIGKILL: nothing is flushed on the way out).
        hub->kill();
        hub = std::make_unique<HubProcess>(parser.value(u"hub"_s),
                                           QStringList(args).replaceInStrings(QRegularExpression(u"^0$"_s), port));
        const double restartMs = hub->start(&url);
        if (restartMs < 0)
            return 1;
        const qint64 rssRestarted = hub->rssKiB();

        // Delivery: bob joins and gets everything.
        cpu0 = hub->cpuSeconds();
        t.restart();
        auto bob = std::make_unique<PeerClient>();
        bob->setIdentity(bobId);
        bob->setKnownKeysFile(dir.filePath(u"bob.keys"_s));
        bob->setDirectListening(false);
        bob->setReadReceipts(false);
        int received = 0;
        QObject::connect(bob.get(), &PeerClient::messageReceived, [&] { ++received; });
        bob->connectToHub(QUrl(url), u"bob"_s);
        while (received < n && t.elapsed() < 600000)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        const double deliverSeconds = double(t.nsecsElapsed()) / 1e9;
        const double deliverCpu = hub->cpuSeconds() - cpu0;
        const qint64 rssAfter = hub->rssKiB();
        const auto [floorPerRow, floorBatched] = sqliteFloor(dir.path(), std::min(n, 20000), 700);

        out << QStringLiteral("{\"bench\":\"mailbox\",\"messages\":%1,\"stored\":%2,\"received\":%3,"
                              "\"store_per_s\":%4,\"store_hub_cpu_s\":%5,\"restart_ms\":%6,\"deliver_per_s\":%7,"
                              "\"deliver_hub_cpu_s\":%8,\"rss_empty_kib\":%9,\"rss_full_kib\":%10,"
                              "\"rss_restarted_kib\":%11,\"rss_after_kib\":%12,\"sqlite_commit_per_row_per_s\":%13,"
                              "\"sqlite_one_transaction_per_s\":%14}")
                   .arg(n).arg(stored).arg(received)
                   .arg(stored / storeSeconds, 0, 'f', 0).arg(storeCpu, 0, 'f', 2).arg(restartMs, 0, 'f', 1)
                   .arg(received / deliverSeconds, 0, 'f', 0).arg(deliverCpu, 0, 'f', 2)
                   .arg(rssEmpty).arg(rssFull).arg(rssRestarted).arg(rssAfter)
                   .arg(floorPerRow, 0, 'f', 0).arg(floorBatched, 0, 'f', 0)
            << Qt::endl;
    }
    return 0;
}
