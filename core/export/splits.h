#pragma once

#include <QtGlobal>

#include <array>
#include <map>
#include <string>
#include <vector>

namespace flywheel {

enum class Split { Train = 0, Validation = 1, Test = 2 };
const char *splitName(Split split);

/// One example to place: its group (a duplicate cluster: a group never straddles two splits) and
/// its stratum (its segment: each segment is split in the same ratios).
struct SplitItem {
    qint64 group = 0;
    std::string stratum;
    /// In a pinned evaluation set: its group goes to test, never to train.
    bool pinned = false;
};

struct SplitPlan {
    /// The split of each item, in the order given.
    std::vector<Split> splitOf;
    /// Per stratum, the examples in each split.
    std::map<std::string, std::array<qint64, 3>> counts;
};

/// Places items in train, validation and test by @p ratios (normalised to sum 1), deterministically
/// for a seed: within each stratum, groups are taken in an order drawn from the seed and each goes
/// to the split furthest below its share so far, so small strata get near the ratios too. A group
/// with a pinned item goes to test.
SplitPlan assignSplits(const std::vector<SplitItem> &items, const std::array<double, 3> &ratios,
                       quint64 seed);

} // namespace flywheel
