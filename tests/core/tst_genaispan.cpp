// GenAI spans read from the protobuf messages: a model call without content (capture is opt-in in
// the instrumentations) is still an interaction, the newest conventions' JSON attributes and log
// style message bodies give the messages, and unusable calls say why.
#include "ingest/otlp/genaimessages.h"
#include "ingest/otlp/genaispan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace flywheel;
using namespace flywheel::otlp;

class TestGenAiSpan : public QObject {
    Q_OBJECT

private slots:
    void aCallWithoutContentIsStillAnInteraction();
    void readsTheNewestJsonAttributes();
    void readsMessageBodiesOfLogEvents();
    void refusesACallWithoutAStartTime();
    void skipsSpansThatAreNotModelCalls();
};

namespace {

using Span = opentelemetry::proto::trace::v1::Span;

void setText(Span &span, const std::string &key, const std::string &value)
{
    auto *attribute = span.add_attributes();
    attribute->set_key(key);
    attribute->mutable_value()->set_string_value(value);
}

void setInt(Span &span, const std::string &key, qint64 value)
{
    auto *attribute = span.add_attributes();
    attribute->set_key(key);
    attribute->mutable_value()->set_int_value(value);
}

Span chatSpan()
{
    Span span;
    span.set_trace_id(std::string("\x5b\x8e\xff\xf7\x98\x03\x81\x03\xd2\x69\xb6\x33\x81\x3f\xc6\x0c", 16));
    span.set_span_id(std::string("\xee\xe1\x9b\x7e\xc3\xc1\xb1\x74", 8));
    span.set_name("chat gpt-4o");
    span.set_start_time_unix_nano(1'790'000'000'000'000'000ULL);
    span.set_end_time_unix_nano(1'790'000'000'750'000'000ULL);
    setText(span, "gen_ai.operation.name", "chat");
    setText(span, "gen_ai.request.model", "gpt-4o");
    return span;
}

QJsonObject metadataOf(const InteractionRecord &r)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(r.metadataJson)).object();
}

} // namespace

void TestGenAiSpan::aCallWithoutContentIsStillAnInteraction()
{
    Span span = chatSpan();
    setInt(span, "gen_ai.usage.input_tokens", 31);
    setInt(span, "gen_ai.usage.output_tokens", 4);
    span.mutable_status()->set_code(opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
    span.mutable_status()->set_message("rate limited");
    GenAiSpanReader reader;
    ParsedLine out;
    std::string reason;
    QCOMPARE(reader.read(span, "support-api", out, reason), SpanRead::ReadWithoutContent);
    QCOMPARE(out.interactions.size(), size_t(1));
    const InteractionRecord &r = out.interactions.front();
    QCOMPARE(r.externalId, "5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174");
    QCOMPARE(r.inputJson, "[]");
    QVERIFY(!r.output);
    QCOMPARE(r.modelName, "gpt-4o");
    QCOMPARE(r.latencyMs, std::optional<qint64>(750));
    QCOMPARE(r.promptTokens, std::optional<qint64>(31));
    QCOMPARE(r.completionTokens, std::optional<qint64>(4));
    QCOMPARE(r.finishReason, "error");
    const QJsonObject metadata = metadataOf(r);
    QCOMPARE(metadata.value(QStringLiteral("content_captured")), QJsonValue(false));
    QCOMPARE(metadata.value(QStringLiteral("status_message")).toString(), QStringLiteral("rate limited"));
    QCOMPARE(metadata.value(QStringLiteral("service_name")).toString(), QStringLiteral("support-api"));
}

void TestGenAiSpan::readsTheNewestJsonAttributes()
{
    Span span = chatSpan();
    setText(span, "gen_ai.system_instructions", R"([{"type":"text","content":"Be brief."}])");
    setText(span, "gen_ai.input.messages",
            R"([{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]}])");
    setText(span, "gen_ai.output.messages",
            R"([{"role":"assistant","finish_reason":"stop","parts":[{"type":"text","content":"Sunny."}]}])");
    GenAiSpanReader reader;
    ParsedLine out;
    std::string reason;
    QCOMPARE(reader.read(span, {}, out, reason), SpanRead::Read);
    const InteractionRecord &r = out.interactions.front();
    const QJsonArray input = QJsonDocument::fromJson(QByteArray::fromStdString(r.inputJson)).array();
    QCOMPARE(input.size(), 2);
    QCOMPARE(input[0].toObject().value(QStringLiteral("role")).toString(), QStringLiteral("system"));
    QCOMPARE(input[0].toObject().value(QStringLiteral("content")).toString(), QStringLiteral("Be brief."));
    QCOMPARE(input[1].toObject().value(QStringLiteral("content")).toString(),
             QStringLiteral("Weather in Paris?"));
    QCOMPARE(r.output.value_or(""), "Sunny.");
    QCOMPARE(r.finishReason, "stop");
    QVERIFY(!metadataOf(r).contains(QStringLiteral("content_captured")));
}

void TestGenAiSpan::readsMessageBodiesOfLogEvents()
{
    // As the official instrumentations log them: the message in the record's body.
    using opentelemetry::proto::common::v1::AnyValue;
    const auto kv = [](AnyValue &map, const std::string &key) {
        auto *item = map.mutable_kvlist_value()->add_values();
        item->set_key(key);
        return item->mutable_value();
    };
    AnyValue user;
    kv(user, "content")->set_string_value("Reset my password");
    AnyValue choice;
    kv(choice, "index")->set_int_value(0);
    kv(choice, "finish_reason")->set_string_value("tool_calls");
    AnyValue *message = kv(choice, "message");
    kv(*message, "role")->set_string_value("assistant");
    AnyValue *call = message->mutable_kvlist_value()->add_values()->mutable_value();
    message->mutable_kvlist_value()->mutable_values(1)->set_key("tool_calls");
    AnyValue *first = call->mutable_array_value()->add_values();
    kv(*first, "id")->set_string_value("call_1");
    AnyValue *function = kv(*first, "function");
    kv(*function, "name")->set_string_value("reset_password");
    kv(*function, "arguments")->set_string_value(R"({"user":"ana"})");

    simdjson::dom::parser parser;
    MessageWriter input, output;
    const Attributes none;
    QVERIFY(addMessageEvent(parser, "gen_ai.user.message", none, &user, input, output));
    QVERIFY(addMessageEvent(parser, "gen_ai.choice", none, &choice, input, output));
    QVERIFY(!addMessageEvent(parser, "gen_ai.client.token.usage", none, &user, input, output));
    // With content capture off the instrumentations still send the events, with empty bodies.
    AnyValue empty;
    empty.mutable_kvlist_value();
    QVERIFY(addMessageEvent(parser, "gen_ai.system.message", none, &empty, input, output));
    QCOMPARE(input.finish(), R"([{"role":"user","content":"Reset my password"}])");
    QCOMPARE(output.finish(),
             R"([{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":)"
             R"("function","function":{"name":"reset_password","arguments":"{\"user\":\"ana\"}"}}]}])");
    QCOMPARE(output.lastFinishReason, "tool_calls");
}

void TestGenAiSpan::refusesACallWithoutAStartTime()
{
    Span span = chatSpan();
    span.set_start_time_unix_nano(0);
    GenAiSpanReader reader;
    ParsedLine out;
    std::string reason;
    QCOMPARE(reader.read(span, {}, out, reason), SpanRead::Unusable);
    QCOMPARE(reason, "span eee19b7ec3c1b174 has no \"startTimeUnixNano\"");
    QVERIFY(out.interactions.empty());
}

void TestGenAiSpan::skipsSpansThatAreNotModelCalls()
{
    Span span = chatSpan();
    span.clear_attributes();
    setText(span, "http.request.method", "POST");
    GenAiSpanReader reader;
    ParsedLine out;
    std::string reason;
    QCOMPARE(reader.read(span, {}, out, reason), SpanRead::NotModelCall);
    span.clear_attributes();
    setText(span, "gen_ai.operation.name", "embeddings");
    QCOMPARE(reader.read(span, {}, out, reason), SpanRead::NotModelCall);
    QVERIFY(out.interactions.empty());
}

QTEST_APPLESS_MAIN(TestGenAiSpan)
#include "tst_genaispan.moc"
