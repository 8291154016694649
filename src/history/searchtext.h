#pragma once

#include <QString>

namespace PeerLink::History {

/// The text FTS5 indexes for a message: Chinese, Japanese and Korean characters stand each as a word of its own
/// (those scripts write no spaces, so SQLite's unicode61 tokenizer would index a whole sentence as one word), the
/// rest as written. Searching for "你好" then finds "…你好吗…" as the phrase "你 好".
QString indexedText(const QString &text);

/// An FTS5 MATCH expression for what a person typed: every word must occur (AND); CJK runs become phrases of their
/// characters; the last Latin word also matches as a prefix ("hel" finds "hello"). Quotes and FTS5 operators in the
/// input are taken literally. Empty when nothing searchable was typed.
QString matchExpression(const QString &query);

/// Whether @p c belongs to a script written without spaces (Han, Hiragana, Katakana, Hangul, and their
/// punctuation-free extensions).
bool isCjk(char32_t c);

} // namespace PeerLink::History
