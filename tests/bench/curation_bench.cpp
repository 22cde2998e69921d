// Curation benchmark: a full run over a large store, an incremental run after 1 % more, and the
// quality of near-duplicate detection.
//
//   curation_bench [--interactions N] [--store PATH] [--texts N] [--skip-run] [--skip-quality]
//                  [--skip-incremental]
//
// Full run: builds a demo store of N interactions (default 1,000,000) with `flywheel demo` (or
// uses --store), runs curation with the shipped rules in this process and prints the time of each
// stage and the peak memory of the process.
//
// Incremental run: adds 1 % new interactions (`flywheel demo` with another seed), runs curation
// incrementally and then fully, and prints both times, their ratio and whether the results are
// the same row for row.
//
// Quality: builds N texts (default 20,000) from the real OpenAssistant conversations in
// resources/demo (paragraphs of their messages) plus planted variants of them (words replaced,
// dropped, added, case and punctuation changed), finds the near-duplicate pairs at the shipped
// threshold with findNearDuplicates, finds every pair at that threshold by exact all-pairs search
// (prefix filtering over shingle sets), and prints precision and recall of the detected pairs.

#include "../common/curationresults.h"
#include "../common/runflywheel.h"
#include "curate/curator.h"
#include "curate/nearduplicates.h"
#include "curate/shingles.h"
#include "curate/textnorm.h"
#include "store/statement.h"
#include "store/store.h"
#include "util/allocator.h"
#include "util/hasher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <simdjson.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <random>
#include <set>
#include <unordered_map>

using namespace flywheel;

namespace {

// ---- Full run -----------------------------------------------------------------------------------

std::optional<CurationReport> timedRun(Store &store, bool full, double &seconds)
{
    Curator curator(store, RuleSet::defaults());
    curator.setFull(full);
    QElapsedTimer timer;
    timer.start();
    auto report = curator.run();
    seconds = double(timer.elapsed()) / 1000.0;
    if (!report) {
        std::fprintf(stderr, "%s\n", qPrintable(report.errorMessage()));
        return std::nullopt;
    }
    return *report;
}

// Builds a demo store (or adds to one) with `flywheel demo`; says why when it fails.
bool runDemo(const QString &storePath, const QStringList &arguments)
{
    const testing::FlywheelRun demo = testing::runFlywheel(
        QStringList{QStringLiteral("--store"), storePath, QStringLiteral("demo"), QStringLiteral("--quiet")} +
            arguments,
        -1);
    if (demo.exitCode != 0)
        std::fprintf(stderr, "flywheel demo failed: %s\n", demo.err.constData());
    return demo.exitCode == 0;
}

int fullRun(const QString &storePath)
{
    auto store = Store::open(storePath);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(store.errorMessage()));
        return 1;
    }
    double seconds = 0;
    const auto report = timedRun(*store, true, seconds);
    if (!report)
        return 1;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("full run: %lld interactions in %.1f s (target <= 20 s)\n",
                static_cast<long long>(report->processed), seconds);
    for (const CurationReport::Stage &stage : report->stages)
        std::printf("  %-12s %6.1f s\n", qPrintable(stage.name), double(stage.ms) / 1000.0);
    std::printf("  duplicates   %lld interactions in %lld clusters, %lld near-duplicate pairs\n",
                static_cast<long long>(report->duplicateMembers),
                static_cast<long long>(report->duplicateGroups),
                static_cast<long long>(report->nearDuplicatePairs));
    std::printf("  peak memory  %6.0f MB (target <= 1536 MB)\n", double(usage.ru_maxrss) / 1024.0);
    return 0;
}

// ---- Incremental run ----------------------------------------------------------------------------

// A digest of every curation result (not the run ids), to compare two runs' results.
quint64 resultsDigest(Store &store)
{
    Hasher hasher;
    testing::forEachCurationResult(store, [&](const QString &line) { hasher.add(line.toStdString()); });
    return hasher.digest64();
}

// After a full run: adds 1 % new demo interactions (another seed), runs curation incrementally,
// then fully, and compares the time and the results.
int incrementalRun(const QString &storePath, qint64 added)
{
    if (!runDemo(storePath, {QStringLiteral("--interactions"), QString::number(added),
                             QStringLiteral("--seed"), QStringLiteral("43")}))
        return 1;
    auto store = Store::open(storePath);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(store.errorMessage()));
        return 1;
    }
    double incrementalSeconds = 0, fullSeconds = 0;
    const auto incremental = timedRun(*store, false, incrementalSeconds);
    if (!incremental)
        return 1;
    const quint64 incrementalDigest = resultsDigest(*store);
    const auto full = timedRun(*store, true, fullSeconds);
    if (!full)
        return 1;
    const bool equal = incrementalDigest == resultsDigest(*store);
    std::printf("incremental run after %lld new interactions: %s, %lld computed of %lld in %.2f s\n",
                static_cast<long long>(added),
                incremental->incremental ? "incremental" : ("full: " + incremental->fullReason).c_str(),
                static_cast<long long>(incremental->processed),
                static_cast<long long>(incremental->interactions), incrementalSeconds);
    for (const CurationReport::Stage &stage : incremental->stages)
        std::printf("  %-12s %6.2f s\n", qPrintable(stage.name), double(stage.ms) / 1000.0);
    std::printf("  full run on the same store %.1f s: incremental takes %.1f %% of it (target <= 5 %%)\n",
                fullSeconds, 100.0 * incrementalSeconds / fullSeconds);
    std::printf("  results equal to the full run's: %s\n", equal ? "yes" : "NO");
    return equal && incremental->incremental ? 0 : 1;
}

// ---- Quality ------------------------------------------------------------------------------------

void collectTexts(simdjson::dom::element message, std::vector<std::string> &out)
{
    std::string_view text;
    if (message["text"].get_string().get(text) == simdjson::SUCCESS) {
        // Paragraphs of each message: many distinct, real texts.
        size_t start = 0;
        while (start < text.size()) {
            const size_t end = std::min(text.find("\n\n", start), text.size());
            const std::string paragraph = normalizeText(text.substr(start, end - start));
            if (paragraph.size() >= 40)
                out.push_back(paragraph);
            start = end + 2;
        }
    }
    simdjson::dom::array replies;
    if (message["replies"].get_array().get(replies) == simdjson::SUCCESS)
        for (simdjson::dom::element reply : replies)
            collectTexts(reply, out);
}

std::vector<std::string> realTexts(const QString &path)
{
    std::vector<std::string> texts;
    simdjson::dom::parser parser;
    simdjson::dom::document_stream stream;
    if (parser.load_many(path.toStdString()).get(stream) != simdjson::SUCCESS)
        return texts;
    for (auto tree : stream) {
        simdjson::dom::element root;
        if (tree.get(root) == simdjson::SUCCESS)
            collectTexts(root, texts);
    }
    std::sort(texts.begin(), texts.end());
    texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
    return texts;
}

// A variant of @p text with about @p rate of its words changed.
std::string mutate(const std::string &text, double rate, std::mt19937_64 &random)
{
    static const char *const kWords[] = {"really", "the",  "please", "now",    "very",
                                         "also",   "just", "my",     "quickly"};
    std::vector<std::string> words;
    size_t start = 0;
    while (start < text.size()) {
        const size_t end = std::min(text.find(' ', start), text.size());
        words.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    std::uniform_real_distribution<double> chance(0, 1);
    std::uniform_int_distribution<int> pick(0, 8);
    std::vector<std::string> out;
    for (std::string &word : words) {
        const double r = chance(random);
        if (r < rate / 4)
            continue; // dropped
        if (r < rate / 2) {
            out.push_back(kWords[pick(random)]); // replaced
            continue;
        }
        if (r < 3 * rate / 4)
            out.push_back(kWords[pick(random)]); // a word added before it
        if (r < rate && !word.empty())
            word.back() = word.back() == '.' ? '!' : '.'; // punctuation changed
        out.push_back(word);
    }
    std::string joined;
    for (const std::string &word : out)
        joined += (joined.empty() ? "" : " ") + word;
    return joined;
}

// Every pair with Jaccard >= threshold, exactly: AllPairs with prefix filtering. Sets are sorted by
// a global order (rarest shingle first); two sets reaching the threshold share a shingle within
// their prefixes of |S| - ceil(t |S|) + 1 shingles.
std::set<std::pair<quint32, quint32>> exactPairs(const std::vector<std::vector<quint64>> &sets,
                                                 double threshold)
{
    std::unordered_map<quint64, quint32> frequency;
    for (const auto &set : sets)
        for (const quint64 shingle : set)
            ++frequency[shingle];
    std::vector<std::vector<quint64>> ordered = sets;
    for (auto &set : ordered)
        std::sort(set.begin(), set.end(), [&](quint64 a, quint64 b) {
            return frequency[a] != frequency[b] ? frequency[a] < frequency[b] : a < b;
        });
    std::unordered_map<quint64, std::vector<quint32>> index;
    std::set<std::pair<quint32, quint32>> pairs;
    std::vector<quint32> seen;
    for (quint32 i = 0; i < ordered.size(); ++i) {
        const auto &set = ordered[i];
        if (set.empty())
            continue;
        const size_t prefix = set.size() - size_t(std::ceil(threshold * double(set.size()) - 1e-9)) + 1;
        seen.clear();
        for (size_t k = 0; k < std::min(prefix, set.size()); ++k) {
            auto &postings = index[set[k]];
            seen.insert(seen.end(), postings.begin(), postings.end());
            postings.push_back(i);
        }
        std::sort(seen.begin(), seen.end());
        seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
        for (const quint32 j : seen)
            if (jaccard(sets[i], sets[j]) >= threshold)
                pairs.insert({j, i});
    }
    return pairs;
}

int quality(int count)
{
    const QString oasst = QStringLiteral(FLYWHEEL_RESOURCES "/demo/oasst_en_100_message.jsonl");
    std::vector<std::string> base = realTexts(oasst);
    if (base.empty()) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(oasst));
        return 1;
    }
    std::mt19937_64 random(20261127);
    std::shuffle(base.begin(), base.end(), random);
    // A quarter real texts, three quarters planted variants of them, in a shuffled order.
    const size_t originals = std::min(base.size(), size_t(count) / 4);
    // Distinct texts, as curation gives them (exact duplicates are grouped before this step).
    std::set<std::string> distinct(base.begin(), base.begin() + std::ptrdiff_t(originals));
    std::uniform_real_distribution<double> rate(0.02, 0.25);
    for (size_t made = 0; distinct.size() < size_t(count); ++made)
        distinct.insert(mutate(base[made % originals], rate(random), random));
    std::vector<std::string> texts(distinct.begin(), distinct.end());
    std::shuffle(texts.begin(), texts.end(), random);

    const RuleSet rules = RuleSet::defaults();
    NearDuplicateSettings settings;
    settings.shingleSize = rules.duplicates().shingleSize;
    settings.threshold = rules.duplicates().threshold;
    std::vector<std::string_view> views(texts.begin(), texts.end());
    QElapsedTimer timer;
    timer.start();
    const auto detected = findNearDuplicates(views, settings);
    const qint64 detectMs = timer.elapsed();

    timer.restart();
    std::vector<std::vector<quint64>> sets;
    sets.reserve(texts.size());
    for (const std::string &text : texts)
        sets.push_back(shingleSet(text, settings.shingleSize));
    const auto truth = exactPairs(sets, settings.threshold);
    const qint64 exactMs = timer.elapsed();

    qint64 correct = 0;
    for (const NearDuplicatePair &pair : detected)
        correct += truth.count({pair.first, pair.second});
    const double precision = detected.empty() ? 1.0 : double(correct) / double(detected.size());
    const double recall = truth.empty() ? 1.0 : double(correct) / double(truth.size());
    std::printf("near-duplicate quality: %zu distinct texts (%zu real paragraphs from OpenAssistant, the "
                "rest planted "
                "variants), threshold %.2f on character %d-grams\n",
                texts.size(), originals, settings.threshold, settings.shingleSize);
    std::printf("  exact all-pairs search  %zu pairs in %.1f s\n", truth.size(), double(exactMs) / 1000.0);
    std::printf("  MinHash + LSH           %zu pairs in %.2f s\n", detected.size(),
                double(detectMs) / 1000.0);
    std::printf("  precision %.4f   recall %.4f   (targets >= 0.95)\n", precision, recall);
    return precision >= 0.95 && recall >= 0.95 ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[])
{
    flywheel::keepFreedMemoryForReuse();
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Curation benchmark: full run and near-duplicate quality."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("interactions"),
                      QStringLiteral("Demo interactions for the full run (default 1000000)."),
                      QStringLiteral("n"), QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("store"),
                      QStringLiteral("Run on this store instead of a new demo store."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("texts"), QStringLiteral("Texts for the quality check (default 20000)."),
                      QStringLiteral("n"), QStringLiteral("20000")});
    parser.addOption({QStringLiteral("skip-run"), QStringLiteral("Only the quality check.")});
    parser.addOption({QStringLiteral("skip-quality"), QStringLiteral("Only the full and incremental runs.")});
    parser.addOption({QStringLiteral("skip-incremental"),
                      QStringLiteral("No incremental run after the full run (it adds 1 % new interactions "
                                     "to the store).")});
    parser.process(app);

    int status = 0;
    if (!parser.isSet(QStringLiteral("skip-quality")))
        status |= quality(parser.value(QStringLiteral("texts")).toInt());
    if (parser.isSet(QStringLiteral("skip-run")))
        return status;
    std::optional<QTemporaryDir> temporary;
    QString store = parser.value(QStringLiteral("store"));
    if (store.isEmpty()) {
        temporary.emplace();
        store = QDir(temporary->path()).filePath(QStringLiteral("curation_bench.flywheel"));
        std::printf("building a demo store of %s interactions with flywheel demo...\n",
                    qPrintable(parser.value(QStringLiteral("interactions"))));
        std::fflush(stdout);
        if (!runDemo(store, {QStringLiteral("--interactions"), parser.value(QStringLiteral("interactions"))}))
            return 1;
    }
    status |= fullRun(store);
    if (!parser.isSet(QStringLiteral("skip-incremental"))) {
        qint64 total = 0;
        if (auto counted = Store::open(store)) {
            if (auto n = counted->db().queryInt("SELECT count(*) FROM interactions"))
                total = *n;
        }
        status |= incrementalRun(store, std::max<qint64>(1, total / 100));
    }
    return status;
}
