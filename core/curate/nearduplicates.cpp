#include "curate/nearduplicates.h"

#include "curate/shingles.h"

#include <algorithm>
#include <iterator>
#include <thread>

namespace flywheel {
namespace {

// splitmix64: turns a shingle hash and a seed into an independent-looking 64-bit value.
quint64 mix(quint64 x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// Runs work(begin, end) over [0, count) split between the machine's cores.
template <typename Work>
void parallel(size_t count, Work &&work)
{
    const size_t threads = std::max<size_t>(1, std::min<size_t>(std::thread::hardware_concurrency(), 8));
    if (threads == 1 || count < 1024) {
        work(size_t(0), count);
        return;
    }
    std::vector<std::thread> pool;
    const size_t step = (count + threads - 1) / threads;
    for (size_t begin = 0; begin < count; begin += step)
        pool.emplace_back([&, begin] { work(begin, std::min(count, begin + step)); });
    for (std::thread &thread : pool)
        thread.join();
}

struct Shingles {
    std::vector<quint64> hashes;
    std::vector<size_t> offsets; // text i's shingles are [offsets[i], offsets[i + 1])

    size_t size(size_t i) const { return offsets[i + 1] - offsets[i]; }
    const quint64 *begin(size_t i) const { return hashes.data() + offsets[i]; }
};

Shingles shingleAll(const std::vector<std::string_view> &texts, int k)
{
    std::vector<std::vector<quint64>> sets(texts.size());
    parallel(texts.size(), [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i)
            sets[i] = shingleSet(texts[i], k);
    });
    Shingles all;
    all.offsets.reserve(texts.size() + 1);
    all.offsets.push_back(0);
    for (const auto &set : sets)
        all.offsets.push_back(all.offsets.back() + set.size());
    all.hashes.reserve(all.offsets.back());
    for (auto &set : sets) {
        all.hashes.insert(all.hashes.end(), set.begin(), set.end());
        std::vector<quint64>().swap(set);
    }
    return all;
}

double exactJaccard(const Shingles &s, size_t a, size_t b, double threshold)
{
    const size_t na = s.size(a), nb = s.size(b);
    if (na == 0 || nb == 0)
        return 0;
    // |A ∩ B| / |A ∪ B| ≤ min / max: pairs of very different sizes need no merge.
    if (double(std::min(na, nb)) < threshold * double(std::max(na, nb)))
        return 0;
    const quint64 *x = s.begin(a), *y = s.begin(b);
    size_t i = 0, j = 0, common = 0;
    while (i < na && j < nb) {
        if (x[i] == y[j]) {
            ++common;
            ++i;
            ++j;
        } else if (x[i] < y[j]) {
            ++i;
        } else {
            ++j;
        }
    }
    return double(common) / double(na + nb - common);
}

// The candidate pairs of one band, sorted and without repeats: the texts of each bucket (texts whose
// signatures agree on the band's rows) paired with each other.
void bandCandidates(const std::vector<quint64> &signatures, const Shingles &shingles,
                    const NearDuplicateSettings &settings, size_t bandIndex,
                    std::vector<std::pair<quint32, quint32>> &band)
{
    const size_t n = shingles.offsets.size() - 1;
    const size_t hashes = size_t(settings.bands * settings.rows);
    const size_t cap = size_t(settings.bucketCap);
    std::vector<std::pair<quint64, quint32>> keys(n);
    for (size_t i = 0; i < n; ++i) {
        quint64 key = quint64(bandIndex) * 0x9E3779B97F4A7C15ull;
        const quint64 *row = signatures.data() + i * hashes + bandIndex * size_t(settings.rows);
        for (int r = 0; r < settings.rows; ++r)
            key = mix(key ^ row[r]);
        // A text without shingles (an empty input) matches nothing.
        keys[i] = {shingles.size(i) == 0 ? quint64(i) * 0xFFFFFFFFull + 1 : key, quint32(i)};
    }
    std::sort(keys.begin(), keys.end());
    band.clear();
    std::vector<quint32> members;
    const auto add = [&](quint32 x, quint32 y) {
        band.emplace_back(std::min(x, y), std::max(x, y));
    };
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && keys[end].first == keys[start].first)
            ++end;
        if (end - start <= cap) {
            for (size_t a = start; a < end; ++a)
                for (size_t other = a + 1; other < end; ++other)
                    add(keys[a].second, keys[other].second);
        } else {
            // A large bucket: order its texts by their whole signatures, so the most alike sit
            // together, and compare each with the next `cap` (a sorted neighbourhood).
            members.clear();
            for (size_t a = start; a < end; ++a)
                members.push_back(keys[a].second);
            std::sort(members.begin(), members.end(), [&](quint32 x, quint32 y) {
                return std::lexicographical_compare(
                    signatures.data() + x * hashes, signatures.data() + (x + 1) * hashes,
                    signatures.data() + y * hashes, signatures.data() + (y + 1) * hashes);
            });
            for (size_t a = 0; a < members.size(); ++a)
                for (size_t other = a + 1; other < std::min(members.size(), a + 1 + cap); ++other)
                    add(members[a], members[other]);
        }
        start = end;
    }
    std::sort(band.begin(), band.end());
    band.erase(std::unique(band.begin(), band.end()), band.end());
}

} // namespace

std::vector<NearDuplicatePair> findNearDuplicates(const std::vector<std::string_view> &texts,
                                                  const NearDuplicateSettings &settings,
                                                  const std::atomic_bool *cancel)
{
    const auto cancelled = [cancel] {
        return cancel && cancel->load(std::memory_order_relaxed);
    };
    const Shingles shingles = shingleAll(texts, settings.shingleSize);
    const size_t n = texts.size();
    const size_t hashes = size_t(settings.bands * settings.rows);

    // MinHash signatures by one-permutation hashing: each shingle is mixed once and lands in one
    // of bands × rows bins, which keeps its least value; empty bins borrow a non-empty bin's value
    // chosen by a fixed sequence (optimal densification), so two texts agree on a bin with
    // probability equal to their Jaccard similarity, at the cost of one hash per shingle.
    std::vector<quint64> signatures(n * hashes, ~0ull);
    parallel(n, [&](size_t begin, size_t end) {
        std::vector<bool> filled(hashes);
        for (size_t i = begin; i < end && !cancelled(); ++i) {
            quint64 *signature = signatures.data() + i * hashes;
            const quint64 *shingle = shingles.begin(i);
            const size_t count = shingles.size(i);
            if (count == 0)
                continue;
            std::fill(filled.begin(), filled.end(), false);
            for (size_t k = 0; k < count; ++k) {
                const quint64 value = mix(shingle[k]);
                const size_t bin = size_t(((value >> 32) * quint64(hashes)) >> 32);
                signature[bin] = std::min(signature[bin], value);
                filled[bin] = true;
            }
            for (size_t bin = 0; bin < hashes; ++bin) {
                if (filled[bin])
                    continue;
                for (quint64 attempt = 1;; ++attempt) {
                    const size_t from = size_t(mix(quint64(bin) * 0x9E3779B97F4A7C15ull + attempt) % hashes);
                    if (filled[from]) {
                        signature[bin] = signature[from];
                        break;
                    }
                }
            }
        }
    });
    if (cancelled())
        return {};

    // Banding: texts whose signatures agree on all rows of a band share a bucket. Bands are split
    // between the cores; each keeps a sorted candidate list without repeats, joined at the end.
    using Pairs = std::vector<std::pair<quint32, quint32>>;
    const size_t threads = std::max<size_t>(1, std::min<size_t>(std::thread::hardware_concurrency(), 8));
    std::vector<Pairs> found(threads);
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            Pairs band, merged;
            for (size_t b = t; b < size_t(settings.bands) && !cancelled(); b += threads) {
                bandCandidates(signatures, shingles, settings, b, band);
                merged.clear();
                merged.reserve(found[t].size() + band.size());
                std::set_union(found[t].begin(), found[t].end(), band.begin(), band.end(),
                               std::back_inserter(merged));
                found[t].swap(merged);
            }
        });
    }
    for (std::thread &thread : pool)
        thread.join();
    Pairs candidates;
    for (Pairs &part : found) {
        Pairs merged;
        merged.reserve(candidates.size() + part.size());
        std::set_union(candidates.begin(), candidates.end(), part.begin(), part.end(),
                       std::back_inserter(merged));
        candidates.swap(merged);
        Pairs().swap(part);
    }
    if (cancelled())
        return {};

    // The signatures estimate each candidate's similarity (the share of agreeing bins; with 100
    // bins its standard error is about 0.04 near 0.8). Well under the threshold or well over it
    // (0.15, nearly four standard errors) a candidate is dropped, or kept with the estimate; only the
    // uncertain ones in between pay for the exact comparison of their shingle sets.
    // 16 bits of each bin are enough to tell agreement (a chance match is 1 in 65536) and keep the
    // signatures of a random candidate in four cache lines instead of thirteen.
    std::vector<quint16> compact(signatures.size());
    for (size_t k = 0; k < signatures.size(); ++k)
        compact[k] =
            quint16(signatures[k] ^ (signatures[k] >> 16) ^ (signatures[k] >> 32) ^ (signatures[k] >> 48));
    std::vector<quint64>().swap(signatures);
    std::vector<double> similarity(candidates.size(), 0);
    const double below = 0.15, above = 0.15;
    parallel(candidates.size(), [&](size_t begin, size_t end) {
        for (size_t c = begin; c < end; ++c) {
            const quint16 *x = compact.data() + size_t(candidates[c].first) * hashes;
            const quint16 *y = compact.data() + size_t(candidates[c].second) * hashes;
            size_t agreeing = 0;
            for (size_t h = 0; h < hashes; ++h)
                agreeing += x[h] == y[h];
            const double estimate = double(agreeing) / double(hashes);
            if (estimate >= settings.threshold + above)
                similarity[c] = estimate;
            else if (estimate > settings.threshold - below) {
                similarity[c] =
                    exactJaccard(shingles, candidates[c].first, candidates[c].second, settings.threshold);
            }
        }
    });
    std::vector<NearDuplicatePair> pairs;
    for (size_t c = 0; c < candidates.size(); ++c)
        if (similarity[c] >= settings.threshold)
            pairs.push_back({candidates[c].first, candidates[c].second, float(similarity[c])});
    return pairs;
}

} // namespace flywheel
