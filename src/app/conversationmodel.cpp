#include "conversationmodel.h"

#include <QBrush>
#include <QLocale>
#include <QPalette>

namespace PeerLink {

using namespace Qt::StringLiterals;

ConversationModel::ConversationModel(const QString &key, QObject *parent)
    : QAbstractListModel(parent)
    , m_key(key)
{
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
    switch (role) {
    case Qt::DisplayRole: {
        const QString time = QLocale().toString(e.time.toLocalTime().time(), QLocale::ShortFormat);
        QString line = u"%1  %2: %3"_s.arg(time, e.outgoing ? tr("You") : e.fromName, e.text);
        if (e.state == State::Pending)
            line += tr("  (sending…)");
        else if (e.state == State::Failed)
            line += tr("  (not delivered)");
        return line;
    }
    case Qt::ToolTipRole:
        switch (e.state) {
        case State::Pending:
            return tr("Waiting for the hub to confirm");
        case State::Delivered:
            return tr("Delivered at %1").arg(QLocale().toString(e.time.toLocalTime()));
        case State::Failed:
            return tr("Not delivered: %1").arg(e.error);
        case State::Received:
            return tr("From %1 at %2").arg(e.from, QLocale().toString(e.time.toLocalTime()));
        }
        return QVariant();
    case Qt::ForegroundRole:
        if (e.state == State::Pending)
            return QBrush(QPalette().color(QPalette::Disabled, QPalette::Text));
        if (e.state == State::Failed)
            return QBrush(Qt::red);
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
    default:
        return QVariant();
    }
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
    return names;
}

void ConversationModel::append(const Entry &entry)
{
    const int row = int(m_entries.size());
    beginInsertRows(QModelIndex(), row, row);
    m_entries.append(entry);
    endInsertRows();
}

bool ConversationModel::setState(const QString &mid, State state, const QString &error)
{
    for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
        Entry &e = m_entries[row];
        if (e.outgoing && e.mid == mid) {
            e.state = state;
            e.error = error;
            const QModelIndex i = index(row);
            Q_EMIT dataChanged(i, i);
            return true;
        }
    }
    return false;
}

} // namespace PeerLink
