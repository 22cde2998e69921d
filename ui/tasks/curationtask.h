#pragma once

#include "curate/curator.h"
#include "util/mailbox.h"
#include "workers/backgroundjob.h"

#include <QObject>

#include <atomic>

namespace flywheel::ui {

class StudioSession;

/// Runs curation of the session's store with the shipped default rules on a worker thread, which
/// reads on a connection of its own and writes in the session's write turn, and reports on the GUI
/// thread: throttled progress, then finished() or failed(). A completed run tells the session
/// (StudioSession::Change::Curation).
class CurationTask final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CurationTask)

public:
    explicit CurationTask(StudioSession *session, QObject *parent = nullptr);
    /// Cancels a running curation and waits for its worker.
    ~CurationTask() override;

    /// Curates the session's store; @p full recomputes every interaction. Returns false (and does
    /// nothing) while a run is in progress or no store is open.
    bool start(bool full = false);
    /// Asks the run to stop; it then finishes with a cancelled report and the previous results kept.
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    /// At most about 20 a second.
    void progress(const QString &stage, qint64 done, qint64 total);
    /// Also sent for a cancelled run (report.cancelled).
    void finished(const flywheel::CurationReport &report);
    void failed(const QString &message);

private:
    void finish(const Result<CurationReport> &result);

    StudioSession *m_session;

    Mailbox m_replies;
    BackgroundJob<Result<CurationReport>> m_job{[this](Result<CurationReport> r) {
        finish(r);
    }};
    std::atomic_bool m_cancel{false};
    bool m_running = false;
};

} // namespace flywheel::ui
