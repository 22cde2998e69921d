#pragma once

#include "curate/interactioncuration.h"
#include "curate/internednames.h"
#include "curate/signalreader.h"
#include "util/result.h"

#include <QtGlobal>

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace flywheel {

class Database;

/// The bits of curation.signal_bits: what the user did with the output, for the dashboard's rollup.
enum SignalBit : quint8 {
    AcceptedBit = 1,  ///< outcome accepted or copied
    EditedBit = 2,    ///< outcome edited
    AbandonedBit = 4, ///< outcome abandoned
    ThumbedBit = 8,   ///< a thumbs event, up or down
    ThumbsUpBit = 16, ///< a thumbs up
};
quint8 signalBitsOf(const InteractionSignals &s);
/// Days since 1970-01-01 of a UTC time in epoch milliseconds, rounded down (also before 1970).
qint32 utcDay(qint64 ms);

/// The dashboard's rollups (schema version 10), a stage of a curation run: per UTC day, model
/// version and segment, the counts the flywheel-health dashboard sums, built from every
/// interaction the run holds and written with its results.
class DashboardRollup {
public:
    /// The names of a model key, of an interaction computed this run.
    void nameModel(quint64 modelKey, const std::string &name, const std::string &version);
    /// The names of the previous run's model keys, for the interactions read back.
    Status loadModelNames(Database &db);
    /// Counts @p curated; @p clusterOf is each row's cluster representative (0: none).
    void build(std::span<const Curated> curated, const std::vector<qint64> &clusterOf);
    /// Replaces the stored rollups, in the caller's transaction, and records @p runId as theirs.
    Status write(Database &db, const Names &segments, qint64 runId);
    /// How long the last write() took.
    qint64 writeMs() const { return m_writeMs; }

private:
    struct Row {
        qint32 day = 0;
        quint64 modelKey = 0;
        int segment = 0;
        std::array<qint64, 11> counts{}; // daily_rollup's counts, in its column order
    };
    struct FlagCount {
        qint32 day = 0;
        quint64 modelKey = 0;
        int segment = 0;
        FlagReason reason{};
        qint64 flagged = 0;
    };
    const std::pair<std::string, std::string> &namesOf(quint64 modelKey) const;

    std::unordered_map<quint64, std::pair<std::string, std::string>> m_modelNames;
    std::vector<Row> m_rows;
    std::vector<FlagCount> m_flagRows;
    qint64 m_writeMs = 0;
};

} // namespace flywheel
