#pragma once

#include <QString>

namespace PeerLink {

/// Words a user understands for a hub error code (translated); @p hubMessage is kept for codes it does not know.
QString describeHubError(const QString &code, const QString &hubMessage);

} // namespace PeerLink
