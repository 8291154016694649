// peerlink-hub: the headless hub.
#include "runtime/signalwatcher.h"
#ifdef Q_OS_LINUX
#include "runtime/epolleventdispatcher.h"
#endif
#include "hub/banfilewatcher.h"
#include "hub/hub.h"
#include "hub/hubsettings.h"
#include "hub/idbindings.h"
#include "runtime/memorytuning.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>
#include <QTimer>

#include <csignal>
#include <memory>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {
#ifdef SIGHUP
constexpr int kReloadSignal = SIGHUP;
#else
constexpr int kReloadSignal = -1; // Windows: the ban file is still reloaded when it changes
#endif
} // namespace

int main(int argc, char *argv[])
{
#ifdef Q_OS_LINUX
    // epoll instead of Qt's GLib/poll() loop: a turn costs what is ready, not what is open (thousands of peers).
    if (QAbstractEventDispatcher *dispatcher = EpollEventDispatcher::create())
        QCoreApplication::setEventDispatcher(dispatcher);
#endif
#ifdef Q_OS_UNIX
    // One descriptor per peer: take the whole allowance the system grants (often a soft 1024 of a hard 524288).
    rlimit files {};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"peerlink-hub"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PEERLINK_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);

    const auto tr = [](const char *text) { return QCoreApplication::translate("main", text); };
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("PeerLink hub: peers join with an id, hear of each other and exchange messages.\n"
                                        "Settings come from --config FILE, then from the options, which win."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({ u"config"_s, tr("Read settings from FILE (key = value lines, keys as the options below)."), u"FILE"_s });
    parser.addOption({ u"ban-file"_s,
                       tr("Ban the ids (id:NAME) and IP addresses listed in FILE, one a line; reloaded when it changes "
                          "and on SIGHUP (a bad edit is reported and the previous list kept)."),
                       u"FILE"_s });
    parser.addOption({ u"forget-id"_s,
                       tr("Release the id ID from the identity key it is bound to in the data-dir (so another key can "
                          "take it), then exit."),
                       u"ID"_s });
    const QList<HubSettingInfo> settings = hubSettings();
    for (const HubSettingInfo &s : settings)
        parser.addOption({ s.key, hubSettingHelp(s), s.valueName });
    parser.process(app);

    HubServiceConfig config;
    QString error;
    if (parser.isSet(u"config"_s) && !loadHubConfigFile(parser.value(u"config"_s), config, &error)) {
        err << u"peerlink-hub: "_s << error << Qt::endl;
        return 2;
    }
    if (!parser.isSet(u"password"_s) && qEnvironmentVariableIsSet("PEERLINK_HUB_PASSWORD"))
        config.hub.password = qEnvironmentVariable("PEERLINK_HUB_PASSWORD");
    for (const HubSettingInfo &s : settings) {
        if (parser.isSet(s.key) && !applyHubSetting(config, s.key, parser.value(s.key), &error)) {
            err << u"peerlink-hub: --"_s << error << Qt::endl;
            return 2;
        }
    }

    if (parser.isSet(u"forget-id"_s)) {
        // An operator's release of an id (its owner lost the key): done on the files, no hub is started.
        const QString id = parser.value(u"forget-id"_s);
        if (config.hub.dataDir.isEmpty()) {
            err << u"peerlink-hub: "_s << tr("--forget-id needs the data directory (--data-dir DIR or data-dir in "
                                             "the configuration).") << Qt::endl;
            return 1;
        }
        IdBindings bindings;
        if (!bindings.load(config.hub.dataDir, &error)) {
            err << u"peerlink-hub: "_s << error << Qt::endl;
            return 1;
        }
        const QString key = bindings.keyOf(id);
        if (!bindings.forget(id, &error)) {
            err << u"peerlink-hub: "_s << error << Qt::endl;
            return 1;
        }
        out << tr("Released the id %1 (it was bound to the key %2).").arg(id, key) << Qt::endl;
        return 0;
    }

    // The ban file is read now and again when it changes or on SIGHUP; a bad edit keeps the list in force.
    const QString banFile = parser.value(u"ban-file"_s);
    std::unique_ptr<BanFileWatcher> banWatcher;
    if (!banFile.isEmpty()) {
        banWatcher = std::make_unique<BanFileWatcher>(banFile);
        if (!banWatcher->start()) {
            err << u"peerlink-hub: "_s << banWatcher->errorString() << Qt::endl;
            return 2;
        }
        config.hub.bannedIds = banWatcher->bans().ids;
        config.hub.bannedAddresses = banWatcher->bans().addresses;
    }

    // This process is a hub: its allocator is tuned for one, and the hub gives memory back after bursts.
    tuneAllocatorForHub();
    Hub hub(config.hub);
    hub.setReleaseFreeMemory(true);
    if (!hub.listen(config.bind, config.port)) {
        err << u"peerlink-hub: "_s << hub.errorString() << Qt::endl;
        return 1;
    }
    out << tr("PeerLink hub \"%1\" listening on %2").arg(config.hub.name, hub.serverUrl().toString()) << Qt::endl;
    if (config.hub.useTls())
        out << tr("TLS certificate SHA-256 fingerprint: %1").arg(hub.certificateFingerprint()) << Qt::endl;

    QObject::connect(&hub, &Hub::peerJoined, &app, [&out](const HubPeer &peer) {
        out << QCoreApplication::translate("main", "joined: %1%2")
                   .arg(peer.id, peer.name.isEmpty() ? QString() : u" ("_s + peer.name + u')')
            << Qt::endl;
    });
    QObject::connect(&hub, &Hub::peerLeft, &app, [&out](const QString &id, const QString &reason) {
        out << QCoreApplication::translate("main", "left: %1 (%2)").arg(id, reason) << Qt::endl;
    });

    if (banWatcher) {
        QObject::connect(banWatcher.get(), &BanFileWatcher::reloaded, &app, [&hub, &out, banFile](const BanList &fresh) {
            hub.setBans(fresh.ids, fresh.addresses);
            out << QCoreApplication::translate("main", "bans: %1 ids, %2 addresses from %3")
                       .arg(fresh.ids.size())
                       .arg(fresh.addresses.size())
                       .arg(banFile)
                << Qt::endl;
        });
        QObject::connect(banWatcher.get(), &BanFileWatcher::reloadFailed, &app, [&err](const QString &why) {
            err << u"peerlink-hub: "_s << why << QCoreApplication::translate("main", " (the previous ban list stays)")
                << Qt::endl;
        });
    }

    // SIGINT / SIGTERM: tell every peer (close 1001), then quit once they are gone, or after 3 s at most.
    SignalWatcher signalWatcher;
    signalWatcher.watch(SIGINT);
    signalWatcher.watch(SIGTERM);
    if (kReloadSignal > 0)
        signalWatcher.watch(kReloadSignal);
    QObject::connect(&signalWatcher, &SignalWatcher::signalReceived, &app, [&hub, &out, &banWatcher](int signum) {
        if (signum == kReloadSignal) {
            if (banWatcher)
                banWatcher->reload();
            return;
        }
        out << QCoreApplication::translate("main", "shutting down (signal %1)").arg(signum) << Qt::endl;
        out << QCoreApplication::translate("main", "stats: %1 messages routed, %2 deliveries")
                   .arg(hub.routedMessageCount())
                   .arg(hub.deliveryCount())
            << Qt::endl;
        QObject::connect(&hub, &Hub::closed, qApp, &QCoreApplication::quit);
        QTimer::singleShot(3000, qApp, &QCoreApplication::quit);
        hub.close();
    });
    return app.exec();
}
