#include "store/pagereader.h"

#include <QtEndian>

#include <cstring>

namespace flywheel {
namespace {

enum PageKind : uchar { IndexInterior = 2, TableInterior = 5, IndexLeaf = 10, TableLeaf = 13 };

quint32 be32(const uchar *p)
{
    return qFromBigEndian<quint32>(p);
}

quint16 be16(const uchar *p)
{
    return qFromBigEndian<quint16>(p);
}

// A varint at @p p, reading no further than @p end; false when it runs past it.
bool readVarint(const uchar *&p, const uchar *end, qint64 &value)
{
    quint64 v = 0;
    for (int i = 0; i < 9; ++i) {
        if (p >= end)
            return false;
        const uchar c = *p++;
        if (i == 8) {
            v = (v << 8) | c;
            break;
        }
        v = (v << 7) | (c & 0x7f);
        if (!(c & 0x80))
            break;
    }
    value = qint64(v);
    return true;
}

qint64 serialSize(qint64 type)
{
    static constexpr int sizes[] = {0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0};
    if (type < 12)
        return type < 0 ? -1 : sizes[type];
    return (type - 12) / 2;
}

QVariant serialValue(qint64 type, const uchar *p)
{
    switch (type) {
    case 0:
        return {};
    case 7: {
        const quint64 bits = qFromBigEndian<quint64>(p);
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return d;
    }
    case 8:
        return qint64(0);
    case 9:
        return qint64(1);
    default:
        break;
    }
    if (type >= 1 && type <= 6) {
        const qint64 size = serialSize(type);
        qint64 v = (p[0] & 0x80) ? -1 : 0; // sign-extend the big-endian two's complement
        for (qint64 i = 0; i < size; ++i)
            v = (v << 8) | p[i];
        return v;
    }
    const int size = int(serialSize(type));
    if (type % 2)
        return QString::fromUtf8(reinterpret_cast<const char *>(p), size);
    return QByteArray(reinterpret_cast<const char *>(p), size);
}

} // namespace

PageReader::Values decodeRecord(const QByteArray &payload)
{
    PageReader::Values values;
    const auto *start = reinterpret_cast<const uchar *>(payload.constData());
    const uchar *end = start + payload.size();
    const uchar *p = start;
    qint64 headerSize = 0;
    if (!readVarint(p, end, headerSize) || headerSize < 1 || headerSize > payload.size())
        return values;
    const uchar *headerEnd = start + headerSize;
    const uchar *body = headerEnd;
    while (p < headerEnd) {
        qint64 type = 0;
        if (!readVarint(p, headerEnd, type) || type == 10 || type == 11)
            break;
        const qint64 size = serialSize(type);
        if (size < 0 || body + size > end)
            break; // a cut record: keep the values before the cut
        values.push_back(serialValue(type, body));
        body += size;
    }
    return values;
}

PageReader::PageReader(QByteArray bytes)
    : m_bytes(std::move(bytes))
{}

Result<PageReader> PageReader::fromImage(QByteArray bytes)
{
    if (bytes.size() < 512 || !bytes.startsWith(QByteArrayLiteral("SQLite format 3\0")))
        return Error{QStringLiteral("the file does not start with a SQLite header")};
    PageReader reader(std::move(bytes));
    const auto *header = reinterpret_cast<const uchar *>(reader.m_bytes.constData());
    const quint32 size = be16(header + 16);
    reader.m_pageSize = size == 1 ? 65536 : size;
    if (reader.m_pageSize < 512 || (reader.m_pageSize & (reader.m_pageSize - 1)))
        return Error{QStringLiteral("the file's page size (%1) is not valid").arg(reader.m_pageSize)};
    reader.m_usable = reader.m_pageSize - header[20];
    reader.m_pageCount = quint32(reader.m_bytes.size() / reader.m_pageSize);
    reader.markFreeList();
    return reader;
}

const uchar *PageReader::page(quint32 number) const
{
    if (number < 1 || number > m_pageCount)
        return nullptr;
    return reinterpret_cast<const uchar *>(m_bytes.constData()) + qint64(number - 1) * m_pageSize;
}

void PageReader::markFreeList()
{
    quint32 trunk = be32(page(1) + 32);
    while (trunk && !m_free.count(trunk) && page(trunk)) {
        m_free.insert(trunk);
        const uchar *p = page(trunk);
        const quint32 leaves = qMin<quint32>(be32(p + 4), (m_usable - 8) / 4);
        for (quint32 i = 0; i < leaves; ++i)
            m_free.insert(be32(p + 8 + 4 * i));
        trunk = be32(p);
    }
}

QByteArray PageReader::payload(const uchar *start, qint64 size, int kind)
{
    const qint64 usable = m_usable;
    const qint64 maxLocal = kind == TableLeaf ? usable - 35 : (usable - 12) * 64 / 255 - 23;
    const qint64 minLocal = (usable - 12) * 32 / 255 - 23;
    qint64 local = size;
    if (size > maxLocal) {
        const qint64 k = minLocal + (size - minLocal) % (usable - 4);
        local = k <= maxLocal ? k : minLocal;
    }
    const uchar *pageEnd =
        start - (start - reinterpret_cast<const uchar *>(m_bytes.constData())) % m_pageSize + m_pageSize;
    if (start + local > pageEnd || size > 1024ll * 1024 * 1024)
        return {};
    QByteArray bytes(reinterpret_cast<const char *>(start), int(local));
    if (local == size)
        return bytes;
    // The rest is in a chain of overflow pages; a broken chain leaves the record cut.
    quint32 next = be32(start + local);
    std::set<quint32> seen;
    while (bytes.size() < size && next && page(next) && seen.insert(next).second) {
        const uchar *p = page(next);
        const qint64 take = qMin<qint64>(size - bytes.size(), usable - 4);
        bytes.append(reinterpret_cast<const char *>(p + 4), int(take));
        next = be32(p);
    }
    return bytes;
}

bool PageReader::readCell(quint32 number, const uchar *cell, int kind, Row &row)
{
    const uchar *end = page(number) + m_pageSize;
    const uchar *p = cell;
    if (kind == IndexInterior)
        p += 4;
    qint64 size = 0;
    if (!readVarint(p, end, size) || size < 0)
        return false;
    if (kind == TableLeaf && !readVarint(p, end, row.rowid))
        return false;
    const QByteArray bytes = payload(p, size, kind);
    if (bytes.isEmpty() && size > 0)
        return false;
    row.values = decodeRecord(bytes);
    return !row.values.empty();
}

void PageReader::cellsOf(quint32 number, std::vector<Row> *rows, std::vector<quint32> &children,
                         int &badPages)
{
    const uchar *p = page(number);
    const uchar *header = p + headerOffset(number);
    const int kind = header[0];
    const bool interior = kind == IndexInterior || kind == TableInterior;
    const int cells = be16(header + 3);
    const uchar *pointers = header + (interior ? 12 : 8);
    if (pointers + 2 * cells > p + m_pageSize) {
        ++badPages;
        return;
    }
    for (int i = 0; i < cells; ++i) {
        const quint16 offset = be16(pointers + 2 * i);
        if (offset < 8 || offset >= m_pageSize) {
            ++badPages;
            continue;
        }
        const uchar *cell = p + offset;
        if (interior)
            children.push_back(be32(cell));
        if (kind == TableInterior || !rows)
            continue;
        Row row;
        if (readCell(number, cell, kind, row))
            rows->push_back(std::move(row));
    }
    if (interior)
        children.push_back(be32(header + 8));
}

PageReader::Walk PageReader::walk(quint32 rootPage, bool rowidTable, bool keepRows)
{
    Walk result;
    std::vector<quint32> stack{rootPage};
    std::set<quint32> seen;
    while (!stack.empty()) {
        const quint32 number = stack.back();
        stack.pop_back();
        if (!page(number) || !seen.insert(number).second || m_free.count(number)) {
            ++result.badPages;
            continue;
        }
        const int kind = page(number)[headerOffset(number)];
        const bool fits = rowidTable ? (kind == TableLeaf || kind == TableInterior)
                                     : (kind == IndexLeaf || kind == IndexInterior);
        if (!fits) {
            ++result.badPages; // a page of another tree, or none: what the damage looks like
            continue;
        }
        m_reached.insert(number);
        std::vector<quint32> children;
        cellsOf(number, keepRows ? &result.rows : nullptr, children, result.badPages);
        stack.insert(stack.end(), children.rbegin(), children.rend());
    }
    return result;
}

std::vector<PageReader::SchemaEntry> PageReader::schema()
{
    std::vector<SchemaEntry> entries;
    for (const Row &row : walk(1, true).rows) {
        if (row.values.size() < 5)
            continue;
        SchemaEntry entry{row.values[0].toString(), row.values[1].toString(), row.values[2].toString(),
                          row.values[4].toString(), quint32(row.values[3].toLongLong())};
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::vector<quint32> PageReader::unreachedLeafPages() const
{
    std::vector<quint32> pages;
    for (quint32 number = 2; number <= m_pageCount; ++number)
        if (!m_reached.count(number) && !m_free.count(number) && page(number)[0] == TableLeaf)
            pages.push_back(number);
    return pages;
}

std::vector<PageReader::Row> PageReader::leafRows(quint32 number)
{
    std::vector<Row> rows;
    std::vector<quint32> children;
    int bad = 0;
    if (page(number) && page(number)[headerOffset(number)] == TableLeaf)
        cellsOf(number, &rows, children, bad);
    return rows;
}

} // namespace flywheel
