#pragma once

#include <QDialog>

class QLabel;
class QPushButton;

namespace PeerLink {

class ProfileIdentity;

/// A fingerprint as people compare it: three groups of digits a line ("12345 67890 13579\n24680 11223 34455").
QString fingerprintForReading(const QString &fingerprint);

/// "My identity": the own fingerprint, to read out or copy, and where the key is kept; or why there is none.
class IdentityDialog : public QDialog
{
    Q_OBJECT
public:
    explicit IdentityDialog(const ProfileIdentity *identity, QWidget *parent = nullptr);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    const ProfileIdentity *m_identity;
    QLabel *m_intro;
    QLabel *m_fingerprint;
    QLabel *m_where;
    QLabel *m_error;
    QPushButton *m_copy;
    QPushButton *m_close;
};

/// "Verify…": a peer's fingerprint and one's own side by side, to compare in person; marks the peer verified (or
/// takes the mark away). The choice is the caller's to keep (markRequested / unmarkRequested).
class VerifyPeerDialog : public QDialog
{
    Q_OBJECT
public:
    /// @p peerFingerprint empty: the peer has no key (nothing to verify).
    VerifyPeerDialog(const QString &peerId, const QString &peerName, const QString &peerFingerprint,
                     const QString &ownFingerprint, bool verified, QWidget *parent = nullptr);
    /// The peer's key changed and is not accepted yet: the dialog says these are the new key's numbers (marking it
    /// verified accepts it).
    void setKeyChanged(bool changed);

Q_SIGNALS:
    void markRequested();
    void unmarkRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    QString m_peerId;
    QString m_peerName;
    QString m_peerFingerprint;
    QString m_ownFingerprint;
    bool m_verified;
    bool m_keyChanged = false;
    QLabel *m_intro;
    QLabel *m_peerCaption;
    QLabel *m_peerPrint;
    QLabel *m_ownCaption;
    QLabel *m_ownPrint;
    QPushButton *m_mark;
    QPushButton *m_unmark;
    QPushButton *m_close;
};

} // namespace PeerLink
