#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "core/invitation.h"

#include <optional>

#include <optional>

namespace PeerLink {

/// What the desktop app was asked to do on its command line.
struct AppOptions
{
    Q_DECLARE_TR_FUNCTIONS(PeerLink::AppOptions)

public:
    bool host = false;
    std::optional<quint16> port;
    /// --hub: the first of hubUrls.
    QUrl hubUrl;
    /// --hub repeated: the hubs to connect to on launch, in order (the client moves to the next when one stops
    /// answering).
    QList<QUrl> hubUrls;
    /// A peerlink:// invitation to open (the only argument, as the desktop's handler of such links passes it, or
    /// --hub LINK): the connect dialog comes up filled in.
    std::optional<Invitation> invitation;
    QString id;
    QString name;
    QString password;
    /// Saves screenshots of the window and hub panel into this folder after a few seconds, then quits.
    QString screenshotDir;
    int screenshotDelayMs = 3000;
    /// With --screenshots: the screenshots wait until this many other peers are online (then the delay runs).
    int screenshotPeers = 0;
    /// With --screenshots: said to everyone once joined (one's own message, with its mark, in the picture).
    QString screenshotMessage;
    /// "light" or "dark": a palette of the app's own instead of the system's (screenshots); empty: the system's.
    QString palette;

    /// Set when the program should print this text and exit (help, version, errors) without a window.
    bool exitNow = false;
    int exitCode = 0;
    QString output;

    /// Parses @p arguments (argv, program name first). Never needs a QApplication.
    static AppOptions parse(const QStringList &arguments);
};

} // namespace PeerLink
