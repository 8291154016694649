#include "mailbox.h"

#include <QAtomicInteger>
#include <QDir>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

constexpr int kSchemaVersion = 1;

QString connectionName()
{
    static QAtomicInteger<int> counter;
    return u"peerlink-mailbox-%1"_s.arg(counter.fetchAndAddRelaxed(1));
}

/// A text for a NOT NULL column: Qt binds a null QString as SQL NULL.
QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(u""_s) : QVariant(s);
}

} // namespace

Mailbox::Mailbox()
    : Mailbox(Limits())
{
}

Mailbox::Mailbox(const Limits &limits)
    : m_limits(limits)
    , m_connection(connectionName())
{
}

Mailbox::~Mailbox()
{
    close();
}

bool Mailbox::fail(const QString &what, const QString &detail)
{
    const QString where = m_path.isEmpty() ? u"the in-memory mailbox"_s : m_path;
    m_error = detail.isEmpty() ? u"%1: %2"_s.arg(where, what) : u"%1: %2: %3"_s.arg(where, what, detail);
    return false;
}

bool Mailbox::exec(const QString &sql)
{
    QSqlQuery q(m_db);
    if (!q.exec(sql))
        return fail(u"the database refused a change"_s, q.lastError().text());
    return true;
}

bool Mailbox::open(const QString &dataDir, QString *error)
{
    close();
    m_error.clear();
    m_path.clear();
    if (!dataDir.isEmpty()) {
        if (!QDir().mkpath(dataDir)) {
            *error = u"cannot create the data directory %1"_s.arg(dataDir);
            return false;
        }
        m_path = QDir(dataDir).filePath(FileName);
    }
    const auto failOpen = [this, error](const QString &what, const QString &detail) {
        fail(what, detail);
        *error = m_error;
        close();
        return false;
    };
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
    m_db.setDatabaseName(m_path.isEmpty() ? u":memory:"_s : m_path);
    if (!m_db.open())
        return failOpen(u"cannot open the mailbox database"_s, m_db.lastError().text());
    m_open = true;
    // The first read finds out whether the file is a database at all. A corrupt or foreign file fails here and is
    // left as it is: the hub stops rather than drop what it promised to keep.
    QSqlQuery version(m_db);
    if (!version.exec(u"PRAGMA user_version"_s) || !version.next())
        return failOpen(u"not a readable mailbox database"_s, version.lastError().text());
    const int current = version.value(0).toInt();
    version.finish();
    if (current > kSchemaVersion)
        return failOpen(u"written by a newer hub"_s, u"schema %1"_s.arg(current));
    // WAL with synchronous=FULL: every committed transaction (each `stored` answer follows one) is synced to disk,
    // so a crash or a power cut loses nothing the hub answered `stored` for.
    if (!exec(u"PRAGMA journal_mode=WAL"_s) || !exec(u"PRAGMA synchronous=FULL"_s))
        return failOpen(u"cannot set up the database"_s, m_error);
    if (current < 1) {
        const bool made = m_db.transaction()
            && exec(u"CREATE TABLE IF NOT EXISTS letters (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    "recipient TEXT NOT NULL, sender TEXT NOT NULL, mid TEXT NOT NULL, frame BLOB NOT NULL, "
                    "stored_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL)"_s)
            && exec(u"CREATE INDEX IF NOT EXISTS letters_by_recipient ON letters(recipient, id)"_s)
            && exec(u"CREATE INDEX IF NOT EXISTS letters_by_expiry ON letters(expires_ms)"_s)
            && exec(u"CREATE TABLE IF NOT EXISTS notices (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    "sender TEXT NOT NULL, mid TEXT NOT NULL, recipient TEXT NOT NULL, expires_ms INTEGER NOT NULL)"_s)
            && exec(u"CREATE INDEX IF NOT EXISTS notices_by_sender ON notices(sender, id)"_s)
            && exec(u"PRAGMA user_version=%1"_s.arg(kSchemaVersion)) && m_db.commit();
        if (!made) {
            const QString why = m_error.isEmpty() ? m_db.lastError().text() : m_error;
            m_db.rollback();
            return failOpen(u"cannot make the mailbox tables"_s, why);
        }
    }
    if (!loadUsage())
        return failOpen(u"cannot read the mailbox"_s, m_error);
    return true;
}

bool Mailbox::loadUsage()
{
    // Reads every row's size: a damaged table is found now, at start, not when a peer comes back.
    m_usage.clear();
    m_totalBytes = 0;
    m_totalCount = 0;
    QSqlQuery q(m_db);
    if (!q.exec(u"SELECT recipient, COUNT(*), SUM(LENGTH(frame)) FROM letters GROUP BY recipient"_s))
        return fail(u"the letters table cannot be read"_s, q.lastError().text());
    while (q.next()) {
        Usage u { q.value(1).toInt(), q.value(2).toLongLong() };
        m_usage.insert(q.value(0).toString(), u);
        m_totalBytes += u.bytes;
        m_totalCount += u.messages;
    }
    if (q.lastError().isValid())
        return fail(u"the letters table cannot be read"_s, q.lastError().text());
    QSqlQuery n(m_db);
    if (!n.exec(u"SELECT COUNT(*) FROM notices"_s) || !n.next())
        return fail(u"the notices table cannot be read"_s, n.lastError().text());
    m_notices = n.value(0).toInt();
    return true;
}

void Mailbox::close()
{
    settleBatch();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connection);
    }
    m_open = false;
    m_usage.clear();
    m_totalBytes = 0;
    m_totalCount = 0;
    m_notices = 0;
}

Mailbox::StoreResult Mailbox::store(const QString &recipient, const QString &sender, const QString &mid,
                                    const QByteArray &frame, qint64 nowMs)
{
    if (!m_open) {
        fail(u"not open"_s, QString());
        return StoreResult::Failed;
    }
    const Usage usage = m_usage.value(recipient);
    const qint64 size = frame.size();
    if (usage.messages + 1 > m_limits.maxMessages || usage.bytes + size > m_limits.maxBytes)
        return StoreResult::RecipientFull;
    if (m_totalBytes + size > m_limits.maxTotalBytes)
        return StoreResult::HubFull;
    if (m_batch.isEmpty() && !m_db.transaction()) {
        fail(u"the database is busy"_s, m_db.lastError().text());
        return StoreResult::Failed;
    }
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO letters (recipient, sender, mid, frame, stored_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?)"_s);
    q.addBindValue(text(recipient));
    q.addBindValue(text(sender));
    q.addBindValue(text(mid));
    q.addBindValue(frame);
    q.addBindValue(nowMs);
    q.addBindValue(nowMs + m_limits.ttlMs);
    if (!q.exec()) {
        fail(u"a message could not be stored"_s, q.lastError().text());
        if (m_batch.isEmpty())
            m_db.rollback();
        return StoreResult::Failed;
    }
    m_batch.append({ recipient, size });
    Usage &u = m_usage[recipient];
    ++u.messages;
    u.bytes += size;
    m_totalBytes += size;
    ++m_totalCount;
    return StoreResult::Stored;
}

bool Mailbox::commit()
{
    bool ok = !std::exchange(m_batchFailed, false);
    if (m_batch.isEmpty())
        return ok;
    if (!m_db.commit()) {
        const QString why = m_db.lastError().text();
        m_db.rollback();
        for (const auto &[recipient, bytes] : std::as_const(m_batch))
            uncount(recipient, bytes);
        ok = fail(u"stored messages could not be written"_s, why);
    }
    m_batch.clear();
    return ok;
}

void Mailbox::settleBatch()
{
    if (!m_batch.isEmpty() && !commit())
        m_batchFailed = true;
}

QList<Mailbox::Letter> Mailbox::pending(const QString &recipient, qint64 maxBytes)
{
    settleBatch();
    QList<Letter> letters;
    if (!m_open || !m_usage.contains(recipient))
        return letters;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT id, sender, mid, frame, expires_ms FROM letters WHERE recipient = ? ORDER BY id LIMIT 4096"_s);
    q.addBindValue(text(recipient));
    if (!q.exec()) {
        fail(u"the letters cannot be read"_s, q.lastError().text());
        return letters;
    }
    qint64 bytes = 0;
    while (q.next()) {
        Letter l { q.value(0).toLongLong(), recipient, q.value(1).toString(), q.value(2).toString(),
                   q.value(3).toByteArray(), q.value(4).toLongLong() };
        bytes += l.frame.size();
        if (bytes > maxBytes && !letters.isEmpty())
            break;
        letters.append(std::move(l));
    }
    return letters;
}

void Mailbox::uncount(const QString &recipient, qint64 bytes)
{
    auto it = m_usage.find(recipient);
    if (it == m_usage.end())
        return;
    --it->messages;
    it->bytes -= bytes;
    if (it->messages <= 0)
        m_usage.erase(it);
    m_totalBytes -= bytes;
    --m_totalCount;
}

bool Mailbox::remove(const QList<qint64> &ids)
{
    settleBatch();
    if (!m_open || ids.isEmpty())
        return m_open;
    // The sizes are read back for the counters; one transaction: one sync for a whole delivery.
    if (!m_db.transaction())
        return fail(u"the database is busy"_s, m_db.lastError().text());
    QSqlQuery read(m_db);
    read.prepare(u"SELECT recipient, LENGTH(frame) FROM letters WHERE id = ?"_s);
    QSqlQuery del(m_db);
    del.prepare(u"DELETE FROM letters WHERE id = ?"_s);
    QList<std::pair<QString, qint64>> gone; // recipient and bytes, for the counters
    for (qint64 id : ids) {
        read.addBindValue(id);
        if (!read.exec()) {
            m_db.rollback();
            return fail(u"a delivered message could not be removed"_s, read.lastError().text());
        }
        if (!read.next())
            continue;
        const std::pair<QString, qint64> letter { read.value(0).toString(), read.value(1).toLongLong() };
        read.finish();
        del.addBindValue(id);
        if (!del.exec()) {
            m_db.rollback();
            return fail(u"a delivered message could not be removed"_s, del.lastError().text());
        }
        gone.append(letter);
    }
    if (!m_db.commit()) {
        const QString why = m_db.lastError().text();
        m_db.rollback();
        return fail(u"a delivered message could not be removed"_s, why);
    }
    for (const auto &[recipient, bytes] : std::as_const(gone))
        uncount(recipient, bytes);
    return true;
}

QList<Mailbox::Letter> Mailbox::expire(qint64 nowMs)
{
    settleBatch();
    QList<Letter> expired;
    if (m_open && m_notices > 0) {
        // A sender that does not come back within another time to live is not told at all: notices are bounded too.
        QSqlQuery n(m_db);
        n.prepare(u"DELETE FROM notices WHERE expires_ms <= ?"_s);
        n.addBindValue(nowMs);
        if (n.exec())
            m_notices -= n.numRowsAffected();
        else
            fail(u"old expiry notices could not be removed"_s, n.lastError().text());
    }
    if (!m_open || m_totalCount == 0)
        return expired;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT id, recipient, sender, mid, LENGTH(frame), expires_ms FROM letters WHERE expires_ms <= ? "
              "ORDER BY id"_s);
    q.addBindValue(nowMs);
    if (!q.exec()) {
        fail(u"the letters cannot be read"_s, q.lastError().text());
        return expired;
    }
    QList<qint64> sizes; // the frames' bytes, for the counters (the frames themselves are not read)
    while (q.next()) {
        expired.append(Letter { q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                                q.value(3).toString(), QByteArray(), q.value(5).toLongLong() });
        sizes.append(q.value(4).toLongLong());
    }
    q.finish();
    if (expired.isEmpty())
        return expired;
    QSqlQuery del(m_db);
    del.prepare(u"DELETE FROM letters WHERE expires_ms <= ?"_s);
    del.addBindValue(nowMs);
    if (!del.exec()) {
        fail(u"expired messages could not be removed"_s, del.lastError().text());
        return {};
    }
    for (qsizetype i = 0; i < expired.size(); ++i)
        uncount(expired.at(i).recipient, sizes.at(i));
    return expired;
}

bool Mailbox::addNotice(const QString &sender, const QString &mid, const QString &recipient, qint64 nowMs)
{
    settleBatch();
    if (!m_open)
        return false;
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO notices (sender, mid, recipient, expires_ms) VALUES (?, ?, ?, ?)"_s);
    q.addBindValue(text(sender));
    q.addBindValue(text(mid));
    q.addBindValue(text(recipient));
    q.addBindValue(nowMs + m_limits.ttlMs);
    if (!q.exec())
        return fail(u"an expiry notice could not be kept"_s, q.lastError().text());
    ++m_notices;
    return true;
}

QList<std::pair<QString, QString>> Mailbox::takeNotices(const QString &sender)
{
    settleBatch();
    QList<std::pair<QString, QString>> notices;
    if (!m_open || m_notices == 0)
        return notices;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT mid, recipient FROM notices WHERE sender = ? ORDER BY id"_s);
    q.addBindValue(text(sender));
    if (!q.exec()) {
        fail(u"the expiry notices cannot be read"_s, q.lastError().text());
        return notices;
    }
    while (q.next())
        notices.append({ q.value(0).toString(), q.value(1).toString() });
    q.finish();
    if (notices.isEmpty())
        return notices;
    QSqlQuery del(m_db);
    del.prepare(u"DELETE FROM notices WHERE sender = ?"_s);
    del.addBindValue(text(sender));
    if (!del.exec()) {
        fail(u"the expiry notices could not be removed"_s, del.lastError().text());
        return {};
    }
    m_notices -= int(notices.size());
    return notices;
}

bool Mailbox::forget(const QString &recipient)
{
    settleBatch();
    if (!m_open)
        return false;
    QSqlQuery q(m_db);
    q.prepare(u"DELETE FROM letters WHERE recipient = ?"_s);
    q.addBindValue(text(recipient));
    if (!q.exec())
        return fail(u"the messages kept for %1 could not be removed"_s.arg(recipient), q.lastError().text());
    const Usage usage = m_usage.take(recipient);
    m_totalBytes -= usage.bytes;
    m_totalCount -= usage.messages;
    return true;
}

} // namespace PeerLink
