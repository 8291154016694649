// peerlink-hub: the headless hub.
#include "core/signalwatcher.h"
#include "hub/hub.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>
#include <QTimer>

#include <csignal>
#include <cstdio>

using namespace PeerLink;
using namespace Qt::StringLiterals;

namespace {

/// Reads a whole number option within [min, max]; prints a clear error and returns false otherwise.
bool readNumber(const QCommandLineParser &parser, const QString &option, qint64 min, qint64 max, qint64 &out)
{
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const qint64 value = parser.value(option).toLongLong(&ok);
    if (!ok || value < min || value > max) {
        QTextStream(stderr) << QCoreApplication::translate("main", "peerlink-hub: --%1 takes a whole number from %2 to %3 (got \"%4\")")
                                   .arg(option)
                                   .arg(min)
                                   .arg(max)
                                   .arg(parser.value(option))
                            << Qt::endl;
        return false;
    }
    out = value;
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"peerlink-hub"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PEERLINK_VERSION));

    const auto tr = [](const char *text) { return QCoreApplication::translate("main", text); };
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("PeerLink hub: peers join with an id, hear of each other and exchange messages."));
    parser.addHelpOption();
    parser.addVersionOption();
    const HubConfig defaults;
    parser.addOptions({
        { u"bind"_s, tr("Address to listen on (default 127.0.0.1; 0.0.0.0 or :: for every interface)."), u"ADDR"_s, u"127.0.0.1"_s },
        { u"port"_s, tr("Port to listen on; 0 picks a free one (default 0)."), u"N"_s, u"0"_s },
        { u"name"_s, tr("Hub name announced to peers."), u"NAME"_s, defaults.name },
        { u"password"_s, tr("Password peers must give to join (or set PEERLINK_HUB_PASSWORD)."), u"P"_s },
        { u"max-message-bytes"_s, tr("Largest message accepted, in bytes (default %1).").arg(defaults.maxMessageBytes), u"N"_s },
        { u"max-peers"_s, tr("Most peers joined at once (default %1).").arg(defaults.maxPeers), u"N"_s },
        { u"rate"_s, tr("Messages per second per peer, 0 for no limit (default %1).").arg(defaults.messagesPerSecond), u"N"_s },
        { u"burst"_s, tr("Messages a peer may send in a burst (default %1).").arg(defaults.messageBurst), u"N"_s },
        { u"max-invalid"_s, tr("Invalid messages tolerated before a peer is disconnected (default %1).").arg(defaults.maxInvalidMessages), u"N"_s },
        { u"ping-interval"_s, tr("Seconds between heartbeats, 0 to switch them off (default %1).").arg(defaults.pingIntervalMs / 1000), u"S"_s },
        { u"ping-timeout"_s, tr("Seconds of silence after a heartbeat before a peer is dropped (default %1).").arg(defaults.pingTimeoutMs / 1000), u"S"_s },
    });
    parser.process(app);

    HubConfig config;
    config.name = parser.value(u"name"_s);
    config.password = parser.isSet(u"password"_s) ? parser.value(u"password"_s)
                                                   : qEnvironmentVariable("PEERLINK_HUB_PASSWORD");
    qint64 port = 0, maxBytes = config.maxMessageBytes, maxPeers = config.maxPeers, rate = qint64(config.messagesPerSecond),
           burst = qint64(config.messageBurst), maxInvalid = config.maxInvalidMessages,
           pingInterval = config.pingIntervalMs / 1000, pingTimeout = config.pingTimeoutMs / 1000;
    const bool valid = readNumber(parser, u"port"_s, 0, 65535, port)
        && readNumber(parser, u"max-message-bytes"_s, 256, 512LL * 1024 * 1024, maxBytes)
        && readNumber(parser, u"max-peers"_s, 1, 1000000, maxPeers) && readNumber(parser, u"rate"_s, 0, 1000000, rate)
        && readNumber(parser, u"burst"_s, 1, 1000000, burst) && readNumber(parser, u"max-invalid"_s, 0, 1000000, maxInvalid)
        && readNumber(parser, u"ping-interval"_s, 0, 3600, pingInterval)
        && readNumber(parser, u"ping-timeout"_s, 1, 3600, pingTimeout);
    if (!valid)
        return 2;
    const QHostAddress bind(parser.value(u"bind"_s));
    if (bind.isNull()) {
        QTextStream(stderr) << tr("peerlink-hub: --bind takes an IP address such as 127.0.0.1 or :: (got \"%1\")")
                                   .arg(parser.value(u"bind"_s))
                            << Qt::endl;
        return 2;
    }
    config.maxMessageBytes = maxBytes;
    config.maxPeers = int(maxPeers);
    config.messagesPerSecond = double(rate);
    config.messageBurst = double(burst);
    config.maxInvalidMessages = int(maxInvalid);
    config.pingIntervalMs = int(pingInterval * 1000);
    config.pingTimeoutMs = int(pingTimeout * 1000);

    Hub hub(config);
    if (!hub.listen(bind, quint16(port))) {
        QTextStream(stderr) << u"peerlink-hub: "_s << hub.errorString() << Qt::endl;
        return 1;
    }
    QTextStream(stdout) << tr("PeerLink hub \"%1\" listening on %2").arg(config.name, hub.serverUrl().toString()) << Qt::endl;

    QObject::connect(&hub, &Hub::peerJoined, &app, [](const HubPeer &peer) {
        QTextStream(stdout) << QCoreApplication::translate("main", "joined: %1%2")
                                   .arg(peer.id, peer.name.isEmpty() ? QString() : u" ("_s + peer.name + u')')
                            << Qt::endl;
    });
    QObject::connect(&hub, &Hub::peerLeft, &app, [](const QString &id, const QString &reason) {
        QTextStream(stdout) << QCoreApplication::translate("main", "left: %1 (%2)").arg(id, reason) << Qt::endl;
    });

    // SIGINT / SIGTERM: tell every peer (close 1001), then quit once they are gone, or after 3 s at most.
    SignalWatcher signalWatcher;
    signalWatcher.watch(SIGINT);
    signalWatcher.watch(SIGTERM);
    QObject::connect(&signalWatcher, &SignalWatcher::signalReceived, &app, [&hub](int signum) {
        QTextStream(stdout) << QCoreApplication::translate("main", "shutting down (signal %1)").arg(signum) << Qt::endl;
        QObject::connect(&hub, &Hub::closed, qApp, &QCoreApplication::quit);
        QTimer::singleShot(3000, qApp, &QCoreApplication::quit);
        hub.close();
    });
    return app.exec();
}
