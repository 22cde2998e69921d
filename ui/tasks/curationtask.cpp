#include "tasks/curationtask.h"

#include "session/studiosession.h"

#include <QElapsedTimer>

namespace flywheel::ui {
namespace {

// More progress than this is invisible and only floods the GUI thread's event queue.
constexpr qint64 kProgressIntervalMs = 50;

Result<CurationReport> curateInBackground(const QString &storePath, const WriteTurn &writeTurn, bool full,
                                          const std::atomic_bool *cancel,
                                          const Curator::ProgressCallback &report)
{
    // It reads on this thread's connection, for minutes on a large store, while decisions are
    // still written; only its writes wait for their turn on the session's writer.
    auto store = StudioSession::openReader(storePath);
    if (!store)
        return store.error();
    // The rules `flywheel curate` uses when it is given no --rules.
    Curator curator(*store, RuleSet::defaults());
    curator.setWriteTurn(writeTurn);
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

CurationTask::CurationTask(StudioSession *session, QObject *parent)
    : QObject(parent)
    , m_session(session)
{
    qRegisterMetaType<flywheel::CurationReport>();
}

CurationTask::~CurationTask()
{
    m_cancel = true;
    m_job.waitForFinished();
}

bool CurationTask::start(bool full)
{
    if (m_running || !m_session->isOpen())
        return false;
    m_cancel = false;
    m_running = true;
    // Emitted on the GUI thread: receivers never run on the worker. Events still queued when the
    // task is destroyed are dropped with it.
    const Curator::ProgressCallback report = [this](const CurationProgress &p) {
        m_replies.post([this, p] { emit progress(p.stage, p.done, p.total); });
    };
    m_job.start([storePath = m_session->storePath(), turn = m_session->writeTurn(), full, this, report] {
        return curateInBackground(storePath, turn, full, &m_cancel, report);
    });
    return true;
}

void CurationTask::cancel()
{
    m_cancel = true;
}

void CurationTask::finish(const Result<CurationReport> &result)
{
    m_running = false;
    if (result && !result->cancelled)
        m_session->notify(StudioSession::Change::Curation);
    if (result)
        emit finished(*result);
    else
        emit failed(result.errorMessage());
}

} // namespace flywheel::ui
