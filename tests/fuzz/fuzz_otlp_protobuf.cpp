// libFuzzer target for OTLP protobuf request bodies, as OTLP/HTTP carries them and as OTLP/gRPC
// hands them over once decoded: any bytes are either refused with a reason or read into records,
// rejected spans and log records, and halves of model calls to join; each held half, and every
// span joined with every event of the request, must read back without crashes, hangs, leaks or
// sanitizer reports. The first byte picks traces or logs (bit 0) and gzip (bit 7).

#include "collect/otlprecords.h"
#include "collect/requestbody.h"
#include "ingest/otlp/genaispan.h"
#include "util/gzip.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace flywheel;

namespace {

// What OtlpJoin does once both halves are there, without a store: every span with every event.
void joinPieces(const RequestRecords &records)
{
    static otlp::GenAiSpanReader reader;
    std::vector<otlp::GenAiSpanReader::LogRecord> events;
    for (const TelemetryPiece &piece : records.telemetry)
        if (piece.kind == TelemetryPiece::Kind::Event &&
            !events.emplace_back().ParseFromString(piece.payload))
            __builtin_trap(); // a held event is a LogRecord we wrote
    ParsedLine out;
    std::string reason;
    for (const TelemetryPiece &piece : records.telemetry) {
        if (piece.kind != TelemetryPiece::Kind::Span)
            continue;
        opentelemetry::proto::trace::v1::Span span;
        if (!span.ParseFromString(piece.payload))
            __builtin_trap();
        if (reader.read(span, piece.service, out, reason, events) == otlp::SpanRead::Unusable)
            __builtin_trap(); // a span is held only when it was readable
    }
    if (!events.empty())
        reader.readEventsOnly(records.telemetry.front().traceId, records.telemetry.front().spanId, {}, events,
                              out);
}

} // namespace

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
        body = inflated.text;
    }
    const RecordEndpoint endpoint = (selector & 1) ? RecordEndpoint::Logs : RecordEndpoint::Traces;
    RequestRecords records;
    BodyError error;
    if (!parser.parseOtlpProtobuf(endpoint, body, records, error)) {
        if (error.reason.empty() || !records.lines.empty() || !records.telemetry.empty())
            __builtin_trap(); // a refusal says why and keeps nothing
        return 0;
    }
    for (const ParsedLine &line : records.lines)
        for (const RejectedRecord &rejected : line.rejected)
            if (rejected.reason.empty() || rejected.raw.empty())
                __builtin_trap(); // a rejected record is kept with its reason
    joinPieces(records);
    return 0;
}
