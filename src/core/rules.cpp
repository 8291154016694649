#include "rules.h"

#include <QChar>

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

bool isValidName(QStringView name)
{
    if (name.isEmpty() || name.size() > 2 * MaxNameLength)
        return false;
    int codePoints = 0;
    for (qsizetype i = 0; i < name.size(); ++i) {
        char32_t cp = name[i].unicode();
        if (QChar::isHighSurrogate(cp)) {
            if (i + 1 >= name.size() || !name[i + 1].isLowSurrogate())
                return false;
            cp = QChar::surrogateToUcs4(name[i], name[i + 1]);
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
    if (codePoints > MaxNameLength)
        return false;
    // A name made only of white space shows as nothing: refuse it.
    for (QChar c : name) {
        if (!c.isSpace())
            return true;
    }
    return false;
}

bool isValidMid(QStringView mid)
{
    if (mid.isEmpty() || mid.size() > MaxMidLength)
        return false;
    for (QChar c : mid) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e)
            return false;
    }
    return true;
}

} // namespace PeerLink::Rules
