#include "historymodel.h"

namespace PeerLink::History {

HistoryModel::HistoryModel(MessageStore *store, const QString &conversation, int pageSize, QObject *parent)
    : QAbstractListModel(parent)
    , m_store(store)
    , m_conversation(conversation)
    , m_pageSize(std::max(1, pageSize))
{
    if (m_store)
        m_rows = m_store->page(m_conversation, 0, m_pageSize);
    m_hasOlder = m_rows.size() == m_pageSize;
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() < 0 || index.row() >= m_rows.size())
        return QVariant();
    const StoredMessage &m = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return m.text;
    case IdRole:
        return m.id;
    case SenderRole:
        return m.sender;
    case RecipientRole:
        return m.recipient;
    case MidRole:
        return m.mid;
    case SentRole:
        return m.sentMs;
    case StateRole:
        return int(m.state);
    case OutgoingRole:
        return m.outgoing;
    case E2ERole:
        return m.e2e;
    case DeliveredRole:
        return m.deliveredMs;
    case ReadRole:
        return m.readMs;
    default:
        return QVariant();
    }
}

QHash<int, QByteArray> HistoryModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(IdRole, "id");
    names.insert(SenderRole, "sender");
    names.insert(RecipientRole, "recipient");
    names.insert(MidRole, "mid");
    names.insert(SentRole, "sent");
    names.insert(StateRole, "state");
    names.insert(OutgoingRole, "outgoing");
    names.insert(E2ERole, "e2e");
    names.insert(DeliveredRole, "delivered");
    names.insert(ReadRole, "read");
    return names;
}

bool HistoryModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_hasOlder && m_store && m_store->isOpen();
}

void HistoryModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    const qint64 oldest = m_rows.isEmpty() ? 0 : m_rows.constFirst().id;
    const QList<StoredMessage> older = m_store->page(m_conversation, oldest, m_pageSize);
    m_hasOlder = older.size() == m_pageSize;
    if (older.isEmpty())
        return;
    beginInsertRows(QModelIndex(), 0, int(older.size()) - 1);
    m_rows = older + m_rows;
    endInsertRows();
}

void HistoryModel::appendLive(const StoredMessage &message)
{
    if (message.conversation != m_conversation)
        return;
    for (const StoredMessage &m : std::as_const(m_rows)) {
        if (m.id == message.id && message.id != 0)
            return; // already shown
    }
    const int row = int(m_rows.size());
    beginInsertRows(QModelIndex(), row, row);
    m_rows.append(message);
    endInsertRows();
}

void HistoryModel::updateState(const QString &sender, const QString &mid, MessageState state, qint64 timeMs)
{
    // The newest messages are the ones whose state changes: look from the bottom.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        StoredMessage &m = m_rows[row];
        if (m.mid != mid || m.sender != sender)
            continue;
        m.state = state;
        if (state == MessageState::Stored)
            m.storedMs = timeMs;
        else if (state == MessageState::Delivered)
            m.deliveredMs = timeMs;
        else if (state == MessageState::Read)
            m.readMs = timeMs;
        Q_EMIT dataChanged(index(row), index(row));
        return;
    }
}

int HistoryModel::rowOfId(qint64 id)
{
    if (!m_store || id <= 0)
        return -1;
    const StoredMessage wanted = m_store->message(id);
    if (wanted.id == 0 || wanted.conversation != m_conversation)
        return -1;
    // Load what lies between: count from the id to the newest, and fetch pages until that many rows are here.
    const qint64 needed = m_store->countFrom(m_conversation, id);
    while (m_rows.size() < needed && canFetchMore(QModelIndex()))
        fetchMore(QModelIndex());
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == id)
            return row;
    }
    return -1;
}

} // namespace PeerLink::History
