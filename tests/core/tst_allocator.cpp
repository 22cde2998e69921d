#include "util/allocator.h"

#include <QFile>
#include <QTest>

#include <cstdint>
#include <numeric>
#include <vector>

using namespace flywheel;

namespace {

// The line "THPeligible: N" of the mapping in /proc/self/smaps that holds @p address; -1 when the
// kernel does not say.
int hugePageEligible(const void *address)
{
    QFile smaps(QStringLiteral("/proc/self/smaps"));
    if (!smaps.open(QIODevice::ReadOnly))
        return -1;
    const auto at = quintptr(address);
    bool inside = false;
    for (const QByteArray &line : smaps.readAll().split('\n')) {
        // A mapping starts with its address range ("7f0c...-7f0d... rw-p ..."), its fields follow.
        const QByteArray range = line.left(line.indexOf(' '));
        const qsizetype dash = range.indexOf('-');
        bool okStart = false, okEnd = false;
        const quintptr start = range.left(dash).toULongLong(&okStart, 16);
        const quintptr end = range.mid(dash + 1).toULongLong(&okEnd, 16);
        if (dash > 0 && okStart && okEnd)
            inside = start <= at && at < end;
        else if (inside && line.startsWith("THPeligible:"))
            return line.mid(12).trimmed().toInt();
    }
    return -1;
}

bool hugePagesOffered()
{
    QFile setting(QStringLiteral("/sys/kernel/mm/transparent_hugepage/enabled"));
    return setting.open(QIODevice::ReadOnly) && !setting.readAll().contains("[never]");
}

} // namespace

class TestAllocator : public QObject {
    Q_OBJECT

private slots:
    void vectorsOfEverySizeHoldTheirValues()
    {
        for (const size_t n : {size_t(0), size_t(1), size_t(1000), kHugePageBlock / 8 - 1, kHugePageBlock / 8,
                               kHugePageBlock / 8 + 1, size_t(3) * kHugePageBlock / 8 + 12345}) {
            std::vector<std::uint64_t, LargeBlockAllocator<std::uint64_t>> values(n);
            std::iota(values.begin(), values.end(), std::uint64_t(7));
            values.push_back(1); // grows: a new block, the old one freed
            values.shrink_to_fit();
            for (size_t i = 0; i < n; ++i)
                QCOMPARE(values[i], std::uint64_t(7 + i));
            QCOMPARE(values.back(), std::uint64_t(1));
        }
    }

    void largeBlocksAreAdvisedForHugePages()
    {
        if (!hugePagesOffered())
            QSKIP("this kernel offers no transparent huge pages");
        std::vector<char, LargeBlockAllocator<char>> large(kHugePageBlock * 2, 'x');
        const int eligible = hugePageEligible(large.data());
        if (eligible < 0)
            QSKIP("/proc/self/smaps has no THPeligible line here");
        QCOMPARE(eligible, 1);
    }
};

QTEST_GUILESS_MAIN(TestAllocator)
#include "tst_allocator.moc"
