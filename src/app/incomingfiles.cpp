#include "incomingfiles.h"

#include <QDir>
#include <QFileInfo>

namespace PeerLink {

using namespace Qt::StringLiterals;

IncomingFilesPolicy::Decision IncomingFilesPolicy::decide(const QString &peer, bool verified,
                                                          const FolderCheck &check) const
{
    switch (mode) {
    case Mode::DeclineAll:
        return Decision { Action::Decline, QString(), QString() };
    case Mode::AcceptVerified: {
        if (!verified)
            return Decision {};
        // The setting would take the file; a folder that cannot take it makes the user choose, and says why.
        const QString problem = check ? check(folder) : QString();
        if (!problem.isEmpty())
            return Decision { Action::Ask, QString(),
                              tr("The file from %1 was not saved automatically: %2 Choose where to save it.")
                                  .arg(peer, problem) };
        return Decision { Action::Accept, folder, QString() };
    }
    case Mode::Ask:
        break;
    }
    return Decision {};
}

QString IncomingFilesPolicy::folderProblem(const QString &folder)
{
    if (folder.trimmed().isEmpty())
        return tr("no folder for incoming files is set.");
    const QFileInfo info(folder);
    const QString shown = QDir::toNativeSeparators(folder);
    if (!info.exists())
        return tr("the folder %1 does not exist.").arg(shown);
    if (!info.isDir())
        return tr("%1 is not a folder.").arg(shown);
    if (!info.isWritable())
        return tr("the folder %1 cannot be written to.").arg(shown);
    return QString();
}

QString IncomingFilesPolicy::modeName(Mode mode)
{
    switch (mode) {
    case Mode::AcceptVerified:
        return u"verified"_s;
    case Mode::DeclineAll:
        return u"decline"_s;
    case Mode::Ask:
        break;
    }
    return u"ask"_s;
}

IncomingFilesPolicy::Mode IncomingFilesPolicy::modeFromName(const QString &name)
{
    if (name == u"verified")
        return Mode::AcceptVerified;
    if (name == u"decline")
        return Mode::DeclineAll;
    return Mode::Ask;
}

} // namespace PeerLink
