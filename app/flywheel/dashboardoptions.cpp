#include "dashboardoptions.h"

#include "util/timestamps.h"

#include <QDateTime>

#include <optional>

namespace flywheel::cli {
namespace {

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

QCommandLineOption fromOption(const QString &what)
{
    return {QStringLiteral("from"),
            what + QStringLiteral(" from this date (YYYY-MM-DD, a UTC day) or RFC 3339 time on."),
            QStringLiteral("time")};
}

QCommandLineOption toOption(const QString &what)
{
    return {QStringLiteral("to"),
            what + QStringLiteral(" up to this date, that whole UTC day included, or this RFC 3339 time."),
            QStringLiteral("time")};
}

void addDashboardOptions(QCommandLineParser &parser, const QString &prefix, bool bucket)
{
    parser.addOptions({
        fromOption(prefix + QStringLiteral("interactions")),
        toOption(prefix + QStringLiteral("interactions")),
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

QString readTimeRange(const QCommandLineParser &parser, TimeRange &range)
{
    auto read = parseTimeRange(parser.value(QStringLiteral("from")), parser.value(QStringLiteral("to")));
    if (!read)
        return read.errorMessage();
    range = *read;
    return {};
}

QString readDashboardOptions(const QCommandLineParser &parser, DashboardFilter &filter, bool bucket)
{
    if (QString error = readTimeRange(parser, filter.time); !error.isEmpty())
        return error;
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
