#include "collect/grpccollector.h"

#include "collect/commitqueue.h"
#include "collect/otlprecords.h"
#include "collect/otlpreplies.h"
#include "ingest/otlp/genaispan.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "util/secret.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <future>

namespace flywheel {
namespace {

namespace collector = opentelemetry::proto::collector;

constexpr auto kShutdownWait = std::chrono::seconds(10);

bool authorized(const grpc::ServerContext &context, const std::string &token)
{
    if (token.empty())
        return true;
    const auto &metadata = context.client_metadata();
    const auto found = metadata.find("authorization");
    return found != metadata.end() &&
           sameSecret(std::string_view(found->second.data(), found->second.size()), "Bearer " + token);
}

// Submits the records and waits for their commit: OTLP/gRPC answers only once they are durable.
grpc::Status commit(CommitQueue &queue, RequestRecords records, OtlpOutcome &outcome)
{
    outcome.firstRejection = firstRejection(records);
    auto done = std::make_shared<std::promise<CommitOutcome>>();
    std::future<CommitOutcome> committed = done->get_future();
    switch (
        queue.submit(std::move(records), [done](const CommitOutcome &result) { done->set_value(result); })) {
    case CommitQueue::Submitted::Queued:
        break;
    case CommitQueue::Submitted::Full:
        return {grpc::StatusCode::UNAVAILABLE, "the collector is busy writing; retry shortly"};
    case CommitQueue::Submitted::Closed:
        return {grpc::StatusCode::UNAVAILABLE, "the collector is shutting down; retry"};
    }
    const CommitOutcome result = committed.get();
    if (!result.committed)
        return {grpc::StatusCode::UNAVAILABLE, "the store could not be written (" +
                                                   result.error.toStdString() +
                                                   "); nothing of this request was stored, retry"};
    outcome.rejected = result.counts.rejected;
    outcome.skipped = result.counts.recordsSkipped;
    return grpc::Status::OK;
}

RequestRecords recordsFrom(const char *source)
{
    RequestRecords records;
    records.read = 1;
    records.format = CaptureFormat::Otlp;
    records.source = source;
    return records;
}

// One OTLP export service: the call's records, committed, answered with partial success.
template <typename Service, typename Request, typename Response>
class ExportService final : public Service {
public:
    using AddRecords = void (*)(const Request &, RequestRecords &);
    using Answer = QByteArray (*)(const OtlpOutcome &, bool protobuf);

    ExportService(CommitQueue &queue, std::string token, const char *source, AddRecords add, Answer answer)
        : m_queue(queue)
        , m_token(std::move(token))
        , m_source(source)
        , m_add(add)
        , m_answer(answer)
    {}

    grpc::Status Export(grpc::ServerContext *context, const Request *request, Response *response) override
    {
        if (!authorized(*context, m_token))
            return {grpc::StatusCode::UNAUTHENTICATED, "missing or wrong \"authorization: Bearer <token>\""};
        RequestRecords records = recordsFrom(m_source);
        m_add(*request, records);
        OtlpOutcome outcome;
        const grpc::Status status = commit(m_queue, std::move(records), outcome);
        if (status.ok()) {
            const QByteArray answer = m_answer(outcome, true);
            response->ParseFromArray(answer.constData(), int(answer.size()));
        }
        return status;
    }

private:
    CommitQueue &m_queue;
    std::string m_token;
    const char *m_source;
    AddRecords m_add;
    Answer m_answer;
};

using TraceService = ExportService<collector::trace::v1::TraceService::Service,
                                   collector::trace::v1::ExportTraceServiceRequest,
                                   collector::trace::v1::ExportTraceServiceResponse>;
using LogsService =
    ExportService<collector::logs::v1::LogsService::Service, collector::logs::v1::ExportLogsServiceRequest,
                  collector::logs::v1::ExportLogsServiceResponse>;

void addTraces(const otlp::TracesRequest &request, RequestRecords &records)
{
    // One reader (and its JSON parser's buffers) per gRPC thread, kept between calls.
    thread_local otlp::GenAiSpanReader reader;
    addOtlpTraces(reader, request, records);
}

} // namespace

struct GrpcCollector::Services {
    Services(CommitQueue &queue, const std::string &token)
        : traces(queue, token, "gRPC TraceService/Export", addTraces, otlpTracesResponse)
        , logs(queue, token, "gRPC LogsService/Export", addOtlpLogs, otlpLogsResponse)
    {}
    TraceService traces;
    LogsService logs;
    std::unique_ptr<grpc::Server> server;
};

Result<std::unique_ptr<GrpcCollector>> GrpcCollector::start(CommitQueue &queue, const Options &options)
{
    std::unique_ptr<GrpcCollector> collector(new GrpcCollector);
    collector->m_services = std::make_unique<Services>(queue, options.token.toStdString());
    grpc::ServerBuilder builder;
    builder.AddListeningPort(options.address.toStdString(), grpc::InsecureServerCredentials(),
                             &collector->m_port);
    builder.SetMaxReceiveMessageSize(int(std::min<qint64>(options.maxMessageBytes, INT_MAX)));
    builder.RegisterService(&collector->m_services->traces);
    builder.RegisterService(&collector->m_services->logs);
    collector->m_services->server = builder.BuildAndStart();
    if (!collector->m_services->server || collector->m_port == 0)
        return Error{
            QStringLiteral("cannot listen for OTLP/gRPC on %1 (is the port taken? --grpc-listen changes "
                           "it, --grpc-listen off turns gRPC off)")
                .arg(options.address)};
    return collector;
}

GrpcCollector::~GrpcCollector()
{
    shutdown();
}

void GrpcCollector::shutdown()
{
    if (m_services && m_services->server) {
        m_services->server->Shutdown(std::chrono::system_clock::now() + kShutdownWait);
        m_services->server->Wait();
        m_services->server.reset();
    }
}

} // namespace flywheel
