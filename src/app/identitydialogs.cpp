#include "identitydialogs.h"

#include "app/apppalette.h"

#include "profileidentity.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QDir>
#include <QEvent>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace PeerLink {

using namespace Qt::StringLiterals;

QString fingerprintForReading(const QString &fingerprint)
{
    const QStringList groups = fingerprint.split(u' ', Qt::SkipEmptyParts);
    QStringList lines;
    for (int i = 0; i < groups.size(); i += 3)
        lines.append(groups.mid(i, 3).join(u' '));
    return lines.join(u'\n');
}

namespace {
QLabel *fingerprintLabel(QWidget *parent, const QString &name)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPointSizeF(font.pointSizeF() * 1.5);
    label->setFont(font);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QLabel *wrappedLabel(QWidget *parent, const QString &name)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    return label;
}
} // namespace

// ---- IdentityDialog ---------------------------------------------------------------------------------------------

IdentityDialog::IdentityDialog(const ProfileIdentity *identity, QWidget *parent)
    : QDialog(parent)
    , m_identity(identity)
{
    setObjectName(u"identityDialog"_s);
    setMinimumWidth(460);
    auto *layout = new QVBoxLayout(this);
    m_intro = wrappedLabel(this, u"identityIntro"_s);
    m_fingerprint = fingerprintLabel(this, u"ownFingerprint"_s);
    m_where = wrappedLabel(this, u"identityFile"_s);
    m_where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error = wrappedLabel(this, u"identityError"_s);
    markAsError(m_error);
    auto *buttons = new QDialogButtonBox(this);
    m_copy = buttons->addButton(QString(), QDialogButtonBox::ActionRole);
    m_copy->setObjectName(u"copyFingerprint"_s);
    m_close = buttons->addButton(QDialogButtonBox::Close);
    layout->addWidget(m_intro);
    layout->addWidget(m_fingerprint, 0, Qt::AlignHCenter);
    layout->addWidget(m_where);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_identity ? m_identity->fingerprint() : QString());
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    const bool valid = identity && identity->isValid();
    m_fingerprint->setVisible(valid);
    m_copy->setEnabled(valid);
    m_error->setVisible(!valid);
    retranslate();
}

void IdentityDialog::retranslate()
{
    setWindowTitle(tr("My identity"));
    m_copy->setText(tr("&Copy the fingerprint"));
    m_close->setText(tr("Close"));
    if (m_identity && m_identity->isValid()) {
        m_intro->setText(tr("This is your fingerprint. Peers who want to be sure that they talk to you compare it with "
                            "what their PeerLink shows for you, in person or on a call they trust."));
        m_fingerprint->setText(fingerprintForReading(m_identity->fingerprint()));
        m_where->setText(tr("Your key is kept in %1. Keep it private; whoever has it can pose as you.")
                             .arg(QDir::toNativeSeparators(m_identity->keyFile())));
        m_error->clear();
    } else {
        m_intro->setText(tr("You have no identity at the moment."));
        m_fingerprint->clear();
        m_where->setText(m_identity ? tr("The key would be kept in %1.").arg(QDir::toNativeSeparators(m_identity->keyFile()))
                                    : QString());
        m_error->setText(m_identity ? m_identity->errorText() : QString());
    }
}

void IdentityDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

// ---- VerifyPeerDialog -------------------------------------------------------------------------------------------

VerifyPeerDialog::VerifyPeerDialog(const QString &peerId, const QString &peerName, const QString &peerFingerprint,
                                   const QString &ownFingerprint, bool verified, QWidget *parent)
    : QDialog(parent)
    , m_peerId(peerId)
    , m_peerName(peerName.isEmpty() ? peerId : peerName)
    , m_peerFingerprint(peerFingerprint)
    , m_ownFingerprint(ownFingerprint)
    , m_verified(verified)
{
    setObjectName(u"verifyPeerDialog"_s);
    setMinimumWidth(460);
    auto *layout = new QVBoxLayout(this);
    m_intro = wrappedLabel(this, u"verifyIntro"_s);
    auto *grid = new QGridLayout;
    m_peerCaption = wrappedLabel(this, u"peerCaption"_s);
    m_ownCaption = wrappedLabel(this, u"ownCaption"_s);
    m_peerPrint = fingerprintLabel(this, u"peerFingerprint"_s);
    m_ownPrint = fingerprintLabel(this, u"ownFingerprint"_s);
    grid->addWidget(m_peerCaption, 0, 0);
    grid->addWidget(m_ownCaption, 0, 1);
    grid->addWidget(m_peerPrint, 1, 0);
    grid->addWidget(m_ownPrint, 1, 1);
    grid->setHorizontalSpacing(24);
    auto *buttons = new QDialogButtonBox(this);
    m_mark = buttons->addButton(QString(), QDialogButtonBox::AcceptRole);
    m_mark->setObjectName(u"markVerifiedButton"_s);
    m_unmark = buttons->addButton(QString(), QDialogButtonBox::DestructiveRole);
    m_unmark->setObjectName(u"unmarkVerifiedButton"_s);
    m_close = buttons->addButton(QDialogButtonBox::Close);
    layout->addWidget(m_intro);
    layout->addLayout(grid);
    layout->addWidget(buttons);
    const bool hasKey = !peerFingerprint.isEmpty() && !ownFingerprint.isEmpty();
    m_mark->setVisible(hasKey && !verified);
    m_unmark->setVisible(verified);
    m_peerPrint->setVisible(!peerFingerprint.isEmpty());
    m_ownPrint->setVisible(!ownFingerprint.isEmpty());
    connect(m_mark, &QPushButton::clicked, this, [this] {
        Q_EMIT markRequested();
        accept();
    });
    connect(m_unmark, &QPushButton::clicked, this, [this] {
        Q_EMIT unmarkRequested();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    retranslate();
}

void VerifyPeerDialog::retranslate()
{
    const QString who = m_peerName == m_peerId ? m_peerId : tr("%1 (%2)").arg(m_peerName, m_peerId);
    setWindowTitle(tr("Verify %1").arg(who));
    if (m_peerFingerprint.isEmpty())
        m_intro->setText(tr("%1 has no key on this hub (an older PeerLink, or no identity), so there is nothing to "
                            "compare and messages with them are not end-to-end encrypted.")
                             .arg(who));
    else if (m_ownFingerprint.isEmpty())
        m_intro->setText(tr("You have no identity at the moment, so %1 cannot verify you and you cannot mark them "
                            "verified. See PeerLink ▸ My identity.")
                             .arg(who));
    else
        m_intro->setText(tr("Compare these numbers with %1 in person, or on a call where you know their voice: each of "
                            "you reads out what the other's PeerLink shows. If both pairs match, mark %1 as verified. If "
                            "they differ, someone may be in between: do not mark them.")
                             .arg(who));
    if (m_keyChanged && !m_peerFingerprint.isEmpty())
        m_intro->setText(tr("%1's key changed: these are the numbers of the new key. Marking it verified also "
                            "accepts it.").arg(who)
                         + u"\n\n"_s + m_intro->text());
    m_peerCaption->setText(tr("%1's fingerprint").arg(who));
    m_ownCaption->setText(tr("Your fingerprint"));
    m_peerPrint->setText(fingerprintForReading(m_peerFingerprint));
    m_ownPrint->setText(fingerprintForReading(m_ownFingerprint));
    m_mark->setText(tr("&Mark as verified"));
    m_unmark->setText(tr("&Remove the verified mark"));
    m_close->setText(tr("Close"));
}

void VerifyPeerDialog::setKeyChanged(bool changed)
{
    m_keyChanged = changed;
    retranslate();
}

void VerifyPeerDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

} // namespace PeerLink
