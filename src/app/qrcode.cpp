#include "qrcode.h"

#include <qrencode.h>

#include <memory>

namespace PeerLink {

QImage qrCodeImage(const QString &text, int moduleSize)
{
    const QByteArray utf8 = text.toUtf8();
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeData(int(utf8.size()), reinterpret_cast<const unsigned char *>(utf8.constData()), 0, QR_ECLEVEL_M),
        &QRcode_free);
    if (!code || moduleSize < 1)
        return QImage();
    constexpr int quiet = 4;
    const int modules = code->width + 2 * quiet;
    QImage image(modules * moduleSize, modules * moduleSize, QImage::Format_Grayscale8);
    image.fill(255);
    for (int y = 0; y < code->width; ++y) {
        for (int x = 0; x < code->width; ++x) {
            if (!(code->data[y * code->width + x] & 1))
                continue; // bit 0: the module is dark
            for (int dy = 0; dy < moduleSize; ++dy) {
                uchar *line = image.scanLine((y + quiet) * moduleSize + dy);
                std::fill_n(line + (x + quiet) * moduleSize, moduleSize, uchar(0));
            }
        }
    }
    return image;
}

} // namespace PeerLink
