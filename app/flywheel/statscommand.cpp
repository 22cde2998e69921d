#include "commands.h"
#include "dashboardoptions.h"

#include "metrics/dashboard.h"
#include "metrics/storestats.h"
#include "store/store.h"
#include "util/displaytext.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>

namespace flywheel::cli {
namespace {

QJsonObject toJson(const QList<CountBy> &counts)
{
    QJsonObject object;
    for (const CountBy &entry : counts)
        object.insert(entry.key, entry.count);
    return object;
}

QString table(const QString &title, const QList<CountBy> &counts, qint64 total)
{
    QString text = title + QLatin1Char('\n');
    for (const CountBy &entry : counts)
        text += QStringLiteral("  %1 %2 %3\n")
                    .arg(entry.key, -28)
                    .arg(QLocale(QLocale::English).toString(entry.count), 12)
                    .arg(shareText(entry.count, total), 8);
    return text;
}

class StatsCommand final : public Command {
public:
    StatsCommand()
        : Command(QStringLiteral("stats"), QStringLiteral("Summarise what a store holds"),
                  QStringLiteral("Summarise what a store holds: counts, time span, and breakdowns by model "
                                 "version, outcome and category; and the flywheel's health as of the last "
                                 "curation run (docs/dashboard.md), which --from, --to, --model-version and "
                                 "--segment filter."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        addDashboardOptions(parser, QStringLiteral("Dashboard: "), false);
    }

    int run(QCommandLineParser &parser) override
    {
        if (!parser.positionalArguments().isEmpty())
            return fail(QStringLiteral("stats takes no arguments"));
        DashboardFilter filter;
        if (QString error = readDashboardOptions(parser, filter, false); !error.isEmpty())
            return fail(error);
        auto store = openExistingStore();
        if (!store)
            return fail(store.errorMessage());
        auto stats = loadStoreStats(*store);
        if (!stats)
            return fail(stats.errorMessage());
        auto dashboard = loadDashboard(*store, filter);
        if (!dashboard)
            return fail(dashboard.errorMessage());
        if (json()) {
            QJsonObject object = toJson(*store, *stats);
            object.insert(QStringLiteral("dashboard"), dashboardJson(*dashboard));
            printJson(object);
        } else {
            print(toText(*store, *stats) + healthText(*dashboard));
        }
        return Success;
    }

private:
    static QString time(qint64 ms, qint64 count) { return count > 0 ? timeText(ms) : QString(); }

    static QJsonObject outcomesJson(const QList<VersionOutcomes> &versions)
    {
        QJsonObject object;
        for (const VersionOutcomes &v : versions)
            object.insert(v.version, QJsonObject{{QStringLiteral("interactions"), v.interactions},
                                                 {QStringLiteral("accepted"), v.accepted},
                                                 {QStringLiteral("edited"), v.edited},
                                                 {QStringLiteral("regenerated_or_abandoned"), v.rejected}});
        return object;
    }

    // The flywheel at a glance: is each version's output taken more often than the last's?
    static QString outcomesTable(const QList<VersionOutcomes> &versions)
    {
        const QLocale en(QLocale::English);
        QString text = QStringLiteral("%1 %2 %3 %4 %5\n")
                           .arg(QStringLiteral("By model version"), -30)
                           .arg(QStringLiteral("interactions"), 12)
                           .arg(QStringLiteral("accepted"), 9)
                           .arg(QStringLiteral("edited"), 8)
                           .arg(QStringLiteral("regen./abandoned"), 17);
        for (const VersionOutcomes &v : versions)
            text += QStringLiteral("  %1 %2 %3 %4 %5\n")
                        .arg(v.version, -28)
                        .arg(en.toString(v.interactions), 12)
                        .arg(shareText(v.accepted, v.interactions), 9)
                        .arg(shareText(v.edited, v.interactions), 8)
                        .arg(shareText(v.rejected, v.interactions), 17);
        return text;
    }

    static QJsonObject toJson(const Store &store, const StoreStats &s)
    {
        return {
            {QStringLiteral("store"), store.displayName()},
            {QStringLiteral("schema_version"), s.schemaVersion},
            {QStringLiteral("interactions"), s.interactions},
            {QStringLiteral("feedback_events"), s.feedbackEvents},
            {QStringLiteral("corrections"), s.corrections},
            {QStringLiteral("quarantined"), s.quarantined},
            {QStringLiteral("events_awaiting_interaction"), s.eventsAwaitingInteraction},
            {QStringLiteral("sessions"), s.sessions},
            {QStringLiteral("interactions_with_feedback"), s.interactionsWithFeedback},
            {QStringLiteral("interactions_with_correction"), s.interactionsWithCorrection},
            {QStringLiteral("first_timestamp"), time(s.firstTimestampMs, s.interactions)},
            {QStringLiteral("last_timestamp"), time(s.lastTimestampMs, s.interactions)},
            {QStringLiteral("by_model_version"), cli::toJson(s.byModelVersion)},
            {QStringLiteral("by_outcome"), cli::toJson(s.byOutcome)},
            {QStringLiteral("by_category"), cli::toJson(s.byCategory)},
            {QStringLiteral("by_source"), cli::toJson(s.bySource)},
            {QStringLiteral("outcomes_by_model_version"), outcomesJson(s.outcomesByModelVersion)},
        };
    }

    // The dashboard's headline figures; the rest is in --json.
    static QString healthText(const DashboardMetrics &d)
    {
        const QLocale en(QLocale::English);
        if (d.curationRunId == 0)
            return QStringLiteral("\nFlywheel health: nothing curated yet; run `flywheel curate`\n");
        QString text = QStringLiteral("\nFlywheel health (curation run %1, %2)\n")
                           .arg(d.curationRunId)
                           .arg(timeText(d.curatedAtMs));
        QStringList under;
        for (const SegmentCoverage &s : d.coverage)
            if (s.underCovered)
                under.append(s.segment);
        text += QStringLiteral("  coverage gap      %1   under-covered segments: %2\n")
                    .arg(d.coverageGap, 12, 'f', 4)
                    .arg(under.isEmpty() ? QStringLiteral("none") : under.join(QStringLiteral(", ")));
        text += QStringLiteral("  automated labels  %1   of %2 curated examples labeled by the rules\n")
                    .arg(shareText(d.automationTotal.byRules, d.automationTotal.curated), 12)
                    .arg(en.toString(d.automationTotal.curated));
        text += QStringLiteral("  review backlog    %1   flagged interactions without a decision\n")
                    .arg(en.toString(d.backlogInteractions), 12);
        if (d.newInteractions > 0)
            text += QStringLiteral("  not curated yet   %1   run `flywheel curate` to count them\n")
                        .arg(en.toString(d.newInteractions), 12);
        return text;
    }

    static QString toText(const Store &store, const StoreStats &s)
    {
        const QLocale en(QLocale::English);
        QString text =
            QStringLiteral("Store %1 (schema version %2)\n").arg(store.displayName()).arg(s.schemaVersion);
        text += QStringLiteral("  interactions      %1").arg(en.toString(s.interactions), 12);
        if (s.interactions > 0)
            text +=
                QStringLiteral("   %1 .. %2").arg(time(s.firstTimestampMs, 1), time(s.lastTimestampMs, 1));
        text += QStringLiteral("\n  sessions          %1\n").arg(en.toString(s.sessions), 12);
        text += QStringLiteral("  feedback events   %1   on %2 of interactions\n")
                    .arg(en.toString(s.feedbackEvents), 12)
                    .arg(shareText(s.interactionsWithFeedback, s.interactions));
        text += QStringLiteral("  corrections       %1   on %2 of interactions\n")
                    .arg(en.toString(s.corrections), 12)
                    .arg(shareText(s.interactionsWithCorrection, s.interactions));
        text += QStringLiteral("  quarantined lines %1\n").arg(en.toString(s.quarantined), 12);
        if (s.eventsAwaitingInteraction > 0)
            text += QStringLiteral("  events awaiting their interaction: %1\n")
                        .arg(en.toString(s.eventsAwaitingInteraction));
        if (s.interactions > 0) {
            text += QLatin1Char('\n') + outcomesTable(s.outcomesByModelVersion);
            text += QLatin1Char('\n') + table(QStringLiteral("By outcome"), s.byOutcome, s.interactions);
            text += QLatin1Char('\n') + table(QStringLiteral("By category"), s.byCategory, s.interactions);
        }
        return text;
    }
};

} // namespace

std::unique_ptr<Command> makeStatsCommand()
{
    return std::make_unique<StatsCommand>();
}

} // namespace flywheel::cli
