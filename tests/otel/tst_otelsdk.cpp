// The collector against what real applications send: the `openai` client library instrumented by
// the official OpenTelemetry OpenAI instrumentation (content in log events, joined to the spans)
// or by OpenInference (content on the spans), exported by the OpenTelemetry JavaScript SDK's own
// OTLP exporters in each protocol, to a stand-in model server on loopback (tests/otel/app.cjs).
#include "../core/ingesttesting.h"
#include "collect/collectorserver.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace flywheel;
using namespace flywheel::testing;

class TestOtelSdk : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void startCollector(const QString &token = {});
    void exportersAndInstrumentations_data();
    void exportersAndInstrumentations();
    void contentCaptureOffStillRecordsTheCall();
    void theTokenIsRequiredOverEveryProtocol();

private:
    QString storePath() const { return m_dir->filePath(QStringLiteral("otel.flywheel")); }
    /// Runs the application once; returns its exit code (-1 when it did not finish).
    int runApp(const QString &protocol, const QString &instrumentation, const QString &question,
               const QStringList &environment = {});
    QString query(const QByteArray &sql);

    QString m_node;
    std::optional<QTemporaryDir> m_dir;
    std::unique_ptr<CollectorServer> m_server;
};

void TestOtelSdk::initTestCase()
{
    m_node = QStandardPaths::findExecutable(QStringLiteral("node"));
    QVERIFY2(!m_node.isEmpty(), "node is needed: apt-get install nodejs npm (packaging/test.sh does)");
    QVERIFY2(QFileInfo::exists(QStringLiteral(FLYWHEEL_OTEL_DIR "/node_modules/@opentelemetry/sdk-logs")),
             "the OpenTelemetry SDK is needed: npm ci --prefix tests/otel (packaging/test.sh does)");
}

void TestOtelSdk::init()
{
    m_dir.emplace();
    startCollector();
}

void TestOtelSdk::startCollector(const QString &token)
{
    m_server.reset();
    CollectorOptions options;
    options.port = 0;
    options.grpcAddress = QStringLiteral("127.0.0.1:0");
    options.token = token;
    auto server = CollectorServer::start(storePath(), options);
    QVERIFY2(server, qPrintable(server.errorMessage()));
    m_server = std::move(*server);
}

void TestOtelSdk::cleanup()
{
    if (m_server)
        QVERIFY(m_server->close());
    m_server.reset();
}

int TestOtelSdk::runApp(const QString &protocol, const QString &instrumentation, const QString &question,
                        const QStringList &environment)
{
    QProcess app;
    app.setWorkingDirectory(QStringLiteral(FLYWHEEL_OTEL_DIR));
    app.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &pair : environment)
        env.insert(pair.section(QLatin1Char('='), 0, 0), pair.section(QLatin1Char('='), 1));
    app.setProcessEnvironment(env);
    const int port = protocol == QStringLiteral("grpc") ? m_server->grpcPort() : m_server->port();
    const QString collector = QStringLiteral("http://127.0.0.1:%1").arg(port);
    app.start(m_node, {QStringLiteral("app.cjs"), protocol, instrumentation, collector, question});
    // The collector serves on this thread: wait by spinning its event loop, not by blocking it.
    QDeadlineTimer deadline(60000);
    while (app.state() != QProcess::NotRunning && !deadline.hasExpired())
        QTest::qWait(10);
    if (app.state() != QProcess::NotRunning) {
        app.kill();
        app.waitForFinished();
        return -1;
    }
    const QByteArray printed = app.readAllStandardOutput().trimmed();
    if (printed != "Answer to: " + question.toUtf8())
        qWarning() << "the application printed" << printed;
    return app.exitStatus() == QProcess::NormalExit ? app.exitCode() : -1;
}

QString TestOtelSdk::query(const QByteArray &sql)
{
    auto store = Store::open(storePath());
    return store ? queryText(*store, sql.constData()) : QStringLiteral("(no store)");
}

void TestOtelSdk::exportersAndInstrumentations_data()
{
    QTest::addColumn<QString>("protocol");
    QTest::addColumn<QString>("instrumentation");
    for (const char *protocol : {"http/protobuf", "http/json", "grpc"})
        for (const char *instrumentation : {"otel", "openinference"})
            QTest::addRow("%s %s", protocol, instrumentation)
                << QString::fromLatin1(protocol) << QString::fromLatin1(instrumentation);
}

void TestOtelSdk::exportersAndInstrumentations()
{
    QFETCH(QString, protocol);
    QFETCH(QString, instrumentation);
    const QString question =
        QStringLiteral("Where is order %1?").arg(qHash(protocol + instrumentation) % 1000);
    QCOMPARE(runApp(protocol, instrumentation, question), 0);
    // The official instrumentation's spans wait for their log events; both are flushed on exit.
    const QByteArray sql =
        "SELECT json_extract(input, '$[0].role') || '|' || json_extract(input, '$[0].content') "
        "|| '|' || json_extract(input, '$[1].content') || '|' || output || '|' || "
        "prompt_tokens || '+' || completion_tokens || '|' || json_extract(metadata, "
        "'$.service_name') FROM interactions";
    QTRY_COMPARE_WITH_TIMEOUT(
        query(sql),
        QStringLiteral("system|Answer briefly.|%1|Answer to: %1|21+7|e2e-%2").arg(question, instrumentation),
        10000);
    QCOMPARE(query("SELECT count(*) FROM interactions"), QStringLiteral("1"));
    QCOMPARE(query("SELECT count(*) FROM quarantine"), QStringLiteral("0"));
}

void TestOtelSdk::contentCaptureOffStillRecordsTheCall()
{
    QCOMPARE(runApp(QStringLiteral("http/protobuf"), QStringLiteral("otel"),
                    QStringLiteral("Private question"), {QStringLiteral("CAPTURE_CONTENT=false")}),
             0);
    QTRY_COMPARE_WITH_TIMEOUT(
        query("SELECT input || '|' || coalesce(output, '-') || '|' || model_name || '|' || "
              "finish_reason || '|' || json_extract(metadata, '$.content_captured') FROM "
              "interactions"),
        QStringLiteral("[]|-|gpt-4o-mini|stop|0"), 10000);
}

void TestOtelSdk::theTokenIsRequiredOverEveryProtocol()
{
    startCollector(QStringLiteral("e2e-secret"));
    for (const QString &protocol : {QStringLiteral("http/protobuf"), QStringLiteral("grpc")}) {
        // Without the token the exporters are refused (and say so when flushed), with it taken.
        QCOMPARE(runApp(protocol, QStringLiteral("openinference"), QStringLiteral("No token")), 1);
        QCOMPARE(query("SELECT count(*) FROM interactions WHERE input LIKE '%No token%'"),
                 QStringLiteral("0"));
        QCOMPARE(runApp(protocol, QStringLiteral("openinference"), QStringLiteral("With token ") + protocol,
                        {QStringLiteral("FLYWHEEL_COLLECTOR_TOKEN=e2e-secret")}),
                 0);
        QTRY_COMPARE_WITH_TIMEOUT(query("SELECT count(*) FROM interactions WHERE input LIKE '%With token " +
                                        protocol.toUtf8() + "%'"),
                                  QStringLiteral("1"), 10000);
    }
}

QTEST_GUILESS_MAIN(TestOtelSdk)
#include "tst_otelsdk.moc"
