#pragma once

#include "store/recovery.h"
#include "util/mailbox.h"
#include "workers/backgroundjob.h"

#include <QFrame>

class QLabel;
class QPushButton;

namespace flywheel::ui {

/// Says, above everything else, that the open store is damaged, the moment SQLite reports it from
/// any of the studio's threads (core/store/damage.h stops every write to it at that point), and
/// offers to copy what is readable to a new store, decisions first.
class DamageBanner final : public QFrame {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DamageBanner)

public:
    explicit DamageBanner(QWidget *parent = nullptr);
    ~DamageBanner() override;

    /// The store the window shows; reports about other files are ignored, and the banner hides.
    void setStorePath(const QString &path);
    bool isDamaged() const { return !isHidden(); }
    /// Recovers into @p to on a worker thread; recovered() or recoveryFailed() follows.
    void recoverTo(const QString &to);

signals:
    void recovered(const QString &path, const flywheel::RecoveryReport &report);
    void recoveryFailed(const QString &message);
    /// The open store was found damaged: whatever writes to it should stop offering to.
    void damageShown();

private:
    void showDamage(const QString &path, const QString &message);
    void chooseTarget();
    void showRecovery(const Result<RecoveryReport> &result);

    QLabel *m_text;
    QPushButton *m_recover;
    QString m_storePath, m_target;
    int m_listener = 0;
    Mailbox m_reports;
    BackgroundJob<Result<RecoveryReport>> m_recovery{[this](Result<RecoveryReport> r) {
        showRecovery(r);
    }};
};

} // namespace flywheel::ui
