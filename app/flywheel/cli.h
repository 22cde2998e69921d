#pragma once

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include "util/result.h"

#include <string_view>
#include <vector>

namespace flywheel {
class Store;
} // namespace flywheel

namespace flywheel::cli {

/// Exit statuses every command shares: scripts can rely on them.
enum ExitCode { Success = 0, DoneWithRejections = 1, Failure = 2 };

/// What every command gets: its parsed options and the common ones (--store, --json).
class Command {
public:
    /// @p brief is the one line `flywheel --help` shows; @p summary opens the command's own --help.
    Command(QString name, QString brief, QString summary);
    virtual ~Command() = default;

    const QString &name() const { return m_name; }
    const QString &brief() const { return m_brief; }
    const QString &summary() const { return m_summary; }

    /// Parses @p arguments (program name first) and runs; returns the exit status.
    int exec(const QStringList &arguments);

protected:
    virtual void addOptions(QCommandLineParser &parser) = 0;
    virtual int run(QCommandLineParser &parser) = 0;

    bool json() const { return m_json; }
    /// The store's location as given: a file path or a postgresql:// URI (which may hold a password).
    QString storePath() const { return m_storePath; }
    /// The store's location without passwords: what messages and --json output show.
    QString storeName() const;
    /// An error for commands that work on a store file only (backup, check, recover) when the store
    /// is on a PostgreSQL server; empty for a file.
    QString fileOnly(const QString &serverAdvice) const;
    /// The store at storePath(), which must exist already (commands that only read or add to one).
    Result<Store> openExistingStore() const;

    /// Prints a fatal error (and, with --json, {"error": ...} on stdout); returns Failure.
    int fail(const QString &message) const;
    /// Prints @p object as JSON on stdout.
    static void printJson(const QJsonObject &object);
    /// Prints @p object as one line of JSON (for commands that report as they run).
    static void printJsonLine(const QJsonObject &object);
    static void print(const QString &text);
    static void printError(const QString &text);

private:
    QString m_name;
    QString m_brief;
    QString m_summary;
    bool m_json = false;
    QString m_storePath;
};

/// The store used when --store is not given: $FLYWHEEL_STORE, else store.flywheel in the per-user
/// data folder.
QString defaultStorePath();

/// Parses a whole-number option of at least @p minimum into @p out (left alone when the option is
/// absent). Returns the error to report, or an empty string.
QString parseCount(const QCommandLineParser &parser, const QString &option, qint64 &out, qint64 minimum = 0);

/// @p epochMs as an RFC 3339 UTC time, as every command prints times.
QString timeText(qint64 epochMs);
/// @p names joined by ", ", for messages that list the valid choices.
QString listed(const std::vector<std::string_view> &names);

} // namespace flywheel::cli
