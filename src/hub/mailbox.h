#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <limits>
#include <utility>

namespace PeerLink {

/// The hub's store-and-forward mailbox: end-to-end messages kept for an absent recipient whose id is bound to a key,
/// until it joins again or they expire. SQLite through Qt SQL in the data directory (file `mailbox.sqlite`, WAL,
/// synchronous=FULL: a message answered `stored` is on disk); with no data directory, an in-memory database that
/// lives as long as the mailbox. Knows no sockets and no clock: every rule about time takes `nowMs` (milliseconds
/// since the Unix epoch). Used from one thread, the one that opened it. Errors are reported, never thrown; a
/// database that cannot be read at open is an error naming the file, never a mailbox silently emptied.
class Mailbox
{
public:
    static constexpr QLatin1StringView FileName { "mailbox.sqlite" };

    /// The limits (HubConfig's mailbox settings).
    struct Limits
    {
        qint64 ttlMs = 7LL * 24 * 3600 * 1000;
        int maxMessages = 1000;               ///< per recipient
        qint64 maxBytes = 2LL * 1024 * 1024; ///< per recipient, bytes of the stored frames
        qint64 maxTotalBytes = 1024LL * 1024 * 1024; ///< all recipients, bytes of the stored frames
    };
    /// One stored message.
    struct Letter
    {
        qint64 id = 0; ///< its row, increasing in the order stored
        QString recipient;
        QString sender;
        QString mid;
        QByteArray frame; ///< the `message` as the recipient gets it (JSON, UTF-8)
        qint64 expiresMs = 0;
    };
    enum class StoreResult {
        Stored,
        RecipientFull, ///< the recipient's messages or bytes are at their limit
        HubFull,       ///< the mailbox's total bytes are at their limit
        Failed,        ///< the database refused the write (see errorString())
    };

    Mailbox();
    explicit Mailbox(const Limits &limits);
    ~Mailbox();
    Mailbox(const Mailbox &) = delete;
    Mailbox &operator=(const Mailbox &) = delete;

    /// Opens (or makes) the mailbox in @p dataDir; empty: in memory. False with @p error naming the file when it
    /// cannot be opened or read (corrupt, not a database, written by a newer hub).
    bool open(const QString &dataDir, QString *error);
    bool isOpen() const { return m_open; }
    void close();
    /// The database file; empty in memory.
    QString path() const { return m_path; }
    /// The last error of the database, for logs.
    QString errorString() const { return m_error; }

    /// Stores @p frame for @p recipient, unless a limit says no; it expires at @p nowMs + the time to live.
    /// Group commit: the letter goes into one open transaction with every other stored since the last commit()
    /// (and counts against the limits at once); it is on disk, and may be answered `stored`, only once commit()
    /// returned true. Every other operation commits an open batch first.
    StoreResult store(const QString &recipient, const QString &sender, const QString &mid, const QByteArray &frame,
                      qint64 nowMs);
    /// Ends the open batch of store(): one sync for all of it. True when it is on disk (or nothing was open); false
    /// when the database refused (the batch is rolled back and uncounted: none of it may be answered `stored`).
    bool commit();
    /// Letters stored since the last commit().
    int uncommitted() const { return int(m_batch.size()); }
    /// What waits for @p recipient, in the order stored: at most @p maxBytes of frames (the first letter always),
    /// at most 4096 letters; the rest at the next call.
    QList<Letter> pending(const QString &recipient, qint64 maxBytes = std::numeric_limits<qint64>::max());
    /// Removes delivered letters; false when the database refused (they may then be delivered again).
    bool remove(const QList<qint64> &ids);
    /// Removes the letters that expired at or before @p nowMs and returns them (their senders are told), and the
    /// expiry notices that waited a time to live for their sender in vain.
    QList<Letter> expire(qint64 nowMs);
    /// Keeps a notice for @p sender (offline now) that its message @p mid to @p recipient expired; the notice itself
    /// is dropped by expire() after another time to live.
    bool addNotice(const QString &sender, const QString &mid, const QString &recipient, qint64 nowMs);
    /// Takes the expiry notices kept for @p sender: pairs of (mid, recipient), oldest first.
    QList<std::pair<QString, QString>> takeNotices(const QString &sender);

    /// Drops everything kept for @p recipient (its id was released: a new key may take it, and could not open
    /// what was sealed to the old one). False when the database refused.
    bool forget(const QString &recipient);

    /// The recipients with letters waiting.
    QStringList recipients() const { return m_usage.keys(); }
    int count(const QString &recipient) const { return m_usage.value(recipient).messages; }
    qint64 bytes(const QString &recipient) const { return m_usage.value(recipient).bytes; }
    qint64 totalBytes() const { return m_totalBytes; }
    int totalCount() const { return m_totalCount; }
    bool hasNotices() const { return m_notices > 0; }
    const Limits &limits() const { return m_limits; }

private:
    struct Usage
    {
        int messages = 0;
        qint64 bytes = 0;
    };
    bool exec(const QString &sql);
    /// commit() before any other operation; a failure is remembered for the next commit() to report.
    void settleBatch();
    bool fail(const QString &what, const QString &detail);
    bool loadUsage();
    void uncount(const QString &recipient, qint64 bytes);

    Limits m_limits;
    QString m_connection;
    QString m_path;
    QString m_error;
    QSqlDatabase m_db;
    QHash<QString, Usage> m_usage;
    qint64 m_totalBytes = 0;
    int m_totalCount = 0;
    int m_notices = 0;
    bool m_open = false;
    QList<std::pair<QString, qint64>> m_batch; // stored, not committed yet: recipient and bytes
    bool m_batchFailed = false;
};

} // namespace PeerLink
