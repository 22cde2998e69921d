#pragma once

#include <QList>
#include <QString>

namespace flywheel {

/// A run of text that two versions share, or that one of them alone has.
struct DiffPiece {
    enum class Kind { Same, Removed, Added };
    Kind kind = Kind::Same;
    QString text;

    bool operator==(const DiffPiece &) const = default;
};

/// @p before and @p after split into words and the whitespace/punctuation between them; the pieces,
/// in order, that turn one into the other (adjacent pieces of one kind merged). The Same and Removed
/// pieces concatenated give @p before; the Same and Added ones give @p after. Where a change is
/// interrupted only by whitespace, the whole stretch is one removal followed by one addition, which
/// reads better than alternating single words.
QList<DiffPiece> wordDiff(const QString &before, const QString &after);

/// The tokens wordDiff compares: whole words, runs of whitespace, and each other character
/// (punctuation, symbols, emoji, CJK ideographs) on its own; a character's combining marks stay
/// with it. Concatenated they give @p text.
QList<QStringView> diffTokens(QStringView text);

} // namespace flywheel
