#include "searchtext.h"

#include <QStringList>

namespace PeerLink::History {

using namespace Qt::StringLiterals;

bool isCjk(char32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF)     // Hiragana, Katakana
        || (c >= 0x3400 && c <= 0x4DBF)     // CJK Extension A
        || (c >= 0x4E00 && c <= 0x9FFF)     // CJK Unified Ideographs
        || (c >= 0xAC00 && c <= 0xD7AF)     // Hangul syllables
        || (c >= 0xF900 && c <= 0xFAFF)     // CJK compatibility ideographs
        || (c >= 0x20000 && c <= 0x3134F);  // CJK Extensions B to G
}

QString indexedText(const QString &text)
{
    QString out;
    out.reserve(text.size() + text.size() / 2);
    for (const char32_t c : QStringView(text).toUcs4()) {
        if (isCjk(c)) {
            out += u' ';
            out += QString::fromUcs4(&c, 1);
            out += u' ';
        } else {
            out += QString::fromUcs4(&c, 1);
        }
    }
    return out;
}

namespace {

/// One word as an FTS5 string (double quotes doubled), so nothing in it is read as an operator.
QString quoted(const QString &word)
{
    QString w = word;
    w.replace(u'"', u"\"\""_s);
    return u'"' + w + u'"';
}

} // namespace

QString matchExpression(const QString &query)
{
    // Words as unicode61 sees them: runs of letters and digits; CJK characters one by one, joined into a phrase.
    QStringList terms;
    bool lastIsLatin = false;
    QString latin;
    QStringList cjk;
    const auto flushLatin = [&] {
        if (!latin.isEmpty()) {
            terms.append(quoted(latin));
            lastIsLatin = true;
            latin.clear();
        }
    };
    const auto flushCjk = [&] {
        if (!cjk.isEmpty()) {
            terms.append(quoted(cjk.join(u' ')));
            lastIsLatin = false;
            cjk.clear();
        }
    };
    for (const char32_t c : QStringView(query).toUcs4()) {
        if (isCjk(c)) {
            flushLatin();
            cjk.append(QString::fromUcs4(&c, 1));
        } else if (QChar::isLetterOrNumber(c)) {
            flushCjk();
            latin += QString::fromUcs4(&c, 1);
        } else {
            flushLatin();
            flushCjk();
        }
    }
    flushLatin();
    flushCjk();
    if (terms.isEmpty())
        return QString();
    if (lastIsLatin)
        terms.last() += u'*'; // as typed: the last word may not be finished yet
    return terms.join(u" AND "_s);
}

} // namespace PeerLink::History
