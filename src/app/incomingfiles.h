#pragma once

#include <QCoreApplication>
#include <QString>

#include <functional>

namespace PeerLink {

/// What the app does with a file a peer offers (Settings…, "Incoming files", issue 15): ask every time, accept from
/// peers the user marked verified (for the key they have now) into a folder, or decline every offer. No widgets and no
/// network: decide() is a table-tested function of the setting, the peer and whether it is verified.
class IncomingFilesPolicy
{
    Q_DECLARE_TR_FUNCTIONS(PeerLink::IncomingFilesPolicy)
public:
    enum class Mode { Ask, AcceptVerified, DeclineAll };
    enum class Action { Ask, Accept, Decline };

    /// The answer to one offer: Accept into @p folder, Decline, or Ask the user (@p note says why it asks although the
    /// setting would accept, e.g. the folder is missing; empty otherwise).
    struct Decision
    {
        Action action = Action::Ask;
        QString folder;
        QString note;
    };

    /// Why @p folder cannot take files, in words; empty when it can.
    using FolderCheck = std::function<QString(const QString &folder)>;

    Mode mode = Mode::Ask;
    /// Where files from verified peers are saved (AcceptVerified).
    QString folder;

    /// The answer to an offer from @p peer, verified or not; @p check looks at the folder (folderProblem() by default).
    Decision decide(const QString &peer, bool verified, const FolderCheck &check = folderProblem) const;

    /// Why @p folder cannot take files (empty, missing, not a folder, not writable), in words; empty when it can.
    static QString folderProblem(const QString &folder);

    /// The mode as kept in the settings file ("ask", "verified", "decline"), and back (anything else: Ask).
    static QString modeName(Mode mode);
    static Mode modeFromName(const QString &name);

    friend bool operator==(const IncomingFilesPolicy &a, const IncomingFilesPolicy &b)
    {
        return a.mode == b.mode && a.folder == b.folder;
    }
};

} // namespace PeerLink
