#pragma once

#include "util/result.h"

#include <QList>
#include <QString>

namespace flywheel {

class Store;

/// The team's annotation guidelines: Markdown that tells reviewers how to decide. Kept in the store
/// as versions, so everyone who opens it reads the same, and each decision records the version
/// it was made under.
struct Guidelines {
    /// 0 when none were written.
    qint64 version = 0;
    QString text;
    QString author;
    qint64 createdAtMs = 0;

    bool operator==(const Guidelines &) const = default;
};

/// The latest version (version 0, empty, when there is none).
Result<Guidelines> loadGuidelines(Store &store);
/// One version, or every version newest first when @p version is 0 (texts included).
Result<QList<Guidelines>> loadGuidelineVersions(Store &store, qint64 version = 0);
/// Stores @p text as the next version by @p author and returns it. Text equal to the latest
/// version's stores nothing and returns that version.
Result<Guidelines> saveGuidelines(Store &store, const QString &text, const QString &author);

} // namespace flywheel
