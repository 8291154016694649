#pragma once

#include <QByteArrayView>

#include <cstdint>

namespace PeerLink {

/// Checks that bytes are UTF-8 as RFC 3629 defines it (no overlong forms, no surrogates, nothing past U+10FFFF),
/// fed in pieces of any size: a character may be split between two pieces (WebSocket fragments, TCP reads).
/// ASCII, most of what the hub reads, is checked 16 bytes at a time; the rest by Hoehrmann's DFA.
class Utf8Validator
{
public:
    /// Checks the next piece; false as soon as the bytes so far cannot begin any valid UTF-8 text.
    bool feed(QByteArrayView bytes);
    /// True when everything fed so far is valid and no character is left unfinished.
    bool isComplete() const { return m_state == kAccept; }
    void reset() { m_state = kAccept; }

    /// All of @p bytes at once.
    static bool isValid(QByteArrayView bytes);

private:
    static constexpr uint8_t kAccept = 0;
    static constexpr uint8_t kReject = 12;
    uint8_t m_state = kAccept;
};

} // namespace PeerLink
