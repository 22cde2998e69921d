#pragma once

// The rows an export reads and the JSON lines it writes for them.

#include "curate/personaldata.h"
#include "export/exportoptions.h"
#include "util/result.h"

#include <QtGlobal>

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace flywheel {

class Store;

/// One curated interaction as an export sees it: the label that counts (a review's over the
/// rules') and the best correction (a reviewer's over a captured one).
struct ExampleRow {
    qint64 id = 0;
    std::string inputJson;
    std::optional<std::string> output;
    std::string outputToolCallsJson;
    std::string segment;
    /// Its duplicate cluster (the representative's id), or its own id.
    qint64 group = 0;
    std::string label;
    bool reviewed = false;
    std::string correction;
};

/// Personal data curation found in one interaction: per input message, and in the output.
struct StoredSpans {
    std::unordered_map<qint64, std::vector<PersonalDataSpan>> input;
    std::vector<PersonalDataSpan> output;
    bool empty() const { return input.empty() && output.empty(); }
};

/// The kind's labels when the selection names none.
std::set<std::string> defaultLabels(DatasetKind kind);

/// Streams the selected interactions in id order (one read transaction). Filters are bound
/// values, never SQL text.
Status readExampleRows(Store &store, const ExportOptions &options,
                       const std::function<bool(const ExampleRow &)> &visit);

/// Every personal-data span curation stored, by interaction.
Result<std::unordered_map<qint64, StoredSpans>> readStoredSpans(Store &store);

/// The JSON lines of one interaction for the kind and format (none when it does not fit the kind,
/// e.g. a preference without a correction). @p personalData decides redaction; the caller has
/// already left out interactions with personal data in Drop mode.
std::vector<std::string> exampleLines(const ExampleRow &row, const StoredSpans *spans,
                                      const ExportOptions &options);

} // namespace flywheel
