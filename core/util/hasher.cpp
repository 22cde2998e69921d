#include "util/hasher.h"

#include <cstring>

namespace flywheel {

Hasher::Hasher()
    : m_state(XXH3_createState())
{
    XXH3_128bits_reset(m_state);
}

Hasher::~Hasher()
{
    XXH3_freeState(m_state);
}

Hasher &Hasher::add(std::string_view bytes)
{
    const quint64 size = bytes.size();
    XXH3_128bits_update(m_state, &size, sizeof size);
    XXH3_128bits_update(m_state, bytes.data(), bytes.size());
    return *this;
}

Hasher &Hasher::add(qint64 value)
{
    XXH3_128bits_update(m_state, &value, sizeof value);
    return *this;
}

Hasher &Hasher::add(double value)
{
    XXH3_128bits_update(m_state, &value, sizeof value);
    return *this;
}

Hasher &Hasher::add(const std::optional<qint64> &value)
{
    const char present = value.has_value();
    XXH3_128bits_update(m_state, &present, 1);
    return value ? add(*value) : *this;
}

Hasher &Hasher::add(const std::optional<double> &value)
{
    const char present = value.has_value();
    XXH3_128bits_update(m_state, &present, 1);
    return value ? add(*value) : *this;
}

std::array<unsigned char, 16> Hasher::digest128() const
{
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(m_state));
    std::array<unsigned char, 16> out;
    std::memcpy(out.data(), canonical.digest, out.size());
    return out;
}

quint64 Hasher::digest64() const
{
    return XXH3_128bits_digest(m_state).low64;
}

quint64 hash64(std::string_view bytes)
{
    return XXH3_64bits(bytes.data(), bytes.size());
}

} // namespace flywheel
