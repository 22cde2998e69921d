#pragma once

#include "store/store.h"

#include <QObject>
#include <QTemporaryDir>

#include <optional>

// Declared apart from the bodies: moc cannot tokenize some of the JSON literals the tests use.
class TestCuration : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void conditions_data();
    void conditions();
    void rulesFileErrors_data();
    void rulesFileErrors();
    void shippedRulesLoad();
    void normalisation_data();
    void normalisation();
    void shinglesAndJaccard();
    void personalData_data();
    void personalData();
    void personalDataOffsetsAreCharacters();
    void labelsFromSignals();
    void readsOnAReaderAndWritesInTurns();
    void flagsOnCraftedInteractions();
    void latencyOutliersPerModelVersion();
    void exactDuplicatesClusterWithBestRepresentative();
    void nearDuplicatePairs();
    void nearDuplicatesInALargeBucket();
    void nearDuplicatesJoinClusters();
    void segmentsAndCoverage();
    void topicsForUncategorizedInputs();
    void hardnessIsDrawnTowardTheStore();
    void reviewsAreNeverOverwrittenAndLeaveTheQueue();
    void cancelledRunKeepsPreviousResults();
    void ruleAnalysisCountsOverlapsConflictsAndOverturns();
    void showAndDuplicateQueries();

private:
    void ingest(const QByteArray &lines);
    qint64 count(const char *sql);
    QString text(const char *sql);

    std::optional<QTemporaryDir> m_dir;
    std::optional<flywheel::Store> m_store;
};
