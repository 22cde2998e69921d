#pragma once

#include "export/exportoptions.h"
#include "export/splits.h"
#include "util/result.h"

#include <QJsonObject>
#include <QString>

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <string>

namespace flywheel {

class Store;

struct ExportReport {
    qint64 datasetId = 0;
    QString name;
    qint64 version = 0;
    QString path;
    /// Lines written (a KTO interaction may give two).
    qint64 examples = 0;
    qint64 interactions = 0;
    std::array<qint64, 3> perSplit{0, 0, 0};
    /// Per segment, the interactions in each split: the achieved ratios.
    std::map<std::string, std::array<qint64, 3>> perSegment;
    std::map<std::string, qint64> perLabel;
    /// Interactions left out because they hold personal data (--pii drop).
    qint64 droppedForPersonalData = 0;
    QString manifestSha256;
};

/// Counts per split as JSON: {"train": n, "validation": n, "test": n}.
QJsonObject splitCountsJson(const std::array<qint64, 3> &counts);

/// Completes the publication of exports a killed process left half-way (recorded, folder still
/// hidden): moves the folder into place, or forgets a record whose folder is gone. Exporter::run()
/// and `flywheel datasets` call it first.
Status finishInterruptedExports(Store &store);

/// Writes a dataset version (docs/export.md): the selected interactions as JSON lines of the kind
/// and format, split by segment and duplicate cluster, with manifest.json and a README.md dataset
/// card, built in a hidden folder next to the destination, recorded in the store and renamed into
/// place only when complete and valid. A failed or cancelled export leaves neither a folder nor a
/// record.
class Exporter final {
public:
    using ProgressCallback = std::function<void(qint64 done)>;

    Exporter(Store &store, ExportOptions options);

    void setProgressCallback(ProgressCallback callback) { m_progress = std::move(callback); }
    void setCancelFlag(const std::atomic_bool *cancel) { m_cancel = cancel; }

    Result<ExportReport> run();

private:
    Store &m_store;
    ExportOptions m_options;
    ProgressCallback m_progress;
    const std::atomic_bool *m_cancel = nullptr;
};

} // namespace flywheel
