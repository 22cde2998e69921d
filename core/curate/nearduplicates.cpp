#include "curate/nearduplicates.h"

#include "curate/shingles.h"

#include <algorithm>
#include <thread>
#include <unordered_map>
#include <unordered_set>

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

size_t coreCount()
{
    return std::max<size_t>(1, std::min<size_t>(std::thread::hardware_concurrency(), 8));
}

// Runs work(t) for t in [0, threads) on the machine's cores.
template <typename Work>
void onEveryCore(size_t threads, Work &&work)
{
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads; ++t)
        pool.emplace_back([&, t] { work(t); });
    for (std::thread &thread : pool)
        thread.join();
}

// Runs work(begin, end) over [0, count) split between the machine's cores.
template <typename Work>
void parallel(size_t count, Work &&work)
{
    const size_t threads = coreCount();
    if (threads == 1 || count < 1024) {
        work(size_t(0), count);
        return;
    }
    const size_t step = (count + threads - 1) / threads;
    onEveryCore((count + step - 1) / step,
                [&](size_t t) { work(t * step, std::min(count, (t + 1) * step)); });
}

// |A ∩ B| / |A ∪ B|, 0 without the merge when the sizes alone rule out the threshold.
double exactJaccard(const std::vector<quint64> &x, const std::vector<quint64> &y, double threshold)
{
    const size_t na = x.size(), nb = y.size();
    if (na == 0 || nb == 0)
        return 0;
    if (double(std::min(na, nb)) < threshold * double(std::max(na, nb)))
        return 0;
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

quint64 packPair(quint32 x, quint32 y)
{
    return (quint64(std::min(x, y)) << 32) | std::max(x, y);
}

// One band's candidate pairs (packed, sorted, distinct): the texts of each searched bucket paired.
void bandCandidates(const TextSignatures &signatures, const NearDuplicateSettings &settings, int band,
                    const std::vector<bool> *seeds, const CandidateFilter &keep, std::vector<quint64> &pairs)
{
    const auto add = [&](quint32 x, quint32 y) {
        if (!keep || keep(std::min(x, y), std::max(x, y)))
            pairs.push_back(packPair(x, y));
    };
    const size_t n = signatures.size();
    std::unordered_set<quint64> searched;
    if (seeds) {
        for (size_t i = 0; i < n; ++i)
            if ((*seeds)[i] && !signatures.empty(i))
                searched.insert(bandKey(signatures, i, band, settings.rows));
    }
    std::vector<std::pair<quint64, quint32>> keys;
    for (size_t i = 0; i < n; ++i) {
        if (signatures.empty(i))
            continue;
        const quint64 key = bandKey(signatures, i, band, settings.rows);
        if (!seeds || searched.count(key))
            keys.emplace_back(key, quint32(i));
    }
    std::sort(keys.begin(), keys.end());
    pairs.clear();
    const size_t cap = size_t(settings.bucketCap);
    const size_t width = signatures.width();
    std::vector<quint32> members;
    for (size_t start = 0; start < keys.size();) {
        size_t end = start + 1;
        while (end < keys.size() && keys[end].first == keys[start].first)
            ++end;
        if (end - start <= cap) {
            for (size_t a = start; a < end; ++a)
                for (size_t other = a + 1; other < end; ++other)
                    add(keys[a].second, keys[other].second);
        } else {
            // A large bucket: order its texts by their whole signatures, so the most alike sit
            // together, and compare each with the next `cap` (a sorted neighbourhood). Equal
            // signatures go by index, so the order depends on the members alone.
            members.clear();
            for (size_t a = start; a < end; ++a)
                members.push_back(keys[a].second);
            std::sort(members.begin(), members.end(), [&](quint32 x, quint32 y) {
                const quint16 *sx = signatures.of(x), *sy = signatures.of(y);
                const auto [px, py] = std::mismatch(sx, sx + width, sy);
                return px != sx + width ? *px < *py : x < y;
            });
            for (size_t a = 0; a < members.size(); ++a)
                for (size_t other = a + 1; other < std::min(members.size(), a + 1 + cap); ++other)
                    add(members[a], members[other]);
        }
        start = end;
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
}

// Merges a band's sorted pairs into a sorted candidate list (into @p out, whose memory is reused),
// joining the bands of a pair found before.
void mergeBand(const std::vector<NearDuplicateCandidate> &found, const std::vector<quint64> &band,
               BandMask bit, std::vector<NearDuplicateCandidate> &out)
{
    out.clear();
    out.reserve(found.size() + band.size());
    size_t i = 0, j = 0;
    while (i < found.size() || j < band.size()) {
        const quint64 key = i < found.size() ? packPair(found[i].first, found[i].second) : ~0ull;
        if (j == band.size() || (i < found.size() && key < band[j])) {
            out.push_back(found[i++]);
        } else if (i < found.size() && key == band[j]) {
            out.push_back(found[i++]);
            out.back().bands |= bit;
            ++j;
        } else {
            out.push_back({quint32(band[j] >> 32), quint32(band[j] & 0xFFFFFFFFu), bit});
            ++j;
        }
    }
}

// Merges two candidate lists sorted by pair, joining the bands of a pair found in both.
std::vector<NearDuplicateCandidate> mergeCandidates(const std::vector<NearDuplicateCandidate> &a,
                                                    const std::vector<NearDuplicateCandidate> &b)
{
    std::vector<NearDuplicateCandidate> merged;
    merged.reserve(a.size() + b.size());
    size_t i = 0, j = 0;
    const auto key = [](const NearDuplicateCandidate &c) {
        return packPair(c.first, c.second);
    };
    while (i < a.size() || j < b.size()) {
        if (j == b.size() || (i < a.size() && key(a[i]) < key(b[j]))) {
            merged.push_back(a[i++]);
        } else if (i == a.size() || key(b[j]) < key(a[i])) {
            merged.push_back(b[j++]);
        } else {
            merged.push_back(a[i++]);
            merged.back().bands |= b[j++].bands;
        }
    }
    return merged;
}

} // namespace

void TextSignatures::append(const quint16 *bins)
{
    m_values.insert(m_values.end(), bins, bins + m_width);
    m_empty.push_back(false);
}

void TextSignatures::appendEmpty()
{
    m_values.resize(m_values.size() + m_width, 0);
    m_empty.push_back(true);
}

std::string TextSignatures::bytes(size_t text) const
{
    std::string out;
    if (empty(text))
        return out;
    out.resize(m_width * 2);
    const quint16 *bins = of(text);
    for (size_t b = 0; b < m_width; ++b) {
        out[2 * b] = char(bins[b] & 0xFF);
        out[2 * b + 1] = char(bins[b] >> 8);
    }
    return out;
}

bool TextSignatures::appendBytes(std::string_view bytes)
{
    if (bytes.empty()) {
        appendEmpty();
        return true;
    }
    if (bytes.size() != m_width * 2)
        return false;
    const size_t at = m_values.size();
    m_values.resize(at + m_width);
    for (size_t b = 0; b < m_width; ++b)
        m_values[at + b] = quint16(quint8(bytes[2 * b]) | (quint16(quint8(bytes[2 * b + 1])) << 8));
    m_empty.push_back(false);
    return true;
}

void signTexts(const std::vector<std::string_view> &texts, const NearDuplicateSettings &settings,
               TextSignatures &out, const std::atomic_bool *cancel)
{
    const size_t n = texts.size();
    const size_t hashes = size_t(settings.width());
    std::vector<quint16> compact(n * hashes, 0);
    std::vector<char> empty(n, 0); // vector<bool> is not safe to write from several threads
    // One-permutation hashing: each shingle is mixed once and lands in one of bands × rows bins,
    // which keeps its least value; empty bins borrow a non-empty bin's value chosen by a fixed
    // sequence (optimal densification), so two texts agree on a bin with probability equal to their
    // Jaccard similarity, at the cost of one hash per shingle.
    parallel(n, [&](size_t begin, size_t end) {
        std::vector<bool> filled(hashes);
        std::vector<quint64> signature(hashes);
        for (size_t i = begin; i < end; ++i) {
            if (cancel && cancel->load(std::memory_order_relaxed))
                return;
            const std::vector<quint64> shingles = shingleSet(texts[i], settings.shingleSize);
            if (shingles.empty()) {
                empty[i] = 1;
                continue;
            }
            std::fill(signature.begin(), signature.end(), ~0ull);
            std::fill(filled.begin(), filled.end(), false);
            for (const quint64 shingle : shingles) {
                const quint64 value = mix(shingle);
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
            for (size_t bin = 0; bin < hashes; ++bin) {
                const quint64 v = signature[bin];
                compact[i * hashes + bin] = quint16(v ^ (v >> 16) ^ (v >> 32) ^ (v >> 48));
            }
        }
    });
    for (size_t i = 0; i < n; ++i) {
        if (empty[i])
            out.appendEmpty();
        else
            out.append(compact.data() + i * hashes);
    }
}

quint64 bandKey(const TextSignatures &signatures, size_t text, int band, int rows)
{
    quint64 key = quint64(band + 1) * 0x9E3779B97F4A7C15ull;
    const quint16 *row = signatures.of(text) + size_t(band) * size_t(rows);
    for (int r = 0; r < rows; ++r)
        key = mix(key ^ row[r]);
    return key;
}

std::vector<NearDuplicateCandidate>
bucketCandidates(const TextSignatures &signatures, const NearDuplicateSettings &settings,
                 const std::vector<bool> *seeds, const CandidateFilter &keep, const std::atomic_bool *cancel)
{
    // A band past the mask's width would have no bit of its own.
    Q_ASSERT(settings.bands <= kMaxBands);
    // Bands are split between the cores; each keeps a sorted candidate list, joined at the end.
    const size_t threads = std::min(coreCount(), size_t(std::max(1, settings.bands)));
    std::vector<std::vector<NearDuplicateCandidate>> found(threads);
    onEveryCore(threads, [&](size_t t) {
        std::vector<quint64> band;
        std::vector<NearDuplicateCandidate> merged;
        for (size_t b = t; b < size_t(settings.bands); b += threads) {
            if (cancel && cancel->load(std::memory_order_relaxed))
                return;
            bandCandidates(signatures, settings, int(b), seeds, keep, band);
            mergeBand(found[t], band, bandBit(int(b)), merged);
            found[t].swap(merged);
        }
    });
    std::vector<NearDuplicateCandidate> candidates;
    for (std::vector<NearDuplicateCandidate> &part : found) {
        candidates = mergeCandidates(candidates, part);
        std::vector<NearDuplicateCandidate>().swap(part);
    }
    return candidates;
}

std::vector<float> candidateSimilarities(const TextSignatures &signatures,
                                         const std::vector<NearDuplicateCandidate> &candidates,
                                         const NearDuplicateSettings &settings,
                                         const std::function<std::string(quint32)> &textOf,
                                         const std::atomic_bool *cancel)
{
    const size_t hashes = signatures.width();
    const double margin = 0.15;
    std::vector<float> similarity(candidates.size(), 0);
    std::vector<char> uncertain(candidates.size(), 0);
    parallel(candidates.size(), [&](size_t begin, size_t end) {
        for (size_t c = begin; c < end; ++c) {
            const quint16 *x = signatures.of(candidates[c].first);
            const quint16 *y = signatures.of(candidates[c].second);
            size_t agreeing = 0;
            for (size_t h = 0; h < hashes; ++h)
                agreeing += x[h] == y[h];
            const double estimate = double(agreeing) / double(hashes);
            if (estimate >= settings.threshold + margin)
                similarity[c] = float(estimate);
            else if (estimate > settings.threshold - margin)
                uncertain[c] = 1;
        }
    });
    // The shingle sets of the texts the uncertain candidates need, each made once.
    constexpr quint32 kNone = ~0u;
    std::vector<quint32> slot(signatures.size(), kNone);
    for (size_t c = 0; c < candidates.size(); ++c)
        if (uncertain[c])
            slot[candidates[c].first] = slot[candidates[c].second] = 0;
    std::vector<std::string> texts;
    for (size_t t = 0; t < slot.size(); ++t) {
        if (slot[t] == kNone)
            continue;
        slot[t] = quint32(texts.size());
        texts.push_back(textOf(quint32(t)));
        if (cancel && cancel->load(std::memory_order_relaxed))
            return similarity;
    }
    std::vector<std::vector<quint64>> shingles(texts.size());
    parallel(texts.size(), [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) {
            shingles[i] = shingleSet(texts[i], settings.shingleSize);
            std::string().swap(texts[i]);
        }
    });
    parallel(candidates.size(), [&](size_t begin, size_t end) {
        for (size_t c = begin; c < end; ++c)
            if (uncertain[c])
                similarity[c] = float(exactJaccard(shingles[slot[candidates[c].first]],
                                                   shingles[slot[candidates[c].second]], settings.threshold));
    });
    return similarity;
}

std::vector<NearDuplicatePair> findNearDuplicates(const std::vector<std::string_view> &texts,
                                                  const NearDuplicateSettings &settings,
                                                  const std::atomic_bool *cancel)
{
    TextSignatures signatures(settings.width());
    signTexts(texts, settings, signatures, cancel);
    const std::vector<NearDuplicateCandidate> candidates =
        bucketCandidates(signatures, settings, nullptr, {}, cancel);
    const std::vector<float> similarity = candidateSimilarities(
        signatures, candidates, settings, [&](quint32 t) { return std::string(texts[t]); }, cancel);
    std::vector<NearDuplicatePair> pairs;
    if (cancel && cancel->load(std::memory_order_relaxed))
        return pairs;
    for (size_t c = 0; c < candidates.size(); ++c)
        if (similarity[c] >= settings.threshold)
            pairs.push_back({candidates[c].first, candidates[c].second, similarity[c], candidates[c].bands});
    return pairs;
}

} // namespace flywheel
