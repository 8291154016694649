#pragma once

#include "core/errorcode.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSet>

#include <functional>

class QTcpServer;

namespace PeerLink {

class HttpConnection;

/// What the hub counts for its operator (issue 19, part 3): monotonic counters kept as the hub works; the gauges
/// are read from the hub when a scrape comes. No per-peer labels.
struct HubCounters
{
    quint64 connectionsAccepted = 0;
    QHash<QByteArray, quint64> connectionsRefused; // by reason: banned, autobanned, too_many, shutting_down
    quint64 bytesReceived = 0;                     // UTF-8 bytes of every text message read
    quint64 messageBytesRouted = 0;                // of the messages routed
    QHash<ErrorCode, quint64> errors;              // every `error` sent, by code
    quint64 bansIssued = 0;                        // bans by the operator (kick-and-ban)
};

/// Writes Prometheus' text exposition format (version 0.0.4): HELP, TYPE and samples, names in base units.
class MetricsWriter
{
public:
    void counter(const char *name, const char *help, double value);
    void gauge(const char *name, const char *help, double value);
    /// A metric with one label: its samples by label value.
    void labelled(const char *name, const char *type, const char *help, const char *label,
                  const QList<std::pair<QByteArray, double>> &samples);
    QByteArray take() { return std::exchange(m_out, QByteArray()); }

private:
    void header(const char *name, const char *type, const char *help);
    void sample(const char *name, double value, const QByteArray &labels = QByteArray());

    QByteArray m_out;
};

/// The `metrics` endpoint: a plain HTTP listener of its own (not the hub's port: an operator exposes it to the
/// monitoring network only) that answers `GET /metrics` with @p render's text, anything else 404 / 405.
class MetricsServer : public QObject
{
    Q_OBJECT
public:
    MetricsServer(std::function<QByteArray()> render, QObject *parent = nullptr);
    ~MetricsServer() override;
    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const;
    void close();

private:
    void onRequest(HttpConnection *c);

    std::function<QByteArray()> m_render;
    QTcpServer *m_server = nullptr;
    QSet<HttpConnection *> m_connections;
};

/// Parses the `metrics` setting: "ADDRESS:PORT" ("127.0.0.1:9100", "[::1]:9100", ":9100" for every interface; port 0
/// picks a free one, which the hub logs);
/// false with @p error for anything else.
bool parseMetricsEndpoint(const QString &text, QHostAddress *address, quint16 *port, QString *error);

} // namespace PeerLink
