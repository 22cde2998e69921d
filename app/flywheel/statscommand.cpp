#include "commands.h"

#include "metrics/storestats.h"
#include "store/store.h"
#include "util/timestamps.h"

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

QString percent(qint64 part, qint64 whole)
{
    return whole > 0 ? QStringLiteral("%1 %").arg(100.0 * double(part) / double(whole), 0, 'f', 1)
                     : QStringLiteral("-");
}

QString table(const QString &title, const QList<CountBy> &counts, qint64 total)
{
    QString text = title + QLatin1Char('\n');
    for (const CountBy &entry : counts)
        text += QStringLiteral("  %1 %2 %3\n")
                    .arg(entry.key, -28)
                    .arg(QLocale(QLocale::English).toString(entry.count), 12)
                    .arg(percent(entry.count, total), 8);
    return text;
}

class StatsCommand final : public Command {
public:
    StatsCommand()
        : Command(QStringLiteral("stats"), QStringLiteral("Summarise what a store holds"),
                  QStringLiteral("Summarise what a store holds: counts, time span, and breakdowns by model "
                                 "version, outcome and category."))
    {}

protected:
    void addOptions(QCommandLineParser &) override {}

    int run(QCommandLineParser &parser) override
    {
        if (!parser.positionalArguments().isEmpty())
            return fail(QStringLiteral("stats takes no arguments"));
        auto store = openExistingStore();
        if (!store)
            return fail(store.errorMessage());
        auto stats = loadStoreStats(*store);
        if (!stats)
            return fail(stats.errorMessage());
        json() ? printJson(toJson(*store, *stats)) : print(toText(*store, *stats));
        return Success;
    }

private:
    static QString time(qint64 ms, qint64 count)
    {
        return count > 0 ? QString::fromStdString(formatRfc3339(ms)) : QString();
    }

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
                        .arg(percent(v.accepted, v.interactions), 9)
                        .arg(percent(v.edited, v.interactions), 8)
                        .arg(percent(v.rejected, v.interactions), 17);
        return text;
    }

    static QJsonObject toJson(const Store &store, const StoreStats &s)
    {
        return {
            {QStringLiteral("store"), store.path()},
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

    static QString toText(const Store &store, const StoreStats &s)
    {
        const QLocale en(QLocale::English);
        QString text =
            QStringLiteral("Store %1 (schema version %2)\n").arg(store.path()).arg(s.schemaVersion);
        text += QStringLiteral("  interactions      %1").arg(en.toString(s.interactions), 12);
        if (s.interactions > 0)
            text +=
                QStringLiteral("   %1 .. %2").arg(time(s.firstTimestampMs, 1), time(s.lastTimestampMs, 1));
        text += QStringLiteral("\n  sessions          %1\n").arg(en.toString(s.sessions), 12);
        text += QStringLiteral("  feedback events   %1   on %2 of interactions\n")
                    .arg(en.toString(s.feedbackEvents), 12)
                    .arg(percent(s.interactionsWithFeedback, s.interactions));
        text += QStringLiteral("  corrections       %1   on %2 of interactions\n")
                    .arg(en.toString(s.corrections), 12)
                    .arg(percent(s.interactionsWithCorrection, s.interactions));
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
