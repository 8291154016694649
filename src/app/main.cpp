// peerlink: the desktop app.
#include "app/appoptions.h"
#include "app/appsettings.h"
#include "app/firstrun.h"
#include "app/chatcontroller.h"
#include "app/historyretention.h"
#include "app/hubhost.h"
#include "app/languagemanager.h"
#include "app/appicon.h"
#include "app/mainwindow.h"
#include "app/profileidentity.h"
#include "history/messagestore.h"
#include "runtime/memorytuning.h"

#include <QApplication>
#include <QDir>
#include <QTimer>

#include <optional>

#include <cstdio>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

/// Whether a window can be shown at all; without a display QApplication would abort.
bool displayAvailable()
{
    return !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") || !qEnvironmentVariableIsEmpty("DISPLAY")
        || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

} // namespace

int main(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    // The app hosts hubs (the main job): large messages through its hub thread keep their buffers, and the hub
    // thread gives memory back itself after bursts (Hub::setReleaseFreeMemory in HubHost). The app's own choice, made
    // here: no library changes the process's allocator.
    tuneAllocatorForHub();
    const AppOptions options = AppOptions::parse(arguments);
    if (options.exitNow) {
        std::fputs(options.output.toLocal8Bit().constData(), options.exitCode ? stderr : stdout);
        return options.exitCode;
    }
    if (!displayAvailable()) {
        std::fputs("peerlink: no display is available (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
                   "Run it in a desktop session, or use peerlink-hub and peerlink-cli where there is no display.\n",
                   stderr);
        return 1;
    }

    QApplication app(argc, argv);
    QApplication::setApplicationName(u"PeerLink"_s);
    QApplication::setOrganizationName(u"PeerLink"_s);
    QApplication::setApplicationVersion(QStringLiteral(PEERLINK_VERSION));
    QApplication::setDesktopFileName(u"io.github.peerlink.PeerLink"_s);
    QApplication::setWindowIcon(appIcon());

    AppSettings settings;
    // --id holds for this run; the saved id (chosen on the first run) stays.
    if (!options.id.isEmpty())
        settings.setSessionPeerId(options.id);
    if (!options.name.isEmpty())
        settings.setDisplayName(options.name);
    LanguageManager language;
    language.apply(settings.language());

    // The profile's identity: made on first use in the app's data folder; a refused key file is reported by the
    // window, and the app works on without an identity meanwhile.
    ProfileIdentity identity(ProfileIdentity::defaultFolder());
    identity.load();

    HubHost host;
    PeerClient client;
    identity.applyTo(&client);
    client.setAutoReconnect(true);
    // Direct links: listen on every interface, and let the user decide who may connect.
    client.setDirectListening(true, QHostAddress(QHostAddress::AnyIPv4), 0);
    client.setConnectPolicy(PeerClient::ConnectPolicy::Ask);
    // The profile's history, next to its identity. One that cannot be opened (corrupt, locked, read-only) is left
    // as it is and reported by the window; chatting works on without it.
    History::MessageStore history;
    history.open(QDir(identity.folder()).filePath(u"history.db"_s));
    ChatController controller(&client);
    controller.setHistory(&history);
    HistoryRetention retention(&history);
    retention.setDays(settings.historyRetentionDays());
    QObject::connect(&retention, &HistoryRetention::messagesDeleted, &controller, &ChatController::reloadHistory);
    retention.start();
    controller.setNotificationsEnabled(settings.notificationsEnabled());
    controller.setReadReceipts(settings.readReceipts());
    controller.setVerifiedStore(&settings);
    // The first run asks for a name and an id, and whether to host or join (not with --id, nor for screenshots).
    std::optional<WelcomeDialog::Choice> firstRun;
    if (!settings.hasSavedPeerId() && options.id.isEmpty() && options.screenshotDir.isEmpty()) {
        WelcomeDialog welcome(&settings);
        if (welcome.exec() != QDialog::Accepted)
            return 0;
        firstRun = welcome.choice();
    }
    MainWindow window(&controller, &host, &settings, &language);
    window.setHistoryRetention(&retention);
    window.show();
    window.setProfileIdentity(&identity);

    if (options.invitation)
        window.openInvitation(*options.invitation);
    else if (firstRun == WelcomeDialog::Choice::Join && !options.host && options.hubUrl.isEmpty())
        window.openConnectDialog();
    else if (options.host || (firstRun == WelcomeDialog::Choice::Host && options.hubUrl.isEmpty())
             || (settings.hostOnLaunch() && options.hubUrl.isEmpty()))
        window.startHosting(options.port, options.password);
    else if (!options.hubUrl.isEmpty())
        window.connectToHub(options.hubUrl, settings.peerId(), settings.displayName(), options.password);

    if (!options.screenshotDir.isEmpty()) {
        QTimer::singleShot(options.screenshotDelayMs, &window, [&window, &host, &options] {
            if (!window.saveScreenshots(options.screenshotDir))
                std::fputs("peerlink: could not save the screenshots\n", stderr);
            window.shutdown();
            // The hub stops in its own thread: quit once it has.
            if (host.state() == HubHost::State::Stopped)
                QApplication::quit();
            else
                QObject::connect(&host, &HubHost::stopped, &host, &QApplication::quit);
        });
    }
    const int rc = app.exec();
    // Closing the window while hosting waits for HubHost::stopped() first. After a quit from anywhere else the loop
    // is gone: the client leaves, and HubHost's destructor finishes stopping the hub (a bounded wait).
    window.shutdown();
    return rc;
}
