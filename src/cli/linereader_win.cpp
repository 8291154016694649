// Windows: console and pipe handles cannot be watched by a socket notifier, so a thread reads standard input and
// hands each chunk to the reader's thread.
#include "linereader.h"

#include <QMetaObject>
#include <QPointer>

#include <cstdio>
#include <thread>

namespace PeerLink {

LineReader::LineReader(QObject *parent)
    : QObject(parent)
{
    QPointer<LineReader> self(this);
    // The thread blocks in fread(); it is detached, and ends with the process.
    std::thread([self] {
        char chunk[16384];
        size_t n;
        while ((n = std::fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
            const QByteArray data(chunk, qsizetype(n));
            QMetaObject::invokeMethod(self.data(), [self, data] {
                if (self)
                    self->deliver(data);
            }, Qt::QueuedConnection);
        }
        QMetaObject::invokeMethod(self.data(), [self] {
            if (!self)
                return;
            if (!self->m_buffer.isEmpty())
                Q_EMIT self->lineRead(QString::fromUtf8(std::exchange(self->m_buffer, {})));
            Q_EMIT self->endOfInput();
        }, Qt::QueuedConnection);
    }).detach();
}

LineReader::~LineReader() = default;

void LineReader::onReadable()
{
}

} // namespace PeerLink
