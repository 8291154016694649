#pragma once

#include "client/filetransfers.h"

#include <QAbstractListModel>
#include <QElapsedTimer>
#include <QPointer>
#include <deque>
#include <functional>
#include <optional>

class QTimer;

namespace PeerLink {

/// The file transfers of one client as the app shows them (issue 15): one row per transfer, newest last, with its
/// direction, peer, file name, size, progress, speed (bytes per second over the last few seconds), time remaining and
/// state. Fed by FileTransfers' signals; transfers this app offers are added by offer(). No widgets: a test drives it.
class TransfersModel : public QAbstractListModel
{
    Q_OBJECT
public:
    /// What the user sees of a transfer. Offered: an incoming offer waiting for Accept / Decline; Waiting: our offer
    /// waiting for the peer's answer; Failed: failed, declined or refused (error says why); Cancelled: by either side.
    enum class State { Offered, Waiting, Transferring, Paused, Done, Failed, Cancelled };
    Q_ENUM(State)

    enum Role {
        TidRole = Qt::UserRole + 1,
        DirectionRole, // FileTransfers::Direction
        PeerRole,
        NameRole,
        SizeRole, // qint64 bytes
        BytesRole, // qint64 bytes verified
        ProgressRole, // double, 0 to 1
        SpeedRole, // double, bytes per second over the last SpeedWindowMs
        RemainingRole, // qint64 seconds; -1: unknown (no speed yet)
        StateRole, // State
        ErrorRole, // why it failed, was cancelled or is paused (translated)
        PathRole, // outgoing: the source; incoming: where it is saved
        StatusTextRole, // the state, progress, speed and time remaining in words
        PausedByRole, // FileTransfers::PausedBy
    };

    /// Speed is measured over this much of the recent past (ms).
    static constexpr int SpeedWindowMs = 3000;

    explicit TransfersModel(FileTransfers *files, QObject *parent = nullptr);

    /// Answers incoming offers before they are shown (the user's policy): @p answer gets the offer's row and returns
    /// true when it accepted or declined it; an offer it leaves unanswered is shown (offerShown) for the user.
    void setOfferAnswerer(std::function<bool(int row)> answer) { m_answer = std::move(answer); }

    /// Replaces the clock (ms) speeds are measured with.
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Offers the file at @p path to @p peer and shows it; returns the transfer id (empty: not offered).
    QString offer(const QString &peer, const QString &path);
    /// Accepts / declines / cancels / pauses / resumes the transfer shown in @p row.
    bool accept(int row, const QString &dir);
    bool decline(int row);
    bool cancel(int row);
    bool pause(int row);
    bool resume(int row);
    /// Whether the user may resume @p row: it is paused by this side (a pause the peer made is the peer's).
    bool canResume(int row) const;

    int rowOf(const QString &tid) const;
    QString tidAt(int row) const;
    /// The transfer shown in @p row as FileTransfers last told it (nullopt: no such row).
    std::optional<FileTransfers::Info> infoAt(int row) const;
    State stateAt(int row) const;
    double speedAt(int row) const;
    /// Seconds left at the current speed; -1 when unknown.
    qint64 remainingAt(int row) const;

    /// Whether a transfer in this state is still going (or may go on).
    static bool isOpen(State state);
    /// "1.5 MB"-style sizes in the user's locale.
    static QString formatBytes(qint64 bytes);
    /// "1:05", "1:02:03" for seconds; empty for -1.
    static QString formatDuration(qint64 seconds);

Q_SIGNALS:
    /// An incoming offer is shown (row @p row) for the user to answer (one the answerer took is not).
    void offerShown(int row);
    /// An outgoing transfer of an earlier run was taken up (row @p row): it waits for its peer.
    void transferRestored(int row);
    /// An incoming file arrived in full.
    void fileArrived(const PeerLink::FileTransfers::Info &info);

private:
    struct Sample
    {
        qint64 at;
        qint64 bytes;
    };
    struct Row
    {
        FileTransfers::Info info;
        std::deque<Sample> samples;
    };

    void update(const FileTransfers::Info &info);
    /// Runs @p action on @p row's transfer and shows the result.
    bool act(int row, const std::function<bool(FileTransfers *, const QString &tid)> &action);
    static State stateOf(const FileTransfers::Info &info);
    QString statusText(const Row &row) const;
    void tick();
    qint64 now() const { return m_clock ? m_clock() : m_elapsed.elapsed(); }
    void prune(Row &row) const;

    QPointer<FileTransfers> m_files;
    QList<Row> m_rows;
    std::function<qint64()> m_clock;
    std::function<bool(int row)> m_answer;
    QElapsedTimer m_elapsed;
    QTimer *m_timer;
};

} // namespace PeerLink
