#pragma once

#include "client/filetransfers.h"

#include <QCoreApplication>
#include <QFlags>
#include <QObject>
#include <QString>

#include <optional>

namespace PeerLink {

/// A file transfer as an item of its peer's conversation (issue 15): the offer with Accept / Decline while it waits
/// for an answer, then its outcome (receiving with progress, received with Open, declined, cancelled, failed), and
/// one's own offers with theirs. No widgets: what is shown and which actions a state allows are functions of the
/// transfer, table-tested (tst_transferitem); the conversation's item widget only shows them.
class TransferItem
{
    Q_GADGET
    Q_DECLARE_TR_FUNCTIONS(PeerLink::TransferItem)
public:
    /// Offered: an incoming offer waiting for the user's answer; Waiting: one's own waiting for the peer's. Unknown:
    /// the transfer is no longer listed.
    enum class State {
        Offered,
        Waiting,
        Receiving,
        Sending,
        Paused,
        Received,
        Sent,
        Declined,
        Cancelled,
        Failed,
        Unknown
    };
    Q_ENUM(State)

    /// What the user can do with the item now.
    enum Action {
        NoAction = 0x0,
        Accept = 0x1, ///< choose where to save and receive (as the Transfers dock's Accept)
        Decline = 0x2, ///< the sender is told
        Cancel = 0x4, ///< stops a transfer that waits or is under way (either side)
        Open = 0x8, ///< opens a received file
        Pause = 0x10, ///< pauses a transfer under way (either side; the peer sees who paused it)
        Resume = 0x20, ///< goes on with a transfer this side paused (or a full disk did)
    };
    Q_DECLARE_FLAGS(Actions, Action)

    /// The item's state for @p info (nullopt: no such transfer any more).
    static State stateOf(const std::optional<FileTransfers::Info> &info);
    /// The actions a state allows, whoever paused a paused transfer.
    static Actions actionsFor(State state);
    /// The actions @p info allows now: those of its state, and Resume only for a pause this side made (a pause the
    /// peer made is the peer's to resume).
    static Actions actionsOf(const std::optional<FileTransfers::Info> &info);
    /// Whether an item in @p state shows controls (buttons, and a progress bar while under way); without them it is
    /// its words only, and smaller.
    static bool hasControls(State state) { return actionsFor(state) != NoAction; }
    /// Whether @p state is an end: the item shows its outcome and nothing more will change.
    static bool isEnded(State state);
    /// Where the transfer stands, in words ("Receiving: 1.2 MB of 3 MB", "bob declined it", ...).
    static QString statusText(const std::optional<FileTransfers::Info> &info);
    /// The file's size and type in words ("200 KB, PDF document").
    static QString detailsText(const FileTransfers::Info &info);
    /// The file's type in words, from its MIME type or else its name ("PDF document"; "file" when unknown).
    static QString typeName(const QString &name, const QString &mimeType);
    /// How far it got, 0 to 1 (1 when done).
    static double progress(const std::optional<FileTransfers::Info> &info);
};

Q_DECLARE_OPERATORS_FOR_FLAGS(TransferItem::Actions)

} // namespace PeerLink
