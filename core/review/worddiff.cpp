#include "review/worddiff.h"

#include <QHash>
#include <QTextBoundaryFinder>

#include <dtl/dtl.hpp>

#include <vector>

namespace flywheel {
namespace {

enum class TokenClass { Word, Space, Single };

TokenClass classOf(char32_t c)
{
    if (QChar::isSpace(c))
        return TokenClass::Space;
    // Ideographic scripts write no spaces between words: one character is the closest to a word.
    switch (QChar::script(c)) {
    case QChar::Script_Han:
    case QChar::Script_Hiragana:
    case QChar::Script_Katakana:
        return TokenClass::Single;
    default:
        break;
    }
    if (QChar::isLetterOrNumber(c) || QChar::isMark(c) || c == U'_')
        return TokenClass::Word;
    return TokenClass::Single;
}

char32_t codePointAt(QStringView text, qsizetype i)
{
    const QChar c = text[i];
    if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate())
        return QChar::surrogateToUcs4(c, text[i + 1]);
    return c.unicode();
}

bool isWhitespace(const QString &text)
{
    for (const QChar c : text)
        if (!c.isSpace())
            return false;
    return !text.isEmpty();
}

void append(QList<DiffPiece> &pieces, DiffPiece::Kind kind, QStringView text)
{
    if (text.isEmpty())
        return;
    if (!pieces.isEmpty() && pieces.last().kind == kind)
        pieces.last().text += text;
    else
        pieces.append({kind, text.toString()});
}

// A replacement that only whitespace interrupts ("-the +a ␣ -cat +dog") becomes one removal and one
// addition of the whole stretch. A pure deletion or insertion keeps its shared whitespace as is.
QList<DiffPiece> joinReplacements(const QList<DiffPiece> &pieces)
{
    QList<DiffPiece> out;
    const qsizetype n = pieces.size();
    qsizetype i = 0;
    while (i < n) {
        if (pieces[i].kind == DiffPiece::Kind::Same) {
            append(out, DiffPiece::Kind::Same, pieces[i].text);
            ++i;
            continue;
        }
        qsizetype end = i + 1;
        while (end < n) {
            if (pieces[end].kind != DiffPiece::Kind::Same)
                ++end;
            else if (end + 1 < n && pieces[end + 1].kind != DiffPiece::Kind::Same &&
                     isWhitespace(pieces[end].text))
                end += 2;
            else
                break;
        }
        bool removes = false, adds = false;
        for (qsizetype k = i; k < end; ++k) {
            removes |= pieces[k].kind == DiffPiece::Kind::Removed;
            adds |= pieces[k].kind == DiffPiece::Kind::Added;
        }
        if (removes && adds) {
            QString removed, added;
            for (qsizetype k = i; k < end; ++k) {
                if (pieces[k].kind != DiffPiece::Kind::Added)
                    removed += pieces[k].text;
                if (pieces[k].kind != DiffPiece::Kind::Removed)
                    added += pieces[k].text;
            }
            // Whitespace both sides start or end with is shared, not changed.
            qsizetype lead = 0;
            while (lead < removed.size() && lead < added.size() && removed[lead] == added[lead] &&
                   removed[lead].isSpace())
                ++lead;
            qsizetype trail = 0;
            while (trail < removed.size() - lead && trail < added.size() - lead &&
                   removed[removed.size() - 1 - trail] == added[added.size() - 1 - trail] &&
                   removed[removed.size() - 1 - trail].isSpace())
                ++trail;
            append(out, DiffPiece::Kind::Same, QStringView(removed).first(lead));
            append(out, DiffPiece::Kind::Removed,
                   QStringView(removed).sliced(lead, removed.size() - lead - trail));
            append(out, DiffPiece::Kind::Added, QStringView(added).sliced(lead, added.size() - lead - trail));
            append(out, DiffPiece::Kind::Same, QStringView(removed).last(trail));
        } else {
            for (qsizetype k = i; k < end; ++k)
                append(out, pieces[k].kind, pieces[k].text);
        }
        i = end;
    }
    return out;
}

} // namespace

QList<QStringView> diffTokens(QStringView text)
{
    QList<QStringView> tokens;
    if (text.isEmpty())
        return tokens;
    // Grapheme clusters, so that an accent, a skin tone or a flag's second half is never split off.
    QTextBoundaryFinder graphemes(QTextBoundaryFinder::Grapheme, text);
    qsizetype tokenStart = 0;
    TokenClass tokenClass = classOf(codePointAt(text, 0));
    qsizetype start = 0;
    for (qsizetype end = graphemes.toNextBoundary(); end != -1 && start < text.size();
         start = end, end = graphemes.toNextBoundary()) {
        const TokenClass cls = classOf(codePointAt(text, start));
        if (start > tokenStart && (cls != tokenClass || cls == TokenClass::Single)) {
            tokens.append(text.sliced(tokenStart, start - tokenStart));
            tokenStart = start;
        }
        tokenClass = cls;
    }
    tokens.append(text.sliced(tokenStart));
    return tokens;
}

QList<DiffPiece> wordDiff(const QString &before, const QString &after)
{
    const QList<QStringView> a = diffTokens(before);
    const QList<QStringView> b = diffTokens(after);

    // The common head and tail need no search; most corrections change a little in the middle.
    qsizetype head = 0;
    while (head < a.size() && head < b.size() && a[head] == b[head])
        ++head;
    qsizetype tail = 0;
    while (tail < a.size() - head && tail < b.size() - head &&
           a[a.size() - 1 - tail] == b[b.size() - 1 - tail])
        ++tail;

    QList<DiffPiece> pieces;
    for (qsizetype i = 0; i < head; ++i)
        append(pieces, DiffPiece::Kind::Same, a[i]);

    // dtl compares integers faster than strings: equal tokens get equal ids.
    QHash<QStringView, int> ids;
    const auto idsOf = [&](const QList<QStringView> &tokens) {
        std::vector<int> out;
        out.reserve(size_t(tokens.size() - head - tail));
        for (qsizetype i = head; i < tokens.size() - tail; ++i) {
            auto id = ids.constFind(tokens[i]);
            if (id == ids.constEnd())
                id = ids.insert(tokens[i], int(ids.size()));
            out.push_back(id.value());
        }
        return out;
    };
    const std::vector<int> idsA = idsOf(a);
    const std::vector<int> idsB = idsOf(b);
    qsizetype i = head, j = head;
    if (idsA.empty() || idsB.empty()) {
        for (; i < a.size() - tail; ++i)
            append(pieces, DiffPiece::Kind::Removed, a[i]);
        for (; j < b.size() - tail; ++j)
            append(pieces, DiffPiece::Kind::Added, b[j]);
    } else {
        dtl::Diff<int> diff(idsA, idsB);
        diff.compose();
        // Walk both token lists along the edit script rather than trusting its indices.
        for (const auto &[id, info] : diff.getSes().getSequence()) {
            Q_UNUSED(id)
            switch (info.type) {
            case dtl::SES_COMMON:
                append(pieces, DiffPiece::Kind::Same, a[i]);
                ++i;
                ++j;
                break;
            case dtl::SES_DELETE:
                append(pieces, DiffPiece::Kind::Removed, a[i++]);
                break;
            case dtl::SES_ADD:
                append(pieces, DiffPiece::Kind::Added, b[j++]);
                break;
            default:
                break;
            }
        }
    }
    Q_ASSERT(i == a.size() - tail && j == b.size() - tail);
    for (qsizetype k = a.size() - tail; k < a.size(); ++k)
        append(pieces, DiffPiece::Kind::Same, a[k]);
    return joinReplacements(pieces);
}

} // namespace flywheel
