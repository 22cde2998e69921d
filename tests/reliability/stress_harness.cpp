// Stress harness: what the annotator did when the store was corrupted, for as long as asked. One
// store, and at the same time:
//   - the studio's writers in this process, on the threads the studio uses: decisions with undo and
//     redo through its DecisionWriter, re-decisions of earlier items (the History panel), guideline
//     saves, search-index updates, imports and curation runs (its CurationTask);
//   - the studio's readers: queue pages, searches, an interaction in detail, the history;
//   - the studio's file dialog listing the store's folder (what dropped the locks before);
//   - the command line as other processes: queue, queue --search, ingest, curate, guidelines --set;
//   - `flywheel serve` under load from a client posting interactions and feedback.
// After every round: PRAGMA integrity_check on a new connection, `flywheel check`, every decision
// the writer reported saved still stored, and every interaction the collector acknowledged stored
// exactly once. Prints a line per round and a summary; exits 1 when any round failed.
//
//   stress_harness [--minutes M | --rounds N] [--interactions N] [--dir DIR]
//
// For a run of hours, copy it and `flywheel` out of the build folder and point $FLYWHEEL_TEST_CLI at
// the copy, so that a rebuild does not replace the programs under it.

#include "../common/httpclient.h"
#include "../common/runflywheel.h"

#include "curate/curationqueries.h"
#include "dialogs/filedialogs.h"
#include "ingest/ingester.h"
#include "review/decisions.h"
#include "review/guidelines.h"
#include "review/reviewqueue.h"
#include "review/searchindex.h"
#include "session/studiosession.h"
#include "store/statement.h"
#include "store/store.h"
#include "tasks/curationtask.h"
#include "workers/decisionwriter.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileSystemModel>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>

using namespace flywheel;
using testing::runFlywheel;

namespace {

// What a curation run that finds another one at work says (core/store/exclusivework.cpp).
constexpr const char *kCurationBusy = "another curation run is using the store";

// Runs the GUI thread's events for a moment without spinning: processEvents() returns at once when
// nothing is waiting.
void serveEventsBriefly()
{
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    QThread::msleep(10);
}

struct Failures {
    std::mutex mutex;
    QStringList messages;
    void add(const QString &message)
    {
        std::lock_guard lock(mutex);
        messages.append(message);
    }
    QStringList take()
    {
        std::lock_guard lock(mutex);
        return std::exchange(messages, {});
    }
};

QByteArray interactionLine(const QByteArray &id, qint64 n)
{
    return R"({"id":")" + id + R"(","timestamp":"2026-11-03T08:00:00Z","input":"Why was order )" +
           QByteArray::number(n % 97) +
           R"( charged twice?","output":"I have refunded one charge.","category":"billing","outcome":")" +
           (n % 5 ? "accepted" : "regenerated") + R"("})" + "\n";
}

QString writeCapture(const QString &path, const QByteArray &prefix, qint64 from, int count)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    for (qint64 n = from; n < from + count; ++n)
        file.write(interactionLine(prefix + QByteArray::number(n), n));
    return path;
}

Status integrityOk(const QString &path)
{
    Store::Options options;
    options.create = false;
    auto store = Store::open(path, options);
    if (!store)
        return store.error();
    auto check = store->db().prepare("PRAGMA integrity_check");
    if (!check)
        return check.error();
    QStringList problems;
    if (Status s = check->forEachRow([&] {
            if (check->columnText(0) != QLatin1String("ok"))
                problems.append(check->columnText(0));
        });
        !s)
        return s;
    if (!problems.isEmpty())
        return Error{QStringLiteral("integrity_check: ") + problems.join(QLatin1String("; "))};
    return {};
}

// The studio's decisions: the real DecisionWriter, with undo and redo, driven from the GUI thread.
class DecisionStream final : public QObject {
public:
    DecisionStream(ui::StudioSession &session, Failures &failures)
        : m_failures(failures)
        , m_writer(session.writer())
    {
        connect(&m_writer, &ui::DecisionWriter::recorded, this, [this](quint64 token, const Decision &d) {
            std::lock_guard lock(m_mutex);
            // An undo already asked for removes this write right after it: not counted as saved.
            if (!m_removing.count(token))
                m_saved[token] = d.id;
        });
        connect(&m_writer, &ui::DecisionWriter::removed, this, [this](quint64 token, const Decision &) {
            std::lock_guard lock(m_mutex);
            if (--m_removing[token] <= 0)
                m_removing.erase(token);
        });
        connect(&m_writer, &ui::DecisionWriter::failed, this,
                [this](quint64, const Decision &, const QString &message) {
                    m_failures.add(QStringLiteral("decision writer: ") + message);
                });
        connect(&m_timer, &QTimer::timeout, this, &DecisionStream::step);
        m_timer.start(15);
        Store::Options options;
        options.create = false;
        if (auto opened = Store::open(session.storePath(), options)) {
            auto ids = opened->db().prepare("SELECT id FROM interactions ORDER BY id LIMIT 2000");
            if (ids)
                (void)ids->forEachRow([&] { m_interactions.append(ids->columnInt(0)); });
        }
    }

    // Decision ids the writer reported saved and that no undo is about to remove.
    std::vector<qint64> savedIds()
    {
        std::lock_guard lock(m_mutex);
        std::vector<qint64> ids;
        for (const auto &[token, id] : m_saved)
            if (!m_removing.count(token))
                ids.push_back(id);
        return ids;
    }
    qint64 made() const { return m_made; }
    int pending() const { return m_writer.pending(); }
    void stop() { m_timer.stop(); }

private:
    void step()
    {
        if (m_interactions.isEmpty() || m_writer.pending() > 50)
            return;
        auto *random = QRandomGenerator::global();
        const int action = int(random->bounded(10));
        if (action == 0 && m_last != 0) { // undo
            {
                std::lock_guard lock(m_mutex);
                ++m_removing[m_last];
                m_saved.erase(m_last);
            }
            m_writer.remove(m_last);
            m_undone = std::exchange(m_last, 0);
            return;
        }
        if (action == 1 && m_undone != 0) { // redo: the same decision again
            m_writer.record(m_undone, m_undoneDecision);
            m_last = std::exchange(m_undone, 0);
            return;
        }
        Decision decision;
        decision.interactionId = m_interactions[random->bounded(m_interactions.size())];
        decision.kind = action < 6   ? DecisionKind::Accept
                        : action < 8 ? DecisionKind::Reject
                                     : DecisionKind::Correct;
        if (decision.kind == DecisionKind::Correct)
            decision.correctedOutput = QStringLiteral("Corrected in round of stress %1.").arg(m_made);
        decision.reviewer = QStringLiteral("stress");
        m_last = m_writer.newToken();
        m_undone = 0; // a new decision ends what redo could bring back, as in the studio
        m_undoneDecision = decision;
        m_writer.record(m_last, decision);
        ++m_made;
    }

    Failures &m_failures;
    ui::DecisionWriter m_writer;
    QTimer m_timer;
    QList<qint64> m_interactions;
    std::mutex m_mutex;
    std::map<quint64, qint64> m_saved;
    std::map<quint64, int> m_removing; // undos asked for and not yet answered, per token
    quint64 m_last = 0, m_undone = 0;
    Decision m_undoneDecision;
    std::atomic<qint64> m_made{0};
};

// One of the studio's other store threads: a loop on a connection of its own.
class StudioLoop {
public:
    StudioLoop(const QString &store, Failures &failures, const char *name,
               std::function<Status(Store &, int)> step)
        : m_thread([this, store, &failures, name, step] {
            Store::Options options;
            options.create = false;
            options.cacheKb = 8192;
            auto opened = Store::open(store, options);
            if (!opened) {
                failures.add(QString::fromUtf8(name) + QStringLiteral(": ") + opened.errorMessage());
                return;
            }
            for (int n = 0; !m_stop; ++n) {
                if (Status s = step(*opened, n); !s)
                    failures.add(QString::fromUtf8(name) + QStringLiteral(": ") + s.errorMessage());
                ++m_steps;
                QThread::msleep(20);
            }
        })
    {}
    ~StudioLoop()
    {
        m_stop = true;
        m_thread.join();
    }
    qint64 steps() const { return m_steps; }

private:
    std::atomic_bool m_stop{false};
    std::atomic<qint64> m_steps{0};
    std::thread m_thread;
};

Status readLikeTheStudio(Store &store, int n)
{
    QueueFilter filter;
    if (n % 2)
        filter.search = QStringLiteral("order");
    auto page = ReviewQueue(store, filter).pageAfter(nullptr, 20);
    if (!page)
        return page.error();
    if (!page->isEmpty()) {
        if (auto details = loadInteractionDetailsById(store, page->first().key.interactionId); !details)
            return details.error();
    }
    if (auto history = loadRecentDecisions(store, 50); !history)
        return history.error();
    return {};
}

// The History panel: an earlier decision decided again, which supersedes it.
Status redecideFromHistory(Store &store, int)
{
    auto history = loadRecentDecisions(store, 20);
    if (!history)
        return history.error();
    if (history->isEmpty())
        return {};
    Decision decision = history->at(QRandomGenerator::global()->bounded(history->size())).first;
    decision.id = 0;
    decision.kind = decision.kind == DecisionKind::Accept ? DecisionKind::Reject : DecisionKind::Accept;
    decision.correctedOutput.clear();
    decision.reviewer = QStringLiteral("stress-history");
    return recordDecision(store, decision) ? Status{} : Status{Error{QStringLiteral("re-decision failed")}};
}

Status saveGuidelinesVersion(Store &store, int n)
{
    if (n % 10)
        return {};
    auto saved = saveGuidelines(
        store,
        QStringLiteral("# Review rules\n\nVersion %1: accept answers that resolve the question.").arg(n),
        QStringLiteral("stress"));
    return saved ? Status{} : saved.error();
}

Status indexForSearch(Store &store, int)
{
    auto indexed = updateSearchIndex(store);
    return indexed ? Status{} : indexed.error();
}

// The Import dialog: an ingest on a worker thread with a connection of its own.
Status importCapture(const QString &dir, Store &store, int n)
{
    if (n % 15)
        return {};
    const QString file =
        writeCapture(dir + QStringLiteral("/import-%1.jsonl").arg(n % 4), "imp-", qint64(n) * 50, 50);
    Ingester ingester(store, IngestOptions{});
    auto report = ingester.ingest({file});
    return report ? Status{} : report.error();
}

class Harness {
public:
    Harness(QString dir, int interactions)
        : m_dir(std::move(dir))
        , m_store(m_dir + QStringLiteral("/stress.flywheel"))
        , m_interactions(interactions)
    {}

    int run(int rounds, qint64 deadlineMs);

private:
    bool setUp();
    void startCollectorClient(quint16 port);
    void cliRound(int round);
    QStringList checkRound();
    void listStoreFolder();

    QString m_dir, m_store;
    int m_interactions;
    Failures m_failures;
    std::atomic_bool m_stop{false};
    std::atomic<qint64> m_acknowledged{0};
    std::thread m_client;
    DecisionStream *m_decisions = nullptr;
};

bool Harness::setUp()
{
    const auto demo = runFlywheel({QStringLiteral("--store"), m_store, QStringLiteral("demo"),
                                   QStringLiteral("--interactions"), QString::number(m_interactions),
                                   QStringLiteral("--quiet")},
                                  600000);
    const auto curate = runFlywheel(
        {QStringLiteral("--store"), m_store, QStringLiteral("curate"), QStringLiteral("--quiet")}, 600000);
    if (demo.exitCode != 0 || curate.exitCode != 0) {
        std::fprintf(stderr, "stress_harness: cannot build the store: %s%s\n", demo.err.constData(),
                     curate.err.constData());
        return false;
    }
    return true;
}

void Harness::startCollectorClient(quint16 port)
{
    m_client = std::thread([this, port] {
        testing::HttpClient http(QStringLiteral("127.0.0.1"), port);
        for (qint64 n = 0; !m_stop; n += 10) {
            QByteArray body;
            for (qint64 k = n; k < n + 10; ++k)
                body += interactionLine("srv-" + QByteArray::number(k), k);
            const auto response = http.post("/v1/interactions", body);
            if (response.status == 200)
                m_acknowledged += 10;
            else
                m_failures.add(QStringLiteral("collector answered %1: %2")
                                   .arg(response.status)
                                   .arg(QString::fromUtf8(response.body)));
            const QByteArray feedback = R"({"interaction_id":"srv-)" + QByteArray::number(n) +
                                        R"(","kind":"thumbs","value":"down","source":"user"})" + "\n";
            (void)http.post("/v1/feedback", feedback);
            QThread::msleep(40); // a steady trickle: the store should not outgrow the disk in a long run
        }
    });
}

void Harness::cliRound(int round)
{
    const QString capture =
        writeCapture(m_dir + QStringLiteral("/cli.jsonl"), "cli-", qint64(round) * 200, 200);
    QFile guidelines(m_dir + QStringLiteral("/guidelines.md"));
    if (guidelines.open(QIODevice::WriteOnly | QIODevice::Truncate))
        guidelines.write("# Review rules\n\nSet from the command line in round " + QByteArray::number(round) +
                         ".\n");
    guidelines.close();
    const QList<QStringList> commands = {
        {QStringLiteral("queue"), QStringLiteral("--limit"), QStringLiteral("20")},
        {QStringLiteral("queue"), QStringLiteral("--search"), QStringLiteral("charged")},
        {QStringLiteral("ingest"), capture, QStringLiteral("--quiet")},
        {QStringLiteral("guidelines"), QStringLiteral("--set"), guidelines.fileName()},
        {QStringLiteral("curate"), QStringLiteral("--quiet")},
        {QStringLiteral("stats")},
    };
    for (const QStringList &command : commands) {
        const auto run = runFlywheel(QStringList{QStringLiteral("--store"), m_store} + command, 600000);
        // The studio's curation may hold the store: one run at a time is the rule, and saying so is right.
        if (run.exitCode == 2 && run.err.contains(kCurationBusy))
            continue;
        if (run.exitCode != 0)
            m_failures.add(QStringLiteral("flywheel %1 exited %2: %3")
                               .arg(command.join(QLatin1Char(' ')))
                               .arg(run.exitCode)
                               .arg(QString::fromUtf8(run.err)));
    }
}

QStringList Harness::checkRound()
{
    QStringList problems = m_failures.take();
    if (Status s = integrityOk(m_store); !s)
        problems.append(s.errorMessage());
    const auto check = runFlywheel({QStringLiteral("--store"), m_store, QStringLiteral("check")}, 600000);
    if (check.exitCode != 0)
        problems.append(QStringLiteral("flywheel check: ") + QString::fromUtf8(check.out + check.err));
    Store::Options options;
    options.create = false;
    auto store = Store::open(m_store, options);
    if (!store)
        return problems << store.errorMessage();
    const qint64 acknowledgedBefore = m_acknowledged;
    auto collected = store->db().queryInt("SELECT count(*) FROM interactions WHERE external_id LIKE 'srv-%'");
    if (!collected || *collected < acknowledgedBefore)
        problems.append(QStringLiteral("the collector acknowledged %1 interactions, the store holds %2")
                            .arg(acknowledgedBefore)
                            .arg(collected ? *collected : -1));
    auto find = store->db().prepare("SELECT count(*) FROM reviews WHERE id = ?1");
    QStringList missing;
    for (const qint64 id : m_decisions->savedIds()) {
        find->bind(1, id);
        if (auto row = find->step(); !row || !*row || find->columnInt(0) != 1)
            missing.append(QString::number(id));
        find->reset();
    }
    if (!missing.isEmpty())
        problems.append(QStringLiteral("%1 saved decisions are not in the store (ids %2)")
                            .arg(missing.size())
                            .arg(missing.mid(0, 10).join(QLatin1Char(' '))));
    return problems;
}

// The studio's file dialog over the store's folder, as an annotator picking a file to import sees it.
void Harness::listStoreFolder()
{
    std::unique_ptr<QFileDialog> dialog(
        ui::createFileDialog(nullptr, QStringLiteral("Add Capture Files"), m_dir,
                             QStringLiteral("Capture files (*.jsonl);;All files (*)")));
    dialog->show();
    QElapsedTimer shown;
    shown.start();
    while (shown.elapsed() < 800)
        serveEventsBriefly();
    dialog->close();
}

int Harness::run(int rounds, qint64 deadlineMs)
{
    if (!setUp())
        return 2;
    QProcess serve;
    const quint16 port = testing::startServe(serve, m_store);
    if (port == 0) {
        std::fprintf(stderr, "stress_harness: flywheel serve did not start: %s\n",
                     serve.readAllStandardError().constData());
        return 2;
    }
    startCollectorClient(port);
    ui::StudioSession session;
    session.open(m_store);
    DecisionStream decisions(session, m_failures);
    m_decisions = &decisions;
    ui::CurationTask curation(&session);
    QObject::connect(&curation, &ui::CurationTask::failed, [this](const QString &message) {
        if (message.contains(QLatin1String(kCurationBusy)))
            return; // the command line's run holds the store
        m_failures.add(QStringLiteral("studio curation: ") + message);
    });
    QTimer curateAgain;
    QObject::connect(&curateAgain, &QTimer::timeout, [&] { curation.start(); });
    curateAgain.start(4000);
    int failedRounds = 0, round = 0;
    QElapsedTimer clock;
    clock.start();
    {
        std::vector<std::unique_ptr<StudioLoop>> loops;
        loops.push_back(std::make_unique<StudioLoop>(m_store, m_failures, "reader", readLikeTheStudio));
        loops.push_back(std::make_unique<StudioLoop>(m_store, m_failures, "history", redecideFromHistory));
        loops.push_back(
            std::make_unique<StudioLoop>(m_store, m_failures, "guidelines", saveGuidelinesVersion));
        loops.push_back(std::make_unique<StudioLoop>(m_store, m_failures, "search index", indexForSearch));
        loops.push_back(std::make_unique<StudioLoop>(
            m_store, m_failures, "import", [this](Store &s, int n) { return importCapture(m_dir, s, n); }));
        for (; rounds > 0 ? round < rounds : clock.elapsed() < deadlineMs; ++round) {
            listStoreFolder();
            std::atomic_bool done{false};
            std::thread cli([&] {
                cliRound(round);
                done = true;
            });
            while (!done)
                serveEventsBriefly();
            cli.join();
            // Let the studio's writes of this round land before counting them.
            const QStringList problems = checkRound();
            std::printf("round %d: %.0f s, decisions %lld, collector %lld acknowledged, %s\n", round + 1,
                        clock.elapsed() / 1000.0, qint64(decisions.made()), qint64(m_acknowledged),
                        problems.isEmpty() ? "integrity ok" : "FAILED");
            for (const QString &problem : problems)
                std::printf("  %s\n", qPrintable(problem));
            std::fflush(stdout);
            failedRounds += problems.isEmpty() ? 0 : 1;
        }
        curateAgain.stop();
        decisions.stop();
    }
    m_stop = true;
    m_client.join();
    curation.cancel();
    while (decisions.pending() > 0)
        serveEventsBriefly();
    serve.terminate();
    serve.waitForFinished(60000);
    const QStringList last = checkRound();
    for (const QString &problem : last)
        std::printf("  after stopping: %s\n", qPrintable(problem));
    std::printf("%d rounds in %.0f min: %d failed; %lld decisions, %lld interactions "
                "acknowledged by the collector\n",
                round, clock.elapsed() / 60000.0, failedRounds + (last.isEmpty() ? 0 : 1),
                qint64(decisions.made()), qint64(m_acknowledged));
    return failedRounds == 0 && last.isEmpty() ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("minutes"), QStringLiteral("Run for this long."), QStringLiteral("M")});
    parser.addOption(
        {QStringLiteral("rounds"), QStringLiteral("Run this many rounds (default 3)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("interactions"),
                      QStringLiteral("Demo interactions to start from (default 20000)."), QStringLiteral("N"),
                      QStringLiteral("20000")});
    parser.addOption({QStringLiteral("dir"),
                      QStringLiteral("Work in this folder instead of a temporary one."),
                      QStringLiteral("DIR")});
    parser.process(app);
    QTemporaryDir temporary;
    const QString dir =
        parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : temporary.path();
    const int rounds = parser.isSet(QStringLiteral("minutes")) ? 0
                       : parser.value(QStringLiteral("rounds")).toInt() > 0
                           ? parser.value(QStringLiteral("rounds")).toInt()
                           : 3;
    const qint64 deadline = qint64(parser.value(QStringLiteral("minutes")).toDouble() * 60000);
    Harness harness(dir, parser.value(QStringLiteral("interactions")).toInt());
    return harness.run(rounds, deadline);
}
