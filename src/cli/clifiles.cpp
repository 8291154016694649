#include "clifiles.h"

#include "clipeer.h"

#include <QDir>
#include <QJsonObject>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

constexpr int kProgressIntervalMs = 1000;

QString directionName(const FileTransfers::Info &info)
{
    return info.direction == FileTransfers::Direction::Outgoing ? u"out"_s : u"in"_s;
}

/// Who paused a transfer, as `file_paused` says it: "you", "disk" or "peer".
QString pausedByName(FileTransfers::PausedBy by)
{
    switch (by) {
    case FileTransfers::PausedBy::You:
        return u"you"_s;
    case FileTransfers::PausedBy::Disk:
        return u"disk"_s;
    case FileTransfers::PausedBy::Peer:
        return u"peer"_s;
    case FileTransfers::PausedBy::Nobody:
        break;
    }
    return QString();
}

} // namespace

CliFiles::CliFiles(FileTransfers *files, EventPrinter &printer, std::function<void(const QString &)> usage,
                   QObject *parent)
    : QObject(parent)
    , m_files(files)
    , m_printer(printer)
    , m_usage(std::move(usage))
{
    connect(files, &FileTransfers::offerReceived, this, &CliFiles::onOffer);
    connect(files, &FileTransfers::progressed, this, &CliFiles::onProgress);
    connect(files, &FileTransfers::finished, this, &CliFiles::onFinished);
    connect(files, &FileTransfers::failed, this, &CliFiles::onFailed);
    connect(files, &FileTransfers::paused, this, &CliFiles::onPaused);
    connect(files, &FileTransfers::resumed, this, [this](const FileTransfers::Info &info) {
        m_printer.print(u"file_resumed"_s,
                        { { u"tid"_s, info.tid }, { u"peer"_s, info.peer }, { u"direction"_s, directionName(info) },
                          { u"name"_s, info.name }, { u"bytes"_s, info.bytes }, { u"size"_s, info.size } },
                        tr("* transfer %1 goes on from %2 of %3 bytes").arg(info.tid).arg(info.bytes).arg(info.size));
    });
    connect(files, &FileTransfers::restored, this, [this](const FileTransfers::Info &info) {
        m_printer.print(u"file_restored"_s,
                        { { u"tid"_s, info.tid }, { u"peer"_s, info.peer }, { u"name"_s, info.name },
                          { u"bytes"_s, info.bytes }, { u"size"_s, info.size },
                          { u"sha256"_s, QString::fromLatin1(info.sha256.toHex()) }, { u"path"_s, info.path } },
                        tr("* going on with %1 to %2 as %3 (%4 of %5 bytes acknowledged before), when %2 is there")
                            .arg(info.name, info.peer, info.tid)
                            .arg(info.bytes)
                            .arg(info.size));
    });
    connect(files, &FileTransfers::chunkRejected, this, [this](const QString &tid, qint64 index) {
        m_printer.print(u"file_chunk_rejected"_s, { { u"tid"_s, tid }, { u"index"_s, index } },
                        tr("! a chunk of %1 did not verify (changed on the way); it is sent again").arg(tid));
    });
}

bool CliFiles::execute(const QString &command, const QString &args)
{
    const QString first = args.section(u' ', 0, 0);
    const QString rest = args.section(u' ', 1).trimmed();
    if (command == u"/send-file") {
        if (first.isEmpty() || rest.isEmpty()) {
            m_usage(tr("/send-file PEER PATH"));
            return true;
        }
        const QString tid = m_files->offer(first, rest);
        if (!tid.isEmpty()) {
            const auto info = m_files->info(tid);
            m_printer.print(u"file_sending"_s,
                            { { u"tid"_s, tid }, { u"peer"_s, first }, { u"name"_s, info->name },
                              { u"size"_s, info->size }, { u"sha256"_s, QString::fromLatin1(info->sha256.toHex()) } },
                            tr("* offered %1 (%2 bytes) to %3 as %4").arg(info->name).arg(info->size).arg(first, tid));
        }
        return true;
    }
    if (command == u"/accept") {
        const QString dir = rest.isEmpty() ? (m_acceptDir.isEmpty() ? QDir::currentPath() : m_acceptDir) : rest;
        if (first.isEmpty() || !m_files->accept(first, dir))
            m_usage(tr("/accept ID [DIR]: ID names a file offered to you"));
        return true;
    }
    if (command == u"/decline") {
        if (first.isEmpty() || !m_files->decline(first))
            m_usage(tr("/decline ID: ID names a file offered to you"));
        return true;
    }
    if (command == u"/cancel") {
        if (first.isEmpty() || !m_files->cancel(first))
            m_usage(tr("/cancel ID: ID names a transfer under way"));
        return true;
    }
    if (command == u"/pause") {
        if (first.isEmpty() || !m_files->pause(first))
            m_usage(tr("/pause ID: ID names a transfer under way"));
        return true;
    }
    if (command == u"/resume") {
        if (first.isEmpty() || !m_files->resumeTransfer(first))
            m_usage(tr("/resume ID: ID names a transfer you paused (or a full disk did); a pause the peer made is "
                       "the peer's to resume"));
        return true;
    }
    return false;
}

bool CliFiles::busy() const
{
    const QList<FileTransfers::Info> all = m_files->transfers();
    return std::any_of(all.cbegin(), all.cend(), [](const FileTransfers::Info &i) {
        return i.state == FileTransfers::State::Active || i.state == FileTransfers::State::Paused
            || (i.state == FileTransfers::State::Offered && i.direction == FileTransfers::Direction::Outgoing);
    });
}

void CliFiles::onOffer(const FileTransfers::Info &info)
{
    m_printer.print(u"file_offer"_s,
                    { { u"tid"_s, info.tid }, { u"from"_s, info.peer }, { u"name"_s, info.name },
                      { u"size"_s, info.size }, { u"sha256"_s, QString::fromLatin1(info.sha256.toHex()) },
                      { u"type"_s, info.mimeType } },
                    m_acceptDir.isEmpty()
                        ? tr("* %1 offers %2 (%3 bytes): /accept %4 [DIR] or /decline %4")
                              .arg(info.peer, info.name)
                              .arg(info.size)
                              .arg(info.tid)
                        : tr("* %1 offers %2 (%3 bytes), accepted into %4").arg(info.peer, info.name).arg(info.size)
                              .arg(m_acceptDir));
    if (!m_acceptDir.isEmpty())
        m_files->accept(info.tid, m_acceptDir);
}

void CliFiles::onPaused(const FileTransfers::Info &info)
{
    QString text;
    switch (info.pausedBy) {
    case FileTransfers::PausedBy::Disk:
        text = tr("! transfer %1 paused: %2 (free some space, then /resume %1)").arg(info.tid, info.error);
        break;
    case FileTransfers::PausedBy::You:
        text = tr("* transfer %1 paused by you (/resume %1 goes on)").arg(info.tid);
        break;
    case FileTransfers::PausedBy::Peer:
    case FileTransfers::PausedBy::Nobody:
        text = tr("* transfer %1 paused by %2: %3 (%2 resumes it; /cancel %1 ends it)").arg(info.tid, info.peer,
                                                                                            info.error);
        break;
    }
    m_printer.print(u"file_paused"_s,
                    { { u"tid"_s, info.tid }, { u"peer"_s, info.peer }, { u"direction"_s, directionName(info) },
                      { u"name"_s, info.name }, { u"by"_s, pausedByName(info.pausedBy) }, { u"reason"_s, info.error },
                      { u"bytes"_s, info.bytes }, { u"size"_s, info.size }, { u"path"_s, info.path } },
                    text);
}

void CliFiles::onProgress(const FileTransfers::Info &info)
{
    auto it = m_lastProgress.find(info.tid);
    if (it != m_lastProgress.end() && !it->hasExpired(kProgressIntervalMs))
        return;
    if (it == m_lastProgress.end())
        it = m_lastProgress.insert(info.tid, QElapsedTimer());
    it->start();
    printProgress(info);
}

void CliFiles::printProgress(const FileTransfers::Info &info)
{
    m_printer.print(u"file_progress"_s,
                    { { u"tid"_s, info.tid }, { u"peer"_s, info.peer }, { u"direction"_s, directionName(info) },
                      { u"bytes"_s, info.bytes }, { u"size"_s, info.size } },
                    tr("* %1: %2 of %3 bytes").arg(info.tid).arg(info.bytes).arg(info.size));
}

void CliFiles::onFinished(const FileTransfers::Info &info)
{
    m_lastProgress.remove(info.tid);
    const QString sha = QString::fromLatin1(info.sha256.toHex());
    m_printer.print(u"file_done"_s,
                    { { u"tid"_s, info.tid }, { u"peer"_s, info.peer }, { u"direction"_s, directionName(info) },
                      { u"name"_s, info.name }, { u"size"_s, info.size }, { u"sha256"_s, sha },
                      { u"path"_s, info.path } },
                    info.direction == FileTransfers::Direction::Incoming
                        ? tr("* received %1 from %2: %3 (SHA-256 %4)").arg(info.name, info.peer, info.path, sha)
                        : tr("* %1 has %2 (SHA-256 %3)").arg(info.peer, info.name, sha));
    if (!busy())
        Q_EMIT idle();
}

void CliFiles::onFailed(const FileTransfers::Info &info)
{
    m_lastProgress.remove(info.tid);
    m_printer.print(u"file_failed"_s,
                    { { u"tid"_s, info.tid }, { u"peer"_s, info.peer }, { u"direction"_s, directionName(info) },
                      { u"name"_s, info.name }, { u"reason"_s, info.error },
                      { u"cancelled"_s, info.state == FileTransfers::State::Cancelled } },
                    tr("! transfer %1 of %2 failed: %3").arg(info.tid, info.name, info.error));
    if (!busy())
        Q_EMIT idle();
}

} // namespace PeerLink
