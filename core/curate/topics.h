#pragma once

#include <QtGlobal>

#include <string>
#include <string_view>
#include <vector>

namespace flywheel {

/// Topics of texts that come without a category: TF-IDF vectors of their words, spherical k-means
/// (deterministic seeding), each topic named by the three terms that set it apart (its centroid's
/// weight above the mean), so a person can read it ("topic: password / reset / login").
struct Topics {
    /// The topic of each text; -1 for a text with no word the topics know.
    std::vector<int> topicOf;
    /// Each topic's name.
    std::vector<std::string> names;
};

/// @p texts are normalised (lower case); @p weights count how often each occurs (for the term
/// statistics, so a frequent input weighs as it does in the traffic). The number of topics is the
/// square root of a fifth of the texts, from 2 to @p maxTopics.
Topics findTopics(const std::vector<std::string_view> &texts, const std::vector<qint64> &weights,
                  int maxTopics = 24);

} // namespace flywheel
