#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QString>
#include <QUrl>

namespace PeerLink {

/// The hub addresses typed into the connect dialog: several, in order of preference, separated by spaces, commas or
/// new lines. An invitation link among them brings all its addresses (and its certificate fingerprint for them).
/// No widgets: the dialog shows what parse() says.
class HubAddresses
{
    Q_DECLARE_TR_FUNCTIONS(PeerLink::HubAddresses)
public:
    /// The addresses, duplicates dropped, in the order written.
    QList<QUrl> urls;
    /// Fingerprints that invitations in the text carry for their addresses.
    QHash<QUrl, QString> pins;
    /// Why the text cannot be used, in words naming the first bad entry (empty: it can).
    QString error;

    bool ok() const { return error.isEmpty(); }

    /// Reads @p text.
    static HubAddresses parse(const QString &text);
    /// Writes @p urls the way parse() reads them back (", " between them).
    static QString format(const QList<QUrl> &urls);
};

} // namespace PeerLink
