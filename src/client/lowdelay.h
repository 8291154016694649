#pragma once

class QWebSocket;

namespace PeerLink {

/// Turns Nagle's algorithm off on @p socket's TCP connection (TCP_NODELAY), once it is connected. QWebSocket has no
/// call for it, but owns its QTcpSocket as a child (an accepted one is a child of the QWebSocketServer's own TCP
/// server instead: DirectLinks sets it there). Without it, a file chunk smaller than the segment size waits for
/// the previous one's TCP acknowledgement, which the other side delays: a transfer then idles most of the time.
void setLowDelay(QWebSocket *socket);

} // namespace PeerLink
