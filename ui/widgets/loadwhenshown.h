#pragma once

#include "session/studiosession.h"

#include <QObject>

#include <functional>

class QWidget;

namespace flywheel::ui {

/// Reads a view's data only when someone looks at it: after markStale(), the load runs at once if
/// the view is shown (its tab is the current one), else the next time it is. The overview and the
/// dashboard aggregate the whole store, so a hidden tab must not compete with the review queue.
class LoadWhenShown final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoadWhenShown)

public:
    LoadWhenShown(QWidget *view, std::function<void()> load);

    void markStale();
    bool isStale() const { return m_stale; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void loadIfShown();

    QWidget *m_view;
    std::function<void()> m_load;
    bool m_stale = false;
};

/// Loads @p view with the session's store when it is shown, and again after each change in
/// @p relevant.
void loadOnChange(QWidget *view, StudioSession *session, StudioSession::Changes relevant,
                  const std::function<void(const QString &storePath)> &load);

} // namespace flywheel::ui
