#pragma once

#include <QtGlobal>

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace flywheel {

/// One bit per LSH band: which bands' buckets paired two texts.
using BandMask = quint64;
/// The most bands a search may use (one bit each in a BandMask).
constexpr int kMaxBands = 64;
constexpr BandMask bandBit(int band)
{
    return BandMask(1) << band;
}

struct NearDuplicateSettings {
    /// Characters per shingle.
    int shingleSize = 5;
    /// Pairs whose shingle-set Jaccard similarity reaches this are near-duplicates.
    double threshold = 0.8;
    /// LSH banding: bands × rows MinHash values. 20 × 5 finds a pair at similarity 0.8 with
    /// probability 0.9996, at 0.5 with 0.47 (checked, then dropped), at 0.3 with 0.05. At most
    /// kMaxBands.
    int bands = 20;
    int rows = 5;
    /// A bucket with more texts than this compares each only with its next `bucketCap` texts in
    /// signature order, so thousands of variants of one template cost thousands of comparisons,
    /// not millions.
    int bucketCap = 24;

    int width() const { return bands * rows; }
};

/// MinHash signatures of texts, 16 bits per bin: enough to tell agreement (a chance match is 1 in
/// 65,536), and small enough to keep in the store so a later run need not read the texts again.
class TextSignatures {
public:
    explicit TextSignatures(int width = 100)
        : m_width(size_t(width))
    {}

    size_t size() const { return m_empty.size(); }
    size_t width() const { return m_width; }
    /// A text without shingles (an empty input) has no signature and matches nothing.
    bool empty(size_t text) const { return m_empty[text]; }
    const quint16 *of(size_t text) const { return m_values.data() + text * m_width; }

    /// Appends a signature of width() bins, or an empty one.
    void append(const quint16 *bins);
    void appendEmpty();
    /// The signature as bytes (little endian), empty for a text without one, and back.
    std::string bytes(size_t text) const;
    /// False when @p bytes is neither empty nor width() bins.
    bool appendBytes(std::string_view bytes);

private:
    size_t m_width;
    std::vector<quint16> m_values;
    std::vector<bool> m_empty;
};

/// Computes the signatures of normalised texts on every core (one-permutation MinHash with optimal
/// densification), appended to @p out in order.
void signTexts(const std::vector<std::string_view> &texts, const NearDuplicateSettings &settings,
               TextSignatures &out, const std::atomic_bool *cancel = nullptr);

/// The bucket of a text in a band: a hash of the band's rows of its signature.
quint64 bandKey(const TextSignatures &signatures, size_t text, int band, int rows);

/// Two texts that share an LSH bucket in at least one band.
struct NearDuplicateCandidate {
    quint32 first = 0; // first < second
    quint32 second = 0;
    /// Bit b: the two share band b's bucket and the bucket pairs them.
    BandMask bands = 0;
};

/// Which of a bucket's pairs to return (all when null); called from several threads at once.
using CandidateFilter = std::function<bool(quint32 first, quint32 second)>;

/// The candidates of every bucket that holds at least one text marked in @p seeds (of every bucket
/// when @p seeds is null) that @p keep accepts, sorted by (first, second). Which pairs a bucket
/// yields depends on its members only, so a later run that searches only the buckets new texts fell
/// into finds there what a run over everything finds. Adding texts to a bucket never brings two of
/// its earlier texts closer in its order: the pairs of earlier texts it yields were yielded before.
std::vector<NearDuplicateCandidate> bucketCandidates(const TextSignatures &signatures,
                                                     const NearDuplicateSettings &settings,
                                                     const std::vector<bool> *seeds,
                                                     const CandidateFilter &keep = {},
                                                     const std::atomic_bool *cancel = nullptr);

/// The similarity of each candidate. The signatures estimate it (the share of agreeing bins; with
/// 100 bins its standard error is about 0.04 near 0.8): well under the threshold (0.15, nearly four
/// standard errors) it is 0, well over it the estimate; only the uncertain ones in between pay for
/// an exact comparison of shingle sets, made from the texts @p textOf gives. @p textOf is called on
/// the calling thread, once per text needed; the rest runs on every core.
std::vector<float> candidateSimilarities(const TextSignatures &signatures,
                                         const std::vector<NearDuplicateCandidate> &candidates,
                                         const NearDuplicateSettings &settings,
                                         const std::function<std::string(quint32)> &textOf,
                                         const std::atomic_bool *cancel = nullptr);

struct NearDuplicatePair {
    quint32 first = 0;
    quint32 second = 0;
    /// The Jaccard similarity of the two shingle sets: exact near the threshold, estimated from the
    /// signatures when it is far above it.
    float similarity = 0;
    /// The bands whose buckets found the pair (see NearDuplicateCandidate).
    BandMask bands = 0;
};

/// Finds the pairs of texts (normalised, distinct) whose character-shingle Jaccard similarity
/// reaches the threshold: signatures, every bucket's candidates and their similarities. Pairs are
/// ordered (first < second) and sorted. Uses every core. Returns early, with what it has, when
/// @p cancel becomes true.
std::vector<NearDuplicatePair> findNearDuplicates(const std::vector<std::string_view> &texts,
                                                  const NearDuplicateSettings &settings,
                                                  const std::atomic_bool *cancel = nullptr);

} // namespace flywheel
