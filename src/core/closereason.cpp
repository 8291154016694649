#include "closereason.h"

#include "errorcode.h"

namespace PeerLink {

using namespace Qt::StringLiterals;

ParsedCloseReason parseCloseReason(QStringView text)
{
    static constexpr QStringView kicked = u"kicked by the hub";
    if (text == u"left")
        return { CloseReason::Left, QString() };
    if (text == u"resumed on a new connection")
        return { CloseReason::Resumed, QString() };
    if (text == u"hub shutting down")
        return { CloseReason::HubShuttingDown, QString() };
    if (text == u"heartbeat timeout")
        return { CloseReason::HeartbeatTimeout, QString() };
    if (text == u"banned")
        return { CloseReason::Banned, QString() };
    if (text == u"too many invalid messages")
        return { CloseReason::TooManyInvalid, QString() };
    if (text.startsWith(u"not reading"))
        return { CloseReason::NotReading, QString() };
    if (text == kicked)
        return { CloseReason::Kicked, QString() };
    if (text.startsWith(kicked) && text.mid(kicked.size()).startsWith(u": "))
        return { CloseReason::Kicked, text.mid(kicked.size() + 2).toString() };
    if (errorCodeFromName(text))
        return { CloseReason::Refused, text.toString() };
    return { CloseReason::Unknown, text.toString() };
}

} // namespace PeerLink
