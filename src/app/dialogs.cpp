#include "dialogs.h"

#include "app/apppalette.h"

#include "appsettings.h"
#include "core/rules.h"
#include "hubaddresses.h"
#include "hub/hubsettings.h"
#include "languagemanager.h"
#include "landiscovery.h"
#include "passwordstore.h"

#include "ui_connectdialog.h"
#include "ui_hostdialog.h"
#include "ui_settingsdialog.h"

#include <QEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QPointer>

namespace PeerLink {

using namespace Qt::StringLiterals;

QString validateConnection(const QString &addresses, const QString &id, const QString &name)
{
    if (const HubAddresses hubs = HubAddresses::parse(addresses); !hubs.ok())
        return hubs.error;
    if (!Rules::isValidId(id))
        return ConnectDialog::tr("An id is 1 to 64 letters, digits, dots, dashes or underscores, with no spaces.");
    if (!name.isEmpty() && !Rules::isValidName(name))
        return ConnectDialog::tr("A display name is at most 64 characters, on one line.");
    return QString();
}

// ---- ConnectDialog --------------------------------------------------------------------------------------------

ConnectDialog::ConnectDialog(AppSettings *settings, PasswordStore *passwords, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::ConnectDialog>())
    , m_settings(settings)
    , m_passwords(passwords)
{
    m_ui->setupUi(this);
    setHubUrls(settings->hubUrls());
    m_ui->idEdit->setText(settings->peerId());
    m_ui->nameEdit->setText(settings->displayName());
    m_ui->rememberPasswordCheck->setChecked(settings->rememberPassword());
    m_ui->plainTextCheck->setChecked(settings->passwordInPlainText());
    markAsError(m_ui->errorLabel);
    m_ui->errorLabel->hide();
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);
    connect(m_ui->rememberPasswordCheck, &QCheckBox::toggled, this, &ConnectDialog::showKeychainState);
    if (m_passwords) {
        connect(m_passwords, &PasswordStore::keychainChecked, this, &ConnectDialog::showKeychainState);
        // The remembered password arrives from the keychain a moment later (unless the user typed one by then).
        // Only for that hub: an invitation may have put another hub's address in meanwhile.
        m_passwords->load(settings->hubUrl(), [self = QPointer(this), hub = settings->hubUrl()](const QString &password) {
            if (self && self->m_ui->passwordEdit->text().isEmpty() && self->hubUrl() == hub)
                self->m_ui->passwordEdit->setText(password);
        });
    }
    showKeychainState();
    showLanState();
    connect(m_ui->lanHubList, &QAbstractItemView::clicked, this, [this](const QModelIndex &index) {
        setHubUrl(index.data(LanHubsModel::UrlRole).toUrl());
        setError(index.data(LanHubsModel::PasswordRequiredRole).toBool()
                     ? tr("This hub asks for a password: its host can tell you.")
                     : QString());
    });
}

void ConnectDialog::setLanHubs(LanHubsModel *hubs)
{
    m_lanHubs = hubs;
    m_ui->lanHubList->setModel(hubs);
    if (hubs) {
        for (auto signal : { &QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved })
            connect(hubs, signal, this, &ConnectDialog::showLanState);
        if (hubs->discovery())
            connect(hubs->discovery(), &LanDiscovery::stateChanged, this, &ConnectDialog::showLanState);
    }
    showLanState();
}

void ConnectDialog::showLanState()
{
    LanDiscovery *discovery = m_lanHubs ? m_lanHubs->discovery() : nullptr;
    const bool unavailable = !discovery || discovery->state() == LanDiscovery::State::Unavailable;
    const bool found = m_lanHubs && m_lanHubs->rowCount() > 0;
    if (unavailable)
        m_ui->lanStatusLabel->setText(discovery ? discovery->unavailableReason()
                                                : tr("Hubs on the local network are not looked for."));
    else if (found)
        m_ui->lanStatusLabel->setText(tr("Choose a hub to fill in its address:"));
    else
        m_ui->lanStatusLabel->setText(tr("Looking for hubs on the local network… none found yet."));
    m_ui->lanHubList->setVisible(found);
}

void ConnectDialog::showKeychainState()
{
    PeerLink::showKeychainState(m_passwords, m_ui->keychainLabel, m_ui->plainTextCheck,
                                m_ui->rememberPasswordCheck->isChecked());
}

void showKeychainState(PasswordStore *passwords, QLabel *label, QCheckBox *plainText, bool wanted)
{
    const auto keychain = passwords ? passwords->keychain() : PasswordStore::Keychain::Unavailable;
    const bool unavailable = keychain == PasswordStore::Keychain::Unavailable;
    switch (keychain) {
    case PasswordStore::Keychain::Available:
        label->setText(ConnectDialog::tr("A remembered password is kept in the system keychain."));
        break;
    case PasswordStore::Keychain::Unavailable:
        label->setText(
            ConnectDialog::tr("No system keychain (such as GNOME Keyring or KWallet) answers: the password is remembered "
                              "only if you allow it in plain text in PeerLink's settings file."));
        break;
    case PasswordStore::Keychain::Unknown:
        label->setText(ConnectDialog::tr("Looking for the system keychain…"));
        break;
    }
    label->setVisible(wanted);
    plainText->setVisible(unavailable);
    plainText->setEnabled(unavailable && wanted);
}

ConnectDialog::~ConnectDialog() = default;

QUrl ConnectDialog::hubUrl() const
{
    return hubUrls().value(0);
}

QList<QUrl> ConnectDialog::hubUrls() const
{
    return HubAddresses::parse(m_ui->hubUrlEdit->text()).urls;
}

QHash<QUrl, QString> ConnectDialog::invitationPins() const
{
    return HubAddresses::parse(m_ui->hubUrlEdit->text()).pins;
}

void ConnectDialog::setHubUrl(const QUrl &url)
{
    setHubUrls({ url });
}

void ConnectDialog::setHubUrls(const QList<QUrl> &urls)
{
    m_ui->hubUrlEdit->setText(HubAddresses::format(urls));
}

QString ConnectDialog::peerId() const
{
    return m_ui->idEdit->text().trimmed();
}

QString ConnectDialog::displayName() const
{
    return m_ui->nameEdit->text().trimmed();
}

QString ConnectDialog::password() const
{
    return m_ui->passwordEdit->text();
}

void ConnectDialog::setError(const QString &text)
{
    m_ui->errorLabel->setText(text);
    m_ui->errorLabel->setVisible(!text.isEmpty());
}

void ConnectDialog::accept()
{
    const QString error = validateConnection(m_ui->hubUrlEdit->text(), peerId(), displayName());
    if (!error.isEmpty()) {
        setError(error);
        return;
    }
    m_settings->setHubUrls(hubUrls());
    m_settings->setPeerId(peerId());
    m_settings->setDisplayName(displayName());
    if (m_passwords) {
        m_passwords->save(hubUrl(), password(), m_ui->rememberPasswordCheck->isChecked(),
                          m_ui->plainTextCheck->isChecked());
    } else {
        m_settings->setRememberPassword(m_ui->rememberPasswordCheck->isChecked());
    }
    QDialog::accept();
}

void ConnectDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_ui->retranslateUi(this);
        showKeychainState();
        showLanState();
    }
    QDialog::changeEvent(event);
}

// ---- HostDialog -----------------------------------------------------------------------------------------------

HostDialog::HostDialog(AppSettings *settings, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::HostDialog>())
    , m_settings(settings)
{
    m_ui->setupUi(this);
    fillBindChoices();
    const QString bound = settings->hostBindAddress().toString();
    const int index = m_ui->bindCombo->findData(bound);
    if (index >= 0)
        m_ui->bindCombo->setCurrentIndex(index);
    else
        m_ui->bindCombo->setEditText(bound);
    m_ui->portSpin->setValue(settings->hostPort());
    m_ui->hubNameEdit->setText(settings->hubName());
    m_ui->passwordEdit->setText(settings->hostPassword());
    m_ui->tlsCertEdit->setText(settings->hostTlsCertificate());
    m_ui->tlsKeyEdit->setText(settings->hostTlsKey());
    m_pickFile = [](QWidget *parent, const QString &caption, const QString &dir, const QString &filter) {
        return QFileDialog::getOpenFileName(parent, caption, dir, filter);
    };
    connect(m_ui->tlsCertBrowseButton, &QPushButton::clicked, this, &HostDialog::browseCertificate);
    connect(m_ui->tlsKeyBrowseButton, &QPushButton::clicked, this, &HostDialog::browseKey);
    m_ui->maxPeersSpin->setValue(settings->hostMaxPeers());
    m_ui->maxMessageSpin->setValue(settings->hostMaxMessageKiB());
    m_ui->rateSpin->setValue(settings->hostMessagesPerSecond());
    m_ui->rateSpin->setSpecialValueText(tr("no limit"));
    m_ui->perAddressSpin->setValue(settings->hostMaxConnectionsPerAddress());
    m_ui->perAddressSpin->setSpecialValueText(tr("no limit"));
    m_ui->advancedEdit->setPlainText(settings->hostMoreSettings());
    // Announced on the local network: as saved, else on for LAN addresses and off for loopback, following the
    // address chosen here until the user sets it.
    m_ui->announceCheck->setChecked(settings->hostAnnounce());
    connect(m_ui->announceCheck, &QCheckBox::clicked, this, [this] { m_announceTouched = true; });
    connect(m_ui->bindCombo, &QComboBox::currentTextChanged, this, [this] {
        if (!m_announceTouched)
            m_ui->announceCheck->setChecked(announceByDefault(bindAddress()));
    });
    markAsError(m_ui->errorLabel);
    m_ui->errorLabel->hide();
    showPasswordPlace(); // nowhere to say until a PasswordStore is given
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &HostDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &HostDialog::reject);
}

HostDialog::~HostDialog() = default;

void HostDialog::setPasswordStore(PasswordStore *passwords)
{
    m_passwords = passwords;
    m_ui->plainTextCheck->setChecked(!m_settings->hostPassword().isEmpty());
    connect(m_ui->passwordEdit, &QLineEdit::textChanged, this, &HostDialog::showPasswordPlace);
    connect(passwords, &PasswordStore::keychainChecked, this, &HostDialog::showPasswordPlace);
    // A password in the keychain arrives a moment later (unless one was typed meanwhile).
    passwords->loadHost([self = QPointer(this)](const QString &password) {
        if (self && self->m_ui->passwordEdit->text().isEmpty())
            self->m_ui->passwordEdit->setText(password);
    });
    showPasswordPlace();
}

void HostDialog::showPasswordPlace()
{
    if (!m_passwords) {
        m_ui->keychainLabel->hide();
        m_ui->plainTextCheck->hide();
        return;
    }
    PeerLink::showKeychainState(m_passwords, m_ui->keychainLabel, m_ui->plainTextCheck,
                                !m_ui->passwordEdit->text().isEmpty());
}

void HostDialog::browseCertificate()
{
    browseInto(m_ui->tlsCertEdit, tr("Choose the TLS certificate"), m_ui->tlsCertEdit->text().trimmed());
}

void HostDialog::browseKey()
{
    const QString key = m_ui->tlsKeyEdit->text().trimmed();
    browseInto(m_ui->tlsKeyEdit, tr("Choose the TLS private key"), key.isEmpty() ? m_ui->tlsCertEdit->text().trimmed() : key);
}

void HostDialog::browseInto(QLineEdit *edit, const QString &caption, const QString &nearFile)
{
    if (!m_pickFile)
        return;
    const QString dir = nearFile.isEmpty() ? QString() : QFileInfo(nearFile).absolutePath();
    const QString chosen
        = m_pickFile(this, caption, dir, tr("PEM files (*.pem *.crt *.cer *.key);;All files (*)"));
    if (chosen.isEmpty())
        return; // cancelled: the field keeps what it had
    edit->setText(QDir::toNativeSeparators(chosen));
}

void HostDialog::fillBindChoices()
{
    const int current = m_ui->bindCombo->currentIndex();
    m_ui->bindCombo->clear();
    m_ui->bindCombo->addItem(tr("Other computers (all IPv4 interfaces)"), u"0.0.0.0"_s);
    m_ui->bindCombo->addItem(tr("Other computers (IPv4 and IPv6)"), u"::"_s);
    m_ui->bindCombo->addItem(tr("This computer only"), u"127.0.0.1"_s);
    if (current >= 0)
        m_ui->bindCombo->setCurrentIndex(current);
}

QHostAddress HostDialog::bindAddress() const
{
    const QComboBox *combo = m_ui->bindCombo;
    const int index = combo->findText(combo->currentText());
    if (index >= 0)
        return QHostAddress(combo->itemData(index).toString());
    return QHostAddress(combo->currentText().trimmed());
}

quint16 HostDialog::port() const
{
    return quint16(m_ui->portSpin->value());
}

QString HostDialog::hubName() const
{
    return m_ui->hubNameEdit->text().trimmed();
}

QString HostDialog::password() const
{
    return m_ui->passwordEdit->text();
}

void HostDialog::setError(const QString &text)
{
    m_ui->errorLabel->setText(text);
    m_ui->errorLabel->setVisible(!text.isEmpty());
}

void HostDialog::accept()
{
    HubServiceConfig probe; // the same checks as peerlink-hub's
    if (bindAddress().isNull()) {
        setError(tr("Choose where the hub can be reached from, or type an IP address of this computer."));
        return;
    }
    if (!applyHubSetting(probe, u"name"_s, hubName(), nullptr)) { // the hub's own rule, as in hub.conf
        setError(tr("A hub name is 1 to 64 characters, on one line."));
        return;
    }
    const QString cert = m_ui->tlsCertEdit->text().trimmed();
    const QString key = m_ui->tlsKeyEdit->text().trimmed();
    if (cert.isEmpty() != key.isEmpty()) {
        setError(tr("For wss://, give both the certificate and its key (or neither, for plain ws://)."));
        return;
    }
    QString why;
    if (!applyHubSetting(probe, u"tls-cert"_s, cert, &why) || !applyHubSetting(probe, u"tls-key"_s, key, &why)
        || !applyHubSettingsText(m_ui->advancedEdit->toPlainText(), tr("More settings"), probe, &why,
                                 hubDialogSettingKeys())) {
        setError(why);
        return;
    }
    m_settings->setHostBindAddress(bindAddress());
    m_settings->setHostPort(port());
    m_settings->setHubName(hubName());
    if (m_passwords)
        m_passwords->saveHost(password(), m_ui->plainTextCheck->isChecked());
    else
        m_settings->setHostPassword(password());
    m_settings->setHostTlsCertificate(cert);
    m_settings->setHostTlsKey(key);
    m_settings->setHostMaxPeers(m_ui->maxPeersSpin->value());
    m_settings->setHostMaxMessageKiB(m_ui->maxMessageSpin->value());
    m_settings->setHostMessagesPerSecond(m_ui->rateSpin->value());
    m_settings->setHostMaxConnectionsPerAddress(m_ui->perAddressSpin->value());
    m_settings->setHostMoreSettings(m_ui->advancedEdit->toPlainText());
    m_settings->setHostAnnounce(m_ui->announceCheck->isChecked());
    QDialog::accept();
}

void HostDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_ui->retranslateUi(this);
        fillBindChoices();
        showPasswordPlace();
    }
    QDialog::changeEvent(event);
}

// ---- SettingsDialog -------------------------------------------------------------------------------------------

SettingsDialog::SettingsDialog(AppSettings *settings, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::SettingsDialog>())
    , m_pickDirectory([](QWidget *parent, const QString &title, const QString &start) {
        return QFileDialog::getExistingDirectory(parent, title, start);
    })
    , m_settings(settings)
{
    m_ui->setupUi(this);
    m_ui->hubUrlEdit->setText(HubAddresses::format(settings->hubUrls()));
    m_ui->idEdit->setText(settings->peerId());
    m_ui->nameEdit->setText(settings->displayName());
    m_ui->hostOnLaunchCheck->setChecked(settings->hostOnLaunch());
    m_ui->notificationsCheck->setChecked(settings->notificationsEnabled());
    m_ui->readReceiptsCheck->setChecked(settings->readReceipts());
    m_ui->closeToTrayCheck->setChecked(settings->closeToTray());
    m_ui->retentionSpin->setValue(settings->historyRetentionDays());
    for (const auto &language : LanguageManager::available())
        m_ui->languageCombo->addItem(language.nativeName, language.code);
    m_ui->languageCombo->setCurrentIndex(std::max(0, m_ui->languageCombo->findData(settings->language())));
    // The combo's items are in IncomingFilesPolicy::Mode's order.
    const IncomingFilesPolicy incoming = settings->incomingFiles();
    m_ui->incomingFilesCombo->setCurrentIndex(int(incoming.mode));
    m_ui->incomingFolderEdit->setText(QDir::toNativeSeparators(incoming.folder));
    updateIncomingFolder();
    connect(m_ui->incomingFilesCombo, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateIncomingFolder);
    connect(m_ui->incomingFolderButton, &QAbstractButton::clicked, this, &SettingsDialog::browseIncomingFolder);
    markAsError(m_ui->errorLabel);
    m_ui->errorLabel->hide();
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::updateIncomingFolder()
{
    // The folder matters only when files are accepted into it.
    const bool used = m_ui->incomingFilesCombo->currentIndex() == int(IncomingFilesPolicy::Mode::AcceptVerified);
    m_ui->incomingFolderEdit->setEnabled(used);
    m_ui->incomingFolderButton->setEnabled(used);
}

void SettingsDialog::browseIncomingFolder()
{
    const QString dir
        = m_pickDirectory(this, tr("Save files from verified peers in"), m_ui->incomingFolderEdit->text().trimmed());
    if (!dir.isEmpty())
        m_ui->incomingFolderEdit->setText(QDir::toNativeSeparators(dir));
}

void SettingsDialog::accept()
{
    const QString error
        = validateConnection(m_ui->hubUrlEdit->text(), m_ui->idEdit->text().trimmed(), m_ui->nameEdit->text().trimmed());
    if (!error.isEmpty()) {
        m_ui->errorLabel->setText(error);
        m_ui->errorLabel->show();
        return;
    }
    IncomingFilesPolicy incoming;
    incoming.mode = IncomingFilesPolicy::Mode(m_ui->incomingFilesCombo->currentIndex());
    incoming.folder = QDir::fromNativeSeparators(m_ui->incomingFolderEdit->text().trimmed());
    if (incoming.mode == IncomingFilesPolicy::Mode::AcceptVerified && incoming.folder.isEmpty()) {
        m_ui->errorLabel->setText(tr("Choose the folder files from verified peers are saved in."));
        m_ui->errorLabel->show();
        return;
    }
    m_settings->setHubUrls(HubAddresses::parse(m_ui->hubUrlEdit->text()).urls);
    m_settings->setPeerId(m_ui->idEdit->text().trimmed());
    m_settings->setDisplayName(m_ui->nameEdit->text().trimmed());
    m_settings->setHostOnLaunch(m_ui->hostOnLaunchCheck->isChecked());
    m_settings->setNotificationsEnabled(m_ui->notificationsCheck->isChecked());
    m_settings->setReadReceipts(m_ui->readReceiptsCheck->isChecked());
    m_settings->setCloseToTray(m_ui->closeToTrayCheck->isChecked());
    m_settings->setHistoryRetentionDays(m_ui->retentionSpin->value());
    m_settings->setLanguage(m_ui->languageCombo->currentData().toString());
    m_settings->setIncomingFiles(incoming);
    QDialog::accept();
}

void SettingsDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        m_ui->retranslateUi(this);
    QDialog::changeEvent(event);
}

} // namespace PeerLink
