#include "apppalette.h"

#include <QWidget>

#include <algorithm>
#include <cmath>

namespace PeerLink {

namespace {

double luminance(const QColor &c)
{
    const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

bool isDark(const QPalette &palette)
{
    return luminance(palette.color(QPalette::Active, QPalette::Window)) < 0.18;
}

} // namespace

double contrastRatio(const QColor &a, const QColor &b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor errorColor(const QPalette &palette)
{
    // A deep red on light windows, a light one on dark windows (Material's error tones).
    return isDark(palette) ? QColor(0xff, 0x8a, 0x80) : QColor(0xb0, 0x00, 0x20);
}

QColor warningBackground(const QPalette &palette)
{
    const QColor window = palette.color(QPalette::Active, QPalette::Window);
    const QColor error = errorColor(palette);
    const double tint = 0.12;
    return QColor::fromRgbF(float(window.redF() * (1 - tint) + error.redF() * tint),
                            float(window.greenF() * (1 - tint) + error.greenF() * tint),
                            float(window.blueF() * (1 - tint) + error.blueF() * tint));
}

void markAsError(QWidget *widget)
{
    QPalette p = widget->palette();
    p.setColor(QPalette::WindowText, errorColor(p));
    p.setColor(QPalette::Text, errorColor(p));
    widget->setPalette(p);
}

} // namespace PeerLink
