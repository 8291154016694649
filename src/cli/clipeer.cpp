#include "clipeer.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>


namespace PeerLink {

using namespace Qt::StringLiterals;

// How long the end of input waits for the hub to answer the messages sent.
constexpr int kSettleTimeoutMs = 5000;

void EventPrinter::print(const QString &event, const QJsonObject &fields, const QString &text)
{
    if (m_json) {
        QJsonObject o = fields;
        o.insert("event"_L1, event);
        m_out << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) << Qt::endl;
    } else {
        m_out << text << Qt::endl;
    }
}

CliPeer::CliPeer(PeerClient *client, const Options &options, QTextStream &out, QTextStream &err, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_options(options)
    , m_printer(out, options.json)
    , m_err(err)
    , m_files(new CliFiles(client->files(), m_printer, [this](const QString &message) { usage(message); }, this))
{
    m_files->setAcceptDir(options.acceptDir);
    m_rooms = new CliRooms(client->rooms(), client->id(), m_printer, [this](const QString &message) { usage(message); },
                           this);
    connect(m_files, &CliFiles::idle, this, [this] {
        if (m_inputEnded)
            leaveWhenSettled();
    });
    connect(client, &PeerClient::joined, this, &CliPeer::onJoined);
    connect(client, &PeerClient::disconnected, this, &CliPeer::onDisconnected);
    connect(client, &PeerClient::errorOccurred, this, &CliPeer::onError);
    connect(client, &PeerClient::messageAcked, this, &CliPeer::onAcked);
    connect(client, &PeerClient::messageStored, this, [this](const QString &mid) {
        m_printer.print(u"stored"_s, { { u"mid"_s, mid } }, tr("* stored on the hub for later %1").arg(mid));
        if (m_options.oneShot && mid == m_oneShotMid)
            quit();
        settle(mid);
    });
    // The recipient's own signed word (not the hub's): its client has the message, then its user saw it.
    connect(client, &PeerClient::messageDelivered, this, [this](const QString &peer, const QString &mid) {
        recordState(peer, mid, History::MessageState::Delivered);
        m_printer.print(u"delivered"_s, { { u"peer"_s, peer }, { u"mid"_s, mid } },
                        tr("* %1 has %2").arg(peer, mid));
    });
    connect(client, &PeerClient::messageRead, this, [this](const QString &peer, const QString &mid) {
        recordState(peer, mid, History::MessageState::Read);
        m_printer.print(u"read"_s, { { u"peer"_s, peer }, { u"mid"_s, mid } }, tr("* %1 read %2").arg(peer, mid));
    });
    connect(client, &PeerClient::reconnecting, this, [this](int attempt, int delayMs) {
        m_printer.print(u"reconnecting"_s, { { u"attempt"_s, attempt }, { u"delay_ms"_s, delayMs } },
                        tr("* reconnecting in %1 ms (attempt %2)").arg(delayMs).arg(attempt));
    });
    // Failed over: the hub in use stopped answering and the session goes on at another one of the list.
    connect(client, &PeerClient::hubChanged, this, [this](const QUrl &url) {
        m_printer.print(u"hub_changed"_s, { { u"hub"_s, url.toString() } }, tr("* moved to hub %1").arg(url.toString()));
    });
    connect(client, &PeerClient::peerConnected, this, [this](const QString &id, const QString &name) {
        QJsonObject f { { u"id"_s, id } };
        if (!name.isEmpty())
            f.insert("name"_L1, name);
        m_printer.print(u"peer_connect"_s, f,
                        name.isEmpty() ? tr("* %1 joined").arg(id) : tr("* %1 (%2) joined").arg(id, name));
    });
    connect(client, &PeerClient::peerDisconnected, this, [this](const QString &id) {
        m_printer.print(u"peer_disconnect"_s, { { u"id"_s, id } }, tr("* %1 left").arg(id));
    });
    connect(client, &PeerClient::pathChanged, this, [this](const QString &peer, PeerClient::Path path) {
        const QString name = path == PeerClient::Path::Direct ? u"direct"_s
            : path == PeerClient::Path::Connecting            ? u"connecting"_s
                                                              : u"relayed"_s;
        const QString words = path == PeerClient::Path::Direct ? tr("* %1: direct link").arg(peer)
            : path == PeerClient::Path::Connecting            ? tr("* %1: connecting directly…").arg(peer)
                                                              : tr("* %1: through the hub").arg(peer);
        m_printer.print(u"path"_s, { { u"peer"_s, peer }, { u"path"_s, name } }, words);
    });
    connect(client, &PeerClient::connectRequested, this, [this](const QString &from) {
        m_printer.print(u"connect_to_peer"_s, { { u"from"_s, from } }, tr("* %1 asks to connect to you").arg(from));
    });
    connect(client, &PeerClient::messageReceived, this, [this](const ChatMessage &m) {
        remember(m.to.isEmpty() ? QString() : m.from, m.from, m.to, m.mid, m.text, false, m.encrypted, m.ts);
        QJsonObject f { { u"from"_s, m.from }, { u"text"_s, m.text }, { u"ts"_s, m.ts }, { u"e2e"_s, m.encrypted },
                        { u"signed"_s, m.signedByKey } };
        if (!m.to.isEmpty())
            f.insert("to"_L1, m.to);
        if (!m.mid.isEmpty())
            f.insert("mid"_L1, m.mid);
        const QString time = QDateTime::fromMSecsSinceEpoch(m.ts).toString(u"HH:mm:ss"_s);
        QString line;
        if (m.to.isEmpty())
            line = m.signedByKey ? tr("%1 <%2, signed> %3").arg(time, m.from, m.text)
                                 : tr("%1 <%2> %3").arg(time, m.from, m.text);
        else
            line = m.encrypted ? tr("%1 <%2 to you, encrypted> %3").arg(time, m.from, m.text)
                               : tr("%1 <%2 to you> %3").arg(time, m.from, m.text);
        m_printer.print(u"message"_s, f, line);
        // Printed is shown: the sender gets a read receipt (unless --no-read-receipts).
        if (!m.to.isEmpty() && !m.mid.isEmpty())
            m_client->markRead(m.from, { m.mid });
    });
    // Room messages are kept in the history too, in the conversation "#room" (no peer id starts with '#').
    connect(client->rooms(), &RoomChannel::messageReceived, this,
            [this](const QString &room, const QString &from, const QString &text, const QString &mid, qint64 ts) {
                remember(u'#' + room, from, u'#' + room, mid, text, false, true, ts);
            });
    connect(client, &PeerClient::keyChanged, this,
            [this](const QString &peer, const QString &oldFingerprint, const QString &newFingerprint) {
                m_printer.print(u"key_changed"_s,
                                { { u"peer"_s, peer }, { u"old"_s, oldFingerprint }, { u"new"_s, newFingerprint } },
                                tr("! the key of %1 changed (was %2, now %3); nothing goes to or comes from it until "
                                   "/trust %1")
                                    .arg(peer, oldFingerprint, newFingerprint.isEmpty() ? tr("none") : newFingerprint));
            });
}

void CliPeer::onJoined(const QString &id, const QString &hubName)
{
    m_rooms->setSelf(id);
    const auto [peers, names] = peerList();
    m_printer.print(u"welcome"_s, { { u"id"_s, id }, { u"hub"_s, hubName }, { u"peers"_s, peers } },
                    tr("* joined \"%1\" as %2; peers: %3").arg(hubName, id, names));

    if (m_options.oneShot) {
        m_oneShotMid = m_client->sendMessage(m_options.sendTo, m_options.sendText);
        return;
    }
    const QStringList pending = std::exchange(m_pending, {});
    for (const QString &line : pending)
        execute(line);
    if (m_inputEnded)
        leaveWhenSettled();
}

void CliPeer::onDisconnected(const QString &reason)
{
    m_printer.print(u"disconnected"_s, { { u"reason"_s, reason } }, tr("* disconnected: %1").arg(reason));
    if (m_client->state() == PeerClient::State::Reconnecting)
        return; // it comes back by itself; what was not acked is kept and goes again
    if (m_options.oneShot && m_oneShotMid.isEmpty() && m_exitCode == 0) {
        m_err << tr("peerlink-cli: could not send: %1").arg(reason) << Qt::endl;
        m_exitCode = 1;
    }
    finish(m_leaving ? m_exitCode : (m_exitCode ? m_exitCode : 1));
}

void CliPeer::usage(const QString &message)
{
    onError(ClientError { std::nullopt, u"usage"_s, message, QString() });
}

void CliPeer::onError(const ClientError &error)
{
    const QString &code = error.codeName;
    const QString &message = error.message;
    const QString &ref = error.ref;
    const bool joined = m_client->isJoined();
    QJsonObject f { { u"code"_s, code }, { u"message"_s, message } };
    if (!ref.isEmpty())
        f.insert("ref"_L1, ref);
    m_printer.print(u"error"_s, f,
                    ref.isEmpty() ? tr("! %1: %2").arg(code, message) : tr("! %1 (%2): %3").arg(code, ref, message));
    // A refused join, or any failure of a one-shot send, ends the program.
    if (m_options.oneShot || !joined) {
        m_err << (joined ? tr("peerlink-cli: %1: %2") : tr("peerlink-cli: cannot join (%1): %2")).arg(code, message)
              << Qt::endl;
        m_exitCode = 1;
        quit();
        return;
    }
    settle(ref);
}

void CliPeer::onAcked(const QString &mid)
{
    if (m_history && m_history->isOpen()) {
        // The ack is for a message to one peer or to everyone: try both conversations' rows of ours.
        for (const QString &conversation : m_history->conversations())
            m_history->setState(conversation, m_client->id(), mid, History::MessageState::Sent,
                                QDateTime::currentMSecsSinceEpoch());
    }
    m_printer.print(u"ack"_s, { { u"mid"_s, mid } }, tr("* sent %1").arg(mid));
    if (m_options.oneShot && mid == m_oneShotMid)
        quit();
    settle(mid);
}

void CliPeer::recordState(const QString &peer, const QString &mid, History::MessageState state)
{
    if (m_history && m_history->isOpen())
        m_history->setState(peer, m_client->id(), mid, state, QDateTime::currentMSecsSinceEpoch());
}

void CliPeer::remember(const QString &conversation, const QString &from, const QString &to, const QString &mid,
                       const QString &text, bool outgoing, bool e2e, qint64 ts)
{
    if (!m_history || !m_history->isOpen())
        return;
    History::StoredMessage m;
    m.conversation = conversation;
    m.sender = from;
    m.recipient = to;
    m.mid = mid;
    m.text = text;
    m.outgoing = outgoing;
    m.e2e = e2e;
    m.state = outgoing ? History::MessageState::Sending : History::MessageState::Received;
    m.sentMs = ts;
    m_history->append(m); // a failure is reported once through the store's errorOccurred (main.cpp)
}

void CliPeer::printHistory(const QString &args)
{
    const QString peer = args.section(u' ', 0, 0);
    bool numberOk = true;
    const QString count = args.section(u' ', 1, 1);
    const int n = count.isEmpty() ? 20 : count.toInt(&numberOk);
    if (peer.isEmpty() || !numberOk || n < 1 || n > 10000) {
        usage(tr("/history PEER [N] (N from 1 to 10000; PEER * for Everyone, #ROOM for a room)"));
        return;
    }
    if (!m_history || !m_history->isOpen()) {
        usage(tr("no history is kept: start with --history FILE"));
        return;
    }
    const QString conversation = peer == u"*" ? QString() : peer;
    const QList<History::StoredMessage> page = m_history->page(conversation, 0, n);
    QJsonArray list;
    QStringList lines;
    for (const History::StoredMessage &m : page) {
        list.append(QJsonObject { { u"from"_s, m.sender }, { u"to"_s, m.recipient }, { u"mid"_s, m.mid },
                                  { u"text"_s, m.text }, { u"ts"_s, m.sentMs }, { u"e2e"_s, m.e2e } });
        lines.append(tr("%1 <%2> %3")
                         .arg(QDateTime::fromMSecsSinceEpoch(m.sentMs).toString(u"yyyy-MM-dd HH:mm:ss"_s), m.sender,
                              m.text));
    }
    m_printer.print(u"history"_s, { { u"peer"_s, peer }, { u"messages"_s, list } },
                    lines.isEmpty() ? tr("* no messages with %1").arg(peer)
                                    : tr("* the last %n message(s) with %1:", nullptr, int(lines.size())).arg(peer)
                                        + u'\n' + lines.join(u'\n'));
}

void CliPeer::track(const QString &mid)
{
    if (!mid.isEmpty())
        m_outstanding.insert(mid);
}

void CliPeer::settle(const QString &mid)
{
    m_outstanding.remove(mid);
    if (m_inputEnded)
        leaveWhenSettled();
}

void CliPeer::leaveWhenSettled()
{
    if (m_client->isJoined() && m_outstanding.isEmpty() && !m_files->busy())
        quit();
}

void CliPeer::handleLine(const QString &line)
{
    if (line.trimmed().isEmpty())
        return;
    if (!m_client->isJoined()) {
        m_pending.append(line);
        return;
    }
    execute(line);
}

void CliPeer::execute(const QString &line)
{
    if (!line.startsWith(u'/')) {
        track(m_client->sendMessage(line));
        return;
    }
    const QString command = line.section(u' ', 0, 0);
    const QString rest = line.section(u' ', 1).trimmed();
    if (command == u"/to") {
        const QString peer = rest.section(u' ', 0, 0);
        const QString text = rest.section(u' ', 1);
        if (peer.isEmpty() || text.isEmpty()) {
            usage(tr("/to PEER TEXT"));
            return;
        }
        if (peer.startsWith(u'#')) {
            const QString mid = m_rooms->send(peer, text); // a room: sealed with our sender key, to its members
            if (!mid.isEmpty())
                remember(peer, m_client->id(), peer, mid, text, true, true, QDateTime::currentMSecsSinceEpoch());
            track(mid);
            return;
        }
        const QString mid = m_client->sendMessage(peer, text);
        if (!mid.isEmpty())
            remember(peer, m_client->id(), peer, mid, text, true, !m_client->peerFingerprint(peer).isEmpty()
                                                                       && m_client->hasIdentity(),
                     QDateTime::currentMSecsSinceEpoch());
        track(mid);
    } else if (command == u"/history") {
        printHistory(rest);
    } else if (command == u"/connect") {
        if (rest.isEmpty()) {
            usage(tr("/connect PEER"));
            return;
        }
        m_client->connectToPeer(rest);
    } else if (command == u"/peers") {
        printPeers();
    } else if (command == u"/fingerprint") {
        const QString fingerprint = rest.isEmpty() ? m_client->fingerprint() : m_client->peerFingerprint(rest);
        QJsonObject f { { u"fingerprint"_s, fingerprint } };
        if (!rest.isEmpty())
            f.insert("peer"_L1, rest);
        const QString shown = fingerprint.isEmpty() ? tr("no key") : fingerprint;
        m_printer.print(u"fingerprint"_s, f,
                        rest.isEmpty() ? tr("* your fingerprint: %1").arg(shown)
                                       : tr("* fingerprint of %1: %2").arg(rest, shown));
    } else if (command == u"/trust") {
        if (rest.isEmpty()) {
            usage(tr("/trust PEER"));
            return;
        }
        if (!m_client->trustKey(rest)) {
            usage(tr("%1 has no changed key to trust").arg(rest));
            return;
        }
        m_printer.print(u"trusted"_s, { { u"peer"_s, rest }, { u"fingerprint"_s, m_client->peerFingerprint(rest) } },
                        tr("* trusted the new key of %1").arg(rest));
    } else if (command == u"/quit") {
        quit();
    } else if (m_files->execute(command, rest) || m_rooms->execute(command, rest)) {
        return;
    } else {
        usage(tr("unknown command %1; commands: /to PEER TEXT, /to #ROOM TEXT, /join #ROOM, /leave #ROOM, /rooms, "
                 "/members #ROOM, /create #ROOM, /invite #ROOM PEER, /remove #ROOM PEER, /topic #ROOM, /close #ROOM, "
                 "/connect PEER, /peers, /fingerprint [PEER], /trust PEER, /history PEER [N], "
                 "/send-file PEER PATH, /accept ID [DIR], /decline ID, /cancel ID, /pause ID, /resume ID, /quit")
                  .arg(command));
    }
}

std::pair<QJsonArray, QString> CliPeer::peerList() const
{
    QJsonArray peers;
    QStringList lines;
    for (const PeerInfo &p : m_client->peers()) {
        QJsonObject po { { u"id"_s, p.id } };
        if (!p.name.isEmpty())
            po.insert("name"_L1, p.name);
        if (p.host)
            po.insert("host"_L1, true);
        peers.append(po);
        lines.append(p.name.isEmpty() ? p.id : u"%1 (%2)"_s.arg(p.id, p.name));
    }
    return { peers, lines.isEmpty() ? tr("none") : lines.join(u", "_s) };
}

void CliPeer::printPeers()
{
    const auto [peers, names] = peerList();
    m_printer.print(u"peers"_s, { { u"peers"_s, peers } }, tr("* peers: %1").arg(names));
}

void CliPeer::endOfInput()
{
    m_inputEnded = true;
    // Let the hub answer what was sent (acks, errors) before leaving, but not forever.
    // A file transfer under way is waited for (CliFiles::idle), as long as it takes.
    QTimer::singleShot(kSettleTimeoutMs, this, [this] {
        if (!m_files->busy())
            quit();
    });
    leaveWhenSettled();
}

void CliPeer::quit()
{
    if (m_leaving)
        return;
    m_leaving = true;
    if (m_client->state() == PeerClient::State::Disconnected)
        finish(m_exitCode);
    else
        m_client->disconnectFromHub();
}

void CliPeer::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT finished(exitCode);
}

} // namespace PeerLink
