#include "profileidentity.h"

#include "client/peerclient.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {
struct IdentityText
{
    Q_DECLARE_TR_FUNCTIONS(PeerLink::ProfileIdentity)
};

bool sharedWithOthers(const QString &path)
{
#ifdef Q_OS_UNIX
    const QFileInfo info(path);
    const auto others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther | QFile::WriteOther
        | QFile::ExeOther;
    return info.exists() && (info.permissions() & others);
#else
    Q_UNUSED(path);
    return false;
#endif
}
} // namespace

QString ProfileIdentity::defaultFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

ProfileIdentity::ProfileIdentity(const QString &folder)
    : m_folder(folder)
{
}

QString ProfileIdentity::keyFile() const
{
    return QDir(m_folder).filePath(u"identity.key"_s);
}

QString ProfileIdentity::knownKeysFile() const
{
    // The CLI's convention: FILE.known next to the identity file.
    return keyFile() + u".known"_s;
}

bool ProfileIdentity::load()
{
    m_identity.reset();
    m_errorText.clear();
    m_refusedAsShared = false;
    const QString path = keyFile();
    // Checked here first for the words: the library's reason is for logs and the command line.
    if (sharedWithOthers(path)) {
        m_refusedAsShared = true;
        m_errorText = IdentityText::tr("Your identity key file %1 can be read or changed by other users of this computer, "
                                       "so PeerLink does not use it: anyone who copied it could pose as you. Make it "
                                       "private (chmod 600 \"%1\") if only you ever had access, or delete it to get a new "
                                       "identity (your peers will then be told your key changed). Until then PeerLink "
                                       "works without an identity: your messages are not end-to-end encrypted.")
                          .arg(QDir::toNativeSeparators(path));
        return false;
    }
    QString why;
    m_identity = Crypto::Identity::loadOrCreate(path, &why);
    if (!m_identity) {
        m_errorText = IdentityText::tr("PeerLink could not use your identity key file %1 (%2). Until this is fixed it "
                                       "works without an identity: your messages are not end-to-end encrypted.")
                          .arg(QDir::toNativeSeparators(path), why);
        return false;
    }
    return true;
}

QString ProfileIdentity::outgoingTransfersFile() const
{
    return QDir(m_folder).filePath(u"transfers.json"_s);
}

bool ProfileIdentity::applyTo(PeerClient *client)
{
    client->setIdentity(m_identity);
    // Files being sent, for client->files()->restore() (problems with it are logged; its good entries are kept).
    client->setOutgoingTransfersFile(outgoingTransfersFile());
    QString why;
    m_knownKeysErrorText.clear();
    if (client->setKnownKeysFile(knownKeysFile(), &why))
        return true;
    m_knownKeysErrorText = IdentityText::tr("PeerLink could not use the file of your peers' keys %1 (%2). It was left "
                                            "as it is; until it is fixed, peers' keys are remembered only until PeerLink "
                                            "quits.")
                               .arg(QDir::toNativeSeparators(knownKeysFile()), why);
    return false;
}

QString ProfileIdentity::fingerprint() const
{
    return m_identity ? m_identity->fingerprint() : QString();
}

} // namespace PeerLink
