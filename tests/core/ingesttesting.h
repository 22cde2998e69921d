#pragma once

// Small helpers shared by the ingest tests: write input files, count rows.

#include "ingest/ingester.h"
#include "store/statement.h"
#include "store/store.h"

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

namespace flywheel::testing {

inline bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

inline bool writeGzip(const QString &path, const QByteArray &content)
{
    gzFile file = gzopen(QFile::encodeName(path).constData(), "wb");
    if (!file)
        return false;
    const bool ok = gzwrite(file, content.constData(), unsigned(content.size())) == content.size();
    return gzclose(file) == Z_OK && ok;
}

/// @p data as one gzip member, in memory (a `Content-Encoding: gzip` body).
inline QByteArray gzipped(const QByteArray &data)
{
    QByteArray out(int(compressBound(uLong(data.size()))) + 64, '\0');
    z_stream stream{};
    deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return out;
}

inline qint64 count(Store &store, const char *sql)
{
    auto value = store.db().queryInt(sql);
    return value ? *value : -1;
}

/// Writes @p lines to a new file in @p dir and ingests it; the test fails on an error or a
/// rejected line.
inline void ingestLines(Store &store, const QTemporaryDir &dir, const QByteArray &lines)
{
    const QString path =
        dir.filePath(QStringLiteral("input-%1.jsonl").arg(count(store, "SELECT count(*) FROM ingest_runs")));
    QVERIFY(writeFile(path, lines));
    auto report = Ingester(store).ingest({path});
    QVERIFY2(report, qPrintable(report.errorMessage()));
    QCOMPARE(report->counts.rejected, qint64(0));
}

inline QString queryText(Store &store, const char *sql)
{
    auto statement = store.db().prepare(sql);
    if (!statement)
        return QStringLiteral("<prepare failed: %1>").arg(statement.errorMessage());
    auto row = statement->step();
    if (!row || !*row)
        return QStringLiteral("<no row>");
    return statement->isNull(0) ? QStringLiteral("<null>") : statement->columnText(0);
}

/// A valid interaction line with the given id.
inline QByteArray interactionLine(const QByteArray &id, const QByteArray &extra = {})
{
    return R"({"id":")" + id +
           R"(","timestamp":"2026-11-01T12:00:00Z","input":"How do I reset my password?",)" +
           R"("output":"Open Settings, then Security.","model":"helper","model_version":"v1")" + extra +
           "}\n";
}

} // namespace flywheel::testing
