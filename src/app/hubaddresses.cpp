#include "hubaddresses.h"

#include "core/invitation.h"

#include <QRegularExpression>

namespace PeerLink {

using namespace Qt::StringLiterals;

HubAddresses HubAddresses::parse(const QString &text)
{
    HubAddresses result;
    static const QRegularExpression separators(u"[\\s,]+"_s);
    const QStringList entries = text.split(separators, Qt::SkipEmptyParts);
    const auto add = [&result](const QUrl &url) {
        if (!result.urls.contains(url))
            result.urls.append(url);
    };
    for (const QString &entry : entries) {
        if (Invitation::isLink(entry)) {
            const std::optional<Invitation> invitation = Invitation::fromLink(entry);
            if (!invitation) {
                result.error = tr("\"%1\" is not a valid invitation link.").arg(entry);
                return result;
            }
            for (const QUrl &url : invitation->hubs) {
                add(url);
                if (!invitation->fingerprint.isEmpty())
                    result.pins.insert(url, invitation->fingerprint);
            }
            continue;
        }
        const QUrl url(entry, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"ws" && url.scheme() != u"wss") || url.host().isEmpty()) {
            result.error = tr("\"%1\" is not a hub address: one looks like ws://192.168.1.5:9000 (several are "
                              "separated by spaces or commas).")
                               .arg(entry);
            return result;
        }
        add(url);
    }
    if (result.urls.isEmpty())
        result.error = tr("A hub address looks like ws://192.168.1.5:9000.");
    return result;
}

QString HubAddresses::format(const QList<QUrl> &urls)
{
    QStringList parts;
    for (const QUrl &url : urls)
        parts.append(url.toString());
    return parts.join(u", "_s);
}

} // namespace PeerLink
