// `flywheel guidelines`: print or set the team's annotation guidelines, which the review studio
// shows beside the queue.
#include "commands.h"

#include "review/guidelines.h"
#include "store/store.h"

#include <QFile>

#include <QJsonArray>
#include <cstdio>

namespace flywheel::cli {
namespace {

QJsonObject versionJson(const Guidelines &g, bool withText)
{
    QJsonObject object{{QStringLiteral("version"), g.version},
                       {QStringLiteral("author"), g.author},
                       {QStringLiteral("time"), g.version > 0 ? timeText(g.createdAtMs) : QString()}};
    if (withText)
        object.insert(QStringLiteral("text"), g.text);
    return object;
}

QString byLine(const Guidelines &g)
{
    return QStringLiteral("Version %1%2, %3")
        .arg(g.version)
        .arg(g.author.isEmpty() ? QString() : QStringLiteral(" by ") + g.author, timeText(g.createdAtMs));
}

class GuidelinesCommand final : public Command {
public:
    GuidelinesCommand()
        : Command(QStringLiteral("guidelines"), QStringLiteral("Print or set the annotation guidelines"),
                  QStringLiteral("Print the team's annotation guidelines (Markdown), which the review studio "
                                 "shows beside the queue, or store a new version of them. Every version is "
                                 "kept, and each review records the version it was made under."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addOptions({
            {QStringLiteral("set"),
             QStringLiteral("Store the Markdown in this file (- for stdin) as a new version."),
             QStringLiteral("file")},
            {QStringLiteral("author"), QStringLiteral("Who wrote the new version (default: $USER)."),
             QStringLiteral("name")},
            {QStringLiteral("version"), QStringLiteral("Print this version instead of the latest."),
             QStringLiteral("n")},
            {QStringLiteral("history"), QStringLiteral("List every version, newest first.")},
        });
    }

    int run(QCommandLineParser &parser) override
    {
        qint64 version = 0;
        if (QString error = parseCount(parser, QStringLiteral("version"), version, 1); !error.isEmpty())
            return fail(error);
        const bool set = parser.isSet(QStringLiteral("set"));
        if (set + parser.isSet(QStringLiteral("version")) + parser.isSet(QStringLiteral("history")) > 1)
            return fail(QStringLiteral("give one of --set, --version and --history"));
        QString text;
        if (set) {
            auto read = readText(parser.value(QStringLiteral("set")));
            if (!read)
                return fail(read.errorMessage());
            text = *read;
        }
        auto store = openExistingStore();
        if (!store)
            return fail(store.errorMessage());
        if (set)
            return save(*store, text,
                        parser.isSet(QStringLiteral("author")) ? parser.value(QStringLiteral("author"))
                                                               : qEnvironmentVariable("USER"));
        if (parser.isSet(QStringLiteral("history")))
            return history(*store);
        return show(*store, version);
    }

private:
    static Result<QString> readText(const QString &path)
    {
        QFile file(path);
        const bool opened = path == QLatin1String("-") ? file.open(::stdin, QIODevice::ReadOnly)
                                                       : file.open(QIODevice::ReadOnly);
        if (!opened)
            return Error{QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
        const QByteArray bytes = file.readAll();
        const QString text = QString::fromUtf8(bytes);
        if (text.toUtf8() != bytes)
            return Error{QStringLiteral("%1 is not UTF-8 text").arg(path)};
        if (text.trimmed().isEmpty())
            return Error{QStringLiteral("%1 is empty; guidelines need some text").arg(path)};
        return text;
    }

    int save(Store &store, const QString &text, const QString &author)
    {
        auto before = loadGuidelines(store);
        if (!before)
            return fail(before.errorMessage());
        auto saved = saveGuidelines(store, text, author);
        if (!saved)
            return fail(QStringLiteral("cannot store the guidelines: %1").arg(saved.errorMessage()));
        const bool unchanged = saved->version == before->version;
        if (json())
            printJson(versionJson(*saved, false));
        else
            print(
                unchanged
                    ? QStringLiteral("The guidelines are already this text (version %1).").arg(saved->version)
                    : QStringLiteral("Stored the guidelines as version %1.").arg(saved->version));
        return Success;
    }

    int show(Store &store, qint64 version)
    {
        Guidelines shown;
        if (version > 0) {
            auto one = loadGuidelineVersions(store, version);
            if (!one)
                return fail(one.errorMessage());
            if (one->isEmpty())
                return fail(QStringLiteral("there is no version %1 of the guidelines").arg(version));
            shown = one->first();
        } else {
            auto latest = loadGuidelines(store);
            if (!latest)
                return fail(latest.errorMessage());
            shown = *latest;
        }
        if (json()) {
            printJson(versionJson(shown, true));
        } else if (shown.version == 0) {
            print(QStringLiteral("No guidelines yet; store some with `flywheel guidelines --set FILE`."));
        } else {
            printError(byLine(shown)); // on stderr, so stdout is the Markdown as written
            print(shown.text);
        }
        return Success;
    }

    int history(Store &store)
    {
        auto versions = loadGuidelineVersions(store);
        if (!versions)
            return fail(versions.errorMessage());
        if (json()) {
            QJsonArray list;
            for (const Guidelines &g : *versions)
                list.append(versionJson(g, false));
            printJson({{QStringLiteral("versions"), list}});
            return Success;
        }
        if (versions->isEmpty()) {
            print(QStringLiteral("No guidelines yet."));
            return Success;
        }
        QStringList lines;
        for (const Guidelines &g : *versions)
            lines.append(byLine(g) + QStringLiteral(": ") + g.text.section(QLatin1Char('\n'), 0, 0).left(60));
        print(lines.join(QLatin1Char('\n')));
        return Success;
    }
};

} // namespace

std::unique_ptr<Command> makeGuidelinesCommand()
{
    return std::make_unique<GuidelinesCommand>();
}

} // namespace flywheel::cli
