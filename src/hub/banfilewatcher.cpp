#include "banfilewatcher.h"

#include <QFileInfo>

namespace PeerLink {

BanFileWatcher::BanFileWatcher(const QString &path, QObject *parent)
    : QObject(parent)
    , m_path(path)
{
    qRegisterMetaType<PeerLink::BanList>();
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &BanFileWatcher::onChanged);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &BanFileWatcher::onChanged);
}

bool BanFileWatcher::start()
{
    BanList fresh;
    if (!loadBanFile(m_path, fresh, &m_errorString))
        return false;
    m_bans = fresh;
    m_errorString.clear();
    m_watcher.addPath(m_path);
    m_watcher.addPath(QFileInfo(m_path).absolutePath());
    return true;
}

bool BanFileWatcher::reload()
{
    BanList fresh;
    QString error;
    if (!loadBanFile(m_path, fresh, &error)) {
        m_errorString = error;
        Q_EMIT reloadFailed(error); // the owner reports it (peerlink-hub: on stderr)
        return false;
    }
    m_bans = fresh;
    m_errorString.clear();
    Q_EMIT reloaded(m_bans);
    return true;
}

void BanFileWatcher::onChanged()
{
    // A replaced file is a new inode: watch it again. A file that is gone for now (mid-replace) is not read; its
    // folder's change brings us back when it is there again.
    const bool exists = QFileInfo::exists(m_path);
    if (exists && !m_watcher.files().contains(m_path))
        m_watcher.addPath(m_path);
    if (exists)
        reload();
}

} // namespace PeerLink
