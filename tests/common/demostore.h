#pragma once

// A curated demo store for tests that need a realistic one: flagged interactions, segments,
// near-duplicates, three model versions.

#include "curate/curator.h"
#include "demo/demogenerator.h"
#include "store/store.h"

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

} // namespace flywheel::testing
