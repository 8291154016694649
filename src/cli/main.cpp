// peerlink-cli: a headless peer driven by standard input.
#include "cli/clipeer.h"
#include "core/invitation.h"
#include "cli/linereader.h"
#include "client/peerclient.h"
#include "crypto/identity.h"
#include "runtime/signalwatcher.h"

#include <QCommandLineParser>
#include <QHash>
#include <QHostAddress>
#include <QCoreApplication>
#include <QTimer>

#include <csignal>

using namespace PeerLink;
using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"peerlink-cli"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PEERLINK_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "PeerLink headless peer. Reads commands from standard input, one a line:\n"
           "  TEXT              send TEXT to every peer\n"
           "  /to PEER TEXT     send TEXT to PEER only\n"
           "  /join #ROOM       join ROOM (made, open, when it is not there; rooms need --identity)\n"
           "  /leave #ROOM      leave ROOM\n"
           "  /rooms            list the rooms you may see\n"
           "  /members #ROOM    list ROOM's members and who is online\n"
           "  /to #ROOM TEXT    send TEXT to ROOM's members (end to end, with sender keys)\n"
           "  /create #ROOM [invite-only] [TOPIC]  make ROOM; /invite, /remove #ROOM PEER; /topic #ROOM [TOPIC]; /close #ROOM\n"
           "  /connect PEER     make a direct link to PEER (the hub relays until it is up)\n"
           "  /peers            list the joined peers\n"
           "  /fingerprint [PEER]  show PEER's key fingerprint (or your own) to compare in person\n"
           "  /trust PEER       accept PEER's changed key (messages to and from it are blocked until then)\n"
           "  /send-file PEER PATH  offer the file at PATH to PEER (end to end; both need --identity)\n"
           "  /accept ID [DIR]  accept the file offered as ID, into DIR (default: --accept-files or here)\n"
           "  /decline ID       decline the file offered as ID\n"
           "  /cancel ID        cancel the transfer ID (either side)\n"
           "  /pause ID         pause the transfer ID (either side; the peer sees who paused it)\n"
           "  /resume ID        go on with a transfer you paused, or one paused by a full disk\n"
           "  /quit             leave (so does the end of input)"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        { u"hub"_s, QCoreApplication::translate("main", "Hub URL, e.g. ws://127.0.0.1:9000, or an invitation link "
                                                     "(peerlink://join?…) from the hub's host (all its addresses). "
                                                     "Repeat it for hubs to fail over to, in order: when the hub in "
                                                     "use stops answering, the next one is tried at once and the "
                                                     "session resumed there."), u"URL"_s },
        { u"id"_s, QCoreApplication::translate("main", "Peer id: 1 to 64 of A-Z a-z 0-9 . _ -"), u"ID"_s },
        { u"name"_s, QCoreApplication::translate("main", "Display name."), u"NAME"_s },
        { u"password"_s, QCoreApplication::translate("main", "Hub password (or set PEERLINK_PASSWORD)."), u"P"_s },
        { u"json"_s, QCoreApplication::translate("main", "Print each event as one JSON object per line.") },
        { u"send"_s, QCoreApplication::translate("main", "Send TEXT once, wait for the hub's ack and exit."), u"TEXT"_s },
        { u"to"_s, QCoreApplication::translate("main", "With --send: send to this peer only."), u"PEER"_s },
        { u"timeout"_s, QCoreApplication::translate("main", "With --send: give up after this many seconds (default 10)."), u"S"_s, u"10"_s },
        { u"listen"_s, QCoreApplication::translate("main", "Where to accept direct links from peers (default 0.0.0.0:0: every interface, any port)."),
          u"ADDR:PORT"_s, u"0.0.0.0:0"_s },
        { u"pin"_s, QCoreApplication::translate("main", "For wss:// hubs: trust the certificate with this SHA-256 fingerprint (as peerlink-hub prints it), "
                                                        "on every hub given (else an invitation's fingerprint holds for its addresses)."),
          u"FINGERPRINT"_s },
        { u"identity"_s, QCoreApplication::translate("main", "Join with the identity key in FILE (created on first use, owner-only): "
                                "messages to peers with identities are end-to-end encrypted, broadcasts signed, "
                                "direct links encrypted. Known peers' keys are kept in FILE.known, and files being "
                                "sent in FILE.transfers (owner-only): started again with FILE, they go on."),
          u"FILE"_s },
        { u"history"_s, QCoreApplication::translate("main", "Keep every message sent and received in FILE (SQLite); "
                                                             "/history PEER [N] prints the last ones."), u"FILE"_s },
        { u"show-identity"_s, QCoreApplication::translate("main", "With --identity: print the identity's fingerprint and exit.") },
        { u"no-listen"_s, QCoreApplication::translate("main", "Accept no direct links: peers that connect to this one go through the hub, or are dialled.") },
        { u"no-read-receipts"_s, QCoreApplication::translate("main", "Send no read receipts: peers are told a message "
                                                                     "was delivered, never that it was read.") },
        { u"accept-files"_s, QCoreApplication::translate("main", "Accept every file offered into DIR (made if missing); "
                                                                 "without it offers are printed for /accept or /decline."),
          u"DIR"_s },
        { u"max-file-size"_s, QCoreApplication::translate("main", "Decline files offered that are larger than this many "
                                                                  "bytes (default 17179869184, 16 GiB)."),
          u"BYTES"_s, u"17179869184"_s },
        { u"join-timeout"_s, QCoreApplication::translate("main", "Give up on a hub that has not welcomed this peer within "
                                                                 "S seconds, and try the next one (default 10)."),
          u"S"_s, u"10"_s },
        { u"keepalive"_s, QCoreApplication::translate("main", "While joined, ping the hub every S seconds; no answer "
                                                              "within S more seconds and it counts as gone (default 15; "
                                                              "0: no pings)."),
          u"S"_s, u"15"_s },
        { u"no-reconnect"_s, QCoreApplication::translate("main", "Exit when the connection to the hub is lost, instead of reconnecting with backoff and "
                                "resuming (messages not yet acknowledged are kept and sent again).") },
    });
    parser.process(app);

    std::optional<Crypto::Identity> identity;
    if (parser.isSet(u"identity"_s)) {
        QString why;
        identity = Crypto::Identity::loadOrCreate(parser.value(u"identity"_s), &why);
        if (!identity) {
            err << QCoreApplication::translate("main", "peerlink-cli: cannot use the identity: %1").arg(why) << Qt::endl;
            return 2;
        }
    }
    if (parser.isSet(u"show-identity"_s)) {
        if (!identity) {
            err << QCoreApplication::translate("main", "peerlink-cli: --show-identity needs --identity FILE") << Qt::endl;
            return 2;
        }
        out << identity->fingerprint() << Qt::endl;
        return 0;
    }

    if (!parser.isSet(u"hub"_s) || !parser.isSet(u"id"_s)) {
        err << QCoreApplication::translate("main", "peerlink-cli: --hub URL and --id ID are required (see --help)") << Qt::endl;
        return 2;
    }
    // --hub may be repeated, and takes an invitation link as well: all its addresses, and its certificate
    // fingerprint pinned for them (unless --pin says otherwise for every hub).
    const QString pin = parser.value(u"pin"_s);
    QList<QUrl> urls;
    QHash<QUrl, QString> invitationPins;
    for (const QString &hub : parser.values(u"hub"_s)) {
        if (Invitation::isLink(hub)) {
            QString why;
            const std::optional<Invitation> invitation = Invitation::fromLink(hub, &why);
            if (!invitation) {
                err << QCoreApplication::translate("main", "peerlink-cli: --hub: not a valid invitation (%1)").arg(why) << Qt::endl;
                return 2;
            }
            for (const QUrl &address : invitation->hubs) {
                urls.append(address);
                if (!invitation->fingerprint.isEmpty())
                    invitationPins.insert(address, invitation->fingerprint);
            }
            if (invitation->passwordRequired && !parser.isSet(u"password"_s))
                err << QCoreApplication::translate("main", "peerlink-cli: this hub asks for a password: add --password") << Qt::endl;
            continue;
        }
        const QUrl url(hub, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"ws" && url.scheme() != u"wss") || url.host().isEmpty()) {
            err << QCoreApplication::translate("main", "peerlink-cli: --hub takes a ws:// or wss:// URL (got \"%1\")").arg(hub) << Qt::endl;
            return 2;
        }
        urls.append(url);
    }
    if (parser.isSet(u"to"_s) && !parser.isSet(u"send"_s)) {
        err << QCoreApplication::translate("main", "peerlink-cli: --to goes with --send") << Qt::endl;
        return 2;
    }
    bool timeoutOk = false;
    const int timeoutSeconds = parser.value(u"timeout"_s).toInt(&timeoutOk);
    if (!timeoutOk || timeoutSeconds < 1 || timeoutSeconds > 3600) {
        err << QCoreApplication::translate("main", "peerlink-cli: --timeout takes a whole number of seconds from 1 to 3600") << Qt::endl;
        return 2;
    }

    const QString listen = parser.value(u"listen"_s);
    const qsizetype colon = listen.lastIndexOf(u':');
    QString listenHost = listen.left(colon);
    if (listenHost.startsWith(u'[') && listenHost.endsWith(u']'))
        listenHost = listenHost.mid(1, listenHost.size() - 2);
    const QHostAddress listenAddress(listenHost);
    bool portOk = false;
    const int listenPort = listen.mid(colon + 1).toInt(&portOk);
    if (colon <= 0 || listenAddress.isNull() || !portOk || listenPort < 0 || listenPort > 65535) {
        err << QCoreApplication::translate("main", "peerlink-cli: --listen takes ADDRESS:PORT such as 0.0.0.0:0 or 127.0.0.1:9100 (got \"%1\")").arg(listen)
            << Qt::endl;
        return 2;
    }

    const auto seconds = [&parser, &err](const QString &option, int lowest, int &value) {
        bool ok = false;
        value = parser.value(option).toInt(&ok);
        if (ok && value >= lowest && value <= 3600)
            return true;
        err << QCoreApplication::translate("main", "peerlink-cli: --%1 takes a whole number of seconds from %2 to 3600 (got \"%3\")")
                   .arg(option)
                   .arg(lowest)
                   .arg(parser.value(option))
            << Qt::endl;
        return false;
    };
    int joinTimeoutSeconds = 0;
    int keepaliveSeconds = 0;
    if (!seconds(u"join-timeout"_s, 1, joinTimeoutSeconds) || !seconds(u"keepalive"_s, 0, keepaliveSeconds))
        return 2;

    bool sizeOk = false;
    const qint64 maxFileBytes = parser.value(u"max-file-size"_s).toLongLong(&sizeOk);
    if (!sizeOk || maxFileBytes < 0) {
        err << QCoreApplication::translate("main", "peerlink-cli: --max-file-size takes a number of bytes (got \"%1\")")
                   .arg(parser.value(u"max-file-size"_s))
            << Qt::endl;
        return 2;
    }

    CliPeer::Options options;
    options.acceptDir = parser.value(u"accept-files"_s);
    options.json = parser.isSet(u"json"_s);
    options.oneShot = parser.isSet(u"send"_s);
    options.sendText = parser.value(u"send"_s);
    options.sendTo = parser.value(u"to"_s);

    PeerClient client;
    client.setPinnedFingerprint(pin);
    if (pin.isEmpty()) {
        for (auto it = invitationPins.cbegin(); it != invitationPins.cend(); ++it)
            client.setPinnedFingerprint(it.key(), it.value());
    }
    client.setJoinTimeout(joinTimeoutSeconds * 1000);
    client.setHubKeepalive(keepaliveSeconds * 1000, keepaliveSeconds * 1000);
    if (identity) {
        client.setIdentity(identity);
        QString why;
        if (!client.setKnownKeysFile(parser.value(u"identity"_s) + u".known"_s, &why)) {
            // The file holds the user's decisions about keys: it is not replaced behind their back.
            err << QCoreApplication::translate("main", "peerlink-cli: %1").arg(why) << Qt::endl;
            return 2;
        }
        // Files being sent are remembered next to the identity; a damaged entry is reported and skipped.
        QStringList problems;
        client.setOutgoingTransfersFile(parser.value(u"identity"_s) + u".transfers"_s, &problems);
        for (const QString &problem : std::as_const(problems))
            err << QCoreApplication::translate("main", "peerlink-cli: %1").arg(problem) << Qt::endl;
    }
    QObject::connect(&client, &PeerClient::certificateUntrusted, &app, [&err](const QString &fingerprint, const QString &why) {
        err << QCoreApplication::translate("main",
                                           "peerlink-cli: the hub's certificate is not trusted (%1).\n"
                                           "Its SHA-256 fingerprint is %2; if the hub's operator confirms it, run again "
                                           "with --pin %2")
                   .arg(why, fingerprint)
            << Qt::endl;
    });
    // A one-shot send reports failure by its exit code instead of waiting for a hub to come back.
    client.setAutoReconnect(!parser.isSet(u"no-reconnect"_s) && !options.oneShot);
    client.setReadReceipts(!parser.isSet(u"no-read-receipts"_s));
    client.files()->setMaxIncomingBytes(maxFileBytes);
    client.setDirectListening(!parser.isSet(u"no-listen"_s) && !options.oneShot, listenAddress, quint16(listenPort));
    CliPeer peer(&client, options, out, err);
    client.files()->restore(); // after CliPeer: its events print what goes on and what cannot
    History::MessageStore history;
    if (parser.isSet(u"history"_s)) {
        // A history that cannot be opened is reported and the peer works without it, as the app does.
        QObject::connect(&history, &History::MessageStore::errorOccurred, &app, [&err](const QString &message) {
            err << QCoreApplication::translate("main", "peerlink-cli: history: %1").arg(message) << Qt::endl;
        });
        if (history.open(parser.value(u"history"_s)))
            peer.setHistory(&history);
    }
    int exitCode = 0;
    QObject::connect(&peer, &CliPeer::finished, &app, [&exitCode](int code) {
        exitCode = code;
        QCoreApplication::quit();
    });
    SignalWatcher signalWatcher;
    signalWatcher.watch(SIGINT);
    signalWatcher.watch(SIGTERM);
    QObject::connect(&signalWatcher, &SignalWatcher::signalReceived, &peer, &CliPeer::quit);

    LineReader *reader = nullptr;
    if (options.oneShot) {
        QTimer::singleShot(timeoutSeconds * 1000, &app, [&err, &exitCode, timeoutSeconds] {
            err << QCoreApplication::translate("main", "peerlink-cli: no ack within %1 s").arg(timeoutSeconds) << Qt::endl;
            exitCode = 1;
            QCoreApplication::quit();
        });
    } else {
        reader = new LineReader(&app);
        QObject::connect(reader, &LineReader::lineRead, &peer, &CliPeer::handleLine);
        QObject::connect(reader, &LineReader::endOfInput, &peer, &CliPeer::endOfInput);
        QObject::connect(reader, &LineReader::lineDropped, &app, [&err](qsizetype bytes) {
            err << QCoreApplication::translate("main", "peerlink-cli: dropped an input line of over %1 bytes").arg(bytes) << Qt::endl;
        });
    }

    PeerClient::JoinOptions join;
    join.name = parser.value(u"name"_s);
    join.password = parser.isSet(u"password"_s) ? parser.value(u"password"_s) : qEnvironmentVariable("PEERLINK_PASSWORD");
    if (!client.connectToHub(urls, parser.value(u"id"_s), join))
        return 2;
    const int rc = app.exec();
    return rc != 0 ? rc : exitCode;
}
