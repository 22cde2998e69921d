#include "store/storelocation.h"

#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

namespace flywheel {
namespace {

// The URI's query, split at the first '?': libpq URIs are scheme://authority/dbname?key=value&...
struct SplitUri {
    QString base;
    QStringList parameters;
};

SplitUri split(const QString &location)
{
    const qsizetype question = location.indexOf(QLatin1Char('?'));
    if (question < 0)
        return {location, {}};
    return {location.left(question), location.mid(question + 1).split(QLatin1Char('&'), Qt::SkipEmptyParts)};
}

QString join(const SplitUri &uri)
{
    return uri.parameters.isEmpty() ? uri.base
                                    : uri.base + QLatin1Char('?') + uri.parameters.join(QLatin1Char('&'));
}

bool isParameter(const QString &parameter, QLatin1StringView key)
{
    return parameter.startsWith(key) && parameter.size() > key.size() &&
           parameter.at(key.size()) == QLatin1Char('=');
}

} // namespace

bool StoreLocation::isServer(const QString &location)
{
    return location.startsWith(QLatin1String("postgresql://")) ||
           location.startsWith(QLatin1String("postgres://"));
}

QString StoreLocation::redacted(const QString &location)
{
    if (!isServer(location))
        return location;
    SplitUri uri = split(location);
    // scheme://user:password@host → scheme://user@host; the authority ends at the first '/'.
    static const QRegularExpression userPassword(QStringLiteral("^(postgres(?:ql)?://[^/@:]*):[^/@]*@"));
    uri.base.replace(userPassword, QStringLiteral("\\1@"));
    uri.parameters.removeIf([](const QString &p) { return isParameter(p, QLatin1StringView("password")); });
    return join(uri);
}

QString StoreLocation::connectionUri(const QString &location)
{
    SplitUri uri = split(location);
    uri.parameters.removeIf([](const QString &p) { return isParameter(p, QLatin1StringView("schema")); });
    return join(uri);
}

QString StoreLocation::schema(const QString &location)
{
    for (const QString &parameter : split(location).parameters) {
        if (isParameter(parameter, QLatin1StringView("schema")))
            return QUrl::fromPercentEncoding(parameter.mid(7).toUtf8());
    }
    return QString::fromLatin1(kDefaultSchema);
}

QString StoreLocation::withSchema(const QString &location, const QString &schema)
{
    SplitUri uri = split(connectionUri(location));
    if (schema != QLatin1String(kDefaultSchema))
        uri.parameters.append(QStringLiteral("schema=") + QString::fromUtf8(QUrl::toPercentEncoding(schema)));
    return join(uri);
}

} // namespace flywheel
