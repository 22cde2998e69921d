#include "collect/otlpreplies.h"

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "util/jsontext.h"

#include <QString>

namespace flywheel {
namespace {

std::string partialMessage(const OtlpOutcome &o)
{
    std::string message;
    if (o.rejectedSpans > 0)
        message = std::to_string(o.rejectedSpans) + (o.rejectedSpans == 1 ? " span was" : " spans were") +
                  " rejected and kept in the quarantine (" + o.firstRejection + ")";
    if (o.skippedSpans > 0) {
        message += message.empty() ? "" : "; ";
        message += o.skippedSpans == 1
                       ? std::string("1 span is not a model call and was not stored")
                       : std::to_string(o.skippedSpans) + " spans are not model calls and were not stored";
    }
    return message;
}

// gRPC status codes, as google.rpc.Status carries them.
int grpcCode(int httpStatus)
{
    switch (httpStatus) {
    case 400:
    case 415:
        return 3; // INVALID_ARGUMENT
    case 401:
        return 16; // UNAUTHENTICATED
    case 404:
    case 405:
        return 12; // UNIMPLEMENTED
    case 413:
        return 8; // RESOURCE_EXHAUSTED
    case 503:
        return 14; // UNAVAILABLE
    default:
        return 13; // INTERNAL
    }
}

} // namespace

QByteArray otlpTracesResponse(const OtlpOutcome &outcome, bool protobuf)
{
    // Spans that are not model calls are accepted, not rejected: the specification lets a server
    // say so in the message with rejected_spans left at zero.
    const std::string message = partialMessage(outcome);
    if (protobuf) {
        opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
        if (!message.empty()) {
            response.mutable_partial_success()->set_rejected_spans(outcome.rejectedSpans);
            response.mutable_partial_success()->set_error_message(message);
        }
        return QByteArray::fromStdString(response.SerializeAsString());
    }
    if (message.empty())
        return "{}";
    // int64 is a string in OTLP's JSON encoding.
    return QByteArray::fromStdString("{\"partialSuccess\":{\"rejectedSpans\":\"" +
                                     std::to_string(outcome.rejectedSpans) +
                                     "\",\"errorMessage\":" + jsonString(message) + "}}");
}

QByteArray otlpStatus(int httpStatus, const QString &message)
{
    google::rpc::Status status;
    status.set_code(grpcCode(httpStatus));
    status.set_message(message.toStdString());
    return QByteArray::fromStdString(status.SerializeAsString());
}

} // namespace flywheel
