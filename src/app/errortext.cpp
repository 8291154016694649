#include "errortext.h"

#include "core/errorcode.h"

#include <QCoreApplication>

namespace PeerLink {

QString describeHubError(const QString &code, const QString &hubMessage)
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("PeerLink::ErrorText", text); };
    const auto known = errorCodeFromName(code);
    if (!known)
        return hubMessage.isEmpty() ? tr("The hub reported an error (%1).").arg(code) : hubMessage;
    switch (*known) {
    case ErrorCode::BadJson:
    case ErrorCode::BadMessage:
    case ErrorCode::UnknownType:
        return tr("The hub did not understand a request from this app (%1).").arg(hubMessage);
    case ErrorCode::NotJoined:
        return tr("You are not connected to a hub yet.");
    case ErrorCode::AlreadyJoined:
        return tr("You are already connected.");
    case ErrorCode::InvalidId:
        return tr("That id is not allowed: use 1 to 64 letters, digits, dots, dashes or underscores.");
    case ErrorCode::IdTaken:
        return tr("That id is already in use on this hub. Choose another id.");
    case ErrorCode::AuthFailed:
        return tr("Wrong hub password.");
    case ErrorCode::PeerUnavailable:
        return tr("That peer is not online, so the message was not delivered.");
    case ErrorCode::TooLarge:
        return tr("The message is too large for this hub.");
    case ErrorCode::RateLimited:
        return tr("You are sending too fast; the hub dropped a message. Wait a moment.");
    case ErrorCode::HubFull:
        return tr("The hub is full. Try again later.");
    case ErrorCode::Banned:
        return tr("You are banned from this hub.");
    }
    return hubMessage;
}

} // namespace PeerLink
