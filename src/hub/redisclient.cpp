#include "redisclient.h"

#include <QPointer>
#include <QSocketNotifier>
#include <QTimer>
#include <QUrl>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <vector>

namespace PeerLink {

using namespace Qt::StringLiterals;

// ---- Endpoint -------------------------------------------------------------------------------------------------

bool RedisEndpoint::parse(const QString &text, RedisEndpoint *out, QString *error)
{
    const auto fail = [&](const QString &why) {
        if (error)
            *error = u"redis takes redis://[:PASSWORD@]HOST[:PORT][/DB] (%1; got \"%2\")"_s.arg(why, text);
        return false;
    };
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"redis")
        return fail(u"not a redis:// URL"_s);
    if (url.host().isEmpty())
        return fail(u"no host"_s);
    if (url.hasQuery() || url.hasFragment())
        return fail(u"no query or fragment"_s);
    RedisEndpoint e;
    e.host = url.host();
    const int port = url.port(6379);
    if (port < 1 || port > 65535)
        return fail(u"bad port"_s);
    e.port = quint16(port);
    e.password = url.password(QUrl::FullyDecoded).toUtf8();
    const QString path = url.path();
    if (!path.isEmpty() && path != u"/") {
        bool ok = false;
        const int db = path.mid(1).toInt(&ok);
        if (!ok || db < 0 || db > 65535)
            return fail(u"the database is a number"_s);
        e.db = db;
    }
    if (out)
        *out = e;
    return true;
}

RedisReply RedisReply::disconnected()
{
    RedisReply r;
    r.type = Type::Error;
    r.string = "DISCONNECTED the connection to Redis was lost";
    return r;
}

namespace {

RedisReply copyReply(const redisReply *r)
{
    RedisReply out;
    if (!r)
        return RedisReply::disconnected();
    switch (r->type) {
    case REDIS_REPLY_STRING:
        out.type = RedisReply::Type::String;
        out.string = QByteArray(r->str, qsizetype(r->len));
        break;
    case REDIS_REPLY_STATUS:
        out.type = RedisReply::Type::Status;
        out.string = QByteArray(r->str, qsizetype(r->len));
        break;
    case REDIS_REPLY_ERROR:
        out.type = RedisReply::Type::Error;
        out.string = QByteArray(r->str, qsizetype(r->len));
        break;
    case REDIS_REPLY_INTEGER:
        out.type = RedisReply::Type::Integer;
        out.integer = r->integer;
        break;
    case REDIS_REPLY_ARRAY:
        out.type = RedisReply::Type::Array;
        out.elements.reserve(qsizetype(r->elements));
        for (size_t i = 0; i < r->elements; ++i)
            out.elements.append(copyReply(r->element[i]));
        break;
    default:
        out.type = RedisReply::Type::Nil;
        break;
    }
    return out;
}

struct Pending
{
    QPointer<RedisClient> client;
    RedisClient::Callback callback;
};

} // namespace

// ---- The event-loop glue (what adapters/qt.h does, for Qt 6) -------------------------------------------------

struct RedisClient::Notifiers
{
    redisAsyncContext *context = nullptr;
    QSocketNotifier *read = nullptr;
    QSocketNotifier *write = nullptr;

    // A notifier may be the one whose signal is being handled when hiredis lets go of it: disabled now, deleted
    // once the event loop is back.
    static void drop(QSocketNotifier *&n)
    {
        if (!n)
            return;
        n->setEnabled(false);
        n->disconnect();
        n->deleteLater();
        n = nullptr;
    }
    static void addRead(void *data)
    {
        auto *self = static_cast<Notifiers *>(data);
        if (self->read)
            return;
        self->read = new QSocketNotifier(self->context->c.fd, QSocketNotifier::Read);
        redisAsyncContext *context = self->context;
        QObject::connect(self->read, &QSocketNotifier::activated, self->read,
                         [context] { redisAsyncHandleRead(context); });
    }
    static void delRead(void *data) { drop(static_cast<Notifiers *>(data)->read); }
    static void addWrite(void *data)
    {
        auto *self = static_cast<Notifiers *>(data);
        if (self->write)
            return;
        self->write = new QSocketNotifier(self->context->c.fd, QSocketNotifier::Write);
        redisAsyncContext *context = self->context;
        QObject::connect(self->write, &QSocketNotifier::activated, self->write,
                         [context] { redisAsyncHandleWrite(context); });
    }
    static void delWrite(void *data) { drop(static_cast<Notifiers *>(data)->write); }
    static void cleanup(void *data)
    {
        auto *self = static_cast<Notifiers *>(data);
        drop(self->read);
        drop(self->write);
        self->context = nullptr;
    }
    ~Notifiers()
    {
        drop(read);
        drop(write);
    }
};

// ---- Client ---------------------------------------------------------------------------------------------------

RedisClient::RedisClient(QObject *parent)
    : QObject(parent)
    , m_timeout(new QTimer(this))
{
    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this, [this] {
        if (m_context && !m_ready) {
            redisAsyncContext *c = m_context;
            lost(u"no answer from Redis at %1:%2 in time"_s.arg(m_endpoint.host).arg(m_endpoint.port));
            redisAsyncFree(c);
        }
    });
}

RedisClient::~RedisClient()
{
    m_destroying = true;
    if (m_context) {
        redisAsyncContext *c = m_context;
        m_context = nullptr;
        redisAsyncFree(c); // pending callbacks are answered with null: ignored (m_destroying)
    }
}

void RedisClient::open(const RedisEndpoint &endpoint, int timeoutMs)
{
    close();
    m_endpoint = endpoint;
    m_ready = false;
    redisAsyncContext *c = redisAsyncConnect(endpoint.host.toUtf8().constData(), endpoint.port);
    if (!c || c->err) {
        const QString why = c ? QString::fromLocal8Bit(c->errstr) : u"out of memory"_s;
        if (c)
            redisAsyncFree(c);
        QMetaObject::invokeMethod(this, [this, why] { Q_EMIT disconnected(why); }, Qt::QueuedConnection);
        return;
    }
    m_context = c;
    c->data = this;
    m_notifiers = std::make_unique<Notifiers>();
    m_notifiers->context = c;
    c->ev.data = m_notifiers.get();
    c->ev.addRead = Notifiers::addRead;
    c->ev.delRead = Notifiers::delRead;
    c->ev.addWrite = Notifiers::addWrite;
    c->ev.delWrite = Notifiers::delWrite;
    c->ev.cleanup = Notifiers::cleanup;
    redisAsyncSetConnectCallback(c, &RedisClient::onConnect);
    redisAsyncSetDisconnectCallback(c, &RedisClient::onDisconnect);
    // Queued until the connection is up; the first answer (PING's) says it is ready.
    if (!endpoint.password.isEmpty())
        command({ "AUTH", endpoint.password });
    if (endpoint.db != 0)
        command({ "SELECT", QByteArray::number(endpoint.db) });
    command({ "PING" }, [this](const RedisReply &r) {
        if (r.isError()) {
            if (m_context) {
                redisAsyncContext *ctx = m_context;
                lost(u"Redis refused the connection: %1"_s.arg(QString::fromUtf8(r.string)));
                redisAsyncFree(ctx);
            }
            return;
        }
        m_timeout->stop();
        m_ready = true;
        Q_EMIT connected();
    });
    m_timeout->start(timeoutMs);
}

void RedisClient::close()
{
    m_timeout->stop();
    if (!m_context)
        return;
    redisAsyncContext *c = m_context;
    lost(u"closed"_s);
    redisAsyncFree(c);
}

void RedisClient::closeWhenDone()
{
    m_timeout->stop();
    if (m_context)
        redisAsyncDisconnect(m_context); // onDisconnect follows once the replies are in
}

void RedisClient::lost(const QString &why)
{
    if (!m_context)
        return;
    m_context->data = nullptr; // hiredis may call back once more while freeing: nothing of ours is there
    m_context = nullptr;
    m_ready = false;
    m_timeout->stop();
    if (!m_destroying)
        QMetaObject::invokeMethod(this, [this, why] { Q_EMIT disconnected(why); }, Qt::QueuedConnection);
}

void RedisClient::onConnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisClient *>(context->data);
    if (!self || status == REDIS_OK)
        return;
    // hiredis frees the context after this callback.
    self->lost(u"cannot connect to Redis at %1:%2: %3"_s.arg(self->m_endpoint.host)
                   .arg(self->m_endpoint.port)
                   .arg(QString::fromLocal8Bit(context->errstr)));
}

void RedisClient::onDisconnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisClient *>(context->data);
    if (!self)
        return;
    self->lost(status == REDIS_OK ? u"closed"_s
                                  : u"lost the connection to Redis: %1"_s.arg(QString::fromLocal8Bit(context->errstr)));
}

void RedisClient::onReply(redisAsyncContext *, void *reply, void *privdata)
{
    std::unique_ptr<Pending> pending(static_cast<Pending *>(privdata));
    RedisClient *self = pending->client.data();
    if (!self || self->m_destroying)
        return;
    --self->m_pending;
    if (pending->callback)
        pending->callback(copyReply(static_cast<const redisReply *>(reply)));
}

void RedisClient::onMessage(redisAsyncContext *context, void *reply, void *)
{
    auto *self = static_cast<RedisClient *>(context->data);
    const auto *r = static_cast<const redisReply *>(reply);
    if (!self || self->m_destroying || !r || r->type != REDIS_REPLY_ARRAY || r->elements != 3)
        return;
    // ["message", channel, payload]; the subscribe confirmations ("subscribe", channel, count) are not messages.
    const redisReply *kind = r->element[0];
    if (kind->type != REDIS_REPLY_STRING || qstrncmp(kind->str, "message", 8) != 0)
        return;
    if (self->m_messageHandler)
        self->m_messageHandler(QByteArray(r->element[1]->str, qsizetype(r->element[1]->len)),
                               QByteArray(r->element[2]->str, qsizetype(r->element[2]->len)));
}

void RedisClient::command(const QList<QByteArray> &args, Callback callback)
{
    if (!m_context) {
        if (callback)
            QMetaObject::invokeMethod(this, [callback] { callback(RedisReply::disconnected()); }, Qt::QueuedConnection);
        return;
    }
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    argv.reserve(size_t(args.size()));
    lengths.reserve(size_t(args.size()));
    for (const QByteArray &a : args) {
        argv.push_back(a.constData());
        lengths.push_back(size_t(a.size()));
    }
    auto *pending = new Pending { this, std::move(callback) };
    if (redisAsyncCommandArgv(m_context, &RedisClient::onReply, pending, int(argv.size()), argv.data(),
                              lengths.data())
        != REDIS_OK) {
        Callback cb = std::move(pending->callback);
        delete pending;
        if (cb)
            QMetaObject::invokeMethod(this, [cb] { cb(RedisReply::disconnected()); }, Qt::QueuedConnection);
        return;
    }
    ++m_pending;
}

void RedisClient::subscribe(const QList<QByteArray> &channels, MessageHandler handler)
{
    m_messageHandler = std::move(handler);
    if (!m_context)
        return;
    std::vector<const char *> argv { "SUBSCRIBE" };
    std::vector<size_t> lengths { 9 };
    for (const QByteArray &c : channels) {
        argv.push_back(c.constData());
        lengths.push_back(size_t(c.size()));
    }
    // One callback for every channel (hiredis keeps it per channel and calls it with null for each when it
    // frees the context): no per-call data to free.
    redisAsyncCommandArgv(m_context, &RedisClient::onMessage, nullptr, int(argv.size()), argv.data(), lengths.data());
}

} // namespace PeerLink
