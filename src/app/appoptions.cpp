#include "appoptions.h"

#include "core/rules.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace PeerLink {

using namespace Qt::StringLiterals;

AppOptions AppOptions::parse(const QStringList &arguments)
{
    AppOptions o;
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("PeerLink: peer-to-peer messaging. Host a hub or join one."));
    const QCommandLineOption help({ u"h"_s, u"help"_s }, tr("Show this help."));
    const QCommandLineOption version({ u"v"_s, u"version"_s }, tr("Show the version."));
    const QCommandLineOption host(u"host"_s, tr("Start hosting a hub on launch."));
    const QCommandLineOption port(u"port"_s, tr("Port for --host (default: the one in the settings)."), u"N"_s);
    const QCommandLineOption hub(u"hub"_s, tr("Connect to this hub on launch, e.g. ws://192.168.1.5:9000, or open an "
                                              "invitation link (peerlink://join?…). Repeat it for hubs to move to, in "
                                              "order, when the one in use stops answering."), u"URL"_s);
    parser.addPositionalArgument(u"link"_s, tr("An invitation link (peerlink://join?…) to open."), u"[LINK]"_s);
    const QCommandLineOption id(u"id"_s, tr("Peer id to join as."), u"ID"_s);
    const QCommandLineOption name(u"name"_s, tr("Display name."), u"NAME"_s);
    const QCommandLineOption password(u"password"_s, tr("Hub password for --hub, or for the hub started by --host."), u"P"_s);
    QCommandLineOption screenshots(u"screenshots"_s, tr("Save screenshots into DIR after a few seconds, then quit."), u"DIR"_s);
    screenshots.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption delay(u"screenshot-delay"_s, tr("Milliseconds to wait before --screenshots."), u"MS"_s);
    delay.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption peers(u"screenshot-peers"_s, tr("With --screenshots, wait until N other peers are online."), u"N"_s);
    peers.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption say(u"screenshot-message"_s, tr("With --screenshots, say TEXT to everyone once joined."), u"TEXT"_s);
    say.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption palette(u"palette"_s, tr("Use a light or dark palette of PeerLink's own (light, dark)."), u"NAME"_s);
    palette.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({ help, version, host, port, hub, id, name, password, screenshots, delay, peers, say, palette });

    const auto fail = [&o](const QString &message) {
        o.exitNow = true;
        o.exitCode = 2;
        o.output = u"peerlink: "_s + message + u'\n';
        return o;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(help)) {
        o.exitNow = true;
        o.output = parser.helpText();
        return o;
    }
    if (parser.isSet(version)) {
        o.exitNow = true;
        o.output = u"peerlink " PEERLINK_VERSION "\n"_s;
        return o;
    }
    // One peerlink:// link may come alone (a desktop opening an invitation) or as --hub.
    const QStringList hubs = parser.values(hub);
    QString link = hubs.size() == 1 && Invitation::isLink(hubs.constFirst()) ? hubs.constFirst() : QString();
    const QStringList positional = parser.positionalArguments();
    if (positional.size() == 1 && Invitation::isLink(positional.constFirst()) && link.isEmpty())
        link = positional.constFirst();
    else if (!positional.isEmpty())
        return fail(tr("unexpected argument \"%1\" (see --help)").arg(positional.constFirst()));
    if (!link.isEmpty()) {
        QString why;
        o.invitation = Invitation::fromLink(link, &why);
        if (!o.invitation)
            return fail(tr("not a valid invitation link: %1").arg(why));
    }

    o.host = parser.isSet(host);
    if (o.host && o.invitation && !parser.isSet(hub))
        return fail(tr("an invitation and --host exclude each other"));
    if (parser.isSet(port)) {
        bool ok = false;
        const int p = parser.value(port).toInt(&ok);
        if (!ok || p < 0 || p > 65535)
            return fail(tr("--port takes a number from 0 to 65535 (got \"%1\")").arg(parser.value(port)));
        o.port = quint16(p);
        if (!o.host)
            return fail(tr("--port goes with --host"));
    }
    if (parser.isSet(hub) && o.invitation) {
        if (parser.isSet(host))
            return fail(tr("--hub and --host exclude each other"));
    } else if (parser.isSet(hub)) {
        for (const QString &value : hubs) {
            const QUrl url(value, QUrl::StrictMode);
            if (!url.isValid() || (url.scheme() != u"ws" && url.scheme() != u"wss") || url.host().isEmpty())
                return fail(tr("--hub takes a ws:// or wss:// URL (got \"%1\")").arg(value));
            if (!o.hubUrls.contains(url))
                o.hubUrls.append(url);
        }
        o.hubUrl = o.hubUrls.constFirst();
        if (o.host)
            return fail(tr("--hub and --host exclude each other"));
    }
    if (parser.isSet(id)) {
        o.id = parser.value(id);
        if (!Rules::isValidId(o.id))
            return fail(tr("--id takes 1 to 64 of A-Z a-z 0-9 . _ - (got \"%1\")").arg(o.id));
    }
    if (parser.isSet(name)) {
        o.name = parser.value(name);
        if (!Rules::isValidName(o.name))
            return fail(tr("--name takes at most 64 printable characters"));
    }
    o.password = parser.value(password);
    o.screenshotDir = parser.value(screenshots);
    if (parser.isSet(delay)) {
        bool ok = false;
        o.screenshotDelayMs = parser.value(delay).toInt(&ok);
        if (!ok || o.screenshotDelayMs < 0)
            return fail(tr("--screenshot-delay takes milliseconds"));
    }
    if (parser.isSet(peers)) {
        bool ok = false;
        o.screenshotPeers = parser.value(peers).toInt(&ok);
        if (!ok || o.screenshotPeers < 0)
            return fail(tr("--screenshot-peers takes a number of peers"));
    }
    o.screenshotMessage = parser.value(say);
    o.palette = parser.value(palette);
    if (!o.palette.isEmpty() && o.palette != u"light" && o.palette != u"dark")
        return fail(tr("--palette takes light or dark"));
    return o;
}

} // namespace PeerLink
