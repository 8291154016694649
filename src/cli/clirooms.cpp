#include "clirooms.h"

#include "cli/clipeer.h"
#include "core/rules.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

namespace PeerLink {

using namespace Qt::StringLiterals;

CliRooms::CliRooms(RoomChannel *rooms, const QString &self, EventPrinter &printer,
                   std::function<void(const QString &)> usage, QObject *parent)
    : QObject(parent)
    , m_rooms(rooms)
    , m_self(self)
    , m_printer(printer)
    , m_usage(std::move(usage))
{
    connect(rooms, &RoomChannel::joined, this, [this](const QString &room, const QString &topic, const QStringList &members) {
        QJsonObject f { { u"room"_s, room }, { u"peer"_s, m_self }, { u"members"_s, QJsonArray::fromStringList(members) } };
        if (!topic.isEmpty())
            f.insert("topic"_L1, topic);
        m_printer.print(u"room_join"_s, f,
                        tr("* you are in #%1 (%2); members: %3").arg(room, topic.isEmpty() ? tr("no topic") : topic,
                                                                     members.join(u", "_s)));
    });
    connect(rooms, &RoomChannel::memberJoined, this, [this](const QString &room, const QString &peer) {
        m_printer.print(u"room_join"_s, { { u"room"_s, room }, { u"peer"_s, peer } }, tr("* %1 joined #%2").arg(peer, room));
    });
    connect(rooms, &RoomChannel::left, this, [this](const QString &room, const QString &reason, const QString &by) {
        QJsonObject f { { u"room"_s, room }, { u"peer"_s, m_self }, { u"reason"_s, reason } };
        if (!by.isEmpty())
            f.insert("by"_L1, by);
        const QString words = reason == u"removed" ? tr("* %1 removed you from #%2").arg(by, room)
            : reason == u"closed"                  ? tr("* #%1 was closed").arg(room)
            : reason == u"gone"                    ? tr("* you are no longer in #%1 (removed or closed while away)").arg(room)
                                                   : tr("* you left #%1").arg(room);
        m_printer.print(u"room_leave"_s, f, words);
    });
    connect(rooms, &RoomChannel::memberLeft, this, [this](const QString &room, const QString &peer, const QString &reason) {
        m_printer.print(u"room_leave"_s, { { u"room"_s, room }, { u"peer"_s, peer }, { u"reason"_s, reason } },
                        reason == u"removed" ? tr("* %1 was removed from #%2").arg(peer, room)
                                             : tr("* %1 left #%2").arg(peer, room));
    });
    connect(rooms, &RoomChannel::messageReceived, this,
            [this](const QString &room, const QString &from, const QString &text, const QString &mid, qint64 ts) {
                const QString time = QDateTime::fromMSecsSinceEpoch(ts).toString(u"HH:mm:ss"_s);
                m_printer.print(u"room_message"_s,
                                { { u"room"_s, room }, { u"from"_s, from }, { u"text"_s, text }, { u"mid"_s, mid },
                                  { u"ts"_s, ts }, { u"e2e"_s, true } },
                                tr("%1 #%2 <%3> %4").arg(time, room, from, text));
            });
    connect(rooms, &RoomChannel::invited, this, [this](const QString &room, const QString &from) {
        m_printer.print(u"room_invite"_s, { { u"room"_s, room }, { u"from"_s, from } },
                        tr("* %1 invites you to #%2 (/join #%2)").arg(from, room));
    });
    connect(rooms, &RoomChannel::topicChanged, this, [this](const QString &room, const QString &topic, const QString &from) {
        m_printer.print(u"room_topic"_s, { { u"room"_s, room }, { u"topic"_s, topic }, { u"from"_s, from } },
                        tr("* %1 set the topic of #%2: %3").arg(from, room, topic));
    });
    connect(rooms, &RoomChannel::listed, this, [this](const QList<RoomSummary> &list) {
        QJsonArray array;
        QStringList lines;
        for (const RoomSummary &s : list) {
            array.append(QJsonObject { { u"room"_s, s.room }, { u"topic"_s, s.topic }, { u"invite_only"_s, s.inviteOnly },
                                       { u"members"_s, s.members }, { u"member"_s, s.member },
                                       { u"invited"_s, s.invited } });
            QString line = tr("#%1 (%n member(s))", nullptr, s.members).arg(s.room);
            if (s.member)
                line += tr(", you are in it");
            else if (s.invited)
                line += tr(", you are invited");
            if (!s.topic.isEmpty())
                line += u": "_s + s.topic;
            lines.append(line);
        }
        m_printer.print(u"rooms"_s, { { u"rooms"_s, array } },
                        lines.isEmpty() ? tr("* no rooms") : tr("* rooms:") + u"\n  "_s + lines.join(u"\n  "_s));
    });
    connect(rooms, &RoomChannel::membersListed, this, [this](const QString &room, const QList<RoomMember> &members) {
        QJsonArray array;
        QStringList names;
        for (const RoomMember &m : members) {
            array.append(QJsonObject { { u"id"_s, m.id }, { u"online"_s, m.online } });
            names.append(m.online ? m.id : tr("%1 (away)").arg(m.id));
        }
        m_printer.print(u"members"_s, { { u"room"_s, room }, { u"members"_s, array } },
                        tr("* members of #%1: %2").arg(room, names.join(u", "_s)));
    });
}

QString CliRooms::roomArg(const QString &arg, const QString &usage)
{
    if (!arg.startsWith(u'#') || !Rules::isValidRoomName(QStringView(arg).mid(1))) {
        m_usage(usage);
        return QString();
    }
    return arg.mid(1);
}

QString CliRooms::send(const QString &room, const QString &text)
{
    const QString name = roomArg(room, tr("/to #ROOM TEXT"));
    return name.isEmpty() ? QString() : m_rooms->send(name, text);
}

bool CliRooms::execute(const QString &command, const QString &args)
{
    if (command == u"/join") {
        if (const QString room = roomArg(args, tr("/join #ROOM")); !room.isEmpty())
            m_rooms->join(room, true);
    } else if (command == u"/leave") {
        if (const QString room = roomArg(args, tr("/leave #ROOM")); !room.isEmpty())
            m_rooms->leave(room);
    } else if (command == u"/members") {
        if (const QString room = roomArg(args, tr("/members #ROOM")); !room.isEmpty())
            m_rooms->requestMembers(room);
    } else if (command == u"/rooms") {
        m_rooms->list();
    } else if (command == u"/create") {
        // /create #ROOM [invite-only] [TOPIC…]
        const QString usage = tr("/create #ROOM [invite-only] [TOPIC]");
        if (const QString room = roomArg(args.section(u' ', 0, 0), usage); !room.isEmpty()) {
            QString rest = args.section(u' ', 1).trimmed();
            const bool inviteOnly = rest.section(u' ', 0, 0) == u"invite-only";
            if (inviteOnly)
                rest = rest.section(u' ', 1).trimmed();
            m_rooms->create(room, rest, inviteOnly);
        }
    } else if (command == u"/invite" || command == u"/remove") {
        const QString usage = command == u"/invite" ? tr("/invite #ROOM PEER") : tr("/remove #ROOM PEER");
        const QString peer = args.section(u' ', 1).trimmed();
        if (const QString room = roomArg(args.section(u' ', 0, 0), usage); !room.isEmpty()) {
            if (peer.isEmpty() || peer.contains(u' '))
                m_usage(usage);
            else if (command == u"/invite")
                m_rooms->invite(room, peer);
            else
                m_rooms->remove(room, peer);
        }
    } else if (command == u"/topic") {
        if (const QString room = roomArg(args.section(u' ', 0, 0), tr("/topic #ROOM [TOPIC]")); !room.isEmpty())
            m_rooms->setTopic(room, args.section(u' ', 1).trimmed());
    } else if (command == u"/close") {
        if (const QString room = roomArg(args, tr("/close #ROOM")); !room.isEmpty())
            m_rooms->close(room);
    } else {
        return false;
    }
    return true;
}

} // namespace PeerLink
