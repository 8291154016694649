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

QPalette fixedPalette(bool dark)
{
    if (!dark) {
        QPalette p(QColor(0xef, 0xef, 0xef), QColor(0xfa, 0xfa, 0xfa));
        p.setColor(QPalette::Base, Qt::white);
        p.setColor(QPalette::AlternateBase, QColor(0xf0, 0xf2, 0xf5));
        p.setColor(QPalette::Highlight, QColor(0x30, 0x8c, 0xc6));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::Link, QColor(0x1a, 0x5f, 0xb4));
        p.setColor(QPalette::PlaceholderText, QColor(0x70, 0x70, 0x70));
        return p;
    }
    const QColor window(0x2b, 0x2d, 0x31);
    QPalette p(QColor(0x3a, 0x3d, 0x42), window);
    p.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
    p.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    p.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xe8));
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Base, QColor(0x1f, 0x21, 0x24));
    p.setColor(QPalette::AlternateBase, QColor(0x35, 0x38, 0x3d));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, QColor(0xe8, 0xe8, 0xe8));
    p.setColor(QPalette::Highlight, QColor(0x2d, 0x6c, 0xb5));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
    p.setColor(QPalette::PlaceholderText, QColor(0xa0, 0xa0, 0xa0));
    p.setColor(QPalette::Mid, QColor(0x50, 0x53, 0x58));
    for (const auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        p.setColor(QPalette::Disabled, role, QColor(0x80, 0x80, 0x80));
    return p;
}

void markAsError(QWidget *widget)
{
    QPalette p = widget->palette();
    p.setColor(QPalette::WindowText, errorColor(p));
    p.setColor(QPalette::Text, errorColor(p));
    widget->setPalette(p);
}

} // namespace PeerLink
