#include "hublist.h"

namespace PeerLink {

HubList::HubList() = default;

void HubList::reset(const QList<QUrl> &urls)
{
    m_urls = urls;
    m_current = 0;
    m_next = 0;
    m_tried.clear();
    m_excluded.clear();
    m_backoff.reset();
}

void HubList::answered()
{
    m_tried.clear();
    m_backoff.reset();
}

HubList::Step HubList::failed(bool exclude, bool keepTrying)
{
    Step step;
    const int n = int(m_urls.size());
    m_tried.insert(m_current);
    if (exclude)
        m_excluded.insert(m_current);
    if (n == 0 || m_excluded.size() >= n) {
        step.giveUp = true;
        return step;
    }
    int next = m_current;
    do {
        next = (next + 1) % n;
    } while (m_excluded.contains(next));
    m_next = next;
    if (!m_tried.contains(next))
        return step; // the next hub of this round, at once
    // Every hub left was tried in this round.
    m_tried.clear();
    if (!keepTrying) {
        step.giveUp = true;
        return step;
    }
    step.delayMs = m_backoff.next();
    step.round = m_backoff.attempt();
    return step;
}

} // namespace PeerLink
