#include "export/splits.h"

#include "util/hasher.h"

#include <algorithm>
#include <unordered_map>

namespace flywheel {

const char *splitName(Split split)
{
    switch (split) {
    case Split::Train:
        return "train";
    case Split::Validation:
        return "validation";
    case Split::Test:
        return "test";
    }
    return "train";
}

SplitPlan assignSplits(const std::vector<SplitItem> &items, const std::array<double, 3> &ratios, quint64 seed)
{
    SplitPlan plan;
    plan.splitOf.assign(items.size(), Split::Train);
    double sum = 0;
    for (const double r : ratios)
        sum += std::max(0.0, r);
    std::array<double, 3> share{1, 0, 0};
    if (sum > 0)
        for (size_t s = 0; s < 3; ++s)
            share[s] = std::max(0.0, ratios[s]) / sum;

    // Groups per stratum, with their items. A group belongs to the stratum of its first item.
    struct Group {
        qint64 key;
        quint64 order;
        std::vector<size_t> items;
        bool pinned;
    };
    std::map<std::string, std::vector<Group>> strata;
    std::unordered_map<qint64, std::pair<std::string, size_t>> where;
    for (size_t i = 0; i < items.size(); ++i) {
        const auto found = where.find(items[i].group);
        if (found != where.end()) {
            Group &group = strata[found->second.first][found->second.second];
            group.items.push_back(i);
            group.pinned |= items[i].pinned;
            continue;
        }
        std::vector<Group> &groups = strata[items[i].stratum];
        const quint64 order = Hasher().add(qint64(seed)).add(items[i].group).digest64();
        where.emplace(items[i].group, std::make_pair(items[i].stratum, groups.size()));
        groups.push_back({items[i].group, order, {i}, items[i].pinned});
    }
    for (auto &[stratum, groups] : strata) {
        std::sort(groups.begin(), groups.end(), [](const Group &a, const Group &b) {
            return a.order != b.order ? a.order < b.order : a.key < b.key;
        });
        std::array<qint64, 3> &count = plan.counts[stratum];
        count = {0, 0, 0};
        qint64 placed = 0;
        for (const Group &group : groups) {
            // The split whose count is furthest below its share once this group is placed.
            const qint64 after = placed + qint64(group.items.size());
            size_t best = group.pinned ? size_t(Split::Test) : 0;
            double bestDeficit = -1e300;
            for (size_t s = 0; s < 3 && !group.pinned; ++s) {
                if (share[s] <= 0)
                    continue;
                const double deficit = share[s] * double(after) - double(count[s]);
                if (deficit > bestDeficit) {
                    bestDeficit = deficit;
                    best = s;
                }
            }
            for (const size_t i : group.items)
                plan.splitOf[i] = Split(best);
            count[best] += qint64(group.items.size());
            placed = after;
        }
    }
    return plan;
}

} // namespace flywheel
