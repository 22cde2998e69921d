#pragma once

// The rows an export reads and the JSON lines it writes for them.

#include "curate/personaldata.h"
#include "export/exportoptions.h"
#include "util/result.h"

#include <QtGlobal>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
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
    double score = 0;
    std::string modelVersion;
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

struct ExampleOutput {
    /// The JSON lines of the kind's data file.
    std::vector<std::string> lines;
    /// The interaction in the kind's second file: a promptfoo CSV row (eval), a Markdown block
    /// (few-shot).
    std::string extra;
};

/// What one interaction gives for the kind and format (nothing when it does not fit the kind, e.g.
/// a preference without a correction). The options decide redaction; the caller has already left
/// out interactions with personal data in Drop mode.
ExampleOutput exampleOutput(const ExampleRow &row, const StoredSpans *spans, const ExportOptions &options);

/// Per segment, its hardness in the latest completed curation run.
Result<std::map<std::string, double>> readSegmentHardness(Store &store);
/// The interactions in pinned datasets (evaluation sets): never in a train split.
Result<std::unordered_set<qint64>> readPinnedInteractions(Store &store);

/// The header of the promptfoo CSV an eval export writes next to its samples.
extern const char *const kPromptfooHeader;

} // namespace flywheel
