#pragma once

#include "curate/curator.h"
#include "store/store.h"

#include <QObject>
#include <QStringList>
#include <QTemporaryDir>

#include <optional>

// Incremental curation runs: what they compute, when they fall back to a full run, and that their
// results are a full run's.
class TestIncrementalCuration : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void topicCheckpoints();
    void signaturesAndTopicModelRoundTrip();
    void incrementalEqualsFull();
    void reasonsForAFullRun();
    void changeLogListsCuratedInteractionsOnly();
    void cancelledIncrementalRunKeepsResults();

private:
    void ingest(const QByteArray &lines);
    void buildBase();
    flywheel::CurationReport curate(bool full = false);
    qint64 count(const char *sql);
    /// Every curation result, one line per row, without the run ids.
    QStringList results();

    std::optional<QTemporaryDir> m_dir;
    std::optional<flywheel::Store> m_store;
};
