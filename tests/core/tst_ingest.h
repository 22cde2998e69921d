#pragma once

#include "ingest/ingester.h"
#include "store/store.h"

#include <QObject>
#include <QTemporaryDir>

#include <optional>

using namespace flywheel;

// Declared apart from the bodies: moc cannot tokenize some of the JSON literals the tests use.
class TestIngest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void storesAllFields();
    void plainStringInputBecomesUserMessage();
    void epochMillisecondTimestamps();
    void rejectsBadLines_data();
    void rejectsBadLines();
    void quarantineIsNotDuplicatedOnRerun();
    void overLongLineIsQuarantinedWithoutBufferingIt();
    void acceptsHarmlessQuirks();
    void sameFileTwiceAddsNothing();
    void laterLineUpdatesAndKeepsFeedback();
    void feedbackBeforeAndAfterItsInteraction();
    void sourcesNamespaceIds();
    void idHashCollisionsKeepIdsApart();
    void readsGzip();
    void truncatedGzipKeepsWhatCameBefore();
    void missingInputFailsBeforeWriting();
    void cancelKeepsCommittedWorkAndRerunFinishes();
    void reportsProgressPerBatch();
    void slowStreamsCommitByTime();
    void lineJustOverTheLimitIsQuarantined();

private:
    IngestReport ingest(const QByteArray &content, const IngestOptions &options = {});
    IngestReport ingestFiles(const QStringList &paths, const IngestOptions &options = {});
    std::optional<QTemporaryDir> m_dir;
    std::optional<Store> m_store;
};
