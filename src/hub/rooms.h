#pragma once

#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace PeerLink {

/// The hub's rooms (issue 17): each room's settings (topic, open or invite-only, creator, managers) and who is a
/// member or invited, by peer id. Kept in a data directory (`rooms.sqlite`, SQLite through Qt SQL, WAL,
/// synchronous=FULL: each change is one small transaction, synced before the hub answers it) so that rooms and
/// membership survive restarts; with no directory, in memory only. Read whole into memory at start; the loader is
/// strict: a database it cannot read whole, or a row that breaks the rules, is an error naming the file, never a
/// room dropped. Only state: who may do what is decided by RoomRequests.
class Rooms
{
public:
    static constexpr QLatin1StringView FileName { "rooms.sqlite" };

    Rooms();
    ~Rooms();
    Rooms(const Rooms &) = delete;
    Rooms &operator=(const Rooms &) = delete;

    struct Room
    {
        QString name;
        QString topic;
        bool inviteOnly = false;
        QString creator;
        QStringList managers; ///< named by the creator; they may do what it may (but name managers)
        QStringList members;  ///< in the order they joined
        QStringList invited;  ///< invited and not joined yet
        bool isManager(const QString &id) const { return id == creator || managers.contains(id); }
    };

    /// Loads @p dataDir's rooms (none yet: empty; empty @p dataDir: memory only). False with @p error set when the
    /// file is corrupt or cannot be read.
    bool load(const QString &dataDir, QString *error);
    bool isLoaded() const { return m_loaded; }

    const Room *find(const QString &name) const;
    /// Every room, in no order.
    QList<const Room *> all() const;
    int count() const { return int(m_rooms.size()); }
    /// The rooms @p id is a member of.
    QStringList roomsOf(const QString &id) const { return m_memberOf.value(id).values(); }
    int countOf(const QString &id) const { return int(m_memberOf.value(id).size()); }

    // Changes: each is saved at once; false with @p error when saving failed (the change holds in memory).
    bool create(const Room &room, QString *error);
    bool addMember(const QString &room, const QString &id, QString *error);
    bool removeMember(const QString &room, const QString &id, QString *error);
    bool invite(const QString &room, const QString &id, QString *error);
    bool addManager(const QString &room, const QString &id, QString *error);
    bool setTopic(const QString &room, const QString &topic, QString *error);
    bool close(const QString &room, QString *error);
    /// Takes @p id out of every room (its binding was forgotten): rooms left empty are closed.
    bool forgetPeer(const QString &id, QString *error);
    /// Sets @p room whole (members, managers, invitations), as the cluster has it (issue 19).
    bool put(const Room &room, QString *error);
    /// Makes the rooms exactly @p rooms (the cluster's, after a sync): the others are closed.
    bool replaceAll(const QList<Room> &rooms, QString *error);

private:
    /// Runs @p statements (SQL with its bound values) in one transaction; false with @p error when the database
    /// refused (the change holds in memory). Nothing to do without a database.
    bool write(const QList<std::pair<QString, QVariantList>> &statements, QString *error);
    bool readAll(QString *error);
    void index(const Room &room);
    void unindex(const QString &room, const QString &id);
    void closeDatabase();

    QString m_path;
    QString m_connection;
    QSqlDatabase m_db;
    QHash<QString, Room> m_rooms;
    QHash<QString, QSet<QString>> m_memberOf; // peer id -> names of its rooms
    bool m_loaded = false;
};

} // namespace PeerLink
