#pragma once

#include "cli/clifiles.h"
#include "cli/clirooms.h"
#include "client/peerclient.h"
#include "history/messagestore.h"

#include <QJsonArray>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTextStream>

namespace PeerLink {

/// Prints client events, one per line: readable text, or one JSON object with an `event` field.
class EventPrinter
{
public:
    EventPrinter(QTextStream &out, bool json)
        : m_out(out)
        , m_json(json)
    {
    }

    void print(const QString &event, const QJsonObject &fields, const QString &text);

private:
    QTextStream &m_out;
    bool m_json;
};

/// The headless peer: turns command lines into PeerClient calls and PeerClient events into printed lines.
class CliPeer : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        bool json = false;
        /// One-shot mode: send this text once, wait for the ack, leave.
        bool oneShot = false;
        QString sendText;
        QString sendTo;
        /// --accept-files DIR: accept every file offered into DIR.
        QString acceptDir;
    };

    CliPeer(PeerClient *client, const Options &options, QTextStream &out, QTextStream &err, QObject *parent = nullptr);

    /// Keeps every message sent and received in @p store (--history FILE), for /history; null: none kept.
    void setHistory(History::MessageStore *store) { m_history = store; }

    /// Handles one command line (queued until joined).
    void handleLine(const QString &line);
    /// Standard input ended: leave cleanly once the queued commands are sent.
    void endOfInput();
    /// Leave now (signal, /quit).
    void quit();

Q_SIGNALS:
    /// The peer is done; the process should exit with @p exitCode.
    void finished(int exitCode);

private:
    void onJoined(const QString &id, const QString &hubName);
    void onDisconnected(const QString &reason);
    void onError(const PeerLink::ClientError &error);
    void usage(const QString &message);
    void onAcked(const QString &mid);
    void execute(const QString &line);
    void printPeers();
    /// /history PEER [N]: the last N messages with PEER (or "*" for Everyone) from the history file.
    void printHistory(const QString &args);
    /// Writes @p mid's new state (a receipt from @p peer) into the history, when one is kept.
    void recordState(const QString &peer, const QString &mid, History::MessageState state);
    void remember(const QString &conversation, const QString &from, const QString &to, const QString &mid,
                  const QString &text, bool outgoing, bool e2e, qint64 ts);
    /// The joined peers as JSON and as readable text.
    std::pair<QJsonArray, QString> peerList() const;
    /// Remembers a sent message until the hub acks or refuses it.
    void track(const QString &mid);
    void settle(const QString &mid);
    void leaveWhenSettled();
    void finish(int exitCode);

    PeerClient *m_client;
    History::MessageStore *m_history = nullptr;
    Options m_options;
    EventPrinter m_printer;
    QTextStream &m_err;
    CliFiles *m_files;
    CliRooms *m_rooms;
    QStringList m_pending;
    QSet<QString> m_outstanding;
    QString m_oneShotMid;
    bool m_inputEnded = false;
    bool m_leaving = false;
    bool m_finished = false;
    int m_exitCode = 0;
};

} // namespace PeerLink
