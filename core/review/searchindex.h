#pragma once

#include "util/result.h"

#include <QString>

#include <atomic>
#include <functional>

namespace flywheel {

class Store;

/// How far the search index has caught up: flagged interactions indexed of those flagged.
struct SearchIndexProgress {
    qint64 done = 0;
    qint64 total = 0;
};

/// Brings the review queue's full-text index (SQLite FTS5) up to date: indexes flagged interactions
/// it does not hold yet (the words of their user messages, their output, and their corrections,
/// people's and reviewers'), and re-indexes the ones whose content, corrections or reviewers'
/// corrections changed since the last update. Commits in batches, so a cancelled or killed update
/// keeps what it did and the next one continues. Returns the interactions (re)indexed.
Result<qint64> updateSearchIndex(Store &store,
                                 const std::function<void(const SearchIndexProgress &)> &progress = {},
                                 const std::atomic_bool *cancel = nullptr);

/// FTS5 query syntax for what a user typed: every word must occur, the last one as a prefix (so
/// results narrow while typing). Each word is quoted, so no character the user types is read as
/// FTS5 syntax. Empty when the text has no word.
QString searchExpression(const QString &userText);

/// The review queue's full-text match of what a user typed, in its engine's terms: the source that
/// joins index rows to their flags (aliases s and f), the condition on parameter ?8, and the value
/// to bind there (empty: no search). SQLite matches FTS5's expression; PostgreSQL the schema's
/// search_query() of the same words over the index's tsvector.
struct SearchSql {
    const char *fromIndex = "";
    const char *condition = "";
    QString argument;
};
SearchSql searchSql(bool postgres, const QString &userText);

} // namespace flywheel
