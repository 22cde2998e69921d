#include "tst_export.h"

#include "ingesttesting.h"

#include "curate/curator.h"
#include "curate/rules.h"
#include "export/redaction.h"
#include "export/splits.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <random>

using namespace flywheel;

namespace {

// A native interaction: id, user text, output and any further fields.
QByteArray line(const QByteArray &id, const QByteArray &user, const QByteArray &output,
                const QByteArray &extra = {})
{
    return R"({"id":")" + id + R"(","timestamp":"2026-11-01T12:00:00Z","model":"bot","model_version":"v1",)" +
           R"("input":[{"role":"system","content":"Be brief."},{"role":"user","content":")" + user +
           R"("}],"output":")" + output + "\"" + extra + "}\n";
}

// Three interactions with known labels: accepted (positive), corrected (gold), abandoned (negative).
QByteArray knownContent()
{
    return line("ok", "Where is my parcel?", "It ships today.", R"(,"outcome":"accepted")") +
           line("fixed", "What is the fee?", "The fee is 5.", R"(,"correction":{"output":"The fee is 4."})") +
           line("bad", "Can I cancel?", "No.", R"(,"outcome":"abandoned")");
}

ExportOptions options(DatasetKind kind, DatasetFormat format, const QString &out)
{
    ExportOptions o;
    o.kind = kind;
    o.format = format;
    o.outDir = out;
    o.ratios = {1, 0, 0};
    return o;
}

} // namespace

void TestExport::init()
{
    m_dir.emplace();
    auto store = Store::open(m_dir->filePath(QStringLiteral("export.flywheel")));
    QVERIFY2(store, qPrintable(store.errorMessage()));
    m_store.emplace(std::move(*store));
}

void TestExport::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void TestExport::ingest(const QByteArray &lines)
{
    testing::ingestLines(*m_store, *m_dir, lines);
}

void TestExport::curate()
{
    auto report = Curator(*m_store, RuleSet::defaults()).run();
    QVERIFY2(report, qPrintable(report.errorMessage()));
}

ExportReport TestExport::exportWith(ExportOptions o)
{
    auto report = Exporter(*m_store, std::move(o)).run();
    if (!report)
        qFatal("export failed: %s", qPrintable(report.errorMessage()));
    return *report;
}

QStringList TestExport::lines(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {QStringLiteral("<missing %1>").arg(file)};
    return QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

void TestExport::redaction()
{
    QCOMPARE(redact("mail jane@example.com now", {{PersonalDataKind::Email, 5, 16}}),
             std::string("mail [EMAIL] now"));
    // Offsets are code points: the accented letter before the span counts once.
    QCOMPARE(redact("é 10.0.0.1", {{PersonalDataKind::Ip, 2, 8}}), std::string("é [IP]"));
    QCOMPARE(redact("abc", {{PersonalDataKind::Secret, 1, 50}}), std::string("a[SECRET]"));
    QCOMPARE(redact("abc", {}), std::string("abc"));
}

void TestExport::sftOpenAi()
{
    ingest(knownContent());
    curate();
    const ExportReport report = exportWith(options(DatasetKind::Sft, DatasetFormat::OpenAi, out("sft")));
    QCOMPARE(report.examples, qint64(2));
    QCOMPARE(
        lines(out("sft/train.jsonl")),
        QStringList({
            QStringLiteral(R"({"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":)"
                           R"("Where is my parcel?"},{"role":"assistant","content":"It ships today."}]})"),
            QStringLiteral(R"({"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":)"
                           R"("What is the fee?"},{"role":"assistant","content":"The fee is 4."}]})"),
        }));
    QVERIFY(!QFile::exists(out("sft/validation.jsonl"))); // an empty split has no file
}

void TestExport::sftTrlAndToolCalls()
{
    ingest(
        knownContent() +
        R"({"id":"tool","timestamp":"2026-11-01T12:00:00Z","input":[{"role":"user","content":"Weather?"}],)"
        R"("output":{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",)"
        R"("function":{"name":"weather","arguments":{"city":"Oslo"}}}]},"outcome":"accepted"})"
        "\n");
    curate();
    exportWith(options(DatasetKind::Sft, DatasetFormat::Trl, out("trl")));
    const QStringList got = lines(out("trl/train.jsonl"));
    QCOMPARE(got.size(), 3);
    QCOMPARE(got[0],
             QStringLiteral(R"({"prompt":[{"role":"system","content":"Be brief."},{"role":"user","content":)"
                            R"("Where is my parcel?"}],"completion":[{"role":"assistant","content":)"
                            R"("It ships today."}]})"));
    // Tool arguments become a JSON string and content a string, so datasets loads every row.
    QCOMPARE(got[2],
             QStringLiteral(R"({"prompt":[{"role":"user","content":"Weather?"}],"completion":[{"role":)"
                            R"("assistant","content":"","tool_calls":[{"function":{"arguments":)"
                            R"("{\"city\":\"Oslo\"}","name":"weather"},"id":"c1","type":"function"}]}]})"));
}

// A message that only calls a tool has no "content": curation and exports take it as empty text
// (found by fuzz_export; curation used to abort on it).
void TestExport::messagesWithoutContent()
{
    ingest(
        R"({"id":"t1","timestamp":"2026-11-01T12:00:00Z","input":[{"role":"user","content":"Weather?"},)"
        R"({"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"w","arguments":"{}"}}]},)"
        R"({"role":"tool","tool_call_id":"c","content":"sunny"}],"output":"Sunny.","outcome":"accepted"})"
        "\n");
    curate();
    exportWith(options(DatasetKind::Sft, DatasetFormat::Trl, out("tools")));
    QCOMPARE(
        lines(out("tools/train.jsonl")),
        QStringList({QStringLiteral(
            R"({"prompt":[{"role":"user","content":"Weather?"},{"role":"assistant","content":"","tool_calls":)"
            R"([{"function":{"arguments":"{}","name":"w"},"id":"c","type":"function"}]},{"role":"tool",)"
            R"("content":"sunny","tool_call_id":"c"}],"completion":[{"role":"assistant","content":"Sunny."}]})")}));
}

void TestExport::preferenceBothFormats()
{
    ingest(knownContent());
    curate();
    exportWith(options(DatasetKind::Preference, DatasetFormat::OpenAi, out("dpo")));
    QCOMPARE(
        lines(out("dpo/train.jsonl")),
        QStringList({QStringLiteral(
            R"({"input":{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":)"
            R"("What is the fee?"}]},"preferred_output":[{"role":"assistant","content":"The fee is 4."}],)"
            R"("non_preferred_output":[{"role":"assistant","content":"The fee is 5."}]})")}));
    exportWith(options(DatasetKind::Preference, DatasetFormat::Trl, out("pref")));
    QCOMPARE(
        lines(out("pref/train.jsonl")),
        QStringList({QStringLiteral(
            R"({"prompt":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is the fee?"}],)"
            R"("chosen":[{"role":"assistant","content":"The fee is 4."}],)"
            R"("rejected":[{"role":"assistant","content":"The fee is 5."}]})")}));
}

void TestExport::ktoPairsAGoldCorrectionWithItsOriginal()
{
    ingest(knownContent());
    curate();
    const ExportReport report = exportWith(options(DatasetKind::Kto, DatasetFormat::Trl, out("kto")));
    QCOMPARE(report.interactions, qint64(3));
    QCOMPARE(report.examples, qint64(4));
    const QStringList got = lines(out("kto/train.jsonl"));
    QCOMPARE(got.size(), 4);
    QVERIFY(got[0].contains(QStringLiteral("It ships today.\"}],\"label\":true")));
    QVERIFY(got[1].contains(QStringLiteral("The fee is 4.\"}],\"label\":true")));
    QVERIFY(got[2].contains(QStringLiteral("The fee is 5.\"}],\"label\":false")));
    QVERIFY(got[3].contains(QStringLiteral("\"No.\"}],\"label\":false")));
}

void TestExport::personalDataModes()
{
    ingest(line("pii", "Mail me at jane.doe@example.com please", "Sure, jane.doe@example.com noted.",
                R"(,"outcome":"accepted")") +
           line("clean", "Where is my parcel?", "It ships today.", R"(,"outcome":"accepted")"));
    curate();
    ExportOptions o = options(DatasetKind::Sft, DatasetFormat::OpenAi, out("redacted"));
    exportWith(o);
    const QStringList redacted = lines(out("redacted/train.jsonl"));
    QCOMPARE(redacted.size(), 2);
    QVERIFY2(redacted[0].contains(QStringLiteral("Mail me at [EMAIL] please")), qPrintable(redacted[0]));
    QVERIFY(redacted[0].contains(QStringLiteral("Sure, [EMAIL] noted.")));
    QVERIFY(!redacted.join(QString()).contains(QStringLiteral("jane.doe")));

    o.outDir = out("dropped");
    o.personalData = PersonalDataMode::Drop;
    const ExportReport dropped = exportWith(o);
    QCOMPARE(dropped.droppedForPersonalData, qint64(1));
    QCOMPARE(lines(out("dropped/train.jsonl")).size(), 1);

    o.outDir = out("kept");
    o.personalData = PersonalDataMode::Keep;
    exportWith(o);
    QVERIFY(lines(out("kept/train.jsonl"))[0].contains(QStringLiteral("jane.doe@example.com")));
}

void TestExport::splitsAreDeterministicAndKeepClustersTogether()
{
    // 60 clusters of 1 to 4 members (exact duplicates), each member exported.
    std::vector<SplitItem> items;
    for (qint64 group = 0; group < 60; ++group)
        for (qint64 member = 0; member <= group % 4; ++member)
            items.push_back({group, group % 3 == 0 ? "hard" : "easy"});
    for (quint64 seed = 0; seed < 50; ++seed) {
        const SplitPlan plan = assignSplits(items, {0.6, 0.2, 0.2}, seed);
        QCOMPARE(assignSplits(items, {0.6, 0.2, 0.2}, seed).splitOf, plan.splitOf);
        std::map<qint64, Split> splitOfGroup;
        for (size_t i = 0; i < items.size(); ++i) {
            const auto [it, added] = splitOfGroup.emplace(items[i].group, plan.splitOf[i]);
            QVERIFY2(added || it->second == plan.splitOf[i], "a cluster straddles two splits");
        }
    }
    QVERIFY(assignSplits(items, {0.6, 0.2, 0.2}, 1).splitOf !=
            assignSplits(items, {0.6, 0.2, 0.2}, 2).splitOf);

    // The same through a store, with every member of the clusters exported.
    QByteArray content;
    for (int n = 0; n < 40; ++n)
        for (int copy = 0; copy <= n % 3; ++copy)
            content += line("q" + QByteArray::number(n) + "-" + QByteArray::number(copy),
                            "Question number " + QByteArray::number(n) + " about my parcel", "Answer.",
                            R"(,"outcome":"accepted")");
    ingest(content);
    curate();
    for (quint64 seed : {1ull, 7ull, 99ull}) {
        ExportOptions o =
            options(DatasetKind::Sft, DatasetFormat::OpenAi, out(QStringLiteral("all-%1").arg(seed)));
        o.ratios = {0.5, 0.25, 0.25};
        o.seed = seed;
        o.selection.collapseDuplicates = false;
        const ExportReport report = exportWith(o);
        QCOMPARE(report.interactions, qint64(79)); // 40 questions asked 1 to 3 times
        QCOMPARE(
            testing::count(
                *m_store,
                qPrintable(QStringLiteral("SELECT count(*) FROM (SELECT c.cluster_id FROM dataset_items d "
                                          "JOIN curation c ON c.interaction_id = d.interaction_id "
                                          "WHERE d.dataset_id = %1 AND c.cluster_id IS NOT NULL "
                                          "GROUP BY c.cluster_id HAVING count(DISTINCT d.split) > 1)")
                               .arg(report.datasetId))),
            qint64(0));
    }
}

void TestExport::stratifiedRatiosPerSegment()
{
    std::vector<SplitItem> items;
    for (qint64 n = 0; n < 1000; ++n)
        items.push_back({n, n < 900 ? "big" : "small"});
    const SplitPlan plan = assignSplits(items, {0.8, 0.1, 0.1}, 42);
    QCOMPARE(plan.counts.at("big"), (std::array<qint64, 3>{720, 90, 90}));
    QCOMPARE(plan.counts.at("small"), (std::array<qint64, 3>{80, 10, 10}));
}

void TestExport::manifestCardAndRecord()
{
    ingest(knownContent());
    curate();
    ExportOptions o = options(DatasetKind::Sft, DatasetFormat::OpenAi, out("v1"));
    o.name = QStringLiteral("support-sft");
    const ExportReport first = exportWith(o);
    o.outDir = out("v2");
    const ExportReport second = exportWith(o);
    QCOMPARE(first.version, qint64(1));
    QCOMPARE(second.version, qint64(2));

    QFile manifestFile(out("v1/manifest.json"));
    QVERIFY(manifestFile.open(QIODevice::ReadOnly));
    const QByteArray manifestBytes = manifestFile.readAll();
    QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(manifestBytes, QCryptographicHash::Sha256).toHex()),
             first.manifestSha256);
    const QJsonObject manifest = QJsonDocument::fromJson(manifestBytes).object();
    QCOMPARE(manifest.value(QStringLiteral("name")).toString(), QStringLiteral("support-sft"));
    QCOMPARE(manifest.value(QStringLiteral("version")).toInteger(), 1);
    QVERIFY(manifest.value(QStringLiteral("curation_run")).toInteger() > 0);
    QFile train(out("v1/train.jsonl"));
    QVERIFY(train.open(QIODevice::ReadOnly));
    const QJsonObject trainFile =
        manifest.value(QStringLiteral("files")).toObject().value(QStringLiteral("train.jsonl")).toObject();
    QCOMPARE(
        trainFile.value(QStringLiteral("sha256")).toString(),
        QString::fromLatin1(QCryptographicHash::hash(train.readAll(), QCryptographicHash::Sha256).toHex()));
    QCOMPARE(manifest.value(QStringLiteral("interaction_ids"))
                 .toObject()
                 .value(QStringLiteral("train"))
                 .toArray()
                 .size(),
             2);

    QFile card(out("v1/README.md"));
    QVERIFY(card.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(card.readAll());
    QVERIFY(text.startsWith(QStringLiteral("---\nlicense: other\n")));
    QVERIFY(text.contains(
        QStringLiteral("configs:\n- config_name: default\n  data_files:\n  - split: train\n    path: "
                       "train.jsonl\n---\n")));
    QCOMPARE(testing::count(*m_store, "SELECT count(*) FROM datasets WHERE name = 'support-sft'"), qint64(2));
    QCOMPARE(testing::count(*m_store, "SELECT count(*) FROM dataset_items"), qint64(4));
}

// Interactions in two categories; "hard" fails often, "easy" rarely.
static QByteArray twoSegments()
{
    QByteArray content;
    for (int n = 0; n < 30; ++n) {
        const bool hard = n % 3 == 0;
        content += line("s" + QByteArray::number(n),
                        (hard ? "Legal question number " : "Easy question number ") + QByteArray::number(n) +
                            " with its own words " + QByteArray::number(n * 7919),
                        "Answer " + QByteArray::number(n) + ".",
                        QByteArray(R"(,"category":")") + (hard ? "hard" : "easy") + R"(","outcome":")" +
                            (hard && n % 2 ? "abandoned" : "accepted") + "\"");
    }
    return content;
}

void TestExport::evalPutsHardSegmentsAndReviewedCorrectionsFirst()
{
    ingest(twoSegments());
    curate();
    // A reviewer's correction on an easy interaction comes before everything else.
    QVERIFY(m_store->db().exec(
        "INSERT INTO reviews (interaction_id, decision, label, corrected_output, reviewer, "
        "created_at) SELECT id, 'correct', 'gold', 'Reviewed answer.', 'ann', 1 "
        "FROM interactions WHERE external_id = 's4'"));
    curate();
    ExportOptions o = options(DatasetKind::Eval, DatasetFormat::OpenAi, out("eval"));
    o.limit = 6;
    const ExportReport report = exportWith(o);
    QCOMPARE(report.perSplit, (std::array<qint64, 3>{0, 0, 6}));
    const QStringList samples = lines(out("eval/samples.jsonl"));
    QCOMPARE(samples.size(), 6);
    QVERIFY2(samples[0].contains(QStringLiteral("\"ideal\":\"Reviewed answer.\"")), qPrintable(samples[0]));
    for (int k = 1; k < 6; ++k)
        QVERIFY2(samples[k].contains(QStringLiteral("Legal question")), qPrintable(samples[k]));
    const QStringList csv = lines(out("eval/promptfoo.csv"));
    QCOMPARE(csv.size(), 7);
    QCOMPARE(csv[0], QStringLiteral("question,messages,__expected"));
    QVERIFY(csv[1].startsWith(QStringLiteral("\"Easy question number 4")));
    QVERIFY(csv[1].contains(QStringLiteral("\"\"role\"\":\"\"user\"\"")));
    QVERIFY(csv[1].endsWith(
        QStringLiteral(",\"llm-rubric: The answer agrees with this reference answer: Reviewed answer.\"")));
    QCOMPARE(testing::count(*m_store, "SELECT pinned FROM datasets WHERE kind = 'eval'"), qint64(1));
}

void TestExport::evalItemsNeverEnterTrain()
{
    ingest(twoSegments());
    curate();
    ExportOptions eval = options(DatasetKind::Eval, DatasetFormat::OpenAi, out("eval"));
    eval.limit = 8;
    const ExportReport pinned = exportWith(eval);
    for (quint64 seed = 1; seed <= 20; ++seed) {
        ExportOptions sft =
            options(DatasetKind::Sft, DatasetFormat::OpenAi, out(QStringLiteral("sft-%1").arg(seed)));
        sft.ratios = {0.8, 0.1, 0.1};
        sft.seed = seed;
        const ExportReport report = exportWith(sft);
        QCOMPARE(
            testing::count(
                *m_store,
                qPrintable(QStringLiteral("SELECT count(*) FROM dataset_items s JOIN dataset_items e ON "
                                          "e.interaction_id = s.interaction_id WHERE e.dataset_id = %1 AND "
                                          "s.dataset_id = %2 AND s.split = 'train'")
                               .arg(pinned.datasetId)
                               .arg(report.datasetId))),
            qint64(0));
    }
}

void TestExport::fewShotIsSpreadOverSegments()
{
    ingest(twoSegments());
    curate();
    ExportOptions o = options(DatasetKind::FewShot, DatasetFormat::OpenAi, out("fewshot"));
    o.limit = 4;
    exportWith(o);
    const QStringList got = lines(out("fewshot/fewshot.jsonl"));
    QCOMPARE(got.size(), 4);
    // Taken in turn from each segment.
    int hard = 0;
    for (const QString &example : got) {
        QVERIFY(example.startsWith(QStringLiteral("{\"prompt\":\"")));
        hard += example.contains(QStringLiteral("\"segment\":\"hard\""));
    }
    QCOMPARE(hard, 2);
    QFile markdown(out("fewshot/fewshot.md"));
    QVERIFY(markdown.open(QIODevice::ReadOnly));
    const QByteArray text = markdown.readAll();
    QVERIFY(text.contains("### Example 1\n\nUser: "));
    QVERIFY(text.contains("### Example 4\n\nUser: "));
    QVERIFY(text.contains("\nAssistant: Answer "));
    QFile json(out("fewshot/fewshot.json"));
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonArray array = QJsonDocument::fromJson(json.readAll()).array();
    QCOMPARE(array.size(), 4);
    QCOMPARE(array.at(0).toObject().value(QStringLiteral("prompt")).toString(),
             QJsonDocument::fromJson(got[0].toUtf8()).object().value(QStringLiteral("prompt")).toString());
}

void TestExport::retrievalDocuments()
{
    ingest(knownContent());
    curate();
    exportWith(options(DatasetKind::Retrieval, DatasetFormat::OpenAi, out("docs")));
    const QStringList docs = lines(out("docs/documents.jsonl"));
    QCOMPARE(docs.size(), 2);
    const QJsonObject first = QJsonDocument::fromJson(docs[0].toUtf8()).object();
    QVERIFY(first.value(QStringLiteral("id")).toString().startsWith(QStringLiteral("interaction-")));
    QCOMPARE(first.value(QStringLiteral("text")).toString(),
             QStringLiteral("Q: Where is my parcel?\nA: It ships today."));
    QCOMPARE(first.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("label")).toString(),
             QStringLiteral("positive"));
    QCOMPARE(QJsonDocument::fromJson(docs[1].toUtf8()).object().value(QStringLiteral("text")).toString(),
             QStringLiteral("Q: What is the fee?\nA: The fee is 4."));
}

void TestExport::failedExportLeavesNothing()
{
    ingest(knownContent());
    curate();
    std::atomic_bool cancel{true};
    Exporter exporter(*m_store, options(DatasetKind::Sft, DatasetFormat::OpenAi, out("cancelled")));
    exporter.setCancelFlag(&cancel);
    QVERIFY(!exporter.run());
    QVERIFY(!QFile::exists(out("cancelled")));
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot), QStringList());
    QCOMPARE(testing::count(*m_store, "SELECT count(*) FROM datasets"), qint64(0));

    // The store refuses the record (a dataset of that name and version appears meanwhile): the
    // folder is not published either.
    QVERIFY(m_store->db().exec("CREATE TRIGGER refuse BEFORE INSERT ON datasets BEGIN SELECT "
                               "RAISE(ABORT, 'refused by the test'); END"));
    auto refused = Exporter(*m_store, options(DatasetKind::Sft, DatasetFormat::OpenAi, out("refused"))).run();
    QVERIFY(!refused);
    QVERIFY(refused.errorMessage().contains(QStringLiteral("refused by the test")));
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot), QStringList());
}

// A process killed between recording an export and moving its folder into place: the next export
// (or listing) finishes the move; a record whose folders are both gone is forgotten.
void TestExport::interruptedPublicationIsCompleted()
{
    ingest(knownContent());
    curate();
    const ExportReport report =
        exportWith(options(DatasetKind::Sft, DatasetFormat::OpenAi, out("published")));
    const QString staging = out(".published.partial-test");
    QVERIFY(QDir().rename(out("published"), staging));
    QVERIFY(m_store->db().exec(qPrintable(QStringLiteral("UPDATE datasets SET staging = '%1' WHERE id = %2")
                                              .arg(staging)
                                              .arg(report.datasetId))));
    QVERIFY(finishInterruptedExports(*m_store));
    QVERIFY(QFile::exists(out("published/train.jsonl")));
    QVERIFY(!QFile::exists(staging));
    QCOMPARE(testing::count(*m_store, "SELECT count(*) FROM datasets WHERE staging IS NOT NULL"), qint64(0));

    QVERIFY(QDir(out("published")).removeRecursively());
    QVERIFY(m_store->db().exec(qPrintable(QStringLiteral("UPDATE datasets SET staging = '%1' WHERE id = %2")
                                              .arg(staging)
                                              .arg(report.datasetId))));
    QVERIFY(finishInterruptedExports(*m_store));
    QCOMPARE(testing::count(*m_store, "SELECT count(*) FROM datasets"), qint64(0));
    QCOMPARE(testing::count(*m_store, "SELECT count(*) FROM dataset_items"), qint64(0));
}

// Filter values reach SQL only as bound values: quotes, keywords, comment markers and control
// characters select nothing and never break the query.
void TestExport::hostileFilterValues()
{
    ingest(knownContent());
    curate();
    std::mt19937_64 random(7);
    const std::string alphabet = "'\";-- /*%_\\()=<>|`$\n\tORANDSELECT DROP TABLE x 0123 é€\x01";
    std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1), length(0, 24);
    for (int round = 0; round < 300; ++round) {
        std::string value;
        for (size_t n = length(random); n > 0; --n)
            value += alphabet[pick(random)];
        ExportOptions o =
            options(DatasetKind::Sft, DatasetFormat::OpenAi, out(QStringLiteral("f%1").arg(round)));
        (round % 2 ? o.selection.segments : o.selection.modelVersions).insert(value);
        auto report = Exporter(*m_store, o).run();
        QVERIFY(!report);
        QVERIFY2(report.errorMessage().startsWith(QStringLiteral("no interaction matches the selection")),
                 qPrintable(report.errorMessage()));
    }
    QCOMPARE(testing::count(*m_store, "SELECT count(*) FROM interactions"), qint64(3));
    QCOMPARE(testing::count(*m_store, "SELECT count(*) FROM datasets"), qint64(0));
}

void TestExport::badOptionsAreRefused()
{
    ingest(knownContent());
    curate();
    const auto refused = [&](ExportOptions o, const QString &expected) {
        auto report = Exporter(*m_store, std::move(o)).run();
        QVERIFY(!report);
        QVERIFY2(report.errorMessage().contains(expected), qPrintable(report.errorMessage()));
    };
    ExportOptions o = options(DatasetKind::Sft, DatasetFormat::OpenAi, out("x"));
    o.name = QStringLiteral("../escape");
    refused(o, QStringLiteral("must be 1 to 100 letters"));
    o.name.clear();
    o.ratios = {0, 0, 0};
    refused(o, QStringLiteral("more than 0"));
    o.ratios = {1, -1, 0};
    refused(o, QStringLiteral("negative"));
    o = options(DatasetKind::Kto, DatasetFormat::OpenAi, out("x"));
    refused(o, QStringLiteral("TRL's format only"));
    QVERIFY(QDir().mkdir(out("exists")));
    refused(options(DatasetKind::Sft, DatasetFormat::OpenAi, out("exists")),
            QStringLiteral("already exists"));
    refused(options(DatasetKind::Sft, DatasetFormat::OpenAi, out("no/such/parent")),
            QStringLiteral("does not exist"));
}

QTEST_GUILESS_MAIN(TestExport)
