#pragma once

#include <QObject>

#include <functional>

namespace flywheel {

/// Hands jobs to the thread a QObject lives on: post() may be called from any thread, and the
/// jobs run on the mailbox's thread in the order they were posted. A job still queued when the
/// mailbox is destroyed is dropped.
///
/// Use it instead of QMetaObject::invokeMethod for work that crosses threads. Debian's Qt is not
/// built with ThreadSanitizer, so TSan cannot see the hand-off inside Qt's event queue and reports
/// every queued lambda as a race; the mailbox tells TSan where the hand-off is (docs/reliability.md,
/// "ThreadSanitizer"). In other builds the annotations compile to nothing.
class Mailbox final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Mailbox)

public:
    explicit Mailbox(QObject *parent = nullptr);
    ~Mailbox() override;

    void post(std::function<void()> job);

protected:
    bool event(QEvent *event) override;
};

/// Tells ThreadSanitizer that what one thread did before handOffRelease(token) happens before what
/// another does after handOffAcquire(token), for a hand-off it cannot see (one through Qt).
void handOffRelease(const void *token);
void handOffAcquire(const void *token);

} // namespace flywheel
