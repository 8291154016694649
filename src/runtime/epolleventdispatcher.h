#pragma once

#include <QAbstractEventDispatcher>
#include <QAtomicInt>
#include <QHash>
#include <QList>
#include <QMap>

#include <vector>

namespace PeerLink {

/// A Qt event dispatcher on Linux's epoll, for the hub's thread.
///
/// Qt 6.4 on Linux dispatches with GLib (or, with QT_NO_GLIB, its own poll() loop). Both cost time in proportion to
/// the number of open sockets: GLib keeps its poll records in a linked list, so each enable or disable of a
/// socket's write notifier (one pair for every burst written to a peer) walks the list, and poll() hands the kernel
/// every descriptor on every turn. With thousands of idle peers the hub spends its time there (docs/benchmarks.md).
/// epoll keeps the interest set in the kernel: a turn costs what is ready, not what is open.
///
/// Socket notifiers are level-triggered like Qt's own. A notifier that is enabled and disabled again within one turn
/// costs no system call (changes are applied just before waiting); a descriptor whose last notifier goes is removed at
/// once, before its owner can close it. Timers are kept by deadline; every timer type is treated as precise.
/// Thread-safe where Qt requires it: wakeUp() and interrupt() (an eventfd).
///
/// Opt out with PEERLINK_EVENT_DISPATCHER=qt in the environment (see create()).
class EpollEventDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    /// The dispatcher the hub's thread should use: an EpollEventDispatcher where available (Linux) unless the
    /// environment says PEERLINK_EVENT_DISPATCHER=qt; otherwise nullptr (keep Qt's).
    static QAbstractEventDispatcher *create();

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    struct Watch
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        quint32 registered = 0; // events the kernel has for this descriptor (0: not added)
        bool dirty = false;
    };
    struct Timer
    {
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        QObject *object = nullptr;
        qint64 deadlineNs = 0;
    };

    static quint32 wanted(const Watch &w);
    void apply(int fd, Watch &w);
    void applyPending();
    void activateSocket(int fd, quint32 events);
    bool activateTimers();
    qint64 nowNs() const;

    int m_epoll = -1;
    int m_wakeFd = -1;
    QAtomicInt m_wakePending;
    QAtomicInt m_interrupted;
    QHash<int, Watch> m_watches;
    std::vector<int> m_dirty;
    /// Notifiers due in the turn being dispatched; an entry is cleared when its notifier goes away meanwhile.
    std::vector<QSocketNotifier *> m_due;

    QHash<int, Timer> m_timers;
    QMultiMap<qint64, int> m_deadlines; // deadline (ns) -> timer id
};

} // namespace PeerLink
