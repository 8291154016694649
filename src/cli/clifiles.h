#pragma once

#include "client/filetransfers.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <functional>

namespace PeerLink {

class EventPrinter;

/// The file commands and events of peerlink-cli: /send-file, /accept, /decline, /cancel, /pause, /resume; file_offer,
/// file_restored (a transfer sent in an earlier run goes on), file_progress (at most once a second per transfer),
/// file_paused (with who paused it), file_resumed, file_done and file_failed. With an accept folder, every offer is
/// accepted into it.
class CliFiles : public QObject
{
    Q_OBJECT
public:
    CliFiles(FileTransfers *files, EventPrinter &printer, std::function<void(const QString &)> usage,
             QObject *parent = nullptr);

    /// Accept every offer into @p dir (--accept-files); empty: print offers and wait for /accept or /decline.
    void setAcceptDir(const QString &dir) { m_acceptDir = dir; }
    /// Handles @p command with @p args if it is a file command; false otherwise.
    bool execute(const QString &command, const QString &args);
    /// A transfer is under way (the end of input waits for it).
    bool busy() const;

Q_SIGNALS:
    /// No transfer is under way any more.
    void idle();

private:
    void onOffer(const FileTransfers::Info &info);
    void onPaused(const FileTransfers::Info &info);
    void onProgress(const FileTransfers::Info &info);
    void onFinished(const FileTransfers::Info &info);
    void onFailed(const FileTransfers::Info &info);
    void printProgress(const FileTransfers::Info &info);

    FileTransfers *m_files;
    EventPrinter &m_printer;
    std::function<void(const QString &)> m_usage;
    QString m_acceptDir;
    QHash<QString, QElapsedTimer> m_lastProgress; // per transfer: when its progress was last printed
};

} // namespace PeerLink
