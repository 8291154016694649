#include "conversationmodel.h"

#include <QBrush>
#include <QIcon>
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
    case Qt::ToolTipRole: {
        QString tip;
        switch (e.state) {
        case State::Pending:
            tip = tr("Waiting for the hub to confirm");
            break;
        case State::Delivered:
            tip = tr("Delivered at %1").arg(QLocale().toString(e.time.toLocalTime()));
            break;
        case State::Failed:
            tip = tr("Not delivered: %1").arg(e.error);
            break;
        case State::Received:
            tip = tr("From %1 at %2").arg(e.from, QLocale().toString(e.time.toLocalTime()));
            break;
        }
        if (e.encrypted)
            tip += u'\n' + tr("End-to-end encrypted: only you and %1 can read it.").arg(e.outgoing ? m_key : e.fromName);
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
    case EncryptedRole:
        return e.encrypted;
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
    names.insert(EncryptedRole, "encrypted");
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
