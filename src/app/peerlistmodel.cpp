#include "peerlistmodel.h"

#include <QFont>
#include <QIcon>

namespace PeerLink {

using namespace Qt::StringLiterals;

PeerListModel::PeerListModel(QObject *parent)
    : QAbstractListModel(parent)
{
    m_rows.append(Row { QString(), QString(), true, false, 0 });
}

int PeerListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant PeerListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return QVariant();
    const Row &r = m_rows.at(index.row());
    const bool everyone = index.row() == 0;
    const bool room = r.id.startsWith(u'#'); // a room's conversation (issue 17): online = we are in it
    const QString name = everyone ? tr("Everyone") : (r.name.isEmpty() ? r.id : r.name);
    switch (role) {
    case Qt::DisplayRole: {
        QString text = name;
        if (r.keyChanged)
            text += tr(" ⚠ key changed");
        else if (r.verified)
            text += u" ✓"_s;
        if (r.host)
            text += tr(" (hosting)");
        if (room && !r.online)
            text += tr(" (not in it)");
        else if (!everyone && !r.online)
            text += tr(" (offline)");
        else if (r.path == PeerClient::Path::Direct)
            text += tr(" · direct");
        else if (r.path == PeerClient::Path::Connecting)
            text += tr(" · connecting…");
        if (r.unread > 0)
            text += u"  [%1]"_s.arg(r.unread);
        return text;
    }
    case Qt::ToolTipRole:
        if (everyone)
            return tr("Messages to every peer on the hub");
        if (room)
            return r.online ? tr("The room %1: its members read what you write here, end to end").arg(r.id)
                            : tr("The room %1: you are not in it now").arg(r.id);
    {
        QString tip = r.name.isEmpty() ? r.id : tr("%1 (id %2)").arg(r.name, r.id);
        if (r.keyChanged)
            tip += u'\n' + tr("Their key changed: nothing is sent to them until you accept the new key.");
        else if (r.verified)
            tip += u'\n' + tr("Verified: you compared fingerprints in person.");
        return tip;
    }
    case Qt::DecorationRole:
        if (everyone || room)
            return QIcon(u":/icons/everyone.svg"_s);
        return QIcon(r.online ? u":/icons/online.svg"_s : u":/icons/offline.svg"_s);
    case Qt::FontRole:
        if (r.unread > 0) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return QVariant();
    case IdRole:
        return r.id;
    case NameRole:
        return name;
    case OnlineRole:
        return r.online;
    case HostRole:
        return r.host;
    case UnreadRole:
        return r.unread;
    case EveryoneRole:
        return everyone;
    case RoomRole:
        return room;
    case PathRole:
        return QVariant::fromValue(r.path);
    case VerifiedRole:
        return r.verified;
    case KeyChangedRole:
        return r.keyChanged;
    default:
        return QVariant();
    }
}

QHash<int, QByteArray> PeerListModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(IdRole, "peerId");
    names.insert(NameRole, "name");
    names.insert(OnlineRole, "online");
    names.insert(HostRole, "host");
    names.insert(UnreadRole, "unread");
    names.insert(EveryoneRole, "everyone");
    names.insert(PathRole, "path");
    names.insert(VerifiedRole, "verified");
    names.insert(KeyChangedRole, "keyChanged");
    names.insert(RoomRole, "room");
    return names;
}

int PeerListModel::rowOf(const QString &id) const
{
    if (id.isEmpty())
        return 0;
    for (int i = 1; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == id)
            return i;
    }
    return -1;
}

QModelIndex PeerListModel::indexOf(const QString &id) const
{
    const int row = rowOf(id);
    return row < 0 ? QModelIndex() : index(row);
}

bool PeerListModel::isOnline(const QString &id) const
{
    const int row = rowOf(id);
    return row >= 0 && m_rows.at(row).online;
}

void PeerListModel::peerOnline(const QString &id, const QString &name, bool host)
{
    const int row = rowOf(id);
    if (row > 0) {
        Row &r = m_rows[row];
        r.online = true;
        r.host = host;
        if (!name.isEmpty())
            r.name = name;
        changed(row);
        return;
    }
    const int at = int(m_rows.size());
    beginInsertRows(QModelIndex(), at, at);
    m_rows.append(Row { id, name, true, host, 0 });
    endInsertRows();
}

void PeerListModel::peerOffline(const QString &id, bool keep)
{
    const int row = rowOf(id);
    if (row <= 0)
        return;
    if (keep) {
        m_rows[row].online = false;
        m_rows[row].host = false;
        m_rows[row].path = PeerClient::Path::Relayed;
        changed(row);
    } else {
        beginRemoveRows(QModelIndex(), row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    }
}

void PeerListModel::allOffline(const QList<QString> &keep)
{
    for (int row = int(m_rows.size()) - 1; row > 0; --row)
        peerOffline(m_rows.at(row).id, keep.contains(m_rows.at(row).id));
}

void PeerListModel::setUnread(const QString &id, int count)
{
    const int row = rowOf(id);
    if (row < 0 || m_rows.at(row).unread == count)
        return;
    m_rows[row].unread = count;
    changed(row);
}

void PeerListModel::setPath(const QString &id, PeerClient::Path path)
{
    const int row = rowOf(id);
    if (row <= 0 || m_rows.at(row).path == path)
        return;
    m_rows[row].path = path;
    changed(row);
}

bool PeerListModel::setTrust(const QString &id, bool verified, bool keyChanged)
{
    const int row = rowOf(id);
    if (row <= 0 || (m_rows.at(row).verified == verified && m_rows.at(row).keyChanged == keyChanged))
        return false;
    m_rows[row].verified = verified;
    m_rows[row].keyChanged = keyChanged;
    changed(row);
    return true;
}

void PeerListModel::changed(int row)
{
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i);
}

} // namespace PeerLink
