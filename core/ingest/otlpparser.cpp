#include "ingest/otlpparser.h"

#include "ingest/jsonfields.h"
#include "ingest/otlp/genaispan.h"
#include "ingest/otlp/otlpjson.h"
#include "ingest/otlp/otlpvalues.h"

#include <google/protobuf/util/json_util.h>

namespace flywheel {
namespace {

// An unusable span as the quarantine keeps it: OTLP's JSON encoding (ids in base64, which the
// JSON reader takes back).
std::string spanJson(const opentelemetry::proto::trace::v1::Span &span)
{
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = false;
    if (!google::protobuf::util::MessageToJsonString(span, &json, options).ok())
        json = "{}";
    return json;
}

} // namespace

struct OtlpParser::Readers {
    explicit Readers(size_t maxLineBytes)
        : document(maxLineBytes)
    {}
    json::LineDocument document;
    otlp::GenAiSpanReader spans;
    otlp::TracesRequest request;
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
    m_readers->request.Clear();
    if (!otlp::readTracesJson(document, m_readers->request, reason))
        return false;
    out.clear();
    return readTraces(m_readers->spans, m_readers->request, out, reason);
}

bool readTraces(otlp::GenAiSpanReader &reader, const otlp::TracesRequest &request, ParsedLine &out,
                std::string &reason)
{
    qint64 spans = 0;
    for (const auto &resource : request.resource_spans()) {
        const std::string service =
            otlp::anyText(otlp::attributesOf(resource.resource().attributes()), "service.name");
        for (const auto &scope : resource.scope_spans())
            for (const auto &span : scope.spans()) {
                ++spans;
                if (reader.read(span, service, out, reason) == otlp::SpanRead::Unusable)
                    out.rejected.push_back(RejectedRecord{
                        spanJson(span), "span " + std::to_string(spans) + ": " + reason, spans});
                reason.clear();
            }
    }
    // Spans that are not model calls (HTTP, database...) are read and skipped, counted.
    out.skippedRecords = spans - qint64(out.interactions.size()) - qint64(out.rejected.size());
    out.skipped = out.interactions.empty() && out.rejected.empty();
    return true;
}

} // namespace flywheel
