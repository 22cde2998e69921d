#pragma once

#include "metrics/storestats.h"
#include "workers/backgroundjob.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace flywheel::ui {

class StudioSession;

/// The store at a glance: headline counts and the breakdowns by model version, outcome and
/// category. The figures are aggregated by the core on a worker thread.
class StoreOverview final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreOverview)

public:
    explicit StoreOverview(QWidget *parent = nullptr);
    ~StoreOverview() override;

    /// Loads the figures of the store at @p path without blocking; newer calls win.
    void load(const QString &path);
    /// Loads the session's store when the overview is shown, and again after it changed.
    void follow(StudioSession *session);

signals:
    void loaded(const flywheel::StoreStats &stats);
    void failed(const QString &message);

private:
    void showLoaded(const Result<StoreStats> &result);
    void showStats(const StoreStats &stats);
    void fill(QTableWidget *table, const QList<CountBy> &counts, qint64 total);
    void fillOutcomes(const QList<VersionOutcomes> &versions);

    BackgroundJob<Result<StoreStats>> m_job{[this](Result<StoreStats> r) {
        showLoaded(r);
    }};
    QLabel *m_headline;
    QLabel *m_interactions;
    QLabel *m_feedback;
    QLabel *m_corrections;
    QLabel *m_quarantined;
    QTableWidget *m_byModelVersion;
    QTableWidget *m_byOutcome;
    QTableWidget *m_byCategory;
};

} // namespace flywheel::ui
