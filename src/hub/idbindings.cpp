#include "idbindings.h"

#include "core/rules.h"
#include "crypto/sodium.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

/// The first line of the bindings file: what it is and its format's version.
constexpr QByteArrayView kHeader = "# peerlink-hub id bindings 1";
/// Longest line read from it: an id (64), a space, a key (43) and the line break fit with room to spare.
constexpr qint64 kMaxLineBytes = 256;

/// Writes @p bytes to @p path atomically (QSaveFile: a temporary file, synced to disk, renamed over the old one), so
/// a crash leaves the old file or the new one, never half of one.
bool writeAtomically(const QString &path, const QByteArray &bytes, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = u"cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

bool IdBindings::load(const QString &dataDir, QString *error)
{
    m_dir = dataDir;
    m_keys.clear();
    if (dataDir.isEmpty()) {
        m_hubId = Crypto::randomBytes(Rules::KeyBytes);
        m_loaded = true;
        return true;
    }
    if (!QDir().mkpath(dataDir)) {
        *error = u"cannot create the data directory %1"_s.arg(dataDir);
        return false;
    }
    const QDir dir(dataDir);

    const QString idPath = dir.filePath(HubIdFile);
    QFile idFile(idPath);
    if (idFile.exists()) {
        if (!idFile.open(QIODevice::ReadOnly)) {
            *error = u"cannot read %1: %2"_s.arg(idPath, idFile.errorString());
            return false;
        }
        const QByteArray text = idFile.read(kMaxLineBytes).trimmed(); // 43 characters; more is not a hub id
        bool ok = false;
        m_hubId = Crypto::fromBase64(text, &ok);
        if (!ok || m_hubId.size() != Rules::KeyBytes) {
            *error = u"%1:1: not a hub id (base64url of 32 bytes)"_s.arg(idPath);
            return false;
        }
    } else {
        m_hubId = Crypto::randomBytes(Rules::KeyBytes);
        if (!writeAtomically(idPath, Crypto::toBase64(m_hubId) + '\n', error))
            return false;
    }

    const QString path = dir.filePath(BindingsFile);
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
            return false;
        }
        int lineNumber = 0;
        while (!file.atEnd()) {
            // A binding line is at most 110 bytes; a longer one is damage, reported rather than read into memory.
            const QByteArray line = file.readLine(kMaxLineBytes);
            ++lineNumber;
            if (!line.endsWith('\n') && !file.atEnd()) {
                *error = u"%1:%2: line too long for an id binding"_s.arg(path).arg(lineNumber);
                return false;
            }
            const QByteArray content = line.endsWith('\n') ? line.chopped(1) : line;
            if (lineNumber == 1) {
                if (content != kHeader) {
                    *error = u"%1:1: not an id bindings file (the first line is \"%2\")"_s.arg(
                        path, QString::fromLatin1(kHeader));
                    return false;
                }
                continue;
            }
            // "ID KEY": one binding a line; nothing else is allowed, so a damaged file is noticed, not half read.
            const QList<QByteArray> parts = content.split(' ');
            const QString id = parts.size() == 2 ? QString::fromUtf8(parts.at(0)) : QString();
            const QString key = parts.size() == 2 ? QString::fromLatin1(parts.at(1)) : QString();
            if (!Rules::isValidId(id) || !Rules::isBase64UrlOf(key, Rules::KeyBytes)) {
                *error = u"%1:%2: expected \"ID KEY\" (a peer id and a base64url Ed25519 key)"_s.arg(path).arg(lineNumber);
                return false;
            }
            if (m_keys.contains(id)) {
                *error = u"%1:%2: the id %3 is bound twice"_s.arg(path).arg(lineNumber).arg(id);
                return false;
            }
            m_keys.insert(id, key);
        }
        if (lineNumber == 0) {
            *error = u"%1:1: empty file (an id bindings file starts with \"%2\")"_s.arg(path, QString::fromLatin1(kHeader));
            return false;
        }
    }
    m_loaded = true;
    return true;
}

bool IdBindings::bind(const QString &id, const QString &key, QString *error)
{
    m_keys.insert(id, key);
    return save(error);
}

bool IdBindings::forget(const QString &id, QString *error)
{
    if (!m_keys.remove(id)) {
        *error = u"the id %1 is not bound"_s.arg(id);
        return false;
    }
    return save(error);
}

bool IdBindings::save(QString *error) const
{
    if (m_dir.isEmpty())
        return true;
    QByteArray out = kHeader.toByteArray() + '\n';
    QStringList ids = m_keys.keys();
    ids.sort(); // a stable order: the file diffs and reads well
    for (const QString &id : ids)
        out += id.toUtf8() + ' ' + m_keys.value(id).toLatin1() + '\n';
    return writeAtomically(QDir(m_dir).filePath(BindingsFile), out, error);
}

} // namespace PeerLink
