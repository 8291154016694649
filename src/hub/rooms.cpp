#include "rooms.h"

#include "core/rules.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

/// The `format` of the file: what it is and its version.
const QString kFormat = u"peerlink-hub rooms 1"_s;
/// Largest file read (a hub of 10 000 rooms of 1 000 members is far below; more is damage, not read into memory).
constexpr qint64 kMaxFileBytes = 512LL * 1024 * 1024;

QJsonArray toArray(const QStringList &list)
{
    QJsonArray a;
    for (const QString &s : list)
        a.append(s);
    return a;
}

/// A list of peer ids, or nullopt when @p v is not one (or lists an id twice).
std::optional<QStringList> idList(const QJsonValue &v)
{
    if (!v.isArray())
        return std::nullopt;
    QStringList ids;
    for (const QJsonValue &e : v.toArray()) {
        if (!e.isString() || !Rules::isValidId(e.toString()) || ids.contains(e.toString()))
            return std::nullopt;
        ids.append(e.toString());
    }
    return ids;
}

} // namespace

bool Rooms::load(const QString &dataDir, QString *error)
{
    m_dir = dataDir;
    m_rooms.clear();
    m_memberOf.clear();
    if (dataDir.isEmpty()) {
        m_loaded = true;
        return true;
    }
    if (!QDir().mkpath(dataDir)) {
        *error = u"cannot create the data directory %1"_s.arg(dataDir);
        return false;
    }
    const QString path = QDir(dataDir).filePath(FileName);
    QFile file(path);
    if (!file.exists()) {
        m_loaded = true;
        return true;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    if (file.size() > kMaxFileBytes) {
        *error = u"%1: larger than %2 bytes, not a rooms file"_s.arg(path).arg(kMaxFileBytes);
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()
        || doc.object().value("format"_L1).toString() != kFormat || !doc.object().value("rooms"_L1).isArray()) {
        *error = u"%1: not a rooms file (JSON with \"format\": \"%2\" and \"rooms\")"_s.arg(path, kFormat);
        return false;
    }
    int n = 0;
    for (const QJsonValue &v : doc.object().value("rooms"_L1).toArray()) {
        ++n;
        const QJsonObject o = v.toObject();
        Room room;
        room.name = o.value("name"_L1).toString();
        room.topic = o.value("topic"_L1).toString();
        room.inviteOnly = o.value("invite_only"_L1).toBool();
        room.creator = o.value("creator"_L1).toString();
        const auto managers = idList(o.value("managers"_L1));
        const auto members = idList(o.value("members"_L1));
        const auto invited = idList(o.value("invited"_L1));
        if (!v.isObject() || !Rules::isValidRoomName(room.name) || !Rules::isValidTopic(room.topic)
            || !o.value("invite_only"_L1).isBool() || !Rules::isValidId(room.creator) || !managers || !members
            || !invited || members->isEmpty() || m_rooms.contains(room.name)) {
            *error = u"%1: room %2 is damaged (or named twice)"_s.arg(path).arg(n);
            return false;
        }
        room.managers = *managers;
        room.members = *members;
        room.invited = *invited;
        m_rooms.insert(room.name, room);
        index(room);
    }
    m_loaded = true;
    return true;
}

void Rooms::index(const Room &room)
{
    for (const QString &id : room.members)
        m_memberOf[id].insert(room.name);
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
    return save(error);
}

bool Rooms::addMember(const QString &name, const QString &id, QString *error)
{
    Room &room = m_rooms[name];
    room.invited.removeAll(id);
    if (!room.members.contains(id))
        room.members.append(id);
    m_memberOf[id].insert(name);
    return save(error);
}

bool Rooms::removeMember(const QString &name, const QString &id, QString *error)
{
    Room &room = m_rooms[name];
    room.members.removeAll(id);
    room.managers.removeAll(id);
    room.invited.removeAll(id);
    auto it = m_memberOf.find(id);
    if (it != m_memberOf.end()) {
        it->remove(name);
        if (it->isEmpty())
            m_memberOf.erase(it);
    }
    if (room.members.isEmpty())
        m_rooms.remove(name); // nobody left: the room is gone
    return save(error);
}

bool Rooms::invite(const QString &name, const QString &id, QString *error)
{
    Room &room = m_rooms[name];
    if (!room.invited.contains(id))
        room.invited.append(id);
    return save(error);
}

bool Rooms::addManager(const QString &name, const QString &id, QString *error)
{
    Room &room = m_rooms[name];
    if (!room.managers.contains(id))
        room.managers.append(id);
    return save(error);
}

bool Rooms::setTopic(const QString &name, const QString &topic, QString *error)
{
    m_rooms[name].topic = topic;
    return save(error);
}

bool Rooms::close(const QString &name, QString *error)
{
    const Room room = m_rooms.take(name);
    for (const QString &id : room.members) {
        auto it = m_memberOf.find(id);
        if (it != m_memberOf.end()) {
            it->remove(name);
            if (it->isEmpty())
                m_memberOf.erase(it);
        }
    }
    return save(error);
}

bool Rooms::forgetPeer(const QString &id, QString *error)
{
    bool changed = false;
    for (auto it = m_rooms.begin(); it != m_rooms.end();) {
        Room &room = *it;
        changed |= room.members.removeAll(id) + room.managers.removeAll(id) + room.invited.removeAll(id) > 0;
        if (room.members.isEmpty())
            it = m_rooms.erase(it);
        else
            ++it;
    }
    m_memberOf.remove(id);
    return !changed || save(error);
}

bool Rooms::save(QString *error) const
{
    if (m_dir.isEmpty())
        return true;
    QStringList names = m_rooms.keys();
    names.sort(); // a stable order: the file diffs and reads well
    QJsonArray rooms;
    for (const QString &name : names) {
        const Room &r = m_rooms[name];
        rooms.append(QJsonObject { { "name"_L1, r.name },
                                   { "topic"_L1, r.topic },
                                   { "invite_only"_L1, r.inviteOnly },
                                   { "creator"_L1, r.creator },
                                   { "managers"_L1, toArray(r.managers) },
                                   { "members"_L1, toArray(r.members) },
                                   { "invited"_L1, toArray(r.invited) } });
    }
    const QByteArray bytes
        = QJsonDocument(QJsonObject { { "format"_L1, kFormat }, { "rooms"_L1, rooms } }).toJson(QJsonDocument::Indented);
    const QString path = QDir(m_dir).filePath(FileName);
    // QSaveFile: a temporary file, synced, renamed over the old one: a crash leaves the old file or the new one.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = u"cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace PeerLink
