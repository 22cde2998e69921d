#include "metrics/cycle.h"

#include "store/statement.h"
#include "store/store.h"

#include <cmath>
#include <map>

namespace flywheel {
namespace {

// One aggregate pass: per model version and segment, the counts every rate needs.
constexpr const char *kCountsSql = R"sql(
SELECT i.model_name, i.model_version, coalesce(c.segment, nullif(i.category, ''), 'uncategorized'),
       count(*), sum(i.outcome IN ('accepted', 'copied')), sum(i.outcome = 'abandoned'),
       sum(k.interaction_id IS NOT NULL), sum(coalesce(f.up, 0) > 0), sum(coalesce(f.up, 0) + coalesce(f.down, 0) > 0)
FROM interactions i
LEFT JOIN curation c ON c.interaction_id = i.id
LEFT JOIN (SELECT DISTINCT interaction_id FROM corrections WHERE interaction_id IS NOT NULL) k
       ON k.interaction_id = i.id
LEFT JOIN (SELECT interaction_id, sum(kind = 'thumbs' AND value > 0) AS up, sum(kind = 'thumbs' AND value < 0) AS down
           FROM feedback_events WHERE interaction_id IS NOT NULL GROUP BY interaction_id) f
       ON f.interaction_id = i.id
WHERE i.model_name IS NOT NULL AND i.model_version IS NOT NULL AND (?1 = '' OR i.model_name = ?1)
GROUP BY 1, 2, 3)sql";

using Counts = CycleCounts;

VersionFigures figures(const QString &version, const Counts &c)
{
    return {version,
            c.interactions,
            wilsonRate(c.accepted, c.interactions),
            wilsonRate(c.corrected, c.interactions),
            wilsonRate(c.abandoned, c.interactions),
            wilsonRate(c.thumbsUp, c.thumbed)};
}

} // namespace

void CycleCounts::add(const CycleCounts &o)
{
    interactions += o.interactions;
    accepted += o.accepted;
    abandoned += o.abandoned;
    corrected += o.corrected;
    thumbsUp += o.thumbsUp;
    thumbed += o.thumbed;
}

Rate wilsonRate(qint64 hits, qint64 n)
{
    Rate rate{hits, n, 0, 0, 0};
    if (n <= 0)
        return rate;
    constexpr double z = 1.959963984540054;
    const double p = double(hits) / double(n), nn = double(n);
    const double denominator = 1 + z * z / nn;
    const double centre = (p + z * z / (2 * nn)) / denominator;
    const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denominator;
    rate.value = p;
    rate.low = std::max(0.0, centre - half);
    rate.high = std::min(1.0, centre + half);
    return rate;
}

Result<std::vector<CycleComparison>> compareCycles(Store &store, const QString &model)
{
    auto counts = store.db().prepare(kCountsSql);
    if (!counts)
        return counts.error();
    counts->bind(1, model);
    CycleCountTable table;
    if (Status s = counts->forEachRow([&] {
            Counts &c = table[counts->columnText(0)][counts->columnText(1)][counts->columnText(2)];
            c = {counts->columnInt(3), counts->columnInt(4), counts->columnInt(5),
                 counts->columnInt(6), counts->columnInt(7), counts->columnInt(8)};
        });
        !s)
        return s.error();
    return compareCycles(store, table, model);
}

Result<std::vector<CycleComparison>> compareCycles(Store &store, const CycleCountTable &table,
                                                   const QString &model)
{
    // Versions in deployment order (or first sighting), with the dataset that trained them.
    auto versions = store.db().prepare(R"sql(
SELECT m.model_name, m.version, coalesce(d.name || '@' || d.version, '')
FROM model_versions m LEFT JOIN datasets d ON d.id = m.trained_on_dataset_id
WHERE ?1 = '' OR m.model_name = ?1
ORDER BY m.model_name, coalesce(m.deployed_at, m.first_seen_at), m.version)sql");
    if (!versions)
        return versions.error();
    versions->bind(1, model);
    struct Version {
        QString name, trainedOn;
    };
    std::map<QString, std::vector<Version>> byModel;
    if (Status s = versions->forEachRow([&] {
            byModel[versions->columnText(0)].push_back({versions->columnText(1), versions->columnText(2)});
        });
        !s)
        return s.error();

    static const std::map<QString, Counts> kNone;
    const auto countsOf = [&](const QString &name,
                              const QString &version) -> const std::map<QString, Counts> & {
        const auto byVersion = table.find(name);
        if (byVersion == table.end())
            return kNone;
        const auto segments = byVersion->second.find(version);
        return segments == byVersion->second.end() ? kNone : segments->second;
    };
    std::vector<CycleComparison> comparisons;
    for (const auto &[name, list] : byModel) {
        for (size_t v = 1; v < list.size(); ++v) {
            const auto &previous = countsOf(name, list[v - 1].name);
            const auto &current = countsOf(name, list[v].name);
            CycleComparison comparison{name, list[v - 1].name, list[v].name, list[v].trainedOn, {}};
            Counts allPrevious, allCurrent;
            std::map<QString, std::pair<Counts, Counts>> segments;
            for (const auto &[segment, c] : previous) {
                segments[segment].first = c;
                allPrevious.add(c);
            }
            for (const auto &[segment, c] : current) {
                segments[segment].second = c;
                allCurrent.add(c);
            }
            comparison.segments.push_back(
                {QString(), figures(list[v - 1].name, allPrevious), figures(list[v].name, allCurrent)});
            for (const auto &[segment, pair] : segments)
                comparison.segments.push_back(
                    {segment, figures(list[v - 1].name, pair.first), figures(list[v].name, pair.second)});
            comparisons.push_back(std::move(comparison));
        }
    }
    return comparisons;
}

namespace {

QJsonObject versionJson(const VersionFigures &v)
{
    return {{QStringLiteral("version"), v.version},
            {QStringLiteral("interactions"), v.interactions},
            {QStringLiteral("acceptance"), rateJson(v.acceptance)},
            {QStringLiteral("correction"), rateJson(v.correction)},
            {QStringLiteral("abandonment"), rateJson(v.abandonment)},
            {QStringLiteral("thumbs_up"), rateJson(v.thumbsUp)}};
}

} // namespace

QJsonObject rateJson(const Rate &r)
{
    return {{QStringLiteral("rate"), r.value},
            {QStringLiteral("low"), r.low},
            {QStringLiteral("high"), r.high},
            {QStringLiteral("hits"), r.hits},
            {QStringLiteral("n"), r.n}};
}

QJsonArray cyclesJson(const std::vector<CycleComparison> &cycles)
{
    QJsonArray list;
    for (const CycleComparison &c : cycles) {
        QJsonArray segments;
        for (const SegmentComparison &s : c.segments)
            segments.append(QJsonObject{
                {QStringLiteral("segment"), s.segment.isEmpty() ? QJsonValue() : QJsonValue(s.segment)},
                {QStringLiteral("previous"), versionJson(s.previous)},
                {QStringLiteral("current"), versionJson(s.current)}});
        list.append(QJsonObject{
            {QStringLiteral("model"), c.model},
            {QStringLiteral("previous"), c.previousVersion},
            {QStringLiteral("current"), c.currentVersion},
            {QStringLiteral("trained_on"), c.trainedOn.isEmpty() ? QJsonValue() : QJsonValue(c.trainedOn)},
            {QStringLiteral("segments"), segments}});
    }
    return list;
}

} // namespace flywheel
