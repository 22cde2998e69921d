#include "commands.h"

#include "export/validator.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QLocale>

namespace flywheel::cli {
namespace {

class ValidateCommand final : public Command {
public:
    ValidateCommand()
        : Command(
              QStringLiteral("validate"), QStringLiteral("Check a dataset folder or file against its format"),
              QStringLiteral("Check a dataset folder (each .jsonl file, and the SHA-256s in its manifest) or "
                             "one JSONL file: valid UTF-8 JSON objects, OpenAI chat files by the checks of "
                             "OpenAI's data-preparation notebook, DPO and TRL files by their columns and "
                             "consistent types. Prints line-numbered problems; exits 1 when there is one. "
                             "Needs no store. See docs/export.md."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addPositionalArgument(QStringLiteral("path"),
                                     QStringLiteral("A dataset folder or a .jsonl file."));
    }

    int run(QCommandLineParser &parser) override
    {
        if (parser.positionalArguments().size() != 1)
            return fail(QStringLiteral("validate takes one dataset folder or file"));
        QElapsedTimer timer;
        timer.start();
        auto report = validateDataset(parser.positionalArguments().first());
        if (!report)
            return fail(report.errorMessage());
        const double seconds = std::max(0.001, double(timer.elapsed()) / 1000.0);
        if (json()) {
            QJsonArray issues;
            for (const ValidationIssue &issue : report->issues)
                issues.append(QJsonObject{{QStringLiteral("file"), issue.file},
                                          {QStringLiteral("line"), issue.line},
                                          {QStringLiteral("check"), issue.check},
                                          {QStringLiteral("message"), issue.message},
                                          {QStringLiteral("warning"), issue.warning}});
            printJson({{QStringLiteral("valid"), report->ok()},
                       {QStringLiteral("files"), report->files},
                       {QStringLiteral("lines"), report->lines},
                       {QStringLiteral("bytes"), report->bytes},
                       {QStringLiteral("issues"), issues}});
        } else {
            const QLocale en(QLocale::English);
            for (const ValidationIssue &issue : report->issues)
                print(QStringLiteral("%1%2: %3%4: %5")
                          .arg(issue.file, issue.line > 0 ? QStringLiteral(":%1").arg(issue.line) : QString(),
                               issue.warning ? QStringLiteral("warning: ") : QString(), issue.check,
                               issue.message));
            print(QStringLiteral("%1: %2 files, %3 lines checked in %4 s (%5 MB/s).")
                      .arg(report->ok() ? QStringLiteral("Valid") : QStringLiteral("Not valid"))
                      .arg(report->files)
                      .arg(en.toString(report->lines))
                      .arg(seconds, 0, 'f', 2)
                      .arg(double(report->bytes) / 1048576.0 / seconds, 0, 'f', 0));
        }
        return report->ok() ? Success : DoneWithRejections;
    }
};

} // namespace

std::unique_ptr<Command> makeValidateCommand()
{
    return std::make_unique<ValidateCommand>();
}

} // namespace flywheel::cli
