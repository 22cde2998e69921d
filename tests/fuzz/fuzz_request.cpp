// libFuzzer target for the collector's request bodies: whatever a client sends (JSON Lines,
// pretty-printed documents, arrays, CSV, gzip, OTLP traces and logs) is either taken or refused with a
// reason, without crashes, hangs, leaks or sanitizer reports. The first byte picks the endpoint and how the
// rest is read (bit 5 makes a traces body a logs one).

#include "collect/requestbody.h"
#include "util/gzip.h"

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>

using namespace flywheel;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static RequestBodyParser parser(1 << 20);
    const uint8_t selector = data[0];
    std::string_view body(reinterpret_cast<const char *>(data + 1), size - 1);
    Inflated inflated;
    if (selector & 0x80) {
        inflated = gunzip(body, 1 << 20);
        if (inflated.status == Inflated::Status::Corrupt && inflated.error.empty())
            __builtin_trap(); // a corrupt stream must say what is wrong
        body = inflated.text;
    }
    RecordEndpoint endpoint = selector % 3 == 0   ? RecordEndpoint::Traces
                              : selector % 3 == 1 ? RecordEndpoint::Interactions
                                                  : RecordEndpoint::Feedback;
    if (endpoint == RecordEndpoint::Traces && (selector & 0x20))
        endpoint = RecordEndpoint::Logs;
    const CaptureFormat format = (selector & 0x40) ? CaptureFormat::Csv : CaptureFormat::Auto;
    std::string padded(body);
    padded.append(simdjson::SIMDJSON_PADDING, '\0');
    RequestRecords records;
    BodyError error;
    const bool ok =
        parser.parse(endpoint, std::string_view(padded.data(), body.size()), format, records, error);
    if (!ok && (error.reason.empty() || !records.lines.empty()))
        __builtin_trap(); // a refusal says why and keeps nothing
    if (ok && records.lines.empty() && records.skipped == 0 && records.telemetry.empty())
        __builtin_trap(); // an accepted body holds something
    return 0;
}
