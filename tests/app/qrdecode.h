#pragma once
// Reads a QR code in an image with zxing-cpp (Debian's libzxing-dev): the tests that check invitations' QR codes.
#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>

#include <QImage>
#include <QString>

namespace PeerLink::Test {

/// The text of the QR code in @p image; empty when none is read.
inline QString decodeQr(const QImage &image)
{
    const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
    ZXing::DecodeHints hints;
    hints.setFormats(ZXing::BarcodeFormat::QRCode);
    const ZXing::Result result = ZXing::ReadBarcode(
        ZXing::ImageView(gray.constBits(), gray.width(), gray.height(), ZXing::ImageFormat::Lum, int(gray.bytesPerLine())),
        hints);
    return result.isValid() ? QString::fromStdString(result.text()) : QString();
}

} // namespace PeerLink::Test
