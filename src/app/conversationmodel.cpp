#include "conversationmodel.h"

#include "app/apppalette.h"
#include "app/transferitem.h"
#include "app/transfersmodel.h"

#include <QBrush>
#include <QIcon>
#include <QLocale>
#include <QPalette>

#include <algorithm>

namespace PeerLink {

using namespace Qt::StringLiterals;
using History::MessageState;
using History::StoredMessage;

namespace {

MessageState toStored(ConversationModel::State state)
{
    switch (state) {
    case ConversationModel::State::Pending:
        return MessageState::Sending;
    case ConversationModel::State::Sent:
        return MessageState::Sent;
    case ConversationModel::State::Delivered:
        return MessageState::Delivered;
    case ConversationModel::State::Read:
        return MessageState::Read;
    case ConversationModel::State::Stored:
        return MessageState::Stored;
    case ConversationModel::State::Failed:
        return MessageState::Failed;
    case ConversationModel::State::Received:
        break;
    }
    return MessageState::Received;
}

/// The order of outgoing states: a state only ever moves up (a late ack after a receipt changes nothing).
int rank(ConversationModel::State state)
{
    switch (state) {
    case ConversationModel::State::Pending:
        return 0;
    case ConversationModel::State::Sent:
    case ConversationModel::State::Stored:
        return 1;
    case ConversationModel::State::Delivered:
        return 2;
    case ConversationModel::State::Read:
        return 3;
    case ConversationModel::State::Failed:
    case ConversationModel::State::Received:
        break;
    }
    return 4;
}

} // namespace

ConversationModel::ConversationModel(const QString &key, QObject *parent)
    : QAbstractListModel(parent)
    , m_key(key)
{
}

ConversationModel::ConversationModel(const QString &key, History::MessageStore *store, int pageSize, QObject *parent)
    : QAbstractListModel(parent)
    , m_key(key)
    , m_store(store)
    , m_pageSize(std::max(1, pageSize))
{
    reload();
}

ConversationModel::Entry ConversationModel::fromStored(const StoredMessage &m) const
{
    Entry e;
    e.id = m.id;
    e.from = m.sender;
    e.fromName = m.sender;
    e.to = m.recipient;
    e.text = m.text;
    e.time = QDateTime::fromMSecsSinceEpoch(m.sentMs, Qt::UTC);
    if (m.deliveredMs > 0)
        e.deliveredAt = QDateTime::fromMSecsSinceEpoch(m.deliveredMs, Qt::UTC);
    e.outgoing = m.outgoing;
    e.mid = m.mid;
    e.encrypted = m.e2e;
    switch (m.state) {
    case MessageState::Sending:
        // Only a message sent in this session can still be confirmed: one from an earlier run never was.
        if (m_sentNow.contains(m.mid)) {
            e.state = State::Pending;
        } else {
            e.state = State::Failed;
            e.error = tr("PeerLink closed before the hub confirmed it");
        }
        break;
    case MessageState::Stored:
        e.state = State::Stored;
        break;
    case MessageState::Sent:
        e.state = State::Sent;
        break;
    case MessageState::Delivered:
        e.state = State::Delivered;
        break;
    case MessageState::Read:
        e.state = State::Read;
        break;
    case MessageState::Failed:
        e.state = State::Failed;
        break;
    case MessageState::Received:
        e.state = State::Received;
        break;
    }
    return e;
}

void ConversationModel::reload()
{
    if (!m_store)
        return;
    beginResetModel();
    // Transfer items are not in the store: they go back in their place in time.
    QList<Entry> transfers;
    for (const Entry &e : std::as_const(m_entries)) {
        if (!e.tid.isEmpty())
            transfers.append(e);
    }
    m_entries.clear();
    const QList<StoredMessage> page = storeUsable() ? m_store->page(m_key, 0, m_pageSize) : QList<StoredMessage>();
    for (const StoredMessage &m : page)
        m_entries.append(fromStored(m));
    for (const Entry &t : std::as_const(transfers)) {
        auto at = std::find_if(m_entries.begin(), m_entries.end(), [&t](const Entry &e) { return e.time > t.time; });
        m_entries.insert(at, t);
    }
    m_hasOlder = page.size() == m_pageSize;
    endResetModel();
}

bool ConversationModel::canFetchOlder() const
{
    return m_hasOlder && storeUsable();
}

int ConversationModel::fetchOlder()
{
    if (!canFetchOlder())
        return 0;
    qint64 oldest = 0;
    for (const Entry &e : std::as_const(m_entries)) {
        if (e.id > 0) {
            oldest = e.id;
            break;
        }
    }
    const QList<StoredMessage> older = m_store->page(m_key, oldest, m_pageSize);
    m_hasOlder = older.size() == m_pageSize;
    if (older.isEmpty())
        return 0;
    QList<Entry> rows;
    rows.reserve(older.size());
    for (const StoredMessage &m : older)
        rows.append(fromStored(m));
    beginInsertRows(QModelIndex(), 0, int(rows.size()) - 1);
    m_entries = rows + m_entries;
    endInsertRows();
    return int(rows.size());
}

int ConversationModel::rowOfId(qint64 id)
{
    if (id <= 0)
        return -1;
    auto find = [this, id] {
        for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
            if (m_entries.at(row).id == id)
                return row;
        }
        return -1;
    };
    if (const int row = find(); row >= 0)
        return row;
    if (!storeUsable())
        return -1;
    const StoredMessage wanted = m_store->message(id);
    if (wanted.id == 0 || wanted.conversation != m_key)
        return -1;
    // Load what lies between it and the newest message, page by page.
    const qint64 needed = m_store->countFrom(m_key, id);
    auto stored = [this] {
        return std::count_if(m_entries.cbegin(), m_entries.cend(), [](const Entry &e) { return e.tid.isEmpty(); });
    };
    while (stored() < needed && canFetchOlder()) {
        if (fetchOlder() == 0)
            break;
    }
    return find();
}

int ConversationModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant ConversationModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return QVariant();
    const Entry &e = m_entries.at(index.row());
    if (!e.tid.isEmpty()) {
        if (std::optional<QVariant> value = transferData(e, role))
            return *value;
    }
    const QString fromName = e.fromName.isEmpty() ? e.from : e.fromName;
    switch (role) {
    case Qt::DisplayRole: {
        const QDateTime local = e.time.toLocalTime();
        // Messages from another day (history) say the date as well.
        const QString time = local.date() == QDate::currentDate()
            ? QLocale().toString(local.time(), QLocale::ShortFormat)
            : QLocale().toString(local, QLocale::ShortFormat);
        QString line = u"%1  %2: %3"_s.arg(time, e.outgoing ? tr("You") : fromName, e.text);
        if (e.state == State::Pending)
            line += tr("  (sending…)");
        else if (e.state == State::Failed)
            line += tr("  (not delivered)");
        else if (e.state == State::Stored)
            line += tr("  (kept by the hub until the peer is back)");
        else if (e.state == State::Sent)
            line += u"  ✓"_s;
        else if (e.state == State::Delivered)
            line += u"  ✓✓"_s;
        else if (e.state == State::Read)
            line += tr("  ✓✓ read");
        return line;
    }
    case Qt::ToolTipRole: {
        QString tip;
        switch (e.state) {
        case State::Pending:
            tip = tr("Waiting for the hub to confirm");
            break;
        case State::Sent:
            tip = tr("Sent at %1").arg(QLocale().toString(e.time.toLocalTime())) + u'\n'
                + tr("The hub passed it on; no receipt from the peer yet.");
            break;
        case State::Delivered:
        case State::Read:
            // The send time and the delivery time differ when the peer or the hub was away for a while.
            tip = tr("Sent at %1").arg(QLocale().toString(e.time.toLocalTime()));
            if (e.deliveredAt.isValid())
                tip += u'\n' + tr("Delivered at %1").arg(QLocale().toString(e.deliveredAt.toLocalTime()));
            else
                tip += u'\n' + tr("Delivered");
            if (e.state == State::Read)
                tip += u'\n' + tr("Read");
            break;
        case State::Stored:
            tip = tr("Sent at %1").arg(QLocale().toString(e.time.toLocalTime())) + u'\n'
                + tr("The peer is away: the hub keeps the message, sealed end to end, and hands it on when the peer "
                     "is back.");
            break;
        case State::Failed:
            // A failure read back from the history has no reason any more (the store keeps the state only).
            tip = e.error.isEmpty() ? tr("Not delivered") : tr("Not delivered: %1").arg(e.error);
            break;
        case State::Received:
            tip = tr("From %1 at %2").arg(e.from, QLocale().toString(e.time.toLocalTime()));
            break;
        }
        if (e.encrypted)
            tip += u'\n' + tr("End-to-end encrypted: only you and %1 can read it.").arg(e.outgoing ? m_key : fromName);
        return tip;
    }
    case Qt::DecorationRole:
        if (e.encrypted)
            return QIcon(u":/icons/lock.svg"_s);
        return QVariant();
    case Qt::ForegroundRole:
        if (e.state == State::Pending)
            return QBrush(QPalette().color(QPalette::Disabled, QPalette::Text));
        if (e.state == State::Failed)
            return QBrush(errorColor(QPalette()));
        return QVariant();
    case FromRole:
        return e.from;
    case TextRole:
        return e.text;
    case TimeRole:
        return e.time;
    case OutgoingRole:
        return e.outgoing;
    case StateRole:
        return QVariant::fromValue(e.state);
    case MidRole:
        return e.mid;
    case EncryptedRole:
        return e.encrypted;
    case IdRole:
        return e.id;
    case FromNameRole:
        return fromName;
    default:
        return QVariant();
    }
}

std::optional<QVariant> ConversationModel::transferData(const Entry &e, int role) const
{
    const int row = m_transfers ? m_transfers->rowOf(e.tid) : -1;
    const std::optional<FileTransfers::Info> info = m_transfers ? m_transfers->infoAt(row) : std::nullopt;
    const QString name = info ? info->name : e.text;
    switch (role) {
    case Qt::DisplayRole: {
        const QString time = QLocale().toString(e.time.toLocalTime().time(), QLocale::ShortFormat);
        return u"%1  %2: %3"_s.arg(time, e.outgoing ? tr("You") : (e.fromName.isEmpty() ? e.from : e.fromName),
                                   tr("file %1 (%2)").arg(name, TransferItem::statusText(info)));
    }
    case Qt::ToolTipRole:
    case TransferDetailsRole:
        return info ? TransferItem::detailsText(*info) : QString();
    case Qt::DecorationRole:
    case Qt::ForegroundRole:
        return QVariant();
    case TextRole:
    case TransferNameRole:
        return name;
    case TransferIdRole:
        return e.tid;
    case TransferStateRole:
        return QVariant::fromValue(TransferItem::stateOf(info));
    case TransferActionsRole:
        return int(TransferItem::actionsOf(info));
    case TransferStatusRole:
        return TransferItem::statusText(info);
    case TransferProgressRole:
        return TransferItem::progress(info);
    default:
        return std::nullopt; // as for a message: sender, time, direction, encrypted (always, end to end)...
    }
}

void ConversationModel::setTransfers(TransfersModel *transfers)
{
    if (m_transfers)
        disconnect(m_transfers, nullptr, this, nullptr);
    m_transfers = transfers;
    if (!transfers)
        return;
    connect(transfers, &QAbstractItemModel::dataChanged, this, &ConversationModel::onTransfersChanged);
    connect(transfers, &QAbstractItemModel::modelReset, this, [this] {
        for (int row = 0; row < m_entries.size(); ++row) {
            if (!m_entries.at(row).tid.isEmpty())
                Q_EMIT dataChanged(index(row), index(row));
        }
    });
}

void ConversationModel::onTransfersChanged(const QModelIndex &first, const QModelIndex &last)
{
    for (int t = first.row(); t <= last.row(); ++t) {
        const int row = rowOfTransfer(m_transfers->tidAt(t));
        if (row >= 0)
            Q_EMIT dataChanged(index(row), index(row)); // one row at a time: the view updates its item widget
    }
}

bool ConversationModel::appendTransfer(const QString &tid, const QString &from, const QString &fromName, bool outgoing)
{
    if (tid.isEmpty() || rowOfTransfer(tid) >= 0)
        return false;
    Entry e;
    e.tid = tid;
    e.from = from;
    e.fromName = fromName;
    e.to = outgoing ? m_key : QString();
    e.outgoing = outgoing;
    e.time = QDateTime::currentDateTimeUtc();
    e.encrypted = true; // files always go end to end (FileTransfers)
    if (m_transfers) {
        if (const auto info = m_transfers->infoAt(m_transfers->rowOf(tid)))
            e.text = info->name;
    }
    const int row = int(m_entries.size());
    beginInsertRows(QModelIndex(), row, row);
    m_entries.append(e);
    endInsertRows();
    return true;
}

int ConversationModel::rowOfTransfer(const QString &tid) const
{
    if (tid.isEmpty())
        return -1;
    for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
        if (m_entries.at(row).tid == tid)
            return row;
    }
    return -1;
}

QHash<int, QByteArray> ConversationModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(FromRole, "from");
    names.insert(TextRole, "text");
    names.insert(TimeRole, "time");
    names.insert(OutgoingRole, "outgoing");
    names.insert(StateRole, "state");
    names.insert(MidRole, "mid");
    names.insert(EncryptedRole, "encrypted");
    names.insert(IdRole, "id");
    names.insert(TransferIdRole, "transferId");
    names.insert(TransferStateRole, "transferState");
    names.insert(TransferActionsRole, "transferActions");
    names.insert(TransferNameRole, "transferName");
    names.insert(TransferDetailsRole, "transferDetails");
    names.insert(TransferStatusRole, "transferStatus");
    names.insert(TransferProgressRole, "transferProgress");
    return names;
}

void ConversationModel::append(const Entry &entry)
{
    Entry e = entry;
    if (e.outgoing && !e.mid.isEmpty())
        m_sentNow.insert(e.mid);
    if (storeUsable()) {
        StoredMessage m;
        m.conversation = m_key;
        m.sender = e.from;
        m.recipient = e.to;
        m.mid = e.mid;
        m.text = e.text;
        m.outgoing = e.outgoing;
        m.e2e = e.encrypted;
        m.state = toStored(e.state);
        m.sentMs = e.time.isValid() ? e.time.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
        // 0 when it could not be stored: the store says why (errorOccurred), and the message is shown all the same.
        e.id = m_store->append(m);
        if (e.id > 0) {
            for (const Entry &shown : std::as_const(m_entries)) {
                if (shown.id == e.id)
                    return; // a duplicate delivery of a message already shown
            }
        }
    }
    const int row = int(m_entries.size());
    beginInsertRows(QModelIndex(), row, row);
    m_entries.append(e);
    endInsertRows();
}

bool ConversationModel::setState(const QString &mid, State state, const QString &error)
{
    for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
        Entry &e = m_entries[row];
        if (e.outgoing && e.tid.isEmpty() && e.mid == mid) {
            // Forward only: Failed only while nothing confirmed it; other states only upwards.
            const bool forward = state == State::Failed ? rank(e.state) <= 1 && e.state != State::Sent
                                                        : rank(state) > rank(e.state) || e.state == State::Failed;
            if (!forward)
                return false;
            e.state = state;
            e.error = error;
            const QDateTime now = QDateTime::currentDateTimeUtc();
            if (state == State::Delivered || (state == State::Read && !e.deliveredAt.isValid()))
                e.deliveredAt = now;
            if (storeUsable())
                m_store->setState(m_key, e.from, mid, toStored(state), now.toMSecsSinceEpoch());
            const QModelIndex i = index(row);
            Q_EMIT dataChanged(i, i);
            return true;
        }
    }
    return false;
}

} // namespace PeerLink
