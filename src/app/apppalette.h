#pragma once

#include <QColor>
#include <QPalette>

class QWidget;

namespace PeerLink {

/// Colours that follow the palette, light or dark, instead of fixed ones (issue 16, part 5).
/// A red for errors, readable on @p palette's window and base colours (WCAG contrast at least 4.5:1).
QColor errorColor(const QPalette &palette);
/// A background for a warning bar: the window colour tinted with errorColor().
QColor warningBackground(const QPalette &palette);
/// Shows @p widget's text in errorColor() of its palette.
void markAsError(QWidget *widget);
/// A light or dark palette of PeerLink's own (Fusion-like), for screenshots in both and for tests; normally the
/// app follows the system's palette.
QPalette fixedPalette(bool dark);
/// The WCAG 2 contrast ratio of two colours (1 to 21).
double contrastRatio(const QColor &a, const QColor &b);

} // namespace PeerLink
