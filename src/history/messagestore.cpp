#include "messagestore.h"

#include "searchtext.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace PeerLink::History {

using namespace Qt::StringLiterals;

namespace {

constexpr int kSchemaVersion = 1;

QString connectionName()
{
    static QAtomicInteger<int> counter;
    return u"peerlink-history-%1"_s.arg(counter.fetchAndAddRelaxed(1));
}

const QString kColumns = u"id, conversation, sender, recipient, mid, body, outgoing, e2e, state, sent_ms, stored_ms, "
                         "delivered_ms, read_ms"_s;

QString stateName(MessageState s)
{
    switch (s) {
    case MessageState::Sending:
        return u"sending"_s;
    case MessageState::Stored:
        return u"stored"_s;
    case MessageState::Sent:
        return u"sent"_s;
    case MessageState::Delivered:
        return u"delivered"_s;
    case MessageState::Read:
        return u"read"_s;
    case MessageState::Failed:
        return u"failed"_s;
    case MessageState::Received:
        break;
    }
    return u"received"_s;
}

/// A text for a NOT NULL column: Qt binds a null QString as SQL NULL.
QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(u""_s) : QVariant(s);
}

QString isoTime(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs) : QString();
}

} // namespace

MessageStore::MessageStore(QObject *parent)
    : QObject(parent)
    , m_connection(connectionName())
{
}

MessageStore::~MessageStore()
{
    close();
}

bool MessageStore::fail(const QString &what, const QString &detail) const
{
    const QString message = detail.isEmpty() ? what : u"%1: %2"_s.arg(what, detail);
    if (message != m_error) {
        m_error = message;
        Q_EMIT const_cast<MessageStore *>(this)->errorOccurred(message);
    }
    return false;
}

bool MessageStore::exec(const QString &sql) const
{
    QSqlQuery q(m_db);
    if (!q.exec(sql))
        return fail(u"The history database refused a change"_s, q.lastError().text());
    return true;
}

bool MessageStore::open(const QString &path)
{
    close();
    m_error.clear();
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return fail(u"The history folder cannot be made"_s, info.absolutePath());
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
    m_db.setDatabaseName(path);
    // Another process (a second instance) may hold the database for a moment: wait a little, then report it.
    m_db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=2000"_s);
    if (!m_db.open())
        return fail(u"The history database cannot be opened"_s, m_db.lastError().text());
    m_open = true;
    QSqlQuery version(m_db);
    // The first read finds out whether the file is a database at all (a corrupt or foreign file fails here, and is
    // left as it is: nothing stored is ever deleted to recover).
    if (!version.exec(u"PRAGMA user_version"_s) || !version.next()) {
        const QString detail = version.lastError().text();
        close();
        return fail(u"The history database cannot be read"_s, detail);
    }
    const int current = version.value(0).toInt();
    version.finish();
    if (current > kSchemaVersion) {
        close();
        return fail(u"The history database was written by a newer PeerLink"_s, u"schema %1"_s.arg(current));
    }
    // WAL: readers never wait for the writer, and a crash loses at most the transaction being written.
    // synchronous=NORMAL in WAL mode: a power cut can lose the last transactions, never corrupt the file.
    if (!exec(u"PRAGMA journal_mode=WAL"_s) || !exec(u"PRAGMA synchronous=NORMAL"_s)) {
        close();
        return false;
    }
    if (current < 1) {
        const bool made = m_db.transaction()
            && exec(u"CREATE TABLE IF NOT EXISTS messages ("
                    "id INTEGER PRIMARY KEY, conversation TEXT NOT NULL, sender TEXT NOT NULL, "
                    "recipient TEXT NOT NULL DEFAULT '', mid TEXT NOT NULL DEFAULT '', body TEXT NOT NULL, "
                    "outgoing INTEGER NOT NULL, e2e INTEGER NOT NULL DEFAULT 0, state INTEGER NOT NULL, "
                    "sent_ms INTEGER NOT NULL, stored_ms INTEGER NOT NULL DEFAULT 0, "
                    "delivered_ms INTEGER NOT NULL DEFAULT 0, read_ms INTEGER NOT NULL DEFAULT 0)"_s)
            && exec(u"CREATE UNIQUE INDEX IF NOT EXISTS messages_by_mid ON messages(conversation, sender, mid) "
                    "WHERE mid <> ''"_s)
            && exec(u"CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation, id)"_s)
            && exec(u"CREATE INDEX IF NOT EXISTS messages_by_time ON messages(sent_ms)"_s)
            // Contentless: the text is kept once, in messages; the index holds what indexedText() makes of it.
            && exec(u"CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(body, content='', "
                    "tokenize='unicode61 remove_diacritics 2')"_s)
            && exec(u"PRAGMA user_version=%1"_s.arg(kSchemaVersion)) && m_db.commit();
        if (!made) {
            m_db.rollback();
            close();
            return false;
        }
    }
    return true;
}

void MessageStore::close()
{
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connection);
    }
    m_open = false;
}

qint64 MessageStore::append(const StoredMessage &m)
{
    if (!m_open)
        return 0;
    if (const qint64 existing = existingId(m))
        return existing;
    if (!m_db.transaction()) {
        fail(u"The history database is busy"_s, m_db.lastError().text());
        return 0;
    }
    const qint64 id = insert(m);
    if (id == 0 || !m_db.commit()) {
        if (id != 0)
            fail(u"A message could not be written to the history"_s, m_db.lastError().text());
        m_db.rollback();
        return 0;
    }
    return id;
}

int MessageStore::appendAll(const QList<StoredMessage> &messages)
{
    if (!m_open)
        return -1;
    if (!m_db.transaction()) {
        fail(u"The history database is busy"_s, m_db.lastError().text());
        return -1;
    }
    int added = 0;
    for (const StoredMessage &m : messages) {
        if (existingId(m))
            continue;
        if (insert(m) == 0) {
            m_db.rollback();
            return -1;
        }
        ++added;
    }
    if (!m_db.commit()) {
        fail(u"Messages could not be written to the history"_s, m_db.lastError().text());
        m_db.rollback();
        return -1;
    }
    return added;
}

qint64 MessageStore::existingId(const StoredMessage &m) const
{
    if (!m.mid.isEmpty()) {
        QSqlQuery existing(m_db);
        existing.prepare(u"SELECT id FROM messages WHERE conversation = ? AND sender = ? AND mid = ? AND mid <> ''"_s);
        existing.addBindValue(text(m.conversation));
        existing.addBindValue(text(m.sender));
        existing.addBindValue(text(m.mid));
        if (existing.exec() && existing.next())
            return existing.value(0).toLongLong();
    }
    return 0;
}

qint64 MessageStore::insert(const StoredMessage &m)
{
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO messages (conversation, sender, recipient, mid, body, outgoing, e2e, state, sent_ms, "
              "stored_ms, delivered_ms, read_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    for (const QVariant &v : { text(m.conversation), text(m.sender), text(m.recipient), text(m.mid), text(m.text),
                               QVariant(m.outgoing ? 1 : 0), QVariant(m.e2e ? 1 : 0),
                               QVariant(int(m.state)), QVariant(m.sentMs), QVariant(m.storedMs), QVariant(m.deliveredMs),
                               QVariant(m.readMs) })
        q.addBindValue(v);
    if (!q.exec()) {
        fail(u"A message could not be written to the history"_s, q.lastError().text());
        return 0;
    }
    const qint64 id = q.lastInsertId().toLongLong();
    QSqlQuery fts(m_db);
    fts.prepare(u"INSERT INTO messages_fts (rowid, body) VALUES (?, ?)"_s);
    fts.addBindValue(id);
    fts.addBindValue(indexedText(m.text));
    if (!fts.exec()) {
        fail(u"A message could not be written to the history"_s, fts.lastError().text());
        return 0;
    }
    return id;
}

bool MessageStore::setState(const QString &conversation, const QString &sender, const QString &mid,
                            MessageState state, qint64 timeMs)
{
    if (!m_open || mid.isEmpty())
        return false;
    QString column;
    switch (state) {
    case MessageState::Stored:
        column = u"stored_ms"_s;
        break;
    case MessageState::Delivered:
        column = u"delivered_ms"_s;
        break;
    case MessageState::Read:
        column = u"read_ms"_s;
        break;
    default:
        break;
    }
    // States only move forward: a late "stored" after "delivered" changes nothing, and "failed" can only follow
    // "sending" or "stored". Incoming messages keep their state.
    const bool failed = state == MessageState::Failed;
    QSqlQuery q(m_db);
    // "mid <> ''" lets SQLite use the partial index on mids (a bound mid might be empty as far as it knows).
    // The order of states (Sent was added later, with a higher number): sending, then stored or sent, then
    // delivered, then read.
    const QString rank = u"(CASE state WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 6 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 3 ELSE 9 END)"_s;
    const int newRank = state == MessageState::Sending ? 0
        : state == MessageState::Stored || state == MessageState::Sent ? 1
        : state == MessageState::Delivered                               ? 2
                                                                          : 3;
    q.prepare(u"UPDATE messages SET state = ?%1 WHERE conversation = ? AND sender = ? AND mid = ? AND mid <> '' "
              "AND outgoing = 1 AND %2"_s.arg(column.isEmpty() ? QString() : u", %1 = ?"_s.arg(column),
                             failed ? u"state IN (0, 1)"_s : rank + u" < ?"_s));
    q.addBindValue(int(state));
    if (!column.isEmpty())
        q.addBindValue(timeMs);
    q.addBindValue(text(conversation));
    q.addBindValue(text(sender));
    q.addBindValue(text(mid));
    if (!failed)
        q.addBindValue(newRank);
    if (!q.exec())
        return fail(u"A message's state could not be written to the history"_s, q.lastError().text());
    return q.numRowsAffected() > 0;
}

StoredMessage MessageStore::read(const QSqlQuery &q) const
{
    StoredMessage m;
    m.id = q.value(0).toLongLong();
    m.conversation = q.value(1).toString();
    m.sender = q.value(2).toString();
    m.recipient = q.value(3).toString();
    m.mid = q.value(4).toString();
    m.text = q.value(5).toString();
    m.outgoing = q.value(6).toInt() != 0;
    m.e2e = q.value(7).toInt() != 0;
    const int state = q.value(8).toInt();
    m.state = state >= 0 && state <= int(MessageState::Sent) ? MessageState(state) : MessageState::Received;
    m.sentMs = q.value(9).toLongLong();
    m.storedMs = q.value(10).toLongLong();
    m.deliveredMs = q.value(11).toLongLong();
    m.readMs = q.value(12).toLongLong();
    return m;
}

QList<StoredMessage> MessageStore::page(const QString &conversation, qint64 beforeId, int limit) const
{
    QList<StoredMessage> list;
    if (!m_open || limit <= 0)
        return list;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT %1 FROM messages WHERE conversation = ? AND id < ? ORDER BY id DESC LIMIT ?"_s.arg(kColumns));
    q.addBindValue(text(conversation));
    q.addBindValue(beforeId > 0 ? beforeId : std::numeric_limits<qint64>::max());
    q.addBindValue(limit);
    if (!q.exec()) {
        fail(u"The history could not be read"_s, q.lastError().text());
        return list;
    }
    while (q.next())
        list.prepend(read(q));
    return list;
}

StoredMessage MessageStore::message(qint64 id) const
{
    if (!m_open)
        return {};
    QSqlQuery q(m_db);
    q.prepare(u"SELECT %1 FROM messages WHERE id = ?"_s.arg(kColumns));
    q.addBindValue(id);
    if (q.exec() && q.next())
        return read(q);
    return {};
}

qint64 MessageStore::count(const QString &conversation) const
{
    return countFrom(conversation, 0);
}

qint64 MessageStore::countFrom(const QString &conversation, qint64 id) const
{
    if (!m_open)
        return 0;
    QSqlQuery q(m_db);
    q.prepare(u"SELECT count(*) FROM messages WHERE conversation = ? AND id >= ?"_s);
    q.addBindValue(text(conversation));
    q.addBindValue(id);
    if (q.exec() && q.next())
        return q.value(0).toLongLong();
    fail(u"The history could not be read"_s, q.lastError().text());
    return 0;
}

QStringList MessageStore::conversations() const
{
    QStringList list;
    if (!m_open)
        return list;
    QSqlQuery q(m_db);
    if (!q.exec(u"SELECT conversation FROM messages GROUP BY conversation ORDER BY max(id) DESC"_s)) {
        fail(u"The history could not be read"_s, q.lastError().text());
        return list;
    }
    while (q.next())
        list.append(q.value(0).toString());
    return list;
}

QList<SearchHit> MessageStore::search(const QString &query, int limit) const
{
    QList<SearchHit> hits;
    const QString match = matchExpression(query);
    if (!m_open || match.isEmpty() || limit <= 0)
        return hits;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT m.id, m.conversation, m.sent_ms, m.body FROM messages m JOIN "
              "(SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?) f "
              "ON m.id = f.rowid ORDER BY m.id DESC"_s);
    q.addBindValue(match);
    q.addBindValue(limit);
    if (!q.exec()) {
        fail(u"The history could not be searched"_s, q.lastError().text());
        return hits;
    }
    // The first word of the query, to centre the excerpt on (FTS5 cannot make snippets of a contentless table).
    const QString first = query.simplified().section(u' ', 0, 0);
    while (q.next()) {
        SearchHit hit { q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toLongLong(), QString() };
        const QString body = q.value(3).toString();
        const qsizetype at = first.isEmpty() ? -1 : body.indexOf(first, 0, Qt::CaseInsensitive);
        if (at < 0) {
            hit.excerpt = body.left(80);
        } else {
            const qsizetype from = std::max<qsizetype>(0, at - 30);
            hit.excerpt = (from > 0 ? u"…"_s : QString()) + body.mid(from, at - from) + u'[' + body.mid(at, first.size())
                + u']' + body.mid(at + first.size(), 50) + (at + first.size() + 50 < body.size() ? u"…"_s : QString());
        }
        hits.append(hit);
    }
    return hits;
}

bool MessageStore::deleteConversation(const QString &conversation)
{
    return removeWhere(u"conversation = ?"_s, text(conversation),
                       u"The conversation could not be deleted from the history"_s) >= 0;
}

int MessageStore::applyRetention(qint64 nowMs, int days)
{
    if (!m_open || days <= 0)
        return 0;
    const qint64 before = nowMs - qint64(days) * 24 * 3600 * 1000;
    return removeWhere(u"sent_ms < ?"_s, before, u"Old messages could not be deleted from the history"_s);
}

int MessageStore::removeWhere(const QString &condition, const QVariant &value, const QString &failure)
{
    if (!m_open)
        return -1;
    if (!m_db.transaction()) {
        fail(u"The history database is busy"_s, m_db.lastError().text());
        return -1;
    }
    // A contentless FTS5 index forgets a row only when told its indexed text: read the rows first.
    QSqlQuery rows(m_db);
    rows.setForwardOnly(true);
    rows.prepare(u"SELECT id, body FROM messages WHERE %1"_s.arg(condition));
    rows.addBindValue(value);
    QSqlQuery forget(m_db);
    forget.prepare(u"INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', ?, ?)"_s);
    QSqlQuery drop(m_db);
    drop.prepare(u"DELETE FROM messages WHERE %1"_s.arg(condition));
    drop.addBindValue(value);
    QString detail;
    int removed = 0;
    bool ok = rows.exec();
    if (!ok)
        detail = rows.lastError().text();
    while (ok && rows.next()) {
        forget.addBindValue(rows.value(0).toLongLong());
        forget.addBindValue(indexedText(rows.value(1).toString()));
        ok = forget.exec();
        if (!ok)
            detail = forget.lastError().text();
        ++removed;
    }
    if (ok && !drop.exec()) {
        ok = false;
        detail = drop.lastError().text();
    }
    if (ok && !m_db.commit()) {
        ok = false;
        detail = m_db.lastError().text();
    }
    if (!ok) {
        m_db.rollback();
        fail(failure, detail);
        return -1;
    }
    return removed;
}

bool MessageStore::exportConversation(const QString &conversation, ExportFormat format, QIODevice *out,
                                      const QString &title) const
{
    if (!m_open || !out || !out->isWritable())
        return false;
    const QString heading = title.isEmpty() ? (conversation.isEmpty() ? u"Everyone"_s : conversation) : title;
    QJsonArray json;
    QByteArray bytes;
    if (format == ExportFormat::Html) {
        bytes += "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + heading.toHtmlEscaped().toUtf8()
            + "</title></head>\n<body>\n<h1>" + heading.toHtmlEscaped().toUtf8() + "</h1>\n";
    } else if (format == ExportFormat::Text) {
        bytes += heading.toUtf8() + "\n\n";
    }
    // Page by page, so a conversation of a million messages does not sit in memory at once.
    qint64 after = 0;
    for (;;) {
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        q.prepare(u"SELECT %1 FROM messages WHERE conversation = ? AND id > ? ORDER BY id LIMIT 1000"_s.arg(kColumns));
        q.addBindValue(text(conversation));
        q.addBindValue(after);
        if (!q.exec())
            return fail(u"The history could not be read"_s, q.lastError().text());
        int rows = 0;
        while (q.next()) {
            const StoredMessage m = read(q);
            after = m.id;
            ++rows;
            switch (format) {
            case ExportFormat::Html:
                bytes += "<p><time datetime=\"" + isoTime(m.sentMs).toUtf8() + "\">" + isoTime(m.sentMs).toUtf8()
                    + "</time> <b>" + m.sender.toHtmlEscaped().toUtf8() + "</b>: "
                    + m.text.toHtmlEscaped().replace(u'\n', u"<br>"_s).toUtf8() + "</p>\n";
                break;
            case ExportFormat::Text:
                bytes += "[" + isoTime(m.sentMs).toUtf8() + "] " + m.sender.toUtf8() + ": " + m.text.toUtf8() + "\n";
                break;
            case ExportFormat::Json:
                json.append(QJsonObject { { u"from"_s, m.sender },
                                          { u"to"_s, m.recipient },
                                          { u"mid"_s, m.mid },
                                          { u"text"_s, m.text },
                                          { u"sent"_s, isoTime(m.sentMs) },
                                          { u"delivered"_s, isoTime(m.deliveredMs) },
                                          { u"read"_s, isoTime(m.readMs) },
                                          { u"state"_s, stateName(m.state) },
                                          { u"e2e"_s, m.e2e } });
                break;
            }
        }
        if (format != ExportFormat::Json && !bytes.isEmpty()) {
            if (out->write(bytes) != bytes.size())
                return fail(u"The export could not be written"_s, out->errorString());
            bytes.clear();
        }
        if (rows < 1000)
            break;
    }
    if (format == ExportFormat::Html)
        bytes = "</body></html>\n";
    else if (format == ExportFormat::Json)
        bytes = QJsonDocument(QJsonObject { { u"conversation"_s, conversation }, { u"title"_s, heading },
                                            { u"messages"_s, json } })
                    .toJson(QJsonDocument::Indented);
    if (!bytes.isEmpty() && out->write(bytes) != bytes.size())
        return fail(u"The export could not be written"_s, out->errorString());
    return true;
}

} // namespace PeerLink::History
