#pragma once

#include <QList>
#include <QObject>
#include <QSqlDatabase>
#include <QString>

#include <functional>

class QIODevice;

namespace PeerLink::History {

/// Where a message stands, as its sender sees it (outgoing) or as received.
enum class MessageState {
    Sending = 0,   ///< written, not yet acknowledged
    Stored = 1,    ///< the hub keeps it for a recipient who is away
    Delivered = 2, ///< the recipient's client has it
    Read = 3,      ///< shown to the recipient
    Failed = 4,    ///< refused or lost
    Received = 5,  ///< an incoming message
    Sent = 6,      ///< the hub took it (its `ack`); delivered comes with the recipient's signed receipt
};

/// One message as the history keeps it.
struct StoredMessage
{
    qint64 id = 0; ///< the store's own number: increasing in the order messages were added
    QString conversation; ///< the peer's id; empty for Everyone
    QString sender;
    QString recipient; ///< empty for a broadcast
    QString mid;
    QString text;
    bool outgoing = false;
    bool e2e = false; ///< it travelled end-to-end encrypted
    MessageState state = MessageState::Received;
    qint64 sentMs = 0; ///< milliseconds since the epoch: when it was sent (the hub's time for incoming messages)
    qint64 storedMs = 0;
    qint64 deliveredMs = 0;
    qint64 readMs = 0;
};

/// A message found by a search, with a short excerpt around what matched (the match between [ and ]).
struct SearchHit
{
    qint64 id = 0;
    QString conversation;
    qint64 sentMs = 0;
    QString excerpt;
};

/// The history of one profile in one SQLite database (Qt SQL): WAL journal, FTS5 full-text index, lazy paging.
/// Every failure (a corrupt or locked file, a full disk, a read-only folder) is reported through errorString() and
/// errorOccurred(); nothing throws, and nothing stored is deleted or overwritten to recover. A store that failed to
/// open stays closed and every call answers "nothing"; the messenger keeps working without history.
class MessageStore : public QObject
{
    Q_OBJECT
public:
    explicit MessageStore(QObject *parent = nullptr);
    ~MessageStore() override;

    /// Opens (or creates) the database at @p path. False with errorString() set when it cannot.
    bool open(const QString &path);
    void close();
    bool isOpen() const { return m_open; }
    QString errorString() const { return m_error; }

    /// Adds a message; returns its id, or 0 when it could not be stored. A message whose (conversation, sender,
    /// mid) is already there is not added again: its existing id is returned (a resend or a duplicate delivery).
    qint64 append(const StoredMessage &message);
    /// Adds many messages in one transaction (an import, a mailbox delivered at once): all or none. Returns how many
    /// were added (duplicates by mid are skipped), or -1 when the transaction failed.
    int appendAll(const QList<StoredMessage> &messages);
    /// Moves a stored message to @p state at @p timeMs (stored, delivered and read times are kept per state).
    bool setState(const QString &conversation, const QString &sender, const QString &mid, MessageState state,
                  qint64 timeMs);

    /// Messages of @p conversation older than @p beforeId (0: from the newest), at most @p limit, oldest first.
    QList<StoredMessage> page(const QString &conversation, qint64 beforeId, int limit) const;
    /// The message with @p id (id 0 when there is none).
    StoredMessage message(qint64 id) const;
    qint64 count(const QString &conversation) const;
    /// Messages of @p conversation with an id of at least @p id: how far back a view must load to show it.
    qint64 countFrom(const QString &conversation, qint64 id) const;
    /// Every conversation with at least one message, the most recent first.
    QStringList conversations() const;

    /// Full-text search across every conversation (words in any order; Chinese as phrases), newest first.
    QList<SearchHit> search(const QString &query, int limit = 100) const;

    bool deleteConversation(const QString &conversation);
    /// Deletes messages sent before @p nowMs minus @p days days; returns how many (-1 on failure).
    int applyRetention(qint64 nowMs, int days);

    enum class ExportFormat { Html, Text, Json };
    /// Writes @p conversation, oldest first, to @p out. @p title names it (the peer's name) in HTML and text.
    bool exportConversation(const QString &conversation, ExportFormat format, QIODevice *out,
                            const QString &title = QString()) const;

    /// The database connection, for tests and tools that need a PRAGMA (never for the app's own queries).
    QSqlDatabase connection() const { return m_db; }

Q_SIGNALS:
    /// A problem with the database, in English for logs; the app words what it shows.
    void errorOccurred(const QString &message);

private:
    bool exec(const QString &sql) const;
    /// The id of a message already stored with the same (conversation, sender, mid), or 0.
    qint64 existingId(const StoredMessage &m) const;
    /// Inserts into the table and the index, inside the caller's transaction; 0 on failure (reported).
    qint64 insert(const StoredMessage &m);
    /// Deletes the messages matching @p condition (one "?" bound to @p value) from the table and the index, in one
    /// transaction; how many, or -1 on failure (reported with @p failure).
    int removeWhere(const QString &condition, const QVariant &value, const QString &failure);
    bool fail(const QString &what, const QString &detail) const;
    StoredMessage read(const class QSqlQuery &q) const;

    QSqlDatabase m_db;
    QString m_connection;
    mutable QString m_error;
    bool m_open = false;
};

} // namespace PeerLink::History
