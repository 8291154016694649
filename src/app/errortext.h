#pragma once

#include <QString>

namespace PeerLink {

/// Words a user understands for a hub error code (translated); @p hubMessage is kept for codes it does not know.
QString describeHubError(const QString &code, const QString &hubMessage);

/// Words a user understands for a declined direct connection: @p peerName declined, with the reason it gave when
/// @p hubMessage (the hub's "ID declined to connect: REASON") carries one.
QString describeConnectDeclined(const QString &peerName, const QString &hubMessage);

/// Words a user understands for why the connection to the hub ended: @p closeReason is the reason text of the
/// hub's close frame (a fixed English vocabulary, parseCloseReason()), or a socket's error text. Texts it does not
/// know are kept as they are.
QString describeDisconnect(const QString &closeReason);

/// Words a user understands for a common socket error (@p socketError is Qt's English errorString(): refused, host
/// not found, timed out, network unreachable, TLS handshake); empty for one it does not know.
QString describeSocketError(const QString &socketError);

/// Words a user understands for a problem with the history database (MessageStore's English @p storeMessage):
/// corrupt, locked, full, read-only or otherwise unusable; always says that chatting goes on.
QString describeHistoryError(const QString &storeMessage);

} // namespace PeerLink
