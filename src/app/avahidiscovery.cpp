// LanDiscovery through the Avahi daemon (Debian's libavahi-client). Avahi's own thread (AvahiThreadedPoll) runs its
// callbacks; they hand what they learn to the GUI thread as queued calls, and the GUI thread's calls into Avahi hold
// the poll's lock.
#include "app/landiscovery.h"

#include <QMetaObject>
#include <QPointer>

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-client/publish.h>
#include <avahi-common/address.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/strlst.h>
#include <avahi-common/thread-watch.h>

#include <optional>

namespace PeerLink {

namespace {

class AvahiDiscovery final : public LanDiscovery
{
public:
    AvahiDiscovery()
    {
        m_poll = avahi_threaded_poll_new();
        if (!m_poll) {
            fail(AVAHI_ERR_NO_MEMORY);
            return;
        }
        int error = 0;
        // Without AVAHI_CLIENT_NO_FAIL: where no daemon runs, this fails at once and says so.
        m_client = avahi_client_new(avahi_threaded_poll_get(m_poll), AvahiClientFlags(0), &AvahiDiscovery::onClient,
                                    this, &error);
        if (!m_client) {
            fail(error);
            return;
        }
        m_browser = avahi_service_browser_new(m_client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, LanServiceType, nullptr,
                                              AvahiLookupFlags(0), &AvahiDiscovery::onBrowse, this);
        if (!m_browser) {
            fail(avahi_client_errno(m_client));
            return;
        }
        avahi_threaded_poll_start(m_poll);
        m_threadRunning = true;
    }

    ~AvahiDiscovery() override
    {
        if (m_threadRunning)
            avahi_threaded_poll_stop(m_poll);
        if (m_client)
            avahi_client_free(m_client); // with its browsers, resolvers and entry groups
        if (m_poll)
            avahi_threaded_poll_free(m_poll);
        avahi_free(m_serviceName);
    }

    State state() const override { return m_state; }
    QString unavailableReason() const override { return m_reason; }

    void announce(const LanAnnouncement &announcement) override
    {
        if (!m_client)
            return;
        Locked lock(this);
        m_announcement = announcement;
        if (!m_serviceName)
            m_serviceName = avahi_strdup(
                (announcement.name.isEmpty() ? QByteArray("PeerLink hub") : announcement.name.toUtf8().left(63))
                    .constData());
        publish();
    }

    void withdraw() override
    {
        if (!m_client)
            return;
        Locked lock(this);
        m_announcement.reset();
        avahi_free(m_serviceName); // the next hub may have another name
        m_serviceName = nullptr;
        if (m_group)
            avahi_entry_group_reset(m_group);
    }

private:
    /// The GUI thread's calls into Avahi while its thread runs.
    struct Locked
    {
        explicit Locked(AvahiDiscovery *d) : poll(d->m_threadRunning ? d->m_poll : nullptr)
        {
            if (poll)
                avahi_threaded_poll_lock(poll);
        }
        ~Locked()
        {
            if (poll)
                avahi_threaded_poll_unlock(poll);
        }
        AvahiThreadedPoll *poll;
    };

    void fail(int error)
    {
        m_state = State::Unavailable;
        m_reason = error == AVAHI_ERR_NO_DAEMON
            ? tr("The Avahi daemon is not running on this computer, so hubs on the local network cannot be listed "
                 "(and a hosted hub is not announced). Type the hub's address or open an invitation instead.")
            : tr("Hubs on the local network cannot be listed: Avahi says \"%1\". Type the hub's address or open an "
                 "invitation instead.")
                  .arg(QString::fromUtf8(avahi_strerror(error)));
    }

    /// From any thread: runs @p f on the GUI thread, unless this is gone by then.
    template<typename F>
    void post(F f)
    {
        QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection);
    }

    /// With the lock held (Avahi's thread, or Locked): (re)publishes the announcement.
    void publish()
    {
        if (!m_announcement || !m_serviceName || avahi_client_get_state(m_client) != AVAHI_CLIENT_S_RUNNING)
            return; // published when the client runs (onClient)
        if (!m_group)
            m_group = avahi_entry_group_new(m_client, &AvahiDiscovery::onGroup, this);
        if (!m_group)
            return;
        avahi_entry_group_reset(m_group);
        AvahiStringList *txt = nullptr;
        for (const QByteArray &record : lanTxtRecords(*m_announcement))
            txt = avahi_string_list_add(txt, record.constData());
        const int error = avahi_entry_group_add_service_strlst(m_group, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
                                                               AvahiPublishFlags(0), m_serviceName, LanServiceType,
                                                               nullptr, nullptr, m_announcement->port, txt);
        avahi_string_list_free(txt);
        if (error == AVAHI_ERR_COLLISION) {
            rename();
            return;
        }
        if (error == AVAHI_OK)
            avahi_entry_group_commit(m_group);
    }

    void rename()
    {
        char *other = avahi_alternative_service_name(m_serviceName);
        avahi_free(m_serviceName);
        m_serviceName = other;
        publish();
    }

    static void onClient(AvahiClient *client, AvahiClientState state, void *data)
    {
        auto *self = static_cast<AvahiDiscovery *>(data);
        switch (state) {
        case AVAHI_CLIENT_S_RUNNING:
            if (!self->m_client)
                self->m_client = client; // the first call comes from inside avahi_client_new()
            self->publish();
            self->post([self] {
                self->m_state = State::Running;
                Q_EMIT self->stateChanged();
            });
            break;
        case AVAHI_CLIENT_FAILURE: {
            const int error = avahi_client_errno(client);
            self->post([self, error] {
                self->fail(error);
                Q_EMIT self->stateChanged();
            });
            break;
        }
        case AVAHI_CLIENT_S_COLLISION:
        case AVAHI_CLIENT_S_REGISTERING:
            if (self->m_group)
                avahi_entry_group_reset(self->m_group);
            break;
        case AVAHI_CLIENT_CONNECTING:
            break;
        }
    }

    static void onGroup(AvahiEntryGroup *, AvahiEntryGroupState state, void *data)
    {
        auto *self = static_cast<AvahiDiscovery *>(data);
        if (state == AVAHI_ENTRY_GROUP_COLLISION)
            self->rename(); // another service has that name on the network: "name #2"
    }

    static void onBrowse(AvahiServiceBrowser *, AvahiIfIndex interface, AvahiProtocol protocol,
                         AvahiBrowserEvent event, const char *name, const char *type, const char *domain,
                         AvahiLookupResultFlags, void *data)
    {
        auto *self = static_cast<AvahiDiscovery *>(data);
        switch (event) {
        case AVAHI_BROWSER_NEW:
            // Freed in onResolved; if the client goes first, avahi_client_free() frees it.
            avahi_service_resolver_new(self->m_client, interface, protocol, name, type, domain, AVAHI_PROTO_UNSPEC,
                                       AvahiLookupFlags(0), &AvahiDiscovery::onResolved, self);
            break;
        case AVAHI_BROWSER_REMOVE: {
            const QString service = QString::fromUtf8(name);
            self->post([self, service] { Q_EMIT self->hubLost(service); });
            break;
        }
        case AVAHI_BROWSER_FAILURE:
        case AVAHI_BROWSER_ALL_FOR_NOW:
        case AVAHI_BROWSER_CACHE_EXHAUSTED:
            break;
        }
    }

    static void onResolved(AvahiServiceResolver *resolver, AvahiIfIndex, AvahiProtocol, AvahiResolverEvent event,
                           const char *name, const char *, const char *, const char *, const AvahiAddress *address,
                           uint16_t port, AvahiStringList *txt, AvahiLookupResultFlags, void *data)
    {
        auto *self = static_cast<AvahiDiscovery *>(data);
        if (event == AVAHI_RESOLVER_FOUND && address) {
            char text[AVAHI_ADDRESS_STR_MAX] = {};
            avahi_address_snprint(text, sizeof text, address);
            LanHub hub;
            hub.service = QString::fromUtf8(name);
            hub.name = hub.service;
            hub.address = QHostAddress(QString::fromLatin1(text));
            hub.port = port;
            QList<QByteArray> records;
            for (AvahiStringList *at = txt; at; at = avahi_string_list_get_next(at))
                records.append(QByteArray(reinterpret_cast<const char *>(avahi_string_list_get_text(at)),
                                          qsizetype(avahi_string_list_get_size(at))));
            readLanTxtRecords(records, hub);
            if (!hub.address.isNull() && hub.port != 0)
                self->post([self, hub] { Q_EMIT self->hubFound(hub); });
        }
        avahi_service_resolver_free(resolver);
    }

    AvahiThreadedPoll *m_poll = nullptr;
    AvahiClient *m_client = nullptr;
    AvahiServiceBrowser *m_browser = nullptr;
    AvahiEntryGroup *m_group = nullptr;
    char *m_serviceName = nullptr;
    bool m_threadRunning = false;
    State m_state = State::Starting;
    QString m_reason;
    std::optional<LanAnnouncement> m_announcement;
};

} // namespace

std::unique_ptr<LanDiscovery> makeAvahiDiscovery()
{
    return std::make_unique<AvahiDiscovery>();
}

} // namespace PeerLink
