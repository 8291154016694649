// End to end: the real peerlink-hub and peerlink-cli processes, talking over loopback.
#include "core/invitation.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStorageInfo>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QDir>
#include <QFile>
#include <QUrl>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

/// A child process whose standard output is collected line by line.
class Proc
{
public:
    explicit Proc(const QString &program, const QStringList &args)
    {
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, [this] {
            m_buffer += m_process.readAllStandardOutput();
            qsizetype nl;
            while ((nl = m_buffer.indexOf('\n')) >= 0) {
                m_lines.append(QString::fromUtf8(m_buffer.left(nl)));
                m_buffer.remove(0, nl + 1);
            }
        });
        m_process.start(program, args);
    }

    ~Proc()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    bool started() { return m_process.waitForStarted(5000); }
    QProcess &process() { return m_process; }
    const QStringList &lines() const { return m_lines; }
    void write(const QString &text) { m_process.write(text.toUtf8()); }

    /// Waits for an output line matching @p pattern; returns it (empty after the time-out).
    QString waitForLine(const QRegularExpression &pattern, int timeoutMs = 10000)
    {
        QString found;
        [[maybe_unused]] const bool matched = QTest::qWaitFor(
            [&] {
                for (const QString &line : std::as_const(m_lines)) {
                    if (pattern.match(line).hasMatch()) {
                        found = line;
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
        return found;
    }

    /// Waits for a JSON output line with event @p event whose fields include @p fields.
    QJsonObject waitForEvent(const QString &event, const QJsonObject &fields = {}, int timeoutMs = 10000)
    {
        QJsonObject found;
        [[maybe_unused]] const bool matched = QTest::qWaitFor(
            [&] {
                for (const QString &line : std::as_const(m_lines)) {
                    const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
                    if (o.value("event"_L1).toString() != event)
                        continue;
                    bool all = true;
                    for (auto it = fields.begin(); it != fields.end(); ++it)
                        all = all && o.value(it.key()) == it.value();
                    if (all) {
                        found = o;
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
        return found;
    }

    /// Waits for the process to end; returns its exit code (-1 if it did not end or crashed).
    int waitForExit(int timeoutMs = 10000)
    {
        if (!QTest::qWaitFor([this] { return m_process.state() == QProcess::NotRunning; }, timeoutMs))
            return -1;
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

private:
    QProcess m_process;
    QByteArray m_buffer;
    QStringList m_lines;
};

const QString kHub = QStringLiteral(PEERLINK_HUB_BIN);
const QString kCli = QStringLiteral(PEERLINK_CLI_BIN);

/// peerlink-cli arguments, with its direct-link listener on loopback only (its default is every interface).
QStringList cli(QStringList args)
{
    return args << u"--listen"_s << u"127.0.0.1:0"_s;
}

/// A peerlink-cli peer @p id with --json and an identity kept in @p dir, started with @p args and joined to the hub at
/// @p url; nullptr when it did not join.
std::unique_ptr<Proc> startIdentified(const QString &url, const QString &id, const QTemporaryDir &dir,
                                      const QStringList &args)
{
    auto peer = std::make_unique<Proc>(kCli, cli(QStringList { u"--hub"_s, url, u"--id"_s, id, u"--identity"_s,
                                                               dir.filePath(id + u".key"_s), u"--json"_s } + args));
    if (!peer->started() || peer->waitForEvent(u"welcome"_s).isEmpty())
        return nullptr;
    return peer;
}

} // namespace

class TestCliEndToEnd : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void tutorialScenario();
    void oneShotSend();
    void hubShutdownOnSigterm();
    void portInUseIsAnError();
    void configFileWithOverrides();
    void directLinkBetweenTwoCliPeers();
    void killedPeerIsAnnouncedGone();
    void reconnectsAcrossHubRestarts();
    void failsOverToTheNextHub();
    void banFileIsReloaded();
    void tlsHubWithPinnedPeers();
    void badArgumentsAreErrors_data();
    void badArgumentsAreErrors();
    void showIdentityPrintsTheFingerprint();
    void identityReadableByOthersIsRefused();
    void historyIsKeptAcrossRuns();
    void identifiedPeersExchangeEncryptedMessages();
    void offlinePeerGetsStoredMessagesAfterHubKill();
    void fileRelayed();
    void fileOverDirectLink();
    void fileResumesAfterHubKill();
    void fileRelayRefusedIsReported();
    void fileSwitchesToADirectLinkMidway();
    void filePausedAndResumedByEitherSide_data();
    void filePausedAndResumedByEitherSide();
    void fullDiskPausesTheTransfer_data();
    void fullDiskPausesTheTransfer();
    void fileGoesOnAfterTheSenderIsRestarted();
    void fileGoesOnAfterTheReceiverIsRestarted();
    void fileGoesOnAfterBothAreRestarted();
    void fileChangedWhileTheSenderWasClosedFails();
    void roomCommandsAndEvents();

private:
    /// Stops the test's hub and starts one on the same port with @p args added.
    void restartHub(const QStringList &args, bool kill = false);
    /// Alice sends bob (who accepts into a folder) a file of @p bytes random bytes; both have identities. With
    /// @p direct they listen and alice asks for a direct link first; otherwise both run with --no-listen. Returns
    /// bob's file_progress byte counts in order (empty on failure). @p midway runs when bob has @p midwayBytes.
    /// How sendFile's peers are connected: both --no-listen; a direct link first; listening but relayed until @p midway.
    enum class FilePath { Relayed, Direct, Listening };
    QList<qint64> sendFile(qint64 bytes, FilePath path, qint64 midwayBytes = 0,
                           const std::function<void(Proc &alice, Proc &bob)> &midway = {});
    /// Alice (--no-listen) offers bob (--no-listen, accepting into "inbox") a file of 6 MiB through a hub that relays
    /// files at 1 MiB/s; once bob has 1.5 MiB of it, alice (or with @p killReceiver, bob) is killed, and the other
    /// one sees it gone. Returns the transfer id (empty on failure).
    QString sendAndKill(const QTemporaryDir &dir, std::unique_ptr<Proc> &alice, std::unique_ptr<Proc> &bob,
                        bool killReceiver = false);
    std::unique_ptr<Proc> m_hub;
    QString m_url;
};

namespace {

constexpr qint64 kRestartedFileBytes = 6 * 1024 * 1024;
/// Chunks sent and not acknowledged at most (16 of 32 KiB): how far a receiver's progress may fall back.
constexpr qint64 kWindowBytes = 16 * 32 * 1024;

/// A file of @p bytes random bytes, "random.bin" in @p dir; returns its SHA-256 in hex (empty on failure).
QString writeRandomFile(const QTemporaryDir &dir, qint64 bytes)
{
    QByteArray content(bytes, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(content.data()), bytes / 4);
    QFile file(dir.filePath(u"random.bin"_s));
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != bytes)
        return QString();
    return QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
}

/// The SHA-256 (hex) of the file at @p path; empty when it cannot be read.
QString sha256Of(const QString &path)
{
    QFile file(path);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!file.open(QIODevice::ReadOnly) || !hash.addData(&file))
        return QString();
    return QString::fromLatin1(hash.result().toHex());
}

/// The byte counts of @p peer's file_progress events so far, in order.
QList<qint64> fileProgress(const Proc &peer)
{
    QList<qint64> list;
    for (const QString &line : peer.lines()) {
        const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
        if (o.value("event"_L1).toString() == u"file_progress")
            list.append(o.value("bytes"_L1).toInteger());
    }
    return list;
}

} // namespace

void TestCliEndToEnd::init()
{
    m_hub = std::make_unique<Proc>(kHub, QStringList { u"--port"_s, u"0"_s, u"--name"_s, u"E2E hub"_s });
    QVERIFY(m_hub->started());
    const QString line = m_hub->waitForLine(QRegularExpression(u"ws://127\\.0\\.0\\.1:\\d+"_s));
    QVERIFY2(!line.isEmpty(), "the hub printed no URL");
    m_url = QRegularExpression(u"ws://\\S+"_s).match(line).captured(0);
    QVERIFY(QUrl(m_url).port() > 0);
}

void TestCliEndToEnd::cleanup()
{
    m_hub.reset();
}

void TestCliEndToEnd::tutorialScenario()
{
    Proc node1(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"node1"_s, u"--json"_s }));
    QVERIFY(node1.started());
    const QJsonObject w1 = node1.waitForEvent(u"welcome"_s);
    QCOMPARE(w1.value("hub"_L1).toString(), u"E2E hub"_s);

    Proc node2(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"node2"_s, u"--name"_s, u"节点二"_s, u"--json"_s }));
    QVERIFY(node2.started());
    QCOMPARE(node2.waitForEvent(u"welcome"_s).value("peers"_L1).toArray().size(), 1);
    QCOMPARE(node1.waitForEvent(u"peer_connect"_s, { { u"id"_s, u"node2"_s } }).value("name"_L1).toString(),
             u"节点二"_s);

    node1.write(u"/connect node2\n/to node2 hello world!\n"_s);
    QVERIFY(!node2.waitForEvent(u"connect_to_peer"_s, { { u"from"_s, u"node1"_s } }).isEmpty());
    const QJsonObject msg = node2.waitForEvent(u"message"_s, { { u"from"_s, u"node1"_s } });
    QCOMPARE(msg.value("text"_L1).toString(), u"hello world!"_s);
    QCOMPARE(msg.value("to"_L1).toString(), u"node2"_s);
    const QString mid = msg.value("mid"_L1).toString();
    QVERIFY(!mid.isEmpty());
    QVERIFY(!node1.waitForEvent(u"ack"_s, { { u"mid"_s, mid } }).isEmpty());

    // node2 answers everyone; node1 asks for the peer list.
    node2.write(u"hi all\n"_s);
    QCOMPARE(node1.waitForEvent(u"message"_s, { { u"from"_s, u"node2"_s } }).value("text"_L1).toString(), u"hi all"_s);
    node1.write(u"/peers\n"_s);
    QCOMPARE(node1.waitForEvent(u"peers"_s).value("peers"_L1).toArray().at(0).toObject().value("id"_L1).toString(),
             u"node2"_s);

    // End of input: node1 leaves cleanly, node2 hears of it.
    node1.process().closeWriteChannel();
    QCOMPARE(node1.waitForExit(), 0);
    QVERIFY(!node2.waitForEvent(u"peer_disconnect"_s, { { u"id"_s, u"node1"_s } }).isEmpty());
    node2.write(u"/quit\n"_s);
    QCOMPARE(node2.waitForExit(), 0);
    QVERIFY(!m_hub->waitForLine(QRegularExpression(u"left: node2"_s)).isEmpty());
}

void TestCliEndToEnd::oneShotSend()
{
    Proc listener(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"listener"_s, u"--json"_s }));
    QVERIFY(listener.started());
    QVERIFY(!listener.waitForEvent(u"welcome"_s).isEmpty());

    Proc ok(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"once"_s, u"--send"_s, u"just once"_s, u"--to"_s, u"listener"_s }));
    QVERIFY(ok.started());
    QCOMPARE(ok.waitForExit(), 0);
    QCOMPARE(listener.waitForEvent(u"message"_s, { { u"from"_s, u"once"_s } }).value("text"_L1).toString(),
             u"just once"_s);

    Proc fail(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"once"_s, u"--send"_s, u"lost"_s, u"--to"_s, u"ghost"_s }));
    QVERIFY(fail.started());
    QCOMPARE(fail.waitForExit(), 1);
    QVERIFY(QString::fromUtf8(fail.process().readAllStandardError()).contains(u"peer_unavailable"_s));

    // Joining with an id in use fails the same way, with the reason on stderr.
    Proc taken(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"listener"_s, u"--send"_s, u"x"_s }));
    QVERIFY(taken.started());
    QCOMPARE(taken.waitForExit(), 1);
    QVERIFY(QString::fromUtf8(taken.process().readAllStandardError()).contains(u"id_taken"_s));
}

void TestCliEndToEnd::hubShutdownOnSigterm()
{
    // Without --no-reconnect it would wait for the hub to come back (reconnectsAcrossHubRestarts).
    Proc peer(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"stayer"_s, u"--json"_s, u"--no-reconnect"_s }));
    QVERIFY(peer.started());
    QVERIFY(!peer.waitForEvent(u"welcome"_s).isEmpty());
    m_hub->process().terminate(); // SIGTERM
    QCOMPARE(m_hub->waitForExit(), 0);
    const QJsonObject d = peer.waitForEvent(u"disconnected"_s);
    QVERIFY(d.value("reason"_L1).toString().contains(u"shutting down"_s));
    QCOMPARE(peer.waitForExit(), 1); // the hub went away: not a clean leave
}

void TestCliEndToEnd::portInUseIsAnError()
{
    Proc second(kHub, { u"--port"_s, QString::number(QUrl(m_url).port()) });
    QVERIFY(second.started());
    QCOMPARE(second.waitForExit(), 1);
    const QString err = QString::fromUtf8(second.process().readAllStandardError());
    QVERIFY2(err.contains(QString::number(QUrl(m_url).port())), qPrintable(err));
}

void TestCliEndToEnd::configFileWithOverrides()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"hub.conf"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("bind = 127.0.0.1\nport = 0\nname = From the file\npassword = filepass\n");
    file.close();

    // The option wins over the file; the file's password applies.
    Proc hub(kHub, { u"--config"_s, path, u"--name"_s, u"From the command line"_s });
    QVERIFY(hub.started());
    const QString line = hub.waitForLine(QRegularExpression(u"listening on ws://"_s));
    QVERIFY2(line.contains(u"From the command line"_s), qPrintable(line));
    const QString url = QRegularExpression(u"ws://\\S+"_s).match(line).captured(0);
    Proc wrong(kCli, cli({ u"--hub"_s, url, u"--id"_s, u"x"_s, u"--send"_s, u"hi"_s, u"--password"_s, u"nope"_s }));
    QVERIFY(wrong.started());
    QCOMPARE(wrong.waitForExit(), 1);
    QVERIFY(QString::fromUtf8(wrong.process().readAllStandardError()).contains(u"auth_failed"_s));

    // A bad file: the reason with file and line, exit 2, nothing started.
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("port = 9000\nmax-peers = many\n");
    file.close();
    Proc bad(kHub, { u"--config"_s, path });
    QVERIFY(bad.started());
    QCOMPARE(bad.waitForExit(), 2);
    const QString err = QString::fromUtf8(bad.process().readAllStandardError());
    QVERIFY2(err.contains(path + u":2:"_s) && err.contains(u"max-peers"_s), qPrintable(err));
}

void TestCliEndToEnd::directLinkBetweenTwoCliPeers()
{
    Proc node2(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"node2"_s, u"--json"_s }));
    QVERIFY(node2.started());
    QVERIFY(!node2.waitForEvent(u"welcome"_s).isEmpty());
    Proc node1(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"node1"_s, u"--json"_s }));
    QVERIFY(node1.started());
    QCOMPARE(node1.waitForEvent(u"welcome"_s).value("peers"_L1).toArray().size(), 1); // node2 is there
    QVERIFY(!node2.waitForEvent(u"peer_connect"_s, { { u"id"_s, u"node1"_s } }).isEmpty());
    node1.write(u"/connect node2\n"_s);
    QVERIFY(!node1.waitForEvent(u"path"_s, { { u"peer"_s, u"node2"_s }, { u"path"_s, u"direct"_s } }).isEmpty());
    QVERIFY(!node2.waitForEvent(u"path"_s, { { u"peer"_s, u"node1"_s }, { u"path"_s, u"direct"_s } }).isEmpty());
    node1.write(u"/to node2 one\n/to node2 two\n/to node2 three\n"_s);
    QVERIFY(!node2.waitForEvent(u"message"_s, { { u"text"_s, u"three"_s } }).isEmpty());
    QVERIFY(!node2.waitForEvent(u"message"_s, { { u"text"_s, u"one"_s }, { u"from"_s, u"node1"_s } }).isEmpty());
    node2.write(u"/to node1 back\n"_s);
    QVERIFY(!node1.waitForEvent(u"message"_s, { { u"text"_s, u"back"_s }, { u"from"_s, u"node2"_s } }).isEmpty());
    // The hub routed none of it: its count at shutdown says so.
    m_hub->process().terminate();
    QCOMPARE(m_hub->waitForExit(), 0);
    const QString stats = m_hub->waitForLine(QRegularExpression(u"^stats:"_s));
    QVERIFY2(stats.startsWith(u"stats: 0 messages routed"_s), qPrintable(stats));
}

void TestCliEndToEnd::killedPeerIsAnnouncedGone()
{
    Proc watcher(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"watcher"_s, u"--json"_s }));
    QVERIFY(watcher.started());
    QVERIFY(!watcher.waitForEvent(u"welcome"_s).isEmpty());
    Proc victim(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"victim"_s, u"--json"_s }));
    QVERIFY(victim.started());
    QVERIFY(!watcher.waitForEvent(u"peer_connect"_s, { { u"id"_s, u"victim"_s } }).isEmpty());
    victim.process().kill(); // SIGKILL: no leave, no close frame; the kernel closes the TCP connection
    QVERIFY(!watcher.waitForEvent(u"peer_disconnect"_s, { { u"id"_s, u"victim"_s } }).isEmpty());
    // The hub goes on: a newcomer can take the id.
    Proc again(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"victim"_s, u"--send"_s, u"back"_s, u"--to"_s, u"watcher"_s }));
    QVERIFY(again.started());
    QCOMPARE(again.waitForExit(), 0);
    QCOMPARE(watcher.waitForEvent(u"message"_s, { { u"from"_s, u"victim"_s } }).value("text"_L1).toString(), u"back"_s);
}

void TestCliEndToEnd::reconnectsAcrossHubRestarts()
{
    const QString port = QString::number(QUrl(m_url).port());
    Proc rx(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"rx"_s, u"--json"_s }));
    QVERIFY(rx.started());
    QVERIFY(!rx.waitForEvent(u"welcome"_s).isEmpty());
    Proc tx(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"tx"_s, u"--json"_s }));
    QVERIFY(tx.started());
    QVERIFY(!tx.waitForEvent(u"welcome"_s).isEmpty());
    QVERIFY(!rx.waitForEvent(u"peer_connect"_s, { { u"id"_s, u"tx"_s } }).isEmpty());

    // What rx printed from tx: the texts, in order of arrival.
    const auto received = [&rx] {
        QStringList texts;
        for (const QString &line : rx.lines()) {
            const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
            if (o.value("event"_L1).toString() == u"message" && o.value("from"_L1).toString() == u"tx")
                texts.append(o.value("text"_L1).toString());
        }
        return texts;
    };
    const auto countEvents = [](const Proc &p, const QString &event) {
        return std::count_if(p.lines().cbegin(), p.lines().cend(), [&event](const QString &line) {
            return QJsonDocument::fromJson(line.toUtf8()).object().value("event"_L1).toString() == event;
        });
    };
    const auto sendRange = [&tx](int from, int to) {
        QString lines;
        for (int i = from; i < to; ++i)
            lines += u"/to rx n%1\n"_s.arg(i);
        tx.write(lines);
    };
    // The hub goes away in the middle of the stream (killed outright, then stopped), and comes back on its port.
    const auto restartHub = [this, &port, &rx, &tx, &countEvents](bool kill) {
        const auto welcomes = countEvents(tx, u"welcome"_s);
        const auto rxWelcomes = countEvents(rx, u"welcome"_s);
        if (kill)
            m_hub->process().kill();
        else
            m_hub->process().terminate();
        QVERIFY(m_hub->waitForExit() != -1 || kill);
        QVERIFY(!tx.waitForEvent(u"reconnecting"_s).isEmpty());
        m_hub = std::make_unique<Proc>(kHub, QStringList { u"--port"_s, port, u"--name"_s, u"E2E hub"_s });
        QVERIFY(m_hub->started());
        QVERIFY(!m_hub->waitForLine(QRegularExpression(u"listening on ws://"_s)).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(countEvents(tx, u"welcome"_s) > welcomes && countEvents(rx, u"welcome"_s) > rxWelcomes,
                                 30000);
    };

    const int total = 300;
    sendRange(0, 100);
    QTRY_VERIFY_WITH_TIMEOUT(received().size() >= 40, 20000);
    sendRange(100, 150); // some of these are on their way when the hub dies
    restartHub(true);
    if (QTest::currentTestFailed())
        return;
    sendRange(150, 250);
    QTRY_VERIFY_WITH_TIMEOUT(received().size() >= 180, 30000);
    sendRange(250, total);
    restartHub(false);
    if (QTest::currentTestFailed())
        return;

    QTRY_VERIFY_WITH_TIMEOUT(received().size() >= total, 60000);
    // Every acknowledgement came (nothing is left pending), and then no message arrived twice.
    QTRY_VERIFY_WITH_TIMEOUT(countEvents(tx, u"ack"_s) >= total, 30000);
    const QStringList texts = received();
    QCOMPARE(texts.size(), total);
    const QSet<QString> unique(texts.cbegin(), texts.cend());
    QCOMPARE(unique.size(), total);
    for (int i = 0; i < total; ++i)
        QVERIFY2(unique.contains(u"n%1"_s.arg(i)), qPrintable(u"n%1 is missing"_s.arg(i)));
    QCOMPARE(countEvents(tx, u"error"_s), 0);

    tx.process().closeWriteChannel();
    QCOMPARE(tx.waitForExit(), 0); // a clean leave once everything is acked
}

void TestCliEndToEnd::banFileIsReloaded()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"bans"_s);
    const auto writeBans = [&path](const QByteArray &content) {
        // Written aside and renamed, as editors and config tools do.
        QFile f(path + u".new"_s);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        QFile::remove(path);
        QVERIFY(QFile::rename(path + u".new"_s, path));
    };
    writeBans("id:evil\n");
    Proc hub(kHub, { u"--port"_s, u"0"_s, u"--ban-file"_s, path });
    QVERIFY(hub.started());
    const QString line = hub.waitForLine(QRegularExpression(u"listening on ws://"_s));
    QVERIFY(!line.isEmpty());
    const QString url = QRegularExpression(u"ws://\\S+"_s).match(line).captured(0);

    Proc evil(kCli, cli({ u"--hub"_s, url, u"--id"_s, u"evil"_s, u"--send"_s, u"hi"_s }));
    QVERIFY(evil.started());
    QCOMPARE(evil.waitForExit(), 1);
    QVERIFY(QString::fromUtf8(evil.process().readAllStandardError()).contains(u"banned"_s));

    Proc guest(kCli, cli({ u"--hub"_s, url, u"--id"_s, u"guest"_s, u"--json"_s }));
    QVERIFY(guest.started());
    QVERIFY(!guest.waitForEvent(u"welcome"_s).isEmpty());
    // The file changes: the hub reads it again by itself, and the newly banned guest is sent away.
    writeBans("id:evil\nid:guest\n");
    QVERIFY(!guest.waitForEvent(u"error"_s, { { u"code"_s, u"banned"_s } }).isEmpty());
    QCOMPARE(guest.waitForExit(), 1);
    // A bad edit is reported, and the list in force stays.
    writeBans("id:evil\nnot an address\n");
    QVERIFY(!hub.waitForLine(QRegularExpression(u"bans: 2 ids"_s)).isEmpty());
    QString hubErrors;
    // Waits for the report of line 2: the hub may first see the file missing for a moment (writeBans removes, then
    // renames) and say "cannot read ... (the previous ban list stays)" for that.
    QTRY_VERIFY((hubErrors += QString::fromUtf8(hub.process().readAllStandardError())).contains(u":2: expected an IP address"_s));
    QVERIFY(hubErrors.contains(u"the previous ban list stays"_s));
    Proc again(kCli, cli({ u"--hub"_s, url, u"--id"_s, u"guest"_s, u"--send"_s, u"hi"_s }));
    QVERIFY(again.started());
    QCOMPARE(again.waitForExit(), 1);
}

void TestCliEndToEnd::tlsHubWithPinnedPeers()
{
    const QString data = QStringLiteral(PEERLINK_SOURCE_DIR "/tests/data/");
    Proc hub(kHub, { u"--port"_s, u"0"_s, u"--tls-cert"_s, data + u"hub-test.crt"_s, u"--tls-key"_s, data + u"hub-test.key"_s });
    QVERIFY(hub.started());
    const QString line = hub.waitForLine(QRegularExpression(u"listening on wss://"_s));
    QVERIFY2(!line.isEmpty(), "no wss:// URL");
    const QString url = QRegularExpression(u"wss://\\S+"_s).match(line).captured(0);
    const QString fpLine = hub.waitForLine(QRegularExpression(u"fingerprint: "_s));
    const QString fingerprint = fpLine.section(u": "_s, 1).trimmed();
    QCOMPARE(fingerprint.count(u':'), 31);

    // Without the pin: refused, and told the fingerprint to check.
    Proc wary(kCli, cli({ u"--hub"_s, url, u"--id"_s, u"wary"_s, u"--send"_s, u"hi"_s }));
    QVERIFY(wary.started());
    QCOMPARE(wary.waitForExit(), 1);
    const QString err = QString::fromUtf8(wary.process().readAllStandardError());
    QVERIFY2(err.contains(u"not trusted"_s) && err.contains(fingerprint), qPrintable(err));

    // With it: joined and delivered.
    Proc listener(kCli, cli({ u"--hub"_s, url, u"--id"_s, u"listener"_s, u"--json"_s, u"--pin"_s, fingerprint }));
    QVERIFY(listener.started());
    QVERIFY(!listener.waitForEvent(u"welcome"_s).isEmpty());
    Proc sender(kCli, cli({ u"--hub"_s, url, u"--id"_s, u"sender"_s, u"--pin"_s, fingerprint, u"--send"_s, u"secret"_s,
                            u"--to"_s, u"listener"_s }));
    QVERIFY(sender.started());
    QCOMPARE(sender.waitForExit(), 0);
    QCOMPARE(listener.waitForEvent(u"message"_s).value("text"_L1).toString(), u"secret"_s);

    // An invitation link carries the address and the fingerprint: no --pin needed.
    PeerLink::Invitation invitation;
    invitation.fingerprint = fingerprint;
    const auto sendByInvitation = [&invitation, &listener](const QList<QUrl> &hubs, const QString &id) {
        invitation.hubs = hubs;
        Proc invited(kCli, cli({ u"--hub"_s, invitation.toLink(), u"--id"_s, id, u"--send"_s, u"by invitation"_s,
                                 u"--to"_s, u"listener"_s }));
        QVERIFY(invited.started());
        QCOMPARE(invited.waitForExit(), 0);
        QCOMPARE(listener.waitForEvent(u"message"_s, { { u"from"_s, id } }).value("text"_L1).toString(),
                 u"by invitation"_s);
    };
    sendByInvitation({ QUrl(url) }, u"invited"_s);
    if (QTest::currentTestFailed())
        return;
    // All its addresses go into the list, each with the pin: the first is dead, the second answers.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const QUrl dead(u"wss://127.0.0.1:%1"_s.arg(probe.serverPort()));
    probe.close();
    sendByInvitation({ dead, QUrl(url) }, u"second"_s);
}

void TestCliEndToEnd::failsOverToTheNextHub()
{
    // A second hub process of its own (no cluster): the peer moves there when the first is killed.
    Proc hubB(kHub, QStringList { u"--port"_s, u"0"_s, u"--name"_s, u"Hub B"_s });
    QVERIFY(hubB.started());
    const QString line = hubB.waitForLine(QRegularExpression(u"ws://127\\.0\\.0\\.1:\\d+"_s));
    const QString urlB = QRegularExpression(u"ws://\\S+"_s).match(line).captured(0);
    QVERIFY2(QUrl(urlB).port() > 0, qPrintable(line));

    Proc rx(kCli, cli({ u"--hub"_s, urlB, u"--id"_s, u"rx"_s, u"--json"_s }));
    QVERIFY(rx.started());
    QVERIFY(!rx.waitForEvent(u"welcome"_s).isEmpty());
    Proc mover(kCli, cli({ u"--hub"_s, m_url, u"--hub"_s, urlB, u"--id"_s, u"mover"_s, u"--json"_s }));
    QVERIFY(mover.started());
    QCOMPARE(mover.waitForEvent(u"welcome"_s).value("hub"_L1).toString(), u"E2E hub"_s);
    // Without --json: one readable line when it moves.
    Proc plain(kCli, cli({ u"--hub"_s, m_url, u"--hub"_s, urlB, u"--id"_s, u"plain"_s }));
    QVERIFY(plain.started());
    QVERIFY(!plain.waitForLine(QRegularExpression(u"joined \"E2E hub\""_s)).isEmpty());

    m_hub->process().kill(); // hub A dies at once
    m_hub->waitForExit(); // (killed: no exit code)
    mover.write(u"/to rx after the fall of A\n"_s); // kept until joined again, then sent
    QCOMPARE(mover.waitForEvent(u"hub_changed"_s).value("hub"_L1).toString(), urlB);
    QVERIFY(!mover.waitForEvent(u"welcome"_s, { { u"hub"_s, u"Hub B"_s } }).isEmpty());
    QVERIFY(!rx.waitForEvent(u"peer_connect"_s, { { u"id"_s, u"mover"_s } }).isEmpty());
    const QJsonObject got = rx.waitForEvent(u"message"_s, { { u"from"_s, u"mover"_s } });
    QCOMPARE(got.value("text"_L1).toString(), u"after the fall of A"_s);
    QVERIFY(!mover.waitForEvent(u"ack"_s, { { u"mid"_s, got.value("mid"_L1) } }).isEmpty());
    // Exactly once: a second message shows nothing else was on its way.
    mover.write(u"/to rx second\n"_s);
    QVERIFY(!rx.waitForEvent(u"message"_s, { { u"text"_s, u"second"_s } }).isEmpty());
    const auto fromMover = std::count_if(rx.lines().cbegin(), rx.lines().cend(), [](const QString &l) {
        const QJsonObject o = QJsonDocument::fromJson(l.toUtf8()).object();
        return o.value("event"_L1).toString() == u"message" && o.value("from"_L1).toString() == u"mover";
    });
    QCOMPARE(fromMover, 2);

    QVERIFY(!plain.waitForLine(QRegularExpression(u"^\\* moved to hub "_s + QRegularExpression::escape(urlB) + u'$')).isEmpty());
    QVERIFY(!plain.waitForLine(QRegularExpression(u"joined \"Hub B\""_s)).isEmpty());
    hubB.process().kill();
    QVERIFY(!mover.waitForEvent(u"reconnecting"_s).isEmpty()); // both hubs gone now: rounds with backoff
    QVERIFY(!plain.waitForLine(QRegularExpression(u"reconnecting in"_s)).isEmpty());
}

void TestCliEndToEnd::badArgumentsAreErrors_data()
{
    QTest::addColumn<bool>("hub");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::newRow("hub port not a number") << true << QStringList { u"--port"_s, u"abc"_s } << u"--port"_s;
    QTest::newRow("hub port too big") << true << QStringList { u"--port"_s, u"70000"_s } << u"--port"_s;
    QTest::newRow("hub bad bind") << true << QStringList { u"--bind"_s, u"not-an-ip"_s } << u"--bind"_s;
    QTest::newRow("hub tiny message limit") << true << QStringList { u"--max-message-bytes"_s, u"3"_s }
                                            << u"--max-message-bytes"_s;
    QTest::newRow("cli without id") << false << QStringList { u"--hub"_s, u"ws://127.0.0.1:1"_s } << u"--id"_s;
    QTest::newRow("cli bad url") << false << QStringList { u"--hub"_s, u"http://x"_s, u"--id"_s, u"a"_s } << u"--hub"_s;
    QTest::newRow("cli bad id") << false << QStringList { u"--hub"_s, u"ws://127.0.0.1:1"_s, u"--id"_s, u"a b"_s }
                                << u"id"_s;
    QTest::newRow("cli bad invitation") << false
                                        << QStringList { u"--hub"_s, u"peerlink://join?hub=http%3A%2F%2Fx"_s, u"--id"_s,
                                                         u"a"_s }
                                        << u"not a valid invitation"_s;
    QTest::newRow("cli bad listen") << false
                                    << QStringList { u"--hub"_s, u"ws://127.0.0.1:1"_s, u"--id"_s, u"a"_s, u"--listen"_s,
                                                     u"everywhere"_s }
                                    << u"--listen"_s;
    QTest::newRow("cli bad url among several")
        << false << QStringList { u"--hub"_s, u"ws://127.0.0.1:1"_s, u"--hub"_s, u"http://second"_s, u"--id"_s, u"a"_s }
        << u"http://second"_s;
    QTest::newRow("cli join timeout 0") << false
                                        << QStringList { u"--hub"_s, u"ws://127.0.0.1:1"_s, u"--id"_s, u"a"_s,
                                                         u"--join-timeout"_s, u"0"_s }
                                        << u"--join-timeout"_s;
    QTest::newRow("cli keepalive not a number") << false
                                                << QStringList { u"--hub"_s, u"ws://127.0.0.1:1"_s, u"--id"_s, u"a"_s,
                                                                 u"--keepalive"_s, u"often"_s }
                                                << u"--keepalive"_s;
}

void TestCliEndToEnd::badArgumentsAreErrors()
{
    QFETCH(bool, hub);
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    Proc p(hub ? kHub : kCli, args);
    QVERIFY(p.started());
    QCOMPARE(p.waitForExit(), 2);
    const QString err = QString::fromUtf8(p.process().readAllStandardError());
    QVERIFY2(err.contains(expected), qPrintable(err));
}

void TestCliEndToEnd::showIdentityPrintsTheFingerprint()
{
    QTemporaryDir dir;
    const QString key = dir.filePath(u"me.key"_s);
    Proc first(kCli, { u"--identity"_s, key, u"--show-identity"_s });
    QVERIFY(first.started());
    QCOMPARE(first.waitForExit(), 0);
    QCOMPARE(first.lines().size(), 1);
    const QString fingerprint = first.lines().at(0);
    QVERIFY2(QRegularExpression(u"^\\d{5}( \\d{5}){5}$"_s).match(fingerprint).hasMatch(), qPrintable(fingerprint));
    QCOMPARE(QFile::permissions(key) & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
             QFile::Permissions());
    Proc again(kCli, { u"--identity"_s, key, u"--show-identity"_s });
    QVERIFY(again.started());
    QCOMPARE(again.waitForExit(), 0);
    QCOMPARE(again.lines().value(0), fingerprint); // the same identity, loaded
    Proc alone(kCli, { u"--show-identity"_s });
    QVERIFY(alone.started());
    QCOMPARE(alone.waitForExit(), 2);
}

void TestCliEndToEnd::identityReadableByOthersIsRefused()
{
    QTemporaryDir dir;
    const QString key = dir.filePath(u"me.key"_s);
    Proc make(kCli, { u"--identity"_s, key, u"--show-identity"_s });
    QVERIFY(make.started());
    QCOMPARE(make.waitForExit(), 0);
    QVERIFY(QFile::setPermissions(key, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
    Proc refused(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"me"_s, u"--identity"_s, key }));
    QVERIFY(refused.started());
    QCOMPARE(refused.waitForExit(), 2);
    const QString err = QString::fromUtf8(refused.process().readAllStandardError());
    QVERIFY2(err.contains(u"chmod 600"_s), qPrintable(err));
}

void TestCliEndToEnd::historyIsKeptAcrossRuns()
{
    // --history FILE keeps what was sent and received; /history PEER [N] prints it, also in the next run.
    QTemporaryDir dir;
    const QString file = dir.filePath(u"bob-history.db"_s);
    {
        Proc bob(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"bob"_s, u"--history"_s, file, u"--json"_s }));
        QVERIFY(bob.started());
        QVERIFY(!bob.waitForEvent(u"welcome"_s).isEmpty());
        Proc alice(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"alice"_s, u"--json"_s }));
        QVERIFY(alice.started());
        QVERIFY(!alice.waitForEvent(u"welcome"_s).isEmpty());
        alice.write(u"/to bob first 你好\n/to bob second\n"_s);
        QVERIFY(!bob.waitForEvent(u"message"_s, { { u"text"_s, u"second"_s } }).isEmpty());
        bob.write(u"/to alice reply\n"_s);
        QVERIFY(!alice.waitForEvent(u"message"_s, { { u"text"_s, u"reply"_s } }).isEmpty());
        QVERIFY(!bob.waitForEvent(u"ack"_s).isEmpty());
        bob.write(u"/history alice 2\n"_s);
        const QJsonArray last = bob.waitForEvent(u"history"_s).value("messages"_L1).toArray();
        QCOMPARE(last.size(), 2); // the newest two, oldest first
        QCOMPARE(last.at(0).toObject().value("text"_L1).toString(), u"second"_s);
        QCOMPARE(last.at(1).toObject().value("text"_L1).toString(), u"reply"_s);
        QCOMPARE(last.at(1).toObject().value("from"_L1).toString(), u"bob"_s);
        bob.write(u"/quit\n"_s);
        QCOMPARE(bob.waitForExit(), 0);
        alice.write(u"/quit\n"_s);
        QCOMPARE(alice.waitForExit(), 0);
    }
    Proc again(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"bob"_s, u"--history"_s, file, u"--json"_s }));
    QVERIFY(again.started());
    QVERIFY(!again.waitForEvent(u"welcome"_s).isEmpty());
    again.write(u"/history alice\n/history\n"_s);
    const QJsonArray all = again.waitForEvent(u"history"_s).value("messages"_L1).toArray();
    QCOMPARE(all.size(), 3);
    QCOMPARE(all.at(0).toObject().value("text"_L1).toString(), u"first 你好"_s);
    QCOMPARE(again.waitForEvent(u"error"_s).value("code"_L1).toString(), u"usage"_s); // /history needs a peer
    again.write(u"/quit\n"_s);
    QCOMPARE(again.waitForExit(), 0);
}

// Rooms (issue 17) in peerlink-cli: /join makes or joins, /to #ROOM reaches the members (room_message, kept in the
// history as "#ROOM"), /rooms and /members list, /leave says room_leave to the others; a peer not in it gets nothing.
void TestCliEndToEnd::roomCommandsAndEvents()
{
    QTemporaryDir dir;
    const auto start = [&](const QString &id, QStringList extra = {}) {
        auto p = std::make_unique<Proc>(kCli, cli(QStringList { u"--hub"_s, m_url, u"--id"_s, id, u"--identity"_s,
                                                                dir.filePath(id + u".key"_s), u"--json"_s }
                                                  + extra));
        return p;
    };
    // One after the other, so that each of the first two sees the next ones come (peer_connect).
    auto alice = start(u"alice"_s, { u"--history"_s, dir.filePath(u"alice.db"_s) });
    QVERIFY(alice->started() && !alice->waitForEvent(u"welcome"_s).isEmpty());
    auto bob = start(u"bob"_s);
    QVERIFY(bob->started() && !bob->waitForEvent(u"welcome"_s).isEmpty());
    auto carol = start(u"carol"_s);
    QVERIFY(carol->started() && !carol->waitForEvent(u"welcome"_s).isEmpty());
    QVERIFY(!alice->waitForEvent(u"peer_connect"_s, { { u"id"_s, u"carol"_s } }).isEmpty());
    QVERIFY(!bob->waitForEvent(u"peer_connect"_s, { { u"id"_s, u"carol"_s } }).isEmpty());

    alice->write(u"/join #team\n"_s);
    QVERIFY(!alice->waitForEvent(u"room_join"_s, { { u"room"_s, u"team"_s }, { u"peer"_s, u"alice"_s } }).isEmpty());
    bob->write(u"/join #team\n/to #team said at once\n"_s); // waits for the join, then goes
    QVERIFY(!bob->waitForEvent(u"room_join"_s, { { u"room"_s, u"team"_s }, { u"peer"_s, u"bob"_s } }).isEmpty());
    QVERIFY(!alice->waitForEvent(u"room_join"_s, { { u"room"_s, u"team"_s }, { u"peer"_s, u"bob"_s } }).isEmpty());
    QVERIFY(!alice->waitForEvent(u"room_message"_s, { { u"text"_s, u"said at once"_s } }).isEmpty());
    alice->write(u"/to #team hello-room 你好\n"_s);
    const QJsonObject got = bob->waitForEvent(u"room_message"_s, { { u"from"_s, u"alice"_s } });
    QCOMPARE(got.value("room"_L1).toString(), u"team"_s);
    QCOMPARE(got.value("text"_L1).toString(), u"hello-room 你好"_s);
    QCOMPARE(got.value("e2e"_L1), QJsonValue(true));

    carol->write(u"/rooms\n"_s);
    const QJsonArray rooms = carol->waitForEvent(u"rooms"_s).value("rooms"_L1).toArray();
    QCOMPARE(rooms.size(), 1);
    QCOMPARE(rooms.at(0)[u"members"_s].toInt(), 2);
    carol->write(u"/members #team\n"_s);
    QCOMPARE(carol->waitForEvent(u"members"_s).value("members"_L1).toArray().size(), 2);
    carol->write(u"/to #team let me in\n"_s);
    QCOMPARE(carol->waitForEvent(u"error"_s).value("code"_L1).toString(), u"room_denied"_s);
    carol->write(u"/join team\n"_s); // not a room's name: the usage
    QCOMPARE(carol->waitForEvent(u"error"_s, { { u"code"_s, u"usage"_s } }).value("message"_L1).toString(),
             u"/join #ROOM"_s);

    alice->write(u"/history #team\n"_s);
    const QJsonArray kept = alice->waitForEvent(u"history"_s).value("messages"_L1).toArray();
    QCOMPARE(kept.size(), 2);

    bob->write(u"/leave #team\n"_s);
    QCOMPARE(bob->waitForEvent(u"room_leave"_s, { { u"peer"_s, u"bob"_s } }).value("reason"_L1).toString(), u"left"_s);
    QVERIFY(!alice->waitForEvent(u"room_leave"_s, { { u"peer"_s, u"bob"_s } }).isEmpty());

    // The creator's commands: an invite-only room with a topic, an invitation, a new topic, a removal, the close.
    alice->write(u"/create #inner invite-only first plans\n"_s);
    const QJsonObject inner = alice->waitForEvent(u"room_join"_s, { { u"room"_s, u"inner"_s } });
    QCOMPARE(inner.value("topic"_L1).toString(), u"first plans"_s);
    carol->write(u"/join #inner\n"_s); // not invited: not there for her (and not made either: the name is taken)
    QVERIFY(!carol->waitForEvent(u"error"_s, { { u"code"_s, u"room_unknown"_s }, { u"ref"_s, u"inner"_s } }).isEmpty());
    alice->write(u"/invite #inner carol\n"_s);
    QCOMPARE(carol->waitForEvent(u"room_invite"_s).value("from"_L1).toString(), u"alice"_s);
    carol->write(u"/join #inner\n"_s);
    QVERIFY(!carol->waitForEvent(u"room_join"_s, { { u"room"_s, u"inner"_s }, { u"peer"_s, u"carol"_s } }).isEmpty());
    alice->write(u"/topic #inner second plans\n"_s);
    QCOMPARE(carol->waitForEvent(u"room_topic"_s).value("topic"_L1).toString(), u"second plans"_s);
    carol->write(u"/topic #inner mine\n"_s);
    QVERIFY(!carol->waitForEvent(u"error"_s, { { u"code"_s, u"room_denied"_s }, { u"ref"_s, u"inner"_s } }).isEmpty());
    alice->write(u"/remove #inner carol\n"_s);
    const QJsonObject removed = carol->waitForEvent(u"room_leave"_s, { { u"room"_s, u"inner"_s } });
    QCOMPARE(removed.value("reason"_L1).toString(), u"removed"_s);
    QCOMPARE(removed.value("by"_L1).toString(), u"alice"_s);
    alice->write(u"/close #inner\n"_s);
    QVERIFY(!alice->waitForEvent(u"room_leave"_s, { { u"room"_s, u"inner"_s }, { u"peer"_s, u"carol"_s },
                                                    { u"reason"_s, u"removed"_s } })
                 .isEmpty());
    QVERIFY(!alice->waitForEvent(u"room_leave"_s, { { u"room"_s, u"inner"_s }, { u"peer"_s, u"alice"_s },
                                                    { u"reason"_s, u"closed"_s } })
                 .isEmpty());
    // Nothing of the room ever reached carol.
    for (const QString &line : carol->lines())
        QVERIFY2(!line.contains(u"hello-room"_s) && !line.contains(u"said at once"_s), qPrintable(line));
    for (Proc *p : { alice.get(), bob.get(), carol.get() })
        p->write(u"/quit\n"_s);
    for (Proc *p : { alice.get(), bob.get(), carol.get() })
        QCOMPARE(p->waitForExit(), 0);
}

void TestCliEndToEnd::identifiedPeersExchangeEncryptedMessages()
{
    QTemporaryDir dir;
    const QString aliceKey = dir.filePath(u"alice.key"_s);
    const QString bobKey = dir.filePath(u"bob.key"_s);
    Proc alice(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"alice"_s, u"--identity"_s, aliceKey, u"--json"_s }));
    QVERIFY(alice.started());
    QVERIFY(!alice.waitForEvent(u"welcome"_s).isEmpty());
    Proc bob(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"bob"_s, u"--identity"_s, bobKey, u"--json"_s }));
    QVERIFY(bob.started());
    QVERIFY(!bob.waitForEvent(u"welcome"_s).isEmpty());
    QVERIFY(!alice.waitForEvent(u"peer_connect"_s, { { u"id"_s, u"bob"_s } }).isEmpty());

    alice.write(u"/to bob hello bob, privately\n"_s);
    const QJsonObject got = bob.waitForEvent(u"message"_s, { { u"from"_s, u"alice"_s } });
    QCOMPARE(got.value("text"_L1).toString(), u"hello bob, privately"_s);
    QCOMPARE(got.value("e2e"_L1), QJsonValue(true));
    bob.write(u"/to alice hi alice\n"_s);
    const QJsonObject back = alice.waitForEvent(u"message"_s, { { u"from"_s, u"bob"_s } });
    QCOMPARE(back.value("text"_L1).toString(), u"hi alice"_s);
    QCOMPARE(back.value("e2e"_L1), QJsonValue(true));
    // A broadcast is signed, not encrypted.
    bob.write(u"hello everyone\n"_s);
    const QJsonObject all = alice.waitForEvent(u"message"_s, { { u"text"_s, u"hello everyone"_s } });
    QCOMPARE(all.value("signed"_L1), QJsonValue(true));
    QCOMPARE(all.value("e2e"_L1), QJsonValue(false));
    // Fingerprints to compare in person; the known keys were saved next to the identity.
    alice.write(u"/fingerprint bob\n"_s);
    Proc bobShows(kCli, { u"--identity"_s, bobKey, u"--show-identity"_s });
    QVERIFY(bobShows.started());
    QCOMPARE(bobShows.waitForExit(), 0);
    QCOMPARE(alice.waitForEvent(u"fingerprint"_s, { { u"peer"_s, u"bob"_s } }).value("fingerprint"_L1).toString(),
             bobShows.lines().value(0));
    QVERIFY(QFile::exists(aliceKey + u".known"_s));

    // A fresh hub at the same address (this one binds "bob" to his key): a new "bob" with another key. Alice,
    // back by herself, is told, and /to bob is refused until /trust bob.
    bob.write(u"/quit\n"_s);
    QCOMPARE(bob.waitForExit(), 0);
    const QString port = QString::number(QUrl(m_url).port());
    m_hub->process().terminate();
    QCOMPARE(m_hub->waitForExit(), 0);
    QVERIFY(!alice.waitForEvent(u"reconnecting"_s).isEmpty());
    m_hub = std::make_unique<Proc>(kHub, QStringList { u"--port"_s, port, u"--name"_s, u"E2E hub"_s });
    QVERIFY(m_hub->started());
    QVERIFY(!m_hub->waitForLine(QRegularExpression(u"listening on ws://"_s)).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(std::count_if(alice.lines().cbegin(), alice.lines().cend(),
                                           [](const QString &l) { return l.contains(u"\"event\":\"welcome\""_s); })
                                 == 2,
                             30000);
    Proc impostor(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"bob"_s, u"--identity"_s, dir.filePath(u"other.key"_s),
                              u"--json"_s }));
    QVERIFY(impostor.started());
    const QJsonObject changed = alice.waitForEvent(u"key_changed"_s, { { u"peer"_s, u"bob"_s } });
    QCOMPARE(changed.value("old"_L1).toString(), bobShows.lines().value(0));
    alice.write(u"/to bob are you bob?\n"_s);
    QVERIFY(!alice.waitForEvent(u"error"_s, { { u"code"_s, u"key_changed"_s } }).isEmpty());
    alice.write(u"/trust bob\n/to bob welcome back\n"_s);
    QVERIFY(!alice.waitForEvent(u"trusted"_s, { { u"peer"_s, u"bob"_s } }).isEmpty());
    const QJsonObject welcomed = impostor.waitForEvent(u"message"_s, { { u"from"_s, u"alice"_s } });
    QCOMPARE(welcomed.value("text"_L1).toString(), u"welcome back"_s);
    QCOMPARE(welcomed.value("e2e"_L1), QJsonValue(true));
}

// Issue 14's "done when": alice sends bob three messages while he is offline; the hub (with a data-dir) keeps them,
// is killed with SIGKILL and restarted on the same data-dir and port; bob joins and prints the three once each, in
// order, and alice printed `stored` for each.
void TestCliEndToEnd::offlinePeerGetsStoredMessagesAfterHubKill()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString dataDir = dir.filePath(u"hub-data"_s);
    const QString port = QString::number(QUrl(m_url).port());
    const auto startHub = [this, &port, &dataDir] {
        m_hub = std::make_unique<Proc>(kHub, QStringList { u"--port"_s, port, u"--name"_s, u"E2E hub"_s,
                                                           u"--data-dir"_s, dataDir });
        QVERIFY(m_hub->started());
        QVERIFY(!m_hub->waitForLine(QRegularExpression(u"listening on ws://"_s)).isEmpty());
    };
    m_hub->process().terminate(); // the test's hub, again with a data-dir
    QCOMPARE(m_hub->waitForExit(), 0);
    startHub();
    if (QTest::currentTestFailed())
        return;

    const QString aliceKey = dir.filePath(u"alice.key"_s);
    const QString bobKey = dir.filePath(u"bob.key"_s);
    Proc alice(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"alice"_s, u"--identity"_s, aliceKey, u"--json"_s }));
    QVERIFY(alice.started());
    QVERIFY(!alice.waitForEvent(u"welcome"_s).isEmpty());
    {
        // Bob joins once (the hub binds his id to his key; alice remembers it), then goes.
        Proc bob(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"bob"_s, u"--identity"_s, bobKey, u"--json"_s }));
        QVERIFY(bob.started());
        QVERIFY(!bob.waitForEvent(u"welcome"_s).isEmpty());
        QVERIFY(!alice.waitForEvent(u"peer_connect"_s, { { u"id"_s, u"bob"_s } }).isEmpty());
        bob.write(u"/quit\n"_s);
        QCOMPARE(bob.waitForExit(), 0);
        QVERIFY(!alice.waitForEvent(u"peer_disconnect"_s, { { u"id"_s, u"bob"_s } }).isEmpty());
    }

    const auto events = [](const Proc &p, const QString &event) {
        QList<QJsonObject> found;
        for (const QString &line : p.lines()) {
            const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
            if (o.value("event"_L1).toString() == event)
                found.append(o);
        }
        return found;
    };
    alice.write(u"/to bob one\n/to bob two\n/to bob three\n"_s);
    QTRY_COMPARE_WITH_TIMEOUT(events(alice, u"stored"_s).size(), 3, 10000);
    QCOMPARE(events(alice, u"error"_s).size(), 0);
    QCOMPARE(events(alice, u"ack"_s).size(), 0); // stored, not delivered
    for (const QJsonObject &stored : events(alice, u"stored"_s))
        QVERIFY(!stored.value("mid"_L1).toString().isEmpty());

    // SIGKILL: nothing is flushed or closed on the way out.
    const auto welcomes = events(alice, u"welcome"_s).size();
    m_hub->process().kill();
    QCOMPARE(m_hub->waitForExit(), -1);
    QVERIFY(!alice.waitForEvent(u"reconnecting"_s).isEmpty());
    startHub();
    if (QTest::currentTestFailed())
        return;
    QTRY_VERIFY_WITH_TIMEOUT(events(alice, u"welcome"_s).size() > welcomes, 30000);

    Proc bob(kCli, cli({ u"--hub"_s, m_url, u"--id"_s, u"bob"_s, u"--identity"_s, bobKey, u"--json"_s }));
    QVERIFY(bob.started());
    QVERIFY(!bob.waitForEvent(u"welcome"_s).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(events(bob, u"message"_s).size(), 3, 10000);
    // Then a live one: whatever the mailbox had came before it, once.
    QVERIFY(!alice.waitForEvent(u"peer_connect"_s, { { u"id"_s, u"bob"_s } }).isEmpty());
    alice.write(u"/to bob live\n"_s);
    QVERIFY(!bob.waitForEvent(u"message"_s, { { u"text"_s, u"live"_s } }).isEmpty());
    QStringList texts;
    for (const QJsonObject &m : events(bob, u"message"_s)) {
        QCOMPARE(m.value("from"_L1).toString(), u"alice"_s);
        QCOMPARE(m.value("e2e"_L1), QJsonValue(true));
        texts.append(m.value("text"_L1).toString());
    }
    QCOMPARE(texts, (QStringList { u"one"_s, u"two"_s, u"three"_s, u"live"_s }));
    QCOMPARE(events(bob, u"error"_s).size(), 0);
    // Alice hears from bob himself (signed receipts, not the hub's word): each stored message delivered, once, after
    // its `stored` line; and read, since bob's CLI printed them.
    QStringList storedMids;
    for (const QJsonObject &stored : events(alice, u"stored"_s))
        storedMids.append(stored.value("mid"_L1).toString());
    const auto midsOf = [&](const QString &event) {
        QStringList mids;
        for (const QJsonObject &o : events(alice, event)) {
            if (storedMids.contains(o.value("mid"_L1).toString()) && o.value("peer"_L1).toString() == u"bob"_s)
                mids.append(o.value("mid"_L1).toString());
        }
        return mids;
    };
    QTRY_COMPARE_WITH_TIMEOUT(midsOf(u"delivered"_s).size(), 3, 10000);
    QCOMPARE(midsOf(u"delivered"_s), storedMids);
    QTRY_COMPARE_WITH_TIMEOUT(midsOf(u"read"_s), storedMids, 10000);
    int lastStoredLine = -1, firstDeliveredLine = -1;
    const QStringList aliceLines = alice.lines();
    for (int i = 0; i < aliceLines.size(); ++i) {
        const QString event = QJsonDocument::fromJson(aliceLines.at(i).toUtf8()).object().value("event"_L1).toString();
        if (event == u"stored"_s)
            lastStoredLine = i;
        else if (event == u"delivered"_s && firstDeliveredLine < 0)
            firstDeliveredLine = i;
    }
    QVERIFY(lastStoredLine >= 0 && firstDeliveredLine > lastStoredLine);
    // The hub kept ciphertext only: no text on its disk.
    QDir data(dataDir);
    for (const QString &name : data.entryList(QDir::Files)) {
        QFile f(data.filePath(name));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray content = f.readAll();
        QVERIFY2(!content.contains("three"), qPrintable(name));
    }
}

void TestCliEndToEnd::restartHub(const QStringList &args, bool kill)
{
    const QString port = QString::number(QUrl(m_url).port());
    if (kill)
        m_hub->process().kill();
    else
        m_hub->process().terminate();
    m_hub->waitForExit();
    m_hub = std::make_unique<Proc>(kHub, QStringList { u"--port"_s, port, u"--name"_s, u"E2E hub"_s } + args);
    QVERIFY(m_hub->started());
    QVERIFY(!m_hub->waitForLine(QRegularExpression(u"listening on ws://"_s)).isEmpty());
}

QList<qint64> TestCliEndToEnd::sendFile(qint64 bytes, FilePath path, qint64 midwayBytes,
                                        const std::function<void(Proc &alice, Proc &bob)> &midway)
{
    const bool direct = path == FilePath::Direct;
    QTemporaryDir dir;
    if (!dir.isValid())
        return {};
    const QString source = dir.filePath(u"random.bin"_s);
    const QString sha = writeRandomFile(dir, bytes);
    if (sha.isEmpty())
        return {};
    const QString inbox = dir.filePath(u"inbox"_s);
    const QStringList listen = path == FilePath::Relayed ? QStringList { u"--no-listen"_s } : QStringList();
    Proc bob(kCli, cli(QStringList { u"--hub"_s, m_url, u"--id"_s, u"bob"_s, u"--identity"_s, dir.filePath(u"bob.key"_s),
                                     u"--json"_s, u"--accept-files"_s, inbox } + listen));
    bob.started();
    if (bob.waitForEvent(u"welcome"_s).isEmpty())
        return {};
    Proc alice(kCli, cli(QStringList { u"--hub"_s, m_url, u"--id"_s, u"alice"_s, u"--identity"_s,
                                       dir.filePath(u"alice.key"_s), u"--json"_s } + listen));
    alice.started();
    if (alice.waitForEvent(u"welcome"_s).isEmpty())
        return {};
    if (direct) {
        alice.write(u"/connect bob\n"_s);
        if (alice.waitForEvent(u"path"_s, { { u"peer"_s, u"bob"_s }, { u"path"_s, u"direct"_s } }).isEmpty())
            return {};
    }
    alice.write(u"/send-file bob %1\n"_s.arg(source));
    const auto progress = [&bob] { return fileProgress(bob); };
    if (midway) {
        if (!QTest::qWaitFor([&] { return !progress().isEmpty() && progress().last() >= midwayBytes; }, 30000))
            return {};
        midway(alice, bob);
    }
    const QJsonObject received = bob.waitForEvent(u"file_done"_s, {}, 120000);
    const QJsonObject sent = alice.waitForEvent(u"file_done"_s, {}, 30000);
    if (received.isEmpty() || sent.isEmpty()) {
        qWarning() << "alice:" << alice.lines().join(u'\n').right(2000) << "bob:" << bob.lines().join(u'\n').right(2000);
        return {};
    }
    // The receiver's SHA-256 is the original's, and so is what it saved.
    const QString saved = received.value("path"_L1).toString();
    if (received.value("sha256"_L1).toString() != sha || sent.value("sha256"_L1).toString() != sha
        || QFileInfo(saved).dir().absolutePath() != QDir(inbox).absolutePath() || sha256Of(saved) != sha) {
        qWarning() << "hashes differ:" << sha << received << sent;
        return {};
    }
    if (QDir(inbox).entryList(QDir::Files) != QStringList { u"random.bin"_s })
        return {}; // no .part or state left behind
    QList<qint64> list = progress();
    list.append(bytes);
    return list;
}

// Issue 15's "done when", relayed: both peers with --no-listen, so every chunk goes through the hub (here without a
// byte rate, so the 30 MiB go as fast as the window allows).
void TestCliEndToEnd::fileRelayed()
{
    restartHub({ u"--byte-rate"_s, u"0"_s });
    QVERIFY(!sendFile(30 * 1024 * 1024, FilePath::Relayed).isEmpty());
}

// ... and over a direct link: the hub relays no file chunk at all (relay-files no), so they all went direct.
void TestCliEndToEnd::fileOverDirectLink()
{
    restartHub({ u"--relay-files"_s, u"no"_s });
    QVERIFY(!sendFile(30 * 1024 * 1024, FilePath::Direct).isEmpty());
}

// The hub is killed in the middle of a relayed transfer and restarted: the transfer completes without starting over
// (the receiver's verified bytes never fall back by more than the window of unacknowledged chunks).
void TestCliEndToEnd::fileResumesAfterHubKill()
{
    const QStringList slow { u"--byte-rate"_s, u"0"_s, u"--file-relay-rate"_s, u"1048576"_s };
    restartHub(slow);
    qint64 before = 0;
    const QList<qint64> progress = sendFile(6 * 1024 * 1024, FilePath::Relayed, 2 * 1024 * 1024, [&](Proc &, Proc &) {
        restartHub(slow, true);
    });
    QVERIFY(!progress.isEmpty());
    const qint64 window = 16 * 32 * 1024;
    for (const qint64 bytes : progress) {
        QVERIFY2(bytes >= before - window, qPrintable(u"fell back from %1 to %2"_s.arg(before).arg(bytes)));
        before = std::max(before, bytes);
    }
}

// The transfer starts through the hub (paced by its file relay rate) and moves to a direct link made in its middle,
// without starting over.
void TestCliEndToEnd::fileSwitchesToADirectLinkMidway()
{
    restartHub({ u"--byte-rate"_s, u"0"_s, u"--file-relay-rate"_s, u"1048576"_s });
    qint64 before = 0;
    bool direct = false;
    const auto connectMidway = [&](Proc &alice, Proc &) {
        alice.write(u"/connect bob\n"_s);
        direct = !alice.waitForEvent(u"path"_s, { { u"peer"_s, u"bob"_s }, { u"path"_s, u"direct"_s } }).isEmpty();
    };
    const QList<qint64> progress = sendFile(6 * 1024 * 1024, FilePath::Listening, 1024 * 1024, connectMidway);
    QVERIFY(direct);
    QVERIFY(!progress.isEmpty());
    for (const qint64 bytes : progress) {
        QVERIFY2(bytes >= before - 16 * 32 * 1024, qPrintable(u"fell back from %1 to %2"_s.arg(before).arg(bytes)));
        before = std::max(before, bytes);
    }
}

// Either side pauses a relayed transfer in its middle (issue 15): both say who paused it, the other side may not resume
// it, nothing more arrives for longer than the sender's 5 s stall timeout, and the resume goes on from the verified
// bytes (never falling back by more than the window) to the original's SHA-256 (checked by sendFile).
void TestCliEndToEnd::filePausedAndResumedByEitherSide_data()
{
    QTest::addColumn<bool>("senderPauses");
    QTest::newRow("the sender pauses") << true;
    QTest::newRow("the receiver pauses") << false;
}

void TestCliEndToEnd::filePausedAndResumedByEitherSide()
{
    QFETCH(bool, senderPauses);
    restartHub({ u"--byte-rate"_s, u"0"_s, u"--file-relay-rate"_s, u"1048576"_s });
    const qint64 size = 4 * 1024 * 1024;
    bool paused = false;
    const QList<qint64> progress = sendFile(size, FilePath::Relayed, 1024 * 1024, [&](Proc &alice, Proc &bob) {
        Proc &pauser = senderPauses ? alice : bob;
        Proc &other = senderPauses ? bob : alice;
        const QString tid = alice.waitForEvent(u"file_sending"_s).value("tid"_L1).toString();
        pauser.write(u"/pause %1\n"_s.arg(tid));
        const QJsonObject mine = pauser.waitForEvent(u"file_paused"_s, { { u"tid"_s, tid }, { u"by"_s, u"you"_s } });
        const QJsonObject theirs = other.waitForEvent(u"file_paused"_s, { { u"tid"_s, tid }, { u"by"_s, u"peer"_s } });
        QVERIFY2(!mine.isEmpty() && !theirs.isEmpty(),
                 qPrintable(pauser.lines().join(u'\n').right(1500) + other.lines().join(u'\n').right(1500)));
        QVERIFY2(theirs.value("reason"_L1).toString().contains(senderPauses ? u"alice"_s : u"bob"_s),
                 qPrintable(theirs.value("reason"_L1).toString()));
        other.write(u"/resume %1\n"_s.arg(tid)); // not theirs to resume
        QVERIFY(!other.waitForEvent(u"error"_s, { { u"code"_s, u"usage"_s } }).isEmpty());

        // Nothing more arrives, well past the sender's stall timeout (5 s): no progress, the .part stays as it is.
        const QString part = bob.waitForEvent(u"file_paused"_s, { { u"tid"_s, tid } }).value("path"_L1).toString();
        const qint64 kept = QFileInfo(part).size();
        QVERIFY2(kept > 0 && kept < size, qPrintable(u"%1: %2 bytes"_s.arg(part).arg(kept)));
        const auto progressLines = [&bob] {
            return std::count_if(bob.lines().cbegin(), bob.lines().cend(),
                                 [](const QString &line) { return line.contains(u"\"file_progress\""_s); });
        };
        const auto before = progressLines();
        QVERIFY(!QTest::qWaitFor([&] { return progressLines() > before || QFileInfo(part).size() != kept; }, 6500));
        paused = true;

        pauser.write(u"/resume %1\n"_s.arg(tid));
        QVERIFY(!pauser.waitForEvent(u"file_resumed"_s, { { u"tid"_s, tid } }).isEmpty());
        QVERIFY(!other.waitForEvent(u"file_resumed"_s, { { u"tid"_s, tid } }).isEmpty());
    });
    QVERIFY(paused);
    QVERIFY(!progress.isEmpty()); // done, with the original's SHA-256 and no .part left
    qint64 most = 0;
    for (const qint64 bytes : progress) {
        QVERIFY2(bytes >= most - 16 * 32 * 1024, qPrintable(u"fell back from %1 to %2"_s.arg(most).arg(bytes)));
        most = std::max(most, bytes);
    }
}

// A hub that relays no files, and no direct link: the sender hears why, plainly.
void TestCliEndToEnd::fileRelayRefusedIsReported()
{
    restartHub({ u"--relay-files"_s, u"no"_s });
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(u"small.txt"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("hello");
    file.close();
    const auto bob
        = startIdentified(m_url, u"bob"_s, dir, { u"--no-listen"_s, u"--accept-files"_s, dir.filePath(u"inbox"_s) });
    QVERIFY(bob);
    const auto alice = startIdentified(m_url, u"alice"_s, dir, { u"--no-listen"_s });
    QVERIFY(alice);
    alice->write(u"/send-file bob %1\n"_s.arg(file.fileName()));
    QVERIFY(!alice->waitForEvent(u"error"_s, { { u"code"_s, u"file_relay_refused"_s } }).isEmpty());
    const QJsonObject failed = alice->waitForEvent(u"file_failed"_s);
    QVERIFY2(failed.value("reason"_L1).toString().contains(u"does not relay files"_s), qPrintable(failed.value("reason"_L1).toString()));
    QVERIFY(!bob->waitForEvent(u"file_failed"_s).isEmpty());
}

// A full disk pauses the transfer with a clear message and loses nothing already written: bob accepts into a small
// tmpfs that a filler file has all but filled, the .part holds exactly the bytes he verified and alice is not told it
// is done, only that the receiver's disk is full; once the filler is removed, /resume completes it with the original's
// SHA-256 and no .part left.
void TestCliEndToEnd::fullDiskPausesTheTransfer_data()
{
    // The hub's message limit sets the chunk size: chunks larger than QFile's write buffer (16 KiB) and smaller.
    QTest::addColumn<QStringList>("hubArgs");
    QTest::newRow("32 KiB chunks") << QStringList { u"--byte-rate"_s, u"0"_s };
    QTest::newRow("11 KiB chunks") << QStringList { u"--byte-rate"_s, u"0"_s, u"--max-message-bytes"_s, u"16384"_s };
}

void TestCliEndToEnd::fullDiskPausesTheTransfer()
{
    QFETCH(QStringList, hubArgs);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString inbox = dir.filePath(u"inbox"_s);
    QVERIFY(QDir().mkpath(inbox));
    QProcess mount;
    mount.start(u"mount"_s, { u"-t"_s, u"tmpfs"_s, u"-o"_s, u"size=4m"_s, u"tmpfs"_s, inbox });
    if (!mount.waitForFinished(10000) || mount.exitStatus() != QProcess::NormalExit || mount.exitCode() != 0)
        QSKIP(qPrintable(u"cannot mount a 4 MiB tmpfs to fill (mounting needs root): "_s
                         + QString::fromLocal8Bit(mount.readAllStandardError()).trimmed()));
    // Declared before the peers, so it runs after they are gone (lazy: whatever still holds a file there).
    const auto unmount = qScopeGuard([&inbox] { QProcess::execute(u"umount"_s, { u"-l"_s, inbox }); });
    const QString filler = QDir(inbox).filePath(u"filler"_s);
    {
        QFile f(filler);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.write(QByteArray(QStorageInfo(inbox).bytesAvailable() - 384 * 1024, 'x')) > 0);
    }
    const qint64 size = 2 * 1024 * 1024;
    QByteArray content(size, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(content.data()), size / 4);
    const QString source = dir.filePath(u"random.bin"_s);
    {
        QFile f(source);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(content), size);
    }
    const QString sha = QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());

    restartHub(hubArgs);
    const auto bob = startIdentified(m_url, u"bob"_s, dir, { u"--no-listen"_s, u"--accept-files"_s, inbox });
    QVERIFY(bob);
    const auto alice = startIdentified(m_url, u"alice"_s, dir, { u"--no-listen"_s });
    QVERIFY(alice);
    alice->write(u"/send-file bob %1\n"_s.arg(source));

    const QJsonObject paused = bob->waitForEvent(u"file_paused"_s, {}, 30000);
    QVERIFY2(!paused.isEmpty(), qPrintable(bob->lines().join(u'\n').right(2000)));
    const QString reason = paused.value("reason"_L1).toString();
    QVERIFY2(reason.contains(u"disk is full"_s), qPrintable(reason));
    QCOMPARE(paused.value("by"_L1).toString(), u"disk"_s);
    // The sender is told (so it stops sending its window again every stall timeout) and says why.
    const QJsonObject told = alice->waitForEvent(u"file_paused"_s, { { u"by"_s, u"peer"_s } });
    QVERIFY2(told.value("reason"_L1).toString().contains(u"disk is full"_s),
             qPrintable(alice->lines().join(u'\n').right(2000)));
    // Nothing verified is lost, and nothing unverified is kept: the .part is exactly the verified bytes.
    const QString part = paused.value("path"_L1).toString();
    QCOMPARE(QFileInfo(part).dir().absolutePath(), QDir(inbox).absolutePath());
    const qint64 verified = paused.value("bytes"_L1).toInteger(-1);
    QVERIFY2(verified > 0 && verified < size, qPrintable(QString::number(verified)));
    {
        QFile f(part);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.size(), verified);
        QVERIFY(f.readAll() == content.left(verified));
    }
    const auto saidDone = [&alice] {
        return std::any_of(alice->lines().cbegin(), alice->lines().cend(),
                           [](const QString &line) { return line.contains(u"\"file_done\""_s); });
    };
    QVERIFY(!saidDone());
    QVERIFY(bob->waitForEvent(u"file_failed"_s, {}, 0).isEmpty());

    // Space is freed; bob goes on from what he kept.
    QVERIFY(QFile::remove(filler));
    bob->write(u"/resume %1\n"_s.arg(paused.value("tid"_L1).toString()));
    const QJsonObject received = bob->waitForEvent(u"file_done"_s, {}, 60000);
    QVERIFY2(!received.isEmpty(), qPrintable(bob->lines().join(u'\n').right(2000)));
    QCOMPARE(received.value("sha256"_L1).toString(), sha);
    QCOMPARE(alice->waitForEvent(u"file_done"_s, {}, 30000).value("sha256"_L1).toString(), sha);
    QVERIFY(!alice->waitForEvent(u"file_resumed"_s, {}, 0).isEmpty());
    QFile saved(received.value("path"_L1).toString());
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(saved.readAll(), QCryptographicHash::Sha256).toHex()), sha);
    QCOMPARE(QDir(inbox).entryList(QDir::Files | QDir::Hidden), QStringList { u"random.bin"_s });
}

QString TestCliEndToEnd::sendAndKill(const QTemporaryDir &dir, std::unique_ptr<Proc> &alice, std::unique_ptr<Proc> &bob,
                                    bool killReceiver)
{
    restartHub({ u"--byte-rate"_s, u"0"_s, u"--file-relay-rate"_s, u"1048576"_s });
    if (writeRandomFile(dir, kRestartedFileBytes).isEmpty())
        return QString();
    bob = startIdentified(m_url, u"bob"_s, dir, { u"--no-listen"_s, u"--accept-files"_s, dir.filePath(u"inbox"_s) });
    alice = startIdentified(m_url, u"alice"_s, dir, { u"--no-listen"_s });
    if (!alice || !bob)
        return QString();
    alice->write(u"/send-file bob %1\n"_s.arg(dir.filePath(u"random.bin"_s)));
    const QString tid = alice->waitForEvent(u"file_sending"_s).value("tid"_L1).toString();
    if (tid.isEmpty()
        || !QTest::qWaitFor([&bob] { return !fileProgress(*bob).isEmpty() && fileProgress(*bob).last() >= 1536 * 1024; },
                            30000))
        return QString();
    Proc &victim = killReceiver ? *bob : *alice;
    Proc &witness = killReceiver ? *alice : *bob;
    victim.process().kill(); // SIGKILL: nothing is written on the way out
    victim.waitForExit();
    // Seen gone once the hub let go of its id (after its reconnect grace): it may come back under it.
    if (witness.waitForEvent(u"peer_disconnect"_s, { { u"id"_s, killReceiver ? u"bob"_s : u"alice"_s } }).isEmpty())
        return QString();
    // What alice remembers is next to her identity, owner-only (it holds the transfer's key).
    QFile store(dir.filePath(u"alice.key.transfers"_s));
    if ((store.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup)) || !store.open(QIODevice::ReadOnly)
        || !store.readAll().contains(tid.toLatin1()))
        return QString();
    return tid;
}

// Issue 15: the sending peerlink-cli is killed in the middle of a relayed transfer and started again with the same
// identity: the transfer goes on by itself (no /send-file) from what bob verified, and bob gets the original's bytes.
void TestCliEndToEnd::fileGoesOnAfterTheSenderIsRestarted()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::unique_ptr<Proc> alice, bob;
    const QString tid = sendAndKill(dir, alice, bob);
    QVERIFY(!tid.isEmpty());
    const qint64 before = fileProgress(*bob).last();
    const qsizetype seen = fileProgress(*bob).size();

    alice = startIdentified(m_url, u"alice"_s, dir, { u"--no-listen"_s });
    QVERIFY(alice);
    QVERIFY(!alice->waitForEvent(u"file_restored"_s, { { u"tid"_s, tid } }).isEmpty());
    const QJsonObject received = bob->waitForEvent(u"file_done"_s, { { u"tid"_s, tid } }, 120000);
    QVERIFY2(!received.isEmpty(), qPrintable(alice->lines().join(u'\n').right(2000)));
    const QString sha = sha256Of(dir.filePath(u"random.bin"_s));
    QCOMPARE(received.value("sha256"_L1).toString(), sha);
    QCOMPARE(sha256Of(received.value("path"_L1).toString()), sha);
    QCOMPARE(alice->waitForEvent(u"file_done"_s, { { u"tid"_s, tid } }, 30000).value("sha256"_L1).toString(), sha);
    // Bob's progress after the restart went on from where it was (at most a window of chunks back), not from zero.
    const QList<qint64> after = fileProgress(*bob).mid(seen);
    QVERIFY(!after.isEmpty());
    for (const qint64 bytes : after)
        QVERIFY2(bytes >= before - kWindowBytes, qPrintable(u"fell back from %1 to %2"_s.arg(before).arg(bytes)));
    QVERIFY(!alice->lines().join(u'\n').contains(u"file_offer"_s));
    // Done: alice no longer remembers it.
    QFile store(dir.filePath(u"alice.key.transfers"_s));
    QVERIFY(store.open(QIODevice::ReadOnly));
    QVERIFY(!store.readAll().contains(tid.toLatin1()));
}

// The receiving peerlink-cli is killed in the middle and started again: the sender, still running, hears from bob's new
// program that it does not know the transfer, and offers the file again under the same id and key; bob takes it up
// from his .part.
void TestCliEndToEnd::fileGoesOnAfterTheReceiverIsRestarted()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::unique_ptr<Proc> alice, bob;
    const QString tid = sendAndKill(dir, alice, bob, true);
    QVERIFY(!tid.isEmpty());
    const QString inbox = dir.filePath(u"inbox"_s);
    const qint64 kept = QFileInfo(QDir(inbox).filePath(u"random.bin.part"_s)).size();
    QVERIFY(kept >= 1024 * 1024);

    bob = startIdentified(m_url, u"bob"_s, dir, { u"--no-listen"_s, u"--accept-files"_s, inbox });
    QVERIFY(bob);
    QVERIFY(!bob->waitForEvent(u"file_offer"_s, { { u"tid"_s, tid } }, 30000).isEmpty());
    const QJsonObject received = bob->waitForEvent(u"file_done"_s, { { u"tid"_s, tid } }, 120000);
    QVERIFY2(!received.isEmpty(), qPrintable(alice->lines().join(u'\n').right(2000)));
    const QString sha = sha256Of(dir.filePath(u"random.bin"_s));
    QCOMPARE(sha256Of(received.value("path"_L1).toString()), sha);
    QCOMPARE(alice->waitForEvent(u"file_done"_s, { { u"tid"_s, tid } }, 30000).value("sha256"_L1).toString(), sha);
    QVERIFY(alice->waitForEvent(u"file_failed"_s, {}, 0).isEmpty());
    const QList<qint64> after = fileProgress(*bob);
    QVERIFY(!after.isEmpty());
    QVERIFY2(*std::min_element(after.cbegin(), after.cend()) >= kept,
             qPrintable(u"went back below the %1 bytes kept"_s.arg(kept)));
}

// Both are killed in the middle, and started again, the sender first: bob's new program is offered the file again
// under the same id when he is back, and takes it up from his .part.
void TestCliEndToEnd::fileGoesOnAfterBothAreRestarted()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::unique_ptr<Proc> alice, bob;
    const QString tid = sendAndKill(dir, alice, bob);
    QVERIFY(!tid.isEmpty());
    bob->process().kill();
    bob->waitForExit();
    const QString inbox = dir.filePath(u"inbox"_s);
    const qint64 kept = QFileInfo(QDir(inbox).filePath(u"random.bin.part"_s)).size();
    QVERIFY(kept >= 1024 * 1024);

    alice = startIdentified(m_url, u"alice"_s, dir, { u"--no-listen"_s });
    QVERIFY(alice);
    QVERIFY(!alice->waitForEvent(u"file_restored"_s, { { u"tid"_s, tid } }).isEmpty());
    // The hub holds the id of a dropped peer for its reconnect grace: bob comes back once it let go of it.
    const QJsonArray peers = alice->waitForEvent(u"welcome"_s).value("peers"_L1).toArray();
    if (std::any_of(peers.begin(), peers.end(), [](const QJsonValue &p) { return p["id"_L1] == u"bob"_s; }))
        QVERIFY(!alice->waitForEvent(u"peer_disconnect"_s, { { u"id"_s, u"bob"_s } }).isEmpty());
    bob = startIdentified(m_url, u"bob"_s, dir, { u"--no-listen"_s, u"--accept-files"_s, inbox });
    QVERIFY(bob);
    QVERIFY(!bob->waitForEvent(u"file_offer"_s, { { u"tid"_s, tid } }).isEmpty());
    const QJsonObject received = bob->waitForEvent(u"file_done"_s, { { u"tid"_s, tid } }, 120000);
    QVERIFY2(!received.isEmpty(), qPrintable(bob->lines().join(u'\n').right(2000)));
    const QString sha = sha256Of(dir.filePath(u"random.bin"_s));
    QCOMPARE(sha256Of(received.value("path"_L1).toString()), sha);
    QCOMPARE(alice->waitForEvent(u"file_done"_s, { { u"tid"_s, tid } }, 30000).value("sha256"_L1).toString(), sha);
    // The new bob's progress starts from what his part kept.
    const QList<qint64> after = fileProgress(*bob);
    QVERIFY(!after.isEmpty());
    QVERIFY2(*std::min_element(after.cbegin(), after.cend()) >= kept,
             qPrintable(u"went back below the %1 bytes kept, to %2"_s.arg(kept).arg(after.first())));
    QCOMPARE(QDir(inbox).entryList(QDir::Files | QDir::Hidden), QStringList { u"random.bin"_s });
}

// The file is changed while the sender is closed: started again, it says so and sends nothing of the new bytes.
void TestCliEndToEnd::fileChangedWhileTheSenderWasClosedFails()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::unique_ptr<Proc> alice, bob;
    const QString tid = sendAndKill(dir, alice, bob);
    QVERIFY(!tid.isEmpty());
    {
        // Other bytes of the same size, changed a minute later.
        QFile f(dir.filePath(u"random.bin"_s));
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.seek(kRestartedFileBytes - 3));
        QCOMPARE(f.write("new"), 3);
        QVERIFY(f.setFileTime(f.fileTime(QFileDevice::FileModificationTime).addSecs(60),
                              QFileDevice::FileModificationTime));
    }
    const qsizetype progressSeen = fileProgress(*bob).size();
    alice = startIdentified(m_url, u"alice"_s, dir, { u"--no-listen"_s });
    QVERIFY(alice);
    const QJsonObject failed = alice->waitForEvent(u"file_failed"_s, { { u"tid"_s, tid } });
    QVERIFY2(failed.value("reason"_L1).toString().contains(u"changed since it was offered"_s),
             qPrintable(failed.value("reason"_L1).toString()));
    QVERIFY(alice->waitForEvent(u"file_restored"_s, {}, 0).isEmpty());
    // Nothing more reaches bob: no progress, no file.
    alice->write(u"/to bob after\n"_s);
    QVERIFY(!bob->waitForEvent(u"message"_s, { { u"text"_s, u"after"_s } }).isEmpty());
    QCOMPARE(fileProgress(*bob).size(), progressSeen);
    QVERIFY(bob->waitForEvent(u"file_done"_s, {}, 0).isEmpty());
    QVERIFY(!QFileInfo::exists(dir.filePath(u"inbox/random.bin"_s)));
}

QTEST_GUILESS_MAIN(TestCliEndToEnd)
#include "tst_cli_e2e.moc"
