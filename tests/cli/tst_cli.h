#pragma once

#include <QJsonObject>
#include <QObject>
#include <QTemporaryDir>

#include <optional>

// Declared apart from the bodies: moc cannot tokenize some of the JSON literals the tests use.
class TestCli : public QObject {
    Q_OBJECT

private slots:
    void init();
    void helpListsCommands();
    void everyCommandHasHelp_data();
    void everyCommandHasHelp();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void initCreatesStore();
    void ingestReportsCountsAndExitStatus();
    void ingestFromStandardInput();
    void ingestDetectsAndForcesFormats();
    void ingestCsvWithColumnMap();
    void ingestMissingFileIsFatal();
    void statsCountsEverything();
    void statsOnMissingStoreFails();
    void statsDashboardAndItsFilter();
    void foreignFileIsRefused();
    void demoFillsStoreAndIsRepeatable();
    void storeFromEnvironment();
    void serveCollectsUntilTerminated();
    void curateQueueShowAndDupes();
    void queueListsAsTheStudioDoes();
    void guidelinesAreSetPrintedAndKept();
    void exportAndDatasets();
    void reportWritesChartsAndMetrics();

private:
    struct Run {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
        QJsonObject json() const;
    };
    Run flywheel(const QStringList &arguments, const QByteArray &input = {},
                 const QStringList &environment = {});
    QString store() const;
    QString writeInput(const QByteArray &content) const;

    std::optional<QTemporaryDir> m_dir;
};
