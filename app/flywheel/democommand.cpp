#include "commands.h"
#include "interrupt.h"

#include "demo/demogenerator.h"
#include "store/store.h"

#include <QElapsedTimer>
#include <QLocale>

#include <cstdio>
#include <unistd.h>

namespace flywheel::cli {
namespace {

class DemoCommand final : public Command {
public:
    DemoCommand()
        : Command(QStringLiteral("demo"), QStringLiteral("Fill the store with a deterministic demo flywheel"),
                  QStringLiteral("Fill the store with a deterministic demo flywheel: 90 days, three model "
                                 "versions, feedback, corrections, near-duplicates and coverage gaps."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addOption({QStringLiteral("interactions"),
                          QStringLiteral("How many interactions to generate (default: 20000)."),
                          QStringLiteral("n")});
        parser.addOption({QStringLiteral("seed"),
                          QStringLiteral("Random seed; the same seed gives the same store "
                                         "(default: 42)."),
                          QStringLiteral("s")});
        parser.addOption({QStringLiteral("quiet"), QStringLiteral("Print no progress.")});
    }

    int run(QCommandLineParser &parser) override
    {
        if (!parser.positionalArguments().isEmpty())
            return fail(QStringLiteral("demo takes no arguments; name the store with --store PATH"));
        DemoOptions options;
        qint64 seed = qint64(options.seed);
        for (QString error : {parseCount(parser, QStringLiteral("interactions"), options.interactions, 1),
                              parseCount(parser, QStringLiteral("seed"), seed)})
            if (!error.isEmpty())
                return fail(error);
        options.seed = quint64(seed);

        auto store = Store::open(storePath());
        if (!store)
            return fail(store.errorMessage());
        DemoGenerator generator(*store, options);
        generator.setCancelFlag(&installInterruptFlag());
        const bool showProgress = !parser.isSet(QStringLiteral("quiet")) && ::isatty(STDERR_FILENO);
        if (showProgress)
            generator.setProgressCallback([](qint64 done, qint64 total) {
                std::fprintf(stderr, "\r\033[Kdemo: %lld / %lld interactions", static_cast<long long>(done),
                             static_cast<long long>(total));
                std::fflush(stderr);
            });
        QElapsedTimer timer;
        timer.start();
        auto report = generator.run();
        if (showProgress)
            std::fputs("\r\033[K", stderr);
        if (!report)
            return fail(report.errorMessage());

        if (json()) {
            printJson({{QStringLiteral("store"), store->displayName()},
                       {QStringLiteral("seed"), qint64(options.seed)},
                       {QStringLiteral("interactions_added"), report->interactions},
                       {QStringLiteral("feedback_events_added"), report->feedbackEvents},
                       {QStringLiteral("corrections_added"), report->corrections},
                       {QStringLiteral("cancelled"), report->cancelled}});
        } else {
            const QLocale en(QLocale::English);
            print(
                QStringLiteral("Demo flywheel (seed %1) in %2: added %3 interactions, %4 feedback events, %5 "
                               "corrections in %6 s.")
                    .arg(options.seed)
                    .arg(store->displayName(), en.toString(report->interactions),
                         en.toString(report->feedbackEvents), en.toString(report->corrections))
                    .arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1));
        }
        if (report->cancelled) {
            printError(QStringLiteral("flywheel demo: interrupted; re-run the same command to finish."));
            return Failure;
        }
        return Success;
    }
};

} // namespace

std::unique_ptr<Command> makeDemoCommand()
{
    return std::make_unique<DemoCommand>();
}

} // namespace flywheel::cli
