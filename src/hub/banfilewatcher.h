#pragma once

#include "hub/hubsettings.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QString>

namespace PeerLink {

/// Keeps a ban list file in force: reads it, reads it again when it changes (watching its folder too, since editors
/// replace the file, which ends a watch on the file itself) and on request (peerlink-hub's SIGHUP). A bad edit keeps
/// the previous list and is reported with reloadFailed().
class BanFileWatcher : public QObject
{
    Q_OBJECT
public:
    /// Watches @p path once start() succeeds.
    explicit BanFileWatcher(const QString &path, QObject *parent = nullptr);

    /// Reads the file and starts watching it; false with errorString() set when it cannot be read or has a bad line
    /// (nothing is watched then).
    bool start();
    /// Reads the file again now; the list stays as it was when that fails (reloadFailed()).
    bool reload();

    QString path() const { return m_path; }
    /// The list in force.
    const BanList &bans() const { return m_bans; }
    QString errorString() const { return m_errorString; }

Q_SIGNALS:
    /// The file was read (again) and @p bans are now in force.
    void reloaded(const PeerLink::BanList &bans);
    /// Reading the file failed (@p error: "FILE:LINE: reason"); the previous list stays in force.
    void reloadFailed(const QString &error);

private:
    void onChanged();

    QString m_path;
    QFileSystemWatcher m_watcher;
    BanList m_bans;
    QString m_errorString;
};

} // namespace PeerLink

Q_DECLARE_METATYPE(PeerLink::BanList)
