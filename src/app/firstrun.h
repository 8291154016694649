#pragma once

#include <QDialog>

#include <memory>

namespace Ui {
class WelcomeDialog;
}

namespace PeerLink {

class AppSettings;

/// An id proposed for a person: from @p displayName ("Li Lei" -> "li-lei"), else from the system's @p userName, else
/// "me". Lower case; spaces become dashes; only A-Z a-z 0-9 . _ - are kept; at most 64 characters. The same input
/// always gives the same id (no random parts: people read ids).
QString proposePeerId(const QString &displayName, const QString &userName);

/// The first run: asks for a display name, proposes an id from it (editable, checked as typed), and asks whether to
/// host a hub for the group or join one. Saves the name and id through AppSettings when accepted.
class WelcomeDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Choice { Host, Join };

    explicit WelcomeDialog(AppSettings *settings, QWidget *parent = nullptr);
    ~WelcomeDialog() override;

    QString displayName() const;
    QString peerId() const;
    Choice choice() const;

    void accept() override;

private:
    /// The id follows the name until the user edits the id.
    void nameEdited(const QString &name);
    void validate();

    std::unique_ptr<Ui::WelcomeDialog> m_ui;
    AppSettings *m_settings;
    QString m_userName;
    bool m_idEdited = false;
};

} // namespace PeerLink
