#include "commands.h"
#include "interrupt.h"

#include "curate/curator.h"
#include "store/store.h"

#include <QJsonArray>
#include <QLocale>

#include <cstdio>
#include <unistd.h>

namespace flywheel::cli {
namespace {

class CurateCommand final : public Command {
public:
    CurateCommand()
        : Command(QStringLiteral("curate"),
                  QStringLiteral("Label, deduplicate and flag interactions for review"),
                  QStringLiteral("Run curation over the store: labels from the rules' signals, duplicate "
                                 "clusters, personal data, segments, and the flags of the review queue. "
                                 "Reviews people made are never changed. See docs/curation.md."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addOption(
            {QStringLiteral("rules"),
             QStringLiteral("Rules file (default: the shipped resources/curation/default-rules.json)."),
             QStringLiteral("file")});
        parser.addOption({QStringLiteral("full"),
                          QStringLiteral("Recompute every interaction. By default a run computes only the "
                                         "interactions new or changed since the previous run, with the "
                                         "same results.")});
        parser.addOption(
            {QStringLiteral("explain"),
             QStringLiteral("Also print each rule's coverage, overlaps, conflicts and overturns.")});
        parser.addOption({QStringLiteral("quiet"), QStringLiteral("Print no progress.")});
    }

    int run(QCommandLineParser &parser) override
    {
        if (!parser.positionalArguments().isEmpty())
            return fail(QStringLiteral("curate takes no arguments"));
        Result<RuleSet> rules = parser.isSet(QStringLiteral("rules"))
                                    ? RuleSet::load(parser.value(QStringLiteral("rules")))
                                    : Result<RuleSet>(RuleSet::defaults());
        if (!rules)
            return fail(rules.errorMessage());
        auto store = openExistingStore();
        if (!store)
            return fail(store.errorMessage());

        Curator curator(*store, std::move(*rules));
        curator.setCancelFlag(&installInterruptFlag());
        curator.setFull(parser.isSet(QStringLiteral("full")));
        const bool showProgress = !parser.isSet(QStringLiteral("quiet")) && ::isatty(STDERR_FILENO);
        if (showProgress)
            curator.setProgressCallback([](const CurationProgress &p) {
                std::fprintf(stderr, "\r\033[K%s %lld / %lld", p.stage.toUtf8().constData(),
                             static_cast<long long>(p.done), static_cast<long long>(p.total));
                std::fflush(stderr);
            });
        auto report = curator.run();
        if (showProgress)
            std::fputs("\r\033[K", stderr);
        if (!report)
            return fail(report.errorMessage() +
                        QStringLiteral("\nThe previous curation results are unchanged."));
        const bool explain = parser.isSet(QStringLiteral("explain"));
        json() ? printJson(toJson(*report, explain)) : print(toText(*report, explain));
        if (report->cancelled) {
            printError(QStringLiteral("flywheel curate: interrupted; the previous results are unchanged."));
            return Failure;
        }
        return Success;
    }

private:
    static QJsonObject counts(const std::map<std::string, qint64> &map)
    {
        QJsonObject object;
        for (const auto &[key, value] : map)
            object.insert(QString::fromStdString(key), value);
        return object;
    }

    static QJsonObject toJson(const CurationReport &r, bool explain)
    {
        QJsonObject stages;
        for (const CurationReport::Stage &stage : r.stages)
            stages.insert(stage.name, stage.ms);
        QJsonObject json{
            {QStringLiteral("curation_run"), r.runId},
            {QStringLiteral("cancelled"), r.cancelled},
            {QStringLiteral("mode"), r.incremental ? QStringLiteral("incremental") : QStringLiteral("full")},
            {QStringLiteral("full_reason"),
             r.incremental ? QJsonValue() : QJsonValue(QString::fromStdString(r.fullReason))},
            {QStringLiteral("processed"), r.processed},
            {QStringLiteral("interactions"), r.interactions},
            {QStringLiteral("labels"), counts(r.labels)},
            {QStringLiteral("flags"), counts(r.flags)},
            {QStringLiteral("personal_data_spans"), r.personalDataSpans},
            {QStringLiteral("duplicate_clusters"), r.duplicateGroups},
            {QStringLiteral("duplicate_members"), r.duplicateMembers},
            {QStringLiteral("near_duplicate_pairs"), r.nearDuplicatePairs},
            {QStringLiteral("segments"), r.segments},
            {QStringLiteral("stage_ms"), stages},
        };
        QJsonArray segments;
        for (const CurationReport::SegmentStats &g : r.segmentStats)
            segments.append(QJsonObject{{QStringLiteral("segment"), QString::fromStdString(g.name)},
                                        {QStringLiteral("traffic"), g.traffic},
                                        {QStringLiteral("curated"), g.curated},
                                        {QStringLiteral("failures"), g.failures},
                                        {QStringLiteral("traffic_share"), g.trafficShare},
                                        {QStringLiteral("curated_share"), g.curatedShare},
                                        {QStringLiteral("failure_rate"), g.failureRate},
                                        {QStringLiteral("hardness"), g.hardness},
                                        {QStringLiteral("under_covered"), g.underCovered}});
        json.insert(QStringLiteral("segment_stats"), segments);
        if (explain) {
            QJsonArray rules;
            for (const CurationReport::RuleStats &rule : r.rules)
                rules.append(QJsonObject{{QStringLiteral("rule"), QString::fromStdString(rule.id)},
                                         {QStringLiteral("label"), QString::fromStdString(rule.label)},
                                         {QStringLiteral("coverage"), rule.coverage},
                                         {QStringLiteral("overlaps"), rule.overlaps},
                                         {QStringLiteral("conflicts"), rule.conflicts},
                                         {QStringLiteral("reviewed"), rule.reviewed},
                                         {QStringLiteral("overturned"), rule.overturned}});
            json.insert(QStringLiteral("rules"), rules);
        }
        return json;
    }

    static QString toText(const CurationReport &r, bool explain)
    {
        const QLocale en(QLocale::English);
        qint64 total = 0;
        for (const CurationReport::Stage &stage : r.stages)
            total += stage.ms;
        const QString mode =
            r.incremental ? QStringLiteral("incremental: %1 new or changed").arg(en.toString(r.processed))
                          : QStringLiteral("full: %1").arg(QString::fromStdString(r.fullReason));
        QString text = QStringLiteral("Curated %1 interactions (%2) in %3 s (run %4).\nLabels:")
                           .arg(en.toString(r.interactions), mode)
                           .arg(double(total) / 1000.0, 0, 'f', 1)
                           .arg(r.runId);
        for (const auto &[label, n] : r.labels)
            text += QStringLiteral(" %1 %2,").arg(en.toString(n), QString::fromStdString(label));
        if (r.labels.empty())
            text += QStringLiteral(" none,");
        text.chop(1);
        text += QStringLiteral(
                    ".\nDuplicates: %1 interactions in %2 clusters (%3 near-duplicate pairs). Personal "
                    "data: %4 spans. Segments: %5.\nFlags for review:")
                    .arg(en.toString(r.duplicateMembers), en.toString(r.duplicateGroups),
                         en.toString(r.nearDuplicatePairs), en.toString(r.personalDataSpans),
                         en.toString(r.segments));
        if (r.flags.empty())
            text += QStringLiteral(" none.");
        for (const auto &[reason, n] : r.flags)
            text +=
                QStringLiteral("\n  %1 %2").arg(QString::fromStdString(reason), -24).arg(en.toString(n), 10);
        if (!r.segmentStats.empty()) {
            text += QStringLiteral("\n\nSegment                          traffic   curated  failures");
            for (const CurationReport::SegmentStats &g : r.segmentStats)
                text += QStringLiteral("\n%1 %2 %3 %4%5")
                            .arg(QString::fromStdString(g.name).left(30), -30)
                            .arg(QStringLiteral("%1 %").arg(100 * g.trafficShare, 0, 'f', 1), 9)
                            .arg(QStringLiteral("%1 %").arg(100 * g.curatedShare, 0, 'f', 1), 9)
                            .arg(QStringLiteral("%1 %").arg(100 * g.failureRate, 0, 'f', 1), 9)
                            .arg(g.underCovered ? QStringLiteral("  under-covered") : QString());
        }
        if (explain) {
            text +=
                QStringLiteral("\n\nRule                       label       coverage   overlaps  conflicts  "
                               "overturned");
            for (const CurationReport::RuleStats &rule : r.rules) {
                const QString overturned =
                    rule.reviewed > 0 ? QStringLiteral("%1/%2").arg(rule.overturned).arg(rule.reviewed)
                                      : QStringLiteral("-");
                text += QStringLiteral("\n%1 %2 %3 %4 %5 %6")
                            .arg(QString::fromStdString(rule.id), -26)
                            .arg(QString::fromStdString(rule.label), -9)
                            .arg(en.toString(rule.coverage), 10)
                            .arg(en.toString(rule.overlaps), 10)
                            .arg(en.toString(rule.conflicts), 10)
                            .arg(overturned, 11);
            }
        }
        return text;
    }
};

} // namespace

std::unique_ptr<Command> makeCurateCommand()
{
    return std::make_unique<CurateCommand>();
}

} // namespace flywheel::cli
