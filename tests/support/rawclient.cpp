#include "rawclient.h"

#include <QJsonDocument>
#include <QTest>

namespace PeerLink::Test {

using namespace Qt::StringLiterals;

RawClient::RawClient(QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
        if (doc.isObject())
            m_queue.append(doc.object());
        else
            ++m_nonJson;
    });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        m_closed = true;
        m_closeCode = m_socket.closeCode();
        m_closeReason = m_socket.closeReason();
    });
}

bool RawClient::open(const QUrl &url, int timeoutMs)
{
    m_closed = false;
    m_socket.open(url);
    return QTest::qWaitFor([this] { return isOpen() || m_closed; }, timeoutMs) && isOpen();
}

void RawClient::sendText(const QString &text)
{
    m_socket.sendTextMessage(text);
}

void RawClient::sendJson(const QJsonObject &object)
{
    sendText(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)));
}

QJsonObject RawClient::join(const QString &id, const QJsonObject &extra, int timeoutMs)
{
    QJsonObject o = extra;
    o.insert("type"_L1, u"join"_s);
    o.insert("id"_L1, id);
    sendJson(o);
    return waitFor(u"welcome"_s, timeoutMs);
}

QJsonObject RawClient::waitFor(const QString &type, int timeoutMs)
{
    QJsonObject found;
    QTest::qWaitFor(
        [&] {
            for (qsizetype i = 0; i < m_queue.size(); ++i) {
                if (m_queue[i].value("type"_L1).toString() == type) {
                    found = m_queue.takeAt(i);
                    return true;
                }
            }
            return false;
        },
        timeoutMs);
    return found;
}

QJsonObject RawClient::next(int timeoutMs)
{
    if (!QTest::qWaitFor([this] { return !m_queue.isEmpty(); }, timeoutMs))
        return QJsonObject();
    return m_queue.takeFirst();
}

bool RawClient::waitClosed(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_closed; }, timeoutMs);
}

} // namespace PeerLink::Test
