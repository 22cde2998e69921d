#pragma once

#include <QColor>
#include <QList>
#include <QString>

class QPalette;

namespace flywheel {
struct Decision;
struct InteractionDetails;
} // namespace flywheel

namespace flywheel::ui {

/// The colors of the detail pane's rich text. Tints are hues blended into the palette's base, weak
/// enough that the palette's text keeps a WCAG contrast of at least 4.5 on them, so the same code
/// reads well with light and dark palettes.
struct HtmlColors {
    /// The palette's text and base.
    QColor text, base;
    /// Captions and secondary text; readable on the base and on every tint.
    QColor muted;
    /// Backgrounds of the conversation's blocks, by role, and of the model's output.
    QColor system, user, assistant, tool, output;
    /// The bars beside those blocks (no text on them).
    QColor systemAccent, userAccent, assistantAccent, toolAccent, outputAccent;
    /// Background of JSON (tool calls).
    QColor code;
    /// Background of the reasons an interaction was flagged.
    QColor flag;
    /// Background of personal data inside texts.
    QColor personalData;
    /// Backgrounds of removed and added words in diffs.
    QColor removed, added;
};

HtmlColors htmlColors(const QPalette &palette);

/// WCAG 2 contrast ratio of two colors, from 1 (same luminance) to 21 (black on white).
double contrastRatio(const QColor &a, const QColor &b);

/// The conversation and everything a reviewer needs to judge it, as Qt rich text (QTextBrowser
/// subset of HTML/CSS): header, why it was flagged, conversation and output with personal data
/// highlighted, correction diffs, signals and feedback, near-duplicates, and @p decisions
/// (the interaction's reviews from @p d when @p decisions is empty).
QString interactionHtml(const InteractionDetails &d, const QList<Decision> &decisions,
                        const HtmlColors &colors);

/// The word diff of @p before against @p after as rich text (removed struck through on a red tint,
/// added on a green tint), one paragraph that keeps line breaks.
QString diffHtml(const QString &before, const QString &after, const HtmlColors &colors);

} // namespace flywheel::ui
