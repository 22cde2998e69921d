// libFuzzer targets for the capture-format parsers: arbitrary bytes must never crash, hang, leak or
// trip AddressSanitizer/UndefinedBehaviorSanitizer; a line is either parsed or rejected with a reason.
// Built only with -DFLYWHEEL_FUZZ=ON and clang (tests/fuzz/run.sh); one executable per format,
// chosen by FLYWHEEL_FUZZ_FORMAT.

#include "ingest/lineparser.h"
#include "ingest/linereader.h"
#include "util/timestamps.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace flywheel;

namespace {

constexpr size_t kMaxLine = 1 << 20;

void parseLines(LineParser &parser, std::string_view input)
{
    ParsedLine parsed;
    std::string reason;
    std::string line;
    size_t start = 0;
    while (start <= input.size()) {
        const size_t end = std::min(input.find('\n', start), input.size());
        // Every line is followed by padding, as LineReader guarantees.
        line.assign(input.substr(start, end - start));
        const size_t length = line.size();
        line.append(LineReader::kPadding, '\0');
        reason.clear();
        const bool ok = parser.parse(std::string_view(line.data(), length), parsed, reason);
        if (!ok && reason.empty())
            __builtin_trap(); // a rejection must always say why
        start = end + 1;
    }
    reason.clear();
    if (parser.incompleteAtEnd(parsed, reason) && reason.empty())
        __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view input(reinterpret_cast<const char *>(data), size);
    const auto format = captureFormatFromName(FLYWHEEL_FUZZ_FORMAT).value_or(CaptureFormat::Native);
    if (format == CaptureFormat::Auto) {
        // The detector and the timestamp parser, on the first line.
        std::string line(input.substr(0, input.find('\n')));
        const size_t length = line.size();
        line.append(LineReader::kPadding, '\0');
        (void)detectCaptureFormat(std::string_view(line.data(), length));
        (void)parseRfc3339(std::string_view(line.data(), length));
        return 0;
    }
    ColumnMap columns;
    if (format == CaptureFormat::Csv)
        columns = {{"input", "q"}, {"timestamp", "t"}};
    auto parser = makeLineParser(format, kMaxLine, columns);
    parseLines(*parser, input);
    return 0;
}
