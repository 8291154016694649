#include "rules.h"

#include <algorithm>

#include <QChar>
#include <QCryptographicHash>
#include <QString>
#include <QList>

namespace PeerLink::Rules {

bool isValidId(QStringView id)
{
    if (id.isEmpty() || id.size() > MaxIdLength)
        return false;
    for (QChar c : id) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9')
            || u == u'.' || u == u'_' || u == u'-';
        if (!ok)
            return false;
    }
    return true;
}

namespace {

/// Non-empty, at most @p maxCodePoints code points, printable (no control characters, no lone surrogates, no line
/// breaks), and not only white space: a display name, a room topic.
bool isPrintableText(QStringView text, int maxCodePoints)
{
    if (text.isEmpty() || text.size() > 2 * maxCodePoints)
        return false;
    int codePoints = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        char32_t cp = text[i].unicode();
        if (QChar::isHighSurrogate(cp)) {
            if (i + 1 >= text.size() || !text[i + 1].isLowSurrogate())
                return false;
            cp = QChar::surrogateToUcs4(text[i], text[i + 1]);
            ++i;
        } else if (QChar::isLowSurrogate(cp)) {
            return false;
        }
        switch (QChar::category(cp)) {
        case QChar::Other_Control:
        case QChar::Other_Surrogate:
        case QChar::Other_NotAssigned:
        case QChar::Separator_Line:
        case QChar::Separator_Paragraph:
            return false;
        default:
            break;
        }
        ++codePoints;
    }
    if (codePoints > maxCodePoints)
        return false;
    // Text made only of white space shows as nothing: refuse it.
    for (QChar c : text) {
        if (!c.isSpace())
            return true;
    }
    return false;
}

} // namespace

bool isValidName(QStringView name)
{
    return isPrintableText(name, MaxNameLength);
}

bool isValidRoomName(QStringView room)
{
    return isValidId(room);
}

bool isValidTopic(QStringView topic)
{
    return topic.isEmpty() || isPrintableText(topic, MaxTopicLength);
}

bool isRoomOp(QStringView op)
{
    return !op.isEmpty() && op.size() <= 16 && std::all_of(op.begin(), op.end(), [](QChar c) {
        return (c.unicode() >= u'a' && c.unicode() <= u'z') || c.unicode() == u'_';
    });
}

bool isValidMid(QStringView mid)
{
    // The contract allows any mid of at most 64 characters: counted in code points, lone surrogates refused (they
    // are not characters and would not survive UTF-8).
    if (mid.isEmpty() || mid.size() > 2 * MaxMidLength)
        return false;
    int count = 0;
    for (qsizetype i = 0; i < mid.size(); ++i, ++count) {
        const QChar c = mid[i];
        if (c.isHighSurrogate() && i + 1 < mid.size() && mid[i + 1].isLowSurrogate())
            ++i;
        else if (c.isSurrogate())
            return false;
    }
    return count <= MaxMidLength;
}

bool isValidEndpoint(QStringView endpoint)
{
    if (endpoint.size() < 3 || endpoint.size() > 64)
        return false;
    const qsizetype colon = endpoint.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    bool ok = false;
    const int port = endpoint.mid(colon + 1).toInt(&ok);
    if (!ok || port < 1 || port > 65535)
        return false;
    const QStringView host = endpoint.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']')) {
        // IPv6: hex digits and colons (an embedded IPv4 tail may add dots); at least two colons.
        const QStringView inner = host.mid(1, host.size() - 2);
        if (inner.size() < 2 || inner.count(u':') < 2)
            return false;
        for (QChar c : inner) {
            const char16_t u = c.unicode();
            const bool ok6 = (u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f') || (u >= u'A' && u <= u'F')
                || u == u':' || u == u'.';
            if (!ok6)
                return false;
        }
        return true;
    }
    // IPv4: four numbers from 0 to 255.
    const auto parts = host.split(u'.');
    if (parts.size() != 4)
        return false;
    for (QStringView part : parts) {
        bool ok4 = false;
        const int n = part.toInt(&ok4);
        if (!ok4 || part.isEmpty() || part.size() > 3 || n < 0 || n > 255)
            return false;
    }
    return true;
}

bool isBase64UrlOf(QStringView text, int bytes)
{
    // 4 characters per 3 bytes, the last group cut short; its spare low bits must be zero so each value has one text.
    const qsizetype length = (qsizetype(bytes) * 4 + 2) / 3;
    if (bytes <= 0 || text.size() != length)
        return false;
    int last = 0;
    for (QChar c : text) {
        const char16_t u = c.unicode();
        if (u >= u'A' && u <= u'Z')
            last = u - u'A';
        else if (u >= u'a' && u <= u'z')
            last = u - u'a' + 26;
        else if (u >= u'0' && u <= u'9')
            last = u - u'0' + 52;
        else if (u == u'-')
            last = 62;
        else if (u == u'_')
            last = 63;
        else
            return false;
    }
    const int spareBits = int(length * 6 - qsizetype(bytes) * 8);
    return (last & ((1 << spareBits) - 1)) == 0;
}

bool isValidToken(QStringView token)
{
    if (token.size() < 16 || token.size() > 128)
        return false;
    for (QChar c : token) {
        const char16_t u = c.unicode();
        if (!((u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f')))
            return false;
    }
    return true;
}

bool isTransferId(QStringView tid)
{
    return tid.size() == 32 && isValidToken(tid);
}

bool isFileOp(QStringView op)
{
    return !op.isEmpty() && op.size() <= 16
        && std::all_of(op.begin(), op.end(), [](QChar c) { return c.unicode() >= u'a' && c.unicode() <= u'z'; });
}

QString certificateFingerprint(const QByteArray &der)
{
    const QByteArray hex = QCryptographicHash::hash(der, QCryptographicHash::Sha256).toHex(':').toUpper();
    return QString::fromLatin1(hex);
}

bool sameFingerprint(QStringView a, QStringView b)
{
    const auto plain = [](QStringView s) {
        QString out;
        for (QChar c : s) {
            if (c.isLetterOrNumber())
                out.append(c.toUpper());
        }
        return out;
    };
    const QString x = plain(a);
    return !x.isEmpty() && x == plain(b);
}

} // namespace PeerLink::Rules
