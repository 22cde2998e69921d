#pragma once

// OTLP export requests, already decoded (OTLP/gRPC hands them over so), into a request's records.

#include "collect/requestbody.h"
#include "ingest/otlp/otlpjson.h"

namespace flywheel {

namespace otlp {
class GenAiSpanReader;
} // namespace otlp

/// The model calls of a trace export: read, rejected one by one, or waiting for their content.
void addOtlpTraces(otlp::GenAiSpanReader &reader, const otlp::TracesRequest &request, RequestRecords &out);
/// The content events of a logs export, to join with their spans.
void addOtlpLogs(const otlp::LogsRequest &request, RequestRecords &out);

} // namespace flywheel
