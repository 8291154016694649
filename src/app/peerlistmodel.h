#pragma once

#include "client/peerclient.h"

#include <QAbstractListModel>
#include <QList>
#include <QString>

namespace PeerLink {

/// The left-hand list: "Everyone" first, then every peer there is a reason to show (online now, or offline with a
/// conversation), with presence, hosting and unread counts.
class PeerListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1, ///< peer id; empty for "Everyone"
        NameRole, ///< display name (the id when there is none)
        OnlineRole,
        HostRole,
        UnreadRole,
        EveryoneRole,
        PathRole, ///< PeerClient::Path: how messages to this peer travel
        VerifiedRole, ///< the user compared this peer's fingerprint in person
        KeyChangedRole, ///< the peer's key changed and the user has not accepted it
        RoomRole, ///< a room's conversation (issue 17; its id is "#" + the room's name; online: we are in it)
    };

    explicit PeerListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// The row of a conversation key ("" for Everyone), or -1.
    int rowOf(const QString &id) const;
    QModelIndex indexOf(const QString &id) const;
    bool contains(const QString &id) const { return rowOf(id) >= 0; }
    bool isOnline(const QString &id) const;

    void peerOnline(const QString &id, const QString &name, bool host);
    /// Marks a peer offline; it stays listed only if @p keep (it has a conversation).
    void peerOffline(const QString &id, bool keep);
    /// Everyone offline (we disconnected); peers without a conversation are dropped.
    void allOffline(const QList<QString> &keep);
    void setUnread(const QString &id, int count);
    void setPath(const QString &id, PeerClient::Path path);
    /// Returns whether anything changed.
    bool setTrust(const QString &id, bool verified, bool keyChanged);

private:
    struct Row
    {
        QString id;
        QString name;
        bool online = false;
        bool host = false;
        int unread = 0;
        PeerClient::Path path = PeerClient::Path::Relayed;
        bool verified = false;
        bool keyChanged = false;
    };
    void changed(int row);

    QList<Row> m_rows;
};

} // namespace PeerLink
