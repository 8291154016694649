// peerlink-hub: the headless hub.
#include "core/signalwatcher.h"
#ifdef Q_OS_LINUX
#include "core/epolleventdispatcher.h"
#endif
#include "hub/hub.h"
#include "hub/hubsettings.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTextStream>
#include <QTimer>

#include <csignal>

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

    BanList bans;
    const QString banFile = parser.value(u"ban-file"_s);
    if (!banFile.isEmpty() && !loadBanFile(banFile, bans, &error)) {
        err << u"peerlink-hub: "_s << error << Qt::endl;
        return 2;
    }
    config.hub.bannedIds = bans.ids;
    config.hub.bannedAddresses = bans.addresses;

    Hub hub(config.hub);
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

    // The ban file is read again when it changes and on SIGHUP; a bad edit keeps the list in force.
    const auto reloadBans = [&hub, &out, &err, banFile] {
        BanList fresh;
        QString why;
        if (!loadBanFile(banFile, fresh, &why)) {
            err << u"peerlink-hub: "_s << why << QCoreApplication::translate("main", " (the previous ban list stays)") << Qt::endl;
            return;
        }
        hub.setBans(fresh.ids, fresh.addresses);
        out << QCoreApplication::translate("main", "bans: %1 ids, %2 addresses from %3")
                   .arg(fresh.ids.size())
                   .arg(fresh.addresses.size())
                   .arg(banFile)
            << Qt::endl;
    };
    QFileSystemWatcher banWatcher;
    if (!banFile.isEmpty()) {
        // Watch the folder too: editors replace the file, which ends a watch on the file itself.
        banWatcher.addPath(banFile);
        banWatcher.addPath(QFileInfo(banFile).absolutePath());
        const auto changed = [&banWatcher, banFile, reloadBans] {
            if (!banWatcher.files().contains(banFile) && QFileInfo::exists(banFile))
                banWatcher.addPath(banFile);
            if (QFileInfo::exists(banFile))
                reloadBans();
        };
        QObject::connect(&banWatcher, &QFileSystemWatcher::fileChanged, &app, changed);
        QObject::connect(&banWatcher, &QFileSystemWatcher::directoryChanged, &app, changed);
    }

    // SIGINT / SIGTERM: tell every peer (close 1001), then quit once they are gone, or after 3 s at most.
    SignalWatcher signalWatcher;
    signalWatcher.watch(SIGINT);
    signalWatcher.watch(SIGTERM);
    if (kReloadSignal > 0)
        signalWatcher.watch(kReloadSignal);
    QObject::connect(&signalWatcher, &SignalWatcher::signalReceived, &app, [&hub, &out, reloadBans, banFile](int signum) {
        if (signum == kReloadSignal) {
            if (!banFile.isEmpty())
                reloadBans();
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
