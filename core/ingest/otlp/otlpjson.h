#pragma once

// OTLP/HTTP JSON (the specification's "JSON Protobuf Encoding") read into the protobuf messages,
// so every encoding reaches the GenAI readers in one form.

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <simdjson.h>

#include <string>

namespace flywheel::otlp {

using TracesRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using LogsRequest = opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;

/// Reads {"resourceSpans": [...]} into @p out. Field names in lowerCamelCase (snake_case is
/// accepted too), trace and span ids in hex (base64 is accepted: some exporters send it), 64-bit
/// integers as strings or numbers, enums as integers. Members of the wrong type are skipped, as
/// unknown ones are; false with @p reason only when "resourceSpans" is missing.
bool readTracesJson(simdjson::dom::element root, TracesRequest &out, std::string &reason);
/// The same for {"resourceLogs": [...]}.
bool readLogsJson(simdjson::dom::element root, LogsRequest &out, std::string &reason);

} // namespace flywheel::otlp
