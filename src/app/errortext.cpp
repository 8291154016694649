#include "errortext.h"

#include "core/closereason.h"
#include "core/errorcode.h"

#include <QCoreApplication>

namespace PeerLink {

namespace {
struct ErrorText
{
    Q_DECLARE_TR_FUNCTIONS(PeerLink::ErrorText)
};
} // namespace

QString describeHubError(const QString &code, const QString &hubMessage)
{
    const auto known = errorCodeFromName(code);
    if (!known)
        return hubMessage.isEmpty() ? ErrorText::tr("The hub reported an error (%1).").arg(code) : hubMessage;
    switch (*known) {
    case ErrorCode::BadJson:
    case ErrorCode::BadMessage:
    case ErrorCode::UnknownType:
        return ErrorText::tr("The hub did not understand a request from this app (%1).").arg(hubMessage);
    case ErrorCode::NotJoined:
        return ErrorText::tr("You are not connected to a hub yet.");
    case ErrorCode::AlreadyJoined:
        return ErrorText::tr("You are already connected.");
    case ErrorCode::InvalidId:
        return ErrorText::tr("That id is not allowed: use 1 to 64 letters, digits, dots, dashes or underscores.");
    case ErrorCode::IdTaken:
        return ErrorText::tr("That id is already in use on this hub. Choose another id.");
    case ErrorCode::AuthFailed:
        return ErrorText::tr("Wrong hub password.");
    case ErrorCode::PeerUnavailable:
        return ErrorText::tr("That peer is not online, so the message was not delivered.");
    case ErrorCode::TooLarge:
        return ErrorText::tr("The message is too large for this hub.");
    case ErrorCode::RateLimited:
        return ErrorText::tr("You are sending too fast; the hub dropped a message. Wait a moment.");
    case ErrorCode::HubFull:
        return ErrorText::tr("The hub is full. Try again later.");
    case ErrorCode::Banned:
        return ErrorText::tr("You are banned from this hub.");
    case ErrorCode::ConnectDeclined:
        return ErrorText::tr("The peer declined a direct connection; messages go through the hub.");
    case ErrorCode::UnknownLink:
        return ErrorText::tr("That connection request has expired.");
    case ErrorCode::IdentityRequired:
        return ErrorText::tr("This hub admits only peers with an identity, and PeerLink has none at the moment "
                             "(see PeerLink ▸ My identity).");
    case ErrorCode::IdBound:
        return ErrorText::tr("That id belongs to another key on this hub: someone else uses it, or it was yours with "
                             "a key you no longer have. Choose another id, or ask the hub's host to forget it.");
    case ErrorCode::BadProof:
        return ErrorText::tr("The hub could not confirm your identity (the proof of your key was refused).");
    case ErrorCode::MailboxFull:
        return ErrorText::tr("The peer is offline and the hub cannot keep more messages for it now; try again later.");
    case ErrorCode::Expired:
        return ErrorText::tr("The peer did not come back in time: the hub dropped a message it kept for it.");
    case ErrorCode::FileRelayRefused:
        return ErrorText::tr("The hub does not relay files: connect directly to the peer to send one.");
    case ErrorCode::RoomUnknown:
        return ErrorText::tr("There is no such room on this hub (or it is invite-only and you are not invited).");
    case ErrorCode::RoomExists:
        return ErrorText::tr("A room by that name already exists on this hub.");
    case ErrorCode::RoomDenied:
        return ErrorText::tr("You may not do that in this room.");
    case ErrorCode::RoomsFull:
        return ErrorText::tr("The hub has as many rooms as it keeps; no new room can be made now.");
    case ErrorCode::RoomLimit:
        return ErrorText::tr("You are in as many rooms as this hub allows; leave one first.");
    case ErrorCode::RoomFull:
        return ErrorText::tr("The room has as many members as this hub allows.");
    case ErrorCode::ClusterUnavailable:
        return ErrorText::tr("The hub cannot reach the other hubs of its cluster right now; try again in a moment.");
    }
    return hubMessage;
}

QString describeConnectDeclined(const QString &peerName, const QString &hubMessage)
{
    // The hub's text is fixed English around the decliner's own words: only those words are kept.
    static const QLatin1String marker("declined to connect: ");
    const qsizetype at = hubMessage.indexOf(marker);
    const QString reason = at < 0 ? QString() : hubMessage.mid(at + marker.size()).trimmed();
    if (reason.isEmpty())
        return ErrorText::tr("%1 declined a direct connection; messages go through the hub.").arg(peerName);
    return ErrorText::tr("%1 declined a direct connection (\"%2\"); messages go through the hub.").arg(peerName, reason);
}

QString describeDisconnect(const QString &closeReason)
{
    const ParsedCloseReason parsed = parseCloseReason(closeReason);
    switch (parsed.reason) {
    case CloseReason::Left:
        return ErrorText::tr("you left the hub");
    case CloseReason::Resumed:
        return ErrorText::tr("your session continued on a new connection");
    case CloseReason::HubShuttingDown:
        return ErrorText::tr("the hub is shutting down");
    case CloseReason::HeartbeatTimeout:
        return ErrorText::tr("the hub heard nothing from this computer for too long");
    case CloseReason::Kicked:
        return parsed.detail.isEmpty() ? ErrorText::tr("the host removed you from the hub")
                                       : ErrorText::tr("the host removed you from the hub: %1").arg(parsed.detail);
    case CloseReason::Banned:
        return ErrorText::tr("you are banned from this hub");
    case CloseReason::TooManyInvalid:
        return ErrorText::tr("the hub received too many requests it could not understand from this app");
    case CloseReason::NotReading:
        return ErrorText::tr("this computer did not keep up with the messages from the hub");
    case CloseReason::Refused:
        return describeHubError(parsed.detail, parsed.detail);
    case CloseReason::Unknown:
        break;
    }
    const QString socket = describeSocketError(closeReason);
    return socket.isEmpty() ? closeReason : socket;
}

QString describeSocketError(const QString &socketError)
{
    // QAbstractSocket's (and QWebSocket's) errorString() texts, in Qt's English: the common ones, in a user's words.
    const QString m = socketError.toLower();
    if (m.contains(QLatin1String("connection refused")))
        return ErrorText::tr("nothing answers at that address and port (is the hub running, and is the port right?)");
    if (m.contains(QLatin1String("host not found")) || m.contains(QLatin1String("unknown host")))
        return ErrorText::tr("the hub's address was not found (check the name)");
    if (m.contains(QLatin1String("timed out")) || m.contains(QLatin1String("timeout")))
        return ErrorText::tr("the hub did not answer in time");
    if (m.contains(QLatin1String("network unreachable")) || m.contains(QLatin1String("network is unreachable")))
        return ErrorText::tr("this computer has no network route to the hub");
    if (m.contains(QLatin1String("handshake")) || m.contains(QLatin1String("ssl")) || m.contains(QLatin1String("tls")))
        return ErrorText::tr("a secure (TLS) connection to the hub could not be set up");
    return QString();
}

QString describeHistoryError(const QString &storeMessage)
{
    const QString m = storeMessage.toLower();
    const QString goesOn = ErrorText::tr("You can keep chatting; new messages are not saved until this is solved. "
                                         "Nothing already saved was deleted.");
    QString what;
    if (m.contains(QLatin1String("not a database")) || m.contains(QLatin1String("malformed"))
        || m.contains(QLatin1String("cannot be read")) || m.contains(QLatin1String("corrupt")))
        what = ErrorText::tr("The message history file is damaged and cannot be read.");
    else if (m.contains(QLatin1String("full")))
        what = ErrorText::tr("The disk is full: the message history cannot grow.");
    else if (m.contains(QLatin1String("locked")) || m.contains(QLatin1String("busy")))
        what = ErrorText::tr("The message history is in use by another program (is PeerLink running twice?).");
    else if (m.contains(QLatin1String("readonly")) || m.contains(QLatin1String("read-only"))
             || m.contains(QLatin1String("query_only")) || m.contains(QLatin1String("could not be written"))
             || m.contains(QLatin1String("permission")))
        what = ErrorText::tr("The message history cannot be written (the disk or folder is read-only).");
    else if (m.contains(QLatin1String("newer peerlink")))
        what = ErrorText::tr("The message history was saved by a newer PeerLink and cannot be used by this one.");
    else if (m.contains(QLatin1String("export")))
        return ErrorText::tr("The conversation could not be exported: %1").arg(storeMessage);
    else
        what = ErrorText::tr("The message history does not work: %1").arg(storeMessage);
    return what + u' ' + goesOn;
}

} // namespace PeerLink
