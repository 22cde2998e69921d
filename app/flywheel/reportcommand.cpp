#include "commands.h"
#include "dashboardoptions.h"

#include "charts/dashboardcharts.h"
#include "charts/savechart.h"
#include "metrics/dashboard.h"
#include "store/store.h"
#include "util/displaytext.h"

#include <QChart>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSaveFile>

#include <memory>

namespace flywheel::cli {
namespace {

// The size of each chart's PNG: wide enough for segment names and a few months of days.
constexpr QSize kChartSize(1200, 640);

QString filterText(const DashboardFilter &f)
{
    const QString any = QStringLiteral("any");
    return QStringLiteral("from %1 to %2 (UTC days); model versions: %3; segments: %4; per %5")
        .arg(f.time.fromMs ? f.time.firstDay().toString(Qt::ISODate) : any,
             f.time.toMs ? f.time.lastDay().toString(Qt::ISODate) : any,
             f.modelVersions.isEmpty() ? QStringLiteral("all") : f.modelVersions.join(QStringLiteral(", ")),
             f.segments.isEmpty() ? QStringLiteral("all") : f.segments.join(QStringLiteral(", ")),
             f.bucket == DashboardFilter::Bucket::Week ? QStringLiteral("week") : QStringLiteral("day"));
}

struct Headline {
    QString label, value, note;
};

std::vector<Headline> headlines(const DashboardMetrics &m)
{
    const QLocale en(QLocale::English);
    QStringList under;
    for (const SegmentCoverage &s : m.coverage)
        if (s.underCovered)
            under.append(s.segment);
    return {
        {QStringLiteral("Coverage-gap score"), QString::number(m.coverageGap, 'f', 3),
         QStringLiteral("0 best, 1 worst; under-covered: %1")
             .arg(under.isEmpty() ? QStringLiteral("none") : under.join(QStringLiteral(", ")))},
        {QStringLiteral("Automation share"), percentText(m.automationTotal.automated.value),
         QStringLiteral("of %1 curated examples labeled by the rules")
             .arg(en.toString(m.automationTotal.curated))},
        {QStringLiteral("Review backlog"), en.toString(m.backlogInteractions),
         QStringLiteral("flagged interactions without a decision")},
        {QStringLiteral("Reviewer time"),
         QStringLiteral("%1 s").arg(m.automationTotal.reviewerSecondsPerCurated, 0, 'f', 2),
         QStringLiteral("per curated example")},
    };
}

QString html(const QString &storePath, const DashboardMetrics &m,
             const std::vector<charts::DashboardChart> &list)
{
    const auto e = [](const QString &text) {
        return text.toHtmlEscaped();
    };
    QString out = QStringLiteral(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>Flywheel health report</title>\n<style>\n"
        "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1240px;"
        "padding:0 1em;color:#222;line-height:1.45}\n"
        "h1{margin-bottom:.2em}.meta{color:#555;margin:.2em 0}\n"
        ".cards{display:flex;flex-wrap:wrap;gap:1em;margin:1.5em 0}\n"
        ".card{border:1px solid #ddd;border-radius:6px;padding:.8em 1.2em;min-width:220px;flex:1}\n"
        ".card .value{font-size:1.9em;font-weight:bold}.card .note{color:#555;font-size:.9em}\n"
        ".warn{background:#fff4e0;border:1px solid #f0c070;border-radius:6px;padding:.6em 1em}\n"
        "figure{margin:2.5em 0}figure img{width:100%;height:auto;border:1px solid #eee}\n"
        "figcaption{color:#444;margin-top:.4em}\n</style>\n</head>\n<body>\n"
        "<h1>Flywheel health report</h1>\n");
    out += QStringLiteral(
               "<p class=\"meta\">Generated %1 UTC by flywheel %2 from the store <code>%3</code>.</p>\n")
               .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                    QStringLiteral(FLYWHEEL_VERSION), e(storePath));
    out += QStringLiteral("<p class=\"meta\">Filter: %1.</p>\n").arg(e(filterText(m.filter)));
    if (m.curationRunId == 0) {
        out +=
            QStringLiteral("<p class=\"warn\">Nothing is curated yet: run <code>flywheel curate</code> and "
                           "write the report again.</p>\n");
    } else {
        out += QStringLiteral("<p class=\"meta\">Figures as of curation run %1 (%2).</p>\n")
                   .arg(m.curationRunId)
                   .arg(e(timeText(m.curatedAtMs)));
        if (m.newInteractions > 0)
            out +=
                QStringLiteral("<p class=\"warn\">%1 interactions stored since that run are not counted yet: "
                               "run <code>flywheel curate</code> to include them.</p>\n")
                    .arg(QLocale(QLocale::English).toString(m.newInteractions));
    }
    out += QStringLiteral("<div class=\"cards\">\n");
    for (const Headline &h : headlines(m))
        out += QStringLiteral("<div class=\"card\"><div>%1</div><div class=\"value\">%2</div>"
                              "<div class=\"note\">%3</div></div>\n")
                   .arg(e(h.label), e(h.value), e(h.note));
    out += QStringLiteral("</div>\n");
    for (const charts::DashboardChart &chart : list)
        out +=
            QStringLiteral("<figure>\n<h2>%1</h2>\n<img src=\"charts/%2.png\" alt=\"%1 chart\" width=\"%3\" "
                           "height=\"%4\">\n<figcaption>%5</figcaption>\n</figure>\n")
                .arg(e(chart.name), chart.id)
                .arg(kChartSize.width())
                .arg(kChartSize.height())
                .arg(e(chart.caption));
    out += QStringLiteral("<p class=\"meta\">The figures are in <a href=\"metrics.json\">metrics.json</a> "
                          "(the \"dashboard\" object of <code>flywheel stats --json</code>).</p>\n"
                          "</body>\n</html>\n");
    return out;
}

bool write(const QString &path, const QByteArray &content)
{
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size() && file.commit();
}

class ReportCommand final : public Command {
public:
    ReportCommand()
        : Command(
              QStringLiteral("report"), QStringLiteral("Write the flywheel-health dashboard as HTML"),
              QStringLiteral("Write the dashboard (docs/dashboard.md) to a new folder: index.html with the "
                             "headline figures and one chart per PNG in charts/, and metrics.json (the "
                             "\"dashboard\" object of `flywheel stats --json` for the same filter). Needs "
                             "no display."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addOptions({
            {QStringLiteral("out"), QStringLiteral("The report's folder; must not exist or be empty."),
             QStringLiteral("dir")},
        });
        addDashboardOptions(parser, QString(), true);
    }

    int run(QCommandLineParser &parser) override
    {
        if (!parser.positionalArguments().isEmpty())
            return fail(QStringLiteral("report takes no arguments; the folder goes with --out"));
        const QString out = parser.value(QStringLiteral("out"));
        if (out.isEmpty())
            return fail(QStringLiteral("--out DIR is required: the folder to write the report to"));
        DashboardFilter filter;
        if (QString error = readDashboardOptions(parser, filter, true); !error.isEmpty())
            return fail(error);

        const QDir dir(out);
        if (dir.exists() &&
            !dir.isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System))
            return fail(QStringLiteral("%1 already exists and is not empty: give --out a new or empty folder")
                            .arg(out));
        if (QFileInfo(out).exists() && !QFileInfo(out).isDir())
            return fail(QStringLiteral("%1 is a file: give --out a new or empty folder").arg(out));

        auto store = openExistingStore();
        if (!store)
            return fail(store.errorMessage());
        auto metrics = loadDashboard(*store, filter);
        if (!metrics)
            return fail(metrics.errorMessage());

        if (!dir.mkpath(QStringLiteral("charts")))
            return fail(QStringLiteral("cannot create %1").arg(dir.filePath(QStringLiteral("charts"))));
        QStringList files;
        const charts::VersionPalette palette(*metrics);
        const std::vector<charts::DashboardChart> list = charts::dashboardCharts();
        for (const charts::DashboardChart &chart : list) {
            const QString file = QStringLiteral("charts/%1.png").arg(chart.id);
            std::unique_ptr<QChart> drawn(chart.build(*metrics, palette));
            if (!charts::saveChart(drawn.get(), dir.filePath(file), kChartSize))
                return fail(QStringLiteral("cannot write %1").arg(dir.filePath(file)));
            files.append(file);
        }
        if (!write(dir.filePath(QStringLiteral("metrics.json")),
                   QJsonDocument(dashboardJson(*metrics)).toJson(QJsonDocument::Indented)))
            return fail(QStringLiteral("cannot write %1").arg(dir.filePath(QStringLiteral("metrics.json"))));
        files.append(QStringLiteral("metrics.json"));
        if (!write(dir.filePath(QStringLiteral("index.html")),
                   html(store->displayName(), *metrics, list).toUtf8()))
            return fail(QStringLiteral("cannot write %1").arg(dir.filePath(QStringLiteral("index.html"))));
        files.prepend(QStringLiteral("index.html"));

        if (json()) {
            printJson({{QStringLiteral("out"), dir.absolutePath()},
                       {QStringLiteral("files"), QJsonArray::fromStringList(files)},
                       {QStringLiteral("curation_run"), metrics->curationRunId},
                       {QStringLiteral("coverage_gap"), metrics->coverageGap},
                       {QStringLiteral("automation_share"), metrics->automationTotal.automated.value},
                       {QStringLiteral("backlog"), metrics->backlogInteractions},
                       {QStringLiteral("new_interactions"), metrics->newInteractions}});
        } else {
            print(QStringLiteral("Wrote %1/index.html with %2 charts and metrics.json.\n"
                                 "  coverage gap %3, automation %4, backlog %5 flagged interactions")
                      .arg(dir.absolutePath())
                      .arg(list.size())
                      .arg(metrics->coverageGap, 0, 'f', 3)
                      .arg(percentText(metrics->automationTotal.automated.value),
                           QLocale(QLocale::English).toString(metrics->backlogInteractions)));
        }
        return Success;
    }
};

} // namespace

std::unique_ptr<Command> makeReportCommand()
{
    return std::make_unique<ReportCommand>();
}

} // namespace flywheel::cli
