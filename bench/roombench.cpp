// Room fan-out (issue 17): one member of a room of N says M messages; every other member receives each. PeerLink's
// hub (members join with identities, as rooms require; the hub relays each sealed message, `room` op `send`, to the
// members) against socket.io's own server with the same room made idiomatically (`socket.join(room)`,
// `socket.to(room).emit(...)`: bench/reference/socketio-hub.js, events join_room and room_message), in one run.
// Prints one JSON object per run (deliveries per second, per hub CPU-second) and a table of medians.
//
// Usage: peerlink-roombench --hub PATH --node PATH --socketio-hub PATH [--members 10,100,1000] [--runs 3]
//                           [--deliveries N] [--text-bytes B] [--servers peerlink,socketio]
// Loopback only; every server it starts is stopped by itself.
#include "crypto/envelope.h"
#include "crypto/identity.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <QTextStream>
#include <QWebSocket>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <unistd.h>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

/// A server process: peerlink-hub or node with socketio-hub.js; its port from what it prints.
class ServerProcess
{
public:
    ServerProcess(const QString &program, const QStringList &args)
    {
        m_process.setProgram(program);
        m_process.setArguments(args);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
    }
    ~ServerProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    /// Starts it; the port it listens on, or 0.
    quint16 start(const QRegularExpression &portPattern)
    {
        m_process.start();
        if (!m_process.waitForStarted(5000))
            return 0;
        QString seen;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 20000) {
            if (!m_process.waitForReadyRead(500) && m_process.state() == QProcess::NotRunning)
                return 0;
            seen += QString::fromUtf8(m_process.readAll());
            const QRegularExpressionMatch m = portPattern.match(seen);
            if (m.hasMatch())
                return quint16(m.captured(1).toUInt());
        }
        return 0;
    }
    double cpuSeconds() const
    {
        QFile f(u"/proc/%1/stat"_s.arg(m_process.processId()));
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        const QByteArray stat = f.readAll();
        const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        if (fields.size() < 13)
            return -1;
        return (fields.at(11).toDouble() + fields.at(12).toDouble()) / double(sysconf(_SC_CLK_TCK));
    }

private:
    QProcess m_process;
};

/// One member's connection, speaking PeerLink's protocol or socket.io (Engine.IO 4 over WebSocket).
struct Member
{
    QString id;
    std::unique_ptr<QWebSocket> ws;
    bool ready = false;    // joined the hub and the room
    qint64 received = 0;   // room messages received
    qint64 acked = 0;      // the sender's messages acknowledged
    std::optional<Crypto::Identity> identity;
    std::optional<Crypto::Prekey> prekey;
};

QString b64(const QByteArray &bytes)
{
    return QString::fromLatin1(Crypto::toBase64(bytes));
}

struct Result
{
    bool ok = false;
    double seconds = 0;
    double serverCpu = 0;
    qint64 deliveries = 0;
};

class RoomRun
{
public:
    RoomRun(bool socketIo, quint16 port, int members, qint64 messages, int textBytes)
        : m_socketIo(socketIo)
        , m_port(port)
        , m_messages(messages)
        , m_text(textBytes, u'x')
    {
        m_members.resize(members);
    }

    /// Connects every member, joins the hub and the room; false when that did not happen within the time allowed.
    bool setUp()
    {
        for (int i = 0; i < int(m_members.size()); ++i) {
            Member &m = m_members[i];
            m.id = u"m%1"_s.arg(i);
            m.ws = std::make_unique<QWebSocket>();
            if (!m_socketIo) {
                m.identity = Crypto::Identity::generate();
                m.prekey = Crypto::Prekey::generate(*m.identity, m.id);
            }
            QObject::connect(m.ws.get(), &QWebSocket::textMessageReceived, m.ws.get(),
                             [this, i](const QString &text) { onText(i, text.toUtf8()); });
            QObject::connect(m.ws.get(), &QWebSocket::connected, m.ws.get(), [this, i] { onConnected(i); });
            const QString path = m_socketIo ? u"/socket.io/?EIO=4&transport=websocket"_s : u"/"_s;
            m.ws->open(QUrl(u"ws://127.0.0.1:%1%2"_s.arg(m_port).arg(path)));
            // Members join in order: the first makes the room (a crowd connecting at once is the storm bench's job).
            if (!QTest::qWaitFor([&] { return m.ready; }, 20000))
                return false;
        }
        return true;
    }

    Result send(const std::function<double()> &serverCpu)
    {
        Result r;
        const qint64 expected = m_messages * qint64(m_members.size() - 1);
        const double cpu0 = serverCpu();
        QElapsedTimer t;
        t.start();
        m_sent = 0;
        pump();
        r.ok = QTest::qWaitFor([&] { return deliveries() >= expected && m_members[0].acked >= m_messages; }, 120000);
        r.seconds = double(t.nsecsElapsed()) / 1e9;
        r.serverCpu = serverCpu() - cpu0;
        r.deliveries = deliveries();
        return r;
    }

private:
    qint64 deliveries() const
    {
        qint64 n = 0;
        for (int i = 1; i < int(m_members.size()); ++i)
            n += m_members[i].received;
        return n;
    }

    void sendText(int i, const QByteArray &utf8) { m_members[i].ws->sendTextMessage(QString::fromUtf8(utf8)); }

    void onConnected(int i)
    {
        Member &m = m_members[i];
        if (m_socketIo)
            return; // the hub speaks first (the open packet)
        QJsonObject join { { u"type"_s, u"join"_s },
                           { u"id"_s, m.id },
                           { u"key"_s, b64(m.identity->publicKey()) },
                           { u"prekey"_s, b64(m.prekey->publicKey()) },
                           { u"prekey_sig"_s, b64(m.prekey->signature()) } };
        sendText(i, QJsonDocument(join).toJson(QJsonDocument::Compact));
    }

    /// The sender keeps a window of messages waiting for their acknowledgement.
    void pump()
    {
        constexpr qint64 kWindow = 64;
        while (m_sent < m_messages && m_sent - m_members[0].acked < kWindow) {
            ++m_sent;
            QByteArray frame;
            if (m_socketIo) {
                frame = "42" + QByteArray::number(1000 + m_sent) + "[\"room_message\",{\"room\":\"bench\",\"text\":\""
                    + m_text.toUtf8() + "\"}]";
            } else {
                // The hub relays the sealed text as it is: the bench sends a blob of the same size.
                frame = "{\"type\":\"room\",\"op\":\"send\",\"room\":\"bench\",\"mid\":\"b" + QByteArray::number(m_sent)
                    + "\",\"e2e\":\"r1.1." + m_text.toUtf8() + "\"}";
            }
            sendText(0, frame);
        }
    }

    void onText(int i, const QByteArray &utf8)
    {
        Member &m = m_members[i];
        if (m_socketIo)
            onSocketIo(i, m, utf8);
        else
            onPeerLink(i, m, utf8);
    }

    void onPeerLink(int i, Member &m, const QByteArray &utf8)
    {
        if (m.ready) {
            if (utf8.contains("\"op\":\"message\""))
                ++m.received;
            else if (i == 0 && utf8.contains("\"type\":\"ack\"")) {
                ++m.acked;
                pump();
            }
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(utf8).object();
        const QString type = o.value("type"_L1).toString();
        if (type == u"challenge") {
            const QByteArray hub = Crypto::fromBase64(o.value("hub"_L1).toString().toLatin1(), nullptr);
            const QByteArray nonce = Crypto::fromBase64(o.value("nonce"_L1).toString().toLatin1(), nullptr);
            QJsonObject join { { u"type"_s, u"join"_s },
                               { u"id"_s, m.id },
                               { u"key"_s, b64(m.identity->publicKey()) },
                               { u"prekey"_s, b64(m.prekey->publicKey()) },
                               { u"prekey_sig"_s, b64(m.prekey->signature()) },
                               { u"sig"_s, b64(m.identity->sign(Crypto::framed(
                                             "peerlink-join-1", { hub, nonce, m.id.toUtf8(), m.identity->publicKey(),
                                                                  m.prekey->publicKey() }))) } };
            sendText(i, QJsonDocument(join).toJson(QJsonDocument::Compact));
        } else if (type == u"welcome") {
            const QString op = i == 0 ? u"create"_s : u"join"_s;
            sendText(i, QJsonDocument(QJsonObject { { u"type"_s, u"room"_s }, { u"op"_s, op }, { u"room"_s, u"bench"_s } })
                            .toJson(QJsonDocument::Compact));
        } else if (type == u"room" && o.value("op"_L1).toString() == u"joined") {
            m.ready = true;
        } else if (type == u"error") {
            std::fprintf(stderr, "roombench: %s: %s\n", qPrintable(m.id), utf8.constData());
        }
    }

    void onSocketIo(int i, Member &m, const QByteArray &utf8)
    {
        if (utf8 == "2") {
            sendText(i, "3");
            return;
        }
        if (m.ready) {
            if (utf8.startsWith("42[\"room_message\""))
                ++m.received;
            else if (i == 0 && utf8.startsWith("43")) {
                ++m.acked;
                pump();
            }
            return;
        }
        if (utf8.startsWith('0'))
            sendText(i, "40");
        else if (utf8.startsWith("40{"))
            sendText(i, "42[\"join\",{\"id\":\"" + m.id.toUtf8() + "\"}]");
        else if (utf8.startsWith("42[\"welcome\""))
            sendText(i, "420[\"join_room\",\"bench\"]");
        else if (utf8.startsWith("430"))
            m.ready = true;
    }

    bool m_socketIo;
    quint16 m_port;
    qint64 m_messages;
    QString m_text;
    qint64 m_sent = 0;
    std::vector<Member> m_members;
};

double median(QList<double> v)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v.at(v.size() / 2) : (v.at(v.size() / 2 - 1) + v.at(v.size() / 2)) / 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({ u"hub"_s, u"peerlink-hub to start."_s, u"PATH"_s });
    parser.addOption({ u"hub-config"_s, u"Its config file (bench/peerlink-hub.bench.conf)."_s, u"FILE"_s });
    parser.addOption({ u"node"_s, u"node, to start socket.io's server."_s, u"PATH"_s, u"node"_s });
    parser.addOption({ u"socketio-hub"_s, u"bench/reference/socketio-hub.js."_s, u"PATH"_s });
    parser.addOption({ u"members"_s, u"Room sizes, comma-separated."_s, u"LIST"_s, u"10,100,1000"_s });
    parser.addOption({ u"runs"_s, u"Runs of each."_s, u"N"_s, u"3"_s });
    parser.addOption({ u"deliveries"_s, u"Deliveries per run (messages = deliveries / (members - 1))."_s, u"N"_s,
                       u"200000"_s });
    parser.addOption({ u"text-bytes"_s, u"Size of each message's text."_s, u"B"_s, u"64"_s });
    parser.addOption({ u"servers"_s, u"peerlink, socketio or both."_s, u"LIST"_s, u"peerlink,socketio"_s });
    parser.process(app);
    const QStringList servers = parser.value(u"servers"_s).split(u',');
    const int runs = std::max(1, parser.value(u"runs"_s).toInt());
    QTextStream out(stdout);
    struct Row
    {
        QString server;
        int members;
        QList<double> perCpu;
        QList<double> perSecond;
    };
    QList<Row> rows;
    for (const QString &sizeText : parser.value(u"members"_s).split(u',')) {
        const int members = std::max(2, sizeText.toInt());
        const qint64 messages = std::max<qint64>(1, parser.value(u"deliveries"_s).toLongLong() / (members - 1));
        for (const QString &server : servers) {
            Row row { server, members, {}, {} };
            for (int run = 0; run < runs; ++run) {
                const bool socketIo = server == u"socketio";
                std::unique_ptr<ServerProcess> process;
                quint16 port = 0;
                if (socketIo) {
                    process = std::make_unique<ServerProcess>(parser.value(u"node"_s),
                                                              QStringList { parser.value(u"socketio-hub"_s), u"0"_s });
                    port = process->start(QRegularExpression(u"listening (\\d+)"_s));
                } else {
                    QStringList args { u"--port"_s, u"0"_s, u"--max-room-members"_s, u"100000"_s };
                    if (parser.isSet(u"hub-config"_s))
                        args << u"--config"_s << parser.value(u"hub-config"_s);
                    process = std::make_unique<ServerProcess>(parser.value(u"hub"_s), args);
                    port = process->start(QRegularExpression(u"ws://127\\.0\\.0\\.1:(\\d+)"_s));
                }
                if (port == 0) {
                    std::fprintf(stderr, "roombench: %s did not start\n", qPrintable(server));
                    return 1;
                }
                RoomRun room(socketIo, port, members, messages, parser.value(u"text-bytes"_s).toInt());
                if (!room.setUp()) {
                    std::fprintf(stderr, "roombench: %s: the room of %d did not form\n", qPrintable(server), members);
                    return 1;
                }
                const Result r = room.send([&] { return process->cpuSeconds(); });
                QJsonObject o { { u"bench"_s, u"room-fanout"_s },
                                { u"server"_s, server },
                                { u"members"_s, members },
                                { u"messages"_s, messages },
                                { u"complete"_s, r.ok },
                                { u"deliveries"_s, r.deliveries },
                                { u"seconds"_s, r.seconds },
                                { u"server_cpu_s"_s, r.serverCpu },
                                { u"deliveries_per_s"_s, double(r.deliveries) / r.seconds },
                                { u"deliveries_per_server_cpu_s"_s, r.serverCpu > 0 ? double(r.deliveries) / r.serverCpu : 0 } };
                out << QJsonDocument(o).toJson(QJsonDocument::Compact) << '\n';
                out.flush();
                if (r.ok) {
                    row.perCpu.append(o.value("deliveries_per_server_cpu_s"_L1).toDouble());
                    row.perSecond.append(o.value("deliveries_per_s"_L1).toDouble());
                }
            }
            rows.append(row);
        }
    }
    out << "\n| members | server | deliveries/s (median) | deliveries per server CPU-s (median) | runs complete |\n"
           "|---|---|---|---|---|\n";
    for (const Row &r : rows)
        out << "| " << r.members << " | " << r.server << " | " << qint64(median(r.perSecond)) << " | "
            << qint64(median(r.perCpu)) << " | " << r.perCpu.size() << " |\n";
    return 0;
}
