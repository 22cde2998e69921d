#include "collect/requestbody.h"

#include "collect/otlprecords.h"
#include "ingest/jsonfields.h"
#include "ingest/otlp/genaispan.h"
#include "ingest/otlp/otlpjson.h"
#include "ingest/otlpparser.h"

#include <simdjson.h>

#include <algorithm>

namespace flywheel {
namespace {

constexpr size_t kPadding = simdjson::SIMDJSON_PADDING;

bool isOtlp(RecordEndpoint endpoint)
{
    return endpoint == RecordEndpoint::Traces || endpoint == RecordEndpoint::Logs;
}

qint64 countLines(std::string_view text)
{
    return qint64(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

struct RequestBodyParser::OtlpReaders {
    explicit OtlpReaders(size_t maxRecordBytes)
        : document(maxRecordBytes)
    {}
    json::LineDocument document;
    otlp::GenAiSpanReader spans;
    otlp::TracesRequest traces;
    otlp::LogsRequest logs;
};

std::string BodyError::message() const
{
    if (line == 0)
        return reason;
    std::string where = "line " + std::to_string(line);
    if (item > 0)
        where = "item " + std::to_string(item) + " of the array on " + where;
    return where + ": " + reason;
}

RequestBodyParser::RequestBodyParser(size_t maxRecordBytes)
    : m_maxRecordBytes(maxRecordBytes)
{}

RequestBodyParser::~RequestBodyParser() = default;

static std::string sourceName(RecordEndpoint endpoint)
{
    switch (endpoint) {
    case RecordEndpoint::Traces:
        return "POST /v1/traces";
    case RecordEndpoint::Logs:
        return "POST /v1/logs";
    case RecordEndpoint::Interactions:
        return "POST /v1/interactions";
    case RecordEndpoint::Feedback:
        break;
    }
    return "POST /v1/feedback";
}

bool RequestBodyParser::parseOtlpProtobuf(RecordEndpoint endpoint, std::string_view body, RequestRecords &out,
                                          BodyError &error)
{
    out = RequestRecords{};
    out.format = CaptureFormat::Otlp;
    out.source = sourceName(endpoint);
    error = BodyError{};
    m_endpoint = endpoint;
    if (!m_otlp)
        m_otlp = std::make_unique<OtlpReaders>(m_maxRecordBytes);
    m_otlp->traces.Clear();
    m_otlp->logs.Clear();
    const bool traces = endpoint == RecordEndpoint::Traces;
    const bool parsed = traces ? m_otlp->traces.ParseFromArray(body.data(), int(body.size()))
                               : m_otlp->logs.ParseFromArray(body.data(), int(body.size()));
    if (!parsed) {
        error.reason = traces ? "the body is not an OTLP ExportTraceServiceRequest in protobuf"
                              : "the body is not an OTLP ExportLogsServiceRequest in protobuf";
        return false;
    }
    out.read = 1;
    readOtlp(out);
    return true;
}

namespace {

// One export's records, kept unless it holds nothing but skipped records.
void keepExport(ParsedLine &parsed, RequestRecords &out)
{
    out.recordsSkipped += parsed.skippedRecords;
    if (parsed.skipped)
        ++out.skipped;
    else if (!parsed.interactions.empty() || !parsed.feedback.empty() || !parsed.rejected.empty())
        out.lines.push_back(std::move(parsed));
}

} // namespace

void addOtlpTraces(otlp::GenAiSpanReader &reader, const otlp::TracesRequest &request, RequestRecords &out)
{
    ParsedLine parsed;
    readTraces(reader, request, parsed, &out.telemetry);
    keepExport(parsed, out);
}

void addOtlpLogs(const otlp::LogsRequest &request, RequestRecords &out)
{
    ParsedLine parsed;
    readLogs(request, parsed, out.telemetry);
    keepExport(parsed, out);
}

std::string firstRejection(const RequestRecords &records)
{
    for (const ParsedLine &line : records.lines)
        if (!line.rejected.empty())
            return line.rejected.front().reason;
    return {};
}

// The export in m_otlp.
void RequestBodyParser::readOtlp(RequestRecords &out)
{
    if (m_endpoint == RecordEndpoint::Traces)
        addOtlpTraces(m_otlp->spans, m_otlp->traces, out);
    else
        addOtlpLogs(m_otlp->logs, out);
}

bool RequestBodyParser::takeOtlpJson(std::string_view text, RequestRecords &out, std::string &reason)
{
    if (!m_otlp)
        m_otlp = std::make_unique<OtlpReaders>(m_maxRecordBytes);
    json::element root;
    if (!m_otlp->document.parse(text, root, reason))
        return false;
    m_otlp->traces.Clear();
    m_otlp->logs.Clear();
    const bool read = m_endpoint == RecordEndpoint::Traces
                          ? otlp::readTracesJson(root, m_otlp->traces, reason)
                          : otlp::readLogsJson(root, m_otlp->logs, reason);
    if (!read)
        return false;
    readOtlp(out);
    return true;
}

bool RequestBodyParser::parse(RecordEndpoint endpoint, std::string_view body, CaptureFormat format,
                              RequestRecords &out, BodyError &error)
{
    out = RequestRecords{};
    error = BodyError{};
    m_endpoint = endpoint;
    m_requested = isOtlp(endpoint)                       ? CaptureFormat::Otlp
                  : endpoint == RecordEndpoint::Feedback ? CaptureFormat::Native
                                                         : format;
    m_parser = nullptr;
    out.source = sourceName(endpoint);
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        error.reason = "the body is empty";
        return false;
    }
    const size_t firstStart = body.find_first_not_of(" \t\r\n");
    const std::string_view firstLine = body.substr(firstStart, body.find('\n', firstStart) - firstStart);
    bool ok = false;
    if (m_requested == CaptureFormat::Csv ||
        (m_requested == CaptureFormat::Auto && detectCaptureFormat(firstLine) == CaptureFormat::Csv))
        ok = parseCsvLines(body, out, error);
    else
        ok = parseDocuments(body, out, error);
    out.format = m_format;
    if (ok && out.lines.empty() && out.skipped == 0 && out.telemetry.empty()) {
        error.reason = "the body holds nothing to store";
        ok = false;
    }
    if (!ok)
        out.lines.clear();
    return ok;
}

// Documents one after another: JSON Lines, pretty-printed objects, arrays of records.
bool RequestBodyParser::parseDocuments(std::string_view body, RequestRecords &out, BodyError &error)
{
    qint64 line = 1;
    size_t pos = 0;
    while (true) {
        const size_t start = body.find_first_not_of(" \t\r\n", pos);
        if (start == std::string_view::npos)
            return true;
        line += countLines(body.substr(pos, start - pos));
        size_t end = 0;
        if (body[start] == '{' || body[start] == '[') {
            m_scanner.reset();
            const size_t length = m_scanner.feed(body.substr(start));
            if (length == std::string_view::npos) {
                error.line = line;
                error.reason = "the body ends inside the JSON document that begins here";
                return false;
            }
            end = start + length;
        } else {
            // Not a JSON document: the rest of the line, for the parser to say what is wrong.
            end = std::min(body.find('\n', start), body.size());
        }
        const std::string_view document = body.substr(start, end - start);
        const bool isArray = document.front() == '[' && !isOtlp(m_endpoint);
        // A pretty-printed record reads, and hashes, as the same record on one line.
        const bool multiLine = document.find('\n') != std::string_view::npos;
        std::string_view record = document;
        if (multiLine && !isArray) {
            // compactJson() may reallocate m_item: take its data() only once it has returned (in one
            // expression the two were evaluated in either order, and the view could point at the
            // buffer m_item had before).
            const size_t length = compactJson(document, m_item);
            record = std::string_view(m_item.data(), length);
        }
        if (isArray) {
            if (!parseArray(document, line, out, error))
                return false;
        } else if (!takeRecord(record, out, error.reason)) {
            error.line = line;
            return false;
        }
        line += countLines(document);
        pos = end;
    }
}

bool RequestBodyParser::parseArray(std::string_view array, qint64 line, RequestRecords &out, BodyError &error)
{
    simdjson::dom::parser parser;
    simdjson::dom::array items;
    error.line = line;
    if (auto e = parser.parse(array.data(), array.size(), false).get_array().get(items); e) {
        error.reason = std::string("not a valid JSON array: ") + simdjson::error_message(e);
        return false;
    }
    qint64 index = 0;
    for (simdjson::dom::element item : items) {
        ++index;
        // Each item is parsed on its own, as a line of a file would be, with its own padding.
        m_item = simdjson::minify(item);
        const size_t length = m_item.size();
        m_item.append(kPadding, '\0');
        if (!takeRecord(std::string_view(m_item.data(), length), out, error.reason)) {
            error.item = index;
            return false;
        }
    }
    if (index == 0) {
        error.reason = "the array is empty";
        return false;
    }
    error.line = 0;
    return true;
}

bool RequestBodyParser::parseCsvLines(std::string_view body, RequestRecords &out, BodyError &error)
{
    size_t pos = 0;
    qint64 line = 0;
    while (pos < body.size()) {
        const size_t end = std::min(body.find('\n', pos), body.size());
        const std::string_view text = body.substr(pos, end - pos);
        ++line;
        pos = end + 1;
        if (text.find_first_not_of(" \t\r") == std::string_view::npos &&
            !(m_parser && m_parser->hasPending()))
            continue;
        out.lines.emplace_back();
        if (!m_parser)
            parserFor(text);
        ParsedLine &parsed = out.lines.back();
        if (!m_parser->parse(text, parsed, error.reason)) {
            error.line = line - parsed.extraLines;
            return false;
        }
        if (parsed.pending) {
            out.lines.pop_back();
            continue;
        }
        ++out.read;
    }
    ParsedLine rest;
    if (m_parser && m_parser->incompleteAtEnd(rest, error.reason)) {
        error.line = line - rest.extraLines;
        return false;
    }
    return true;
}

bool RequestBodyParser::takeRecord(std::string_view text, RequestRecords &out, std::string &reason)
{
    if (text.size() > m_maxRecordBytes) {
        reason = "the record is " + std::to_string(text.size()) + " bytes, over the limit of " +
                 std::to_string(m_maxRecordBytes);
        return false;
    }
    if (isOtlp(m_endpoint)) {
        ++out.read;
        m_format = CaptureFormat::Otlp;
        return takeOtlpJson(text, out, reason);
    }
    LineParser &parser = m_parser ? *m_parser : parserFor(text);
    ++out.read;
    out.lines.emplace_back();
    ParsedLine &parsed = out.lines.back();
    if (!parser.parse(text, parsed, reason))
        return false;
    out.recordsSkipped += parsed.skippedRecords;
    if (parsed.skipped) {
        ++out.skipped;
        out.lines.pop_back();
        return true;
    }
    if (parsed.interactions.empty() && parsed.feedback.empty() && parsed.corrections.empty() &&
        parsed.rejected.empty() && parsed.telemetry.empty()) {
        reason = "the record holds nothing to store";
        return false;
    }
    if (m_endpoint == RecordEndpoint::Feedback && !parsed.interactions.empty()) {
        reason = "this is an interaction; POST interactions to /v1/interactions";
        return false;
    }
    return true;
}

LineParser &RequestBodyParser::parserFor(std::string_view firstRecord)
{
    m_format = m_requested == CaptureFormat::Auto ? detectCaptureFormat(firstRecord) : m_requested;
    auto &parser = m_parsers[m_format];
    // A CSV parser remembers its header: every body starts a new one.
    if (!parser || m_format == CaptureFormat::Csv)
        parser = makeLineParser(m_format, m_maxRecordBytes);
    m_parser = parser.get();
    return *parser;
}

} // namespace flywheel
