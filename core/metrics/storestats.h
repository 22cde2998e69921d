#pragma once

#include "util/result.h"

#include <QList>
#include <QString>

namespace flywheel {

class Store;

/// A count per value of one column (model version, outcome, category...).
struct CountBy {
    QString key;
    qint64 count = 0;
};

/// How users received one model version's outputs: the implicit signals, counted.
struct VersionOutcomes {
    QString version;
    qint64 interactions = 0;
    qint64 accepted = 0;
    qint64 edited = 0;
    /// Regenerated or abandoned: the user did not take the output.
    qint64 rejected = 0;
};

/// What a store holds, in aggregate: the summary of `flywheel stats` and the GUI's overview.
struct StoreStats {
    int schemaVersion = 0;
    qint64 interactions = 0;
    qint64 feedbackEvents = 0;
    qint64 corrections = 0;
    qint64 quarantined = 0;
    /// Feedback events and corrections whose interaction has not arrived yet.
    qint64 eventsAwaitingInteraction = 0;
    qint64 sessions = 0;
    qint64 interactionsWithFeedback = 0;
    qint64 interactionsWithCorrection = 0;
    qint64 firstTimestampMs = 0;
    qint64 lastTimestampMs = 0;
    QList<CountBy> byModelVersion;
    QList<CountBy> byOutcome;
    QList<CountBy> byCategory;
    QList<CountBy> bySource;
    /// In order of first appearance, so successive versions read top to bottom.
    QList<VersionOutcomes> outcomesByModelVersion;
};

/// Aggregates computed in SQL; no rows are loaded.
Result<StoreStats> loadStoreStats(Store &store);

} // namespace flywheel
