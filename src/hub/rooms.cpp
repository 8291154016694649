#include "rooms.h"

#include "core/rules.h"

#include <QAtomicInteger>
#include <QDir>
#include <QSqlError>
#include <QSqlQuery>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

constexpr int kSchemaVersion = 1;

QString connectionName()
{
    static QAtomicInteger<int> counter;
    return u"peerlink-rooms-%1"_s.arg(counter.fetchAndAddRelaxed(1));
}

/// What a person is to a room, in the `people` table.
const QString kMember = u"member"_s;
const QString kManager = u"manager"_s;
const QString kInvited = u"invited"_s;

/// A text for a NOT NULL column: Qt binds a null QString as SQL NULL.
QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(u""_s) : QVariant(s);
}

} // namespace

Rooms::Rooms()
    : m_connection(connectionName())
{
}

Rooms::~Rooms()
{
    closeDatabase();
}

void Rooms::closeDatabase()
{
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

bool Rooms::load(const QString &dataDir, QString *error)
{
    closeDatabase();
    m_rooms.clear();
    m_memberOf.clear();
    m_loaded = false;
    m_path.clear();
    if (dataDir.isEmpty()) {
        m_loaded = true;
        return true;
    }
    if (!QDir().mkpath(dataDir)) {
        *error = u"cannot create the data directory %1"_s.arg(dataDir);
        return false;
    }
    m_path = QDir(dataDir).filePath(FileName);
    const auto failOpen = [this, error](const QString &what, const QString &detail) {
        *error = u"%1: %2: %3"_s.arg(m_path, what, detail);
        closeDatabase();
        m_rooms.clear();
        m_memberOf.clear();
        return false;
    };
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
    m_db.setDatabaseName(m_path);
    if (!m_db.open())
        return failOpen(u"cannot open the rooms database"_s, m_db.lastError().text());
    // The first read finds out whether the file is a database at all; a corrupt or foreign one stops the hub, left
    // as it is, rather than lose who is in which room.
    QSqlQuery version(m_db);
    if (!version.exec(u"PRAGMA user_version"_s) || !version.next())
        return failOpen(u"not a readable rooms database"_s, version.lastError().text());
    const int current = version.value(0).toInt();
    version.finish();
    if (current > kSchemaVersion)
        return failOpen(u"written by a newer hub"_s, u"schema %1"_s.arg(current));
    QString why;
    // WAL with synchronous=FULL: each change is on disk before the hub answers the request that made it.
    if (!write({ { u"PRAGMA journal_mode=WAL"_s, {} } }, &why) || !write({ { u"PRAGMA synchronous=FULL"_s, {} } }, &why))
        return failOpen(u"cannot set up the database"_s, why);
    if (current < 1
        && !write({ { u"CREATE TABLE IF NOT EXISTS rooms (name TEXT PRIMARY KEY, topic TEXT NOT NULL, "
                      "invite_only INTEGER NOT NULL, creator TEXT NOT NULL)"_s,
                      {} },
                    { u"CREATE TABLE IF NOT EXISTS people (seq INTEGER PRIMARY KEY AUTOINCREMENT, room TEXT NOT NULL, "
                      "id TEXT NOT NULL, kind TEXT NOT NULL, UNIQUE (room, id, kind))"_s,
                      {} },
                    { u"PRAGMA user_version=%1"_s.arg(kSchemaVersion), {} } },
                  &why))
        return failOpen(u"cannot make the rooms tables"_s, why);
    if (!readAll(&why))
        return failOpen(u"damaged"_s, why);
    m_loaded = true;
    return true;
}

bool Rooms::readAll(QString *error)
{
    QSqlQuery rooms(m_db);
    if (!rooms.exec(u"SELECT name, topic, invite_only, creator FROM rooms"_s)) {
        *error = rooms.lastError().text();
        return false;
    }
    while (rooms.next()) {
        Room room;
        room.name = rooms.value(0).toString();
        room.topic = rooms.value(1).toString();
        room.inviteOnly = rooms.value(2).toInt() != 0;
        room.creator = rooms.value(3).toString();
        if (!Rules::isValidRoomName(room.name) || !Rules::isValidTopic(room.topic) || !Rules::isValidId(room.creator)) {
            *error = u"a room that breaks the rules (%1)"_s.arg(room.name.left(80));
            return false;
        }
        m_rooms.insert(room.name, room);
    }
    QSqlQuery people(m_db);
    if (!people.exec(u"SELECT room, id, kind FROM people ORDER BY seq"_s)) {
        *error = people.lastError().text();
        return false;
    }
    while (people.next()) {
        const QString name = people.value(0).toString();
        const QString id = people.value(1).toString();
        const QString kind = people.value(2).toString();
        const auto it = m_rooms.find(name);
        if (it == m_rooms.end() || !Rules::isValidId(id) || (kind != kMember && kind != kManager && kind != kInvited)) {
            *error = u"a person of no room, or that breaks the rules (%1 in %2)"_s.arg(id.left(80), name.left(80));
            return false;
        }
        (kind == kMember ? it->members : kind == kManager ? it->managers : it->invited).append(id);
    }
    for (const Room &room : std::as_const(m_rooms)) {
        if (room.members.isEmpty()) {
            *error = u"the room %1 has no members"_s.arg(room.name);
            return false;
        }
        index(room);
    }
    return true;
}

bool Rooms::write(const QList<std::pair<QString, QVariantList>> &statements, QString *error)
{
    if (!m_db.isValid())
        return true; // memory only
    const bool pragma = statements.size() == 1 && statements.constFirst().first.startsWith(u"PRAGMA"_s);
    if (!pragma && !m_db.transaction()) {
        *error = u"%1: %2"_s.arg(m_path, m_db.lastError().text());
        return false;
    }
    for (const auto &[sql, values] : statements) {
        QSqlQuery q(m_db);
        if (!q.prepare(sql)) {
            *error = u"%1: %2"_s.arg(m_path, q.lastError().text());
            if (!pragma)
                m_db.rollback();
            return false;
        }
        for (const QVariant &v : values)
            q.addBindValue(v);
        if (!q.exec()) {
            *error = u"%1: %2"_s.arg(m_path, q.lastError().text());
            if (!pragma)
                m_db.rollback();
            return false;
        }
    }
    if (!pragma && !m_db.commit()) {
        *error = u"%1: %2"_s.arg(m_path, m_db.lastError().text());
        m_db.rollback();
        return false;
    }
    return true;
}

void Rooms::index(const Room &room)
{
    for (const QString &id : room.members)
        m_memberOf[id].insert(room.name);
}

void Rooms::unindex(const QString &room, const QString &id)
{
    auto it = m_memberOf.find(id);
    if (it != m_memberOf.end()) {
        it->remove(room);
        if (it->isEmpty())
            m_memberOf.erase(it);
    }
}

const Rooms::Room *Rooms::find(const QString &name) const
{
    const auto it = m_rooms.constFind(name);
    return it == m_rooms.cend() ? nullptr : &*it;
}

QList<const Rooms::Room *> Rooms::all() const
{
    QList<const Room *> list;
    list.reserve(m_rooms.size());
    for (const Room &room : m_rooms)
        list.append(&room);
    return list;
}

bool Rooms::create(const Room &room, QString *error)
{
    m_rooms.insert(room.name, room);
    index(room);
    QList<std::pair<QString, QVariantList>> statements {
        { u"INSERT OR REPLACE INTO rooms (name, topic, invite_only, creator) VALUES (?, ?, ?, ?)"_s,
          { room.name, text(room.topic), room.inviteOnly ? 1 : 0, room.creator } }
    };
    for (const QString &id : room.members)
        statements.append({ u"INSERT OR IGNORE INTO people (room, id, kind) VALUES (?, ?, ?)"_s, { room.name, id, kMember } });
    return write(statements, error);
}

bool Rooms::addMember(const QString &name, const QString &id, QString *error)
{
    Room &room = m_rooms[name];
    room.invited.removeAll(id);
    if (!room.members.contains(id))
        room.members.append(id);
    m_memberOf[id].insert(name);
    return write({ { u"DELETE FROM people WHERE room = ? AND id = ? AND kind = ?"_s, { name, id, kInvited } },
                   { u"INSERT OR IGNORE INTO people (room, id, kind) VALUES (?, ?, ?)"_s, { name, id, kMember } } },
                 error);
}

bool Rooms::removeMember(const QString &name, const QString &id, QString *error)
{
    Room &room = m_rooms[name];
    room.members.removeAll(id);
    room.managers.removeAll(id);
    room.invited.removeAll(id);
    unindex(name, id);
    if (room.members.isEmpty()) {
        // Nobody left: the room is gone.
        m_rooms.remove(name);
        return write({ { u"DELETE FROM people WHERE room = ?"_s, { name } },
                       { u"DELETE FROM rooms WHERE name = ?"_s, { name } } },
                     error);
    }
    return write({ { u"DELETE FROM people WHERE room = ? AND id = ?"_s, { name, id } } }, error);
}

bool Rooms::invite(const QString &name, const QString &id, QString *error)
{
    Room &room = m_rooms[name];
    if (!room.invited.contains(id))
        room.invited.append(id);
    return write({ { u"INSERT OR IGNORE INTO people (room, id, kind) VALUES (?, ?, ?)"_s, { name, id, kInvited } } },
                 error);
}

bool Rooms::addManager(const QString &name, const QString &id, QString *error)
{
    Room &room = m_rooms[name];
    if (!room.managers.contains(id))
        room.managers.append(id);
    return write({ { u"INSERT OR IGNORE INTO people (room, id, kind) VALUES (?, ?, ?)"_s, { name, id, kManager } } },
                 error);
}

bool Rooms::setTopic(const QString &name, const QString &topic, QString *error)
{
    m_rooms[name].topic = topic;
    return write({ { u"UPDATE rooms SET topic = ? WHERE name = ?"_s, { text(topic), name } } }, error);
}

bool Rooms::close(const QString &name, QString *error)
{
    const Room room = m_rooms.take(name);
    for (const QString &id : room.members)
        unindex(name, id);
    return write({ { u"DELETE FROM people WHERE room = ?"_s, { name } },
                   { u"DELETE FROM rooms WHERE name = ?"_s, { name } } },
                 error);
}

bool Rooms::put(const Room &room, QString *error)
{
    if (m_rooms.contains(room.name)) {
        for (const QString &id : m_rooms.value(room.name).members)
            unindex(room.name, id);
    }
    m_rooms.insert(room.name, room);
    index(room);
    QList<std::pair<QString, QVariantList>> statements {
        { u"DELETE FROM people WHERE room = ?"_s, { room.name } },
        { u"INSERT OR REPLACE INTO rooms (name, topic, invite_only, creator) VALUES (?, ?, ?, ?)"_s,
          { room.name, text(room.topic), room.inviteOnly ? 1 : 0, room.creator } }
    };
    for (const QString &id : room.members)
        statements.append({ u"INSERT OR IGNORE INTO people (room, id, kind) VALUES (?, ?, ?)"_s, { room.name, id, kMember } });
    for (const QString &id : room.managers)
        statements.append({ u"INSERT OR IGNORE INTO people (room, id, kind) VALUES (?, ?, ?)"_s, { room.name, id, kManager } });
    for (const QString &id : room.invited)
        statements.append({ u"INSERT OR IGNORE INTO people (room, id, kind) VALUES (?, ?, ?)"_s, { room.name, id, kInvited } });
    return write(statements, error);
}

bool Rooms::replaceAll(const QList<Room> &rooms, QString *error)
{
    bool ok = true;
    QSet<QString> names;
    for (const Room &room : rooms)
        names.insert(room.name);
    const QStringList local = m_rooms.keys();
    for (const QString &name : local) {
        if (!names.contains(name))
            ok = close(name, error) && ok;
    }
    for (const Room &room : rooms) {
        const auto it = m_rooms.constFind(room.name);
        if (it != m_rooms.cend() && it->topic == room.topic && it->inviteOnly == room.inviteOnly
            && it->creator == room.creator && it->members == room.members && it->managers == room.managers
            && it->invited == room.invited)
            continue;
        ok = put(room, error) && ok;
    }
    return ok;
}

bool Rooms::forgetPeer(const QString &id, QString *error)
{
    QList<std::pair<QString, QVariantList>> statements { { u"DELETE FROM people WHERE id = ?"_s, { id } } };
    for (auto it = m_rooms.begin(); it != m_rooms.end();) {
        Room &room = *it;
        room.members.removeAll(id);
        room.managers.removeAll(id);
        room.invited.removeAll(id);
        if (room.members.isEmpty()) {
            statements.append({ u"DELETE FROM people WHERE room = ?"_s, { room.name } });
            statements.append({ u"DELETE FROM rooms WHERE name = ?"_s, { room.name } });
            it = m_rooms.erase(it);
        } else {
            ++it;
        }
    }
    m_memberOf.remove(id);
    return write(statements, error);
}

} // namespace PeerLink
