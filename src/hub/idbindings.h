#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

namespace PeerLink {

/// The hub's identity state: its own random 32-byte id (the `hub` of every challenge) and which identity key each
/// peer id is bound to. Kept in a data directory (files `hub-id` and `id-bindings`, written atomically and synced)
/// so that bindings survive restarts; with no directory, in memory only (a new hub id per process).
/// The loader is strict: a file it cannot read whole is an error naming the file and line, never a binding dropped.
class IdBindings
{
public:
    /// File names inside the data directory.
    static constexpr QLatin1StringView HubIdFile { "hub-id" };
    static constexpr QLatin1StringView BindingsFile { "id-bindings" };

    /// Loads @p dataDir (created when missing; empty: memory only, a fresh hub id). False with @p error set when a
    /// file is corrupt or cannot be read or written.
    bool load(const QString &dataDir, QString *error);
    bool isLoaded() const { return m_loaded; }

    /// The hub's id (32 bytes).
    QByteArray hubId() const { return m_hubId; }
    /// The key (base64url) @p id is bound to; empty when it is not bound.
    QString keyOf(const QString &id) const { return m_keys.value(id); }
    /// Binds @p id to @p key and saves; false with @p error when saving failed (the binding holds in memory).
    bool bind(const QString &id, const QString &key, QString *error);
    /// Releases @p id and saves; false with @p error when it was not bound or saving failed.
    bool forget(const QString &id, QString *error);
    int size() const { return int(m_keys.size()); }
    /// Every binding, id -> key.
    const QHash<QString, QString> &all() const { return m_keys; }
    /// Uses @p hubId from now on (a cluster's hubs share one, issue 19); kept in memory only.
    void setHubId(const QByteArray &hubId) { m_hubId = hubId; }

private:
    bool save(QString *error) const;

    QString m_dir;
    QByteArray m_hubId;
    QHash<QString, QString> m_keys; // id -> Ed25519 key, base64url
    bool m_loaded = false;
};

} // namespace PeerLink
