#include "review/worddiff.h"

#include <QRandomGenerator>
#include <QTest>

using namespace flywheel;

namespace {

using Kind = DiffPiece::Kind;

// "=same", "-removed", "+added": a compact way to write expected diffs.
QStringList describe(const QList<DiffPiece> &pieces)
{
    QStringList out;
    for (const DiffPiece &piece : pieces) {
        const QChar mark = piece.kind == Kind::Same      ? QLatin1Char('=')
                           : piece.kind == Kind::Removed ? QLatin1Char('-')
                                                         : QLatin1Char('+');
        out.append(mark + piece.text);
    }
    return out;
}

QString side(const QList<DiffPiece> &pieces, Kind other)
{
    QString out;
    for (const DiffPiece &piece : pieces)
        if (piece.kind != other)
            out += piece.text;
    return out;
}

void verifyReconstructs(const QList<DiffPiece> &pieces, const QString &before, const QString &after)
{
    QCOMPARE(side(pieces, Kind::Added), before);
    QCOMPARE(side(pieces, Kind::Removed), after);
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        QVERIFY2(!pieces[i].text.isEmpty(), "an empty piece");
        if (i > 0)
            QVERIFY2(pieces[i].kind != pieces[i - 1].kind, "adjacent pieces of one kind were not merged");
    }
}

} // namespace

class TestWordDiff : public QObject {
    Q_OBJECT

private slots:
    void tokens_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("empty") << QString() << QStringList();
        QTest::newRow("words") << QStringLiteral("Hello,  world!")
                               << QStringList{QStringLiteral("Hello"), QStringLiteral(","),
                                              QStringLiteral("  "), QStringLiteral("world"),
                                              QStringLiteral("!")};
        QTest::newRow("punctuation each") << QStringLiteral("a?!b")
                                          << QStringList{QStringLiteral("a"), QStringLiteral("?"),
                                                         QStringLiteral("!"), QStringLiteral("b")};
        QTest::newRow("digits and underscores")
            << QStringLiteral("x_1 42")
            << QStringList{QStringLiteral("x_1"), QStringLiteral(" "), QStringLiteral("42")};
        QTest::newRow("combining accent stays")
            << QStringLiteral("cafe\u0301 ok")
            << QStringList{QStringLiteral("cafe\u0301"), QStringLiteral(" "), QStringLiteral("ok")};
        QTest::newRow("emoji whole") << QStringLiteral("hi😀👍🏽")
                                     << QStringList{QStringLiteral("hi"), QStringLiteral("😀"),
                                                    QStringLiteral("👍🏽")};
        QTest::newRow("ideographs one by one")
            << QStringLiteral("東京へ")
            << QStringList{QStringLiteral("東"), QStringLiteral("京"), QStringLiteral("へ")};
        QTest::newRow("newlines are whitespace")
            << QStringLiteral("a\n\n b")
            << QStringList{QStringLiteral("a"), QStringLiteral("\n\n "), QStringLiteral("b")};
    }

    void tokens()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        QStringList actual;
        for (QStringView token : diffTokens(text))
            actual.append(token.toString());
        QCOMPARE(actual, expected);
    }

    void diff_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QStringList>("expected");
        const auto s = [](const char *text) {
            return QString::fromUtf8(text);
        };
        QTest::newRow("identical") << s("Same text.") << s("Same text.") << QStringList{s("=Same text.")};
        QTest::newRow("both empty") << QString() << QString() << QStringList();
        QTest::newRow("empty before") << QString() << s("new text") << QStringList{s("+new text")};
        QTest::newRow("empty after") << s("old text") << QString() << QStringList{s("-old text")};
        QTest::newRow("insertion") << s("the cat sat") << s("the black cat sat")
                                   << QStringList{s("=the "), s("+black "), s("=cat sat")};
        QTest::newRow("insertion at end")
            << s("Done") << s("Done, thanks") << QStringList{s("=Done"), s("+, thanks")};
        QTest::newRow("deletion") << s("a very long day") << s("a long day")
                                  << QStringList{s("=a "), s("-very "), s("=long day")};
        QTest::newRow("replacement") << s("Paris is in Italy.") << s("Paris is in France.")
                                     << QStringList{s("=Paris is in "), s("-Italy"), s("+France"), s("=.")};
        QTest::newRow("replacement of several words")
            << s("I think the answer is 12 apples.") << s("I think it is 14 pears.")
            << QStringList{s("=I think "),  s("-the answer"), s("+it"), s("= is "),
                           s("-12 apples"), s("+14 pears"),   s("=.")};
        QTest::newRow("rewritten sentence reads as one change")
            << s("the quick brown fox") << s("a slow red dog")
            << QStringList{s("-the quick brown fox"), s("+a slow red dog")};
        QTest::newRow("punctuation") << s("Hello, world") << s("Hello world!")
                                     << QStringList{s("=Hello"), s("-,"), s("= world"), s("+!")};
        QTest::newRow("whole word changes")
            << s("colour") << s("color") << QStringList{s("-colour"), s("+color")};
        QTest::newRow("whitespace only") << s("a  b") << s("a b") << QStringList{s("=a "), s("- "), s("=b")};
        QTest::newRow("line break") << s("one\ntwo") << s("one\n\ntwo")
                                    << QStringList{s("=one\n"), s("+\n"), s("=two")};
        QTest::newRow("unicode") << s("Grüße aus Köln") << s("Grüße aus München")
                                 << QStringList{s("=Grüße aus "), s("-Köln"), s("+München")};
        QTest::newRow("emoji") << s("Great job 👍 thanks") << s("Great job 👎 thanks")
                               << QStringList{s("=Great job "), s("-👍"), s("+👎"), s("= thanks")};
        QTest::newRow("emoji modifier")
            << s("ok 👍") << s("ok 👍🏽") << QStringList{s("=ok "), s("-👍"), s("+👍🏽")};
        QTest::newRow("ideographs") << s("東京へ行く") << s("大阪へ行く")
                                    << QStringList{s("-東京"), s("+大阪"), s("=へ行く")};
    }

    void diff()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(QStringList, expected);
        const QList<DiffPiece> pieces = wordDiff(before, after);
        QCOMPARE(describe(pieces), expected);
        verifyReconstructs(pieces, before, after);
    }

    // Same + Removed give the text before, Same + Added the text after, for any pair of texts.
    void reconstructsRandomTexts()
    {
        const QStringList alphabet{
            QStringLiteral("a"),       QStringLiteral("b"),  QStringLiteral("word"),
            QStringLiteral(" "),       QStringLiteral("  "), QStringLiteral("\n"),
            QStringLiteral(","),       QStringLiteral("."),  QStringLiteral("é"),
            QStringLiteral("e\u0301"), QStringLiteral("😀"),  QStringLiteral("👍🏽"),
            QStringLiteral("東"),      QStringLiteral("_"),  QStringLiteral("7"),
            QStringLiteral("\t")};
        QRandomGenerator random(20261105);
        const auto randomText = [&](int maxParts) {
            QString text;
            const int parts = int(random.bounded(maxParts + 1));
            for (int i = 0; i < parts; ++i)
                text += alphabet[random.bounded(int(alphabet.size()))];
            return text;
        };
        for (int round = 0; round < 3000; ++round) {
            const QString before = randomText(round % 10 == 0 ? 200 : 30);
            QString after;
            if (round % 3 == 0) {
                after = randomText(30);
            } else {
                // Small edits of the same text, the usual shape of a correction.
                after = before;
                for (int edits = int(random.bounded(4)); edits > 0; --edits) {
                    const int at = int(random.bounded(int(after.size()) + 1));
                    const int length = int(random.bounded(qMin(4, int(after.size()) - at) + 1));
                    after.replace(at, length, randomText(3));
                }
            }
            const QList<DiffPiece> pieces = wordDiff(before, after);
            verifyReconstructs(pieces, before, after);
            if (QTest::currentTestFailed()) {
                qWarning() << "before" << before << "after" << after;
                return;
            }
        }
    }

    // Random raw UTF-16, lone surrogates included: never crashes, still reconstructs.
    void reconstructsRandomCodeUnits()
    {
        QRandomGenerator random(7);
        for (int round = 0; round < 500; ++round) {
            QString before, after;
            for (QString *text : {&before, &after}) {
                const int length = int(random.bounded(40));
                for (int i = 0; i < length; ++i)
                    text->append(QChar(char16_t(random.bounded(4) == 0 ? random.bounded(0x10000)
                                                                       : random.bounded(0x20, 0x80))));
            }
            verifyReconstructs(wordDiff(before, after), before, after);
            if (QTest::currentTestFailed())
                return;
        }
    }

    void largeTexts()
    {
        QString before, after;
        for (int i = 0; i < 20000; ++i) {
            before += QStringLiteral("word%1 ").arg(i);
            after += i % 50 == 0 ? QStringLiteral("changed%1 ").arg(i) : QStringLiteral("word%1 ").arg(i);
        }
        const QList<DiffPiece> pieces = wordDiff(before, after);
        verifyReconstructs(pieces, before, after);
        QCOMPARE(pieces.size(), 400 * 3);
    }
};

QTEST_GUILESS_MAIN(TestWordDiff)
#include "tst_worddiff.moc"
