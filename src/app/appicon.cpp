#include "appicon.h"

namespace PeerLink {

using namespace Qt::StringLiterals;

QIcon appIcon()
{
    QIcon icon;
    for (int size : { 16, 22, 24, 32, 48, 64, 128, 256 })
        icon.addFile(u":/icons/hicolor/%1x%1/apps/peerlink.png"_s.arg(size), QSize(size, size));
    icon.addFile(u":/icons/peerlink.svg"_s);
    return icon;
}

} // namespace PeerLink
