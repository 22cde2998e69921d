#include "widgets/loadwhenshown.h"

#include <QEvent>
#include <QWidget>

namespace flywheel::ui {

LoadWhenShown::LoadWhenShown(QWidget *view, std::function<void()> load)
    : QObject(view)
    , m_view(view)
    , m_load(std::move(load))
{
    view->installEventFilter(this);
}

void LoadWhenShown::markStale()
{
    m_stale = true;
    loadIfShown();
}

bool LoadWhenShown::eventFilter(QObject *watched, QEvent *event)
{
    // ShowToParent also comes while the window itself is not on screen yet: a tab made current.
    if (watched == m_view && (event->type() == QEvent::ShowToParent || event->type() == QEvent::Show))
        loadIfShown();
    return QObject::eventFilter(watched, event);
}

void loadOnChange(QWidget *view, StudioSession *session, StudioSession::Changes relevant,
                  const std::function<void(const QString &storePath)> &load)
{
    auto *lazy = new LoadWhenShown(view, [session, load] { load(session->storePath()); });
    QObject::connect(session, &StudioSession::changed, lazy, [lazy, session, relevant](auto what) {
        if (session->isOpen() && (what & relevant))
            lazy->markStale();
    });
}

void LoadWhenShown::loadIfShown()
{
    // A tab widget hides every page but the current one.
    if (!m_stale || m_view->isHidden())
        return;
    m_stale = false;
    m_load();
}

} // namespace flywheel::ui
