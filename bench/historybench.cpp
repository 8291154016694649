// The history at scale: a conversation of N messages (default 1 000 000, words in English and Chinese) written to a
// fresh database, then: the time to open the store and show a conversation (the first page a view paints), and
// full-text search latency (p50, p99 over many queries). One JSON object per figure, for bench/report.py.
// Usage: peerlink-historybench [--messages N] [--dir DIR]   (DIR: where the database goes; default a temporary one)
#include "history/historymodel.h"
#include "history/messagestore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace PeerLink::History;
using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    qint64 total = 1000000;
    QString dirPath;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args.at(i) == u"--messages")
            total = std::max<qint64>(1000, args.at(i + 1).toLongLong());
        else if (args.at(i) == u"--dir")
            dirPath = args.at(i + 1);
    }
    QTemporaryDir temp;
    const QString path = (dirPath.isEmpty() ? temp.path() : dirPath) + u"/history-bench.db"_s;
    QFile::remove(path);
    const QStringList english { u"lunch"_s, u"meeting"_s, u"tomorrow"_s, u"release"_s, u"build"_s, u"coffee"_s,
                                u"weekend"_s, u"project"_s, u"deadline"_s, u"server"_s, u"hello"_s, u"thanks"_s };
    const QStringList chinese { u"你好"_s, u"明天"_s, u"会议"_s, u"午饭"_s, u"项目"_s, u"服务器"_s, u"谢谢"_s, u"周末"_s };
    QRandomGenerator rng(42);
    const auto sentence = [&]() -> QString {
        QString s;
        const int words = 4 + int(rng.bounded(12));
        for (int w = 0; w < words; ++w) {
            const bool zh = rng.bounded(3) == 0;
            s += zh ? chinese.at(int(rng.bounded(chinese.size()))) : english.at(int(rng.bounded(english.size())));
            s += zh ? QString() : u" "_s;
        }
        return s + u"#"_s + QString::number(rng.bounded(1000000));
    };
    QElapsedTimer t;
    t.start();
    {
        MessageStore store;
        if (!store.open(path)) {
            std::fprintf(stderr, "historybench: %s\n", qPrintable(store.errorString()));
            return 1;
        }
        QList<StoredMessage> batch;
        for (qint64 i = 0; i < total; ++i) {
            StoredMessage m;
            m.conversation = u"bob"_s;
            m.sender = i % 2 ? u"bob"_s : u"me"_s;
            m.recipient = i % 2 ? u"me"_s : u"bob"_s;
            m.outgoing = i % 2 == 0;
            m.state = m.outgoing ? MessageState::Read : MessageState::Received;
            m.mid = u"m%1"_s.arg(i);
            m.text = sentence();
            m.sentMs = 1700000000000LL + i * 1000;
            batch.append(m);
            if (batch.size() == 10000 || i + 1 == total) {
                if (store.appendAll(batch) < 0) {
                    std::fprintf(stderr, "historybench: %s\n", qPrintable(store.errorString()));
                    return 1;
                }
                batch.clear();
            }
        }
    }
    std::printf("{\"workload\":\"history-write\",\"server\":\"peerlink\",\"messages\":%lld,\"messages_per_s\":%.0f}\n",
                static_cast<long long>(total), double(total) / (double(t.nsecsElapsed()) / 1e9));

    // Opening: the store, then the conversation's model (its first page is what a view paints first).
    QList<double> opens;
    for (int round = 0; round < 5; ++round) {
        QElapsedTimer o;
        o.start();
        MessageStore store;
        store.open(path);
        HistoryModel model(&store, u"bob"_s);
        if (model.rowCount() == 0)
            return 1;
        opens.append(double(o.nsecsElapsed()) / 1e6);
    }
    std::sort(opens.begin(), opens.end());
    std::printf("{\"workload\":\"history-open\",\"server\":\"peerlink\",\"messages\":%lld,\"open_ms_median\":%.2f,"
                "\"open_ms_max\":%.2f}\n",
                static_cast<long long>(total), opens.at(opens.size() / 2), opens.last());

    // Search: one and two words, English and Chinese, 100 newest hits each.
    MessageStore store;
    store.open(path);
    QList<double> times;
    qint64 hits = 0;
    for (int q = 0; q < 400; ++q) {
        QString query = q % 2 ? chinese.at(q % chinese.size()) : english.at(q % english.size());
        if (q % 4 == 3)
            query += u" "_s + english.at((q / 4) % english.size());
        QElapsedTimer s;
        s.start();
        hits += store.search(query, 100).size();
        times.append(double(s.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    std::printf("{\"workload\":\"history-search\",\"server\":\"peerlink\",\"messages\":%lld,\"queries\":%lld,"
                "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"hits\":%lld}\n",
                static_cast<long long>(total), static_cast<long long>(times.size()), times.at(times.size() / 2),
                times.at(int(times.size() * 0.99)), static_cast<long long>(hits));
    return 0;
}
