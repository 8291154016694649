#include "lowdelay.h"

#include <QAbstractSocket>
#include <QWebSocket>

namespace PeerLink {

void setLowDelay(QWebSocket *socket)
{
    // The connected one (an earlier one of a reopened QWebSocket may still be waiting to be deleted).
    for (QAbstractSocket *tcp : socket->findChildren<QAbstractSocket *>()) {
        if (tcp->state() == QAbstractSocket::ConnectedState)
            tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    }
}

} // namespace PeerLink
