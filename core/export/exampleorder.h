#pragma once

#include "export/exportoptions.h"

#include <QtGlobal>

#include <string>
#include <vector>

namespace flywheel {

/// What ordering an example needs to know about it.
struct RankedExample {
    qint64 id = 0;
    std::string segment;
    /// A reviewer corrected it.
    bool reviewedCorrection = false;
    /// 0 gold, 1 positive, 2 other.
    int labelRank = 2;
    double score = 0;
    /// Its segment's hardness in the latest curation run.
    double hardness = 0;
};

/// The examples to write, as indexes into @p examples, in order. Eval: reviewed corrections first,
/// then the hardest segments, so the benchmark grows where the model is weak. Few-shot: the best
/// labeled and scored first, taken in turn from each segment so the set is diverse (one per
/// duplicate cluster comes from the selection). Other kinds keep id order. At most @p limit
/// (0 = all).
std::vector<size_t> orderExamples(DatasetKind kind, const std::vector<RankedExample> &examples, qint64 limit);

} // namespace flywheel
