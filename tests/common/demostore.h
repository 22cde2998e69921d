#pragma once

// A curated demo store for tests that need a realistic one: flagged interactions, segments,
// near-duplicates, three model versions.

#include "curate/curator.h"
#include "demo/demogenerator.h"
#include "store/store.h"

#include <QFile>
#include <QTemporaryDir>

namespace flywheel::testing {

/// Creates a demo store of @p interactions at @p path and curates it; an error message, or empty.
inline QString makeCuratedDemoStore(const QString &path, int interactions = 1500)
{
    auto store = Store::open(path);
    if (!store)
        return store.errorMessage();
    DemoOptions options;
    options.interactions = interactions;
    if (auto demo = DemoGenerator(*store, options).run(); !demo)
        return demo.errorMessage();
    auto report = Curator(*store, RuleSet::defaults()).run();
    return report ? QString() : report.errorMessage();
}

/// A curated demo store made once for a test case, and a fresh copy of it for each test, so a
/// test may write to its store without curating one of its own.
class DemoStoreCopies {
public:
    /// Makes the original; an error message, or empty.
    QString prepare(int interactions = 1500)
    {
        if (!m_dir.isValid())
            return m_dir.errorString();
        m_original = m_dir.filePath(QStringLiteral("original.flywheel"));
        return makeCuratedDemoStore(m_original, interactions);
    }

    /// The path of a new copy of the original ("<prefix>-<n>.flywheel"); empty if it could not be
    /// copied.
    QString copy(const QString &prefix)
    {
        const QString path = m_dir.filePath(QStringLiteral("%1-%2.flywheel").arg(prefix).arg(++m_copies));
        return QFile::copy(m_original, path) ? path : QString();
    }

    /// A path in the same folder, for files a test makes itself.
    QString filePath(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
    QString m_original;
    int m_copies = 0;
};

} // namespace flywheel::testing
