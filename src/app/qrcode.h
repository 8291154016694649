#pragma once

#include <QImage>
#include <QString>

namespace PeerLink {

/// @p text as a QR code (libqrencode; error correction M, 8-bit data), black modules on white, each @p moduleSize
/// pixels, with the quiet zone of four modules a reader needs. A null image when the text does not fit a QR code.
QImage qrCodeImage(const QString &text, int moduleSize = 4);

} // namespace PeerLink
