#pragma once

#include "review/searchindex.h"
#include "util/result.h"
#include "util/timerange.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace flywheel {

class Store;

/// Which flagged interactions the review queue shows. Empty strings and zero times filter nothing.
struct QueueFilter {
    enum class Status {
        /// No decision yet: the annotators' work list.
        ToDo,
        /// The latest decision is a skip.
        Skipped,
        /// Accepted, rejected or corrected.
        Decided,
        All,
    };
    enum class Order { Priority, Newest, Oldest };

    Status status = Status::ToDo;
    Order order = Order::Priority;
    /// One flag reason: interactions with that flag, at its priority. Otherwise each interaction
    /// once, at its highest-priority flag.
    QString reason;
    QString segment;
    /// "model version" as stored in interactions.model_version.
    QString modelVersion;
    /// The effective label: a reviewer's over curation's.
    QString label;
    /// Interactions this reviewer decided or skipped.
    QString annotator;
    /// Interaction times (core/util/timerange.h).
    TimeRange time;
    /// What the user typed into the search box; searched with updateSearchIndex()'s index.
    QString search;

    bool operator==(const QueueFilter &) const = default;
};

/// Where a row sits in the queue's order, for keyset paging.
struct QueueKey {
    double priority = 0;
    qint64 interactionId = 0;
    QString reason;
};

/// One row of the queue.
struct QueueRow {
    QueueKey key;
    QString source;
    QString externalId;
    QString detail;
    QString segment;
    QString modelVersion;
    QString label;
    qint64 timestampMs = 0;
    /// The latest decision's store name ("approve", "skip"...), empty when none.
    QString decision;
    QString reviewer;
    QString preview;
};

/// The values the queue's filters offer, each sorted.
struct QueueFacets {
    QStringList reasons;
    QStringList segments;
    QStringList modelVersions;
    QStringList labels;
    QStringList annotators;
};

Result<QueueFacets> loadQueueFacets(Store &store);

/// The review queue's query: counts and pages of the flagged interactions matching a filter. Each
/// call is a short read; SQL gets the filter's values only as bound parameters.
class ReviewQueue final {
public:
    ReviewQueue(Store &store, QueueFilter filter);

    /// How many rows the filter matches.
    Result<qint64> count();
    /// Up to @p limit rows after @p after (keyset paging), or from the start when it is null.
    Result<QList<QueueRow>> pageAfter(const QueueKey *after, int limit);
    /// Up to @p limit rows from row @p offset: to jump far (a dragged scroll bar) without the rows
    /// before. The store still steps over them, so pageAfter() is the way to move on from a page.
    Result<QList<QueueRow>> pageAt(qint64 offset, int limit);
    /// The @p limit rows that end @p offsetFromEnd rows before the end, in the queue's order: the
    /// end of the queue is read from the end, as fast as its start.
    Result<QList<QueueRow>> pageBeforeEnd(qint64 offsetFromEnd, int limit);

private:
    QByteArray fromAndWhere() const;
    void bindFilter(class Statement &statement) const;
    Result<QList<QueueRow>> readPage(const QByteArray &extraCondition, const QueueKey *after, qint64 offset,
                                     int limit, bool reversed);

    Store &m_store;
    QueueFilter m_filter;
    SearchSql m_search;
};

} // namespace flywheel
