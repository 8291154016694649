#pragma once

#include <QList>
#include <QObject>
#include <QString>

class QTranslator;

namespace PeerLink {

/// Loads the app's translation (and Qt's own) for the chosen language, or the system's; switching at run time
/// makes every widget get a LanguageChange event and retranslate itself.
class LanguageManager : public QObject
{
    Q_OBJECT
public:
    explicit LanguageManager(QObject *parent = nullptr);
    ~LanguageManager() override;

    struct Language
    {
        QString code; ///< "" for the system's language
        QString nativeName;
    };
    /// The choices for the settings dialog: system, English, 简体中文.
    static QList<Language> available();

    /// Applies @p code ("" = system locale). Returns the locale name actually used (e.g. "zh_CN" or "en").
    QString apply(const QString &code);
    QString current() const { return m_current; }

Q_SIGNALS:
    void languageChanged(const QString &localeName);

private:
    void removeTranslators();

    QList<QTranslator *> m_translators;
    QString m_current;
};

} // namespace PeerLink
