#pragma once

#include <QtGlobal>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include <xxhash.h>

namespace flywheel {

/// Streaming XXH3 over a sequence of fields. Each field is length-prefixed, so ("ab", "c") and
/// ("a", "bc") hash differently.
class Hasher final {
public:
    Hasher();
    ~Hasher();
    Hasher(const Hasher &) = delete;
    Hasher &operator=(const Hasher &) = delete;

    Hasher &add(std::string_view bytes);
    Hasher &add(qint64 value);
    Hasher &add(double value);
    Hasher &add(const std::optional<qint64> &value);
    Hasher &add(const std::optional<double> &value);

    std::array<unsigned char, 16> digest128() const;
    quint64 digest64() const;

private:
    XXH3_state_t *m_state;
};

/// XXH3-64 of a byte string.
quint64 hash64(std::string_view bytes);

} // namespace flywheel
