#include "lowdelay.h"

#include <QAbstractSocket>
#include <QWebSocket>

namespace PeerLink {

void setLowDelay(QWebSocket *socket)
{
    if (auto *tcp = socket->findChild<QAbstractSocket *>(); tcp && tcp->state() == QAbstractSocket::ConnectedState)
        tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
}

} // namespace PeerLink
