#pragma once

#include <QIcon>

namespace PeerLink {

/// The application icon: the compiled-in PNG sizes, plus the SVG where Qt's SVG plugin is installed.
QIcon appIcon();

} // namespace PeerLink
