#pragma once

#include "hub/hub.h"

#include <QAbstractTableModel>

namespace PeerLink {

/// The peers of the hub this app hosts, for the hub panel: id, name, address, joined at, messages sent, and the
/// fingerprint of the identity key each joined with (what the host compares before forgetting an id).
class HubPeersModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, NameColumn, AddressColumn, JoinedColumn, MessagesColumn, FingerprintColumn, ColumnCount };

    explicit HubPeersModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    QString idAt(int row) const;
    int rowOf(const QString &id) const;

    void setPeers(const QList<HubPeer> &peers);
    void addPeer(const HubPeer &peer);
    void removePeer(const QString &id);
    /// Counts @p count messages sent by @p id.
    void countMessage(const QString &id, quint64 count = 1);
    void clear();

private:
    QList<HubPeer> m_peers;
};

} // namespace PeerLink
