#include "languagemanager.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace PeerLink {

using namespace Qt::StringLiterals;

LanguageManager::LanguageManager(QObject *parent)
    : QObject(parent)
{
}

LanguageManager::~LanguageManager()
{
    removeTranslators();
}

QList<LanguageManager::Language> LanguageManager::available()
{
    return { { QString(), tr("System language") }, { u"en"_s, u"English"_s }, { u"zh_CN"_s, u"简体中文"_s } };
}

QString LanguageManager::apply(const QString &code)
{
    removeTranslators();
    const QLocale locale = code.isEmpty() ? QLocale::system() : QLocale(code);
    QLocale::setDefault(locale);

    auto *app = new QTranslator(this);
    QString used = u"en"_s;
    // The English source strings need no translation; the _en file only carries plural forms.
    // A language without a file of its own (and the C locale, which has no language at all) gets the English file:
    // without it, plurals read "2 peer(s)".
    if (app->load(locale, u"peerlink"_s, u"_"_s, u":/i18n"_s) || app->load(u":/i18n/peerlink_en"_s)) {
        QCoreApplication::installTranslator(app);
        m_translators.append(app);
        // ":/i18n/peerlink_zh_CN.qm" -> "zh_CN"
        used = app->filePath().section(u'/', -1).section(u'.', 0, 0).mid(int(qstrlen("peerlink_")));
    } else {
        delete app;
    }
    auto *qt = new QTranslator(this);
    if (qt->load(locale, u"qtbase"_s, u"_"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt);
        m_translators.append(qt);
    } else {
        delete qt;
    }
    m_current = used;
    Q_EMIT languageChanged(used);
    return used;
}

void LanguageManager::removeTranslators()
{
    for (QTranslator *t : std::as_const(m_translators)) {
        QCoreApplication::removeTranslator(t);
        delete t;
    }
    m_translators.clear();
}

} // namespace PeerLink
