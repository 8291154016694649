#include "utf8validator.h"

#include <array>
#include <cstring>

namespace PeerLink {

namespace {

// Björn Höhrmann's UTF-8 DFA (http://bjoern.hoehrmann.de/utf-8/decoder/dfa/): each byte has a class, and the
// state (a multiple of 12) and the class give the next state. 0 accepts, 12 rejects.
constexpr std::array<uint8_t, 256> makeClasses()
{
    std::array<uint8_t, 256> c {};
    auto set = [&c](int from, int to, uint8_t cls) {
        for (int b = from; b <= to; ++b)
            c[size_t(b)] = cls;
    };
    set(0x00, 0x7f, 0);
    set(0x80, 0x8f, 1);
    set(0x90, 0x9f, 9);
    set(0xa0, 0xbf, 7);
    set(0xc0, 0xc1, 8); // overlong two-byte forms
    set(0xc2, 0xdf, 2);
    set(0xe0, 0xe0, 10); // needs A0..BF next (no overlong)
    set(0xe1, 0xec, 3);
    set(0xed, 0xed, 4); // needs 80..9F next (no surrogates)
    set(0xee, 0xef, 3);
    set(0xf0, 0xf0, 11); // needs 90..BF next (no overlong)
    set(0xf1, 0xf3, 6);
    set(0xf4, 0xf4, 5); // needs 80..8F next (nothing past U+10FFFF)
    set(0xf5, 0xff, 8);
    return c;
}

constexpr std::array<uint8_t, 256> kClass = makeClasses();

constexpr uint8_t kTransition[108] = {
    0,  12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72, // 0: accept
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, // 12: reject
    12, 0,  12, 12, 12, 12, 12, 0,  12, 0,  12, 12, // 24: one continuation byte to go
    12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12, // 36: two to go
    12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, // 48: after E0
    12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12, // 60: after ED
    12, 12, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, // 72: after F0
    12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, // 84: after F1..F3
    12, 36, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, // 96: after F4
};

constexpr uint64_t kHighBits = 0x8080808080808080ULL;

inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

} // namespace

bool Utf8Validator::feed(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const unsigned char *const end = p + bytes.size();
    uint8_t state = m_state;
    while (p < end) {
        // Between characters, skip ASCII 16 bytes at a time (8 at a time near the end).
        if (state == kAccept) {
            while (end - p >= 16 && ((load64(p) | load64(p + 8)) & kHighBits) == 0)
                p += 16;
            while (end - p >= 8 && (load64(p) & kHighBits) == 0)
                p += 8;
            while (p < end && *p < 0x80)
                ++p;
            if (p == end)
                break;
        }
        state = kTransition[state + kClass[*p++]];
        if (state == kReject) {
            m_state = kReject;
            return false;
        }
    }
    m_state = state;
    return true;
}

bool Utf8Validator::isValid(QByteArrayView bytes)
{
    Utf8Validator v;
    return v.feed(bytes) && v.isComplete();
}

} // namespace PeerLink
