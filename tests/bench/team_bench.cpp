// The team store's figures, on a throwaway PostgreSQL server this benchmark starts itself
// (tests/common/pgserver.h), beside SQLite on the same machine and in the same run:
//   - ingest of N capture lines into PostgreSQL against a bare COPY of the same rows into an
//     unindexed table (psql's \copy), and against ingest into a SQLite file;
//   - a full curation of a demo store of M interactions on PostgreSQL against SQLite.
//
//   team_bench [--lines N] [--interactions M]      (defaults: 200000 and 200000)
#include "pgserver.h"
#include "runflywheel.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <cstdio>

using namespace flywheel::testing;

namespace {

qint64 option(const QStringList &arguments, const QString &name, qint64 fallback)
{
    const qsizetype at = arguments.indexOf(name);
    return at >= 0 && at + 1 < arguments.size() ? arguments[at + 1].toLongLong() : fallback;
}

// Native capture lines of about a kilobyte, as a support assistant's traffic.
bool writeCapture(const QString &path, qint64 lines)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    const QByteArray filler(700, 'x');
    for (qint64 i = 0; i < lines; ++i) {
        file.write(
            QStringLiteral(R"({"id":"bench-%1","timestamp":%2,"session_id":"s%3","user_id":"u%4",)"
                           R"("input":"How do I change the billing address on order %1? )")
                .arg(i)
                .arg(1790000000000LL + i * 1000)
                .arg(i / 4)
                .arg(i % 997)
                .toUtf8() +
            filler +
            QStringLiteral(R"(","output":"Open Settings, then Billing, and edit the address of order %1.",)"
                           R"("model":"support","model_version":"v%2","latency_ms":%3,"outcome":"accepted",)"
                           R"("metadata":{"tier":"pro","n":%1}})"
                           "\n")
                .arg(i)
                .arg(1 + i % 3)
                .arg(200 + i % 1000)
                .toUtf8());
    }
    return true;
}

// Seconds a flywheel command took; -1 when it failed.
double timed(const QStringList &arguments)
{
    QElapsedTimer clock;
    clock.start();
    const FlywheelRun run = runFlywheel(arguments, -1);
    if (run.exitCode != 0) {
        std::fprintf(stderr, "flywheel %s: %s\n", qPrintable(arguments.join(QLatin1Char(' '))),
                     run.err.constData());
        return -1;
    }
    return double(clock.nsecsElapsed()) / 1e9;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    const qint64 lines = option(arguments, QStringLiteral("--lines"), 200000);
    const qint64 interactions = option(arguments, QStringLiteral("--interactions"), 200000);
    QTemporaryDir dir;
    PgTestServer server;
    if (const QString failure = server.start(); !failure.isEmpty()) {
        std::fprintf(stderr, "team_bench: %s\n", qPrintable(failure));
        return 2;
    }
    for (const char *database : {"ingest", "curation"}) {
        if (!server.createDatabase(QString::fromLatin1(database)))
            return 2;
    }

    const QString capture = dir.filePath(QStringLiteral("capture.jsonl"));
    if (!writeCapture(capture, lines))
        return 2;
    std::printf("ingest of %lld lines (%.0f MB)\n", lines, double(QFile(capture).size()) / 1e6);
    const QString file = dir.filePath(QStringLiteral("ingest.flywheel"));
    const QString onServer = server.uri(QStringLiteral("ingest"));
    const double sqliteSeconds = timed(
        {QStringLiteral("--store"), file, QStringLiteral("ingest"), capture, QStringLiteral("--quiet")});
    const double postgresSeconds = timed(
        {QStringLiteral("--store"), onServer, QStringLiteral("ingest"), capture, QStringLiteral("--quiet")});
    // The same rows, COPYed bare: out of the store, into a table of the same columns and no index.
    // In the server's folder: psql runs as the server's user, who may not read ours.
    const QString rows = server.socketDir() + QStringLiteral("/rows.copy");
    if (!server.psql(QStringLiteral("ingest"),
                     QStringLiteral("\\copy flywheel.interactions TO '%1'").arg(rows)) ||
        !server.psql(QStringLiteral("ingest"),
                     QStringLiteral("CREATE TABLE bare (LIKE flywheel.interactions INCLUDING DEFAULTS)")))
        return 2;
    QElapsedTimer clock;
    clock.start();
    if (!server.psql(QStringLiteral("ingest"), QStringLiteral("\\copy bare FROM '%1'").arg(rows)))
        return 2;
    const double copySeconds = double(clock.nsecsElapsed()) / 1e9;
    std::printf("  SQLite ingest      %8.2f s  %9.0f lines/s\n", sqliteSeconds,
                double(lines) / sqliteSeconds);
    std::printf("  PostgreSQL ingest  %8.2f s  %9.0f lines/s\n", postgresSeconds,
                double(lines) / postgresSeconds);
    std::printf("  bare COPY          %8.2f s  %9.0f rows/s\n", copySeconds, double(lines) / copySeconds);
    std::printf("  PostgreSQL ingest / bare COPY (speed): %.3f   PostgreSQL / SQLite ingest (speed): %.3f\n",
                copySeconds / postgresSeconds, sqliteSeconds / postgresSeconds);

    std::printf("full curation of a demo store of %lld interactions\n", interactions);
    const QString demo = dir.filePath(QStringLiteral("demo.flywheel"));
    const QString curated = server.uri(QStringLiteral("curation"));
    if (timed({QStringLiteral("--store"), demo, QStringLiteral("demo"), QStringLiteral("--quiet"),
               QStringLiteral("--interactions"), QString::number(interactions)}) < 0 ||
        timed({QStringLiteral("store"), QStringLiteral("copy"), QStringLiteral("--from"), demo,
               QStringLiteral("--to"), curated}) < 0)
        return 2;
    const double sqliteCuration = timed({QStringLiteral("--store"), demo, QStringLiteral("curate"),
                                         QStringLiteral("--full"), QStringLiteral("--quiet")});
    const double postgresCuration = timed({QStringLiteral("--store"), curated, QStringLiteral("curate"),
                                           QStringLiteral("--full"), QStringLiteral("--quiet")});
    std::printf("  SQLite      %8.2f s\n  PostgreSQL  %8.2f s\n  PostgreSQL / SQLite (time): %.2f\n",
                sqliteCuration, postgresCuration, postgresCuration / sqliteCuration);
    return sqliteSeconds < 0 || postgresSeconds < 0 || sqliteCuration < 0 || postgresCuration < 0 ? 1 : 0;
}
