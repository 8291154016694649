#pragma once

#include "client/roomchannel.h"

#include <QObject>
#include <functional>

namespace PeerLink {

class EventPrinter;

/// The room commands and events of peerlink-cli (issue 17): /join #ROOM (made when it is not there), /leave #ROOM,
/// /rooms, /members #ROOM, /create #ROOM [invite-only] [TOPIC], /invite #ROOM PEER, /remove #ROOM PEER,
/// /topic #ROOM [TOPIC], /close #ROOM, and /to #ROOM TEXT (through CliPeer); the events room_join, room_leave,
/// room_message, rooms, members, room_invite and room_topic.
class CliRooms : public QObject
{
    Q_OBJECT
public:
    CliRooms(RoomChannel *rooms, const QString &self, EventPrinter &printer,
             std::function<void(const QString &)> usage, QObject *parent = nullptr);

    /// This peer's id (for its own room_join and room_leave).
    void setSelf(const QString &id) { m_self = id; }
    /// Handles @p command with @p args if it is a room command; false otherwise.
    bool execute(const QString &command, const QString &args);
    /// Sends @p text to @p room ("#team"); returns its mid, empty when it was not sent.
    QString send(const QString &room, const QString &text);

private:
    /// "#team" -> "team"; empty (and the usage printed) when @p arg is not "#" and a room's name.
    QString roomArg(const QString &arg, const QString &usage);

    RoomChannel *m_rooms;
    QString m_self;
    EventPrinter &m_printer;
    std::function<void(const QString &)> m_usage;
};

} // namespace PeerLink
