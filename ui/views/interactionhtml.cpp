#include "views/interactionhtml.h"

#include "curate/curationqueries.h"
#include "curate/textnorm.h"
#include "review/decisions.h"
#include "review/worddiff.h"
#include "util/displaytext.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QPalette>

#include <algorithm>
#include <cmath>
#include <utility>

namespace flywheel::ui {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("InteractionHtml", text);
}

// ---- colors ------------------------------------------------------------------------------------

double channel(double c)
{
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(const QColor &color)
{
    const QColor rgb = color.toRgb();
    return 0.2126 * channel(rgb.redF()) + 0.7152 * channel(rgb.greenF()) + 0.0722 * channel(rgb.blueF());
}

// @p share of @p a, the rest of @p b.
QColor mix(const QColor &a, const QColor &b, double share)
{
    const QColor x = a.toRgb(), y = b.toRgb();
    const auto blend = [share](float p, float q) {
        return share * p + (1 - share) * q;
    };
    return QColor::fromRgbF(float(blend(x.redF(), y.redF())), float(blend(x.greenF(), y.greenF())),
                            float(blend(x.blueF(), y.blueF())));
}

constexpr double kReadable = 4.5;

// The hue blended into the base as strongly as @p strength asks, weaker where the text would lose
// contrast on it (a saturated hue on a dark base, say).
QColor tint(const QColor &hue, const QPalette &palette, double strength)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    for (double share = strength; share > 0.01; share -= 0.01) {
        const QColor c = mix(hue, base, share);
        if (contrastRatio(c, text) >= kReadable)
            return c;
    }
    return base;
}

// ---- text helpers ------------------------------------------------------------------------------

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString css(const QColor &color)
{
    return color.name(QColor::HexRgb);
}

QString formatTime(qint64 ms)
{
    if (ms <= 0)
        return tr("unknown time");
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(), QLocale::ShortFormat);
}

QString formatDuration(qint64 ms)
{
    const QLocale locale;
    if (ms < 1000)
        return tr("%1 ms").arg(locale.toString(ms));
    if (ms < 60'000)
        return tr("%1 s").arg(locale.toString(double(ms) / 1000, 'f', ms < 10'000 ? 2 : 1));
    if (ms < 3'600'000)
        return tr("%1 min").arg(locale.toString(double(ms) / 60'000, 'f', 1));
    if (ms < 172'800'000)
        return tr("%1 h").arg(locale.toString(double(ms) / 3'600'000, 'f', 1));
    return tr("%1 days").arg(locale.toString(double(ms) / 86'400'000, 'f', 0));
}

// When an event came, in the interaction's time line: "5 Nov 2026 18:02 (3.0 min later)".
QString eventTime(qint64 ms, qint64 interactionMs)
{
    if (ms <= 0)
        return {};
    QString out = formatTime(ms);
    if (interactionMs > 0 && ms >= interactionMs)
        out +=
            QStringLiteral(" (") + tr("%1 later").arg(formatDuration(ms - interactionMs)) + QLatin1Char(')');
    return out;
}

// The non-empty parts, separated by middle dots.
QString dotted(QStringList parts)
{
    parts.removeAll(QString());
    return parts.join(QStringLiteral(" · "));
}

QString number(double value)
{
    return QLocale().toString(value, 'g', 4);
}

QString heading(const QString &title)
{
    return QStringLiteral("<h3 style=\"margin-top:18px; margin-bottom:6px\">") + esc(title) +
           QStringLiteral("</h3>");
}

QString mutedParagraph(const QString &escapedHtml, const HtmlColors &colors)
{
    return QStringLiteral("<p style=\"margin-top:2px; margin-bottom:2px; color:") + css(colors.muted) +
           QStringLiteral("\">") + escapedHtml + QStringLiteral("</p>");
}

// Text whose line breaks and runs of spaces matter (messages, outputs, notes).
QString textParagraph(const QString &escapedHtml, bool monospace = false)
{
    return QStringLiteral("<p style=\"margin-top:0px; margin-bottom:0px; white-space:pre-wrap;") +
           (monospace ? QStringLiteral(" font-family:monospace;") : QString()) + QStringLiteral("\">") +
           escapedHtml + QStringLiteral("</p>");
}

// A visibly distinct block: a colored bar, then a tinted cell with a small caption above @p bodyHtml.
QString block(const QString &captionHtml, const QString &bodyHtml, const QColor &background,
              const QColor &accent, const HtmlColors &colors)
{
    return QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"0\" "
                          "style=\"margin-top:6px; margin-bottom:6px;\"><tr>"
                          "<td width=\"4\" style=\"background-color:") +
           css(accent) + QStringLiteral("\"></td><td style=\"background-color:") + css(background) +
           QStringLiteral("; color:") + css(colors.text) +
           QStringLiteral("; padding:6px 10px 8px 10px;\">"
                          "<p style=\"margin-top:0px; margin-bottom:4px; font-weight:600; color:") +
           css(colors.muted) + QStringLiteral("\"><small>") + captionHtml + QStringLiteral("</small></p>") +
           bodyHtml + QStringLiteral("</td></tr></table>");
}

// A two-column table of labels and values (escaped HTML).
QString facts(const QList<std::pair<QString, QString>> &rows, const HtmlColors &colors)
{
    QString html = QStringLiteral("<table cellspacing=\"0\" cellpadding=\"2\">");
    for (const auto &[label, value] : rows)
        html += QStringLiteral("<tr><td style=\"color:") + css(colors.muted) +
                QStringLiteral("; padding-right:16px;\">") + esc(label) + QStringLiteral("</td><td>") +
                value + QStringLiteral("</td></tr>");
    return html + QStringLiteral("</table>");
}

// ---- personal data -----------------------------------------------------------------------------

QString kindDescription(const QString &kind)
{
    if (kind == QLatin1String("email"))
        return tr("Personal data: e-mail address");
    if (kind == QLatin1String("phone"))
        return tr("Personal data: phone number");
    if (kind == QLatin1String("card"))
        return tr("Personal data: payment card number");
    if (kind == QLatin1String("iban"))
        return tr("Personal data: IBAN");
    if (kind == QLatin1String("ip"))
        return tr("Personal data: IP address");
    if (kind == QLatin1String("secret"))
        return tr("Personal data: secret (API key, private key or token)");
    return tr("Personal data: %1").arg(readableName(kind));
}

// @p text escaped, with the spans (Unicode code points, as curation stores them) highlighted.
QString highlighted(const QString &text, QList<InteractionDetails::Span> spans, const HtmlColors &colors)
{
    if (spans.isEmpty())
        return esc(text);
    std::sort(spans.begin(), spans.end(), [](const auto &a, const auto &b) { return a.start < b.start; });
    // Code point index -> UTF-16 index: characters outside the BMP take two QChars.
    QList<qsizetype> offsets;
    offsets.reserve(text.size() + 1);
    for (qsizetype i = 0; i < text.size(); ++i) {
        offsets.append(i);
        if (text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate())
            ++i;
    }
    offsets.append(text.size());
    const qint64 codePointCount = offsets.size() - 1;

    QString html;
    qsizetype done = 0;
    for (const InteractionDetails::Span &span : spans) {
        const qint64 start = std::clamp<qint64>(span.start, 0, codePointCount);
        const qint64 end = std::clamp<qint64>(span.start + span.length, start, codePointCount);
        const qsizetype from = offsets[start], to = offsets[end];
        // Spans do not overlap; a stale one that does is skipped rather than garbling the text.
        if (from < done || to <= from)
            continue;
        html += esc(text.mid(done, from - done));
        html += QStringLiteral("<span style=\"background-color:") + css(colors.personalData) +
                QStringLiteral("; color:") + css(colors.text) + QStringLiteral("\" title=\"") +
                esc(kindDescription(span.kind)) + QStringLiteral("\">") + esc(text.mid(from, to - from)) +
                QStringLiteral("</span>");
        done = to;
    }
    return html + esc(text.mid(done));
}

QList<InteractionDetails::Span> spansOf(const InteractionDetails &d, const QString &field,
                                        qint64 messageIndex)
{
    QList<InteractionDetails::Span> out;
    for (const InteractionDetails::Span &span : d.personalData)
        if (span.field == field && (field != QLatin1String("input") || span.messageIndex == messageIndex))
            out.append(span);
    return out;
}

// ---- conversation ------------------------------------------------------------------------------

QString prettyJson(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented)).trimmed();
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented)).trimmed();
    if (value.isString()) {
        // Arguments are usually JSON in a string: show the JSON.
        const QJsonDocument inner = QJsonDocument::fromJson(value.toString().toUtf8());
        if (!inner.isNull())
            return prettyJson(inner.isObject() ? QJsonValue(inner.object()) : QJsonValue(inner.array()));
        return value.toString();
    }
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

// Tool calls (OpenAI style {id, function{name, arguments}}, or flat {name, arguments}) as a name
// line and monospace arguments each.
QString toolCallsHtml(const QString &json, const HtmlColors &colors)
{
    const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8());
    QJsonArray calls = document.array();
    if (document.isObject())
        calls = QJsonArray{document.object()};
    if (document.isNull())
        return textParagraph(esc(json), true);
    QString html;
    for (const QJsonValue &value : std::as_const(calls)) {
        const QJsonObject call = value.toObject();
        const QJsonObject function = call.value(QLatin1String("function")).toObject();
        const QString name = function.isEmpty() ? call.value(QLatin1String("name")).toString()
                                                : function.value(QLatin1String("name")).toString();
        const QJsonValue arguments = function.isEmpty() ? call.value(QLatin1String("arguments"))
                                                        : function.value(QLatin1String("arguments"));
        const QString id = call.value(QLatin1String("id")).toString();
        QString line = tr("Calls") + QStringLiteral(" <b>") +
                       esc(name.isEmpty() ? tr("(unnamed tool)") : name) + QStringLiteral("</b>");
        if (!id.isEmpty())
            line += QStringLiteral(" <span style=\"color:") + css(colors.muted) + QStringLiteral("\">") +
                    esc(id) + QStringLiteral("</span>");
        html += QStringLiteral("<p style=\"margin-top:6px; margin-bottom:2px;\">") + line +
                QStringLiteral("</p>");
        const QString body =
            call.isEmpty() ? prettyJson(value) : prettyJson(arguments.isUndefined() ? call : arguments);
        html += QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"0\"><tr><td "
                               "style=\"background-color:") +
                css(colors.code) + QStringLiteral("; padding:4px 6px;\">") + textParagraph(esc(body), true) +
                QStringLiteral("</td></tr></table>");
    }
    return html;
}

struct RoleStyle {
    QString caption;
    QColor background, accent;
};

RoleStyle roleStyle(const QString &role, const HtmlColors &colors)
{
    if (role == QLatin1String("system") || role == QLatin1String("developer"))
        return {readableName(role), colors.system, colors.systemAccent};
    if (role == QLatin1String("user"))
        return {tr("User"), colors.user, colors.userAccent};
    if (role == QLatin1String("assistant"))
        return {tr("Assistant"), colors.assistant, colors.assistantAccent};
    if (role == QLatin1String("tool") || role == QLatin1String("function"))
        return {tr("Tool"), colors.tool, colors.toolAccent};
    return {role.isEmpty() ? tr("Message") : readableName(role), colors.code, colors.muted};
}

// What an OpenTelemetry capture lacks: the messages (content capture is off in the
// instrumentation) or the span (model, tokens and latency), as the collector flags them.
QString missingContentHtml(const InteractionDetails &d, const HtmlColors &colors)
{
    const QJsonObject metadata = QJsonDocument::fromJson(d.metadataJson.toUtf8()).object();
    QString notes;
    if (metadata.value(QLatin1String("content_captured")) == QJsonValue(false))
        notes += textParagraph(
            esc(tr("Content not captured: the instrumentation sent this call without its messages. Set "
                   "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true in the application to capture "
                   "them.")));
    if (metadata.value(QLatin1String("span_missing")) == QJsonValue(true))
        notes +=
            textParagraph(esc(tr("The call's span never arrived: only its messages are known, not its model, "
                                 "tokens or latency.")));
    return notes.isEmpty() ? QString()
                           : block(esc(tr("Incomplete capture")), notes, colors.flag, colors.muted, colors);
}

QString conversationHtml(const InteractionDetails &d, const HtmlColors &colors)
{
    const QString missing = missingContentHtml(d, colors);
    QString html = heading(tr("Conversation")) + missing;
    const std::vector<InputMessage> messages = inputMessages(d.inputJson.toStdString());
    const bool noMessages = QJsonDocument::fromJson(d.inputJson.toUtf8()).array().isEmpty() &&
                            d.inputJson.trimmed().startsWith(QLatin1Char('['));
    if (noMessages && missing.isEmpty())
        html += mutedParagraph(esc(tr("(no messages)")), colors);
    if (messages.empty() && !noMessages && !d.inputJson.trimmed().isEmpty()) {
        // Not a list of chat messages: a prompt string, or something else; show it as it is.
        const QJsonDocument wrapped = QJsonDocument::fromJson("[" + d.inputJson.toUtf8() + "]");
        const QJsonValue input = wrapped.array().at(0);
        const bool plain = input.isString();
        const QString text = plain ? input.toString() : wrapped.isNull() ? d.inputJson : prettyJson(input);
        html +=
            block(esc(tr("Input")), textParagraph(esc(text), !plain), colors.user, colors.userAccent, colors);
    }
    for (size_t i = 0; i < messages.size(); ++i) {
        const InputMessage &m = messages[i];
        const QString role = QString::fromStdString(m.role);
        const RoleStyle style = roleStyle(role, colors);
        QString caption = esc(style.caption);
        if (!m.name.empty())
            caption += QStringLiteral(" · ") + esc(QString::fromStdString(m.name));
        if (!m.toolCallId.empty())
            caption +=
                QStringLiteral(" · ") + esc(tr("result of %1").arg(QString::fromStdString(m.toolCallId)));
        QString body;
        const QString text = QString::fromStdString(m.text);
        if (!text.isEmpty())
            body += textParagraph(highlighted(text, spansOf(d, QStringLiteral("input"), qint64(i)), colors),
                                  role == QLatin1String("tool"));
        if (!m.toolCallsJson.empty())
            body += toolCallsHtml(QString::fromStdString(m.toolCallsJson), colors);
        if (body.isEmpty())
            body = mutedParagraph(esc(tr("(no text)")), colors);
        html += block(caption, body, style.background, style.accent, colors);
    }

    QString caption = esc(tr("Output"));
    const QString model = QStringList{d.modelName, d.modelVersion}.join(QLatin1Char(' ')).trimmed();
    if (!model.isEmpty())
        caption += QStringLiteral(" · ") + esc(model);
    QString body;
    if (d.hasOutput && !d.output.isEmpty())
        body += textParagraph(highlighted(d.output, spansOf(d, QStringLiteral("output"), -1), colors));
    if (!d.outputToolCallsJson.isEmpty())
        body += toolCallsHtml(d.outputToolCallsJson, colors);
    if (body.isEmpty())
        body = mutedParagraph(esc(d.hasOutput ? tr("(empty output)") : tr("(no output)")), colors);
    return html + block(caption, body, colors.output, colors.outputAccent, colors);
}

// ---- the other sections ------------------------------------------------------------------------

QString reviewerName(const QString &reviewer)
{
    return reviewer.trimmed().isEmpty() ? tr("a reviewer") : reviewer;
}

// The decisions in time order (their list may come newest first).
QList<Decision> chronological(QList<Decision> decisions)
{
    std::stable_sort(decisions.begin(), decisions.end(),
                     [](const Decision &a, const Decision &b) { return a.createdAtMs < b.createdAtMs; });
    return decisions;
}

QString headerHtml(const InteractionDetails &d, const QList<Decision> &decisions, const HtmlColors &colors)
{
    QString html = QStringLiteral("<p style=\"margin-top:0px; margin-bottom:2px;\"><big><b>") +
                   esc(d.externalId.isEmpty() ? tr("Interaction %1").arg(d.id) : d.externalId) +
                   QStringLiteral("</b></big></p>");
    QStringList line{d.source, formatTime(d.timestampMs)};
    const QString model = QStringList{d.modelName, d.modelVersion}.join(QLatin1Char(' ')).trimmed();
    if (!model.isEmpty())
        line.append(model);
    if (!d.segment.isEmpty())
        line.append(tr("segment %1").arg(d.segment));
    line.removeAll(QString());
    for (QString &part : line)
        part = esc(part);

    // The label that counts: a reviewer's over curation's (decisions.h).
    QString label, by;
    for (const Decision &decision : chronological(decisions))
        if (!decisionLabel(decision.kind).isEmpty()) {
            label = decisionLabel(decision.kind);
            by = tr("%1 (%2)").arg(reviewerName(decision.reviewer), decisionTitle(decision.kind).toLower());
        }
    if (label.isEmpty() && decisions.isEmpty())
        for (const InteractionDetails::Review &review : d.reviews)
            if (!review.label.isEmpty()) {
                label = review.label;
                by = tr("%1 (review)").arg(reviewerName(review.reviewer));
            }
    if (label.isEmpty() && !d.label.isEmpty()) {
        label = d.label;
        by = tr("curation, score %1").arg(number(d.score));
    }
    line.append(label.isEmpty() ? esc(tr("unlabeled"))
                                : tr("label") + QStringLiteral(" <b>") + esc(label) +
                                      QStringLiteral("</b> ") + esc(tr("by %1").arg(by)));
    return html + mutedParagraph(line.join(QStringLiteral(" · ")), colors);
}

QString flagsHtml(const InteractionDetails &d, const HtmlColors &colors)
{
    QString html = heading(tr("Why it was flagged"));
    if (d.flags.isEmpty())
        return html + mutedParagraph(esc(tr("Not flagged.")), colors);
    html +=
        QStringLiteral(
            "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"0\"><tr><td style=\"background-color:") +
        css(colors.flag) + QStringLiteral("; color:") + css(colors.text) +
        QStringLiteral("; padding:4px 10px;\">");
    for (const InteractionDetails::Flag &flag : d.flags) {
        html += QStringLiteral("<p style=\"margin-top:3px; margin-bottom:3px;\"><b>") +
                esc(readableName(flag.reason)) + QStringLiteral("</b> <span style=\"color:") +
                css(colors.muted) + QStringLiteral("\">") +
                esc(tr("priority %1").arg(QLocale().toString(flag.priority, 'f', 2))) +
                QStringLiteral("</span>");
        if (!flag.detail.isEmpty())
            html += QStringLiteral(" — ") + esc(flag.detail);
        html += QStringLiteral("</p>");
    }
    return html + QStringLiteral("</td></tr></table>");
}

QString correctionHtml(const InteractionDetails &d, const QList<Decision> &decisions,
                       const HtmlColors &colors)
{
    const Decision *reviewed = nullptr;
    const QList<Decision> ordered = chronological(decisions);
    for (const Decision &decision : ordered)
        if (decision.kind == DecisionKind::Correct)
            reviewed = &decision;
    if (d.corrections.isEmpty() && !reviewed)
        return {};
    const QString before = d.hasOutput ? d.output : QString();
    QString html = heading(tr("Correction"));
    html += mutedParagraph(
        esc(tr("The output against the correction:")) + QLatin1Char(' ') +
            QStringLiteral("<span style=\"background-color:") + css(colors.removed) +
            QStringLiteral("; color:") + css(colors.text) +
            QStringLiteral("; text-decoration:line-through\">") + esc(tr("only in the output")) +
            QStringLiteral("</span>, <span style=\"background-color:") + css(colors.added) +
            QStringLiteral("; color:") + css(colors.text) + QStringLiteral("\">") +
            esc(tr("only in the correction")) + QStringLiteral("</span>."),
        colors);
    for (const InteractionDetails::Event &correction : d.corrections) {
        const QString who = correction.detail.trimmed().isEmpty()
                                ? tr("user's correction")
                                : tr("correction by %1").arg(correction.detail);
        html += block(esc(dotted({readableName(who), eventTime(correction.timeMs, d.timestampMs)})),
                      diffHtml(before, correction.value, colors), colors.base, colors.userAccent, colors);
    }
    if (reviewed)
        html += block(esc(tr("Reviewer's correction by %1 · %2")
                              .arg(reviewerName(reviewed->reviewer), formatTime(reviewed->createdAtMs))),
                      diffHtml(before, reviewed->correctedOutput, colors), colors.base, colors.outputAccent,
                      colors);
    return html;
}

QString feedbackValue(const InteractionDetails::Event &event)
{
    bool isNumber = false;
    const double value = event.value.toDouble(&isNumber);
    if (event.kind == QLatin1String("thumbs") && isNumber)
        return value > 0 ? tr("Thumbs up") : tr("Thumbs down");
    if (event.kind == QLatin1String("rating"))
        return tr("Rating %1").arg(isNumber ? number(value) : event.value);
    if (event.kind == QLatin1String("comment"))
        return tr("Comment");
    if (event.kind == QLatin1String("label"))
        return tr("Label “%1”").arg(event.value);
    return readableName(event.kind) + (event.value.isEmpty() ? QString() : QStringLiteral(" ") + event.value);
}

QString signalsHtml(const InteractionDetails &d, const HtmlColors &colors)
{
    const QLocale locale;
    const auto tokens = [&](qint64 n) {
        return n < 0 ? tr("not reported") : locale.toString(n);
    };
    QList<std::pair<QString, QString>> rows{
        {tr("Outcome"), esc(d.outcome.isEmpty() ? tr("not reported") : readableName(d.outcome))},
        {tr("Latency"), esc(d.latencyMs < 0 ? tr("not reported") : formatDuration(d.latencyMs))},
        {tr("Tokens"),
         esc(tr("%1 prompt · %2 completion").arg(tokens(d.promptTokens), tokens(d.completionTokens)))},
        {tr("Finish reason"),
         esc(d.finishReason.isEmpty() ? tr("not reported") : readableName(d.finishReason))},
    };
    if (!d.category.isEmpty())
        rows.append({tr("Category"), esc(d.category)});
    if (!d.sessionId.isEmpty())
        rows.append({tr("Session"), esc(d.sessionId)});
    if (!d.userId.isEmpty())
        rows.append({tr("User"), esc(d.userId)});
    QString html = heading(tr("Signals")) + facts(rows, colors);
    html += QStringLiteral("<p style=\"margin-top:10px; margin-bottom:2px;\"><b>") + esc(tr("Feedback")) +
            QStringLiteral("</b></p>");
    if (d.feedback.isEmpty())
        return html + mutedParagraph(esc(tr("No feedback.")), colors);
    for (const InteractionDetails::Event &event : d.feedback) {
        html += QStringLiteral("<p style=\"margin-top:2px; margin-bottom:2px;\"><b>") +
                esc(feedbackValue(event)) + QStringLiteral("</b> <span style=\"color:") + css(colors.muted) +
                QStringLiteral("\">") + esc(eventTime(event.timeMs, d.timestampMs)) +
                QStringLiteral("</span>");
        html += QStringLiteral("</p>");
        if (!event.detail.isEmpty())
            html += QStringLiteral("<p style=\"margin-top:0px; margin-bottom:4px; margin-left:16px; "
                                   "white-space:pre-wrap;\">") +
                    esc(event.detail) + QStringLiteral("</p>");
    }
    return html;
}

QString siblingsHtml(const InteractionDetails &d, const HtmlColors &colors)
{
    QString html = heading(tr("Near-duplicates"));
    if (d.clusterSize > 1)
        html += mutedParagraph(esc(tr("One of %1 interactions in its duplicate cluster.").arg(d.clusterSize)),
                               colors);
    if (d.siblings.isEmpty())
        return html + mutedParagraph(esc(tr("None found.")), colors);
    // Sized to its contents: a short preview should not spread three columns over the pane.
    html += QStringLiteral("<table cellspacing=\"0\" cellpadding=\"3\"><tr>");
    for (const QString &title : {tr("Interaction"), tr("Similarity"), tr("Input")})
        html += QStringLiteral("<th align=\"left\" style=\"padding-right:12px; color:") + css(colors.muted) +
                QStringLiteral("\">") + esc(title) + QStringLiteral("</th>");
    html += QStringLiteral("</tr>");
    for (const InteractionDetails::Sibling &sibling : d.siblings) {
        const double percent = std::clamp(sibling.similarity, 0.0, 1.0) * 100;
        html += QStringLiteral("<tr><td style=\"padding-right:12px;\">") + esc(sibling.externalId) +
                QStringLiteral("</td><td style=\"padding-right:12px;\">") +
                esc(QLocale().toString(std::floor(percent), 'f', 0) + QStringLiteral(" %")) +
                QStringLiteral("</td><td>") + esc(sibling.preview) + QStringLiteral("</td></tr>");
    }
    return html + QStringLiteral("</table>");
}

QString decisionsHtml(const InteractionDetails &d, const QList<Decision> &decisions, const HtmlColors &colors)
{
    QString html = heading(tr("Decisions"));
    if (decisions.isEmpty() && d.reviews.isEmpty())
        return html + mutedParagraph(esc(tr("No decisions yet.")), colors);
    const auto item = [&](const QString &whatHtml, const QStringList &details, const QString &note) {
        QStringList escaped;
        for (const QString &detail : details)
            if (!detail.isEmpty())
                escaped.append(esc(detail));
        QString out = QStringLiteral("<p style=\"margin-top:6px; margin-bottom:0px;\">") + whatHtml +
                      QStringLiteral(" <span style=\"color:") + css(colors.muted) + QStringLiteral("\">") +
                      escaped.join(QStringLiteral(" · ")) + QStringLiteral("</span></p>");
        if (!note.trimmed().isEmpty())
            out += textParagraph(QStringLiteral("<i>") + esc(note) + QStringLiteral("</i>"));
        return out;
    };
    if (decisions.isEmpty()) {
        for (const InteractionDetails::Review &review : d.reviews)
            html += item(QStringLiteral("<b>") + esc(readableName(review.decision)) + QStringLiteral("</b>"),
                         {tr("by %1").arg(reviewerName(review.reviewer)), formatTime(review.createdAtMs),
                          review.label.isEmpty() ? QString() : tr("label %1").arg(review.label)},
                         review.note);
        return html;
    }
    for (const Decision &decision : chronological(decisions)) {
        const QString label = decisionLabel(decision.kind);
        html +=
            item(QStringLiteral("<b>") + esc(decisionTitle(decision.kind)) + QStringLiteral("</b>"),
                 {tr("by %1").arg(reviewerName(decision.reviewer)), formatTime(decision.createdAtMs),
                  label.isEmpty() ? QString() : tr("label %1").arg(label),
                  decision.seconds > 0 ? tr("%1 s spent").arg(QLocale().toString(decision.seconds, 'f', 0))
                                       : QString(),
                  decision.tags.isEmpty() ? QString()
                                          : tr("tags: %1").arg(decision.tags.join(QStringLiteral(", "))),
                  decision.segment.isEmpty() ? QString() : tr("segment set to %1").arg(decision.segment),
                  decision.flagReason.isEmpty() ? QString()
                                                : tr("flag: %1").arg(readableName(decision.flagReason))},
                 decision.note);
    }
    return html;
}

} // namespace

double contrastRatio(const QColor &a, const QColor &b)
{
    const double x = luminance(a), y = luminance(b);
    return (std::max(x, y) + 0.05) / (std::min(x, y) + 0.05);
}

HtmlColors htmlColors(const QPalette &palette)
{
    HtmlColors c;
    c.text = palette.color(QPalette::Text);
    c.base = palette.color(QPalette::Base);
    // A dark base washes tints out: blend the hues in more strongly there.
    const bool dark = luminance(c.base) < luminance(c.text);
    const double block = dark ? 0.20 : 0.09;
    const double mark = dark ? 0.42 : 0.35;
    const QColor violet(0x7c, 0x6f, 0xb0), blue(0x2f, 0x6f, 0xde), green(0x2e, 0x9d, 0x5b),
        orange(0xd0, 0x8a, 0x1a), teal(0x14, 0x9c, 0xa8), red(0xe5, 0x48, 0x4d), amber(0xf2, 0xb6, 0x00),
        grey(0x80, 0x80, 0x80);
    c.system = tint(violet, palette, block);
    c.user = tint(blue, palette, block);
    c.assistant = tint(green, palette, block);
    c.tool = tint(orange, palette, block);
    c.output = tint(teal, palette, block * 1.2);
    c.systemAccent = mix(violet, c.base, 0.8);
    c.userAccent = mix(blue, c.base, 0.8);
    c.assistantAccent = mix(green, c.base, 0.8);
    c.toolAccent = mix(orange, c.base, 0.8);
    c.outputAccent = mix(teal, c.base, 0.9);
    c.code = tint(grey, palette, dark ? 0.18 : 0.10);
    c.flag = tint(red, palette, block);
    c.personalData = tint(amber, palette, dark ? 0.5 : 0.45);
    c.removed = tint(red, palette, mark);
    c.added = tint(green, palette, mark);

    // Secondary text: as faint as it can be while staying readable on everything it sits on.
    const QList<QColor> grounds{c.base, c.system, c.user, c.assistant, c.tool, c.output, c.code, c.flag};
    for (double share = 0.62; share <= 1.0; share += 0.02) {
        c.muted = mix(c.text, c.base, std::min(share, 1.0));
        if (std::all_of(grounds.begin(), grounds.end(),
                        [&](const QColor &ground) { return contrastRatio(c.muted, ground) >= kReadable; }))
            return c;
    }
    c.muted = c.text;
    return c;
}

QString diffHtml(const QString &before, const QString &after, const HtmlColors &colors)
{
    // A removed or added line break would be an invisible tint at a line's end: show it as a sign,
    // and break the line only where the corrected text does.
    const QString kReturn = QStringLiteral("↵");
    QString html;
    for (const DiffPiece &piece : wordDiff(before, after)) {
        switch (piece.kind) {
        case DiffPiece::Kind::Same:
            html += esc(piece.text);
            break;
        case DiffPiece::Kind::Removed:
            html += QStringLiteral("<span style=\"background-color:") + css(colors.removed) +
                    QStringLiteral("; color:") + css(colors.text) +
                    QStringLiteral("; text-decoration:line-through\" title=\"") + esc(tr("Removed")) +
                    QStringLiteral("\">") + esc(piece.text).replace(QLatin1Char('\n'), kReturn) +
                    QStringLiteral("</span>");
            break;
        case DiffPiece::Kind::Added:
            html += QStringLiteral("<span style=\"background-color:") + css(colors.added) +
                    QStringLiteral("; color:") + css(colors.text) + QStringLiteral("\" title=\"") +
                    esc(tr("Added")) + QStringLiteral("\">") +
                    esc(piece.text).replace(QLatin1Char('\n'), kReturn + QLatin1Char('\n')) +
                    QStringLiteral("</span>");
            break;
        }
    }
    return textParagraph(html);
}

QString interactionHtml(const InteractionDetails &d, const QList<Decision> &decisions,
                        const HtmlColors &colors)
{
    return QStringLiteral("<html><body style=\"color:") + css(colors.text) + QStringLiteral("\">") +
           headerHtml(d, decisions, colors) + flagsHtml(d, colors) + conversationHtml(d, colors) +
           correctionHtml(d, decisions, colors) + signalsHtml(d, colors) + siblingsHtml(d, colors) +
           decisionsHtml(d, decisions, colors) + QStringLiteral("</body></html>");
}

} // namespace flywheel::ui
