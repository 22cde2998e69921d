#include "util/displaytext.h"

namespace flywheel {

QString readableName(const QString &name)
{
    QString text = name.trimmed();
    text.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

QString percentText(double fraction, int decimals)
{
    return QStringLiteral("%1 %").arg(100.0 * fraction, 0, 'f', decimals);
}

QString shareText(qint64 part, qint64 whole, int decimals)
{
    if (whole <= 0)
        return QStringLiteral("-");
    return percentText(double(part) / double(whole), decimals);
}

} // namespace flywheel
