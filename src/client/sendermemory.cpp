#include "sendermemory.h"

#include "client/logging.h"
#include "core/fileprotocol.h"
#include "core/rules.h"
#include "crypto/sodium.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimer>

#include <optional>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

constexpr int kVersion = 1;
constexpr int kKeyBytes = 32;
constexpr int kShaBytes = 32;
constexpr qint64 kMaxSize = (qint64(1) << 53) - 1;
const QStringList kStates = { u"offered"_s, u"active"_s, u"paused"_s };

std::optional<QByteArray> hexBytes(const QJsonValue &v, qsizetype bytes)
{
    const QString text = v.toString();
    if (text.size() != bytes * 2
        || !std::all_of(text.begin(), text.end(), [](QChar c) { return QStringView(u"0123456789abcdef").contains(c); }))
        return std::nullopt;
    return QByteArray::fromHex(text.toLatin1());
}

std::optional<QByteArray> keyBytes(const QJsonValue &v, qsizetype bytes, bool emptyOk)
{
    const QByteArray text = v.toString().toLatin1();
    if (text.isEmpty() && emptyOk)
        return QByteArray();
    bool ok = false;
    const QByteArray key = Crypto::fromBase64(text, &ok);
    return ok && key.size() == bytes ? std::optional<QByteArray>(key) : std::nullopt;
}

/// The entry in @p o, or nullopt with @p why (English, for the log and the user alike: it names the field).
std::optional<SenderMemory::Entry> entryOf(const QJsonObject &o, QString *why)
{
    const auto bad = [why](const QString &field) {
        *why = SenderMemory::tr("the field \"%1\" is missing or not valid").arg(field);
        return std::nullopt;
    };
    SenderMemory::Entry e;
    e.tid = o.value("tid"_L1).toString();
    if (e.tid.size() != 32 || !hexBytes(e.tid, 16))
        return bad(u"tid"_s);
    e.peer = o.value("peer"_L1).toString();
    if (!Rules::isValidId(e.peer))
        return bad(u"peer"_s);
    const auto peerKey = keyBytes(o.value("peerKey"_L1), kKeyBytes, true);
    if (!peerKey)
        return bad(u"peerKey"_s);
    e.peerKey = *peerKey;
    e.path = o.value("path"_L1).toString();
    if (e.path.isEmpty() || !QDir::isAbsolutePath(e.path))
        return bad(u"path"_s);
    e.name = o.value("name"_L1).toString();
    if (e.name.isEmpty())
        e.name = QFileInfo(e.path).fileName();
    e.mimeType = o.value("type"_L1).toString();
    const auto size = wholeJsonNumber(o.value("size"_L1), kMaxSize);
    if (!size)
        return bad(u"size"_s);
    e.size = *size;
    const auto mtime = wholeJsonNumber(o.value("mtime"_L1), kMaxSize);
    if (!mtime)
        return bad(u"mtime"_s);
    e.mtimeMs = *mtime;
    const auto sha = hexBytes(o.value("sha256"_L1), kShaBytes);
    if (!sha)
        return bad(u"sha256"_s);
    e.sha256 = *sha;
    const auto chunk = wholeJsonNumber(o.value("chunk"_L1), MaxChunkBytes);
    if (!chunk || *chunk < MinChunkBytes)
        return bad(u"chunk"_s);
    e.chunkBytes = int(*chunk);
    const auto key = keyBytes(o.value("key"_L1), kKeyBytes, false);
    if (!key)
        return bad(u"key"_s);
    e.key = *key;
    const qint64 chunks = chunkCount(e.size, e.chunkBytes);
    const auto acked = wholeJsonNumber(o.value("acked"_L1), chunks);
    if (!acked)
        return bad(u"acked"_s);
    e.acked = *acked;
    e.state = o.value("state"_L1).toString();
    if (!kStates.contains(e.state))
        return bad(u"state"_s);
    return e;
}

QJsonObject objectOf(const SenderMemory::Entry &e)
{
    return QJsonObject { { "tid"_L1, e.tid },
                         { "peer"_L1, e.peer },
                         { "peerKey"_L1, QString::fromLatin1(Crypto::toBase64(e.peerKey)) },
                         { "path"_L1, e.path },
                         { "name"_L1, e.name },
                         { "type"_L1, e.mimeType },
                         { "size"_L1, e.size },
                         { "mtime"_L1, e.mtimeMs },
                         { "sha256"_L1, QString::fromLatin1(e.sha256.toHex()) },
                         { "chunk"_L1, e.chunkBytes },
                         { "key"_L1, QString::fromLatin1(Crypto::toBase64(e.key)) },
                         { "acked"_L1, e.acked },
                         { "state"_L1, e.state } };
}

} // namespace

SenderMemory::SenderMemory(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_timer->setInterval(SaveDelayMs);
    connect(m_timer, &QTimer::timeout, this, [this] { flush(); });
}

SenderMemory::~SenderMemory()
{
    flush();
}

std::optional<QList<SenderMemory::Entry>> SenderMemory::parse(const QByteArray &json, QStringList *problems)
{
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    const QJsonObject top = doc.object();
    if (error.error != QJsonParseError::NoError || !doc.isObject() || top.value("version"_L1).toInt() != kVersion
        || !top.value("transfers"_L1).isArray()) {
        problems->append(error.error != QJsonParseError::NoError
                             ? tr("it is not JSON (%1 at byte %2)").arg(error.errorString()).arg(error.offset)
                             : tr("it is not a PeerLink transfers file of version %1").arg(kVersion));
        return std::nullopt;
    }
    QList<Entry> entries;
    const QJsonArray list = top.value("transfers"_L1).toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        QString why;
        std::optional<Entry> e = list.at(i).isObject() ? entryOf(list.at(i).toObject(), &why) : std::nullopt;
        if (e && std::any_of(entries.cbegin(), entries.cend(), [&e](const Entry &x) { return x.tid == e->tid; }))
            why = tr("the transfer %1 is there twice").arg(e->tid), e.reset();
        if (!e) {
            problems->append(tr("entry %1 is skipped: %2").arg(i + 1).arg(why.isEmpty() ? tr("not an object") : why));
            continue;
        }
        entries.append(*e);
    }
    return entries;
}

QByteArray SenderMemory::serialize(const QList<Entry> &entries)
{
    QJsonArray list;
    for (const Entry &e : entries)
        list.append(objectOf(e));
    return QJsonDocument(QJsonObject { { "version"_L1, kVersion }, { "transfers"_L1, list } }).toJson();
}

bool SenderMemory::setFile(const QString &path, QStringList *problems)
{
    m_timer->stop();
    m_path = path;
    m_entries.clear();
    m_dirty = false;
    m_refused = false;
    QStringList found;
    const auto report = [&found, problems, &path] {
        for (const QString &p : std::as_const(found))
            qCWarning(lcClient).noquote() << p;
        if (problems)
            *problems += found;
    };
    if (path.isEmpty() || !QFileInfo::exists(path))
        return true;
    QFile file(path);
#ifdef Q_OS_UNIX
    // An entry names a file and the peer it goes to: whoever can write this file could have ours sent to them.
    if (file.permissions() & (QFileDevice::WriteGroup | QFileDevice::WriteOther)) {
        m_refused = true;
        found.append(tr("%1 can be changed by other users, so no transfer in it is resumed and it is not written; make "
                        "it the owner's only (chmod 600 %1)")
                         .arg(QDir::toNativeSeparators(path)));
        report();
        return false;
    }
#endif
    if (file.size() > MaxFileBytes || !file.open(QIODevice::ReadOnly)) {
        found.append(file.size() > MaxFileBytes
                         ? tr("%1 is too large for a transfers file; it is replaced").arg(QDir::toNativeSeparators(path))
                         : tr("cannot read %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        report();
        return false;
    }
    QStringList parseProblems;
    const std::optional<QList<Entry>> entries = parse(file.read(MaxFileBytes), &parseProblems);
    for (const QString &p : std::as_const(parseProblems))
        found.append(entries ? u"%1: %2"_s.arg(QDir::toNativeSeparators(path), p)
                             : tr("%1 cannot be used (%2); no transfer in it is resumed and it is replaced")
                                   .arg(QDir::toNativeSeparators(path), p));
    report();
    if (!entries)
        return false;
    m_entries = *entries;
    return true;
}

int SenderMemory::indexOf(const QString &tid) const
{
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).tid == tid)
            return int(i);
    }
    return -1;
}

void SenderMemory::remember(const Entry &entry, bool urgent)
{
    const int i = indexOf(entry.tid);
    if (i < 0)
        m_entries.append(entry);
    else
        m_entries[i] = entry;
    m_dirty = true;
    if (urgent)
        flush();
    else if (!m_timer->isActive())
        m_timer->start();
}

void SenderMemory::noteProgress(const QString &tid, qint64 acked)
{
    const int i = indexOf(tid);
    if (i < 0 || m_entries.at(i).acked == acked)
        return;
    m_entries[i].acked = acked;
    m_dirty = true;
    if (!m_timer->isActive())
        m_timer->start();
}

void SenderMemory::forget(const QString &tid)
{
    const int i = indexOf(tid);
    if (i < 0)
        return;
    m_entries.removeAt(i);
    m_dirty = true;
    flush();
}

bool SenderMemory::flush(QString *error)
{
    m_timer->stop();
    if (!m_dirty || m_path.isEmpty() || m_refused)
        return true;
    const QByteArray content = serialize(m_entries);
    QSaveFile file(m_path);
    // Owner-only before anything is written: the file holds the transfers' keys.
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(content) != content.size() || !file.commit()) {
        const QString message
            = tr("cannot save the outgoing transfers in %1: %2").arg(QDir::toNativeSeparators(m_path), file.errorString());
        qCWarning(lcClient).noquote() << message;
        if (error)
            *error = message;
        Q_EMIT errorOccurred(message);
        return false;
    }
    m_dirty = false;
    return true;
}

} // namespace PeerLink
