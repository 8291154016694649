#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

struct redisAsyncContext;
class QTimer;

namespace PeerLink {

/// Where a Redis server is: `redis://[:PASSWORD@]HOST[:PORT][/DB]` (the `redis` setting).
struct RedisEndpoint
{
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 6379;
    QByteArray password; // AUTH, when not empty
    int db = 0;          // SELECT, when not 0

    /// Reads @p url strictly; false with @p error (English, names the value) when it is not such a URL.
    static bool parse(const QString &url, RedisEndpoint *out, QString *error);
};

/// One Redis answer, copied out of hiredis' reply (which lives only during its callback).
struct RedisReply
{
    enum class Type { Nil, Error, Status, Integer, String, Array };
    Type type = Type::Nil;
    qint64 integer = 0;
    QByteArray string; // String, Status, Error
    QList<RedisReply> elements;

    bool isError() const { return type == Type::Error; }
    /// An error made by the client itself (the connection was lost before the answer came).
    static RedisReply disconnected();
};

/// An asynchronous connection to one Redis server over Debian's hiredis, on the thread's Qt event loop. hiredis'
/// own Qt adapter (adapters/qt.h) is written for Qt 5's QSocketNotifier::activated(int) signal, which Qt 6 no
/// longer has, so this class does the same few lines (a read and a write notifier on hiredis' socket) itself.
/// Commands given before the connection is up are queued and go once it is. A connection in subscriber mode
/// (subscribe()) takes nothing else, as Redis wants; the hub keeps a second connection for commands.
class RedisClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const RedisReply &)>;
    using MessageHandler = std::function<void(const QByteArray &channel, const QByteArray &payload)>;

    explicit RedisClient(QObject *parent = nullptr);
    ~RedisClient() override;

    /// Connects (and AUTHs and SELECTs as @p endpoint says); connected() or disconnected() follows, never at once.
    /// @p timeoutMs bounds the connection and the first answer.
    void open(const RedisEndpoint &endpoint, int timeoutMs);
    /// Drops the connection; pending callbacks get RedisReply::disconnected(). disconnected() follows (queued).
    void close();
    /// Closes once the answers to every command sent so far have come (or the connection is lost).
    void closeWhenDone();
    bool isOpen() const { return m_context != nullptr; }
    bool isReady() const { return m_ready; }

    /// Sends one command; @p callback (may be empty) gets its answer, or RedisReply::disconnected() when the
    /// connection is lost first. Ignored (the callback answered with disconnected(), queued) when not open.
    void command(const QList<QByteArray> &args, Callback callback = {});
    /// Subscriber mode: @p handler gets every message published on @p channels from now on.
    void subscribe(const QList<QByteArray> &channels, MessageHandler handler);
    /// Commands sent whose answer has not come yet.
    int pending() const { return m_pending; }

Q_SIGNALS:
    /// Connected, authenticated, the database selected.
    void connected();
    /// The connection could not be made, or was lost (an English reason).
    void disconnected(const QString &why);

private:
    struct Notifiers;
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onReply(redisAsyncContext *context, void *reply, void *privdata);
    static void onMessage(redisAsyncContext *context, void *reply, void *privdata);
    /// The context is gone (hiredis frees it after the callback that said so): forget it and tell, queued.
    void lost(const QString &why);

    redisAsyncContext *m_context = nullptr;
    std::unique_ptr<Notifiers> m_notifiers;
    RedisEndpoint m_endpoint;
    MessageHandler m_messageHandler;
    QTimer *m_timeout = nullptr;
    int m_pending = 0;
    bool m_ready = false;
    bool m_destroying = false;
};

} // namespace PeerLink
