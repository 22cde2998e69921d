// The queue model's contract with a source that answers late and out of order: only answers to
// the newest question count, the cache stays bounded, a page in the second half is read from the
// end, and a count that shrinks removes rows.
#include "models/reviewqueuemodel.h"

#include <QSignalSpy>
#include <QTest>

#include <deque>

using namespace flywheel;
using namespace flywheel::ui;

namespace {

// Holds every question until the test answers it.
class HeldSource final : public QueueSource {
public:
    struct Page {
        QueuePageRequest request;
        std::function<void(Rows)> answer;
    };
    struct Count {
        QueueFilter filter;
        std::function<void(Result<qint64>)> answer;
    };

    void setStorePath(const QString &) override {}
    void readPage(const QueuePageRequest &request, std::function<void(Rows)> answer) override
    {
        pages.push_back({request, std::move(answer)});
    }
    void readCount(const QueueFilter &filter, std::function<void(Result<qint64>)> answer) override
    {
        counts.push_back({filter, std::move(answer)});
    }

    std::deque<Page> pages;
    std::deque<Count> counts;
};

// Rows whose interaction ids say where they came from: @p base plus their position.
QList<QueueRow> rows(qint64 base, int n)
{
    QList<QueueRow> out;
    for (int i = 0; i < n; ++i) {
        QueueRow row;
        row.key.interactionId = base + i;
        row.key.reason = QStringLiteral("low_rating");
        out.append(row);
    }
    return out;
}

QueueFilter filterFor(const QString &segment)
{
    QueueFilter filter;
    filter.segment = segment;
    return filter;
}

} // namespace

class TestReviewQueueModel : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        auto source = std::make_unique<HeldSource>();
        m_source = source.get();
        m_model.emplace(std::move(source));
    }

    void cleanup() { m_model.reset(); }

    void asksForTheFirstPageBeforeTheCount()
    {
        m_model->setFilter(filterFor(QStringLiteral("billing")));
        QCOMPARE(m_source->pages.size(), size_t(1));
        QCOMPARE(m_source->counts.size(), size_t(1));
        QCOMPARE(m_source->pages.front().request.offset, qint64(0));
        QCOMPARE(m_source->pages.front().request.filter.segment, QStringLiteral("billing"));
        // The first page shows on its own, before the count.
        m_source->pages.front().answer(rows(1000, 100));
        QCOMPARE(m_model->rowCount(), 100);
        QVERIFY(!m_model->isCounted());
        m_source->counts.front().answer(qint64(250));
        QVERIFY(m_model->isCounted());
        QCOMPARE(m_model->rowCount(), 250);
    }

    void answersToAnOlderFilterAreDropped()
    {
        QSignalSpy counted(m_model.operator->(), &ReviewQueueModel::countChanged);
        m_model->setFilter(filterFor(QStringLiteral("billing")));
        m_model->setFilter(filterFor(QStringLiteral("legal")));
        QCOMPARE(m_source->pages.size(), size_t(2));
        QCOMPARE(m_source->counts.size(), size_t(2));
        // The newer answers first, then the older ones late.
        m_source->pages[1].answer(rows(2000, 100));
        m_source->counts[1].answer(qint64(120));
        m_source->pages[0].answer(rows(1000, 100));
        m_source->counts[0].answer(qint64(900));
        QCOMPARE(m_model->rowCount(), 120);
        QCOMPARE(m_model->rowAt(0)->key.interactionId, qint64(2000));
        QCOMPARE(m_model->rowAt(99)->key.interactionId, qint64(2099));
        QCOMPARE(counted.constLast().first().toLongLong(), qint64(120));
    }

    void aPageInTheSecondHalfIsReadFromTheEnd()
    {
        m_model->refresh();
        m_source->pages.front().answer(rows(0, 100));
        m_source->counts.front().answer(qint64(1050));
        m_source->pages.clear();
        QVERIFY(!m_model->rowAt(1049)); // the last page: asked for
        QCOMPARE(m_source->pages.size(), size_t(1));
        const QueuePageRequest &last = m_source->pages.front().request;
        QVERIFY(last.fromEnd);
        QVERIFY(!last.after);
        QCOMPARE(last.limit, 50); // rows 1000..1049
        QCOMPARE(last.offsetFromEnd, qint64(0));
        m_source->pages.front().answer(rows(5000, 50));
        QCOMPARE(m_model->rowAt(1049)->key.interactionId, qint64(5049));

        // A page right after a cached one follows its last row's key instead.
        m_source->pages.clear();
        QVERIFY(!m_model->rowAt(150));
        QCOMPARE(m_source->pages.size(), size_t(1));
        QVERIFY(m_source->pages.front().request.after);
        QCOMPARE(m_source->pages.front().request.after->interactionId, qint64(99));
        // A jump into the first half is an offset.
        m_source->pages.clear();
        QVERIFY(!m_model->rowAt(420));
        QCOMPARE(m_source->pages.front().request.offset, qint64(400));
        QVERIFY(!m_source->pages.front().request.fromEnd);
    }

    void theCacheKeepsThePagesNearestTheView()
    {
        const int pages = ReviewQueueModel::kMaxCachedPages + 10;
        m_model->refresh();
        m_source->pages.front().answer(rows(0, 100));
        m_source->counts.front().answer(qint64(pages) * ReviewQueueModel::kPageSize);
        m_source->pages.clear();
        for (int page = 1; page < pages; ++page) {
            QVERIFY(!m_model->rowAt(page * ReviewQueueModel::kPageSize));
            QCOMPARE(m_source->pages.size(), size_t(1));
            m_source->pages.front().answer(rows(qint64(page) * 1000, 100));
            m_source->pages.clear();
        }
        // The last page read is there; the first ones, farthest from it, were evicted and are
        // asked for again.
        QCOMPARE(m_model->rowAt((pages - 1) * ReviewQueueModel::kPageSize)->key.interactionId,
                 qint64(pages - 1) * 1000);
        QVERIFY(!m_model->rowAt(0));
        QCOMPARE(m_source->pages.size(), size_t(1));
        QCOMPARE(m_source->pages.front().request.offset, qint64(0));
        int cached = 0;
        for (int page = 0; page < pages; ++page)
            if (m_model->rowAt(page * ReviewQueueModel::kPageSize).has_value())
                ++cached;
        QCOMPARE(cached, ReviewQueueModel::kMaxCachedPages);
    }

    void aCountThatShrinksRemovesRows()
    {
        m_model->refresh();
        m_source->pages.front().answer(rows(0, 100));
        m_source->counts.front().answer(qint64(100));
        QCOMPARE(m_model->rowCount(), 100);
        // Read again after decisions: fewer rows to do, and the first page shorter.
        m_model->refresh();
        QSignalSpy removed(m_model.operator->(), &QAbstractItemModel::rowsRemoved);
        QCOMPARE(m_model->rowCount(), 0);
        m_source->pages[1].answer(rows(0, 100));
        m_source->counts[1].answer(qint64(40));
        QCOMPARE(m_model->rowCount(), 40);
        QCOMPARE(removed.count(), 1);
        QVERIFY(!m_model->rowAt(40));
    }

    void aFailureIsReported()
    {
        QSignalSpy failed(m_model.operator->(), &ReviewQueueModel::failed);
        m_model->refresh();
        m_source->counts.front().answer(Error{QStringLiteral("no store at x")});
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.first().first().toString(), QStringLiteral("no store at x"));
        QVERIFY(!m_model->isCounted());
    }

private:
    HeldSource *m_source = nullptr;
    std::optional<ReviewQueueModel> m_model;
};

QTEST_MAIN(TestReviewQueueModel)
#include "tst_reviewqueuemodel.moc"
