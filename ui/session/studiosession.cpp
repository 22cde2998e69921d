#include "session/studiosession.h"

#include "workers/storethread.h"

#include <QUndoStack>

namespace flywheel::ui {

StudioSession::StudioSession(QObject *parent)
    : QObject(parent)
    , m_undoStack(new QUndoStack(this))
    , m_writer(std::make_shared<StoreThread>(QStringLiteral("store writer"), StoreThread::Role::Writer))
{
    qRegisterMetaType<flywheel::ui::StudioSession::Changes>();
}

StudioSession::~StudioSession() = default;

void StudioSession::open(const QString &path)
{
    m_path = path;
    m_undoStack->clear();
    m_writer->setStorePath(path);
    emit changed(Change::Store);
}

WriteTurn StudioSession::writeTurn() const
{
    return [writer = m_writer](const std::function<Status(Store &)> &write) {
        Status status;
        writer->runAndWait([&](Store *store, const QString &openError) {
            status = store ? write(*store) : Status(Error{openError});
        });
        return status;
    };
}

void StudioSession::notify(Changes what)
{
    emit changed(what);
}

Status StudioSession::create(const QString &path)
{
    auto store = Store::open(path);
    if (!store)
        return store.error();
    return {};
}

Result<Store> StudioSession::openReader(const QString &path)
{
    return Store::open(path, Store::readerOptions());
}

} // namespace flywheel::ui
