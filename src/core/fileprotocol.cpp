#include "fileprotocol.h"

#include "core/rules.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

#include <algorithm>

namespace PeerLink {

namespace {

using namespace Qt::StringLiterals;

constexpr QLatin1StringView kOp("op");
constexpr QLatin1StringView kName("name");
constexpr QLatin1StringView kSize("size");
constexpr QLatin1StringView kSha256("sha256");
constexpr QLatin1StringView kType("type");
constexpr QLatin1StringView kChunk("chunk");
constexpr QLatin1StringView kKey("key");
constexpr QLatin1StringView kFrom("from");
constexpr QLatin1StringView kReason("reason");

constexpr int kMaxOfferedNameLength = 1024; // characters of an offered name (it is sanitised, then shortened)
constexpr int kMaxMimeLength = 128;
constexpr int kMaxReasonLength = 64;
constexpr qint64 kMaxFileSize = (qint64(1) << 53) - 1;
constexpr int kMaxNameBytes = 200;
constexpr char kChunkVersion = 1;
constexpr int kHeaderBytes = 24; // crypto_secretstream_xchacha20poly1305_HEADERBYTES
constexpr int kStreamOverhead = 17; // crypto_secretstream_xchacha20poly1305_ABYTES

const std::pair<FileControl::Kind, QLatin1StringView> kKinds[] = {
    { FileControl::Kind::Offer, "offer"_L1 },   { FileControl::Kind::Resume, "resume"_L1 },
    { FileControl::Kind::Decline, "decline"_L1 }, { FileControl::Kind::Cancel, "cancel"_L1 },
    { FileControl::Kind::Done, "done"_L1 },     { FileControl::Kind::Failed, "failed"_L1 },
    { FileControl::Kind::Pause, "pause"_L1 },
};

QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<QByteArray> fromBase64(const QJsonValue &v, qsizetype bytes)
{
    if (!v.isString())
        return std::nullopt;
    const auto r = QByteArray::fromBase64Encoding(v.toString().toLatin1(),
        QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals | QByteArray::AbortOnBase64DecodingErrors);
    if (!r || r.decoded.size() != bytes)
        return std::nullopt;
    return r.decoded;
}

bool isShortCode(const QString &s)
{
    return s.size() <= kMaxReasonLength
        && std::all_of(s.begin(), s.end(), [](QChar c) { return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'_'; });
}

bool isDeviceName(const QString &stem)
{
    static const QStringList names = { u"con"_s, u"prn"_s, u"aux"_s, u"nul"_s, u"clock$"_s, u"conin$"_s,
                                       u"conout$"_s };
    const QString s = stem.trimmed().toLower();
    if (names.contains(s))
        return true;
    return s.size() == 4 && (s.startsWith(u"com"_s) || s.startsWith(u"lpt"_s)) && s.at(3) >= u'0' && s.at(3) <= u'9';
}

bool isUnsafeChar(char32_t c)
{
    if (c < 0x20 || c == 0x7f)
        return true;
    switch (QChar::category(c)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Other_NotAssigned:
    case QChar::Other_PrivateUse:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return true;
    default:
        break;
    }
    return QStringView(u"<>:\"/\\|?*").contains(QChar(char16_t(c < 0x10000 ? c : 0)));
}

} // namespace

std::optional<qint64> wholeJsonNumber(const QJsonValue &v, qint64 max)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (d < 0 || d > double(max) || d != double(qint64(d)))
        return std::nullopt;
    return qint64(d);
}

QByteArray encodeFileControl(const FileControl &c)
{
    QJsonObject o;
    for (const auto &[kind, name] : kKinds) {
        if (kind == c.kind)
            o.insert(kOp, name);
    }
    switch (c.kind) {
    case FileControl::Kind::Offer:
        o.insert(kName, c.name);
        o.insert(kSize, c.size);
        o.insert(kSha256, QString::fromLatin1(c.sha256.toHex()));
        if (!c.mimeType.isEmpty())
            o.insert(kType, c.mimeType);
        o.insert(kChunk, c.chunkBytes);
        o.insert(kKey, base64(c.key));
        break;
    case FileControl::Kind::Resume:
        o.insert(kFrom, c.from);
        break;
    case FileControl::Kind::Done:
        o.insert(kSha256, QString::fromLatin1(c.sha256.toHex()));
        break;
    case FileControl::Kind::Decline:
    case FileControl::Kind::Cancel:
    case FileControl::Kind::Failed:
    case FileControl::Kind::Pause:
        o.insert(kReason, c.reason);
        break;
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<FileControl> decodeFileControl(const QByteArray &json, QString *error)
{
    const auto fail = [error](const QString &why) -> std::optional<FileControl> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return fail(u"not a JSON object"_s);
    const QJsonObject o = doc.object();
    FileControl c;
    const QString op = o.value(kOp).toString();
    const auto kind = std::find_if(std::begin(kKinds), std::end(kKinds), [&op](const auto &k) { return k.second == op; });
    if (kind == std::end(kKinds))
        return fail(u"unknown control '%1'"_s.arg(op.left(32)));
    c.kind = kind->first;
    const auto sha = [&o]() -> std::optional<QByteArray> {
        const QString hex = o.value(kSha256).toString();
        if (hex.size() != 64 || !std::all_of(hex.begin(), hex.end(), [](QChar ch) {
                return (ch >= u'0' && ch <= u'9') || (ch >= u'a' && ch <= u'f');
            }))
            return std::nullopt;
        return QByteArray::fromHex(hex.toLatin1());
    };
    switch (c.kind) {
    case FileControl::Kind::Offer: {
        const QJsonValue name = o.value(kName);
        const auto size = wholeJsonNumber(o.value(kSize), kMaxFileSize);
        const auto chunk = wholeJsonNumber(o.value(kChunk), MaxChunkBytes);
        const auto digest = sha();
        const auto key = fromBase64(o.value(kKey), 32);
        const QJsonValue type = o.value(kType);
        if (!name.isString() || name.toString().isEmpty() || name.toString().size() > kMaxOfferedNameLength)
            return fail(u"an offer names the file in 1 to %1 characters"_s.arg(kMaxOfferedNameLength));
        if (!size || !chunk || *chunk < MinChunkBytes || !digest || !key)
            return fail(u"an offer needs a size, a chunk size, a SHA-256 and a key"_s);
        if (!type.isUndefined() && (!type.isString() || type.toString().size() > kMaxMimeLength))
            return fail(u"a file type is at most %1 characters"_s.arg(kMaxMimeLength));
        c.name = name.toString();
        c.size = *size;
        c.chunkBytes = int(*chunk);
        c.sha256 = *digest;
        c.key = *key;
        c.mimeType = type.toString();
        break;
    }
    case FileControl::Kind::Resume: {
        const auto from = wholeJsonNumber(o.value(kFrom), kMaxFileSize);
        if (!from)
            return fail(u"a resume names the chunk to go on from"_s);
        c.from = *from;
        break;
    }
    case FileControl::Kind::Done: {
        const auto digest = sha();
        if (!digest)
            return fail(u"done carries the SHA-256 the receiver found"_s);
        c.sha256 = *digest;
        break;
    }
    case FileControl::Kind::Decline:
    case FileControl::Kind::Cancel:
    case FileControl::Kind::Failed:
    case FileControl::Kind::Pause:
        c.reason = o.value(kReason).toString();
        if (!isShortCode(c.reason))
            return fail(u"a reason is a short code of a-z, 0-9 and _"_s);
        if (c.kind == FileControl::Kind::Pause && c.reason.isEmpty())
            return fail(u"a pause says why (user, disk_full, …)"_s);
        break;
    }
    return c;
}

QByteArray encodeFileChunk(const FileChunk &c)
{
    QByteArray out;
    out.reserve(10 + c.header.size() + c.cipher.size());
    out.append(kChunkVersion);
    char word[4];
    qToBigEndian(c.segment, word);
    out.append(word, 4);
    qToBigEndian(c.index, word);
    out.append(word, 4);
    out.append(char(c.header.isEmpty() ? 0 : 1));
    out.append(c.header);
    out.append(c.cipher);
    return out;
}

std::optional<FileChunk> decodeFileChunk(const QByteArray &bytes)
{
    if (bytes.size() < 10 || bytes.at(0) != kChunkVersion)
        return std::nullopt;
    FileChunk c;
    c.segment = qFromBigEndian<quint32>(bytes.constData() + 1);
    c.index = qFromBigEndian<quint32>(bytes.constData() + 5);
    const char flag = bytes.at(9);
    if (flag != 0 && flag != 1)
        return std::nullopt;
    qsizetype at = 10;
    if (flag == 1) {
        if (bytes.size() < at + kHeaderBytes)
            return std::nullopt;
        c.header = bytes.mid(at, kHeaderBytes);
        at += kHeaderBytes;
    }
    c.cipher = bytes.mid(at);
    if (c.cipher.size() < kStreamOverhead || c.cipher.size() > MaxChunkBytes + kStreamOverhead)
        return std::nullopt;
    return c;
}

namespace {

constexpr char kBinaryVersion = 1;
constexpr char kBinaryChunk = 1;
constexpr int kTidBytes = 16;
constexpr int kMaxBinaryPeerBytes = 64;

} // namespace

QByteArray encodeBinaryFileFrame(QStringView peer, QStringView tid, QByteArrayView chunk)
{
    const QByteArray id = peer.toUtf8();
    const QByteArray tidBytes = QByteArray::fromHex(tid.toLatin1());
    Q_ASSERT(id.size() <= kMaxBinaryPeerBytes && tidBytes.size() == kTidBytes);
    QByteArray out;
    out.reserve(3 + id.size() + kTidBytes + chunk.size());
    out.append(kBinaryVersion);
    out.append(char(id.size()));
    out.append(id);
    out.append(tidBytes);
    out.append(kBinaryChunk);
    out.append(chunk);
    return out;
}

std::optional<BinaryFileFrame> decodeBinaryFileFrame(QByteArrayView frame)
{
    if (frame.size() < 2 || frame[0] != kBinaryVersion)
        return std::nullopt;
    const int idBytes = quint8(frame[1]);
    if (idBytes > kMaxBinaryPeerBytes || frame.size() < 2 + idBytes + kTidBytes + 2)
        return std::nullopt;
    BinaryFileFrame f;
    if (idBytes > 0) {
        const QByteArrayView id = frame.sliced(2, idBytes);
        f.peer = QString::fromUtf8(id);
        // The id rule, and UTF-8 that comes back the same (no replacement characters hiding a bad byte).
        if (!Rules::isValidId(f.peer) || f.peer.toUtf8() != id)
            return std::nullopt;
    }
    qsizetype at = 2 + idBytes;
    f.tid = QString::fromLatin1(frame.sliced(at, kTidBytes).toByteArray().toHex());
    at += kTidBytes;
    if (frame[at] != kBinaryChunk)
        return std::nullopt;
    f.chunk = frame.sliced(at + 1).toByteArray();
    return f;
}

QString encodeFileAck(qint64 verified)
{
    return QString::number(verified);
}

std::optional<qint64> decodeFileAck(QStringView data)
{
    if (data.isEmpty() || data.size() > 16 || (data.size() > 1 && data.front() == u'0')
        || !std::all_of(data.begin(), data.end(), [](QChar c) { return c >= u'0' && c <= u'9'; }))
        return std::nullopt;
    return data.toLongLong();
}

QByteArray chunkAssociatedData(const QString &tid, quint32 segment, quint32 index)
{
    QByteArray ad = "peerlink-chunk-1|" + tid.toLatin1() + '|';
    ad.append(QByteArray::number(segment)).append('|').append(QByteArray::number(index));
    return ad;
}

QString sanitizeFileName(const QString &offered)
{
    // Only the last path component, in either separator's sense.
    QString name = offered.mid(std::max(offered.lastIndexOf(u'/'), offered.lastIndexOf(u'\\')) + 1);
    QString clean;
    clean.reserve(name.size());
    for (const char32_t c : name.toUcs4()) {
        if (isUnsafeChar(c))
            clean.append(u'_');
        else
            clean.append(QString::fromUcs4(&c, 1));
    }
    // No hidden files, no "." or "..", nothing Windows would strip: leading dots and spaces, trailing dots and spaces.
    while (!clean.isEmpty() && (clean.front() == u'.' || clean.front().isSpace()))
        clean.remove(0, 1);
    while (!clean.isEmpty() && (clean.back() == u'.' || clean.back().isSpace()))
        clean.chop(1);
    if (clean.isEmpty())
        return u"file"_s;
    const qsizetype dot = clean.indexOf(u'.');
    if (isDeviceName(dot < 0 ? clean : clean.left(dot)))
        clean.prepend(u'_');
    if (clean.toUtf8().size() > kMaxNameBytes) {
        const qsizetype ext = clean.lastIndexOf(u'.');
        QString suffix = ext > 0 && clean.size() - ext <= 16 ? clean.mid(ext) : QString();
        QString stem = clean.left(clean.size() - suffix.size());
        while (!stem.isEmpty() && (stem + suffix).toUtf8().size() > kMaxNameBytes) {
            stem.chop(1);
            if (!stem.isEmpty() && stem.back().isHighSurrogate())
                stem.chop(1);
        }
        clean = stem + suffix;
    }
    return clean;
}

QString uniqueFilePath(const QString &dir, const QString &name)
{
    const QDir d(dir);
    const auto taken = [&d](const QString &candidate) {
        return QFileInfo::exists(d.filePath(candidate)) || QFileInfo::exists(d.filePath(candidate + u".part"_s));
    };
    if (!taken(name))
        return d.filePath(name);
    const qsizetype dot = name.lastIndexOf(u'.');
    const QString stem = dot > 0 ? name.left(dot) : name;
    const QString ext = dot > 0 ? name.mid(dot) : QString();
    for (int n = 2;; ++n) {
        const QString candidate = u"%1 (%2)%3"_s.arg(stem).arg(n).arg(ext);
        if (!taken(candidate))
            return d.filePath(candidate);
    }
}

} // namespace PeerLink
