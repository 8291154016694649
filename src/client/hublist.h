#pragma once

#include "core/backoff.h"

#include <QList>
#include <QSet>
#include <QUrl>

namespace PeerLink {

/// The hubs a client may use, in the order given, and which one to try next (no sockets, no timers): after a
/// failure the next hub of the list at once (wrapping), and the backoff's delay only after every hub of a round
/// failed. A hub that answered resets the round and the backoff. A hub whose certificate was refused is left out
/// for the rest of the session.
class HubList
{
public:
    /// What to do after a failure.
    struct Step
    {
        /// Nothing left to try: the session ends.
        bool giveUp = false;
        /// Wait this long before the next attempt (0: at once, the next hub of the round).
        int delayMs = 0;
        /// The backoff's attempt number when a whole round failed (0 while moving within a round).
        int round = 0;
    };

    HubList();

    /// A new session over @p urls (at least one), starting at the first; forgets every round and exclusion.
    void reset(const QList<QUrl> &urls);
    QList<QUrl> urls() const { return m_urls; }
    qsizetype size() const { return m_urls.size(); }
    /// The hub tried (or used) now.
    QUrl current() const { return m_urls.value(m_current); }
    int currentIndex() const { return m_current; }

    /// The first delay and the most it grows to between rounds (ms).
    void setDelays(int initialMs, int maximumMs) { m_backoff.setDelays(initialMs, maximumMs); }
    /// The round under way after a whole round failed (0 while none has).
    int round() const { return m_backoff.attempt(); }

    /// The current hub answered: the next failure starts a new round, and the backoff starts over.
    void answered();
    /// The current hub failed. @p exclude: never try it again in this session (a refused certificate).
    /// @p keepTrying: go on after a whole round failed (false: one round only, as when never joined). The hub to
    /// try next becomes current on moveOn().
    Step failed(bool exclude, bool keepTrying);
    /// Makes the hub chosen by the last failed() the current one.
    void moveOn() { m_current = m_next; }
    /// Ends the waiting (a leave): the backoff starts over.
    void stop() { m_backoff.reset(); }

private:
    QList<QUrl> m_urls;
    int m_current = 0;
    int m_next = 0;
    QSet<int> m_tried; // in this round
    QSet<int> m_excluded;
    Backoff m_backoff { 500, 30000 };
};

} // namespace PeerLink
