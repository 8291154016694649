#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QStringView>

#include <optional>

namespace PeerLink {

/// The fields of a plain `message` (no `e2e`, no `sig`) found in its UTF-8 bytes without building a JSON tree.
/// The views point into the scanned bytes.
struct ScannedMessage
{
    QByteArrayView to;  ///< a valid peer id, or empty for a broadcast
    QByteArrayView mid; ///< a valid mid (1 to 64 characters), or empty when there is none
};

/// The hub's fast path for the one request it handles most: one pass over the bytes of a client's text message
/// that recognises the common shape of a plain `message` and nothing else. It accepts only what decodeClientMessage()
/// accepts as a MessageRequest with the same `to` and `mid` (fuzz_messagescan checks this): a JSON object (JSON
/// whitespace allowed) whose keys are `type` ("message"), `text` (a string; escapes other than \u allowed), and
/// optionally `to` (a valid id) and `mid` (1 to 64 characters), each once, with no escapes in keys, type, to or mid
/// and no control characters. Anything else (other fields, \u escapes, duplicates, any error) gives nullopt, and
/// the caller decodes the message in full, which gives the same answer as before.
/// @p utf8 must be valid UTF-8 (the WebSocket layer checked it).
std::optional<ScannedMessage> scanPlainMessage(QByteArrayView utf8);

/// The `message` the hub hands on for a scanned one: the sender's own bytes with `from` and `ts` spliced in, which
/// means what encode(ChatMessage) writes for it (the same fields and values; the order and spacing may differ).
/// @p from must be a valid id (nothing in it needs escaping).
QByteArray spliceChatMessage(QByteArrayView utf8, QStringView from, qint64 ts);
/// The same message, already in the WebSocket text frame that carries it (one buffer, built once); the message is
/// the frame's last chatFramePayload() bytes.
QByteArray spliceChatFrame(QByteArrayView utf8, QStringView from, qint64 ts);
/// The same, written in place (the hub writes a relayed message straight into the recipient's pending frames): its
/// sizes first, then the bytes. Keeps views of @p utf8 and @p from.
class ChatSplice
{
public:
    ChatSplice(QByteArrayView utf8, QStringView from, qint64 ts);
    qsizetype messageSize() const { return m_messageSize; }
    /// The message in its WebSocket text frame.
    qsizetype frameSize() const;
    /// Writes messageSize() (frameSize()) bytes at @p out; returns the end.
    char *writeMessage(char *out) const;
    char *writeFrame(char *out) const;

private:
    static constexpr char kHead[] = "{\"from\":\"";
    static constexpr char kTail[] = ",\"ts\":";
    QStringView m_from;
    QByteArrayView m_inside; // the sender's object without its braces
    char m_stamp[24];
    int m_stampSize = 0;
    qsizetype m_messageSize = 0;
};
/// The message inside a frame made by spliceChatFrame().
QByteArrayView chatFramePayload(const QByteArray &frame);

} // namespace PeerLink
