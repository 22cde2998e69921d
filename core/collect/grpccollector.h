#pragma once

// OTLP/gRPC: TraceService/Export and LogsService/Export on their own port (4317 by convention),
// writing through the same CommitQueue as the HTTP side, with the same guarantees: a call returns
// OK only once its records are committed, retries store nothing twice, and a token is required
// ("authorization: Bearer <token>" metadata) when one is set.

#include "util/result.h"

#include <QString>

#include <memory>

namespace flywheel {

class CommitQueue;

class GrpcCollector final {
public:
    struct Options {
        /// host:port; port 0 picks a free one (tests).
        QString address = QStringLiteral("127.0.0.1:4317");
        QString token;
        qint64 maxMessageBytes = 32ll * 1024 * 1024;
    };

    static Result<std::unique_ptr<GrpcCollector>> start(CommitQueue &queue, const Options &options);
    ~GrpcCollector();

    int port() const { return m_port; }
    /// Stops taking calls and waits (a bounded time) for those in flight to be answered.
    void shutdown();

private:
    struct Services;
    GrpcCollector() = default;
    std::unique_ptr<Services> m_services;
    int m_port = 0;
};

} // namespace flywheel
