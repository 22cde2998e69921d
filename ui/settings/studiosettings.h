#pragma once

#include <QString>
#include <QStringList>

namespace flywheel::ui {

/// The studio's settings, in one typed place (QSettings underneath).
struct StudioSettings {
    /// The name recorded with each decision.
    QString annotator;
    /// Stores opened, most recent first; the first one reopens at start.
    QStringList recentStores;

    static constexpr int kMaxRecentStores = 8;

    static StudioSettings load();
    void save() const;
    /// Puts @p path first in recentStores.
    void addRecentStore(const QString &path);
};

} // namespace flywheel::ui
