#pragma once

#include "history/messagestore.h"

#include <QAbstractListModel>
#include <QPointer>

namespace PeerLink::History {

/// One conversation of the history as a list model, oldest first, loaded lazily from the newest end: it starts with
/// the last page, and canFetchMore()/fetchMore() add older pages at the top (a chat view calls fetchMore() when the
/// user scrolls to the top), so a conversation of a million messages opens as fast as one of a hundred.
class HistoryModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        SenderRole,
        RecipientRole,
        MidRole,
        SentRole,      ///< ms since the epoch
        StateRole,     ///< MessageState as int
        OutgoingRole,
        E2ERole,
        DeliveredRole, ///< ms since the epoch, 0 if not
        ReadRole,
    };

    HistoryModel(MessageStore *store, const QString &conversation, int pageSize = 200, QObject *parent = nullptr);

    QString conversation() const { return m_conversation; }
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    /// Adds a message that was just stored (live traffic) at the bottom.
    void appendLive(const StoredMessage &message);
    /// A state change of one of this conversation's messages (by sender and mid).
    void updateState(const QString &sender, const QString &mid, MessageState state, qint64 timeMs);
    /// The row of message @p id, loading older pages until it is there; -1 if it is not in this conversation.
    int rowOfId(qint64 id);

private:
    QPointer<MessageStore> m_store;
    QString m_conversation;
    int m_pageSize;
    QList<StoredMessage> m_rows;
    bool m_hasOlder = true;
};

} // namespace PeerLink::History
