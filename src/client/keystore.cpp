#include "keystore.h"

#include "core/rules.h"
#include "crypto/identity.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUrl>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

constexpr char kHeader[] = "# PeerLink known keys: hub-url id key (trust on first use). Edit with care.";
constexpr qint64 kMaxFileBytes = 64 * 1024 * 1024;

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

bool KeyStore::setFile(const QString &path, QString *error)
{
    m_path = path;
    m_keys.clear();
    m_broken = false;
    if (path.isEmpty() || !QFileInfo::exists(path))
        return true;
#ifdef Q_OS_UNIX
    // Anyone who can write the file can plant a key and impersonate a peer.
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) == 0 && (st.st_mode & 022) != 0) {
        m_broken = true;
        return fail(error,
            QCoreApplication::translate("PeerLink::KeyStore",
                "%1: the known keys can be changed by others (mode %2); make the file the owner's "
                "only (chmod 600 %1)")
                .arg(path, QString::number(st.st_mode & 0777, 8)));
    }
#endif
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_broken = true;
        return fail(error,
            QCoreApplication::translate("PeerLink::KeyStore", "%1: cannot read the known keys: %2")
                .arg(path, file.errorString()));
    }
    if (file.size() > kMaxFileBytes) {
        m_broken = true;
        return fail(error,
            QCoreApplication::translate("PeerLink::KeyStore", "%1: too large for a known-keys file")
                .arg(path));
    }
    QHash<QString, QByteArray> keys;
    int number = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        ++number;
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QList<QByteArray> parts = line.simplified().split(' ');
        bool ok = false;
        const QByteArray key = parts.size() == 3 ? Crypto::fromBase64(parts.at(2), &ok) : QByteArray();
        const QUrl hub(QString::fromUtf8(parts.value(0)), QUrl::StrictMode);
        if (!ok || key.size() != Crypto::PublicKeyBytes || !hub.isValid()
            || !Rules::isValidId(QString::fromUtf8(parts.at(1))) || keys.size() >= MaxEntries) {
            m_broken = true;
            return fail(error,
                QCoreApplication::translate("PeerLink::KeyStore",
                    "%1, line %2: not a known-keys line (hub-url id key); the file is left as it is "
                    "and no key is remembered until it is fixed")
                    .arg(path)
                    .arg(number));
        }
        keys.insert(entryKey(QString::fromUtf8(parts.at(0)), QString::fromUtf8(parts.at(1))), key);
    }
    m_keys = keys;
    return true;
}

QByteArray KeyStore::key(const QString &hub, const QString &id) const
{
    return m_keys.value(entryKey(hub, id));
}

bool KeyStore::remember(const QString &hub, const QString &id, const QByteArray &key, QString *error)
{
    if (m_keys.size() >= MaxEntries && !m_keys.contains(entryKey(hub, id)))
        return fail(error, QCoreApplication::translate("PeerLink::KeyStore", "too many known keys"));
    m_keys.insert(entryKey(hub, id), key);
    if (m_path.isEmpty())
        return true;
    if (m_broken)
        return fail(error,
            QCoreApplication::translate(
                "PeerLink::KeyStore", "%1 is not a valid known-keys file; the key of %2 is not saved")
                .arg(m_path, id));
    return write(error);
}

bool KeyStore::write(QString *error) const
{
    QStringList entries = m_keys.keys();
    entries.sort(); // a stable file: diffs show what changed
    QByteArray content = QByteArray(kHeader) + '\n';
    for (const QString &entry : std::as_const(entries))
        content += entry.toUtf8() + ' ' + Crypto::toBase64(m_keys.value(entry)) + '\n';
    QSaveFile file(m_path);
    // Owner-only before anything is written (QSaveFile keeps an existing file's mode, else the umask's).
    if (!file.open(QIODevice::WriteOnly)
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(content) != content.size() || !file.commit())
        return fail(error,
            QCoreApplication::translate("PeerLink::KeyStore", "%1: cannot save the known keys: %2")
                .arg(m_path, file.errorString()));
    return true;
}

} // namespace PeerLink
