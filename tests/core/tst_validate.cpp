// flywheel validate's checks: each rule on a crafted line, folders with manifests, and the figure
// that every export validates.

#include "export/validator.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace flywheel;

namespace {

// Ten valid chat examples, so the count warning stays out of the way.
QByteArray validChat()
{
    QByteArray lines;
    for (int n = 0; n < 10; ++n)
        lines += R"({"messages":[{"role":"user","content":"Hi )" + QByteArray::number(n) +
                 R"("},{"role":"assistant","content":"Hello."}]})" + "\n";
    return lines;
}

bool write(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

class TestValidate : public QObject {
    Q_OBJECT

private slots:
    void rules_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("check");
        QTest::addColumn<bool>("warning");
        QTest::newRow("invalid JSON")
            << QByteArray(R"({"messages": [)") << QStringLiteral("invalid_json") << false;
        QTest::newRow("invalid UTF-8")
            << QByteArray("{\"messages\":\"\xff\"}") << QStringLiteral("invalid_json") << false;
        QTest::newRow("not an object") << QByteArray(R"([1, 2])") << QStringLiteral("data_type") << false;
        QTest::newRow("messages not a list")
            << QByteArray(R"({"messages":"hi"})") << QStringLiteral("missing_messages_list") << false;
        QTest::newRow("message without content")
            << QByteArray(R"({"messages":[{"role":"user"},{"role":"assistant","content":"a"}]})")
            << QStringLiteral("message_missing_key") << false;
        QTest::newRow("unrecognised key")
            << QByteArray(
                   R"({"messages":[{"role":"user","content":"q","mood":"x"},{"role":"assistant","content":"a"}]})")
            << QStringLiteral("message_unrecognized_key") << false;
        QTest::newRow("tool calls warn")
            << QByteArray(R"({"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"",)"
                          R"("tool_calls":[]}]})")
            << QStringLiteral("message_unrecognized_key") << true;
        QTest::newRow("unrecognised role")
            << QByteArray(
                   R"({"messages":[{"role":"robot","content":"q"},{"role":"assistant","content":"a"}]})")
            << QStringLiteral("unrecognized_role") << false;
        QTest::newRow("content not a string")
            << QByteArray(
                   R"({"messages":[{"role":"user","content":["q"]},{"role":"assistant","content":"a"}]})")
            << QStringLiteral("missing_content") << false;
        QTest::newRow("no assistant") << QByteArray(R"({"messages":[{"role":"user","content":"q"}]})")
                                      << QStringLiteral("example_missing_assistant_message") << false;
        QTest::newRow("weight 2")
            << QByteArray(
                   R"({"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a","weight":2}]})")
            << QStringLiteral("invalid_weight") << false;
        QTest::newRow("DPO without input messages")
            << QByteArray(R"({"input":{},"preferred_output":[{"role":"assistant","content":"a"}],)"
                          R"("non_preferred_output":[{"role":"assistant","content":"b"}]})")
            << QStringLiteral("missing_input_messages") << false;
        QTest::newRow("TRL preference without rejected")
            << QByteArray(
                   R"({"prompt":[{"role":"user","content":"q"}],"chosen":[{"role":"assistant","content":"a"}]})")
            << QStringLiteral("missing_column") << false;
        QTest::newRow("unknown format")
            << QByteArray(R"({"question":"q"})") << QStringLiteral("unknown_format") << false;
    }

    void rules()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, check);
        QFETCH(bool, warning);
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("data.jsonl"));
        // The crafted line comes after valid rows of its format where there is one.
        const QByteArray before = line.startsWith(R"({"messages")") ? validChat() : QByteArray();
        QVERIFY(write(file, before + line + "\n"));
        auto report = validateDataset(file);
        QVERIFY(report);
        QVERIFY(!report->issues.empty());
        const ValidationIssue &issue = report->issues.front();
        QCOMPARE(issue.check, check);
        QCOMPARE(issue.warning, warning);
        QCOMPARE(issue.line, qint64(before.count('\n') + 1));
        QCOMPARE(report->ok(), warning);
    }

    void typesMustAgreeAcrossRows()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("kto.jsonl"));
        QVERIFY(write(
            file,
            R"({"prompt":[{"role":"user","content":"q"}],"completion":[{"role":"assistant","content":"a"}],"label":true})"
            "\n"
            R"({"prompt":"q","completion":[{"role":"assistant","content":"a"}],"label":false})"
            "\n"));
        auto report = validateDataset(file);
        QVERIFY(report);
        QVERIFY(!report->ok());
        QCOMPARE(report->issues.front().check, QStringLiteral("inconsistent_type"));
        QCOMPARE(report->issues.front().line, qint64(2));
    }

    void fewExamplesOnlyWarn()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("small.jsonl"));
        QVERIFY(write(file, validChat().left(validChat().indexOf('\n') + 1)));
        auto report = validateDataset(file);
        QVERIFY(report);
        QVERIFY(report->ok());
        QCOMPARE(report->issues.front().check, QStringLiteral("too_few_examples"));
    }

    void folderChecksManifestChecksums()
    {
        QTemporaryDir dir;
        QVERIFY(write(dir.filePath(QStringLiteral("train.jsonl")), validChat()));
        const QByteArray sha = QCryptographicHash::hash(validChat(), QCryptographicHash::Sha256).toHex();
        QVERIFY(
            write(dir.filePath(QStringLiteral("manifest.json")),
                  R"({"files":{"train.jsonl":{"sha256":")" + sha + R"("},"test.jsonl":{"sha256":"00"}}})"));
        auto report = validateDataset(dir.path());
        QVERIFY(report);
        QCOMPARE(report->files, qint64(1));
        QCOMPARE(report->lines, qint64(10));
        QCOMPARE(report->issues.size(), size_t(1));
        QCOMPARE(report->issues.front().check, QStringLiteral("missing_file"));

        QVERIFY(write(dir.filePath(QStringLiteral("train.jsonl")), validChat() + validChat()));
        report = validateDataset(dir.path());
        QVERIFY(report);
        QCOMPARE(report->issues.front().check, QStringLiteral("checksum"));
        QVERIFY(!report->ok());
    }

    void missingPathIsAnError()
    {
        QVERIFY(!validateDataset(QStringLiteral("/nonexistent/dataset")));
        QTemporaryDir dir;
        QVERIFY(!validateDataset(dir.path())); // no .jsonl file
    }
};

QTEST_GUILESS_MAIN(TestValidate)
#include "tst_validate.moc"
