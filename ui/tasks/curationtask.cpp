#include "tasks/curationtask.h"

#include "store/store.h"

#include <QElapsedTimer>

namespace flywheel::ui {
namespace {

// More progress than this is invisible and only floods the GUI thread's event queue.
constexpr qint64 kProgressIntervalMs = 50;

Result<CurationReport> curateInBackground(const QString &storePath, bool full, const std::atomic_bool *cancel,
                                          const Curator::ProgressCallback &report)
{
    // Each thread opens its own connection; curation needs an existing store.
    Store::Options options;
    options.create = false;
    auto store = Store::open(storePath, options);
    if (!store)
        return store.error();
    // The rules `flywheel curate` uses when it is given no --rules.
    Curator curator(*store, RuleSet::defaults());
    curator.setCancelFlag(cancel);
    curator.setFull(full);
    QElapsedTimer sinceLast; // lives on this thread's stack for the whole run
    curator.setProgressCallback([&](const CurationProgress &p) {
        if (sinceLast.isValid() && sinceLast.elapsed() < kProgressIntervalMs)
            return;
        sinceLast.start();
        report(p);
    });
    return curator.run();
}

} // namespace

CurationTask::CurationTask(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<flywheel::CurationReport>();
}

CurationTask::~CurationTask()
{
    m_cancel = true;
    m_job.waitForFinished();
}

bool CurationTask::start(const QString &storePath, bool full)
{
    if (m_running)
        return false;
    m_cancel = false;
    m_running = true;
    // Emitted on the GUI thread: receivers never run on the worker. Events still queued when the
    // task is destroyed are dropped with it.
    const Curator::ProgressCallback report = [this](const CurationProgress &p) {
        m_replies.post([this, p] { emit progress(p.stage, p.done, p.total); });
    };
    m_job.start(
        [storePath, full, this, report] { return curateInBackground(storePath, full, &m_cancel, report); });
    return true;
}

void CurationTask::cancel()
{
    m_cancel = true;
}

void CurationTask::finish(const Result<CurationReport> &result)
{
    m_running = false;
    if (result)
        emit finished(*result);
    else
        emit failed(result.errorMessage());
}

} // namespace flywheel::ui
