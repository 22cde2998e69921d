#pragma once

#include "collect/collectorserver.h"

#include <QObject>
#include <QTemporaryDir>

#include <functional>
#include <memory>
#include <optional>

namespace flywheel::testing {
class HttpClient;
struct HttpResponse;
} // namespace flywheel::testing

// Declared apart from the bodies: moc cannot tokenize some of the JSON literals the tests use.
// The collector runs on this thread's event loop; the clients run on others and block.
class TestCollector : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void healthAndUnknownRoutes();
    void answersAfterCommitWithCounts();
    void retryingARequestStoresNothingTwice();
    void malformedBodyIsRefusedWhole();
    void tracesAndFeedbackEndToEnd();
    void gzipBodies();
    void tokenIsRequiredWhenSet();
    void refusesToListenOffLoopbackWithoutToken();
    void bodyOverTheLimitIsRefusedBeforeItIsRead();
    void expectContinueIsAnswered();
    void pipelinedRequestsAreAnsweredInOrder();
    void clientLeavingBeforeItsAnswerIsHarmless();
    void drainAnswersRequestsInFlightAndRefusesNewOnes();
    // OTLP (tst_collector_otlp.cpp)
    void protobufTracesAreStoredAndAnsweredInProtobuf();
    void aSpanIsStoredOnceWhicheverEncodingBringsIt();
    void unusableSpansAreRejectedOneByOne();
    void badProtobufIsAnsweredWithAStatus();
    void spanAndContentEventsAreJoinedInEitherOrder();
    void aHalfAloneIsStoredWhenItsWaitRunsOut();
    void waitingHalvesSurviveARestart();
    void logRecordsThatAreNotContentAreSkippedOrRejected();
    void grpcExportsAreCommittedWithPartialSuccess();
    void grpcNeedsTheToken();
    void eventsLaterThanTheKeepWindowStillCompleteTheirCall();

private:
    void startServer(flywheel::CollectorOptions options = {});
    QString storePath() const;
    /// Runs @p call on a thread of its own with a client of the server, while this thread serves.
    flywheel::testing::HttpResponse
    call(const std::function<flywheel::testing::HttpResponse(flywheel::testing::HttpClient &)> &call);
    qint64 interactions();

    std::optional<QTemporaryDir> m_dir;
    std::unique_ptr<flywheel::CollectorServer> m_server;
};
