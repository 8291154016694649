#include "transferitem.h"

#include "transfersmodel.h"

#include <QMimeDatabase>

#include <algorithm>

namespace PeerLink {

using namespace Qt::StringLiterals;

TransferItem::State TransferItem::stateOf(const std::optional<FileTransfers::Info> &info)
{
    if (!info)
        return State::Unknown;
    const bool incoming = info->direction == FileTransfers::Direction::Incoming;
    switch (info->state) {
    case FileTransfers::State::Offered:
        return incoming ? State::Offered : State::Waiting;
    case FileTransfers::State::Active:
        return incoming ? State::Receiving : State::Sending;
    case FileTransfers::State::Paused:
        return State::Paused;
    case FileTransfers::State::Done:
        return incoming ? State::Received : State::Sent;
    case FileTransfers::State::Failed:
    case FileTransfers::State::Cancelled:
        if (info->declined)
            return State::Declined;
        return info->state == FileTransfers::State::Failed ? State::Failed : State::Cancelled;
    }
    return State::Unknown;
}

TransferItem::Actions TransferItem::actionsFor(State state)
{
    switch (state) {
    case State::Offered:
        return Actions(Accept) | Decline;
    case State::Waiting:
    case State::Paused:
        return Cancel;
    case State::Receiving:
    case State::Sending:
        return Actions(Pause) | Cancel;
    case State::Received:
        return Open;
    case State::Sent:
    case State::Declined:
    case State::Cancelled:
    case State::Failed:
    case State::Unknown:
        break;
    }
    return NoAction;
}

TransferItem::Actions TransferItem::actionsOf(const std::optional<FileTransfers::Info> &info)
{
    const State state = stateOf(info);
    Actions actions = actionsFor(state);
    if (state == State::Paused
        && (info->pausedBy == FileTransfers::PausedBy::You || info->pausedBy == FileTransfers::PausedBy::Disk))
        actions |= Resume;
    return actions;
}

bool TransferItem::isEnded(State state)
{
    return state == State::Received || state == State::Sent || state == State::Declined || state == State::Cancelled
        || state == State::Failed || state == State::Unknown;
}

QString TransferItem::statusText(const std::optional<FileTransfers::Info> &info)
{
    const State state = stateOf(info);
    if (state == State::Unknown)
        return tr("This transfer is no longer listed.");
    const FileTransfers::Info &i = *info;
    const bool incoming = i.direction == FileTransfers::Direction::Incoming;
    const QString done = TransfersModel::formatBytes(i.bytes);
    const QString size = TransfersModel::formatBytes(i.size);
    switch (state) {
    case State::Offered:
        return tr("%1 offers you this file.").arg(i.peer);
    case State::Waiting:
        return tr("Waiting for %1 to accept.").arg(i.peer);
    case State::Receiving:
        return tr("Receiving: %1 of %2").arg(done, size);
    case State::Sending:
        return tr("Sending: %1 of %2").arg(done, size);
    case State::Paused:
        if (i.pausedBy == FileTransfers::PausedBy::You)
            return tr("Paused by you at %1 of %2").arg(done, size);
        return i.error.isEmpty() ? tr("Paused at %1 of %2").arg(done, size) : tr("Paused: %1").arg(i.error);
    case State::Received:
        return tr("Received.");
    case State::Sent:
        return tr("Sent: %1 has it.").arg(i.peer);
    case State::Declined:
        return incoming ? tr("You declined it.") : tr("%1 declined it.").arg(i.peer);
    case State::Cancelled:
        if (i.byPeer)
            return incoming ? tr("Cancelled by the sender, %1.").arg(i.peer) : tr("Cancelled by %1.").arg(i.peer);
        return tr("Cancelled.");
    case State::Failed:
        return i.error.isEmpty() ? tr("Failed.") : tr("Failed: %1").arg(i.error);
    case State::Unknown:
        break;
    }
    return QString();
}

QString TransferItem::detailsText(const FileTransfers::Info &info)
{
    return tr("%1, %2").arg(TransfersModel::formatBytes(info.size), typeName(info.name, info.mimeType));
}

QString TransferItem::typeName(const QString &name, const QString &mimeType)
{
    const QMimeDatabase db;
    QMimeType type = db.mimeTypeForName(mimeType);
    if (!type.isValid() || type.isDefault())
        type = db.mimeTypeForFile(name, QMimeDatabase::MatchExtension);
    if (!type.isValid() || type.isDefault() || type.comment().isEmpty())
        return tr("file");
    return type.comment();
}

double TransferItem::progress(const std::optional<FileTransfers::Info> &info)
{
    if (!info)
        return 0;
    if (info->state == FileTransfers::State::Done)
        return 1;
    return info->size > 0 ? std::clamp(double(info->bytes) / double(info->size), 0.0, 1.0) : 0;
}

} // namespace PeerLink
