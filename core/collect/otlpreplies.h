#pragma once

// The bodies OTLP/HTTP answers with, in the encoding of the request: JSON for JSON, protobuf for
// protobuf (ExportTraceServiceResponse, and google.rpc.Status for errors).

#include <QByteArray>
#include <QtGlobal>

#include <string>

namespace flywheel {

struct OtlpOutcome {
    /// Spans not stored because they are unusable (kept in the quarantine).
    qint64 rejectedSpans = 0;
    /// Spans read and not stored because they are not model calls.
    qint64 skippedSpans = 0;
    /// The first rejected span's reason.
    std::string firstRejection;
};

/// An ExportTraceServiceResponse: empty when every span was taken, else partial_success with
/// rejected_spans and a message saying what was not stored and why.
QByteArray otlpTracesResponse(const OtlpOutcome &outcome, bool protobuf);

/// A google.rpc.Status for an error reply to a protobuf request, its code mapped from @p httpStatus.
QByteArray otlpStatus(int httpStatus, const QString &message);

} // namespace flywheel
