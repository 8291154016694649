#include "epolleventdispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QVarLengthArray>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace PeerLink {

namespace {
constexpr qint64 kNsPerMs = 1000000;
constexpr int kMaxEvents = 512;
} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("EpollEventDispatcher: cannot create epoll or eventfd (errno %d)", errno);
    epoll_event ev {};
    ev.events = EPOLLIN;
    ev.data.fd = m_wakeFd;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &ev);
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epoll);
}

QAbstractEventDispatcher *EpollEventDispatcher::create()
{
    if (qEnvironmentVariable("PEERLINK_EVENT_DISPATCHER") == QLatin1StringView("qt"))
        return nullptr;
    return new EpollEventDispatcher;
}

qint64 EpollEventDispatcher::nowNs() const
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// ---- Waiting and dispatching ------------------------------------------------------------------------------------

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.storeRelaxed(0);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();
    if (m_interrupted.loadRelaxed())
        return false;

    int timeoutMs = 0;
    const bool mayWait = flags.testFlag(QEventLoop::WaitForMoreEvents) && !m_wakePending.loadAcquire();
    if (mayWait) {
        timeoutMs = -1;
        if (!m_deadlines.isEmpty() && !flags.testFlag(QEventLoop::X11ExcludeTimers)) {
            const qint64 left = m_deadlines.firstKey() - nowNs();
            // Rounded up: waking a little late is a timer's nature, waking early would spin.
            timeoutMs = left <= 0 ? 0 : int(qMin<qint64>((left + kNsPerMs - 1) / kNsPerMs, 24 * 3600 * 1000));
        }
        if (timeoutMs != 0)
            Q_EMIT aboutToBlock();
    }

    applyPending();
    epoll_event events[kMaxEvents];
    int n = epoll_wait(m_epoll, events, kMaxEvents, timeoutMs);
    if (n < 0)
        n = 0; // EINTR: a signal; the caller comes back
    if (mayWait && timeoutMs != 0)
        Q_EMIT awake();

    bool handled = false;
    m_due.clear();
    for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd) {
            quint64 count;
            while (::read(m_wakeFd, &count, sizeof count) > 0) { }
            m_wakePending.storeRelease(0);
            handled = true;
            continue;
        }
        const auto it = m_watches.constFind(fd);
        if (it == m_watches.cend())
            continue;
        const quint32 e = events[i].events;
        // Like Qt's own dispatchers: a hang-up or an error wakes the reader and the writer, who then see it.
        if (it->read && (e & (EPOLLIN | EPOLLHUP | EPOLLERR)))
            m_due.push_back(it->read);
        if (it->write && (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)))
            m_due.push_back(it->write);
        if (it->exception && (e & EPOLLPRI))
            m_due.push_back(it->exception);
    }
    if (!flags.testFlag(QEventLoop::ExcludeSocketNotifiers)) {
        // A notifier's handler may disable or delete other notifiers due in this turn: unregisterSocketNotifier
        // clears their entries, so they are skipped.
        for (size_t i = 0; i < m_due.size(); ++i) {
            QSocketNotifier *notifier = m_due[i];
            if (!notifier)
                continue;
            m_due[i] = nullptr;
            QEvent event(QEvent::SockAct);
            QCoreApplication::sendEvent(notifier, &event);
            handled = true;
        }
    }
    m_due.clear();
    if (!flags.testFlag(QEventLoop::X11ExcludeTimers) && activateTimers())
        handled = true;
    return handled;
}

void EpollEventDispatcher::wakeUp()
{
    if (m_wakePending.testAndSetAcquire(0, 1)) {
        const quint64 one = 1;
        [[maybe_unused]] const auto written = ::write(m_wakeFd, &one, sizeof one);
    }
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.storeRelaxed(1);
    wakeUp();
}

// ---- Socket notifiers -------------------------------------------------------------------------------------------

quint32 EpollEventDispatcher::wanted(const Watch &w)
{
    return (w.read ? quint32(EPOLLIN) : 0u) | (w.write ? quint32(EPOLLOUT) : 0u)
        | (w.exception ? quint32(EPOLLPRI) : 0u);
}

void EpollEventDispatcher::apply(int fd, Watch &w)
{
    w.dirty = false;
    const quint32 want = wanted(w);
    if (want == w.registered)
        return;
    epoll_event ev {};
    ev.events = want;
    ev.data.fd = fd;
    if (want == 0) {
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); // may already be gone with a closed descriptor
    } else if (w.registered == 0) {
        if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) != 0 && errno == EEXIST)
            epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
    } else if (epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT) {
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
    }
    w.registered = want;
}

void EpollEventDispatcher::applyPending()
{
    for (const int fd : m_dirty) {
        const auto it = m_watches.find(fd);
        if (it != m_watches.end() && it->dirty)
            apply(fd, *it);
    }
    m_dirty.clear();
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    if (fd < 0)
        return;
    Watch &w = m_watches[fd];
    switch (notifier->type()) {
    case QSocketNotifier::Read: w.read = notifier; break;
    case QSocketNotifier::Write: w.write = notifier; break;
    case QSocketNotifier::Exception: w.exception = notifier; break;
    }
    if (!w.dirty) {
        w.dirty = true;
        m_dirty.push_back(fd);
    }
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    for (QSocketNotifier *&due : m_due) {
        if (due == notifier)
            due = nullptr;
    }
    const auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    Watch &w = *it;
    if (w.read == notifier)
        w.read = nullptr;
    if (w.write == notifier)
        w.write = nullptr;
    if (w.exception == notifier)
        w.exception = nullptr;
    if (wanted(w) == 0) {
        // At once: the owner may close the descriptor next, and a new socket may get the same number.
        apply(fd, w);
        m_watches.erase(it);
    } else if (!w.dirty) {
        w.dirty = true;
        m_dirty.push_back(fd);
    }
}

// ---- Timers -----------------------------------------------------------------------------------------------------

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    Timer t { qMax<qint64>(0, interval), timerType, object, nowNs() + qMax<qint64>(0, interval) * kNsPerMs };
    m_timers.insert(timerId, t);
    m_deadlines.insert(t.deadlineNs, timerId);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    m_deadlines.remove(it->deadlineNs, timerId);
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    bool any = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->object == object) {
            m_deadlines.remove(it->deadlineNs, it.key());
            it = m_timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> list;
    for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it) {
        if (it->object == object)
            list.append(TimerInfo(it.key(), int(it->intervalMs), it->type));
    }
    return list;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.constFind(timerId);
    if (it == m_timers.cend())
        return -1;
    const qint64 left = it->deadlineNs - nowNs();
    return left <= 0 ? 0 : int((left + kNsPerMs - 1) / kNsPerMs);
}

bool EpollEventDispatcher::activateTimers()
{
    if (m_deadlines.isEmpty())
        return false;
    const qint64 now = nowNs();
    // Every timer due now fires once in this turn, even if handling one takes long or restarts another.
    QVarLengthArray<int, 16> due;
    for (auto it = m_deadlines.cbegin(); it != m_deadlines.cend() && it.key() <= now; ++it)
        due.append(it.value());
    for (const int id : due) {
        const auto it = m_timers.find(id);
        if (it == m_timers.end() || it->deadlineNs > now)
            continue; // killed, or killed and started again, meanwhile
        m_deadlines.remove(it->deadlineNs, id);
        const qint64 interval = it->intervalMs * kNsPerMs;
        qint64 next = it->deadlineNs + interval;
        if (next <= now)
            next = now + interval; // late: skip the missed shots rather than fire them in a burst
        it->deadlineNs = next;
        m_deadlines.insert(next, id);
        QTimerEvent event(id);
        QCoreApplication::sendEvent(it->object, &event);
    }
    return !due.isEmpty();
}

} // namespace PeerLink
