#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringView>

namespace PeerLink {

/// @p bytes bytes of the system's cryptographic random source, as lower-case hex (2 × @p bytes characters): resume
/// tokens, link ids, one-time secrets, nonces.
QString randomHex(int bytes);

/// Compares two secrets in time that does not depend on where they differ (their length may leak, their content
/// does not). Empty secrets never match.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);
/// The same for text, compared as UTF-8.
bool constantTimeEquals(QStringView a, QStringView b);

/// "host:port", with an IPv6 literal in brackets ("[::1]:9000"); any "%scope" of @p host is dropped when
/// @p dropScope is set (for endpoints handed to another machine).
QString hostPort(const QString &host, quint16 port, bool dropScope = false);

} // namespace PeerLink
