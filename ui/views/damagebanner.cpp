#include "views/damagebanner.h"

#include "dialogs/filedialogs.h"
#include "store/damage.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace flywheel::ui {

DamageBanner::DamageBanner(QWidget *parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
    , m_recover(new QPushButton(tr("&Recover to a New Store…"), this))
{
    setObjectName(QStringLiteral("damageBanner"));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(QStringLiteral("#damageBanner { background: #fdecea; border: 1px solid #d93025; }"
                                 "#damageBanner QLabel { color: #5f1712; }"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    auto *layout = new QHBoxLayout(this);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_recover);
    hide();
    connect(m_recover, &QPushButton::clicked, this, &DamageBanner::chooseTarget);
    // Reports come from whichever thread met the damage; the banner shows them on its own. The
    // destructor removes the listener before the mailbox goes.
    m_listener = damage::addListener([this](const QString &path, const QString &message) {
        m_reports.post([this, path, message] { showDamage(path, message); });
    });
}

DamageBanner::~DamageBanner()
{
    damage::removeListener(m_listener);
    m_recovery.waitForFinished();
}

void DamageBanner::setStorePath(const QString &path)
{
    m_storePath = path;
    if (damage::isDamaged(path))
        showDamage(path, damage::firstMessage(path));
    else
        hide();
}

void DamageBanner::showDamage(const QString &path, const QString &message)
{
    if (QFileInfo(path).canonicalFilePath() != QFileInfo(m_storePath).canonicalFilePath())
        return;
    m_text->setText(tr("This store is damaged (SQLite says: %1). The studio has stopped writing to it, so "
                       "nothing more is lost; decisions not shown as saved were not written. Copy what is "
                       "readable, decisions first, to a new store and continue there.")
                        .arg(message));
    show();
    emit damageShown();
}

void DamageBanner::chooseTarget()
{
    const QFileInfo info(m_storePath);
    const QString suggestion = info.absolutePath() + QLatin1Char('/') + info.completeBaseName() +
                               QStringLiteral("-recovered.flywheel");
    const QString to =
        chooseFileToSave(this, tr("Recover to a New Store"), suggestion, tr("Flywheel stores (*.flywheel)"));
    if (!to.isEmpty())
        recoverTo(to);
}

void DamageBanner::recoverTo(const QString &to)
{
    m_target = to;
    m_recover->setEnabled(false);
    m_text->setText(tr("Recovering into %1…").arg(to));
    const QString from = m_storePath;
    m_recovery.start([from, to] { return recoverStore(from, to); });
}

void DamageBanner::showRecovery(const Result<RecoveryReport> &result)
{
    m_recover->setEnabled(true);
    if (result)
        emit recovered(m_target, *result);
    else
        emit recoveryFailed(result.errorMessage());
}

} // namespace flywheel::ui
