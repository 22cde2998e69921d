// Proves that the tsan preset still sees a race in our own code after its suppressions and
// ignore_noninstrumented_modules: a worker hands a job to the main thread through a Mailbox, then
// writes what the job reads. ctest expects this program to fail under ThreadSanitizer.
#include "util/mailbox.h"

#include <QCoreApplication>
#include <QTimer>

#include <thread>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    flywheel::Mailbox mailbox;
    int shared = 0;
    std::thread worker([&] {
        mailbox.post([&] {
            const int seen = shared; // races with the write below
            QTimer::singleShot(50, &app, [&app, seen] { app.exit(seen >= 0 ? 0 : 1); });
        });
        shared = 2; // after the hand-off: nothing orders it before the job's read
    });
    const int code = app.exec();
    worker.join();
    return code;
}
