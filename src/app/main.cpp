// peerlink: the desktop app.
#include "app/appoptions.h"
#include "app/appsettings.h"
#include "app/firstrun.h"
#include "app/chatcontroller.h"
#include "app/historyretention.h"
#include "app/hubhost.h"
#include "app/languagemanager.h"
#include "app/appicon.h"
#include "app/apppalette.h"
#include "app/peerlistmodel.h"
#include "app/mainwindow.h"
#include "app/profileidentity.h"
#include "history/messagestore.h"
#include "runtime/memorytuning.h"

#include <QApplication>
#include <QDir>
#include <QTimer>

#include <functional>
#include <memory>
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
    if (!options.palette.isEmpty())
        QApplication::setPalette(fixedPalette(options.palette == u"dark"));

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
    // (PEERLINK_DIRECT_BIND narrows that, e.g. to 127.0.0.1 for tests that must stay on loopback.)
    const QHostAddress directBind(qEnvironmentVariable("PEERLINK_DIRECT_BIND", u"0.0.0.0"_s));
    client.setDirectListening(true, directBind.isNull() ? QHostAddress(QHostAddress::AnyIPv4) : directBind, 0);
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
    controller.setIncomingFiles(settings.incomingFiles());
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
    // Files this profile was sending when it was closed go on (shown in the transfers, offered again when their peer
    // is there).
    client.files()->restore();

    if (options.invitation)
        window.openInvitation(*options.invitation);
    else if (firstRun == WelcomeDialog::Choice::Join && !options.host && options.hubUrl.isEmpty())
        window.openConnectDialog();
    else if (options.host || (firstRun == WelcomeDialog::Choice::Host && options.hubUrl.isEmpty())
             || (settings.hostOnLaunch() && options.hubUrl.isEmpty()))
        window.startHosting(options.port, options.password);
    else if (!options.hubUrl.isEmpty())
        window.connectToHub(options.hubUrls, settings.peerId(), settings.displayName(), options.password);

    if (!options.screenshotDir.isEmpty() && !options.screenshotMessage.isEmpty()) {
        QObject::connect(&client, &PeerClient::joined, &controller, [&controller, &options] {
            controller.sendToActive(options.screenshotMessage);
        }, Qt::SingleShotConnection);
    }
    // With --screenshot-peers, the delay runs once that many other peers are online (the chat is there by then).
    const auto afterPeers = [&controller, &client, &options](QObject *context, std::function<void()> then) {
        const auto check = [&controller, &client, &options, then, done = std::make_shared<bool>(false)] {
            const PeerListModel *peers = controller.peerModel();
            int online = 0;
            for (int row = 0; row < peers->rowCount(); ++row) {
                const QString id = peers->index(row).data(PeerListModel::IdRole).toString();
                online += !id.isEmpty() && id != client.id() && peers->isOnline(id);
            }
            if (!*done && online >= options.screenshotPeers) {
                *done = true;
                then();
            }
        };
        for (auto signal : { &QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved })
            QObject::connect(controller.peerModel(), signal, context, check);
        QObject::connect(controller.peerModel(), &QAbstractItemModel::dataChanged, context, check);
        check();
    };
    if (!options.screenshotDir.isEmpty()) {
        const auto shoot = [&window, &host, &options] {
            if (!window.saveScreenshots(options.screenshotDir))
                std::fputs("peerlink: could not save the screenshots\n", stderr);
            window.shutdown();
            // The hub stops in its own thread: quit once it has.
            if (host.state() == HubHost::State::Stopped)
                QApplication::quit();
            else
                QObject::connect(&host, &HubHost::stopped, &host, &QApplication::quit);
        };
        afterPeers(&window, [&window, &options, shoot] { QTimer::singleShot(options.screenshotDelayMs, &window, shoot); });
    }
    const int rc = app.exec();
    // Closing the window while hosting waits for HubHost::stopped() first. After a quit from anywhere else the loop
    // is gone: the client leaves, and HubHost's destructor finishes stopping the hub (a bounded wait).
    window.shutdown();
    return rc;
}
