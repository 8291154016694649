#pragma once

#include <QObject>

class QSocketNotifier;

namespace PeerLink {

/// Turns Unix signals (SIGINT, SIGTERM, SIGHUP, ...) into a Qt signal delivered by the event loop,
/// through the self-pipe trick, so that a handler can shut down cleanly instead of dying mid-write.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

    /// Starts watching @p signum; returns false if the handler could not be installed.
    bool watch(int signum);

Q_SIGNALS:
    /// A watched signal arrived.
    void signalReceived(int signum);

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace PeerLink
