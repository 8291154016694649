#include "secrets.h"

#include <QByteArray>
#include <QRandomGenerator>

#include <vector>

namespace PeerLink {

using namespace Qt::StringLiterals;

QString randomHex(int bytes)
{
    const int words = (std::max(bytes, 1) + 3) / 4;
    std::vector<quint32> data(size_t(words), 0);
    QRandomGenerator::system()->fillRange(data.data(), qsizetype(data.size()));
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(data.data()), std::max(bytes, 1)).toHex());
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.isEmpty() || a.size() != b.size())
        return false;
    unsigned diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= unsigned(uchar(a[i]) ^ uchar(b[i]));
    return diff == 0;
}

bool constantTimeEquals(QStringView a, QStringView b)
{
    return constantTimeEquals(QByteArrayView(a.toUtf8()), QByteArrayView(b.toUtf8()));
}

QString hostPort(const QString &host, quint16 port, bool dropScope)
{
    QString h = host;
    if (dropScope) {
        const qsizetype percent = h.indexOf(u'%');
        if (percent >= 0)
            h.truncate(percent);
    }
    return h.contains(u':') ? u"[%1]:%2"_s.arg(h).arg(port) : u"%1:%2"_s.arg(h).arg(port);
}

} // namespace PeerLink
