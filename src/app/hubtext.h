#pragma once

#include "hub/hubreason.h"

#include <QString>

namespace PeerLink {

/// Why a peer left the hosted hub, in words a user understands (translated), e.g. for the hub panel or a
/// notification. @p detail (the host's kick reason, the peer's close reason, ...) is added when given.
QString describeLeaveReason(LeaveReason why, const QString &detail = QString());

/// A problem of the hosted hub itself (listening, TLS, accepting), in words a user understands (translated).
/// @p detail is the system's reason when there is one.
QString describeHostingError(HubError error, const QString &detail = QString());

} // namespace PeerLink
