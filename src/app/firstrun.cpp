#include "firstrun.h"

#include "app/apppalette.h"
#include "app/appsettings.h"
#include "core/rules.h"
#include "ui_welcomedialog.h"

#include <QCoreApplication>
#include <QPushButton>

namespace PeerLink {

using namespace Qt::StringLiterals;

namespace {

QString slug(const QString &text)
{
    QString out;
    for (const QChar c : text.trimmed().toLower()) {
        if ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'.' || c == u'_' || c == u'-')
            out += c;
        else if (c.isSpace() && !out.endsWith(u'-'))
            out += u'-';
    }
    // No dots or dashes at the ends, none doubled where a space met one.
    while (!out.isEmpty() && (out.front() == u'-' || out.front() == u'.'))
        out.remove(0, 1);
    while (!out.isEmpty() && (out.back() == u'-' || out.back() == u'.'))
        out.chop(1);
    return out.left(Rules::MaxIdLength);
}

} // namespace

QString proposePeerId(const QString &displayName, const QString &userName)
{
    for (const QString &from : { displayName, userName }) {
        const QString id = slug(from);
        if (Rules::isValidId(id))
            return id;
    }
    return u"me"_s;
}

WelcomeDialog::WelcomeDialog(AppSettings *settings, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::WelcomeDialog>())
    , m_settings(settings)
    , m_userName(qEnvironmentVariable("USER"))
{
    m_ui->setupUi(this);
    m_ui->nameEdit->setText(settings->displayName());
    m_ui->idEdit->setText(proposePeerId(settings->displayName(), m_userName));
    markAsError(m_ui->idErrorLabel);
    connect(m_ui->nameEdit, &QLineEdit::textEdited, this, &WelcomeDialog::nameEdited);
    connect(m_ui->idEdit, &QLineEdit::textEdited, this, [this] {
        m_idEdited = true;
        validate();
    });
    validate();
}

WelcomeDialog::~WelcomeDialog() = default;

QString WelcomeDialog::displayName() const
{
    return m_ui->nameEdit->text().trimmed();
}

QString WelcomeDialog::peerId() const
{
    return m_ui->idEdit->text().trimmed();
}

WelcomeDialog::Choice WelcomeDialog::choice() const
{
    return m_ui->joinRadio->isChecked() ? Choice::Join : Choice::Host;
}

void WelcomeDialog::nameEdited(const QString &name)
{
    if (!m_idEdited)
        m_ui->idEdit->setText(proposePeerId(name, m_userName));
    validate();
}

void WelcomeDialog::validate()
{
    QString problem;
    if (!Rules::isValidId(peerId()))
        problem = QCoreApplication::translate(
            "PeerLink::ConnectDialog", "An id is 1 to 64 letters, digits, dots, dashes or underscores, with no spaces.");
    else if (!displayName().isEmpty() && !Rules::isValidName(displayName()))
        problem = QCoreApplication::translate(
            "PeerLink::ConnectDialog", "A display name is at most 64 characters, on one line."); // the same words
    m_ui->idErrorLabel->setText(problem);
    m_ui->idErrorLabel->setVisible(!problem.isEmpty());
    m_ui->buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

void WelcomeDialog::accept()
{
    validate();
    if (!m_ui->buttons->button(QDialogButtonBox::Ok)->isEnabled())
        return;
    m_settings->setDisplayName(displayName());
    m_settings->setPeerId(peerId());
    QDialog::accept();
}

} // namespace PeerLink
