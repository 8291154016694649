#include "hubhost.h"

#ifdef Q_OS_LINUX
#include "runtime/epolleventdispatcher.h"
#endif

#include "networkaddresses.h"

#include "core/rules.h"

#include <QCoreApplication>
#include <QDeadlineTimer>

namespace PeerLink {

using namespace Qt::StringLiterals;

HubHost::HubHost(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(u"PeerLink hub"_s);
}

HubHost::~HubHost()
{
    stop();
}

bool HubHost::start(const HubConfig &config, const QHostAddress &address, quint16 port)
{
    if (m_hub) {
        m_errorString = tr("A hub is already running.");
        return false;
    }
#ifdef Q_OS_LINUX
    // The hub's thread runs on epoll (runtime/epolleventdispatcher.h); the window's thread keeps Qt's dispatcher.
    if (!m_thread.eventDispatcher()) {
        if (QAbstractEventDispatcher *dispatcher = EpollEventDispatcher::create())
            m_thread.setEventDispatcher(dispatcher);
    }
#endif
    m_thread.start();
    m_context = new QObject;
    m_context->moveToThread(&m_thread);

    bool ok = false;
    QString error;
    quint16 realPort = 0;
    Hub *hub = nullptr;
    QMetaObject::invokeMethod(
        m_context,
        [&] {
            hub = new Hub(config);
            hub->setReleaseFreeMemory(true); // the hub's thread gives memory back after bursts, as peerlink-hub does
            ok = hub->listen(address, port);
            if (ok) {
                realPort = hub->serverPort();
            } else {
                error = hub->errorString();
                delete hub;
                hub = nullptr;
            }
        },
        Qt::BlockingQueuedConnection);

    if (!ok) {
        m_errorString = error;
        QMetaObject::invokeMethod(m_context, &QObject::deleteLater);
        m_context = nullptr;
        m_thread.quit();
        m_thread.wait();
        Q_EMIT errorOccurred(error);
        return false;
    }
    m_hub = hub;
    m_config = config;
    m_address = address;
    m_port = realPort;
    m_routed = 0;
    m_errorString.clear();
    // Queued across threads: the hub's signals arrive in this (GUI) thread.
    connect(m_hub, &Hub::peerJoined, this, &HubHost::peerJoined);
    connect(m_hub, &Hub::peerLeft, this, &HubHost::peerLeft);
    connect(m_hub, &Hub::errorOccurred, this, &HubHost::errorOccurred);
    connect(m_hub, &Hub::messageRouted, this, [this](const QString &from, const QString &to, int recipients) {
        ++m_routed;
        Q_EMIT messageRouted(from, to, recipients);
    });
    Q_EMIT started(localUrl());
    return true;
}

void HubHost::stop()
{
    if (!m_hub)
        return;
    Hub *hub = std::exchange(m_hub, nullptr);
    disconnect(hub, nullptr, this, nullptr);
    QMetaObject::invokeMethod(
        m_context,
        [hub] {
            // Tell every peer, then let the hub thread's loop deliver the close frames before the hub goes away.
            hub->close();
            const QDeadlineTimer deadline(3000);
            while (hub->connectionCount() > 0 && !deadline.hasExpired())
                QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            delete hub;
        },
        Qt::BlockingQueuedConnection);
    QMetaObject::invokeMethod(m_context, &QObject::deleteLater);
    m_context = nullptr;
    m_thread.quit();
    m_thread.wait();
    m_port = 0;
    Q_EMIT stopped();
}

QUrl HubHost::localUrl() const
{
    if (!m_hub)
        return QUrl();
    QUrl url = localHubUrl(m_address, m_port);
    if (m_config.useTls())
        url.setScheme(u"wss"_s);
    return url;
}

QString HubHost::certificateFingerprint() const
{
    return m_hub && m_config.useTls() ? Rules::certificateFingerprint(m_config.tlsCertificate.toDer()) : QString();
}

QList<QUrl> HubHost::shareableUrls() const
{
    QList<QUrl> urls = m_hub ? shareableHubUrls(m_address, m_port) : QList<QUrl>();
    if (m_config.useTls()) {
        for (QUrl &url : urls)
            url.setScheme(u"wss"_s);
    }
    return urls;
}

QList<HubPeer> HubHost::peers() const
{
    QList<HubPeer> list;
    if (m_hub) {
        Hub *hub = m_hub;
        QMetaObject::invokeMethod(m_context, [&list, hub] { list = hub->peers(); }, Qt::BlockingQueuedConnection);
    }
    return list;
}

void HubHost::kick(const QString &id)
{
    if (m_hub) {
        Hub *hub = m_hub;
        QMetaObject::invokeMethod(m_context, [hub, id] { hub->kick(id, QString()); });
    }
}

void HubHost::ban(const QString &id)
{
    if (m_hub) {
        Hub *hub = m_hub;
        QMetaObject::invokeMethod(m_context, [hub, id] { hub->ban(id); });
    }
}

} // namespace PeerLink
