#pragma once

#include "history/messagestore.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>
#include <QPointer>
#include <QSet>

#include <optional>

namespace PeerLink {

class TransfersModel;

/// The messages of one conversation ("Everyone" or one peer), oldest first. With a MessageStore it is the view of
/// that conversation's history: it starts with the newest page, every message appended is stored, every state change
/// moves the stored state too, and older pages are loaded on request (fetchOlder(), when the user scrolls to the top),
/// so a conversation of a million messages opens at once. Without a store (or when the store fails) it keeps the
/// messages in memory only: live chat never depends on the disk.
///
/// File transfers with the conversation's peer are items of it too (issue 15), in their place in time: an entry with
/// a transfer id, whose name, state and actions come from the TransfersModel (setTransfers()), so the conversation and
/// the Transfers dock always agree. They are not messages: shown live, never stored, never exported.
class ConversationModel : public QAbstractListModel
{
    Q_OBJECT
public:
    /// Stored: the hub keeps it for a peer who is away (end-to-end sealed), and hands it on when the peer is back.
    /// Where an outgoing message stands, in order: Pending, then Sent (the hub took it) or Stored (the hub keeps
    /// it for a peer who is away), then Delivered (the peer's signed receipt), then Read. Received: incoming.
    enum class State { Received, Pending, Delivered, Failed, Stored, Sent, Read };
    Q_ENUM(State)

    enum Role {
        FromRole = Qt::UserRole + 1,
        TextRole,
        TimeRole,
        OutgoingRole,
        StateRole,
        MidRole,
        EncryptedRole, ///< the message travelled end-to-end encrypted
        IdRole, ///< the message's id in the history (0: not stored)
        FromNameRole, ///< the sender as shown: its display name, else its id
        // File transfer items (empty / default for messages):
        TransferIdRole, ///< the transfer's id; empty for a message
        TransferStateRole, ///< TransferItem::State
        TransferActionsRole, ///< TransferItem::Actions, as int
        TransferNameRole, ///< the file's name
        TransferDetailsRole, ///< its size and type in words
        TransferStatusRole, ///< where it stands, in words
        TransferProgressRole, ///< double, 0 to 1
    };

    struct Entry
    {
        QString from; ///< sender id (our own id for outgoing messages)
        QString fromName; ///< what to show for the sender
        QString to; ///< recipient id (empty for Everyone)
        QString text;
        QDateTime time; ///< when it was sent
        QDateTime deliveredAt; ///< when the hub or the peer confirmed it (own messages; invalid until then)
        bool outgoing = false;
        State state = State::Received;
        QString mid;
        QString error;
        bool encrypted = false;
        qint64 id = 0; ///< the history's id, 0 when not stored
        QString tid; ///< a file transfer's item, not a message: shown, never stored
    };

    explicit ConversationModel(const QString &key, QObject *parent = nullptr);
    /// A conversation backed by @p store (not owned; may be null), loading @p pageSize messages at a time.
    ConversationModel(const QString &key, History::MessageStore *store, int pageSize, QObject *parent = nullptr);

    /// "" for Everyone, otherwise the peer id.
    QString key() const { return m_key; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Whether older messages are still on disk. (Not canFetchMore(): Qt's views call that whenever the last row is
    /// visible, which in a chat is the newest message; they would pull the whole history page by page.)
    bool canFetchOlder() const;
    /// Loads the next older page at the top; returns how many rows were added.
    int fetchOlder();
    /// The row of stored message @p id, loading older pages until it is there; -1 if it is not in this conversation.
    int rowOfId(qint64 id);
    /// Reads the newest page again (after messages were deleted from the store); transfer items stay.
    void reload();

    /// Where transfer items find their transfers (not owned); their rows change with it.
    void setTransfers(TransfersModel *transfers);
    /// Shows the transfer @p tid at the bottom, as of now (not stored); false when it is shown already.
    bool appendTransfer(const QString &tid, const QString &from, const QString &fromName, bool outgoing);
    /// The row of the item of transfer @p tid; -1 if it is not here.
    int rowOfTransfer(const QString &tid) const;

    const Entry &entry(int row) const { return m_entries.at(row); }
    /// Shows @p entry at the bottom and stores it (when there is a store).
    void append(const Entry &entry);
    /// Updates the state of the outgoing message with @p mid (shown and stored); returns false if it is not here.
    bool setState(const QString &mid, State state, const QString &error = QString());

private:
    Entry fromStored(const History::StoredMessage &m) const;
    /// A transfer item's @p role; nullopt: the same as for a message.
    std::optional<QVariant> transferData(const Entry &e, int role) const;
    void onTransfersChanged(const QModelIndex &first, const QModelIndex &last);
    bool storeUsable() const { return m_store && m_store->isOpen(); }

    QString m_key;
    QPointer<History::MessageStore> m_store;
    QPointer<TransfersModel> m_transfers;
    int m_pageSize = 200;
    bool m_hasOlder = false;
    QSet<QString> m_sentNow; ///< mids sent in this session: "sending" in the store means still waiting only for these
    QList<Entry> m_entries;
};

} // namespace PeerLink
