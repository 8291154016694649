#pragma once

#include <QHostAddress>
#include <QList>
#include <QUrl>

namespace PeerLink {

/// The URLs other machines should use to reach a hub bound to @p bound:@p port. For an "any" address (0.0.0.0, ::)
/// that is every non-loopback address of the machine (from @p interfaceAddresses); for a specific one, just it.
QList<QUrl> shareableHubUrls(const QHostAddress &bound, quint16 port, const QList<QHostAddress> &interfaceAddresses);
/// The same, with the machine's own interface addresses.
QList<QUrl> shareableHubUrls(const QHostAddress &bound, quint16 port);

/// The URL this machine uses to reach its own hub bound to @p bound (loopback for "any" addresses).
QUrl localHubUrl(const QHostAddress &bound, quint16 port);

/// ws://ADDRESS:PORT with IPv6 addresses in brackets.
QUrl hubUrl(const QHostAddress &address, quint16 port);

} // namespace PeerLink
