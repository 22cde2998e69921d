#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace flywheel {

/// The result of inflating a gzip member held in memory.
struct Inflated {
    enum class Status { Ok, TooLarge, Corrupt };
    Status status = Status::Ok;
    std::string text;
    /// What is wrong with a corrupt stream.
    std::string error;
};

/// Inflates gzip data (an OTLP exporter's `Content-Encoding: gzip` body), stopping as soon as the
/// output would pass @p maxBytes, so a small compressed body cannot expand without bound.
Inflated gunzip(std::string_view compressed, size_t maxBytes);

} // namespace flywheel
