// The dashboard's rollups (schema version 10): per UTC day, model version and segment, the counts
// the flywheel-health dashboard sums. Every completed run rebuilds them from what it holds in
// memory for every interaction (computed this run, or read back from curation with their day and
// signal bits), and writes them in the results' transaction: they always describe the results the
// store holds, and an incremental run never reads the interactions it does not recompute.

#include "curate/dashboardrollup.h"

#include "store/database.h"
#include "store/statement.h"

#include <QElapsedTimer>

#include <map>
#include <tuple>

namespace flywheel {
namespace {

// daily_rollup's counts, in its column order (and RollupRow::counts' order).
enum Count {
    CountInteractions,
    CountAccepted,
    CountCorrected,
    CountWithCorrection,
    CountAbandoned,
    CountThumbed,
    CountThumbsUp,
    CountCurated,
    CountFailures,
    CountFlagged,
    CountDuplicates,
};

} // namespace

quint8 signalBitsOf(const InteractionSignals &s)
{
    quint8 bits = 0;
    if (s.outcome == "accepted" || s.outcome == "copied")
        bits |= AcceptedBit;
    if (s.outcome == "edited")
        bits |= EditedBit;
    if (s.outcome == "abandoned")
        bits |= AbandonedBit;
    if (s.thumbsUp + s.thumbsDown > 0)
        bits |= ThumbedBit;
    if (s.thumbsUp > 0)
        bits |= ThumbsUpBit;
    return bits;
}

qint32 utcDay(qint64 ms)
{
    constexpr qint64 kDay = 86400000;
    return qint32(ms >= 0 ? ms / kDay : -((-ms + kDay - 1) / kDay));
}

void DashboardRollup::nameModel(quint64 modelKey, const std::string &name, const std::string &version)
{
    m_modelNames.try_emplace(modelKey, name, version);
}

// Every model key of the rows read back was in the previous run's rollup.
Status DashboardRollup::loadModelNames(Database &db)
{
    auto models = db.prepare("SELECT DISTINCT model_key, model_name, model_version FROM daily_rollup");
    if (!models)
        return models.error();
    return models->forEachRow([&] {
        m_modelNames.try_emplace(quint64(models->columnInt(0)), std::string(models->columnUtf8(1)),
                                 std::string(models->columnUtf8(2)));
    });
}

void DashboardRollup::build(std::span<const Curated> curated, const std::vector<qint64> &clusterOf)
{
    using Key = std::tuple<qint32, quint64, int>;
    std::map<Key, std::array<qint64, 11>> rows;
    std::map<std::tuple<qint32, quint64, int, FlagReason>, qint64> flags;
    // Rows in id order mostly share their key with the previous one.
    auto last = rows.end();
    for (size_t i = 0; i < curated.size(); ++i) {
        const Curated &c = curated[i];
        const Key key{c.day, c.modelKey, c.segment};
        if (last == rows.end() || last->first != key)
            last = rows.try_emplace(key).first;
        std::array<qint64, 11> &n = last->second;
        const bool edited = c.signalBits & EditedBit;
        n[CountInteractions] += 1;
        n[CountAccepted] += (c.signalBits & AcceptedBit) != 0;
        n[CountCorrected] += edited || c.corrected;
        n[CountWithCorrection] += c.corrected;
        n[CountAbandoned] += (c.signalBits & AbandonedBit) != 0;
        n[CountThumbed] += (c.signalBits & ThumbedBit) != 0;
        n[CountThumbsUp] += (c.signalBits & ThumbsUpBit) != 0;
        n[CountCurated] += isCurated(c.label);
        n[CountFailures] += c.label == Label::Negative || c.corrected;
        n[CountFlagged] += !c.flags.empty();
        n[CountDuplicates] += clusterOf[i] != 0 && clusterOf[i] != c.id;
        for (const FlagRow &flag : c.flags)
            ++flags[{c.day, c.modelKey, c.segment, flag.reason}];
    }
    m_rows.clear();
    m_rows.reserve(rows.size());
    for (const auto &entry : rows)
        m_rows.push_back(
            {std::get<0>(entry.first), std::get<1>(entry.first), std::get<2>(entry.first), entry.second});
    m_flagRows.clear();
    m_flagRows.reserve(flags.size());
    for (const auto &entry : flags)
        m_flagRows.push_back({std::get<0>(entry.first), std::get<1>(entry.first), std::get<2>(entry.first),
                              std::get<3>(entry.first), entry.second});
}

const std::pair<std::string, std::string> &DashboardRollup::namesOf(quint64 modelKey) const
{
    static const std::pair<std::string, std::string> kUnknown;
    const auto names = m_modelNames.find(modelKey);
    return names == m_modelNames.end() ? kUnknown : names->second;
}

// In the results' transaction; the state entry tells the next run that the rows read back have their
// day and signal bits, so it may run incrementally.
Status DashboardRollup::write(Database &db, const Names &segments, qint64 runId)
{
    QElapsedTimer timer;
    timer.start();
    for (const char *sql : {"DELETE FROM daily_rollup", "DELETE FROM flag_rollup"})
        if (Status s = db.exec(sql); !s)
            return s;
    auto row = db.prepare(
        "INSERT INTO daily_rollup (day, model_key, segment, model_name, model_version, interactions, "
        "accepted, corrected, with_correction, abandoned, thumbed, thumbs_up, curated, failures, flagged, "
        "duplicates) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
    auto flag = db.prepare("INSERT INTO flag_rollup (day, model_key, segment, reason, model_name, "
                           "model_version, flagged) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    auto state =
        db.prepare("INSERT INTO curation_state (name, value, number) VALUES ('dashboard_rollup', '', ?1) "
                   "ON CONFLICT (name) DO UPDATE SET value = excluded.value, number = excluded.number");
    if (!row || !flag || !state)
        return !row ? row.error() : !flag ? flag.error() : state.error();
    for (const Row &r : m_rows) {
        const auto &[model, version] = namesOf(r.modelKey);
        row->bind(1, qint64(r.day));
        row->bind(2, qint64(r.modelKey));
        row->bind(3, std::string_view(segments.name(r.segment)));
        row->bind(4, std::string_view(model));
        row->bind(5, std::string_view(version));
        for (size_t n = 0; n < r.counts.size(); ++n)
            row->bind(int(n) + 6, r.counts[n]);
        if (Status s = row->run(); !s)
            return s;
    }
    for (const FlagCount &f : m_flagRows) {
        flag->bind(1, qint64(f.day));
        flag->bind(2, qint64(f.modelKey));
        flag->bind(3, std::string_view(segments.name(f.segment)));
        flag->bind(4, flagReasonName(f.reason));
        const auto &[model, version] = namesOf(f.modelKey);
        flag->bind(5, std::string_view(model));
        flag->bind(6, std::string_view(version));
        flag->bind(7, f.flagged);
        if (Status s = flag->run(); !s)
            return s;
    }
    state->bind(1, runId);
    if (Status s = state->run(); !s)
        return s;
    m_writeMs = timer.elapsed();
    return {};
}

} // namespace flywheel
