#pragma once

#include <QtGlobal>

#include <atomic>
#include <string_view>
#include <vector>

namespace flywheel {

struct NearDuplicateSettings {
    /// Characters per shingle.
    int shingleSize = 5;
    /// Pairs whose shingle-set Jaccard similarity reaches this are near-duplicates.
    double threshold = 0.8;
    /// LSH banding: bands × rows MinHash values. 20 × 5 finds a pair at similarity 0.8 with
    /// probability 0.9996, at 0.5 with 0.47 (checked, then dropped), at 0.3 with 0.05.
    int bands = 20;
    int rows = 5;
    /// A bucket with more texts than this compares each only with its first `bucketCap` texts, so
    /// thousands of variants of one template cost thousands of comparisons, not millions.
    int bucketCap = 24;
};

struct NearDuplicatePair {
    quint32 first = 0;
    quint32 second = 0;
    /// The Jaccard similarity of the two shingle sets: exact near the threshold, estimated from the
    /// signatures when it is far above it.
    float similarity = 0;
};

/// Finds the pairs of texts (normalised, distinct) whose character-shingle Jaccard similarity
/// reaches the threshold: MinHash signatures, LSH banding for candidates, and an exact check of
/// every candidate whose estimated similarity is within 0.15 of the threshold. Pairs are ordered (first <
/// second) and sorted. Uses every core. Returns early, with what it has, when @p cancel becomes true.
std::vector<NearDuplicatePair> findNearDuplicates(const std::vector<std::string_view> &texts,
                                                  const NearDuplicateSettings &settings,
                                                  const std::atomic_bool *cancel = nullptr);

} // namespace flywheel
