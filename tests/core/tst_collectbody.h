#pragma once

#include <QObject>
#include <QTemporaryDir>

#include <optional>

// Declared apart from the bodies: moc cannot tokenize some of the JSON literals the tests use.
class TestCollectBody : public QObject {
    Q_OBJECT

private slots:
    void init();
    void scannerFindsTheEndOfPrettyDocuments();
    void scannerTellsOpenLines_data();
    void scannerTellsOpenLines();
    void jsonLinesPrettyDocumentsAndArrays();
    void badRecordRefusesTheWholeBody_data();
    void badRecordRefusesTheWholeBody();
    void feedbackEndpointTakesOnlyEvents();
    void tracesArePrettyOrOneALine();
    void interactionsBodyDetectsOrForcesItsFormat();
    void csvBody();
    void recordOverTheLimit();
    void fuzzingCrashInputIsRefusedCleanly();
    void gunzipRoundTripsAndBounds();
    void queueCommitsAndCounts();
    void readersKeepReadingWhileTheQueueWrites();
    void queueGroupsRequestsWaitingForTheLock();
    void failedCommitWritesNothingAndRetrySucceeds();
    void fullQueueRefuses();
    void closeCommitsWhatIsQueuedAndRecordsTheRun();

private:
    QString storePath() const;
    std::optional<QTemporaryDir> m_dir;
};
