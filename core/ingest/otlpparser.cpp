#include "ingest/otlpparser.h"

#include "ingest/jsonfields.h"
#include "ingest/otlp/genaispan.h"
#include "ingest/otlp/otlpjson.h"
#include "ingest/otlp/otlpvalues.h"

#include <google/protobuf/util/json_util.h>

namespace flywheel {
namespace {

// An unusable span or log record as the quarantine keeps it: OTLP's JSON encoding (ids in base64,
// which the JSON reader takes back).
std::string messageJson(const google::protobuf::Message &message)
{
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(message, &json).ok())
        json = "{}";
    return json;
}

std::string serviceOf(const opentelemetry::proto::resource::v1::Resource &resource)
{
    return otlp::anyText(otlp::attributesOf(resource.attributes()), "service.name");
}

} // namespace

struct OtlpParser::Readers {
    explicit Readers(size_t maxLineBytes)
        : document(maxLineBytes)
    {}
    json::LineDocument document;
    otlp::GenAiSpanReader spans;
    otlp::TracesRequest request;
    otlp::LogsRequest logs;
};

OtlpParser::OtlpParser(size_t maxLineBytes)
    : m_readers(std::make_unique<Readers>(maxLineBytes))
{}

OtlpParser::~OtlpParser() = default;

bool OtlpParser::parse(std::string_view line, ParsedLine &out, std::string &reason)
{
    json::element document;
    if (!m_readers->document.parse(line, document, reason))
        return false;
    out.clear();
    // A logs export (the content events of the official instrumentations) or a trace export.
    if (document["resourceLogs"].error() == simdjson::SUCCESS) {
        m_readers->logs.Clear();
        if (!otlp::readLogsJson(document, m_readers->logs, reason))
            return false;
        readLogs(m_readers->logs, out, out.telemetry);
        return true;
    }
    m_readers->request.Clear();
    if (!otlp::readTracesJson(document, m_readers->request, reason)) {
        reason = "an OTLP export needs \"resourceSpans\" or \"resourceLogs\"";
        return false;
    }
    readTraces(m_readers->spans, m_readers->request, out, &out.telemetry);
    return true;
}

void readTraces(otlp::GenAiSpanReader &reader, const otlp::TracesRequest &request, ParsedLine &out,
                std::vector<TelemetryPiece> *waiting)
{
    qint64 spans = 0;
    qint64 held = 0;
    std::string reason;
    for (const auto &resource : request.resource_spans()) {
        const std::string service = serviceOf(resource.resource());
        for (const auto &scope : resource.scope_spans())
            for (const auto &span : scope.spans()) {
                ++spans;
                reason.clear();
                const otlp::SpanRead read = reader.read(span, service, out, reason);
                if (read == otlp::SpanRead::Unusable) {
                    out.rejected.push_back(RejectedRecord{
                        messageJson(span), "span " + std::to_string(spans) + ": " + reason, spans});
                } else if (read == otlp::SpanRead::ReadWithoutContent && waiting) {
                    out.interactions.pop_back();
                    waiting->push_back(
                        TelemetryPiece{TelemetryPiece::Kind::Span, otlp::hexId(span.trace_id()),
                                       otlp::hexId(span.span_id()), service, span.SerializeAsString()});
                    ++held;
                }
            }
    }
    // Spans that are not model calls (HTTP, database...) are read and skipped, counted.
    out.skippedRecords = spans - held - qint64(out.interactions.size()) - qint64(out.rejected.size());
    out.skipped = out.interactions.empty() && out.rejected.empty() && held == 0;
}

void readLogs(const otlp::LogsRequest &request, ParsedLine &out, std::vector<TelemetryPiece> &pieces)
{
    qint64 records = 0;
    std::string name;
    for (const auto &resource : request.resource_logs()) {
        const std::string service = serviceOf(resource.resource());
        for (const auto &scope : resource.scope_logs())
            for (const auto &record : scope.log_records()) {
                ++records;
                if (!otlp::GenAiSpanReader::isContentEvent(record, name)) {
                    ++out.skippedRecords;
                } else if (record.trace_id().empty() || record.span_id().empty()) {
                    out.rejected.push_back(RejectedRecord{
                        messageJson(record),
                        "log record " + std::to_string(records) + ": the " + name +
                            " event has no trace and span ids, so it cannot be joined to its model call",
                        records});
                } else {
                    auto copy = record;
                    copy.set_event_name(name);
                    pieces.push_back(
                        TelemetryPiece{TelemetryPiece::Kind::Event, otlp::hexId(record.trace_id()),
                                       otlp::hexId(record.span_id()), service, copy.SerializeAsString()});
                }
            }
    }
    out.skipped = pieces.empty() && out.rejected.empty();
}

} // namespace flywheel
