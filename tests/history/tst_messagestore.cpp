// The history on disk: paging, states, search in English and Chinese, export, retention, and every way the database
// can fail (corrupt, read-only, full) reported without losing what was stored.
#include "history/historymodel.h"
#include "history/messagestore.h"
#include "history/searchtext.h"

#include <QBuffer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace PeerLink::History;
using namespace Qt::StringLiterals;

class TestMessageStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void appendPageAndCount();
    void duplicatesAreStoredOnce();
    void appendAllIsAllOrNothing();
    void statesMoveForward();
    void survivesReopening();
    void searchFindsEnglishAndChinese_data();
    void searchFindsEnglishAndChinese();
    void matchExpressions_data();
    void matchExpressions();
    void deleteAndRetention();
    void exports();
    void lazyModel();
    void corruptFileIsReportedAndKept();
    void readOnlyDatabaseIsReported();
    void fullDiskIsReportedAndNothingIsLost();

private:
    StoredMessage msg(const QString &conversation, const QString &sender, const QString &text, qint64 sentMs,
                      const QString &mid = QString()) const;
    QString path() const { return m_dir->filePath(u"history.db"_s); }
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MessageStore> m_store;
};

void TestMessageStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = std::make_unique<MessageStore>();
    QVERIFY2(m_store->open(path()), qPrintable(m_store->errorString()));
}

void TestMessageStore::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

StoredMessage TestMessageStore::msg(const QString &conversation, const QString &sender, const QString &text,
                                    qint64 sentMs, const QString &mid) const
{
    StoredMessage m;
    m.conversation = conversation;
    m.sender = sender;
    m.recipient = sender == u"me" ? conversation : u"me"_s;
    m.text = text;
    m.sentMs = sentMs;
    m.mid = mid;
    m.outgoing = sender == u"me";
    m.state = m.outgoing ? MessageState::Sending : MessageState::Received;
    return m;
}

void TestMessageStore::appendPageAndCount()
{
    for (int i = 1; i <= 25; ++i)
        QVERIFY2(m_store->append(msg(u"bob"_s, i % 2 ? u"bob"_s : u"me"_s, u"m%1"_s.arg(i), 1000 + i)) > 0, qPrintable(m_store->errorString()));
    QVERIFY(m_store->append(msg(u"carol"_s, u"carol"_s, u"hi"_s, 5000)) > 0);
    QCOMPARE(m_store->count(u"bob"_s), 25);
    const QList<StoredMessage> last = m_store->page(u"bob"_s, 0, 10);
    QCOMPARE(last.size(), 10);
    QCOMPARE(last.first().text, u"m16"_s); // oldest first within the page
    QCOMPARE(last.last().text, u"m25"_s);
    const QList<StoredMessage> before = m_store->page(u"bob"_s, last.first().id, 10);
    QCOMPARE(before.last().text, u"m15"_s);
    QCOMPARE(m_store->page(u"bob"_s, m_store->page(u"bob"_s, 0, 25).first().id, 10).size(), 0);
    QCOMPARE(m_store->conversations(), QStringList({ u"carol"_s, u"bob"_s }));
}

void TestMessageStore::duplicatesAreStoredOnce()
{
    const qint64 id = m_store->append(msg(u"bob"_s, u"bob"_s, u"once"_s, 1, u"m1"_s));
    QVERIFY(id > 0);
    QCOMPARE(m_store->append(msg(u"bob"_s, u"bob"_s, u"once"_s, 1, u"m1"_s)), id);
    QVERIFY(m_store->append(msg(u"bob"_s, u"me"_s, u"same mid, other sender"_s, 2, u"m1"_s)) != id);
    QCOMPARE(m_store->count(u"bob"_s), 2);
}

void TestMessageStore::appendAllIsAllOrNothing()
{
    QList<StoredMessage> batch;
    for (int i = 0; i < 5; ++i)
        batch.append(msg(u"bob"_s, u"bob"_s, u"batch %1"_s.arg(i), i, u"b%1"_s.arg(i)));
    QCOMPARE(m_store->appendAll(batch), 5);
    QCOMPARE(m_store->appendAll(batch), 0); // all there already
    // One that cannot be written (the database refuses writes) takes the whole batch back.
    QVERIFY(QSqlQuery(m_store->connection()).exec(u"PRAGMA query_only=1"_s));
    batch = { msg(u"bob"_s, u"bob"_s, u"new 1"_s, 10, u"n1"_s), msg(u"bob"_s, u"bob"_s, u"new 2"_s, 11, u"n2"_s) };
    QCOMPARE(m_store->appendAll(batch), -1);
    QVERIFY(QSqlQuery(m_store->connection()).exec(u"PRAGMA query_only=0"_s));
    QCOMPARE(m_store->count(u"bob"_s), 5);
}

void TestMessageStore::statesMoveForward()
{
    m_store->append(msg(u"bob"_s, u"me"_s, u"hello"_s, 100, u"m1"_s));
    QVERIFY(m_store->setState(u"bob"_s, u"me"_s, u"m1"_s, MessageState::Stored, 110));
    QVERIFY(m_store->setState(u"bob"_s, u"me"_s, u"m1"_s, MessageState::Delivered, 120));
    QVERIFY(!m_store->setState(u"bob"_s, u"me"_s, u"m1"_s, MessageState::Stored, 130)); // never back
    QVERIFY(!m_store->setState(u"bob"_s, u"me"_s, u"m1"_s, MessageState::Failed, 130)); // delivered cannot fail
    QVERIFY(m_store->setState(u"bob"_s, u"me"_s, u"m1"_s, MessageState::Read, 140));
    const StoredMessage m = m_store->page(u"bob"_s, 0, 1).first();
    QCOMPARE(m.state, MessageState::Read);
    QCOMPARE(m.storedMs, 110);
    QCOMPARE(m.deliveredMs, 120);
    QCOMPARE(m.readMs, 140);
    m_store->append(msg(u"bob"_s, u"me"_s, u"lost"_s, 200, u"m2"_s));
    QVERIFY(m_store->setState(u"bob"_s, u"me"_s, u"m2"_s, MessageState::Failed, 210));
    QVERIFY(!m_store->setState(u"bob"_s, u"me"_s, u"unknown"_s, MessageState::Delivered, 210));
}

void TestMessageStore::survivesReopening()
{
    m_store->append(msg(u"bob"_s, u"bob"_s, u"kept"_s, 1));
    m_store->close();
    MessageStore again;
    QVERIFY2(again.open(path()), qPrintable(again.errorString()));
    QCOMPARE(again.count(u"bob"_s), 1);
    QCOMPARE(again.search(u"kept"_s).size(), 1);
}

void TestMessageStore::searchFindsEnglishAndChinese_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("expected"); // texts, newest first
    QTest::newRow("english word") << u"lunch"_s << QStringList { u"Lunch at noon?"_s };
    QTest::newRow("prefix of last word") << u"lun"_s << QStringList { u"Lunch at noon?"_s };
    QTest::newRow("two words any order") << u"noon lunch"_s << QStringList { u"Lunch at noon?"_s };
    QTest::newRow("case and accents") << u"CAFE"_s << QStringList { u"Meet at the café"_s };
    QTest::newRow("chinese two characters") << u"你好"_s << QStringList { u"你好吗？我们明天见"_s, u"大家你好"_s };
    QTest::newRow("chinese inside a sentence") << u"明天"_s << QStringList { u"你好吗？我们明天见"_s };
    QTest::newRow("chinese not contiguous") << u"你见"_s << QStringList {};
    QTest::newRow("mixed") << u"PeerLink 很好"_s << QStringList { u"PeerLink 很好用"_s };
    QTest::newRow("operators are literal") << u"\"lunch\" OR NEAR("_s << QStringList {};
    QTest::newRow("nothing searchable") << u"?!"_s << QStringList {};
}

void TestMessageStore::searchFindsEnglishAndChinese()
{
    QFETCH(QString, query);
    QFETCH(QStringList, expected);
    const QStringList texts { u"大家你好"_s, u"Lunch at noon?"_s, u"Meet at the café"_s, u"你好吗？我们明天见"_s,
                              u"PeerLink 很好用"_s, u"nothing here"_s };
    qint64 t = 0;
    for (const QString &text : texts) {
        ++t;
        QVERIFY(m_store->append(msg(t % 2 ? u"bob"_s : u"carol"_s, u"bob"_s, text, t)) > 0);
    }
    QStringList found;
    for (const SearchHit &hit : m_store->search(query))
        found.append(m_store->message(hit.id).text);
    QCOMPARE(found, expected);
}

void TestMessageStore::matchExpressions_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("match");
    QTest::newRow("word") << u"hello"_s << u"\"hello\"*"_s;
    QTest::newRow("words") << u"hello world"_s << u"\"hello\" AND \"world\"*"_s;
    QTest::newRow("cjk") << u"你好"_s << u"\"你 好\""_s;
    QTest::newRow("quote") << u"say \"hi\""_s << u"\"say\" AND \"hi\"*"_s;
    QTest::newRow("empty") << u"  "_s << QString();
}

void TestMessageStore::matchExpressions()
{
    QFETCH(QString, query);
    QFETCH(QString, match);
    QCOMPARE(matchExpression(query), match);
}

void TestMessageStore::deleteAndRetention()
{
    const qint64 day = 24 * 3600 * 1000;
    const qint64 now = 100 * day;
    m_store->append(msg(u"bob"_s, u"bob"_s, u"ancient words"_s, now - 40 * day));
    m_store->append(msg(u"bob"_s, u"bob"_s, u"recent words"_s, now - 2 * day));
    m_store->append(msg(u"carol"_s, u"carol"_s, u"carol words"_s, now - 1 * day));
    QCOMPARE(m_store->applyRetention(now, 30), 1);
    QCOMPARE(m_store->count(u"bob"_s), 1);
    QCOMPARE(m_store->search(u"ancient"_s).size(), 0); // gone from the index too
    QCOMPARE(m_store->applyRetention(now, 0), 0); // 0: keep forever
    QVERIFY(m_store->deleteConversation(u"carol"_s));
    QCOMPARE(m_store->count(u"carol"_s), 0);
    QCOMPARE(m_store->search(u"words"_s).size(), 1);
}

void TestMessageStore::exports()
{
    m_store->append(msg(u"bob"_s, u"bob"_s, u"<b>bold</b> & 你好"_s, 1764000000000, u"m1"_s));
    m_store->append(msg(u"bob"_s, u"me"_s, u"second\nline"_s, 1764000001000, u"m2"_s));
    m_store->setState(u"bob"_s, u"me"_s, u"m2"_s, MessageState::Delivered, 1764000002000);
    QBuffer html;
    html.open(QIODevice::WriteOnly);
    QVERIFY(m_store->exportConversation(u"bob"_s, MessageStore::ExportFormat::Html, &html, u"Bob <3"_s));
    const QString h = QString::fromUtf8(html.data());
    QVERIFY(h.contains(u"<title>Bob &lt;3</title>"_s));
    QVERIFY(h.contains(u"&lt;b&gt;bold&lt;/b&gt; &amp; 你好"_s)); // escaped, never markup
    QVERIFY(h.contains(u"second<br>line"_s));
    QVERIFY(h.contains(u"2025-11-24T16:00:00.000Z"_s));
    QBuffer text;
    text.open(QIODevice::WriteOnly);
    QVERIFY(m_store->exportConversation(u"bob"_s, MessageStore::ExportFormat::Text, &text));
    QCOMPARE(QString::fromUtf8(text.data()),
             u"bob\n\n[2025-11-24T16:00:00.000Z] bob: <b>bold</b> & 你好\n[2025-11-24T16:00:01.000Z] me: second\nline\n"_s);
    QBuffer json;
    json.open(QIODevice::WriteOnly);
    QVERIFY(m_store->exportConversation(u"bob"_s, MessageStore::ExportFormat::Json, &json));
    const QJsonArray messages = QJsonDocument::fromJson(json.data()).object().value(u"messages"_s).toArray();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(0).toObject().value(u"text"_s).toString(), u"<b>bold</b> & 你好"_s);
    QCOMPARE(messages.at(1).toObject().value(u"state"_s).toString(), u"delivered"_s);
    QCOMPARE(messages.at(1).toObject().value(u"delivered"_s).toString(), u"2025-11-24T16:00:02.000Z"_s);
}

void TestMessageStore::lazyModel()
{
    for (int i = 1; i <= 450; ++i)
        m_store->append(msg(u"bob"_s, u"bob"_s, u"n%1"_s.arg(i), i));
    HistoryModel model(m_store.get(), u"bob"_s, 200);
    QCOMPARE(model.rowCount(), 200);
    QCOMPARE(model.index(199).data().toString(), u"n450"_s);
    QVERIFY(model.canFetchMore(QModelIndex()));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.fetchMore(QModelIndex());
    QCOMPARE(model.rowCount(), 400);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0); // older rows come in at the top
    QCOMPARE(model.index(0).data().toString(), u"n51"_s);
    const qint64 oldest = m_store->page(u"bob"_s, 0, 450).first().id;
    QCOMPARE(model.rowOfId(oldest), 0); // jumping to a search hit loads what lies between
    QCOMPARE(model.rowCount(), 450);
    QVERIFY(!model.canFetchMore(QModelIndex()));
    StoredMessage live = msg(u"bob"_s, u"me"_s, u"live"_s, 1000, u"x1"_s);
    live.id = m_store->append(live);
    model.appendLive(live);
    QCOMPARE(model.index(450).data().toString(), u"live"_s);
    model.updateState(u"me"_s, u"x1"_s, MessageState::Delivered, 1001);
    QCOMPARE(model.index(450).data(HistoryModel::StateRole).toInt(), int(MessageState::Delivered));
}

void TestMessageStore::corruptFileIsReportedAndKept()
{
    m_store->close();
    const QString bad = m_dir->filePath(u"corrupt.db"_s);
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    const QByteArray garbage = QByteArray("this is not a database, but somebody's file ").repeated(200);
    f.write(garbage);
    f.close();
    MessageStore store;
    QSignalSpy errors(&store, &MessageStore::errorOccurred);
    QVERIFY(!store.open(bad));
    QVERIFY2(store.errorString().contains(u"cannot be read"_s), qPrintable(store.errorString()));
    QCOMPARE(errors.size(), 1);
    // Everything answers "nothing" and nothing crashes; the file is left as it was.
    QCOMPARE(store.append(msg(u"bob"_s, u"bob"_s, u"x"_s, 1)), 0);
    QCOMPARE(store.page(u"bob"_s, 0, 10).size(), 0);
    QCOMPARE(store.search(u"x"_s).size(), 0);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), garbage);
}

void TestMessageStore::readOnlyDatabaseIsReported()
{
    m_store->append(msg(u"bob"_s, u"bob"_s, u"before"_s, 1));
    // As on a read-only medium: reading works, a write is refused and reported, and nothing is lost.
    QVERIFY(QSqlQuery(m_store->connection()).exec(u"PRAGMA query_only=1"_s));
    QSignalSpy errors(m_store.get(), &MessageStore::errorOccurred);
    QCOMPARE(m_store->append(msg(u"bob"_s, u"bob"_s, u"after"_s, 2)), 0);
    QCOMPARE(errors.size(), 1);
    QVERIFY2(m_store->errorString().contains(u"could not be written"_s), qPrintable(m_store->errorString()));
    QCOMPARE(m_store->page(u"bob"_s, 0, 10).size(), 1);
    QCOMPARE(m_store->search(u"before"_s).size(), 1);
}

void TestMessageStore::fullDiskIsReportedAndNothingIsLost()
{
    // SQLite's max_page_count makes the database as full as a full disk would: writes fail with SQLITE_FULL.
    for (int i = 0; i < 20; ++i)
        QVERIFY(m_store->append(msg(u"bob"_s, u"bob"_s, u"kept %1"_s.arg(i), i)) > 0);
    QSqlQuery pages(m_store->connection());
    QVERIFY(pages.exec(u"PRAGMA page_count"_s) && pages.next());
    const int used = pages.value(0).toInt();
    pages.finish();
    QVERIFY(QSqlQuery(m_store->connection()).exec(u"PRAGMA max_page_count=%1"_s.arg(used + 2)));
    QSignalSpy errors(m_store.get(), &MessageStore::errorOccurred);
    qint64 id = 1;
    for (int i = 0; i < 200 && id > 0; ++i)
        id = m_store->append(msg(u"bob"_s, u"bob"_s, QString(2000, QChar(u'a' + i % 26)), 100 + i));
    QCOMPARE(id, 0);
    QVERIFY2(m_store->errorString().contains(u"full"_s), qPrintable(m_store->errorString()));
    QVERIFY(errors.size() >= 1);
    // Nothing that was stored before is lost, and the index still answers.
    const QList<StoredMessage> kept = m_store->page(u"bob"_s, 0, 1000);
    QVERIFY(kept.size() >= 20);
    QCOMPARE(kept.first().text, u"kept 0"_s);
    QCOMPARE(m_store->search(u"kept"_s).size(), 20);
}

QTEST_GUILESS_MAIN(TestMessageStore)
#include "tst_messagestore.moc"
