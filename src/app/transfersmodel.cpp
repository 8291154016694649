#include "transfersmodel.h"

#include <QLocale>
#include <QTimer>

#include <cmath>

namespace PeerLink {

using namespace Qt::StringLiterals;

TransfersModel::TransfersModel(FileTransfers *files, QObject *parent)
    : QAbstractListModel(parent)
    , m_files(files)
    , m_timer(new QTimer(this))
{
    m_elapsed.start();
    connect(files, &FileTransfers::offerReceived, this, [this](const FileTransfers::Info &info) {
        update(info);
        const int row = rowOf(info.tid);
        if (!m_answer || !m_answer(row))
            Q_EMIT offerShown(row);
    });
    connect(files, &FileTransfers::restored, this, [this](const FileTransfers::Info &info) {
        update(info);
        Q_EMIT transferRestored(rowOf(info.tid));
    });
    connect(files, &FileTransfers::progressed, this, &TransfersModel::update);
    connect(files, &FileTransfers::paused, this, &TransfersModel::update);
    connect(files, &FileTransfers::resumed, this, &TransfersModel::update);
    connect(files, &FileTransfers::failed, this, &TransfersModel::update);
    connect(files, &FileTransfers::finished, this, [this](const FileTransfers::Info &info) {
        update(info);
        if (info.direction == FileTransfers::Direction::Incoming)
            Q_EMIT fileArrived(info);
    });
    // Speeds fall when nothing arrives: the rows under way are looked at again every second.
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &TransfersModel::tick);
}

int TransfersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant TransfersModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return QVariant();
    const Row &r = m_rows.at(index.row());
    const FileTransfers::Info &i = r.info;
    switch (role) {
    case Qt::DisplayRole:
        return i.direction == FileTransfers::Direction::Outgoing ? tr("%1 to %2").arg(i.name, i.peer)
                                                                 : tr("%1 from %2").arg(i.name, i.peer);
    case Qt::ToolTipRole:
    case StatusTextRole:
        return statusText(r);
    case TidRole:
        return i.tid;
    case DirectionRole:
        return QVariant::fromValue(i.direction);
    case PeerRole:
        return i.peer;
    case NameRole:
        return i.name;
    case SizeRole:
        return i.size;
    case BytesRole:
        return i.bytes;
    case ProgressRole:
        return i.size > 0 ? double(i.bytes) / double(i.size) : (stateOf(i) == State::Done ? 1.0 : 0.0);
    case SpeedRole:
        return speedAt(index.row());
    case RemainingRole:
        return remainingAt(index.row());
    case StateRole:
        return QVariant::fromValue(stateOf(i));
    case ErrorRole:
        return i.error;
    case PathRole:
        return i.path;
    case PausedByRole:
        return QVariant::fromValue(i.pausedBy);
    default:
        return QVariant();
    }
}

QHash<int, QByteArray> TransfersModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({ { TidRole, "tid" },
                   { DirectionRole, "direction" },
                   { PeerRole, "peer" },
                   { NameRole, "name" },
                   { SizeRole, "size" },
                   { BytesRole, "bytes" },
                   { ProgressRole, "progress" },
                   { SpeedRole, "speed" },
                   { RemainingRole, "remaining" },
                   { StateRole, "state" },
                   { ErrorRole, "error" },
                   { PathRole, "path" },
                   { StatusTextRole, "statusText" },
                   { PausedByRole, "pausedBy" } });
    return names;
}

QString TransfersModel::offer(const QString &peer, const QString &path)
{
    if (!m_files)
        return QString();
    const QString tid = m_files->offer(peer, path);
    if (tid.isEmpty())
        return QString();
    if (const auto info = m_files->info(tid))
        update(*info);
    return tid;
}

bool TransfersModel::act(int row, const std::function<bool(FileTransfers *, const QString &tid)> &action)
{
    const QString tid = tidAt(row);
    if (tid.isEmpty() || !m_files || !action(m_files, tid))
        return false;
    if (const auto info = m_files->info(tid))
        update(*info);
    return true;
}

bool TransfersModel::accept(int row, const QString &dir)
{
    return act(row, [&dir](FileTransfers *files, const QString &tid) { return files->accept(tid, dir); });
}

bool TransfersModel::decline(int row)
{
    return act(row, [](FileTransfers *files, const QString &tid) { return files->decline(tid); });
}

bool TransfersModel::cancel(int row)
{
    return act(row, [](FileTransfers *files, const QString &tid) { return files->cancel(tid); });
}

bool TransfersModel::pause(int row)
{
    return act(row, [](FileTransfers *files, const QString &tid) { return files->pause(tid); });
}

bool TransfersModel::resume(int row)
{
    return act(row, [](FileTransfers *files, const QString &tid) { return files->resumeTransfer(tid); });
}

bool TransfersModel::canResume(int row) const
{
    if (stateAt(row) != State::Paused)
        return false;
    const FileTransfers::PausedBy by = m_rows.at(row).info.pausedBy;
    return by == FileTransfers::PausedBy::You || by == FileTransfers::PausedBy::Disk;
}

int TransfersModel::rowOf(const QString &tid) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).info.tid == tid)
            return i;
    }
    return -1;
}

QString TransfersModel::tidAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).info.tid : QString();
}

std::optional<FileTransfers::Info> TransfersModel::infoAt(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return std::nullopt;
    return m_rows.at(row).info;
}

TransfersModel::State TransfersModel::stateAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? stateOf(m_rows.at(row).info) : State::Failed;
}

double TransfersModel::speedAt(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return 0;
    const Row &r = m_rows.at(row);
    if (stateOf(r.info) != State::Transferring || r.samples.empty())
        return 0;
    // From the oldest sample still in the window (or the last one before it) to now.
    const qint64 t = now();
    const Sample &first = r.samples.front();
    const Sample &last = r.samples.back();
    const qint64 span = std::max<qint64>(t - first.at, 1);
    if (t - last.at > SpeedWindowMs || span < 200)
        return 0;
    return double(last.bytes - first.bytes) * 1000.0 / double(span);
}

qint64 TransfersModel::remainingAt(int row) const
{
    const double speed = speedAt(row);
    if (speed <= 0)
        return -1;
    const FileTransfers::Info &i = m_rows.at(row).info;
    return qint64(std::ceil(double(std::max<qint64>(i.size - i.bytes, 0)) / speed));
}

bool TransfersModel::isOpen(State state)
{
    return state == State::Offered || state == State::Waiting || state == State::Transferring
        || state == State::Paused;
}

QString TransfersModel::formatBytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString TransfersModel::formatDuration(qint64 seconds)
{
    if (seconds < 0)
        return QString();
    const qint64 h = seconds / 3600;
    const qint64 m = (seconds / 60) % 60;
    const qint64 s = seconds % 60;
    return h > 0 ? u"%1:%2:%3"_s.arg(h).arg(m, 2, 10, QChar(u'0')).arg(s, 2, 10, QChar(u'0'))
                 : u"%1:%2"_s.arg(m).arg(s, 2, 10, QChar(u'0'));
}

void TransfersModel::update(const FileTransfers::Info &info)
{
    int row = rowOf(info.tid);
    if (row < 0) {
        row = int(m_rows.size());
        beginInsertRows(QModelIndex(), row, row);
        m_rows.append(Row { info, {} });
        endInsertRows();
    }
    Row &r = m_rows[row];
    r.info = info;
    if (stateOf(info) == State::Transferring) {
        const qint64 t = now();
        if (r.samples.empty() || r.samples.back().bytes != info.bytes || r.samples.back().at != t)
            r.samples.push_back(Sample { t, info.bytes });
        prune(r);
    } else {
        r.samples.clear();
    }
    Q_EMIT dataChanged(index(row), index(row));
    bool open = false;
    for (const Row &each : std::as_const(m_rows))
        open = open || stateOf(each.info) == State::Transferring;
    if (open && !m_timer->isActive())
        m_timer->start();
    else if (!open)
        m_timer->stop();
}

void TransfersModel::prune(Row &row) const
{
    // Keep one sample at or before the window's start, so the speed spans the whole window.
    const qint64 from = now() - SpeedWindowMs;
    while (row.samples.size() > 1 && row.samples.at(1).at <= from)
        row.samples.pop_front();
}

void TransfersModel::tick()
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (stateOf(m_rows.at(i).info) != State::Transferring)
            continue;
        prune(m_rows[i]);
        Q_EMIT dataChanged(index(i), index(i), { SpeedRole, RemainingRole, StatusTextRole, Qt::ToolTipRole });
    }
}

TransfersModel::State TransfersModel::stateOf(const FileTransfers::Info &info)
{
    switch (info.state) {
    case FileTransfers::State::Offered:
        return info.direction == FileTransfers::Direction::Incoming ? State::Offered : State::Waiting;
    case FileTransfers::State::Active:
        return State::Transferring;
    case FileTransfers::State::Paused:
        return State::Paused;
    case FileTransfers::State::Done:
        return State::Done;
    case FileTransfers::State::Failed:
        return State::Failed;
    case FileTransfers::State::Cancelled:
        return State::Cancelled;
    }
    return State::Failed;
}

QString TransfersModel::statusText(const Row &row) const
{
    const FileTransfers::Info &i = row.info;
    const QString size = formatBytes(i.size);
    switch (stateOf(i)) {
    case State::Offered:
        return tr("Offered, %1").arg(size);
    case State::Waiting:
        // bytes: a transfer of an earlier run, offered again to go on from there
        return i.bytes > 0 ? tr("Waiting for %1 to go on, %2 of %3").arg(i.peer, formatBytes(i.bytes), size)
                           : tr("Waiting for %1 to accept, %2").arg(i.peer, size);
    case State::Transferring: {
        const int row = rowOf(i.tid);
        const double speed = speedAt(row);
        const qint64 left = remainingAt(row);
        const QString done = tr("%1 of %2").arg(formatBytes(i.bytes), size);
        if (left < 0)
            return done;
        return tr("%1, %2/s, %3 left").arg(done, formatBytes(qint64(speed)), formatDuration(left));
    }
    case State::Paused:
        if (i.pausedBy == FileTransfers::PausedBy::You)
            return tr("Paused by you, %1 of %2").arg(formatBytes(i.bytes), size);
        return i.error.isEmpty() ? tr("Paused, %1 of %2").arg(formatBytes(i.bytes), size)
                                 : tr("Paused: %1").arg(i.error);
    case State::Done:
        return tr("Done, %1").arg(size);
    case State::Failed:
        return i.error.isEmpty() ? tr("Failed") : tr("Failed: %1").arg(i.error);
    case State::Cancelled:
        return i.error.isEmpty() ? tr("Cancelled") : tr("Cancelled: %1").arg(i.error);
    }
    return QString();
}

} // namespace PeerLink
