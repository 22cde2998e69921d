#include "export/exampleorder.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace flywheel {

std::vector<size_t> orderExamples(DatasetKind kind, const std::vector<RankedExample> &examples, qint64 limit)
{
    std::vector<size_t> order(examples.size());
    std::iota(order.begin(), order.end(), size_t(0));
    const auto keep = [&](std::vector<size_t> chosen) {
        if (limit > 0 && qint64(chosen.size()) > limit)
            chosen.resize(size_t(limit));
        return chosen;
    };
    const auto best = [&](size_t a, size_t b) {
        const RankedExample &x = examples[a], &y = examples[b];
        if (x.reviewedCorrection != y.reviewedCorrection)
            return x.reviewedCorrection;
        if (x.labelRank != y.labelRank)
            return x.labelRank < y.labelRank;
        if (x.score != y.score)
            return x.score > y.score;
        return x.id < y.id;
    };
    if (kind == DatasetKind::Eval) {
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            const RankedExample &x = examples[a], &y = examples[b];
            if (x.reviewedCorrection != y.reviewedCorrection)
                return x.reviewedCorrection;
            if (x.hardness != y.hardness)
                return x.hardness > y.hardness;
            return x.id < y.id;
        });
        return keep(order);
    }
    if (kind == DatasetKind::FewShot) {
        std::sort(order.begin(), order.end(), best);
        // Round robin over segments, each segment's best first, segments in the order of their best.
        std::map<std::string, std::vector<size_t>> bySegment;
        std::vector<std::string> segments;
        for (const size_t i : order) {
            auto &list = bySegment[examples[i].segment];
            if (list.empty())
                segments.push_back(examples[i].segment);
            list.push_back(i);
        }
        std::vector<size_t> chosen;
        for (size_t round = 0; chosen.size() < order.size(); ++round)
            for (const std::string &segment : segments)
                if (round < bySegment[segment].size())
                    chosen.push_back(bySegment[segment][round]);
        return keep(chosen);
    }
    return keep(order);
}

} // namespace flywheel
