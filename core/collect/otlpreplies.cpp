#include "collect/otlpreplies.h"

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "util/jsontext.h"

#include <QString>

namespace flywheel {
namespace {

struct Words {
    const char *one;     ///< "span"
    const char *many;    ///< "spans"
    const char *skipped; ///< why skipped records were not stored
    const char *skippedMany;
};
constexpr Words kSpans{"span", "spans", " is not a model call and was not stored",
                       " are not model calls and were not stored"};
constexpr Words kLogRecords{"log record", "log records", " is not a GenAI content event and was not stored",
                            " are not GenAI content events and were not stored"};

std::string partialMessage(const OtlpOutcome &o, const Words &w)
{
    std::string message;
    if (o.rejected > 0)
        message = std::to_string(o.rejected) + " " + (o.rejected == 1 ? w.one : w.many) +
                  (o.rejected == 1 ? " was" : " were") + " rejected and kept in the quarantine (" +
                  o.firstRejection + ")";
    if (o.skipped > 0) {
        message += message.empty() ? "" : "; ";
        message += std::to_string(o.skipped) + " " + (o.skipped == 1 ? w.one : w.many) +
                   (o.skipped == 1 ? w.skipped : w.skippedMany);
    }
    return message;
}

// An Export*ServiceResponse: JSON (int64 as a string, as OTLP's JSON encoding writes it) or protobuf.
template <typename Response, typename SetCounts>
QByteArray exportResponse(const OtlpOutcome &outcome, bool protobuf, const Words &words, const char *jsonKey,
                          SetCounts setCounts)
{
    const std::string message = partialMessage(outcome, words);
    if (protobuf) {
        Response response;
        if (!message.empty())
            setCounts(*response.mutable_partial_success(), outcome.rejected, message);
        return QByteArray::fromStdString(response.SerializeAsString());
    }
    if (message.empty())
        return "{}";
    return QByteArray::fromStdString("{\"partialSuccess\":{\"" + std::string(jsonKey) + "\":\"" +
                                     std::to_string(outcome.rejected) +
                                     "\",\"errorMessage\":" + jsonString(message) + "}}");
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

// Records that are not model calls are accepted, not rejected: the specification lets a server say
// so in the message with the rejected count left at zero.
QByteArray otlpTracesResponse(const OtlpOutcome &outcome, bool protobuf)
{
    using namespace opentelemetry::proto::collector::trace::v1;
    return exportResponse<ExportTraceServiceResponse>(
        outcome, protobuf, kSpans, "rejectedSpans",
        [](auto &partial, qint64 rejected, const std::string &message) {
            partial.set_rejected_spans(rejected);
            partial.set_error_message(message);
        });
}

QByteArray otlpLogsResponse(const OtlpOutcome &outcome, bool protobuf)
{
    using namespace opentelemetry::proto::collector::logs::v1;
    return exportResponse<ExportLogsServiceResponse>(
        outcome, protobuf, kLogRecords, "rejectedLogRecords",
        [](auto &partial, qint64 rejected, const std::string &message) {
            partial.set_rejected_log_records(rejected);
            partial.set_error_message(message);
        });
}

QByteArray otlpStatus(int httpStatus, const QString &message)
{
    google::rpc::Status status;
    status.set_code(grpcCode(httpStatus));
    status.set_message(message.toStdString());
    return QByteArray::fromStdString(status.SerializeAsString());
}

} // namespace flywheel
