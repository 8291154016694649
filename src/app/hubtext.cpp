#include "hubtext.h"

#include <QCoreApplication>

namespace PeerLink {

namespace {
struct HubText
{
    Q_DECLARE_TR_FUNCTIONS(PeerLink::HubText)
};

QString withDetail(const QString &text, const QString &detail)
{
    return detail.isEmpty() ? text : HubText::tr("%1: %2").arg(text, detail);
}
} // namespace

QString describeLeaveReason(LeaveReason why, const QString &detail)
{
    switch (why) {
    case LeaveReason::Left:
        return withDetail(HubText::tr("left the hub"), detail);
    case LeaveReason::Closed:
        return withDetail(HubText::tr("closed the connection"), detail);
    case LeaveReason::ConnectionLost:
        return withDetail(HubText::tr("lost the connection and did not come back in time"), detail);
    case LeaveReason::Kicked:
        return withDetail(HubText::tr("kicked by the host"), detail);
    case LeaveReason::Banned:
        return withDetail(HubText::tr("banned from this hub"), detail);
    case LeaveReason::HeartbeatTimeout:
        return withDetail(HubText::tr("stopped answering the hub's heartbeat"), detail);
    case LeaveReason::TooManyInvalid:
        return withDetail(HubText::tr("sent too many invalid messages"), detail);
    case LeaveReason::NotReading:
        return withDetail(HubText::tr("stopped reading: too much was waiting for it"), detail);
    case LeaveReason::TooLarge:
        return withDetail(HubText::tr("sent a message larger than this hub allows"), detail);
    case LeaveReason::Refused:
        return withDetail(HubText::tr("was refused by the hub"), detail);
    case LeaveReason::HubShuttingDown:
        return withDetail(HubText::tr("the hub stopped"), detail);
    }
    return withDetail(HubText::tr("left the hub"), detail); // a value newer than this app
}

QString describeHostingError(HubError error, const QString &detail)
{
    switch (error) {
    case HubError::AlreadyListening:
        return withDetail(HubText::tr("The hub is already listening"), detail);
    case HubError::TlsUnavailable:
        return HubText::tr("TLS is not available: Qt found no TLS library (install libssl3), so the hub cannot use "
                           "the certificate.");
    case HubError::CannotListen:
        return detail.isEmpty()
            ? HubText::tr("The hub cannot listen on that address and port. Choose another port, or another address.")
            : HubText::tr("The hub cannot listen on that address and port (%1). Choose another port, or another "
                          "address.")
                  .arg(detail);
    case HubError::AcceptFailed:
        return withDetail(HubText::tr("The hub could not accept a connection"), detail);
    }
    return withDetail(HubText::tr("The hub reported a problem"), detail); // a value newer than this app
}

} // namespace PeerLink
