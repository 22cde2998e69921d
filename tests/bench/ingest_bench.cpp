// Ingest benchmark: the real ingest path against bare prepared inserts of the same rows.
//
//   ingest_bench [--lines N] [--repeat R] [--batch B] [--ordered-ids] [--dir DIR]
//
// Generates N native capture lines (default 1,000,000) to a file, ingests them through Ingester
// into a fresh store (parsing, idempotency index, feedback events, model-version registry,
// quarantine, every index the store maintains), then inserts the same rows with bare prepared
// sqlite3 statements into plain tables with no index in one transaction. Prints both rates,
// their ratio and the peak memory of the ingest.

#include "ingest/ingester.h"
#include "ingest/linereader.h"
#include "ingest/nativeparser.h"
#include "store/store.h"
#include "util/jsontext.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <sqlite3.h>
#include <sys/resource.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

using namespace flywheel;

namespace {

struct Row {
    std::string id, session, user, model, version, input, output, finish, category, outcome, metadata;
    qint64 ts = 0, latency = 0, promptTokens = 0, completionTokens = 0;
    bool thumbs = false;
    int thumb = 1;
};

// Deterministic rows of realistic size (about 700 bytes a line) without a PRNG dependency.
// Random ids (UUIDv4, chatcmpl-...) scatter inserts over the idempotency index; time-ordered ids
// (ULID, UUIDv7) append to it. The default is the harder case.
bool g_orderedIds = false;

Row makeRow(qint64 i)
{
    static const char *const kCategories[] = {"billing", "shipping",  "returns",
                                              "account", "technical", "legal"};
    static const char *const kOutcomes[] = {"accepted",  "edited", "regenerated",
                                            "abandoned", "copied", "none"};
    const quint64 h = quint64(i) * 0x9E3779B97F4A7C15ull;
    Row r;
    char ordered[32];
    std::snprintf(ordered, sizeof ordered, "bench-%012lld", static_cast<long long>(i));
    r.id = g_orderedIds ? std::string(ordered)
                        : "bench-" + std::to_string(h % 1000000007) + "-" + std::to_string(i);
    r.ts = 1790000000000 + i * 7919;
    r.session = "s-" + std::to_string(i / 4);
    r.user = "u-" + std::to_string((h >> 20) % 5000);
    r.model = "support-assistant";
    r.version = "v" + std::to_string(1 + (i * 3) / 1000000 % 3);
    r.category = kCategories[(h >> 8) % 6];
    r.outcome = kOutcomes[(h >> 12) % 6];
    const std::string question = "Order " + std::to_string(h % 900000 + 100000) +
                                 " was charged twice on my card ending in " +
                                 std::to_string(h % 9000 + 1000) +
                                 ". Can you explain why and tell me how I get the duplicate charge refunded?";
    r.input =
        R"([{"role":"system","content":"You are a concise, friendly support assistant for an online shop."},)"
        R"({"role":"user","content":)" +
        jsonString(question) + "}]";
    r.output =
        "I'm sorry about the double charge on order " + std::to_string(h % 900000 + 100000) +
        ". The second charge is a pending authorisation that your bank releases within 3-5 business days. "
        "If it is still there after that, reply here and I will open a refund request right away.";
    r.finish = "stop";
    r.latency = 300 + qint64(h % 2500);
    r.promptTokens = 60 + qint64(h % 40);
    r.completionTokens = 50 + qint64(h % 30);
    r.metadata = R"({"channel":"web","locale":"en-US"})";
    r.thumbs = (h >> 30) % 100 < 8;
    r.thumb = (h >> 40) % 2 ? 1 : -1;
    return r;
}

std::string toLine(const Row &r)
{
    std::string line = "{\"id\":" + jsonString(r.id) + ",\"timestamp\":" + std::to_string(r.ts) +
                       ",\"session_id\":" + jsonString(r.session) + ",\"user_id\":" + jsonString(r.user) +
                       ",\"model\":" + jsonString(r.model) + ",\"model_version\":" + jsonString(r.version) +
                       ",\"input\":" + r.input + ",\"output\":" + jsonString(r.output) +
                       ",\"latency_ms\":" + std::to_string(r.latency) +
                       ",\"prompt_tokens\":" + std::to_string(r.promptTokens) +
                       ",\"completion_tokens\":" + std::to_string(r.completionTokens) +
                       ",\"finish_reason\":" + jsonString(r.finish) +
                       ",\"category\":" + jsonString(r.category) + ",\"outcome\":" + jsonString(r.outcome) +
                       ",\"metadata\":" + r.metadata;
    if (r.thumbs)
        line += std::string(",\"feedback\":[{\"kind\":\"thumbs\",\"value\":\"") +
                (r.thumb > 0 ? "up" : "down") + "\",\"source\":\"user\"}]";
    line += "}\n";
    return line;
}

qint64 peakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

void check(int rc, sqlite3 *db, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        std::fprintf(stderr, "bare insert: %s: %s\n", what, sqlite3_errmsg(db));
        std::exit(2);
    }
}

// The baseline: same rows, same pragmas, plain tables without any index, one transaction.
double bareInsertSeconds(const QString &path, qint64 lines)
{
    sqlite3 *db = nullptr;
    check(sqlite3_open(QFile::encodeName(path).constData(), &db), db, "open");
    check(
        sqlite3_exec(
            db,
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
            "CREATE TABLE plain_interactions (external_id TEXT, ts INTEGER, session_id TEXT, user_id TEXT,"
            " model_name TEXT, model_version TEXT, input TEXT, output TEXT, latency_ms INTEGER,"
            " prompt_tokens INTEGER, completion_tokens INTEGER, finish_reason TEXT, category TEXT,"
            " outcome TEXT, metadata TEXT);"
            "CREATE TABLE plain_feedback (interaction_external_id TEXT, kind TEXT, value REAL, origin TEXT);",
            nullptr, nullptr, nullptr),
        db, "schema");
    sqlite3_stmt *insert = nullptr;
    sqlite3_stmt *feedback = nullptr;
    check(sqlite3_prepare_v2(db, "INSERT INTO plain_interactions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1,
                             &insert, nullptr),
          db, "prepare");
    check(sqlite3_prepare_v2(db, "INSERT INTO plain_feedback VALUES (?,?,?,?)", -1, &feedback, nullptr), db,
          "prepare");

    auto text = [](sqlite3_stmt *s, int i, const std::string &v) {
        sqlite3_bind_text(s, i, v.data(), int(v.size()), SQLITE_STATIC);
    };
    QElapsedTimer timer;
    qint64 elapsedNs = 0;
    std::vector<Row> chunk;
    timer.start();
    check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
    elapsedNs += timer.nsecsElapsed();
    for (qint64 start = 0; start < lines; start += 10000) {
        // Row generation is not timed: the baseline measures SQLite alone.
        chunk.clear();
        for (qint64 i = start; i < std::min(lines, start + 10000); ++i)
            chunk.push_back(makeRow(i));
        timer.restart();
        for (const Row &r : chunk) {
            text(insert, 1, r.id);
            sqlite3_bind_int64(insert, 2, r.ts);
            text(insert, 3, r.session);
            text(insert, 4, r.user);
            text(insert, 5, r.model);
            text(insert, 6, r.version);
            text(insert, 7, r.input);
            text(insert, 8, r.output);
            sqlite3_bind_int64(insert, 9, r.latency);
            sqlite3_bind_int64(insert, 10, r.promptTokens);
            sqlite3_bind_int64(insert, 11, r.completionTokens);
            text(insert, 12, r.finish);
            text(insert, 13, r.category);
            text(insert, 14, r.outcome);
            text(insert, 15, r.metadata);
            check(sqlite3_step(insert), db, "insert");
            sqlite3_reset(insert);
            if (r.thumbs) {
                text(feedback, 1, r.id);
                sqlite3_bind_text(feedback, 2, "thumbs", -1, SQLITE_STATIC);
                sqlite3_bind_double(feedback, 3, r.thumb);
                sqlite3_bind_text(feedback, 4, "user", -1, SQLITE_STATIC);
                check(sqlite3_step(feedback), db, "insert feedback");
                sqlite3_reset(feedback);
            }
        }
        elapsedNs += timer.nsecsElapsed();
    }
    // Timed through close: closing checkpoints the WAL into the database file, as the store does
    // during ingest, so both sides are measured until the rows are in the database file.
    timer.restart();
    check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
    sqlite3_finalize(insert);
    sqlite3_finalize(feedback);
    check(sqlite3_close(db), db, "close");
    elapsedNs += timer.nsecsElapsed();
    return double(elapsedNs) / 1e9;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Ingest throughput and memory against bare SQLite inserts."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("lines"), QStringLiteral("Lines to generate (default 1000000)."),
                      QStringLiteral("n"), QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("dir"), QStringLiteral("Work folder (default: a temporary one)."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("batch"),
                      QStringLiteral("Lines per ingest transaction (default: the ingest's)."),
                      QStringLiteral("n")});
    parser.addOption({QStringLiteral("repeat"),
                      QStringLiteral("Runs of each phase; the best is reported (default 3)."),
                      QStringLiteral("n"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("ordered-ids"),
                      QStringLiteral("Time-ordered ids (like ULID or UUIDv7) instead of random ones.")});
    parser.addOption(
        {QStringLiteral("ingest-only"),
         QStringLiteral(
             "Skip the parse-only and bare phases and reuse an existing input in --dir (profiling).")});
    parser.process(app);
    const bool ingestOnly = parser.isSet(QStringLiteral("ingest-only"));
    g_orderedIds = parser.isSet(QStringLiteral("ordered-ids"));
    const qint64 lines = parser.value(QStringLiteral("lines")).toLongLong();
    if (lines <= 0) {
        std::fprintf(stderr, "--lines takes a positive number\n");
        return 2;
    }
    QTemporaryDir temporary;
    const QString dir =
        parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : temporary.path();

    const QString input = dir + QStringLiteral("/bench.jsonl");
    if (!(ingestOnly && QFile::exists(input))) {
        QFile file(input);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(input));
            return 2;
        }
        for (qint64 i = 0; i < lines; ++i) {
            const std::string line = toLine(makeRow(i));
            file.write(line.data(), qint64(line.size()));
        }
    }
    const qint64 inputBytes = QFile(input).size();
    QElapsedTimer timer;
    std::printf("input: %lld lines, %.1f MB, %s ids\n", static_cast<long long>(lines),
                double(inputBytes) / 1e6, g_orderedIds ? "time-ordered" : "random");

    if (!ingestOnly) {
        // Parsing alone, to tell the parser's share of the ingest time from the store's.
        LineReader reader;
        NativeParser nativeParser(64 << 20);
        ParsedLine parsed;
        std::string reason;
        LineReader::Line line;
        qint64 parsedLines = 0;
        timer.start();
        if (!reader.open(input, 64 << 20).ok())
            return 2;
        while (reader.next(line))
            parsedLines += nativeParser.parse(line.text, parsed, reason);
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        std::printf("parse only:          %9.0f lines/s  (%.2f s, %lld parsed)\n", double(lines) / seconds,
                    seconds, static_cast<long long>(parsedLines));
    }

    IngestOptions options;
    if (parser.isSet(QStringLiteral("batch")))
        options.batchLines = parser.value(QStringLiteral("batch")).toInt();
    const int repeat = std::max(1, parser.value(QStringLiteral("repeat")).toInt());
    std::printf("ingest batch:        %d lines a transaction; best of %d runs a phase, alternating\n",
                options.batchLines, repeat);

    // Runs alternate so that a slow moment of the disk hits both phases alike; the best run of each
    // phase is reported, as the one least disturbed by the rest of the machine.
    double ingestSeconds = 1e300;
    double bareSeconds = 1e300;
    qint64 feedbackEvents = 0;
    qint64 ingestPeakMb = 0;
    for (int run = 0; run < repeat; ++run) {
        const QString storePath = dir + QStringLiteral("/bench.flywheel");
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(storePath + QLatin1String(suffix));
        auto store = std::make_optional(Store::open(storePath));
        if (!*store) {
            std::fprintf(stderr, "%s\n", qPrintable(store->errorMessage()));
            return 2;
        }
        timer.start();
        auto report = Ingester(**store, options).ingest({input});
        store.reset(); // closing checkpoints what is left in the WAL: timed, like the baseline's close
        ingestSeconds = std::min(ingestSeconds, double(timer.nsecsElapsed()) / 1e9);
        ingestPeakMb = std::max(ingestPeakMb, peakRssMb());
        if (!report || report->counts.stored != lines) {
            std::fprintf(stderr, "ingest failed: %s\n",
                         report ? "not every line stored" : qPrintable(report.errorMessage()));
            return 2;
        }
        feedbackEvents = report->counts.feedbackAdded;
        if (ingestOnly)
            continue;
        const QString barePath = dir + QStringLiteral("/bare.sqlite");
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(barePath + QLatin1String(suffix));
        bareSeconds = std::min(bareSeconds, bareInsertSeconds(barePath, lines));
    }

    const double ingestRate = double(lines) / ingestSeconds;
    std::printf("ingest (real path):  %9.0f lines/s  (%.2f s, %lld feedback events)\n", ingestRate,
                ingestSeconds, static_cast<long long>(feedbackEvents));
    std::printf("peak memory (ingest): %lld MB\n", static_cast<long long>(ingestPeakMb));
    if (ingestOnly)
        return 0;
    const double bareRate = double(lines) / bareSeconds;
    std::printf("bare prepared insert: %9.0f rows/s   (%.2f s, no index, one transaction)\n", bareRate,
                bareSeconds);
    std::printf("ratio ingest/bare:    %.2f  (target >= 0.50)\n", ingestRate / bareRate);
    std::printf("full-text index:      none maintained yet (no step to time)\n");
    return 0;
}
