#pragma once

#include <QtGlobal>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flywheel {

/// Topics of texts that come without a category: TF-IDF vectors of their words, spherical k-means
/// (deterministic seeding), each topic named by the three terms that set it apart (its centroid's
/// weight above the mean), so a person can read it ("topic: password / reset / login").
class TopicModel {
public:
    /// Trains on @p texts, normalised (lower case); @p weights count how often each occurs (for the
    /// term statistics, so a frequent input weighs as it does in the traffic). The number of topics
    /// is the square root of a fifth of the texts, from 2 to @p maxTopics; topics no training text
    /// is nearest to are dropped.
    static TopicModel train(const std::vector<std::string_view> &texts, const std::vector<qint64> &weights,
                            int maxTopics = 24);

    /// The topic nearest to a text; -1 for a text with no word the model knows.
    int assign(std::string_view text) const;
    const std::vector<std::string> &names() const { return m_names; }

    /// A compact binary form that parse() reads back exactly, so a later run assigns new texts as
    /// this one would.
    std::string serialize() const;
    static std::optional<TopicModel> parse(std::string_view bytes);

private:
    struct SparseVector {
        std::vector<std::pair<int, float>> terms; // sorted by term
    };
    SparseVector vectorize(const std::vector<std::string_view> &words) const;
    int nearest(const SparseVector &v) const;
    void indexTerms();

    // The steps of train(), in order.
    struct Training {
        const std::vector<SparseVector> &vectors;
        const std::vector<size_t> &usable; // the texts with a known word
        const std::vector<qint64> &weights;
    };
    void chooseVocabulary(const std::vector<std::vector<std::string_view>> &tokens,
                          const std::vector<qint64> &weights);
    void seedCentroids(const Training &t, size_t k);
    std::vector<int> refineCentroids(const Training &t);
    void nameTopics(const Training &t, const std::vector<int> &assignment);
    std::string topicName(const std::vector<float> &centroid, const std::vector<double> &mean) const;
    std::vector<float> toDense(const SparseVector &v) const;
    static double dot(const SparseVector &v, const std::vector<float> &centroid);

    std::vector<std::string> m_terms;
    std::vector<float> m_idf;
    std::vector<std::vector<float>> m_centroids; // unit length, dense over the terms
    std::vector<std::string> m_names;
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    // Owns its keys, so a copied model looks words up in its own terms.
    std::unordered_map<std::string, int, Hash, std::equal_to<>> m_termIndex;
};

struct Topics {
    /// The topic of each text; -1 for a text with no word the topics know.
    std::vector<int> topicOf;
    /// Each topic's name.
    std::vector<std::string> names;
};

/// Trains a model on @p texts and assigns each of them.
Topics findTopics(const std::vector<std::string_view> &texts, const std::vector<qint64> &weights,
                  int maxTopics = 24);

} // namespace flywheel
