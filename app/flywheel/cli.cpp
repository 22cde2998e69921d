#include "cli.h"

#include "store/store.h"
#include "store/storefiles.h"
#include "store/storelocation.h"
#include "util/timestamps.h"

#include <QJsonDocument>

#include <cstdio>

namespace flywheel::cli {

Command::Command(QString name, QString brief, QString summary)
    : m_name(std::move(name))
    , m_brief(std::move(brief))
    , m_summary(std::move(summary))
{}

int Command::exec(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(m_summary);
    parser.addHelpOption();
    parser.addOption(
        {QStringLiteral("store"),
         QStringLiteral("The store: a file, or a PostgreSQL server as postgresql://USER@HOST:PORT/DATABASE "
                        "(default: $FLYWHEEL_STORE or %1).")
             .arg(StoreLocation::redacted(defaultStorePath())),
         QStringLiteral("path|uri")});
    parser.addOption({QStringLiteral("schema"),
                      QStringLiteral("On a PostgreSQL server, the schema that holds the store (default: %1).")
                          .arg(QLatin1String(StoreLocation::kDefaultSchema)),
                      QStringLiteral("name")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print a machine-readable summary on stdout.")});
    addOptions(parser);
    if (!parser.parse(arguments)) {
        printError(
            QStringLiteral("flywheel %1: %2\nTry `flywheel %1 --help`.").arg(m_name, parser.errorText()));
        return Failure;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        // helpText() names the program by its path; the usage line names the command instead.
        QString help = parser.helpText();
        const qsizetype endOfProgram = help.indexOf(QLatin1Char(' '), 7);
        help.replace(0, endOfProgram, QStringLiteral("Usage: flywheel %1").arg(m_name));
        print(help);
        return Success;
    }
    m_json = parser.isSet(QStringLiteral("json"));
    m_storePath =
        parser.isSet(QStringLiteral("store")) ? parser.value(QStringLiteral("store")) : defaultStorePath();
    if (parser.isSet(QStringLiteral("schema"))) {
        const QString schema = parser.value(QStringLiteral("schema"));
        if (!StoreLocation::isServer(m_storePath))
            return fail(QStringLiteral("--schema names a schema of a PostgreSQL store; %1 is a file")
                            .arg(m_storePath));
        if (schema.isEmpty() || schema.size() > 63 || schema.startsWith(QLatin1String("pg_")))
            return fail(
                QStringLiteral("--schema takes a PostgreSQL schema name of 1 to 63 characters that does "
                               "not start with pg_, not \"%1\"")
                    .arg(schema));
        m_storePath = StoreLocation::withSchema(m_storePath, schema);
    }
    return run(parser);
}

QString Command::storeName() const
{
    return StoreLocation::redacted(m_storePath);
}

QString Command::fileOnly(const QString &serverAdvice) const
{
    if (!StoreLocation::isServer(m_storePath))
        return {};
    return QStringLiteral("%1 works on a store file; %2 is on a PostgreSQL server: %3")
        .arg(m_name, storeName(), serverAdvice);
}

Result<Store> Command::openExistingStore() const
{
    Store::Options options;
    options.create = false;
    return Store::open(m_storePath, options);
}

int Command::fail(const QString &message) const
{
    printError(QStringLiteral("flywheel %1: %2").arg(m_name, message));
    if (m_json)
        printJson(QJsonObject{{QStringLiteral("error"), message}});
    return Failure;
}

void Command::printJson(const QJsonObject &object)
{
    std::fputs(QJsonDocument(object).toJson(QJsonDocument::Indented).constData(), stdout);
    std::fflush(stdout);
}

void Command::printJsonLine(const QJsonObject &object)
{
    std::fputs(QJsonDocument(object).toJson(QJsonDocument::Compact).append('\n').constData(), stdout);
    std::fflush(stdout);
}

void Command::print(const QString &text)
{
    std::fputs(text.toUtf8().constData(), stdout);
    if (!text.endsWith(QLatin1Char('\n')))
        std::fputc('\n', stdout);
    std::fflush(stdout);
}

void Command::printError(const QString &text)
{
    std::fputs(text.toUtf8().constData(), stderr);
    std::fputc('\n', stderr);
}

QString defaultStorePath()
{
    const QString fromEnvironment = qEnvironmentVariable("FLYWHEEL_STORE");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    return userStoreFile();
}

QString parseCount(const QCommandLineParser &parser, const QString &option, qint64 &out, qint64 minimum)
{
    if (!parser.isSet(option))
        return {};
    bool ok = false;
    const qint64 value = parser.value(option).toLongLong(&ok);
    if (!ok || value < minimum)
        return QStringLiteral("--%1 takes a whole number of at least %2, not \"%3\"")
            .arg(option)
            .arg(minimum)
            .arg(parser.value(option));
    out = value;
    return {};
}

QString timeText(qint64 epochMs)
{
    return QString::fromStdString(formatRfc3339(epochMs));
}

QString listed(const std::vector<std::string_view> &names)
{
    QStringList out;
    for (const std::string_view name : names)
        out.append(QString::fromUtf8(name.data(), qsizetype(name.size())));
    return out.join(QStringLiteral(", "));
}

} // namespace flywheel::cli
