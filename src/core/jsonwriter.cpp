#include "jsonwriter.h"

namespace PeerLink {

JsonWriter::JsonWriter(qsizetype reserve)
{
    m_out.reserve(reserve);
    m_out.append('{');
}

void JsonWriter::key(QLatin1StringView key)
{
    if (!m_first)
        m_out.append(',');
    m_first = false;
    m_out.append('"').append(key.data(), key.size()).append("\":", 2);
}

JsonWriter &JsonWriter::string(QLatin1StringView k, QStringView value)
{
    key(k);
    appendString(m_out, value);
    return *this;
}

JsonWriter &JsonWriter::optionalString(QLatin1StringView k, QStringView value)
{
    if (!value.isEmpty())
        string(k, value);
    return *this;
}

JsonWriter &JsonWriter::integer(QLatin1StringView k, qint64 value)
{
    key(k);
    m_out.append(QByteArray::number(value));
    return *this;
}

JsonWriter &JsonWriter::boolean(QLatin1StringView k, bool value)
{
    key(k);
    m_out.append(value ? "true" : "false");
    return *this;
}

JsonWriter &JsonWriter::raw(QLatin1StringView k, const QByteArray &json)
{
    key(k);
    m_out.append(json);
    return *this;
}

QByteArray JsonWriter::take()
{
    m_out.append('}');
    return std::move(m_out);
}

void JsonWriter::appendString(QByteArray &out, QStringView value)
{
    static constexpr char hex[] = "0123456789abcdef";
    const QByteArray utf8 = value.toUtf8();
    out.reserve(out.size() + utf8.size() + 2);
    out.append('"');
    const char *begin = utf8.constData();
    const char *end = begin + utf8.size();
    const char *run = begin; // start of bytes not yet copied
    for (const char *p = begin; p != end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue; // UTF-8 bytes of non-ASCII characters are all >= 0x80: copied as they are
        out.append(run, p - run);
        run = p + 1;
        out.append('\\');
        switch (c) {
        case '"': out.append('"'); break;
        case '\\': out.append('\\'); break;
        case '\b': out.append('b'); break;
        case '\f': out.append('f'); break;
        case '\n': out.append('n'); break;
        case '\r': out.append('r'); break;
        case '\t': out.append('t'); break;
        default:
            out.append("u00", 3).append(hex[c >> 4]).append(hex[c & 0xf]);
            break;
        }
    }
    out.append(run, end - run);
    out.append('"');
}

} // namespace PeerLink
