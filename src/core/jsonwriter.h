#pragma once

#include <QByteArray>
#include <QLatin1StringView>
#include <QStringView>

namespace PeerLink {

/// Writes one flat JSON object straight into UTF-8, for the messages the hub sends most (message, ack, presence).
/// QJsonObject + QJsonDocument::toJson cost about two thirds of the hub's time per relayed message (a CBOR
/// container, sorted inserts, several allocations per field); this does one allocation for the output and one per
/// string. The caller writes keys in alphabetical order, so the bytes are the same as QJsonDocument's compact form
/// (tests/core compares the two).
class JsonWriter
{
public:
    explicit JsonWriter(qsizetype reserve = 128);

    JsonWriter &string(QLatin1StringView key, QStringView value);
    /// Writes the field only when @p value is not empty (the protocol's optional strings).
    JsonWriter &optionalString(QLatin1StringView key, QStringView value);
    JsonWriter &integer(QLatin1StringView key, qint64 value);
    JsonWriter &boolean(QLatin1StringView key, bool value);
    /// Writes @p json, which must already be valid JSON (an array made with this class, say), as the value.
    JsonWriter &raw(QLatin1StringView key, const QByteArray &json);
    /// Closes the object and hands over the bytes.
    QByteArray take();

    /// Appends @p value as a JSON string (quotes included), escaped as QJsonDocument does.
    static void appendString(QByteArray &out, QStringView value);

private:
    void key(QLatin1StringView key);

    QByteArray m_out;
    bool m_first = true;
};

} // namespace PeerLink
