#include "linkprotocol.h"

#include "rules.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QMessageAuthenticationCode>
#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace PeerLink {

namespace {

using namespace Qt::StringLiterals;

constexpr QLatin1StringView kType("type");
constexpr QLatin1StringView kBin("bin");
constexpr QLatin1StringView kFrom("from");
constexpr QLatin1StringView kLink("link");
constexpr QLatin1StringView kNonce("nonce");
constexpr QLatin1StringView kProof("proof");
constexpr QLatin1StringView kText("text");
constexpr QLatin1StringView kTo("to");
constexpr QLatin1StringView kMid("mid");
constexpr QLatin1StringView kTs("ts");
constexpr QLatin1StringView kKey("key");
constexpr QLatin1StringView kEph("eph");
constexpr QLatin1StringView kSig("sig");
constexpr QLatin1StringView kE2e("e2e");
constexpr QLatin1StringView kBox("box");
constexpr QLatin1StringView kSeq("seq");
constexpr QLatin1StringView kRun("run");
constexpr QLatin1StringView kTid("tid");
constexpr QLatin1StringView kOp("op");
constexpr QLatin1StringView kData("data");

bool isLowerHex(QStringView s, qsizetype length)
{
    if (s.size() != length)
        return false;
    return std::all_of(
        s.begin(), s.end(), [](QChar c) { return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f'); });
}

/// Reads the typed fields of one link frame and keeps the first problem.
class Reader
{
public:
    explicit Reader(const QJsonObject &o)
        : m_o(o)
    {
    }

    QString string(QLatin1StringView key, bool required)
    {
        const QJsonValue v = m_o.value(key);
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(u"missing string field '%1'"_s.arg(key));
            return QString();
        }
        if (!v.isString()) {
            fail(u"field '%1' must be a string"_s.arg(key));
            return QString();
        }
        return v.toString();
    }

    /// A required string that must pass @p valid.
    template<typename Check> QString checked(QLatin1StringView key, Check valid, const char *rule)
    {
        const QString s = string(key, true);
        if (!m_failed && !valid(s))
            fail(u"field '%1' must be %2"_s.arg(key, QLatin1StringView(rule)));
        return s;
    }

    void fail(const QString &message)
    {
        if (!m_failed)
            m_error = message;
        m_failed = true;
    }

    const QJsonObject &m_o;
    bool m_failed = false;
    QString m_error;
};

bool isBase64Url(QStringView s)
{
    // A table over the code units: a sealed frame's box is the whole frame, so this runs over every byte a link
    // carries (a file chunk is ~60 KB of it), and the per-character comparisons were a fifth of a receiver's CPU.
    static const auto table = [] {
        std::array<bool, 128> t {};
        for (char16_t c = 0; c < 128; ++c)
            t[c] = (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-'
                || c == u'_';
        return t;
    }();
    const char16_t *p = s.utf16();
    const char16_t *end = p + s.size();
    bool ok = true;
    for (; p != end; ++p)
        ok &= *p < 128 && table[*p];
    return ok;
}

/// An optional base64url field of exactly @p length characters (43 for 32 bytes, 86 for 64); the crypto layer
/// decodes it strictly.
QString optionalBase64(Reader &r, QLatin1StringView key, qsizetype length)
{
    const QString s = r.string(key, false);
    if (!s.isEmpty() && (s.size() != length || !isBase64Url(s)))
        r.fail(u"field '%1' must be %2 base64url characters"_s.arg(key).arg(length));
    return s;
}

bool validNonce(const QString &s)
{
    return isLowerHex(s, LinkNonceLength);
}
bool validProof(const QString &s)
{
    return isLowerHex(s, LinkProofLength);
}
bool validId(const QString &s)
{
    return Rules::isValidId(s);
}
bool validMid(const QString &s)
{
    return Rules::isValidMid(s);
}
bool validLink(const QString &s)
{
    return Rules::isValidToken(s);
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

Decoded<LinkEnvelope> decodeLinkMessage(const QByteArray &utf8)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return { DecodeError {
            ErrorCode::BadJson, u"invalid JSON: %1"_s.arg(parseError.errorString()), QString() } };
    if (!doc.isObject())
        return { DecodeError { ErrorCode::BadMessage, u"expected a JSON object"_s, QString() } };
    const QJsonObject o = doc.object();
    const QJsonValue t = o.value(kType);
    if (!t.isString())
        return { DecodeError { ErrorCode::BadMessage, u"missing string field 'type'"_s, QString() } };
    const QString type = t.toString();
    Reader r(o);
    LinkEnvelope envelope;
    if (type == u"link_hello") {
        LinkHello m;
        m.from = r.checked(kFrom, validId, "a valid id");
        m.link = r.checked(kLink, validLink, "a link id (hex)");
        m.nonce = r.checked(kNonce, validNonce, "32 lower-case hex digits");
        m.key = optionalBase64(r, kKey, 43);
        m.eph = optionalBase64(r, kEph, 43);
        if (m.key.isEmpty() != m.eph.isEmpty())
            r.fail(u"fields 'key' and 'eph' go together"_s);
        m.binary = o.value(kBin).toBool(); // anything but true: no
        envelope = m;
    } else if (type == u"link_welcome") {
        LinkWelcome m;
        m.from = r.checked(kFrom, validId, "a valid id");
        m.nonce = r.checked(kNonce, validNonce, "32 lower-case hex digits");
        m.proof = r.checked(kProof, validProof, "64 lower-case hex digits");
        m.key = optionalBase64(r, kKey, 43);
        m.eph = optionalBase64(r, kEph, 43);
        m.sig = optionalBase64(r, kSig, 86);
        if (m.key.isEmpty() != m.eph.isEmpty() || m.key.isEmpty() != m.sig.isEmpty())
            r.fail(u"fields 'key', 'eph' and 'sig' go together"_s);
        m.binary = o.value(kBin).toBool();
        envelope = m;
    } else if (type == u"link_proof") {
        LinkProof m;
        m.proof = r.checked(kProof, validProof, "64 lower-case hex digits");
        m.sig = optionalBase64(r, kSig, 86);
        envelope = m;
    } else if (type == u"message") {
        LinkMessage m;
        m.text = r.string(kText, true);
        m.mid = r.checked(kMid, validMid, "a valid message id");
        m.to = r.string(kTo, false);
        if (!m.to.isEmpty() && !Rules::isValidId(m.to))
            r.fail(u"field 'to' must be a valid id"_s);
        const QJsonValue ts = o.value(kTs);
        if (!ts.isUndefined() && !ts.isNull() && (!ts.isDouble() || !std::isfinite(ts.toDouble())))
            r.fail(u"field 'ts' must be a number"_s);
        m.ts = ts.toInteger();
        m.e2e = r.string(kE2e, false);
        for (const auto &[key, field] : { std::pair { kSeq, &m.seq }, std::pair { kRun, &m.run } }) {
            const QJsonValue v = o.value(key);
            const double d = v.toDouble(-1);
            const bool inRange = v.isDouble() && d >= 0 && d <= double(Rules::MaxSequence);
            if (!v.isUndefined() && !v.isNull() && (!inRange || d != double(qint64(d))))
                r.fail(u"field '%1' must be a whole number from 0 to 2^53-1"_s.arg(key));
            *field = inRange ? qint64(d) : 0; // (converted only when it fits: anything else is undefined)
        }
        envelope = m;
    } else if (type == u"ack") {
        envelope = LinkAck { r.checked(kMid, validMid, "a valid message id") };
    } else if (type == u"file") {
        LinkFile m;
        m.tid = r.checked(kTid, [](const QString &s) { return Rules::isTransferId(s); }, "32 lower-case hex digits");
        m.op = r.checked(kOp, [](const QString &s) { return Rules::isFileOp(s); }, "1 to 16 of a-z");
        m.data = r.string(kData, true);
        envelope = m;
    } else if (type == u"sealed") {
        const QString box = r.string(kBox, true);
        if (!r.m_failed && (box.isEmpty() || !isBase64Url(box)))
            r.fail(u"field 'box' must be base64url"_s);
        envelope = LinkSealed { box };
    } else {
        return { DecodeError {
            ErrorCode::UnknownType, u"unknown type '%1'"_s.arg(type.left(64)), type.left(64) } };
    }
    if (r.m_failed)
        return { DecodeError { ErrorCode::BadMessage, r.m_error, type } };
    return { envelope };
}

namespace {

void insertIfSet(QJsonObject &o, QLatin1StringView key, const QString &value)
{
    if (!value.isEmpty())
        o.insert(key, value);
}

} // namespace

QByteArray encode(const LinkHello &m)
{
    QJsonObject o { { kType, u"link_hello"_s }, { kFrom, m.from }, { kLink, m.link }, { kNonce, m.nonce } };
    insertIfSet(o, kKey, m.key);
    insertIfSet(o, kEph, m.eph);
    if (m.binary)
        o.insert(kBin, true);
    return compact(o);
}

QByteArray encode(const LinkWelcome &m)
{
    QJsonObject o { { kType, u"link_welcome"_s }, { kFrom, m.from }, { kNonce, m.nonce },
        { kProof, m.proof } };
    insertIfSet(o, kKey, m.key);
    insertIfSet(o, kEph, m.eph);
    insertIfSet(o, kSig, m.sig);
    if (m.binary)
        o.insert(kBin, true);
    return compact(o);
}

QByteArray encode(const LinkProof &m)
{
    QJsonObject o { { kType, u"link_proof"_s }, { kProof, m.proof } };
    insertIfSet(o, kSig, m.sig);
    return compact(o);
}

QByteArray encode(const LinkMessage &m)
{
    QJsonObject o { { kType, u"message"_s }, { kText, m.text }, { kMid, m.mid }, { kTs, m.ts } };
    if (!m.to.isEmpty())
        o.insert(kTo, m.to);
    insertIfSet(o, kE2e, m.e2e);
    if (m.seq > 0) {
        o.insert(kSeq, m.seq);
        if (m.run > 0)
            o.insert(kRun, m.run);
    }
    return compact(o);
}

QByteArray encode(const LinkAck &m)
{
    return compact({ { kType, u"ack"_s }, { kMid, m.mid } });
}

QByteArray encode(const LinkSealed &m)
{
    return compact({ { kType, u"sealed"_s }, { kBox, m.box } });
}

QByteArray encode(const LinkFile &m)
{
    return compact({ { kType, u"file"_s }, { kTid, m.tid }, { kOp, m.op }, { kData, m.data } });
}

QByteArray encode(const LinkEnvelope &m)
{
    return std::visit([](const auto &e) { return encode(e); }, m);
}

QString typeName(const LinkEnvelope &m)
{
    static const char *const names[]
        = { "link_hello", "link_welcome", "link_proof", "message", "ack", "sealed", "file" };
    return QString::fromLatin1(names[m.index()]);
}

QString linkProof(const QString &secret, QStringView role, const QString &link, const QString &nonce)
{
    const QByteArray data = (role.toString() + u'|' + link + u'|' + nonce).toUtf8();
    return QString::fromLatin1(
        QMessageAuthenticationCode::hash(data, secret.toUtf8(), QCryptographicHash::Sha256).toHex());
}

} // namespace PeerLink
