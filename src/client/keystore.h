#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

namespace PeerLink {

/// Trust on first use: the identity key last accepted for each peer id on each hub. Kept in a file of lines
/// "HUB-URL ID KEY" (KEY in base64url), written whole and atomically (QSaveFile) with owner-only permissions,
/// or in memory only when no file is set. A file that cannot be read as such is reported and never
/// overwritten: the keys it holds are the user's decisions.
class KeyStore
{
public:
    /// Uses @p path (an empty path: memory only) and loads it; false with @p error when it exists and is not
    /// a readable known-keys file (the store then stays empty and refuses to write).
    bool setFile(const QString &path, QString *error);
    QString file() const { return m_path; }
    /// Whether the file was refused (nothing is written to it).
    bool isBroken() const { return m_broken; }

    /// The key remembered for @p id on @p hub (empty when none).
    QByteArray key(const QString &hub, const QString &id) const;
    /// Remembers @p key for @p id on @p hub and writes the file; false with @p error when it cannot be
    /// written (the key is still remembered in memory for this session).
    bool remember(const QString &hub, const QString &id, const QByteArray &key, QString *error);

    /// Most keys kept (a bound on a file edited by hand or grown by hostile hubs).
    static constexpr int MaxEntries = 100000;

private:
    bool write(QString *error) const;
    static QString entryKey(const QString &hub, const QString &id) { return hub + u' ' + id; }

    QString m_path;
    QHash<QString, QByteArray> m_keys; // "hub id" -> key
    bool m_broken = false;
};

} // namespace PeerLink
