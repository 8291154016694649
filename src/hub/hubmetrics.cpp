#include "hubmetrics.h"

#include "hub/httpconnection.h"

#include <QTcpServer>
#include <QTcpSocket>

#include <cmath>

namespace PeerLink {

using namespace Qt::StringLiterals;

void MetricsWriter::header(const char *name, const char *type, const char *help)
{
    m_out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    m_out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
}

void MetricsWriter::sample(const char *name, double value, const QByteArray &labels)
{
    m_out.append(name).append(labels).append(' ');
    if (value == std::floor(value) && std::fabs(value) < 9e15)
        m_out.append(QByteArray::number(qint64(value)));
    else
        m_out.append(QByteArray::number(value, 'g', 17));
    m_out.append('\n');
}

void MetricsWriter::counter(const char *name, const char *help, double value)
{
    header(name, "counter", help);
    sample(name, value);
}

void MetricsWriter::gauge(const char *name, const char *help, double value)
{
    header(name, "gauge", help);
    sample(name, value);
}

void MetricsWriter::labelled(const char *name, const char *type, const char *help, const char *label,
                             const QList<std::pair<QByteArray, double>> &samples)
{
    header(name, type, help);
    for (const auto &[value, number] : samples) {
        // Label values here are the hub's own words (error codes, reasons): nothing to escape but the rules say how.
        QByteArray escaped = value;
        escaped.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
        sample(name, number, QByteArray("{") + label + "=\"" + escaped + "\"}");
    }
}

MetricsServer::MetricsServer(std::function<QByteArray()> render, QObject *parent)
    : QObject(parent)
    , m_render(std::move(render))
{
}

MetricsServer::~MetricsServer()
{
    close();
}

bool MetricsServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    close();
    m_server = new QTcpServer(this);
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            // Scrapes are small GETs: heads of 8 KiB, no body, idle connections closed after 30 s.
            auto *c = new HttpConnection(socket, QByteArray(), 8192, 0, 30000, this);
            m_connections.insert(c);
            connect(c, &HttpConnection::ended, this, [this](HttpConnection *ended) { m_connections.remove(ended); });
            connect(c, &HttpConnection::requestReceived, this, &MetricsServer::onRequest);
            c->start();
        }
    });
    if (!m_server->listen(address, port)) {
        if (error)
            *error = u"Cannot listen for metrics on %1:%2: %3"_s.arg(address.toString()).arg(port).arg(m_server->errorString());
        delete m_server;
        m_server = nullptr;
        return false;
    }
    return true;
}

quint16 MetricsServer::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

void MetricsServer::close()
{
    const auto connections = m_connections;
    for (HttpConnection *c : connections)
        c->abort();
    delete m_server;
    m_server = nullptr;
}

void MetricsServer::onRequest(HttpConnection *c)
{
    const HttpConnection::Request &r = c->request();
    const QByteArray path = r.url.left(r.url.indexOf('?') < 0 ? r.url.size() : r.url.indexOf('?'));
    if (path != "/metrics") {
        c->respond(404, "text/plain; charset=utf-8", "Not found: the metrics are at /metrics\n");
        return;
    }
    if (r.method != "GET" && r.method != "HEAD") {
        c->respond(405, "text/plain; charset=utf-8", "Method not allowed\n", { { "Allow", "GET, HEAD" } });
        return;
    }
    c->respond(200, "text/plain; version=0.0.4; charset=utf-8", m_render());
}

bool parseMetricsEndpoint(const QString &text, QHostAddress *address, quint16 *port, QString *error)
{
    const QString t = text.trimmed();
    const qsizetype colon = t.lastIndexOf(u':');
    bool ok = false;
    const uint p = colon >= 0 ? t.mid(colon + 1).toUInt(&ok) : 0;
    QString host = colon >= 0 ? t.left(colon) : QString();
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    QHostAddress a = host.isEmpty() ? QHostAddress(QHostAddress::Any) : QHostAddress(host);
    if (!ok || p > 65535 || a.isNull()) {
        if (error)
            *error = u"metrics: \"%1\" is not ADDRESS:PORT (an IP address and a port, such as "
                     "127.0.0.1:9100; port 0 picks a free one)"_s.arg(t.left(100));
        return false;
    }
    *address = a;
    *port = quint16(p);
    return true;
}

} // namespace PeerLink
