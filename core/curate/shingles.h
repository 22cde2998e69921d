#pragma once

#include <QtGlobal>

#include <string_view>
#include <vector>

namespace flywheel {

/// The sorted, distinct hashes of the character @p k-grams of (normalised) UTF-8 text; a text
/// shorter than k characters is one shingle of itself.
std::vector<quint64> shingleSet(std::string_view text, int k);

/// |A ∩ B| / |A ∪ B| of two sorted, distinct sets; 1 for two empty sets.
double jaccard(const std::vector<quint64> &a, const std::vector<quint64> &b);

} // namespace flywheel
