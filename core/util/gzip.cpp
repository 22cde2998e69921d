#include "util/gzip.h"

#include <zlib.h>

#include <algorithm>

namespace flywheel {

Inflated gunzip(std::string_view compressed, size_t maxBytes)
{
    Inflated result;
    z_stream stream{};
    // 16 + MAX_WBITS: a gzip header and trailer, not a raw zlib stream.
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
        result.status = Inflated::Status::Corrupt;
        result.error = "cannot start inflating";
        return result;
    }
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.data()));
    stream.avail_in = uInt(compressed.size());
    constexpr size_t kStep = 256 * 1024;
    int code = Z_OK;
    while (code == Z_OK) {
        const size_t used = result.text.size();
        if (used >= maxBytes + 1) {
            result.status = Inflated::Status::TooLarge;
            break;
        }
        // One byte past the limit tells "exactly the limit" from "over it".
        const size_t step = std::min(kStep, maxBytes + 1 - used);
        result.text.resize(used + step);
        stream.next_out = reinterpret_cast<Bytef *>(result.text.data() + used);
        stream.avail_out = uInt(step);
        code = inflate(&stream, Z_NO_FLUSH);
        result.text.resize(used + step - stream.avail_out);
        if (code == Z_BUF_ERROR && stream.avail_in == 0) {
            result.status = Inflated::Status::Corrupt;
            result.error = "the gzip data is truncated";
        } else if (code != Z_OK && code != Z_STREAM_END) {
            result.status = Inflated::Status::Corrupt;
            result.error =
                std::string("the gzip data is corrupt: ") + (stream.msg ? stream.msg : "unknown error");
        }
    }
    if (result.status == Inflated::Status::Ok && result.text.size() > maxBytes)
        result.status = Inflated::Status::TooLarge;
    inflateEnd(&stream);
    if (result.status != Inflated::Status::Ok)
        result.text.clear();
    return result;
}

} // namespace flywheel
