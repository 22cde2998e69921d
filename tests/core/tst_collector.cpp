#include "tst_collector.h"

#include "../common/httpclient.h"
#include "ingesttesting.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QThreadPool>
#include <QtConcurrent>

#include <zlib.h>

using namespace flywheel;
using namespace flywheel::testing;

namespace {

const QString kData = QStringLiteral(FLYWHEEL_TEST_DATA);

QJsonObject jsonOf(const HttpResponse &response)
{
    return QJsonDocument::fromJson(response.body).object();
}

QByteArray rawRequest(const QByteArray &path, const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return "POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Length: " + QByteArray::number(body.size()) +
           "\r\n" + extraHeaders + "\r\n" + body;
}

// Many clients at once: the global pool has only as many threads as cores.
QThreadPool &clientPool()
{
    static QThreadPool pool;
    pool.setMaxThreadCount(16);
    return pool;
}

} // namespace

void TestCollector::init()
{
    m_dir.emplace();
}

void TestCollector::cleanup()
{
    m_server.reset();
}

QString TestCollector::storePath() const
{
    return m_dir->filePath(QStringLiteral("live.flywheel"));
}

void TestCollector::startServer(CollectorOptions options)
{
    options.port = 0;
    auto server = CollectorServer::start(storePath(), std::move(options));
    QVERIFY2(server, qPrintable(server.errorMessage()));
    m_server = std::move(*server);
}

HttpResponse TestCollector::call(const std::function<HttpResponse(HttpClient &)> &call)
{
    const quint16 port = m_server->port();
    QFuture<HttpResponse> future = QtConcurrent::run(&clientPool(), [port, call] {
        HttpClient client(QStringLiteral("127.0.0.1"), port);
        return call(client);
    });
    QDeadlineTimer deadline(30000);
    while (!future.isFinished() && !deadline.hasExpired())
        QTest::qWait(2);
    return future.isFinished() ? future.result() : HttpResponse{0, {}, {}, QStringLiteral("timed out")};
}

qint64 TestCollector::interactions()
{
    auto store = Store::open(storePath());
    return store ? count(*store, "SELECT count(*) FROM interactions") : -1;
}

void TestCollector::healthAndUnknownRoutes()
{
    startServer();
    HttpResponse health = call([](HttpClient &c) { return c.get("/healthz"); });
    QCOMPARE(health.status, 200);
    QCOMPARE(jsonOf(health).value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(health.header("content-type"), QByteArray("application/json"));

    // HEAD answers the headers only, so the next response on the connection starts where it should.
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("HEAD /healthz HTTP/1.1\r\nHost: test\r\n\r\nGET /healthz HTTP/1.1\r\nHost: test\r\n\r\n");
    QByteArray received;
    QTRY_COMPARE((received += socket.readAll()).count("\"status\":\"ok\""), qsizetype(1));
    QCOMPARE(received.count("HTTP/1.1 200 OK"), qsizetype(2));
    QVERIFY(received.endsWith("}"));

    HttpResponse unknown = call([](HttpClient &c) { return c.post("/v2/everything", "{}"); });
    QCOMPARE(unknown.status, 404);
    QVERIFY(jsonOf(unknown).value(QStringLiteral("error")).toString().contains(QStringLiteral("/v1/traces")));

    HttpResponse wrongMethod = call([](HttpClient &c) { return c.get("/v1/traces"); });
    QCOMPARE(wrongMethod.status, 405);
    QCOMPARE(wrongMethod.header("allow"), QByteArray("POST"));
    QCOMPARE(call([](HttpClient &c) { return c.post("/healthz", "{}"); }).status, 405);
}

void TestCollector::answersAfterCommitWithCounts()
{
    startServer();
    const QByteArray body = interactionLine("a1") + interactionLine("a2");
    HttpResponse response = call([&](HttpClient &c) { return c.post("/v1/interactions", body); });
    QCOMPARE(response.status, 200);
    const QJsonObject counts = jsonOf(response);
    QCOMPARE(counts.value(QStringLiteral("read")).toInt(), 2);
    QCOMPARE(counts.value(QStringLiteral("stored")).toInt(), 2);
    QCOMPARE(counts.value(QStringLiteral("interactions_added")).toInt(), 2);
    // The answer came after the commit: another connection sees both records now.
    QCOMPARE(interactions(), qint64(2));
}

void TestCollector::retryingARequestStoresNothingTwice()
{
    startServer();
    const QByteArray body =
        interactionLine("r1", R"(,"feedback":[{"kind":"thumbs","value":"up"}])") + interactionLine("r2");
    QCOMPARE(call([&](HttpClient &c) { return c.post("/v1/interactions", body); }).status, 200);
    HttpResponse retry = call([&](HttpClient &c) { return c.post("/v1/interactions", body); });
    QCOMPARE(retry.status, 200);
    QCOMPARE(jsonOf(retry).value(QStringLiteral("unchanged")).toInt(), 2);
    QCOMPARE(jsonOf(retry).value(QStringLiteral("stored")).toInt(), 0);
    QCOMPARE(interactions(), qint64(2));
    auto store = Store::open(storePath());
    QCOMPARE(count(*store, "SELECT count(*) FROM feedback_events"), qint64(1));
}

void TestCollector::malformedBodyIsRefusedWhole()
{
    startServer();
    const QByteArray body =
        interactionLine("m1") + interactionLine("m2") + R"({"id":"m3","input":"no time"})";
    HttpResponse response = call([&](HttpClient &c) { return c.post("/v1/interactions", body); });
    QCOMPARE(response.status, 400);
    const QJsonObject error = jsonOf(response);
    QCOMPARE(error.value(QStringLiteral("line")).toInt(), 3);
    QVERIFY2(
        error.value(QStringLiteral("error")).toString().contains(QStringLiteral("missing required field")),
        response.body.constData());
    QCOMPARE(interactions(), qint64(0));

    HttpResponse badFormat =
        call([&](HttpClient &c) { return c.post("/v1/interactions?format=yaml", body); });
    QCOMPARE(badFormat.status, 400);
    QVERIFY(badFormat.body.contains("format takes one of"));
}

void TestCollector::tracesAndFeedbackEndToEnd()
{
    startServer();
    QFile file(kData + QStringLiteral("/otlp_traces.jsonl"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray exportRequest = file.readLine().trimmed();
    // As an OpenTelemetry exporter sends it: pretty-printing must not matter.
    const QByteArray pretty = QJsonDocument::fromJson(exportRequest).toJson(QJsonDocument::Indented);
    HttpResponse traces = call([&](HttpClient &c) {
        return c.post("/v1/traces", pretty, {{"Content-Type", "application/json"}});
    });
    QCOMPARE(traces.status, 200);
    // An ExportTraceServiceResponse: the non-model span is accepted and said to be not stored.
    const QJsonObject partial = jsonOf(traces).value(QStringLiteral("partialSuccess")).toObject();
    QCOMPARE(partial.value(QStringLiteral("rejectedSpans")).toString(), QStringLiteral("0"));
    QVERIFY(partial.value(QStringLiteral("errorMessage"))
                .toString()
                .contains(QStringLiteral("not a model call")));
    const qint64 fromTraces = interactions();
    QVERIFY(fromTraces >= 1);

    QCOMPARE(call([](HttpClient &c) { return c.post("/v1/interactions", interactionLine("fb1")); }).status,
             200);
    const QByteArray events =
        R"({"type":"feedback","interaction_id":"fb1","kind":"rating","value":4})" + QByteArray("\n") +
        R"({"type":"correction","interaction_id":"fb1","output":"Open Settings, then Security, then Reset."})";
    HttpResponse feedback = call([&](HttpClient &c) { return c.post("/v1/feedback", events); });
    QCOMPARE(feedback.status, 200);
    QCOMPARE(jsonOf(feedback).value(QStringLiteral("feedback_events_added")).toInt(), 1);
    QCOMPARE(jsonOf(feedback).value(QStringLiteral("corrections_added")).toInt(), 1);
    auto store = Store::open(storePath());
    QCOMPARE(count(*store, "SELECT count(*) FROM feedback_events WHERE interaction_id IS NOT NULL"),
             qint64(1));
    QCOMPARE(count(*store, "SELECT count(*) FROM corrections WHERE interaction_id IS NOT NULL"), qint64(1));

    HttpResponse misplaced = call([](HttpClient &c) { return c.post("/v1/feedback", interactionLine("x")); });
    QCOMPARE(misplaced.status, 400);
}

void TestCollector::gzipBodies()
{
    CollectorOptions options;
    options.maxBodyBytes = 64 * 1024;
    startServer(options);
    const QByteArray body = interactionLine("z1") + interactionLine("z2");
    HttpResponse zipped = call([&](HttpClient &c) {
        return c.post("/v1/interactions", gzipped(body), {{"Content-Encoding", "gzip"}});
    });
    QCOMPARE(zipped.status, 200);
    QCOMPARE(interactions(), qint64(2));

    // Small on the wire, over the limit once inflated.
    const QByteArray bomb = gzipped(QByteArray(1024 * 1024, ' ') + interactionLine("z3"));
    QVERIFY(bomb.size() < options.maxBodyBytes);
    HttpResponse tooLarge = call([&](HttpClient &c) {
        return c.post("/v1/interactions", bomb, {{"Content-Encoding", "gzip"}});
    });
    QCOMPARE(tooLarge.status, 413);
    QVERIFY(tooLarge.body.contains("once inflated"));

    HttpResponse corrupt = call([&](HttpClient &c) {
        return c.post("/v1/interactions", gzipped(body).left(20), {{"Content-Encoding", "gzip"}});
    });
    QCOMPARE(corrupt.status, 400);
    HttpResponse brotli = call([&](HttpClient &c) {
        return c.post("/v1/interactions", body, {{"Content-Encoding", "br"}});
    });
    QCOMPARE(brotli.status, 415);
    QCOMPARE(interactions(), qint64(2));
}

void TestCollector::tokenIsRequiredWhenSet()
{
    CollectorOptions options;
    options.token = QStringLiteral("s3cret-token");
    startServer(options);
    const QByteArray body = interactionLine("t1");
    HttpResponse missing = call([&](HttpClient &c) { return c.post("/v1/interactions", body); });
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.header("www-authenticate"), QByteArray("Bearer"));
    HttpResponse wrong = call([&](HttpClient &c) {
        return c.post("/v1/interactions", body, {{"Authorization", "Bearer s3cret-tokem"}});
    });
    QCOMPARE(wrong.status, 401);
    HttpResponse shorter = call([&](HttpClient &c) {
        return c.post("/v1/interactions", body, {{"Authorization", "Bearer s3cret"}});
    });
    QCOMPARE(shorter.status, 401);
    QCOMPARE(interactions(), qint64(0));
    HttpResponse right = call([&](HttpClient &c) {
        return c.post("/v1/interactions", body, {{"Authorization", "Bearer s3cret-token"}});
    });
    QCOMPARE(right.status, 200);
    QCOMPARE(interactions(), qint64(1));
    // Health checks stay open: they reveal nothing stored.
    QCOMPARE(call([](HttpClient &c) { return c.get("/healthz"); }).status, 200);
}

void TestCollector::refusesToListenOffLoopbackWithoutToken()
{
    CollectorOptions options;
    options.address = QHostAddress::AnyIPv4;
    options.port = 0;
    auto refused = CollectorServer::start(storePath(), options);
    QVERIFY(!refused);
    QVERIFY2(refused.errorMessage().contains(QStringLiteral("without a token")),
             qPrintable(refused.errorMessage()));
    QVERIFY(!QFile::exists(storePath()));

    options.token = QStringLiteral("t");
    auto allowed = CollectorServer::start(storePath(), options);
    QVERIFY2(allowed, qPrintable(allowed.errorMessage()));
    QVERIFY((*allowed)->url().startsWith(QStringLiteral("http://0.0.0.0:")));

    // A port already taken is a clear error, not a silent failure.
    CollectorOptions clash;
    clash.port = (*allowed)->port();
    clash.address = QHostAddress::AnyIPv4;
    clash.token = QStringLiteral("t");
    auto second = CollectorServer::start(storePath(), clash);
    QVERIFY(!second);
    QVERIFY2(second.errorMessage().contains(QStringLiteral("cannot listen")),
             qPrintable(second.errorMessage()));
}

void TestCollector::bodyOverTheLimitIsRefusedBeforeItIsRead()
{
    CollectorOptions options;
    options.maxBodyBytes = 4096;
    startServer(options);
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
    QVERIFY(socket.waitForConnected(5000));
    // Only the head: the refusal must not wait for a body that may never be sent.
    socket.write("POST /v1/interactions HTTP/1.1\r\nHost: test\r\nContent-Length: 100000000\r\n\r\n");
    QByteArray received;
    QTRY_VERIFY((received += socket.readAll()).contains("\r\n\r\n{"));
    QVERIFY2(received.startsWith("HTTP/1.1 413"), received.constData());
    QTRY_COMPARE(socket.state(), QAbstractSocket::UnconnectedState);

    const QByteArray big = interactionLine("big", R"(,"note":")" + QByteArray(8000, 'x') + "\"");
    HttpResponse response = call([&](HttpClient &c) { return c.post("/v1/interactions", big); });
    QCOMPARE(response.status, 413);
    QVERIFY(response.body.contains("4096"));
    QCOMPARE(call([](HttpClient &c) { return c.post("/v1/interactions", interactionLine("small")); }).status,
             200);
    QCOMPARE(interactions(), qint64(1));
}

void TestCollector::expectContinueIsAnswered()
{
    startServer();
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
    QVERIFY(socket.waitForConnected(5000));
    const QByteArray body = interactionLine("e1");
    socket.write("POST /v1/interactions HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: " +
                 QByteArray::number(body.size()) + "\r\n\r\n");
    QByteArray received;
    QTRY_VERIFY((received += socket.readAll()).contains("HTTP/1.1 100 Continue\r\n\r\n"));
    socket.write(body);
    QTRY_VERIFY((received += socket.readAll()).contains("HTTP/1.1 200 OK"));
    QCOMPARE(interactions(), qint64(1));
}

void TestCollector::pipelinedRequestsAreAnsweredInOrder()
{
    startServer();
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
    QVERIFY(socket.waitForConnected(5000));
    // The first waits for its commit; the second could be answered at once but must come after.
    socket.write(rawRequest("/v1/interactions", interactionLine("p1")) + rawRequest("/nowhere", "{}") +
                 rawRequest("/v1/interactions", "bad"));
    QByteArray received;
    QTRY_COMPARE((received += socket.readAll()).count("HTTP/1.1 "), qsizetype(3));
    const qsizetype ok = received.indexOf("HTTP/1.1 200");
    const qsizetype missing = received.indexOf("HTTP/1.1 404");
    const qsizetype bad = received.indexOf("HTTP/1.1 400");
    QVERIFY2(ok >= 0 && ok < missing && missing < bad, received.constData());
}

void TestCollector::clientLeavingBeforeItsAnswerIsHarmless()
{
    startServer();
    auto locker = Store::open(storePath());
    QVERIFY(locker && locker->db().exec("BEGIN IMMEDIATE"));
    {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(rawRequest("/v1/interactions", interactionLine("gone")));
        QTRY_COMPARE(m_server->requestsInFlight(), qint64(1));
        socket.abort();
    }
    QTest::qWait(50); // the server sees the connection close while the commit waits
    QVERIFY(locker->db().exec("COMMIT"));
    QTRY_COMPARE(m_server->requestsInFlight(), qint64(0));
    // Committed though never acknowledged: a retry by the client would find it unchanged.
    QCOMPARE(interactions(), qint64(1));
    QCOMPARE(call([](HttpClient &c) { return c.get("/healthz"); }).status, 200);
}

void TestCollector::drainAnswersRequestsInFlightAndRefusesNewOnes()
{
    startServer();
    const quint16 port = m_server->port();
    auto locker = Store::open(storePath());
    QVERIFY(locker && locker->db().exec("BEGIN IMMEDIATE"));

    QList<QFuture<HttpResponse>> inFlight;
    for (int i = 0; i < 6; ++i) {
        inFlight.append(QtConcurrent::run(&clientPool(), [port, i] {
            HttpClient client(QStringLiteral("127.0.0.1"), port);
            return client.post("/v1/interactions", interactionLine("d" + QByteArray::number(i)));
        }));
    }
    QTRY_COMPARE(m_server->requestsInFlight(), qint64(6));
    QTcpSocket early; // connected before the drain, sends after it
    early.connectToHost(QStringLiteral("127.0.0.1"), port);
    QVERIFY(early.waitForConnected(5000));
    QTest::qWait(20);

    QSignalSpy drained(m_server.get(), &CollectorServer::drained);
    m_server->drain();
    QTcpSocket late;
    late.connectToHost(QStringLiteral("127.0.0.1"), port);
    QTRY_COMPARE(late.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(late.error(), QAbstractSocket::ConnectionRefusedError);

    early.write(rawRequest("/v1/interactions", interactionLine("too-late")));
    QByteArray received;
    QTRY_VERIFY((received += early.readAll()).contains("\r\n\r\n{"));
    QVERIFY2(received.startsWith("HTTP/1.1 503"), received.constData());
    QVERIFY(received.contains("Connection: close"));

    QTest::qWait(50);
    QCOMPARE(drained.count(), 0); // six requests still wait for their commit
    QVERIFY(locker->db().exec("COMMIT"));
    QTRY_COMPARE(drained.count(), 1);
    for (QFuture<HttpResponse> &future : inFlight) {
        QTRY_VERIFY(future.isFinished());
        QCOMPARE(future.result().status, 200);
    }
    QVERIFY(m_server->close());
    QCOMPARE(interactions(), qint64(6));
    auto store = Store::open(storePath());
    QCOMPARE(queryText(*store, "SELECT status || ' ' || stored FROM ingest_runs"),
             QStringLiteral("completed 6"));
}

QTEST_GUILESS_MAIN(TestCollector)
