#include "linereader.h"

namespace PeerLink {

void LineReader::deliver(const QByteArray &chunk)
{
    m_buffer.append(chunk);
    qsizetype newline;
    while ((newline = m_buffer.indexOf('\n')) >= 0) {
        QByteArray line = m_buffer.left(newline);
        m_buffer.remove(0, newline + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        Q_EMIT lineRead(QString::fromUtf8(line));
    }
    if (m_buffer.size() > MaxLineBytes) {
        // A line this long is no command: drop it rather than grow without bound.
        Q_EMIT lineDropped(m_buffer.size());
        m_buffer.clear();
    }
}

} // namespace PeerLink
