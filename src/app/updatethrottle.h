#pragma once

#include "core/tokenbucket.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace PeerLink {

/// Coalesces frequent requests to refresh a view: due() comes at once while requests are rare, and under a flood at
/// most @p perSecond times a second after a burst of @p burst; the last request is never lost.
class UpdateThrottle : public QObject
{
    Q_OBJECT
public:
    explicit UpdateThrottle(double burst = 8, double perSecond = 4, QObject *parent = nullptr);

    /// Asks for an update: due() now if the budget allows, else once, as soon as it does.
    void request();
    /// Forgets a pending update (the view was refreshed some other way).
    void cancel() { m_timer.stop(); }
    /// An update waits for the budget.
    bool isPending() const { return m_timer.isActive(); }

Q_SIGNALS:
    void due();

private:
    void onTimeout();

    double m_perSecond;
    TokenBucket m_bucket;
    QElapsedTimer m_clock;
    QTimer m_timer;
};

} // namespace PeerLink
