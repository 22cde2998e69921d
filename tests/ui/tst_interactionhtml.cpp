#include "views/interactionhtml.h"

#include "curate/curationqueries.h"
#include "review/decisions.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>

using namespace flywheel;
using namespace flywheel::ui;

namespace {

const QString kAddress = QStringLiteral("jane.doe@example.com");
// Emoji before the address: a surrogate pair, two QChars but one code point.
const QString kUserText = QStringLiteral("Hello 😀 — my order never came. Reach me at ") + kAddress +
                          QStringLiteral(" please.\n<script>alert('x')</script>\nSecond line.");
const QString kOutput = QStringLiteral("Sorry 🚀🚀 about that! I wrote to ") + kAddress +
                        QStringLiteral(", and the parcel\nis on its way.");
const QString kCorrection = QStringLiteral("Sorry about that! I wrote to you, and the parcel is on its way.");

// Offsets as curation stores them: Unicode code points.
qint64 codePointsBefore(const QString &text, const QString &part)
{
    return text.first(text.indexOf(part)).toUcs4().size();
}

InteractionDetails sampleDetails()
{
    InteractionDetails d;
    d.id = 7;
    d.source = QStringLiteral("support-bot");
    d.externalId = QStringLiteral("chat-0007");
    d.timestampMs = 1793536205000;
    d.modelName = QStringLiteral("helper");
    d.modelVersion = QStringLiteral("2026-10");
    d.category = QStringLiteral("shipping");
    d.finishReason = QStringLiteral("stop");
    d.outcome = QStringLiteral("edited");
    d.latencyMs = 1250;
    d.promptTokens = 812;
    d.completionTokens = 143;
    const QJsonArray messages{
        QJsonObject{
            {QStringLiteral("role"), QStringLiteral("system")},
            {QStringLiteral("content"),
             QStringLiteral("You are a helpful support agent for an online shop. Answer briefly, never "
                            "repeat personal data back to the customer, and look orders up "
                            "with the lookup_order tool before answering questions about them.")}},
        QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), kUserText}},
        QJsonObject{
            {QStringLiteral("role"), QStringLiteral("assistant")},
            {QStringLiteral("content"), QJsonValue::Null},
            {QStringLiteral("tool_calls"),
             QJsonArray{QJsonObject{
                 {QStringLiteral("id"), QStringLiteral("call_1")},
                 {QStringLiteral("type"), QStringLiteral("function")},
                 {QStringLiteral("function"),
                  QJsonObject{{QStringLiteral("name"), QStringLiteral("lookup_order")},
                              {QStringLiteral("arguments"), QStringLiteral("{\"order\":\"A-17\"}")}}}}}}},
        QJsonObject{
            {QStringLiteral("role"), QStringLiteral("tool")},
            {QStringLiteral("tool_call_id"), QStringLiteral("call_1")},
            {QStringLiteral("content"),
             QStringLiteral(
                 "{\"status\":\"shipped\",\"tracking\":\"https://example.com/orders/A-17/"
                 "tracking?session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}")}},
    };
    d.inputJson = QString::fromUtf8(QJsonDocument(messages).toJson(QJsonDocument::Compact));
    d.output = kOutput;
    d.hasOutput = true;
    d.feedback = {
        {QStringLiteral("thumbs"), QStringLiteral("-1.0"), QStringLiteral("helpful user"),
         d.timestampMs + 90'000},
        {QStringLiteral("rating"), QStringLiteral("2.0"), QStringLiteral("csat"), d.timestampMs + 120'000},
        {QStringLiteral("comment"), QString(), QStringLiteral("Too <i>slow</i>"), 0}};
    d.corrections = {
        {QStringLiteral("correction"), kCorrection, QStringLiteral("agent-12"), d.timestampMs + 300'000}};
    d.label = QStringLiteral("negative");
    d.score = -0.6;
    d.segment = QStringLiteral("shipping");
    d.flags = {{QStringLiteral("correction_to_review"), 0.8, QStringLiteral("1 correction")},
               {QStringLiteral("personal_data"), 0.85, QStringLiteral("2 email")}};
    d.personalData = {{QStringLiteral("input"), 1, QStringLiteral("email"),
                       codePointsBefore(kUserText, kAddress), kAddress.size()},
                      {QStringLiteral("output"), -1, QStringLiteral("email"),
                       codePointsBefore(kOutput, kAddress), kAddress.size()}};
    d.siblings = {{8, QStringLiteral("chat-0042"), 0.93, QStringLiteral("my order <b>never</b> came")}};
    return d;
}

QList<Decision> sampleDecisions()
{
    Decision decision;
    decision.id = 1;
    decision.interactionId = 7;
    decision.kind = DecisionKind::Correct;
    decision.correctedOutput = QStringLiteral("Sorry! The parcel is on its way.");
    decision.tags = {QStringLiteral("tone"), QStringLiteral("pii")};
    decision.note = QStringLiteral("Never repeat the address.\nKeep it short.");
    decision.reviewer = QStringLiteral("alice");
    decision.createdAtMs = 1793539805000;
    decision.seconds = 42;
    return {decision};
}

QPalette lightPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
    p.setColor(QPalette::WindowText, Qt::black);
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::Text, QColor(0x1a, 0x1a, 0x1a));
    return p;
}

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    p.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    return p;
}

// WCAG 2 contrast, written out here rather than taken from the code under test.
double wcagContrast(const QColor &a, const QColor &b)
{
    const auto luminance = [](const QColor &c) {
        const auto linear = [](double v) {
            return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
    };
    const double x = luminance(a), y = luminance(b);
    return (std::max(x, y) + 0.05) / (std::min(x, y) + 0.05);
}

// The text of every run of characters whose tooltip starts with @p prefix, as Qt lays it out.
QStringList fragmentsWithToolTip(const QString &html, const QString &prefix)
{
    QTextDocument document;
    document.setHtml(html);
    QStringList out;
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next())
        for (auto it = block.begin(); !it.atEnd(); ++it)
            if (it.fragment().charFormat().toolTip().startsWith(prefix))
                out.append(it.fragment().text());
    return out;
}

QString plainText(const QString &html)
{
    QTextDocument document;
    document.setHtml(html);
    return document.toPlainText();
}

} // namespace

class TestInteractionHtml : public QObject {
    Q_OBJECT

private slots:
    void hasEverySectionInOrder()
    {
        const QString html = interactionHtml(sampleDetails(), sampleDecisions(), htmlColors(lightPalette()));
        qsizetype at = 0;
        for (const QString &section :
             {QStringLiteral("chat-0007"), QStringLiteral("Why it was flagged"),
              QStringLiteral("Conversation"), QStringLiteral("Output"), QStringLiteral("Correction"),
              QStringLiteral("Signals"), QStringLiteral("Near-duplicates"), QStringLiteral("Decisions")}) {
            const qsizetype found = html.indexOf(section, at);
            QVERIFY2(found >= 0, qPrintable(section));
            at = found;
        }
        const QString text = plainText(html);
        for (const QString &expected : {QStringLiteral("support-bot"),
                                        QStringLiteral("helper 2026-10"),
                                        QStringLiteral("segment shipping"),
                                        QStringLiteral("label gold by alice (corrected)"),
                                        QStringLiteral("Correction to review"),
                                        QStringLiteral("priority 0.85"),
                                        QStringLiteral("Personal data"),
                                        QStringLiteral("System"),
                                        QStringLiteral("User"),
                                        QStringLiteral("Assistant"),
                                        QStringLiteral("Tool"),
                                        QStringLiteral("lookup_order"),
                                        QStringLiteral("\"order\": \"A-17\""),
                                        QStringLiteral("Correction by agent-12"),
                                        QStringLiteral("Reviewer's correction by alice"),
                                        QStringLiteral("Edited"),
                                        QStringLiteral("1.25 s"),
                                        QStringLiteral("812 prompt · 143 completion"),
                                        QStringLiteral("Thumbs down"),
                                        QStringLiteral("Rating 2"),
                                        QStringLiteral("Too <i>slow</i>"),
                                        QStringLiteral("(1.5 min later)"),
                                        QStringLiteral("chat-0042"),
                                        QStringLiteral("93 %"),
                                        QStringLiteral("my order <b>never</b> came"),
                                        QStringLiteral("Corrected"),
                                        QStringLiteral("by alice"),
                                        QStringLiteral("42 s spent"),
                                        QStringLiteral("tags: tone, pii"),
                                        QStringLiteral("Never repeat the address.")})
            QVERIFY2(text.contains(expected), qPrintable(expected));
    }

    void escapesText()
    {
        const QString html = interactionHtml(sampleDetails(), sampleDecisions(), htmlColors(lightPalette()));
        QVERIFY(!html.contains(QStringLiteral("<script>")));
        QVERIFY(html.contains(QStringLiteral("&lt;script&gt;alert(")));
        QVERIFY(!html.contains(QStringLiteral("<i>slow")));
        QVERIFY(!html.contains(QStringLiteral("<b>never")));
        // The escaped text reads back as written, line breaks included.
        const QString text = plainText(html);
        QVERIFY(text.contains(QStringLiteral("please.\n<script>alert('x')</script>\nSecond line.")));
        QVERIFY(text.contains(QStringLiteral("the parcel\nis on its way.")));
        QVERIFY(text.contains(QStringLiteral("Never repeat the address.\nKeep it short.")));
    }

    void highlightsPersonalData()
    {
        const QString html = interactionHtml(sampleDetails(), {}, htmlColors(lightPalette()));
        // In the input message and in the output, both after emoji (surrogate pairs).
        QCOMPARE(fragmentsWithToolTip(html, QStringLiteral("Personal data: e-mail")),
                 QStringList(2, kAddress));
        static const QRegularExpression span(
            QStringLiteral("<span [^>]*title=\"Personal data[^\"]*\">([^<]*)</span>"));
        QStringList marked;
        for (auto it = span.globalMatch(html); it.hasNext();)
            marked.append(it.next().captured(1));
        QCOMPARE(marked, QStringList(2, kAddress));
    }

    void skipsSpansOutsideTheText()
    {
        InteractionDetails d = sampleDetails();
        d.personalData = {{QStringLiteral("output"), -1, QStringLiteral("phone"), 1000, 5},
                          {QStringLiteral("input"), 9, QStringLiteral("email"), 0, 3}};
        const QString html = interactionHtml(d, {}, htmlColors(lightPalette()));
        QVERIFY(fragmentsWithToolTip(html, QStringLiteral("Personal data")).isEmpty());
        QVERIFY(plainText(html).contains(kOutput.first(20)));
    }

    void labelFallsBackToCuration()
    {
        InteractionDetails d = sampleDetails();
        const QString text = plainText(interactionHtml(d, {}, htmlColors(lightPalette())));
        QVERIFY(text.contains(QStringLiteral("label negative by curation")));
        QVERIFY(text.contains(QStringLiteral("No decisions yet.")));
        QVERIFY(!text.contains(QStringLiteral("Reviewer's correction")));
    }

    void minimalInteraction()
    {
        InteractionDetails d;
        d.externalId = QStringLiteral("bare");
        d.inputJson = QStringLiteral("\"Just a prompt\"");
        const QString text = plainText(interactionHtml(d, {}, htmlColors(darkPalette())));
        QVERIFY(text.contains(QStringLiteral("Just a prompt")));
        QVERIFY(text.contains(QStringLiteral("(no output)")));
        QVERIFY(text.contains(QStringLiteral("Not flagged.")));
        QVERIFY(!text.contains(QStringLiteral("Correction")));
    }

    void saysWhatAnOpenTelemetryCaptureLacks()
    {
        InteractionDetails d;
        d.externalId = QStringLiteral("5b8e:eee1");
        d.inputJson = QStringLiteral("[]");
        d.metadataJson = QStringLiteral(R"({"span_name":"chat gpt-4o","content_captured":false})");
        QString text = plainText(interactionHtml(d, {}, htmlColors(lightPalette())));
        QVERIFY(text.contains(QStringLiteral("Content not captured")));
        QVERIFY(text.contains(QStringLiteral("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true")));
        QVERIFY(!text.contains(QStringLiteral("span never arrived")));
        QVERIFY(!text.contains(QStringLiteral("Input"))); // no empty message list shown as JSON
        d.metadataJson = QStringLiteral(R"({"span_missing":true})");
        text = plainText(interactionHtml(d, {}, htmlColors(lightPalette())));
        QVERIFY(text.contains(QStringLiteral("span never arrived")));
        QVERIFY(!text.contains(QStringLiteral("Content not captured")));
        // As a reviewer sees a call captured without its messages, for people to look at.
        d.metadataJson = QStringLiteral(R"({"content_captured":false})");
        d.modelName = QStringLiteral("gpt-4o-mini");
        QTextBrowser browser;
        browser.setPalette(lightPalette());
        browser.resize(720, 420);
        browser.setHtml(interactionHtml(d, {}, htmlColors(browser.palette())));
        QVERIFY(
            browser.grab().toImage().save(QDir::temp().filePath(QStringLiteral("detail-incomplete.png"))));
        d.metadataJson = QStringLiteral(R"({"content_captured":true})");
        QVERIFY(!plainText(interactionHtml(d, {}, htmlColors(lightPalette())))
                     .contains(QStringLiteral("Incomplete")));
    }

    void diffMarksChanges()
    {
        const HtmlColors colors = htmlColors(lightPalette());
        const QString html =
            diffHtml(QStringLiteral("Hello, <world>"), QStringLiteral("Hello <world>!"), colors);
        QCOMPARE(fragmentsWithToolTip(html, QStringLiteral("Removed")), QStringList{QStringLiteral(",")});
        QCOMPARE(fragmentsWithToolTip(html, QStringLiteral("Added")), QStringList{QStringLiteral("!")});
        QTextDocument document;
        document.setHtml(html);
        for (QTextBlock block = document.begin(); block.isValid(); block = block.next())
            for (auto it = block.begin(); !it.atEnd(); ++it) {
                const QTextCharFormat format = it.fragment().charFormat();
                QCOMPARE(format.fontStrikeOut(), format.toolTip() == QStringLiteral("Removed"));
                if (!format.toolTip().isEmpty())
                    QCOMPARE(format.foreground().color(), colors.text);
            }
        QCOMPARE(document.toPlainText(), QStringLiteral("Hello, <world>!"));
    }

    void colorsReadableInLightAndDark()
    {
        const HtmlColors light = htmlColors(lightPalette());
        const HtmlColors dark = htmlColors(darkPalette());
        QCOMPARE(light.text, lightPalette().color(QPalette::Text));
        QCOMPARE(dark.base, darkPalette().color(QPalette::Base));
        for (const HtmlColors &c : {light, dark}) {
            for (const QColor &ground : {c.system, c.user, c.assistant, c.tool, c.output, c.code, c.flag,
                                         c.personalData, c.removed, c.added}) {
                QVERIFY2(wcagContrast(c.text, ground) >= 4.5, qPrintable(ground.name()));
                // A tint, not the base itself: the blocks must be told apart.
                QVERIFY2(ground != c.base, qPrintable(ground.name()));
            }
            for (const QColor &ground :
                 {c.base, c.system, c.user, c.assistant, c.tool, c.output, c.code, c.flag})
                QVERIFY2(wcagContrast(c.muted, ground) >= 4.5, qPrintable(ground.name()));
            QVERIFY(c.removed != c.added);
            QVERIFY(c.user != c.assistant);
            QCOMPARE(contrastRatio(Qt::black, Qt::white), 21.0);
        }
        // Dark palettes get dark tints, light ones light tints.
        QVERIFY(light.user != dark.user);
        QVERIFY(light.personalData.lightnessF() > 0.6);
        QVERIFY(dark.personalData.lightnessF() < 0.4);
        QVERIFY(dark.removed.lightnessF() < 0.4);
    }

    // Renders the pane as a reviewer sees it, in both palettes, for people to look at.
    void rendersInBrowser_data()
    {
        QTest::addColumn<QPalette>("palette");
        QTest::addColumn<QString>("file");
        QTest::newRow("light") << lightPalette() << QStringLiteral("detail-light.png");
        QTest::newRow("dark") << darkPalette() << QStringLiteral("detail-dark.png");
    }

    void rendersInBrowser()
    {
        QFETCH(QPalette, palette);
        QFETCH(QString, file);
        QTextBrowser browser;
        browser.setPalette(palette);
        browser.resize(720, 600);
        browser.setHtml(interactionHtml(sampleDetails(), sampleDecisions(), htmlColors(browser.palette())));
        browser.document()->setTextWidth(browser.viewport()->width());
        browser.resize(720, int(browser.document()->size().height()) + 8);
        const QImage image = browser.grab().toImage();
        QVERIFY(!image.isNull());
        QCOMPARE(image.pixelColor(image.width() / 2, image.height() - 3), palette.color(QPalette::Base));
        QVERIFY(image.save(QDir::temp().filePath(file)));
    }
};

QTEST_MAIN(TestInteractionHtml)
#include "tst_interactionhtml.moc"
