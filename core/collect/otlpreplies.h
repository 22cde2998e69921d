#pragma once

// The bodies OTLP/HTTP answers with, in the encoding of the request: JSON for JSON, protobuf for
// protobuf (ExportTraceServiceResponse, and google.rpc.Status for errors).

#include <QByteArray>
#include <QtGlobal>

#include <string>

namespace flywheel {

struct OtlpOutcome {
    /// Spans (or log records) not stored because they are unusable (kept in the quarantine).
    qint64 rejected = 0;
    /// Spans read and not stored because they are not model calls; log records that are not
    /// GenAI content events.
    qint64 skipped = 0;
    /// The first rejected item's reason.
    std::string firstRejection;
};

/// An ExportTraceServiceResponse: empty when every span was taken, else partial_success with
/// rejected_spans and a message saying what was not stored and why.
QByteArray otlpTracesResponse(const OtlpOutcome &outcome, bool protobuf);
/// An ExportLogsServiceResponse, the same way (rejected_log_records).
QByteArray otlpLogsResponse(const OtlpOutcome &outcome, bool protobuf);

/// A google.rpc.Status for an error reply to a protobuf request, its code mapped from @p httpStatus.
QByteArray otlpStatus(int httpStatus, const QString &message);

} // namespace flywheel
