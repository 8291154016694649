#include "invitation.h"

#include "core/rules.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

bool fail(QString *error, const QString &why)
{
    if (error)
        *error = why;
    return false;
}

bool validHub(const QUrl &url)
{
    return url.isValid() && (url.scheme() == u"ws" || url.scheme() == u"wss") && !url.host().isEmpty()
        && url.userInfo().isEmpty() && !url.hasFragment();
}

bool validFingerprint(const QString &fp)
{
    static const QRegularExpression re(u"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){31}$"_s);
    return re.match(fp).hasMatch();
}

} // namespace

bool Invitation::isLink(const QString &text)
{
    return text.trimmed().startsWith(u"peerlink:"_s, Qt::CaseInsensitive);
}

QString Invitation::toLink() const
{
    QUrlQuery q;
    for (const QUrl &hub : hubs)
        q.addQueryItem(u"hub"_s, QString::fromLatin1(QUrl::toPercentEncoding(hub.toString(QUrl::FullyEncoded))));
    if (!name.isEmpty())
        q.addQueryItem(u"name"_s, QString::fromLatin1(QUrl::toPercentEncoding(name)));
    if (!fingerprint.isEmpty())
        q.addQueryItem(u"fp"_s, fingerprint.toUpper());
    if (passwordRequired)
        q.addQueryItem(u"pw"_s, u"1"_s);
    return u"peerlink://join?"_s + q.toString(QUrl::FullyEncoded);
}

std::optional<Invitation> Invitation::fromLink(const QString &link, QString *error)
{
    const QString text = link.trimmed();
    if (text.size() > MaxLength) {
        fail(error, u"an invitation link is at most %1 characters"_s.arg(MaxLength));
        return std::nullopt;
    }
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"peerlink" || url.host() != u"join") {
        fail(error, u"an invitation link starts with peerlink://join?"_s);
        return std::nullopt;
    }
    Invitation inv;
    const QUrlQuery q(url);
    for (const auto &[key, value] : q.queryItems(QUrl::FullyDecoded)) {
        if (key == u"hub") {
            const QUrl hub(value, QUrl::StrictMode);
            if (hub.toString(QUrl::FullyEncoded).size() > MaxHubLength) {
                fail(error, u"a hub address is at most %1 characters"_s.arg(MaxHubLength));
                return std::nullopt;
            }
            if (!validHub(hub)) {
                fail(error, u"'%1' is not a ws:// or wss:// hub address"_s.arg(value.left(200)));
                return std::nullopt;
            }
            if (inv.hubs.size() >= MaxHubs) {
                fail(error, u"an invitation names at most %1 hub addresses"_s.arg(MaxHubs));
                return std::nullopt;
            }
            inv.hubs.append(hub);
        } else if (key == u"name") {
            if (!Rules::isValidName(value)) {
                fail(error, u"a hub name is at most 64 printable characters"_s);
                return std::nullopt;
            }
            inv.name = value;
        } else if (key == u"fp") {
            if (!validFingerprint(value)) {
                fail(error, u"'fp' is a SHA-256 fingerprint: 32 pairs of hex digits separated by colons"_s);
                return std::nullopt;
            }
            inv.fingerprint = value.toUpper();
        } else if (key == u"pw") {
            if (value != u"1" && value != u"0") {
                fail(error, u"'pw' is 1 or 0"_s);
                return std::nullopt;
            }
            inv.passwordRequired = value == u"1";
        }
    }
    if (inv.hubs.isEmpty()) {
        fail(error, u"the invitation names no hub address"_s);
        return std::nullopt;
    }
    return inv;
}

} // namespace PeerLink
