#pragma once

// Closing the loop: each model version against the one before it, per segment.

#include "util/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <map>
#include <optional>
#include <vector>

namespace flywheel {

class Store;

/// A rate with its sample size and 95 % Wilson score interval (sound for small samples and for
/// rates near 0 or 1). With n = 0 the rate and bounds are 0.
struct Rate {
    qint64 hits = 0;
    qint64 n = 0;
    double value = 0, low = 0, high = 0;
};
Rate wilsonRate(qint64 hits, qint64 n);

struct VersionFigures {
    QString version;
    qint64 interactions = 0;
    Rate acceptance;  ///< outcome accepted or copied
    Rate correction;  ///< has a correction
    Rate abandonment; ///< outcome abandoned
    Rate thumbsUp;    ///< a thumbs up, of the interactions that got a thumb
};

struct SegmentComparison {
    QString segment; ///< empty for all segments together
    VersionFigures previous, current;
};

struct CycleComparison {
    QString model;
    QString previousVersion, currentVersion;
    /// "NAME@VERSION" of the dataset the current version was trained on, when recorded.
    QString trainedOn;
    /// All segments first, then each segment by name.
    std::vector<SegmentComparison> segments;
};

/// For each model, each version against the one deployed (or first seen) before it. Segments are
/// curation's (the category, else the topic); interactions not curated yet count under their
/// category or "uncategorized".
Result<std::vector<CycleComparison>> compareCycles(Store &store, const QString &model = {});

/// The counts behind one version's figures in one segment.
struct CycleCounts {
    qint64 interactions = 0, accepted = 0, abandoned = 0, corrected = 0, thumbsUp = 0, thumbed = 0;
    void add(const CycleCounts &other);
};
/// Model -> version -> segment -> counts.
using CycleCountTable = std::map<QString, std::map<QString, std::map<QString, CycleCounts>>>;

/// compareCycles over counts aggregated elsewhere (the dashboard's rollup): the same versions, in
/// the same order, with the same figures.
Result<std::vector<CycleComparison>> compareCycles(Store &store, const CycleCountTable &counts,
                                                   const QString &model = {});

/// A rate as JSON: rate, low, high, hits, n.
QJsonObject rateJson(const Rate &rate);
/// Cycle comparisons as JSON, as `flywheel cycle --json` and the dashboard print them.
QJsonArray cyclesJson(const std::vector<CycleComparison> &cycles);

} // namespace flywheel
