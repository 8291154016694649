#include "partfile.h"

#include "core/fileprotocol.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSet>
#include <QSaveFile>
#include <QStorageInfo>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

constexpr QLatin1StringView kStateSuffix(".part.json");
constexpr QLatin1StringView kLockSuffix(".part.lock");
constexpr qint64 kMaxStateBytes = 64 * 1024;

QString statePathOf(const QString &target)
{
    return target + kStateSuffix;
}

/// Whether the state file @p path describes @p meta (a malformed or foreign one does not).
bool describes(const QString &path, const PartFile::Meta &meta)
{
    QFile f(path);
    if (f.size() > kMaxStateBytes || !f.open(QIODevice::ReadOnly))
        return false;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    return o.value("from"_L1).toString() == meta.from && o.value("name"_L1).toString() == meta.name
        && o.value("size"_L1).toInteger(-1) == meta.size
        && o.value("sha256"_L1).toString() == QString::fromLatin1(meta.sha256.toHex());
}

/// The parts open in this process: a part has one writer, or the running SHA-256 (which is of the bytes this writer
/// wrote) could pass a file that another one changed under it.
QSet<QString> &openParts()
{
    static QSet<QString> parts;
    return parts;
}

} // namespace

PartFile::PartFile(const QString &dir, const QString &target, const Meta &meta)
    : m_dir(dir)
    , m_target(target)
    , m_meta(meta)
    , m_file(target + u".part"_s)
{
}

PartFile::~PartFile()
{
    openParts().remove(m_target);
}

std::unique_ptr<PartFile> PartFile::open(const QString &folder, const Meta &meta, QString *error)
{
    const QString dir = QDir(folder).absolutePath();
    if (!QDir().mkpath(dir)) {
        *error = tr("cannot make the folder %1").arg(dir);
        return nullptr;
    }
    const QDir d(dir);
    QString target;
    auto lock = std::make_unique<QLockFile>(QString());
    for (const QString &state : d.entryList({ u"*"_s + kStateSuffix }, QDir::Files | QDir::Hidden)) {
        const QString candidate = d.filePath(state.chopped(kStateSuffix.size()));
        if (!describes(d.filePath(state), meta) || openParts().contains(candidate))
            continue;
        // Another program (a second PeerLink on the same folder) may be writing it: one writer per part.
        lock = std::make_unique<QLockFile>(candidate + kLockSuffix);
        lock->setStaleLockTime(0); // held for as long as its writer lives; a dead writer's lock is taken over
        if (lock->tryLock(0)) {
            target = candidate;
            break;
        }
    }
    const bool resuming = !target.isEmpty();
    if (!resuming) {
        target = uniqueFilePath(dir, meta.name);
        lock = std::make_unique<QLockFile>(target + kLockSuffix);
        lock->setStaleLockTime(0);
        lock->tryLock(0); // a new, unique name: nobody else writes it
    }
    std::unique_ptr<PartFile> part(new PartFile(dir, target, meta));
    part->m_lock = std::move(lock);
    openParts().insert(target);
    // Unbuffered: a chunk smaller than QFile's write buffer that meets a full disk would stay in that buffer, and the
    // resize back to the verified bytes (which flushes first) would fail and leave what did not verify in the part.
    const QIODevice::OpenMode mode = QIODevice::ReadWrite | QIODevice::Unbuffered;
    if (!part->m_file.open(resuming ? mode : mode | QIODevice::Truncate)
        || (!resuming && !part->writeState(error))) {
        if (error->isEmpty())
            *error = tr("cannot write %1: %2").arg(part->partPath(), part->m_file.errorString());
        if (!resuming)
            part->remove(); // a kept part stays for a later try (a passing error must not cost what it kept)
        return nullptr;
    }
    return part;
}

bool PartFile::writeState(QString *error) const
{
    QSaveFile f(statePathOf(m_target));
    const QJsonObject o { { "from"_L1, m_meta.from }, { "name"_L1, m_meta.name }, { "size"_L1, m_meta.size },
                          { "sha256"_L1, QString::fromLatin1(m_meta.sha256.toHex()) } };
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(o).toJson()) < 0 || !f.commit()) {
        *error = tr("cannot write %1: %2").arg(f.fileName(), f.errorString());
        return false;
    }
    return true;
}

bool PartFile::truncate(qint64 bytes)
{
    if (bytes < m_hash.size())
        m_hash = Crypto::Sha256(); // the hash goes back over what stays (hashUpTo) when the next write comes
    return m_file.size() <= bytes || m_file.resize(bytes);
}

bool PartFile::hashUpTo(qint64 offset)
{
    if (m_hash.size() >= offset)
        return true;
    if (!m_file.seek(m_hash.size())) {
        m_hash = Crypto::Sha256();
        return false;
    }
    QByteArray block(qMin<qint64>(1 << 20, offset - m_hash.size()), Qt::Uninitialized);
    while (m_hash.size() < offset) {
        const qint64 n = m_file.read(block.data(), qMin<qint64>(block.size(), offset - m_hash.size()));
        if (n <= 0) {
            m_hash = Crypto::Sha256();
            return false;
        }
        m_hash.add(QByteArrayView(block.constData(), n));
    }
    return true;
}

bool PartFile::write(qint64 offset, const QByteArray &data, QString *error)
{
    if (m_hash.size() < offset && m_file.size() >= offset)
        hashUpTo(offset); // what a resumed part kept, once
    if (m_file.size() >= offset && m_file.seek(offset) && m_file.write(data) == data.size() && m_file.flush()) {
        if (m_hash.size() == offset)
            m_hash.add(data);
        return true;
    }
    // A write that stops short for want of space sets no error (only one that wrote nothing does): the space left
    // tells a full disk.
    if (m_file.error() == QFileDevice::ResourceError || QStorageInfo(m_dir).bytesAvailable() < data.size())
        *error = tr("the disk is full: %1 more bytes are needed in %2 for %3")
                     .arg(m_meta.size - offset)
                     .arg(m_dir, m_meta.name);
    else
        *error = tr("cannot write %1: %2").arg(partPath(), m_file.errorString());
    m_file.resize(offset); // nothing half written stays: what was verified before it is kept
    return false;
}

std::optional<QString> PartFile::finish(QByteArray *sha256, QString *error)
{
    if (!hashUpTo(m_file.size()) && !hashUpTo(m_file.size())) { // a failed read starts again from the beginning once
        *error = tr("cannot read %1: %2").arg(partPath(), m_file.errorString());
        return std::nullopt;
    }
    *sha256 = m_hash.result();
    m_file.close();
    if (*sha256 != m_meta.sha256 || m_file.size() != m_meta.size) {
        *error = tr("the SHA-256 of the received file does not match the offered one");
        remove();
        return std::nullopt;
    }
    const QString final = QFileInfo::exists(m_target) ? uniqueFilePath(m_dir, m_meta.name) : m_target;
    if (!m_file.rename(final)) {
        *error = tr("cannot rename %1 to %2: %3").arg(partPath(), final, m_file.errorString());
        return std::nullopt;
    }
    QFile::remove(statePathOf(m_target));
    return final;
}

void PartFile::remove()
{
    m_file.close();
    m_file.remove();
    QFile::remove(statePathOf(m_target));
}

} // namespace PeerLink
