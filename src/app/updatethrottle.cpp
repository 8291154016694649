#include "updatethrottle.h"

#include <algorithm>
#include <cmath>

namespace PeerLink {

UpdateThrottle::UpdateThrottle(double burst, double perSecond, QObject *parent)
    : QObject(parent)
    , m_perSecond(std::max(perSecond, 0.1))
    , m_bucket(m_perSecond, burst)
{
    m_clock.start();
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &UpdateThrottle::onTimeout);
}

void UpdateThrottle::request()
{
    if (m_timer.isActive())
        return; // one update is already on its way; it will show this request too
    if (m_bucket.tryTake(m_clock.elapsed())) {
        Q_EMIT due();
        return;
    }
    const double missing = 1.0 - m_bucket.available(m_clock.elapsed());
    m_timer.start(std::max(1, int(std::ceil(missing * 1000.0 / m_perSecond))));
}

void UpdateThrottle::onTimeout()
{
    m_bucket.tryTake(m_clock.elapsed()); // the timer waited for this token; a rounding short of it is let go
    Q_EMIT due();
}

} // namespace PeerLink
