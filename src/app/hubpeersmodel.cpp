#include "hubpeersmodel.h"

#include "crypto/identity.h"
#include "crypto/sodium.h"
#include "hub/hubtransport.h"

#include <QLocale>

namespace PeerLink {

using namespace Qt::StringLiterals;

HubPeersModel::HubPeersModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int HubPeersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_peers.size());
}

int HubPeersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HubPeersModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_peers.size() || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return QVariant();
    const HubPeer &p = m_peers.at(index.row());
    switch (index.column()) {
    case IdColumn:
        return p.host ? tr("%1 (you, hosting)").arg(p.id) : p.id;
    case NameColumn:
        return p.name;
    case AddressColumn:
        // Port 0: a proxy named the peer by X-Forwarded-For, which carries no port.
        return addressText(p.address, p.port);
    case JoinedColumn:
        return QLocale().toString(p.joinedAt.toLocalTime().time(), QLocale::ShortFormat);
    case MessagesColumn:
        return QVariant::fromValue(p.messagesSent);
    case FingerprintColumn: {
        if (p.key.isEmpty())
            return tr("no key");
        bool ok = false;
        const QByteArray key = Crypto::fromBase64(p.key.toLatin1(), &ok);
        return ok ? Crypto::fingerprintOf(key) : QVariant();
    }
    default:
        return QVariant();
    }
}

QVariant HubPeersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QVariant();
    switch (section) {
    case IdColumn:
        return tr("Id");
    case NameColumn:
        return tr("Name");
    case AddressColumn:
        return tr("Address");
    case JoinedColumn:
        return tr("Joined");
    case MessagesColumn:
        return tr("Messages");
    case FingerprintColumn:
        return tr("Key fingerprint");
    default:
        return QVariant();
    }
}

QString HubPeersModel::idAt(int row) const
{
    return row >= 0 && row < m_peers.size() ? m_peers.at(row).id : QString();
}

int HubPeersModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_peers.size(); ++i) {
        if (m_peers.at(i).id == id)
            return i;
    }
    return -1;
}

void HubPeersModel::setPeers(const QList<HubPeer> &peers)
{
    beginResetModel();
    m_peers = peers;
    endResetModel();
}

void HubPeersModel::addPeer(const HubPeer &peer)
{
    if (rowOf(peer.id) >= 0)
        return;
    const int row = int(m_peers.size());
    beginInsertRows(QModelIndex(), row, row);
    m_peers.append(peer);
    endInsertRows();
}

void HubPeersModel::removePeer(const QString &id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows(QModelIndex(), row, row);
    m_peers.removeAt(row);
    endRemoveRows();
}

void HubPeersModel::countMessage(const QString &id, quint64 count)
{
    const int row = rowOf(id);
    if (row < 0 || count == 0)
        return;
    m_peers[row].messagesSent += count;
    const QModelIndex i = index(row, MessagesColumn);
    Q_EMIT dataChanged(i, i);
}

void HubPeersModel::clear()
{
    setPeers({});
}

} // namespace PeerLink
