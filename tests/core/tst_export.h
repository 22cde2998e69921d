#pragma once

#include "export/exporter.h"
#include "store/store.h"

#include <QObject>
#include <QStringList>
#include <QTemporaryDir>

#include <optional>

// Exports: every kind and format on known content, splits, personal data, atomicity.
class TestExport : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void redaction();
    void sftOpenAi();
    void sftTrlAndToolCalls();
    void messagesWithoutContent();
    void preferenceBothFormats();
    void ktoPairsAGoldCorrectionWithItsOriginal();
    void personalDataModes();
    void splitsAreDeterministicAndKeepClustersTogether();
    void stratifiedRatiosPerSegment();
    void manifestCardAndRecord();
    void evalPutsHardSegmentsAndReviewedCorrectionsFirst();
    void evalItemsNeverEnterTrain();
    void fewShotIsSpreadOverSegments();
    void retrievalDocuments();
    void failedExportLeavesNothing();
    void interruptedPublicationIsCompleted();
    void hostileFilterValues();
    void badOptionsAreRefused();

private:
    void ingest(const QByteArray &lines);
    void curate();
    flywheel::ExportReport exportWith(flywheel::ExportOptions options);
    QStringList lines(const QString &file);
    QString out(const QString &name) const { return m_dir->filePath(name); }
    QString out(const char *name) const { return out(QString::fromUtf8(name)); }

    std::optional<QTemporaryDir> m_dir;
    std::optional<flywheel::Store> m_store;
};
