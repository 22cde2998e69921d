// The dashboard's rollups (schema version 10): per UTC day, model version and segment, the counts
// the flywheel-health dashboard sums. Every completed run rebuilds them from what it holds in
// memory for every interaction (computed this run, or read back from curation with their day and
// signal bits), and writes them in the results' transaction: they always describe the results the
// store holds, and an incremental run never reads the interactions it does not recompute.

#include "curate/curationrun.h"

#include "store/statement.h"
#include "store/store.h"

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

// The names of the model keys of the rows read back: every one was in the previous run's rollup.
Status CurationRun::loadRollupModels()
{
    auto models =
        m_store->db().prepare("SELECT DISTINCT model_key, model_name, model_version FROM daily_rollup");
    if (!models)
        return models.error();
    return models->forEachRow([&] {
        m_modelNames.try_emplace(quint64(models->columnInt(0)), std::string(models->columnUtf8(1)),
                                 std::string(models->columnUtf8(2)));
    });
}

void CurationRun::buildRollup()
{
    using Key = std::tuple<qint32, quint64, int>;
    std::map<Key, std::array<qint64, 11>> rows;
    std::map<std::tuple<qint32, quint64, int, FlagReason>, qint64> flags;
    // Rows in id order mostly share their key with the previous one.
    auto last = rows.end();
    for (size_t i = 0; i < m_curated.size(); ++i) {
        const Curated &c = m_curated[i];
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
        n[CountDuplicates] += m_clusterOf[i] != 0 && m_clusterOf[i] != c.id;
        for (const FlagRow &flag : c.flags)
            ++flags[{c.day, c.modelKey, c.segment, flag.reason}];
    }
    m_rollupRows.clear();
    m_rollupRows.reserve(rows.size());
    for (const auto &entry : rows)
        m_rollupRows.push_back(
            {std::get<0>(entry.first), std::get<1>(entry.first), std::get<2>(entry.first), entry.second});
    m_flagRollupRows.clear();
    m_flagRollupRows.reserve(flags.size());
    for (const auto &entry : flags)
        m_flagRollupRows.push_back({std::get<0>(entry.first), std::get<1>(entry.first),
                                    std::get<2>(entry.first), std::get<3>(entry.first), entry.second});
}

// In write()'s transaction; the state entry tells the next run that the rows read back have their
// day and signal bits, so it may run incrementally.
Status CurationRun::writeRollup()
{
    QElapsedTimer timer;
    timer.start();
    for (const char *sql : {"DELETE FROM daily_rollup", "DELETE FROM flag_rollup"})
        if (Status s = m_store->db().exec(sql); !s)
            return s;
    auto row = m_store->db().prepare(
        "INSERT INTO daily_rollup (day, model_key, segment, model_name, model_version, interactions, "
        "accepted, corrected, with_correction, abandoned, thumbed, thumbs_up, curated, failures, flagged, "
        "duplicates) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
    auto flag = m_store->db().prepare("INSERT INTO flag_rollup (day, model_key, segment, reason, model_name, "
                                      "model_version, flagged) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    auto state = m_store->db().prepare(
        "INSERT OR REPLACE INTO curation_state (name, value) VALUES ('dashboard_rollup', ?1)");
    if (!row || !flag || !state)
        return !row ? row.error() : !flag ? flag.error() : state.error();
    const auto namesOf = [this](quint64 modelKey) -> const std::pair<std::string, std::string> & {
        static const std::pair<std::string, std::string> kUnknown;
        const auto names = m_modelNames.find(modelKey);
        return names == m_modelNames.end() ? kUnknown : names->second;
    };
    for (const RollupRow &r : m_rollupRows) {
        const auto &[model, version] = namesOf(r.modelKey);
        row->bind(1, qint64(r.day));
        row->bind(2, qint64(r.modelKey));
        row->bind(3, std::string_view(m_segments.name(r.segment)));
        row->bind(4, std::string_view(model));
        row->bind(5, std::string_view(version));
        for (size_t n = 0; n < r.counts.size(); ++n)
            row->bind(int(n) + 6, r.counts[n]);
        if (Status s = row->run(); !s)
            return s;
    }
    for (const FlagRollupRow &f : m_flagRollupRows) {
        flag->bind(1, qint64(f.day));
        flag->bind(2, qint64(f.modelKey));
        flag->bind(3, std::string_view(m_segments.name(f.segment)));
        flag->bind(4, flagReasonName(f.reason));
        const auto &[model, version] = namesOf(f.modelKey);
        flag->bind(5, std::string_view(model));
        flag->bind(6, std::string_view(version));
        flag->bind(7, f.flagged);
        if (Status s = flag->run(); !s)
            return s;
    }
    state->bind(1, m_report.runId);
    if (Status s = state->run(); !s)
        return s;
    m_rollupWriteMs = timer.elapsed();
    return {};
}

} // namespace flywheel
