#pragma once

#include "ingest/lineparser.h"
#include "ingest/otlp/telemetrypiece.h"
#include "util/jsonscanner.h"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace flywheel {

/// The collector endpoints that carry records (docs/collector.md).
enum class RecordEndpoint {
    Traces,       ///< POST /v1/traces: OTLP/HTTP trace export requests, JSON or protobuf
    Logs,         ///< POST /v1/logs: OTLP/HTTP logs export requests (GenAI content events)
    Interactions, ///< POST /v1/interactions: what `flywheel ingest` reads, or a JSON array of it
    Feedback,     ///< POST /v1/feedback: native feedback and correction events
};

/// The records of one request body, checked in full before any is written.
struct RequestRecords {
    /// Records to store, in body order.
    std::vector<ParsedLine> lines;
    /// Records read: lines, documents or array items.
    qint64 read = 0;
    /// Read and deliberately not stored: nothing in them is a model call.
    qint64 skipped = 0;
    /// Records inside them that are not model calls (the spans of an OTLP export).
    qint64 recordsSkipped = 0;
    CaptureFormat format = CaptureFormat::Native;
    /// Where the records came from, as the quarantine names it ("POST /v1/traces").
    std::string source;
    /// Halves of model calls to join with their other half (OtlpJoin) rather than store as read.
    std::vector<TelemetryPiece> telemetry;
};

/// The first rejected record's reason, for OTLP's partial success; empty when none was.
std::string firstRejection(const RequestRecords &records);

/// Why a body was refused, and where.
struct BodyError {
    /// 1-based line of the body the faulty record starts on; 0 for the body as a whole.
    qint64 line = 0;
    /// 1-based item of a JSON array, when the record is one.
    qint64 item = 0;
    std::string reason;

    /// "line 3: missing required field \"input\"", "item 2 of the array on line 1: ...".
    std::string message() const;
};

/// Turns a request body into store records. A body may hold JSON Lines, pretty-printed documents
/// one after another, or (for interactions and feedback) JSON arrays of records; CSV is read line by
/// line. A single bad record refuses the whole body, so a request is stored entirely or not at all;
/// OTLP exports are the exception, as OTLP's partial success asks: their unusable spans are
/// rejected one by one (ParsedLine::rejected) and the others stored.
///
/// Keeps its parsers between requests; use one per thread.
class RequestBodyParser {
public:
    explicit RequestBodyParser(size_t maxRecordBytes);
    ~RequestBodyParser();

    /// @p body must be followed by at least 64 readable bytes (simdjson's padding). @p format Auto
    /// detects the format of an interactions body from its first record; traces are always OTLP and
    /// feedback always native.
    bool parse(RecordEndpoint endpoint, std::string_view body, CaptureFormat format, RequestRecords &out,
               BodyError &error);
    /// An OTLP protobuf export request of @p endpoint (Traces or Logs), as OTLP/HTTP and OTLP/gRPC
    /// carry it. Unusable spans and log records are rejected one by one (RejectedRecord); false only
    /// if the body is not such a message.
    bool parseOtlpProtobuf(RecordEndpoint endpoint, std::string_view body, RequestRecords &out,
                           BodyError &error);

private:
    struct OtlpReaders;
    bool parseDocuments(std::string_view body, RequestRecords &out, BodyError &error);
    bool parseArray(std::string_view array, qint64 line, RequestRecords &out, BodyError &error);
    bool parseCsvLines(std::string_view body, RequestRecords &out, BodyError &error);
    bool takeRecord(std::string_view text, RequestRecords &out, std::string &reason);
    bool takeOtlpJson(std::string_view text, RequestRecords &out, std::string &reason);
    void readOtlp(RequestRecords &out);
    LineParser &parserFor(std::string_view firstRecord);

    size_t m_maxRecordBytes;
    RecordEndpoint m_endpoint = RecordEndpoint::Interactions;
    CaptureFormat m_requested = CaptureFormat::Auto;
    CaptureFormat m_format = CaptureFormat::Native;
    LineParser *m_parser = nullptr;
    std::map<CaptureFormat, std::unique_ptr<LineParser>> m_parsers;
    JsonDocumentScanner m_scanner;
    std::string m_item;
    std::unique_ptr<OtlpReaders> m_otlp;
};

} // namespace flywheel
