#pragma once

#include "hub/hubsettings.h"

#include <QString>

#include <optional>

namespace PeerLink {

class AppSettings;

/// The hosted hub's configuration from the app's saved hosting options: every field of the hosting dialog goes
/// through the hub setting of the same key (the same checks and ranges as peerlink-hub's), then the "More settings"
/// lines, which may not repeat a field of the dialog. @p port and @p password override the saved ones when given.
/// Returns false with a readable reason in @p error; @p out is unchanged then.
bool hostingConfig(const AppSettings &settings, HubServiceConfig &out, QString *error,
                   std::optional<quint16> port = std::nullopt, const QString &password = QString());

} // namespace PeerLink
