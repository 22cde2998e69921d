#include "dashboardoptions.h"

#include "util/timestamps.h"

#include <QDateTime>

#include <optional>

namespace flywheel::cli {
namespace {

// RFC 3339, or a bare date. The dashboard counts whole UTC days.
std::optional<qint64> parseTime(const QString &text)
{
    if (const auto parsed = parseRfc3339(text.toStdString()))
        return parsed;
    const QDate date = QDate::fromString(text, Qt::ISODate);
    if (!date.isValid())
        return std::nullopt;
    return QDateTime(date, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
}

// Values of an option given several times or as a comma-separated list.
QStringList values(const QCommandLineParser &parser, const QString &option)
{
    QStringList out;
    for (const QString &value : parser.values(option))
        for (const QString &part : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
            out.append(part.trimmed());
    return out;
}

} // namespace

void addDashboardOptions(QCommandLineParser &parser, const QString &prefix, bool bucket)
{
    parser.addOptions({
        {QStringLiteral("from"),
         prefix + QStringLiteral("interactions from this day (RFC 3339 time or YYYY-MM-DD, UTC days)."),
         QStringLiteral("time")},
        {QStringLiteral("to"), prefix + QStringLiteral("interactions up to this day, included."),
         QStringLiteral("time")},
        {QStringLiteral("model-version"),
         prefix + QStringLiteral("only these model versions (repeatable, or comma-separated)."),
         QStringLiteral("version")},
        {QStringLiteral("segment"),
         prefix + QStringLiteral("only these segments (repeatable, or comma-separated)."),
         QStringLiteral("segment")},
    });
    if (bucket)
        parser.addOption({QStringLiteral("bucket"),
                          prefix + QStringLiteral("time buckets: day (default) or week."),
                          QStringLiteral("size"), QStringLiteral("day")});
}

QString readTimeRange(const QCommandLineParser &parser, qint64 &fromMs, qint64 &toMs)
{
    for (const QString &option : {QStringLiteral("from"), QStringLiteral("to")}) {
        if (!parser.isSet(option))
            continue;
        const QString text = parser.value(option);
        // The end is excluded: the millisecond after a time, the day after a date.
        std::optional<qint64> time = parseRfc3339(text.toStdString());
        qint64 after = 1;
        if (!time) {
            time = parseTime(text);
            after = 24 * 3600 * 1000;
        }
        if (!time)
            return QStringLiteral("--%1 takes an RFC 3339 time or a date (YYYY-MM-DD), not \"%2\"")
                .arg(option, text);
        if (option == QLatin1String("from"))
            fromMs = *time;
        else
            toMs = *time + after;
    }
    if (fromMs != 0 && toMs != 0 && toMs <= fromMs)
        return QStringLiteral("--to must not be before --from");
    return {};
}

QString readDashboardOptions(const QCommandLineParser &parser, DashboardFilter &filter, bool bucket)
{
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    for (const auto &option :
         {std::pair{QStringLiteral("from"), &filter.fromMs}, std::pair{QStringLiteral("to"), &filter.toMs}}) {
        if (!parser.isSet(option.first))
            continue;
        const auto time = parseTime(parser.value(option.first));
        if (!time)
            return QStringLiteral("--%1 takes an RFC 3339 time or a date (YYYY-MM-DD), not \"%2\"")
                .arg(option.first, parser.value(option.first));
        *option.second = *time;
    }
    if (filter.fromMs != 0 && filter.toMs != 0 && filter.toMs < filter.fromMs)
        return QStringLiteral("--to must not be before --from");
    filter.modelVersions = values(parser, QStringLiteral("model-version"));
    filter.segments = values(parser, QStringLiteral("segment"));
    if (bucket) {
        const QString size = parser.value(QStringLiteral("bucket"));
        if (size != QLatin1String("day") && size != QLatin1String("week"))
            return QStringLiteral("--bucket must be day or week, not \"%1\"").arg(size);
        filter.bucket =
            size == QLatin1String("week") ? DashboardFilter::Bucket::Week : DashboardFilter::Bucket::Day;
    }
    return {};
}

} // namespace flywheel::cli
