#pragma once

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace PeerLink {

namespace History {
class MessageStore;
}

/// The retention setting at work: deletes stored messages older than N days (0 keeps everything), once at start and
/// then daily. Time is a parameter: the clock is injectable, and apply() runs one pass at once (for tests).
class HistoryRetention : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<qint64()>; ///< milliseconds since the epoch

    explicit HistoryRetention(History::MessageStore *store, QObject *parent = nullptr);

    void setClock(Clock clock) { m_clock = std::move(clock); }
    /// Days to keep messages; 0 keeps them forever.
    void setDays(int days) { m_days = std::max(0, days); }
    int days() const { return m_days; }
    /// Applies the setting now, then every @p intervalMs (a day by default).
    void start(int intervalMs = 24 * 60 * 60 * 1000);
    /// One pass: how many messages were deleted (-1 when the store refused; it says why).
    int apply();

Q_SIGNALS:
    /// Old messages were deleted: the views read their conversations again.
    void messagesDeleted(int count);

private:
    QPointer<History::MessageStore> m_store;
    Clock m_clock;
    int m_days = 0;
    QTimer m_timer;
};

} // namespace PeerLink
