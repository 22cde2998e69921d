#pragma once

// Lineage: which interactions entered and left between two dataset versions, and which dataset
// version each model version was trained on.

#include "export/datasetlist.h"
#include "util/result.h"

#include <QString>

#include <optional>
#include <vector>

namespace flywheel {

class Store;

/// A dataset version named "NAME@VERSION", or "NAME" for its latest version.
Result<DatasetRecord> resolveDataset(Store &store, const QString &spec);

struct DatasetDiff {
    DatasetRecord from, to;
    /// Interactions (their source ids) only in `to`, only in `from`, and in both with another split.
    std::vector<QString> entered, left, moved;
    qint64 kept = 0;
};

Result<DatasetDiff> diffDatasets(Store &store, const DatasetRecord &from, const DatasetRecord &to);

struct ModelVersionRecord {
    QString model, version;
    qint64 firstSeenAt = 0, lastSeenAt = 0;
    std::optional<qint64> deployedAt;
    /// "NAME@VERSION" of the dataset it was trained on.
    QString trainedOn;
    qint64 interactions = 0;
    QString notes;
};

/// Records (or updates) a model version: the dataset version it was trained on and when it was
/// deployed. A version not seen in traffic yet is added.
Status recordModelVersion(Store &store, const QString &model, const QString &version,
                          std::optional<qint64> trainedOnDatasetId, std::optional<qint64> deployedAt,
                          const QString &notes);

/// Every model version, by model, then deployment (or first sighting).
Result<std::vector<ModelVersionRecord>> listModelVersions(Store &store);

} // namespace flywheel
