// Kill tests: a writer works in a child process and is killed with SIGKILL at a random moment, many
// times over. After each kill the store must open, pass PRAGMA integrity_check and
// foreign_key_check, and hold every item acknowledged before the kill exactly once; re-running the
// job must finish it without duplicates.
//
//   kill_harness --writer ingest|collector|curate|export|review [--kills N] [--seed S] [--dir DIR]
//
// Writers:
//   ingest     flywheel's Ingester in a child (this program, --child-ingest) over a file of
//              numbered lines; after each committed batch the child appends the committed line
//              count to a side file and flushes it (the acknowledgement).
//   collector  `flywheel serve` under load from two clients; a 200 answer is the acknowledgement.
//   curate     `flywheel curate --full` over a demo store; a completed run must leave complete results
//              and a killed one the previous results.
//   export     `flywheel export` of every interaction; a recorded dataset must be in place and valid,
//              and no unrecorded folder may appear.
//   review     a stream of review decisions through recordDecision (what the studio's decision
//              writer calls) in a child (--child-review), down the to-do queue; after each decision
//              returns, the child appends its id to a side file (the studio shows it as saved at
//              that point). Re-running continues where the queue stands, deciding nothing twice.
// Prints kills, acknowledged items and items lost (which must be 0); exits 1 on any failure.

#include "../common/httpclient.h"

#include "ingest/ingester.h"
#include "review/decisions.h"
#include "review/reviewqueue.h"
#include "store/store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>

#include <array>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <unistd.h>

using namespace flywheel;

namespace {

constexpr qint64 kLines = 200000;

QByteArray lineFor(qint64 n)
{
    return R"({"id":"line-)" + QByteArray::number(n) +
           R"(","timestamp":"2026-11-01T12:00:00Z","input":"Question )" + QByteArray::number(n) +
           R"(","output":"Answer","feedback":[{"kind":"thumbs","value":"up"}]})" + "\n";
}

struct Check {
    bool ok = true;
    QString problem;
    void fail(const QString &why)
    {
        if (ok)
            problem = why;
        ok = false;
    }
};

// The store opens and is sound.
std::optional<Store> openSound(const QString &path, Check &check)
{
    auto store = Store::open(path);
    if (!store) {
        check.fail(QStringLiteral("the store does not open: %1").arg(store.errorMessage()));
        return std::nullopt;
    }
    auto statement = store->db().prepare("PRAGMA integrity_check");
    if (!statement || !statement->step() || statement->columnText(0) != QStringLiteral("ok"))
        check.fail(
            QStringLiteral("integrity_check: %1").arg(statement ? statement->columnText(0) : QString()));
    auto keys = store->db().prepare("PRAGMA foreign_key_check");
    if (keys) {
        auto row = keys->step();
        if (row && *row)
            check.fail(
                QStringLiteral("foreign_key_check finds a dangling row in %1").arg(keys->columnText(0)));
    }
    return std::move(*store);
}

// A line on stderr every 100 kills, so a long run shows it is alive.
void reportProgress(const char *writer, int kill)
{
    if (kill > 0 && kill % 100 == 0) {
        std::fprintf(stderr, "%s: %d kills\n", writer, kill);
        std::fflush(stderr);
    }
}

// SIGKILL for a child that is still running. A child that already finished has no process id
// (0), and kill(0) would kill this harness's whole process group: long runs died silently of it.
void killChild(const QProcess &child)
{
    const pid_t pid = pid_t(child.processId());
    if (pid > 0 && child.state() == QProcess::Running)
        ::kill(pid, SIGKILL);
}

// Runs @p program and kills it with SIGKILL after @p killAfterMs; with -1, lets it finish and says
// whether it succeeded.
bool runKilled(const QString &program, const QStringList &arguments, int killAfterMs)
{
    QProcess child;
    child.start(program, arguments);
    child.waitForStarted();
    if (killAfterMs < 0)
        return child.waitForFinished(-1) && child.exitCode() == 0;
    QThread::msleep(ulong(killAfterMs));
    killChild(child);
    child.waitForFinished(-1);
    return true;
}

qint64 queryInt(Store &store, const QByteArray &sql)
{
    auto value = store.db().queryInt(sql.constData());
    return value ? *value : -1;
}

// ---- ingest ---------------------------------------------------------------------------------------

int childIngest(const QString &storePath, const QString &input, const QString &sideFile)
{
    auto store = Store::open(storePath);
    if (!store)
        return 2;
    IngestOptions options;
    options.batchLines = 2000;
    Ingester ingester(*store, options);
    QFile side(sideFile);
    if (!side.open(QIODevice::Append))
        return 2;
    ingester.setProgressCallback([&](const IngestProgress &progress) {
        // Called after a commit: everything counted is in the store.
        side.write(QByteArray::number(progress.counts.read) + '\n');
        side.flush();
        ::fsync(side.handle());
    });
    return ingester.ingest({input}) ? 0 : 2;
}

qint64 lastAcknowledged(const QString &sideFile)
{
    QFile side(sideFile);
    qint64 last = 0;
    if (side.open(QIODevice::ReadOnly))
        for (const QByteArray &line : side.readAll().split('\n'))
            if (!line.isEmpty())
                last = std::max(last, line.toLongLong());
    return last;
}

bool ingestWriter(const QString &dir, int kills, std::mt19937_64 &random)
{
    const QString input = QDir(dir).filePath(QStringLiteral("lines.jsonl"));
    const QString store = QDir(dir).filePath(QStringLiteral("ingest.flywheel"));
    const QString side = QDir(dir).filePath(QStringLiteral("ingest.acks"));
    QFile file(input);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    for (qint64 n = 1; n <= kLines; ++n)
        file.write(lineFor(n));
    file.close();

    const auto runChild = [&](int killAfterMs) {
        return runKilled(QCoreApplication::applicationFilePath(),
                         {QStringLiteral("--child-ingest"), store, input, side}, killAfterMs);
    };
    qint64 acknowledged = 0, lost = 0;
    Check check;
    std::uniform_int_distribution<int> delay(20, 700);
    for (int k = 0; k < kills && check.ok; ++k) {
        reportProgress("ingest", k);
        runChild(delay(random));
        acknowledged = lastAcknowledged(side);
        auto opened = openSound(store, check);
        if (!opened)
            break;
        // Lines are stored in order: the first `acknowledged` lines must all be there, once.
        const qint64 present =
            queryInt(*opened, "SELECT count(*) FROM interactions WHERE CAST(substr(external_id, 6) "
                              "AS INTEGER) <= " +
                                  QByteArray::number(acknowledged));
        lost += std::max<qint64>(0, acknowledged - present);
        if (present != acknowledged)
            check.fail(
                QStringLiteral("%1 acknowledged lines, %2 in the store").arg(acknowledged).arg(present));
    }
    if (check.ok && !runChild(-1))
        check.fail(QStringLiteral("re-running the ingest failed"));
    if (auto opened = check.ok ? openSound(store, check) : std::nullopt) {
        const qint64 total = queryInt(*opened, "SELECT count(*) FROM interactions");
        const qint64 events = queryInt(*opened, "SELECT count(*) FROM feedback_events");
        if (total != kLines || events != kLines)
            check.fail(QStringLiteral("after the re-run: %1 interactions and %2 events for %3 lines")
                           .arg(total)
                           .arg(events)
                           .arg(kLines));
    }
    std::printf("ingest:    %d kills, %lld of %lld lines acknowledged at the last kill, %lld lost: %s\n",
                kills, static_cast<long long>(acknowledged), static_cast<long long>(kLines),
                static_cast<long long>(lost), check.ok ? "OK" : qPrintable(check.problem));
    return check.ok;
}

// ---- collector ------------------------------------------------------------------------------------

bool collectorWriter(const QString &dir, int kills, std::mt19937_64 &random)
{
    const QString store = QDir(dir).filePath(QStringLiteral("collector.flywheel"));
    std::set<qint64> acknowledged;
    std::mutex mutex;
    qint64 next = 1, attempted = 0;
    Check check;
    std::uniform_int_distribution<int> delay(100, 1200);

    const auto startServer = [&](QProcess &server) -> quint16 {
        server.start(QStringLiteral(FLYWHEEL_CLI),
                     {QStringLiteral("--store"), store, QStringLiteral("--json"), QStringLiteral("serve"),
                      QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                      QStringLiteral("--grpc-listen"), QStringLiteral("127.0.0.1:0"),
                      QStringLiteral("--quiet")});
        if (!server.waitForStarted() || !server.waitForReadyRead(20000))
            return 0;
        return quint16(QUrl(QJsonDocument::fromJson(server.readLine())
                                .object()
                                .value(QStringLiteral("listening"))
                                .toString())
                           .port());
    };
    const auto body = [](qint64 first, int count) {
        QByteArray out;
        for (qint64 n = first; n < first + count; ++n)
            out += lineFor(n);
        return out;
    };

    for (int k = 0; k < kills && check.ok; ++k) {
        reportProgress("collector", k);
        QProcess server;
        const quint16 port = startServer(server);
        if (port == 0) {
            check.fail(QStringLiteral("flywheel serve did not start"));
            break;
        }
        std::atomic_bool stop{false};
        std::vector<std::thread> clients;
        for (int c = 0; c < 2; ++c) {
            clients.emplace_back([&] {
                testing::HttpClient client(QStringLiteral("127.0.0.1"), port);
                while (!stop) {
                    qint64 first;
                    {
                        std::lock_guard lock(mutex);
                        first = next;
                        next += 10;
                        attempted = next - 1;
                    }
                    const testing::HttpResponse response = client.post("/v1/interactions", body(first, 10));
                    if (response.status != 200)
                        break; // the server is gone; what was not acknowledged may or may not be stored
                    std::lock_guard lock(mutex);
                    for (qint64 n = first; n < first + 10; ++n)
                        acknowledged.insert(n);
                }
            });
        }
        QThread::msleep(ulong(delay(random)));
        killChild(server);
        server.waitForFinished(-1);
        stop = true;
        for (std::thread &client : clients)
            client.join();
        auto opened = openSound(store, check);
        if (!opened)
            break;
        // One pass over the stored ids (external_id has no index of its own).
        std::set<qint64> stored;
        qint64 rows = 0;
        auto ids = opened->db().prepare("SELECT external_id FROM interactions");
        for (auto row = ids->step(); row && *row; row = ids->step()) {
            stored.insert(ids->columnText(0).mid(5).toLongLong());
            ++rows;
        }
        if (rows != qint64(stored.size()))
            check.fail(QStringLiteral("an interaction is stored twice"));
        qint64 missing = 0;
        for (const qint64 n : acknowledged)
            missing += stored.count(n) == 0;
        if (missing > 0)
            check.fail(QStringLiteral("%1 acknowledged records are not in the store").arg(missing));
    }
    // A new collector, and every record ever sent sent again: each is stored exactly once.
    if (check.ok) {
        QProcess server;
        const quint16 port = startServer(server);
        testing::HttpClient client(QStringLiteral("127.0.0.1"), port);
        for (qint64 first = 1; first <= attempted && check.ok; first += 500)
            if (client
                    .post("/v1/interactions", body(first, int(std::min<qint64>(500, attempted - first + 1))))
                    .status != 200)
                check.fail(QStringLiteral("re-sending failed"));
        server.terminate();
        server.waitForFinished(-1);
        if (auto opened = openSound(store, check)) {
            const qint64 total = queryInt(*opened, "SELECT count(*) FROM interactions");
            if (total != attempted)
                check.fail(QStringLiteral("after re-sending: %1 interactions for %2 sent")
                               .arg(total)
                               .arg(attempted));
        }
    }
    std::printf("collector: %d kills, %zu records acknowledged, %s\n", kills, acknowledged.size(),
                check.ok ? "0 lost: OK" : qPrintable(check.problem));
    return check.ok;
}

// ---- curate ---------------------------------------------------------------------------------------

bool curateWriter(const QString &dir, int kills, std::mt19937_64 &random)
{
    const QString store = QDir(dir).filePath(QStringLiteral("curate.flywheel"));
    const auto flywheel = [&](const QStringList &arguments, int killAfterMs) {
        return runKilled(QStringLiteral(FLYWHEEL_CLI),
                         QStringList{QStringLiteral("--store"), store} + arguments, killAfterMs);
    };
    Check check;
    if (!flywheel({QStringLiteral("demo"), QStringLiteral("--interactions"), QStringLiteral("30000"),
                   QStringLiteral("--quiet")},
                  -1) ||
        !flywheel({QStringLiteral("curate"), QStringLiteral("--quiet")}, -1))
        check.fail(QStringLiteral("preparing the store failed"));
    std::uniform_int_distribution<int> delay(20, 1500);
    for (int k = 0; k < kills && check.ok; ++k) {
        reportProgress("curate", k);
        // Full, so every kill lands in a run that rewrites every result.
        flywheel({QStringLiteral("curate"), QStringLiteral("--full"), QStringLiteral("--quiet")},
                 delay(random));
        auto opened = openSound(store, check);
        if (!opened)
            break;
        // Whatever the moment of the kill: one complete set of results, all from a completed run.
        const qint64 rows = queryInt(*opened, "SELECT count(*) FROM curation");
        const qint64 runs = queryInt(*opened, "SELECT count(DISTINCT run_id) FROM curation");
        const qint64 completed =
            queryInt(*opened, "SELECT count(*) FROM curation c JOIN curation_runs r ON r.id = "
                              "c.run_id WHERE r.status = 'completed'");
        if (rows != 30000 || runs != 1 || completed != rows)
            check.fail(QStringLiteral("after a kill: %1 result rows from %2 runs, %3 from completed runs")
                           .arg(rows)
                           .arg(runs)
                           .arg(completed));
    }
    if (check.ok && !flywheel({QStringLiteral("curate"), QStringLiteral("--quiet")}, -1))
        check.fail(QStringLiteral("re-running curate failed"));
    std::printf("curate:    %d kills, results always complete: %s\n", kills,
                check.ok ? "OK" : qPrintable(check.problem));
    return check.ok;
}

// ---- export ---------------------------------------------------------------------------------------

// A recorded dataset is the acknowledgement: after any kill, and once the next command has finished
// an interrupted publication, every recorded dataset is in place and validates, and no folder is
// visible that is not recorded.
bool exportWriter(const QString &dir, int kills, std::mt19937_64 &random)
{
    const QString store = QDir(dir).filePath(QStringLiteral("export.flywheel"));
    const QString exports = QDir(dir).filePath(QStringLiteral("exports"));
    const auto flywheel = [&](const QStringList &arguments, int killAfterMs) {
        return runKilled(QStringLiteral(FLYWHEEL_CLI),
                         QStringList{QStringLiteral("--store"), store} + arguments, killAfterMs);
    };
    Check check;
    if (!QDir().mkpath(exports) ||
        !flywheel({QStringLiteral("demo"), QStringLiteral("--interactions"), QStringLiteral("30000"),
                   QStringLiteral("--quiet")},
                  -1) ||
        !flywheel({QStringLiteral("curate"), QStringLiteral("--quiet")}, -1))
        check.fail(QStringLiteral("preparing the store failed"));
    std::uniform_int_distribution<int> delay(20, 1500);
    qint64 recorded = 0;
    QSet<QString> validated;
    for (int k = 0; k <= kills && check.ok; ++k) {
        reportProgress("export", k);
        const bool last = k == kills; // the last one runs to the end
        const QString out = QDir(exports).filePath(QStringLiteral("sft-%1").arg(k));
        const bool finished =
            flywheel({QStringLiteral("export"), QStringLiteral("--kind"), QStringLiteral("sft"),
                      QStringLiteral("--all-duplicates"), QStringLiteral("--out"), out},
                     last ? -1 : delay(random));
        if (last && !finished)
            check.fail(QStringLiteral("re-running export failed"));
        if (!flywheel({QStringLiteral("datasets")}, -1)) // completes an interrupted publication
            check.fail(QStringLiteral("flywheel datasets failed after a kill"));
        auto opened = openSound(store, check);
        if (!opened)
            break;
        QSet<QString> paths;
        auto datasets = opened->db().prepare("SELECT path, staging IS NULL FROM datasets");
        if (!datasets)
            break;
        (void)datasets->forEachRow([&] {
            const QString path = datasets->columnText(0);
            paths.insert(path);
            // Every recorded dataset must still be in place; each is validated once, when it first
            // appears (a recorded dataset is never written again), so a long run stays linear.
            if (datasets->columnInt(1) == 0 || !QFile::exists(path + QStringLiteral("/manifest.json")) ||
                (!validated.contains(path) &&
                 !runKilled(QStringLiteral(FLYWHEEL_CLI), {QStringLiteral("validate"), path}, -1)))
                check.fail(QStringLiteral("recorded dataset %1 is not whole").arg(path));
            validated.insert(path);
        });
        for (const QString &name : QDir(exports).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            if (!paths.contains(QDir(exports).filePath(name)))
                check.fail(QStringLiteral("folder %1 appeared without a record").arg(name));
        recorded = paths.size();
    }
    std::printf("export:    %d kills, %lld datasets recorded, all whole, none unrecorded: %s\n", kills,
                static_cast<long long>(recorded), check.ok ? "OK" : qPrintable(check.problem));
    return check.ok;
}

// ---- review decisions -----------------------------------------------------------------------------

int childReview(const QString &storePath, const QString &sideFile)
{
    auto store = Store::open(storePath);
    if (!store)
        return 2;
    QFile side(sideFile);
    if (!side.open(QIODevice::Append))
        return 2;
    constexpr std::array kinds{DecisionKind::Accept, DecisionKind::Reject, DecisionKind::Correct,
                               DecisionKind::Skip};
    int made = 0;
    while (true) {
        // The to-do queue from its top: what is decided has left it, so a re-run continues.
        auto page = ReviewQueue(*store, {}).pageAfter(nullptr, 20);
        if (!page)
            return 2;
        if (page->isEmpty())
            return 0;
        for (const QueueRow &row : *page) {
            Decision d;
            d.interactionId = row.key.interactionId;
            d.kind = kinds[size_t(made++) % kinds.size()];
            d.correctedOutput = QStringLiteral("Gold answer %1").arg(made);
            d.reviewer = QStringLiteral("kill-harness");
            d.flagReason = row.key.reason;
            auto id = recordDecision(*store, d);
            if (!id)
                return 2;
            side.write(QByteArray::number(*id) + ' ' + QByteArray::number(d.interactionId) + '\n');
            side.flush();
            ::fsync(side.handle());
        }
    }
}

bool reviewWriter(const QString &dir, int kills, std::mt19937_64 &random)
{
    const QString store = QDir(dir).filePath(QStringLiteral("review.flywheel"));
    const QString side = QDir(dir).filePath(QStringLiteral("review.acks"));
    Check check;
    for (const QStringList &arguments : {QStringList{QStringLiteral("demo"), QStringLiteral("--interactions"),
                                                     QStringLiteral("20000"), QStringLiteral("--quiet")},
                                         QStringList{QStringLiteral("curate"), QStringLiteral("--quiet")}})
        if (!runKilled(QStringLiteral(FLYWHEEL_CLI),
                       QStringList{QStringLiteral("--store"), store} + arguments, -1))
            check.fail(QStringLiteral("preparing the store failed"));
    const QString self = QCoreApplication::applicationFilePath();
    const QStringList child{QStringLiteral("--child-review"), store, side};
    std::uniform_int_distribution<int> delay(20, 400);
    qint64 acknowledged = 0;
    const auto verify = [&] {
        auto opened = openSound(store, check);
        if (!opened)
            return;
        QFile acks(side);
        if (!acks.open(QIODevice::ReadOnly))
            return;
        auto lookup =
            opened->db().prepare("SELECT count(*) FROM reviews WHERE id = ?1 AND interaction_id = ?2");
        acknowledged = 0;
        for (const QByteArray &line : acks.readAll().split('\n')) {
            const QList<QByteArray> fields = line.split(' ');
            if (fields.size() != 2 || !lookup)
                continue;
            ++acknowledged;
            lookup->reset();
            lookup->bind(1, fields[0].toLongLong());
            lookup->bind(2, fields[1].toLongLong());
            if (!lookup->step() || lookup->columnInt(0) != 1)
                check.fail(QStringLiteral("acknowledged decision %1 is missing")
                               .arg(QString::fromLatin1(fields[0])));
        }
        if (queryInt(*opened, "SELECT count(*) - count(DISTINCT interaction_id) FROM reviews") != 0)
            check.fail(QStringLiteral("an interaction was decided twice"));
    };
    qint64 earlierRounds = 0;
    for (int k = 0; k < kills && check.ok; ++k) {
        reportProgress("review", k);
        runKilled(self, child, delay(random));
        verify();
        // A queue decided to the end starts over, so every kill lands among decisions.
        auto opened = Store::open(store);
        if (check.ok && opened && *ReviewQueue(*opened, {}).count() == 0) {
            earlierRounds += acknowledged;
            if (!opened->db().exec("DELETE FROM reviews") || !QFile::remove(side))
                check.fail(QStringLiteral("cannot start a new round"));
        }
    }
    if (check.ok && !runKilled(self, child, -1))
        check.fail(QStringLiteral("re-running the decisions failed"));
    verify();
    if (check.ok) {
        auto opened = Store::open(store);
        if (opened && queryInt(*opened, "SELECT count(*) FROM reviews") !=
                          queryInt(*opened, "SELECT count(DISTINCT interaction_id) FROM flags"))
            check.fail(QStringLiteral("the re-run left flagged interactions undecided"));
    }
    std::printf("review:    %d kills, %lld decisions acknowledged, %s\n", kills,
                static_cast<long long>(earlierRounds + acknowledged),
                check.ok ? "0 lost, none twice: OK" : qPrintable(check.problem));
    return check.ok;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() == 5 && arguments[1] == QStringLiteral("--child-ingest"))
        return childIngest(arguments[2], arguments[3], arguments[4]);
    if (arguments.size() == 4 && arguments[1] == QStringLiteral("--child-review"))
        return childReview(arguments[2], arguments[3]);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Kill tests: nothing acknowledged is lost."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("writer"),
                      QStringLiteral("ingest, collector, curate, export, review or all (default)."),
                      QStringLiteral("name"), QStringLiteral("all")});
    parser.addOption({QStringLiteral("kills"), QStringLiteral("Kills per writer (default 5)."),
                      QStringLiteral("n"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Seed of the kill moments (default: random)."),
                      QStringLiteral("n")});
    parser.addOption({QStringLiteral("dir"), QStringLiteral("Work folder (default: a temporary one)."),
                      QStringLiteral("dir")});
    parser.process(app);
    const int kills = parser.value(QStringLiteral("kills")).toInt();
    const quint64 seed = parser.isSet(QStringLiteral("seed"))
                             ? parser.value(QStringLiteral("seed")).toULongLong()
                             : std::random_device{}();
    std::mt19937_64 random(seed);
    std::optional<QTemporaryDir> temporary;
    QString dir = parser.value(QStringLiteral("dir"));
    if (dir.isEmpty()) {
        temporary.emplace();
        dir = temporary->path();
    }
    QDir().mkpath(dir);
    std::printf("kill_harness: seed %llu\n", static_cast<unsigned long long>(seed));
    const QString writer = parser.value(QStringLiteral("writer"));
    bool ok = true;
    if (writer == QStringLiteral("all") || writer == QStringLiteral("ingest"))
        ok &= ingestWriter(dir, kills, random);
    if (writer == QStringLiteral("all") || writer == QStringLiteral("collector"))
        ok &= collectorWriter(dir, kills, random);
    if (writer == QStringLiteral("all") || writer == QStringLiteral("curate"))
        ok &= curateWriter(dir, kills, random);
    if (writer == QStringLiteral("all") || writer == QStringLiteral("export"))
        ok &= exportWriter(dir, kills, random);
    if (writer == QStringLiteral("all") || writer == QStringLiteral("review"))
        ok &= reviewWriter(dir, kills, random);
    return ok ? 0 : 1;
}
