#include "tst_curation.h"

#include "ingesttesting.h"

#include "curate/curationqueries.h"
#include "curate/curator.h"
#include "curate/nearduplicates.h"
#include "curate/personaldata.h"
#include "curate/rules.h"
#include "curate/shingles.h"
#include "curate/textnorm.h"
#include "curate/topics.h"
#include "ingest/ingester.h"
#include "review/reviewqueue.h"

#include <QTest>

using namespace flywheel;

namespace {

// A native interaction line: id, user text, output and any further fields.
QByteArray line(const QByteArray &id, const QByteArray &user, const QByteArray &output,
                const QByteArray &extra = {})
{
    return R"({"id":")" + id + R"(","timestamp":"2026-11-01T12:00:00Z","model":"bot","model_version":"v1",)" +
           R"("input":[{"role":"system","content":"Be helpful."},{"role":"user","content":")" + user +
           R"("}],"output":")" + output + "\"" + extra + "}\n";
}

RuleSet oneRule(const QByteArray &when)
{
    const QByteArray json =
        R"({"rules":[{"id":"r","when":)" + when + R"(,"label":"positive","reason":"test"}]})";
    auto rules = RuleSet::parse(json, QStringLiteral("test.json"));
    if (!rules)
        qFatal("%s", qPrintable(rules.errorMessage()));
    return *rules;
}

InteractionSignals sample()
{
    InteractionSignals s;
    s.outcome = "accepted";
    s.finishReason = "stop";
    s.category = "billing";
    s.modelName = "bot";
    s.modelVersion = "v2";
    s.latencyMs = 900;
    s.output = "Your invoice is attached.";
    s.outputChars = 25;
    s.inputChars = 30;
    s.thumbsUp = 1;
    s.ratings = 2;
    s.ratingSum = 9;
    s.feedbackEvents = 3;
    s.feedbackLabels = {"helpful"};
    s.metadataJson = R"({"tenant":"acme","tier":2})";
    return s;
}

std::vector<std::pair<PersonalDataKind, std::string>> found(const QByteArray &text)
{
    std::vector<std::pair<PersonalDataKind, std::string>> out;
    const QList<uint> characters = QString::fromUtf8(text).toUcs4();
    for (const PersonalDataSpan &span :
         findPersonalData(std::string_view(text.constData(), size_t(text.size())))) {
        const QList<uint> part = characters.mid(span.start, span.length);
        out.emplace_back(span.kind,
                         QString::fromUcs4(reinterpret_cast<const char32_t *>(part.constData()), part.size())
                             .toStdString());
    }
    return out;
}

} // namespace

void TestCuration::init()
{
    m_dir.emplace();
    auto store = Store::open(m_dir->filePath(QStringLiteral("curation.flywheel")));
    QVERIFY2(store, qPrintable(store.errorMessage()));
    m_store.emplace(std::move(*store));
}

void TestCuration::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

void TestCuration::ingest(const QByteArray &lines)
{
    testing::ingestLines(*m_store, *m_dir, lines);
}

qint64 TestCuration::count(const char *sql)
{
    return testing::count(*m_store, sql);
}

QString TestCuration::text(const char *sql)
{
    return testing::queryText(*m_store, sql);
}

void TestCuration::conditions_data()
{
    QTest::addColumn<QByteArray>("when");
    QTest::addColumn<bool>("holds");
    QTest::newRow("text equals") << QByteArray(R"({"outcome":"accepted"})") << true;
    QTest::newRow("text differs") << QByteArray(R"({"outcome":"edited"})") << false;
    QTest::newRow("in") << QByteArray(R"({"finish_reason":{"in":["stop","length"]}})") << true;
    QTest::newRow("not_in") << QByteArray(R"({"category":{"not_in":["billing"]}})") << false;
    QTest::newRow("!= on text") << QByteArray(R"({"model_version":{"!=":"v1"}})") << true;
    QTest::newRow("contains on text") << QByteArray(R"({"model":{"contains":"bo"}})") << true;
    QTest::newRow("exists") << QByteArray(R"({"category":{"exists":true}})") << true;
    QTest::newRow("absent text") << QByteArray(R"({"finish_reason":{"exists":false}})") << false;
    QTest::newRow("number >=") << QByteArray(R"({"thumbs_up":{">=":1}})") << true;
    QTest::newRow("number <") << QByteArray(R"({"latency_ms":{"<":500}})") << false;
    QTest::newRow("number >") << QByteArray(R"({"latency_ms":{">":500}})") << true;
    QTest::newRow("number <=") << QByteArray(R"({"rating":{"<=":4.5}})") << true;
    QTest::newRow("number equals") << QByteArray(R"({"feedback":3})") << true;
    QTest::newRow("number in") << QByteArray(R"({"thumbs_down":{"in":[1,2]}})") << false;
    QTest::newRow("absent number") << QByteArray(R"({"corrections":{">=":1}})") << false;
    QTest::newRow("lengths") << QByteArray(R"({"output_chars":{">":20},"input_chars":{"<":31}})") << true;
    QTest::newRow("has output") << QByteArray(R"({"has_output":true})") << true;
    QTest::newRow("feedback label") << QByteArray(R"({"feedback_labels":{"contains":"helpful"}})") << true;
    QTest::newRow("metadata text") << QByteArray(R"({"metadata.tenant":"acme"})") << true;
    QTest::newRow("metadata number as text") << QByteArray(R"({"metadata.tier":"2"})") << true;
    QTest::newRow("metadata absent") << QByteArray(R"({"metadata.region":{"exists":true}})") << false;
    QTest::newRow("all of") << QByteArray(R"({"outcome":"accepted","category":"shipping"})") << false;
    QTest::newRow("any") << QByteArray(R"({"any":[{"outcome":"edited"},{"category":"billing"}]})") << true;
    QTest::newRow("not") << QByteArray(R"({"not":{"outcome":"accepted"}})") << false;
}

void TestCuration::conditions()
{
    QFETCH(QByteArray, when);
    QFETCH(bool, holds);
    const RuleSet rules = oneRule(when);
    QCOMPARE(rules.rules().at(0).when->holds(sample()), holds);
}

void TestCuration::rulesFileErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("syntax") << QByteArray("{\n  \"rules\": [\n    {\"id\": \"a\",,}\n  ]\n}")
                            << QByteArray("rules.json:3: not valid JSON");
    QTest::newRow("not an object") << QByteArray("[]")
                                   << QByteArray("rules.json:1: a rules file is a JSON object");
    QTest::newRow("unknown top-level")
        << QByteArray(R"({"rules":[],"rulez":[]})") << QByteArray("unknown member \"rulez\"");
    QTest::newRow("rules not array") << QByteArray("{\n\"rules\": {}\n}")
                                     << QByteArray("rules.json:2: \"rules\" must be an array");
    QTest::newRow("unknown signal")
        << QByteArray(
               "{\"rules\": [\n  {\"id\": \"up\", \"label\": \"positive\", \"reason\": \"x\",\n   \"when\": "
               "{\"thumbz\": 1}}\n]}")
        << QByteArray("rules.json:2: rule \"up\": when.thumbz: unknown signal \"thumbz\"");
    QTest::newRow("unknown outcome")
        << QByteArray(
               R"({"rules":[{"id":"a","label":"positive","reason":"x","when":{"outcome":"acepted"}}]})")
        << QByteArray("when.outcome: unknown outcome \"acepted\"");
    QTest::newRow("bad label")
        << QByteArray(R"({"rules":[{"id":"a","label":"great","reason":"x","when":{"outcome":"accepted"}}]})")
        << QByteArray("\"label\" must be gold, positive or negative");
    QTest::newRow("bad weight")
        << QByteArray(
               R"({"rules":[{"id":"a","label":"gold","weight":0,"reason":"x","when":{"corrections":1}}]})")
        << QByteArray("\"weight\" must be a number above 0");
    QTest::newRow("no reason") << QByteArray(
                                      R"({"rules":[{"id":"a","label":"gold","when":{"corrections":1}}]})")
                               << QByteArray("\"reason\" must say why");
    QTest::newRow("duplicate id")
        << QByteArray(R"({"rules":[{"id":"a","label":"gold","reason":"x","when":{"corrections":1}},)"
                      R"({"id":"a","label":"gold","reason":"x","when":{"corrections":2}}]})")
        << QByteArray("rule \"a\" is defined twice");
    QTest::newRow("bad operator")
        << QByteArray(R"({"rules":[{"id":"a","label":"gold","reason":"x","when":{"rating":{"~":1}}}]})")
        << QByteArray("unknown operator \"~\"");
    QTest::newRow("text compared as number")
        << QByteArray(R"({"rules":[{"id":"a","label":"gold","reason":"x","when":{"category":{">":1}}}]})")
        << QByteArray("is text");
    QTest::newRow("number compared with text")
        << QByteArray(R"({"rules":[{"id":"a","label":"gold","reason":"x","when":{"rating":"high"}}]})")
        << QByteArray("compares with numbers");
    QTest::newRow("empty condition") << QByteArray(
                                            R"({"rules":[{"id":"a","label":"gold","reason":"x","when":{}}]})")
                                     << QByteArray("would match everything");
    QTest::newRow("bad flag setting") << QByteArray("{\"rules\": [],\n\"flags\": {\"segment_cap\": 0}}")
                                      << QByteArray("rules.json:2: \"segment_cap\" must be a number from 1");
    QTest::newRow("bad threshold") << QByteArray(R"({"rules":[],"duplicates":{"threshold":2}})")
                                   << QByteArray("\"threshold\" must be a number from 0.5 to 1");
}

void TestCuration::rulesFileErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, message);
    auto rules = RuleSet::parse(json, QStringLiteral("rules.json"));
    QVERIFY(!rules);
    QVERIFY2(rules.errorMessage().contains(QString::fromUtf8(message)), qPrintable(rules.errorMessage()));
}

void TestCuration::shippedRulesLoad()
{
    const RuleSet rules = RuleSet::defaults();
    QVERIFY(rules.rules().size() >= 8);
    QCOMPARE(rules.rules().front().id, std::string("corrected"));
    QCOMPARE(rules.duplicates().threshold, 0.8);
    QVERIFY(!rules.hash().empty());
    auto missing = RuleSet::load(m_dir->filePath(QStringLiteral("none.json")));
    QVERIFY(!missing);
    QVERIFY(missing.errorMessage().contains(QStringLiteral("cannot read the rules file")));
}

void TestCuration::normalisation_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("normalised");
    QTest::newRow("ascii") << QByteArray("  Where IS\tmy   Order?\n") << QByteArray("where is my order?");
    QTest::newRow("ligature and width") << QByteArray("\xef\xac\x81nd ＡＢＣ") << QByteArray("find abc");
    QTest::newRow("case folding") << QByteArray("STRASSE Straße")
                                  << QByteArray("strasse stra\xc3\x9f"
                                                "e"); // simple case folding keeps ß
    QTest::newRow("unicode spaces") << QByteArray("a\xc2\xa0\xe2\x80\x83 b") << QByteArray("a b");
}

void TestCuration::normalisation()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, normalised);
    QCOMPARE(QByteArray::fromStdString(normalizeText(input.toStdString())), normalised);
    QCOMPARE(
        userTextOf(
            R"([{"role":"system","content":"S"},{"role":"user","content":"A"},)"
            R"({"role":"assistant","content":"B"},{"role":"user","content":[{"type":"text","text":"C"}]}])"),
        std::string("A\nC"));
}

void TestCuration::shinglesAndJaccard()
{
    const auto a = shingleSet("abcdefg", 5); // abcde bcdef cdefg
    const auto b = shingleSet("abcdefh", 5); // abcde bcdef cdefh
    QCOMPARE(a.size(), size_t(3));
    QCOMPARE(jaccard(a, b), 2.0 / 4.0);
    QCOMPARE(jaccard(a, a), 1.0);
    QCOMPARE(shingleSet("abc", 5).size(), size_t(1)); // shorter than a shingle: itself
    QCOMPARE(shingleSet(QString::fromUtf8("ééééé").toStdString(), 5).size(),
             size_t(1)); // characters, not bytes
}

void TestCuration::personalData_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArrayList>("expected"); // "kind:text"
    QTest::newRow("email") << QByteArray("Write to jane.doe+work@mail.example.com.")
                           << QByteArrayList{"email:jane.doe+work@mail.example.com"};
    QTest::newRow("not an email") << QByteArray("use @mention or a@b") << QByteArrayList{};
    QTest::newRow("international phone")
        << QByteArray("Call +44 20 7946 0958 today") << QByteArrayList{"phone:+44 20 7946 0958"};
    QTest::newRow("us phone") << QByteArray("at (555) 123-4567.") << QByteArrayList{"phone:(555) 123-4567"};
    QTest::newRow("dates and order numbers are not phones")
        << QByteArray("on 2026-11-01, order 1234567890, ref 12.5") << QByteArrayList{};
    QTest::newRow("card") << QByteArray("card 4111 1111 1111 1111 expires")
                          << QByteArrayList{"card:4111 1111 1111 1111"};
    QTest::newRow("card without spaces")
        << QByteArray("5500005555555559") << QByteArrayList{"card:5500005555555559"};
    QTest::newRow("invalid Luhn") << QByteArray("card 4111 1111 1111 1112 expires") << QByteArrayList{};
    QTest::newRow("iban") << QByteArray("IBAN GB82 WEST 1234 5698 7654 32 please")
                          << QByteArrayList{"iban:GB82 WEST 1234 5698 7654 32"};
    QTest::newRow("compact iban") << QByteArray("DE89370400440532013000")
                                  << QByteArrayList{"iban:DE89370400440532013000"};
    QTest::newRow("bad iban checksum") << QByteArray("GB83 WEST 1234 5698 7654 32") << QByteArrayList{};
    QTest::newRow("ipv4") << QByteArray("from 192.168.1.20, then") << QByteArrayList{"ip:192.168.1.20"};
    QTest::newRow("versions are not addresses")
        << QByteArray("version 1.2.3.4.5 and 999.1.1.1") << QByteArrayList{};
    QTest::newRow("ipv6") << QByteArray("host 2001:db8::8a2e:370:7334 up")
                          << QByteArrayList{"ip:2001:db8::8a2e:370:7334"};
    QTest::newRow("times are not ipv6") << QByteArray("at 12:30:45 sharp") << QByteArrayList{};
    QTest::newRow("openai key") << QByteArray("key sk-proj-AbCdEf1234567890GhIjKlMn done")
                                << QByteArrayList{"secret:sk-proj-AbCdEf1234567890GhIjKlMn"};
    QTest::newRow("github token") << QByteArray("ghp_16C7e42F292c6912E7710c838347Ae178B4a")
                                  << QByteArrayList{"secret:ghp_16C7e42F292c6912E7710c838347Ae178B4a"};
    QTest::newRow("aws key id") << QByteArray("AKIAIOSFODNN7EXAMPLE")
                                << QByteArrayList{"secret:AKIAIOSFODNN7EXAMPLE"};
    QTest::newRow("private key")
        << QByteArray("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- ok")
        << QByteArrayList{"secret:-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----"};
    QTest::newRow("public key is not a secret")
        << QByteArray("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----") << QByteArrayList{};
    QTest::newRow("high-entropy token") << QByteArray("token Zx8Qp2Lr7Vt4Nw9Ks3Hd6Fg1Jb5Mc0Ay here")
                                        << QByteArrayList{"secret:Zx8Qp2Lr7Vt4Nw9Ks3Hd6Fg1Jb5Mc0Ay"};
    QTest::newRow("uuid is not a secret")
        << QByteArray("id 123e4567-e89b-12d3-a456-426614174000") << QByteArrayList{};
    QTest::newRow("sha1 is not a secret")
        << QByteArray("commit 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12") << QByteArrayList{};
    QTest::newRow("long words are not secrets")
        << QByteArray("supercalifragilisticexpialidocious_and_more_words_here") << QByteArrayList{};
}

void TestCuration::personalData()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArrayList, expected);
    QByteArrayList actual;
    for (const auto &[kind, span] : found(text))
        actual.append(
            QByteArray(personalDataKindName(kind).data(), qsizetype(personalDataKindName(kind).size())) +
            ':' + QByteArray::fromStdString(span));
    QCOMPARE(actual, expected);
}

void TestCuration::personalDataOffsetsAreCharacters()
{
    const std::string text = QString::fromUtf8("Grüße an jane@example.com").toStdString();
    const auto spans = findPersonalData(text);
    QCOMPARE(spans.size(), size_t(1));
    QCOMPARE(spans[0].start, qint64(9)); // "Grüße an " is 9 characters and 11 bytes
    QCOMPARE(spans[0].length, qint64(16));
}

void TestCuration::labelsFromSignals()
{
    ingest(line("acc", "How do I pay?", "Use the billing page.", R"(,"outcome":"accepted")") +
           line("up", "How do I pay twice?", "Use the billing page again.",
                R"(,"feedback":[{"kind":"thumbs","value":"up"}])") +
           line("down", "Where is it?", "I do not know.", R"(,"outcome":"abandoned")") +
           line("fix", "Refund?", "No.",
                R"(,"outcome":"edited","correction":{"output":"Yes, within 30 days."})") +
           line("mixed", "Hours?", "9 to 5.",
                R"(,"outcome":"accepted","feedback":[{"kind":"rating","value":1}])") +
           line("none", "Hello", "Hi there."));
    auto report = Curator(*m_store, RuleSet::defaults()).run();
    QVERIFY2(report, qPrintable(report.errorMessage()));
    QCOMPARE(report->processed, qint64(6));
    const auto label = [&](const char *id) {
        return text(
            QByteArray("SELECT c.label FROM curation c JOIN interactions i ON i.id = c.interaction_id "
                       "WHERE i.external_id = '" +
                       QByteArray(id) + "'")
                .constData());
    };
    QCOMPARE(label("acc"), QStringLiteral("positive"));
    QCOMPARE(label("up"), QStringLiteral("positive"));
    QCOMPARE(label("down"), QStringLiteral("negative"));
    QCOMPARE(label("fix"), QStringLiteral("gold"));
    QCOMPARE(label("mixed"), QStringLiteral("conflicting"));
    QCOMPARE(label("none"), QStringLiteral("unlabeled"));
    // The votes name the rules, so a reviewer sees why.
    QCOMPARE(
        text(
            "SELECT group_concat(json_extract(v.value, '$.rule'), ',') FROM curation c, json_each(c.votes) v "
            "JOIN interactions i ON i.id = c.interaction_id WHERE i.external_id = 'mixed'"),
        QStringLiteral("accepted_as_is,low_rating"));
    QCOMPARE(report->labels.at("gold"), qint64(1));
    QCOMPARE(text("SELECT status || ' ' || mode || ' ' || processed FROM curation_runs"),
             QStringLiteral("completed full 6"));
}

// The studio's curation reads on a connection that refuses writes and takes every write to the
// session's writer: the run's record and its results arrive there, and nothing else is written.
void TestCuration::readsOnAReaderAndWritesInTurns()
{
    ingest(line("acc", "How do I pay?", "Use the billing page.", R"(,"outcome":"accepted")") +
           line("down", "Where is it?", "I do not know.", R"(,"outcome":"abandoned")"));
    auto reader = Store::open(m_store->path(), Store::readerOptions());
    QVERIFY2(reader, qPrintable(reader.errorMessage()));
    // Without the turn, the reader's refusal fails the run before it reads anything.
    QVERIFY(!Curator(*reader, RuleSet::defaults()).run());

    int turns = 0;
    Curator curator(*reader, RuleSet::defaults());
    curator.setWriteTurn([&](const std::function<Status(Store &)> &write) {
        ++turns;
        return write(*m_store);
    });
    auto report = curator.run();
    QVERIFY2(report, qPrintable(report.errorMessage()));
    QCOMPARE(turns, 3); // the run's start, its results, its end
    QCOMPARE(report->interactions, qint64(2));
    QCOMPARE(count("SELECT count(*) FROM curation WHERE label = 'negative'"), qint64(1));
    QCOMPARE(text("SELECT status FROM curation_runs ORDER BY id DESC LIMIT 1"), QStringLiteral("completed"));
}

void TestCuration::flagsOnCraftedInteractions()
{
    ingest(line("conflict", "Is it on?", "Yes.",
                R"(,"outcome":"edited","feedback":[{"kind":"thumbs","value":"up"}])") +
           line("corrected", "Price?", "Ten.", R"(,"outcome":"accepted","correction":{"output":"Twelve."})") +
           line("error", "Status?", "", R"(,"finish_reason":"error")") +
           line("filtered", "Something bad", "", R"(,"finish_reason":"content_filter")") +
           line("cut", "Tell me everything", "Once upon a time", R"(,"finish_reason":"length")") +
           line("empty", "Anything?", "") +
           line("echo", "please reset my password now", "Please reset my password now.") +
           line("pii", "My card is 4111 1111 1111 1111", "Thanks, noted.") +
           line("fine", "What time is it?", "It is noon."));
    QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
    const auto flags = [&](const char *id) {
        return text(
            QByteArray(
                "SELECT group_concat(reason, ',') FROM (SELECT f.reason FROM flags f JOIN interactions i "
                "ON i.id = f.interaction_id WHERE i.external_id = '" +
                QByteArray(id) + "' ORDER BY f.reason)")
                .constData());
    };
    QCOMPARE(flags("conflict"), QStringLiteral("conflicting_signals"));
    QCOMPARE(flags("corrected"), QStringLiteral("conflicting_signals,correction_to_review"));
    QCOMPARE(flags("error"), QStringLiteral("failed_call"));
    QCOMPARE(flags("filtered"), QStringLiteral("content_filtered,empty_output"));
    QCOMPARE(flags("cut"), QStringLiteral("truncated_output"));
    QCOMPARE(flags("empty"), QStringLiteral("empty_output"));
    QCOMPARE(flags("echo"), QStringLiteral("repeats_input"));
    QCOMPARE(flags("pii"), QStringLiteral("personal_data"));
    QCOMPARE(flags("fine"), QStringLiteral("<null>"));
    QCOMPARE(text("SELECT kind || ' ' || field || ' ' || message_index || ' ' || start || ' ' || length FROM "
                  "pii_spans"),
             QStringLiteral("card input 1 11 19"));
    // The queue: highest priority first, with the reason's detail.
    auto queue = ReviewQueue(*m_store, {}).pageAfter(nullptr, 3);
    QVERIFY(queue);
    QCOMPARE(queue->size(), 3);
    QCOMPARE(queue->at(0).key.reason, QStringLiteral("conflicting_signals"));
    QVERIFY(queue->at(0).key.priority >= queue->at(1).key.priority &&
            queue->at(1).key.priority >= queue->at(2).key.priority);
    QVERIFY(!queue->at(0).detail.isEmpty());
}

void TestCuration::latencyOutliersPerModelVersion()
{
    QByteArray lines;
    for (int i = 0; i < 30; ++i) {
        // v1 answers in about 1 s, v2 in about 5 s: 5 s is normal for v2 and an outlier for v1.
        lines += line("a" + QByteArray::number(i), "Q" + QByteArray::number(i), "A",
                      ",\"latency_ms\":" + QByteArray::number(1000 + (i % 5) * 20));
        lines += line("b" + QByteArray::number(i), "R" + QByteArray::number(i), "B",
                      ",\"model_version\":\"v2\",\"latency_ms\":" + QByteArray::number(5000 + (i % 5) * 20));
    }
    lines += line("slow", "Slow one", "C", R"(,"latency_ms":5000)");
    ingest(lines);
    QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
    QCOMPARE(
        text("SELECT group_concat(i.external_id) FROM flags f JOIN interactions i ON i.id = f.interaction_id "
             "WHERE f.reason = 'latency_outlier'"),
        QStringLiteral("slow"));
    QCOMPARE(text("SELECT detail FROM flags WHERE reason = 'latency_outlier'"),
             QStringLiteral("5000 ms; this version's median is about 1.0 s"));
    // New traffic that moves the median a little (1040 ms to 1020 ms) leaves the flag's detail as it
    // was, so an incremental run has no reason to rewrite it.
    QByteArray more;
    for (int i = 0; i < 12; ++i)
        more += line("c" + QByteArray::number(i), "S" + QByteArray::number(i), "D", R"(,"latency_ms":1000)");
    ingest(more);
    QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
    QCOMPARE(text("SELECT detail FROM flags WHERE reason = 'latency_outlier'"),
             QStringLiteral("5000 ms; this version's median is about 1.0 s"));
}

void TestCuration::exactDuplicatesClusterWithBestRepresentative()
{
    ingest(line("d1", "Where is my ORDER?", "Soon.", R"(,"outcome":"abandoned")") +
           line("d2", "  where is my   order? ", "On its way.", R"(,"outcome":"accepted")") +
           line("d3", "Where is my order?", "Tomorrow.") + line("solo", "Something else", "Sure."));
    auto report = Curator(*m_store, RuleSet::defaults()).run();
    QVERIFY(report);
    QCOMPARE(report->duplicateGroups, qint64(1));
    QCOMPARE(report->duplicateMembers, qint64(3));
    // The accepted one represents the cluster: exports keep it.
    QCOMPARE(text("SELECT group_concat(DISTINCT r.external_id) FROM curation c JOIN interactions r ON r.id = "
                  "c.cluster_id"),
             QStringLiteral("d2"));
    QCOMPARE(count("SELECT count(*) FROM curation WHERE cluster_id IS NULL"), qint64(1));
}

void TestCuration::nearDuplicatePairs()
{
    const std::vector<std::string> texts = {
        "where is my order number 1234, it was due on monday and still has not arrived",
        "where is my order number 1235, it was due on monday and still has not arrived", // one digit off
        "how do i change the email address on my account and keep my order history",     // unrelated
        "where is my parcel number 1234, it was due on friday and still has not come",   // about half alike
        "",
    };
    std::vector<std::string_view> views(texts.begin(), texts.end());
    const auto pairs = findNearDuplicates(views, NearDuplicateSettings{});
    QCOMPARE(pairs.size(), size_t(1));
    QCOMPARE(pairs[0].first, quint32(0));
    QCOMPARE(pairs[0].second, quint32(1));
    const double exact = jaccard(shingleSet(texts[0], 5), shingleSet(texts[1], 5));
    QVERIFY(exact >= 0.8);
    QCOMPARE(double(pairs[0].similarity), double(float(exact)));
    QVERIFY(jaccard(shingleSet(texts[0], 5), shingleSet(texts[3], 5)) < 0.8);

    NearDuplicateSettings looser;
    looser.threshold = 0.5;
    looser.rows = 3;
    looser.bands = 33;
    const auto more = findNearDuplicates(views, looser);
    QVERIFY(more.size() >= 2); // now 0-3 and 1-3 too
    for (const NearDuplicatePair &pair : more)
        QVERIFY(pair.similarity >= 0.5f);
}

void TestCuration::nearDuplicatesInALargeBucket()
{
    // Hundreds of variants of one template share buckets far beyond the cap; each is still found
    // near at least one other, so they form one cluster.
    std::vector<std::string> texts;
    for (int i = 0; i < 300; ++i)
        texts.push_back("please reset the password of the account registered to customer number " +
                        std::to_string(100000 + i) + " before noon today");
    std::vector<std::string_view> views(texts.begin(), texts.end());
    const auto pairs = findNearDuplicates(views, NearDuplicateSettings{});
    std::vector<quint32> parent(texts.size());
    for (quint32 i = 0; i < parent.size(); ++i)
        parent[i] = i;
    const auto root = [&](quint32 x) {
        while (parent[x] != x)
            x = parent[x];
        return x;
    };
    for (const NearDuplicatePair &pair : pairs)
        parent[root(pair.second)] = root(pair.first);
    for (quint32 i = 0; i < parent.size(); ++i)
        QCOMPARE(root(i), root(0));
    QVERIFY(pairs.size() < texts.size() * 64); // capped, not all 44,850 pairs
}

void TestCuration::nearDuplicatesJoinClusters()
{
    ingest(line("n1", "My parcel 55120 has not arrived and the tracking page shows nothing since Monday",
                "Sorry.", R"(,"outcome":"abandoned")") +
           line("n2", "My parcel 55121 has not arrived and the tracking page shows nothing since Monday",
                "Let me check.", R"(,"outcome":"accepted")") +
           line("n3", "my parcel 55121 has not arrived and the tracking page shows nothing since monday",
                "Checking.") +
           line("other", "How do I change my delivery address for an order that already shipped?",
                "Contact us."));
    auto report = Curator(*m_store, RuleSet::defaults()).run();
    QVERIFY(report);
    QCOMPARE(report->nearDuplicatePairs, qint64(1));
    QCOMPARE(report->duplicateGroups, qint64(1));
    QCOMPARE(report->duplicateMembers, qint64(3));
    // n2 (accepted) represents the cluster of the exact pair n2/n3 and the near one n1.
    QCOMPARE(text("SELECT group_concat(i.external_id) FROM curation c JOIN interactions i ON i.id = "
                  "c.interaction_id "
                  "WHERE c.cluster_id = (SELECT id FROM interactions WHERE external_id = 'n2')"),
             QStringLiteral("n1,n2,n3"));
    QCOMPARE(count("SELECT count(*) FROM curation WHERE cluster_id IS NULL"), qint64(1));
    auto pairs = loadNearDuplicatePairs(*m_store, 10);
    QVERIFY(pairs);
    QCOMPARE(pairs->size(), 1);
    QCOMPARE(pairs->at(0).firstExternalId, QStringLiteral("n1"));
    QCOMPARE(pairs->at(0).secondExternalId, QStringLiteral("n2"));
    QVERIFY(pairs->at(0).similarity >= 0.8);
}

void TestCuration::segmentsAndCoverage()
{
    QByteArray lines;
    // billing: 40 interactions, all curated; shipping: 40, none curated; no category: 1.
    for (int i = 0; i < 40; ++i) {
        lines += line("b" + QByteArray::number(i), "Invoice " + QByteArray::number(i), "Here.",
                      R"(,"category":"billing","outcome":"accepted")");
        lines += line("s" + QByteArray::number(i),
                      i == 0 ? QByteArray("Where is parcel zero?") : QByteArray("Where is my parcel?"),
                      "Coming.", R"(,"category":"shipping")");
    }
    lines += line("u", "Hello", "Hi.");
    ingest(lines);
    auto report = Curator(*m_store, RuleSet::defaults()).run();
    QVERIFY(report);
    QCOMPARE(report->segments, qint64(3));
    QCOMPARE(text("SELECT segment FROM curation c JOIN interactions i ON i.id = c.interaction_id WHERE "
                  "i.external_id = 'u'"),
             QStringLiteral("uncategorized"));
    // Shipping is under-covered: its one novel input, and the repeated ones.
    QCOMPARE(text("SELECT group_concat(f.reason) FROM flags f JOIN interactions i ON i.id = f.interaction_id "
                  "WHERE i.external_id = 's0'"),
             QStringLiteral("novel_input"));
    QCOMPARE(count("SELECT count(*) FROM flags WHERE reason = 'under_covered_segment'"), qint64(39));
    QCOMPARE(count("SELECT count(*) FROM flags f JOIN curation c USING (interaction_id) WHERE c.segment = "
                   "'billing'"),
             qint64(0));
    // The run keeps each segment's coverage for the charts.
    QCOMPARE(text("SELECT traffic || ' ' || curated || ' ' || under_covered FROM segment_stats WHERE segment "
                  "= 'shipping'"),
             QStringLiteral("40 0 1"));
    QCOMPARE(
        text(
            "SELECT traffic || ' ' || curated || ' ' || under_covered || ' ' || round(curated_share, 2) FROM "
            "segment_stats WHERE segment = 'billing'"),
        QStringLiteral("40 40 0 1.0"));
    const auto shipping = std::find_if(report->segmentStats.begin(), report->segmentStats.end(),
                                       [](const auto &g) { return g.name == "shipping"; });
    QVERIFY(shipping != report->segmentStats.end());
    QCOMPARE(shipping->trafficShare, 40.0 / 81.0);
    QCOMPARE(shipping->failureRate, 0.0); // nothing failed anywhere, so nothing is hard
    QCOMPARE(shipping->hardness, 0.0);
}

void TestCuration::hardnessIsDrawnTowardTheStore()
{
    QByteArray lines;
    for (int i = 0; i < 100; ++i) {
        const bool small = i < 10;
        const bool failed = small ? i < 5 : i < 19; // 5 of 10 in "a", 9 of 90 in "b"
        lines += line("h" + QByteArray::number(i), "Question " + QByteArray::number(i), "Answer.",
                      QByteArray(R"(,"category":")") + (small ? "a" : "b") + R"(","outcome":")" +
                          (failed ? "abandoned" : "accepted") + "\"");
    }
    ingest(lines);
    auto report = Curator(*m_store, RuleSet::defaults()).run();
    QVERIFY(report);
    QCOMPARE(report->segmentStats.size(), size_t(2));
    for (const auto &g : report->segmentStats) {
        const double overall = 14.0 / 100.0;
        if (g.name == "a") {
            QCOMPARE(g.failureRate, 0.5);
            QCOMPARE(g.hardness, (5 + 20 * overall) / (10 + 20));
        } else {
            QCOMPARE(g.failureRate, 0.1);
            QCOMPARE(g.hardness, (9 + 20 * overall) / (90 + 20));
        }
    }
}

void TestCuration::topicsForUncategorizedInputs()
{
    std::vector<std::string> texts;
    const char *const passwords[] = {"reset", "forgot", "change", "recover", "lost"};
    const char *const parcels[] = {"late", "missing", "damaged", "delayed", "lost"};
    for (int i = 0; i < 5; ++i) {
        texts.push_back(std::string("i ") + passwords[i] + " my password and cannot login to my account");
        texts.push_back(std::string("my parcel is ") + parcels[i] + " and the tracking shows no delivery");
    }
    texts.push_back("hello");
    std::vector<std::string_view> views(texts.begin(), texts.end());
    const Topics topics = findTopics(views, std::vector<qint64>(texts.size(), 1));
    QCOMPARE(topics.names.size(), size_t(2));
    QCOMPARE(topics.topicOf.back(), -1); // no word a topic knows
    for (size_t i = 0; i + 1 < texts.size(); ++i)
        QCOMPARE(topics.topicOf[i], topics.topicOf[i % 2]); // the two themes stay apart
    QVERIFY(topics.topicOf[0] != topics.topicOf[1]);
    const std::string passwordTopic = topics.names[size_t(topics.topicOf[0])];
    const std::string parcelTopic = topics.names[size_t(topics.topicOf[1])];
    QVERIFY2(passwordTopic.find("password") != std::string::npos ||
                 passwordTopic.find("login") != std::string::npos ||
                 passwordTopic.find("account") != std::string::npos,
             passwordTopic.c_str());
    QVERIFY2(parcelTopic.find("parcel") != std::string::npos ||
                 parcelTopic.find("tracking") != std::string::npos ||
                 parcelTopic.find("delivery") != std::string::npos,
             parcelTopic.c_str());

    // In a run, interactions with a category keep it; the others get their topic.
    QByteArray lines;
    for (size_t i = 0; i < texts.size(); ++i)
        lines += line("t" + QByteArray::number(qint64(i)), QByteArray::fromStdString(texts[i]), "Ok.");
    lines += line("billing", "my invoice is wrong", "Ok.", R"(,"category":"billing")");
    ingest(lines);
    QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
    QCOMPARE(count("SELECT count(DISTINCT segment) FROM curation WHERE segment LIKE 'topic:%'"), qint64(2));
    QCOMPARE(text("SELECT segment FROM curation c JOIN interactions i ON i.id = c.interaction_id "
                  "WHERE i.external_id = 'billing'"),
             QStringLiteral("billing"));
    QCOMPARE(text("SELECT segment FROM curation c JOIN interactions i ON i.id = c.interaction_id "
                  "WHERE i.external_id = 't10'"),
             QStringLiteral("uncategorized"));
}

void TestCuration::reviewsAreNeverOverwrittenAndLeaveTheQueue()
{
    ingest(line("r1", "Price?", "Ten.", R"(,"outcome":"accepted","correction":{"output":"Twelve."})") +
           line("r2", "Hours?", "", R"(,"finish_reason":"error")"));
    QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
    QVERIFY(m_store->db().exec(
        "INSERT INTO reviews (interaction_id, decision, label, reviewer, created_at) "
        "SELECT id, 'approve', 'gold', 'ana', 1 FROM interactions WHERE external_id = 'r1'"));
    auto queue = ReviewQueue(*m_store, {}).pageAfter(nullptr, 10);
    QVERIFY(queue);
    QCOMPARE(queue->size(), 1);
    QCOMPARE(queue->at(0).externalId, QStringLiteral("r2"));
    QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
    QCOMPARE(text("SELECT decision || ' ' || label || ' ' || reviewer FROM reviews"),
             QStringLiteral("approve gold ana"));
    // The label that counts is the latest review's; the rules' stays for the analysis.
    QVERIFY(
        m_store->db().exec("INSERT INTO reviews (interaction_id, decision, label, created_at) "
                           "SELECT id, 'reject', 'negative', 2 FROM interactions WHERE external_id = 'r1'"));
    QCOMPARE(
        text(
            "SELECT e.label || ' ' || e.decided_by || ' ' || c.label FROM effective_labels e JOIN curation c "
            "USING (interaction_id) JOIN interactions i ON i.id = e.interaction_id WHERE i.external_id = "
            "'r1'"),
        QStringLiteral("negative review gold"));
    QCOMPARE(
        text("SELECT e.label || ' ' || e.decided_by FROM effective_labels e JOIN interactions i ON i.id = "
             "e.interaction_id WHERE i.external_id = 'r2'"),
        QStringLiteral("negative rules"));
    // A reviewed correction no longer waits for review.
    QCOMPARE(count("SELECT count(*) FROM flags WHERE reason = 'correction_to_review'"), qint64(0));
}

void TestCuration::cancelledRunKeepsPreviousResults()
{
    ingest(line("c1", "A?", "B.", R"(,"outcome":"accepted")") +
           line("c2", "C?", "", R"(,"finish_reason":"error")"));
    QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
    const QString before = text("SELECT group_concat(interaction_id || label || fingerprint) FROM curation");
    ingest(line("c3", "D?", "E.", R"(,"outcome":"abandoned")"));
    std::atomic_bool cancel{true};
    Curator cancelled(*m_store, RuleSet::defaults());
    cancelled.setCancelFlag(&cancel);
    auto report = cancelled.run();
    QVERIFY(report);
    QVERIFY(report->cancelled);
    QCOMPARE(text("SELECT group_concat(interaction_id || label || fingerprint) FROM curation"), before);
    QCOMPARE(count("SELECT count(*) FROM flags"), qint64(1));
    QCOMPARE(text("SELECT group_concat(status) FROM curation_runs"), QStringLiteral("completed,cancelled"));
}

void TestCuration::ruleAnalysisCountsOverlapsConflictsAndOverturns()
{
    ingest(line("x1", "A?", "B.", R"(,"outcome":"accepted","feedback":[{"kind":"thumbs","value":"up"}])") +
           line("x2", "C?", "D.", R"(,"outcome":"accepted","feedback":[{"kind":"thumbs","value":"down"}])") +
           line("x3", "E?", "F.", R"(,"outcome":"accepted")"));
    QVERIFY(m_store->db().exec("INSERT INTO reviews (interaction_id, decision, label, created_at) SELECT id, "
                               "'reject', 'negative', 1 FROM interactions WHERE external_id = 'x3'"));
    auto report = Curator(*m_store, RuleSet::defaults()).run();
    QVERIFY(report);
    const auto rule = [&](const char *id) {
        for (const auto &stats : report->rules)
            if (stats.id == id)
                return stats;
        return CurationReport::RuleStats{};
    };
    QCOMPARE(rule("accepted_as_is").coverage, qint64(3));
    QCOMPARE(rule("accepted_as_is").overlaps, qint64(2));
    QCOMPARE(rule("accepted_as_is").conflicts, qint64(1));
    QCOMPARE(rule("accepted_as_is").reviewed, qint64(1));
    QCOMPARE(rule("accepted_as_is").overturned, qint64(1));
    QCOMPARE(rule("thumbs_down").conflicts, qint64(1));
    QCOMPARE(rule("thumbs_up").conflicts, qint64(0));
}

void TestCuration::showAndDuplicateQueries()
{
    ingest(
        line("s1", "Email me at a.b@example.org", "Done.", R"(,"feedback":[{"kind":"rating","value":5}])") +
        line("s2", "email me at a.b@example.org", "Done again."));
    QVERIFY(Curator(*m_store, RuleSet::defaults()).run());
    auto details = loadInteractionDetails(*m_store, QStringLiteral("s1"));
    QVERIFY(details);
    QCOMPARE(details->size(), 1);
    const InteractionDetails &d = details->at(0);
    QCOMPARE(d.label, QStringLiteral("positive"));
    QCOMPARE(d.feedback.size(), 1);
    QCOMPARE(d.clusterSize, qint64(2));
    QCOMPARE(d.personalData.size(), 1);
    QCOMPARE(d.personalData[0].kind, QStringLiteral("email"));
    QCOMPARE(d.flags.size(), 1);
    auto clusters = loadDuplicateClusters(*m_store, 10, 10);
    QVERIFY(clusters);
    QCOMPARE(clusters->size(), 1);
    QCOMPARE(clusters->at(0).size, qint64(2));
    QCOMPARE(clusters->at(0).representativeExternalId, QStringLiteral("s1"));
    QVERIFY(loadInteractionDetails(*m_store, QStringLiteral("nope"))->isEmpty());
}

QTEST_GUILESS_MAIN(TestCuration)
