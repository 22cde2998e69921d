#include "settings/studiosettings.h"

#include <QFileInfo>
#include <QSettings>

namespace flywheel::ui {
namespace {

const QString kAnnotator = QStringLiteral("review/annotator");
const QString kRecentStores = QStringLiteral("stores/recent");

// An explicit name, so the file is ~/.config/flywheel-studio/studio.ini whatever the application
// object says (and tests, in QStandardPaths' test mode, write elsewhere).
QSettings open()
{
    return QSettings(QSettings::IniFormat, QSettings::UserScope, QStringLiteral("flywheel-studio"),
                     QStringLiteral("studio"));
}

} // namespace

StudioSettings StudioSettings::load()
{
    QSettings settings = open();
    StudioSettings s;
    s.annotator = settings.value(kAnnotator).toString();
    s.recentStores = settings.value(kRecentStores).toStringList();
    return s;
}

void StudioSettings::save() const
{
    QSettings settings = open();
    settings.setValue(kAnnotator, annotator);
    settings.setValue(kRecentStores, recentStores);
}

void StudioSettings::addRecentStore(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recentStores.removeAll(absolute);
    recentStores.prepend(absolute);
    while (recentStores.size() > kMaxRecentStores)
        recentStores.removeLast();
}

} // namespace flywheel::ui
