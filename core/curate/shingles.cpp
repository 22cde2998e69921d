#include "curate/shingles.h"

#include "util/hasher.h"

#include <algorithm>

namespace flywheel {

std::vector<quint64> shingleSet(std::string_view text, int k)
{
    // Byte offsets where each character starts, so shingles are k characters, not k bytes.
    std::vector<size_t> starts;
    starts.reserve(text.size() + 1);
    for (size_t i = 0; i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
            starts.push_back(i);
    starts.push_back(text.size());
    std::vector<quint64> hashes;
    const size_t characters = starts.size() - 1;
    if (characters == 0)
        return hashes;
    if (characters < size_t(k)) {
        hashes.push_back(hash64(text));
        return hashes;
    }
    hashes.reserve(characters - size_t(k) + 1);
    for (size_t i = 0; i + size_t(k) <= characters; ++i)
        hashes.push_back(hash64(text.substr(starts[i], starts[i + size_t(k)] - starts[i])));
    std::sort(hashes.begin(), hashes.end());
    hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
    return hashes;
}

double jaccard(const std::vector<quint64> &a, const std::vector<quint64> &b)
{
    if (a.empty() && b.empty())
        return 1.0;
    size_t i = 0, j = 0, common = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] == b[j]) {
            ++common;
            ++i;
            ++j;
        } else if (a[i] < b[j]) {
            ++i;
        } else {
            ++j;
        }
    }
    return double(common) / double(a.size() + b.size() - common);
}

} // namespace flywheel
