#include "networkaddresses.h"

#include <QNetworkInterface>

namespace PeerLink {

using namespace Qt::StringLiterals;

QUrl hubUrl(const QHostAddress &address, quint16 port)
{
    QUrl url;
    url.setScheme(u"ws"_s);
    QHostAddress plain = address;
    plain.setScopeId(QString());
    url.setHost(plain.toString());
    url.setPort(port);
    return url;
}

QList<QUrl> shareableHubUrls(const QHostAddress &bound, quint16 port, const QList<QHostAddress> &interfaceAddresses)
{
    const bool anyV4 = bound == QHostAddress(QHostAddress::AnyIPv4);
    const bool anyV6 = bound == QHostAddress(QHostAddress::AnyIPv6);
    const bool any = bound == QHostAddress(QHostAddress::Any) || anyV4 || anyV6;
    if (!any)
        return { hubUrl(bound, port) };
    QList<QUrl> urls;
    for (const QHostAddress &a : interfaceAddresses) {
        if (a.isLoopback() || a.isNull() || a.isLinkLocal())
            continue;
        const bool v4 = a.protocol() == QAbstractSocket::IPv4Protocol;
        if ((anyV4 && !v4) || (anyV6 && v4 && bound != QHostAddress(QHostAddress::Any)))
            continue;
        urls.append(hubUrl(a, port));
    }
    if (urls.isEmpty())
        urls.append(localHubUrl(bound, port));
    return urls;
}

QList<QUrl> shareableHubUrls(const QHostAddress &bound, quint16 port)
{
    return shareableHubUrls(bound, port, QNetworkInterface::allAddresses());
}

QUrl localHubUrl(const QHostAddress &bound, quint16 port)
{
    if (bound == QHostAddress(QHostAddress::AnyIPv6))
        return hubUrl(QHostAddress(QHostAddress::LocalHostIPv6), port);
    if (bound == QHostAddress(QHostAddress::Any) || bound == QHostAddress(QHostAddress::AnyIPv4))
        return hubUrl(QHostAddress(QHostAddress::LocalHost), port);
    return hubUrl(bound, port);
}

} // namespace PeerLink
