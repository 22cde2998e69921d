#pragma once

// A throwaway PostgreSQL server for tests: initdb into a temporary folder, postgres listening on a
// Unix socket there (trust) and on a free 127.0.0.1 port (password: scram-sha-256), stopped and
// removed when the object dies. PostgreSQL refuses to run as root, so as root the server runs as
// the `postgres` user (the Debian package creates it). Binaries: $FLYWHEEL_PG_BIN, else Debian's
// /usr/lib/postgresql/15/bin.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStringList>
#include <QTcpServer>
#include <QTemporaryDir>

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

namespace flywheel::testing {

class PgTestServer final {
public:
    static constexpr const char *kPassword = "s3cret-test-password";

    PgTestServer() = default;
    ~PgTestServer() { stop(); }
    PgTestServer(const PgTestServer &) = delete;
    PgTestServer &operator=(const PgTestServer &) = delete;

    /// Starts the server; returns an empty string, or what went wrong.
    QString start(const QStringList &extraSettings = {})
    {
        if (!m_dir.isValid())
            return QStringLiteral("no temporary folder");
        if (!QFile::exists(bin(QStringLiteral("initdb"))))
            return QStringLiteral("no PostgreSQL server binaries in %1 (apt-get install postgresql-15)")
                .arg(binDir());
        if (::geteuid() == 0) {
            const passwd *user = ::getpwnam("postgres");
            if (!user)
                return QStringLiteral(
                    "running as root needs the postgres user (apt-get install postgresql-15)");
            m_runAs = QStringLiteral("postgres");
            if (::chown(QFile::encodeName(m_dir.path()).constData(), user->pw_uid, user->pw_gid) != 0)
                return QStringLiteral("cannot hand %1 to the postgres user").arg(m_dir.path());
        }
        const QString passwordFile = m_dir.filePath(QStringLiteral("password"));
        {
            QFile file(passwordFile);
            if (!file.open(QIODevice::WriteOnly))
                return QStringLiteral("cannot write %1").arg(passwordFile);
            file.write(kPassword);
        }
        if (!m_runAs.isEmpty())
            run(QStringLiteral("/bin/chown"), {m_runAs, passwordFile});
        QString out;
        if (!run(bin(QStringLiteral("initdb")),
                 {QStringLiteral("-D"), dataDir(), QStringLiteral("-U"), QStringLiteral("postgres"),
                  QStringLiteral("--pwfile=") + passwordFile, QStringLiteral("--auth-local=trust"),
                  QStringLiteral("--auth-host=scram-sha-256"), QStringLiteral("--no-sync"),
                  QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--locale=C")},
                 &out))
            return QStringLiteral("initdb failed: %1").arg(out);
        m_port = freePort();
        m_settings = extraSettings;
        return startPostgres();
    }

    /// Starts the server again after stop() or kill(), on the same port and data.
    QString startPostgres()
    {
        QStringList options{QStringLiteral("-k"), m_dir.path(),
                            QStringLiteral("-p"), QString::number(m_port),
                            QStringLiteral("-c"), QStringLiteral("listen_addresses=127.0.0.1")};
        for (const QString &setting : m_settings)
            options << QStringLiteral("-c") << setting;
        QString out;
        if (!run(bin(QStringLiteral("pg_ctl")),
                 {QStringLiteral("-D"), dataDir(), QStringLiteral("-l"),
                  m_dir.filePath(QStringLiteral("log")), QStringLiteral("-w"), QStringLiteral("-o"),
                  options.join(QLatin1Char(' ')), QStringLiteral("start")},
                 &out))
            return QStringLiteral("the server did not start: %1 %2").arg(out, log());
        m_running = true;
        return {};
    }

    void stop()
    {
        if (!m_running)
            return;
        run(bin(QStringLiteral("pg_ctl")),
            {QStringLiteral("-D"), dataDir(), QStringLiteral("-m"), QStringLiteral("immediate"),
             QStringLiteral("-w"), QStringLiteral("stop")});
        m_running = false;
    }

    /// Creates a database; returns whether it worked.
    bool createDatabase(const QString &name)
    {
        return psql(QStringLiteral("postgres"), QStringLiteral("CREATE DATABASE \"%1\"").arg(name));
    }

    /// Runs @p sql in @p database as the superuser over the socket.
    bool psql(const QString &database, const QString &sql, QString *output = nullptr)
    {
        return run(bin(QStringLiteral("psql")),
                   {QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-v"),
                    QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-h"), m_dir.path(),
                    QStringLiteral("-p"), QString::number(m_port), QStringLiteral("-U"),
                    QStringLiteral("postgres"), QStringLiteral("-At"), QStringLiteral("-d"), database,
                    QStringLiteral("-c"), sql},
                   output);
    }

    /// The superuser's URI over the Unix socket (no password: trust).
    QString uri(const QString &database) const
    {
        return QStringLiteral("postgresql:///%1?host=%2&port=%3&user=postgres")
            .arg(database, m_dir.path())
            .arg(m_port);
    }

    /// A URI over TCP, which asks for the password.
    QString tcpUri(const QString &database, const QString &user = QStringLiteral("postgres"),
                   const QString &password = QString()) const
    {
        const QString credentials = password.isEmpty() ? user : user + QLatin1Char(':') + password;
        return QStringLiteral("postgresql://%1@127.0.0.1:%2/%3").arg(credentials).arg(m_port).arg(database);
    }

    quint16 port() const { return m_port; }
    QString socketDir() const { return m_dir.path(); }
    QString log() const
    {
        QFile file(m_dir.filePath(QStringLiteral("log")));
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll().right(2000)) : QString();
    }

private:
    static QString binDir()
    {
        return qEnvironmentVariable("FLYWHEEL_PG_BIN", QStringLiteral("/usr/lib/postgresql/15/bin"));
    }
    static QString bin(const QString &name) { return binDir() + QLatin1Char('/') + name; }
    QString dataDir() const { return m_dir.filePath(QStringLiteral("data")); }

    static quint16 freePort()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        return probe.serverPort();
    }

    // Runs a program, as the postgres user when we are root; returns whether it exited with 0.
    bool run(const QString &program, const QStringList &arguments, QString *output = nullptr) const
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.setWorkingDirectory(m_dir.path());
        if (m_runAs.isEmpty() || program == QLatin1String("/bin/chown"))
            process.start(program, arguments);
        else
            process.start(QStringLiteral("runuser"),
                          QStringList{QStringLiteral("-u"), m_runAs, QStringLiteral("--"), program} +
                              arguments);
        const bool finished = process.waitForFinished(120000);
        if (output)
            *output = QString::fromUtf8(process.readAll()).trimmed();
        return finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    }

    QTemporaryDir m_dir{QDir::tempPath() + QStringLiteral("/flywheel-pg-XXXXXX")};
    QString m_runAs;
    QStringList m_settings;
    quint16 m_port = 0;
    bool m_running = false;
};

} // namespace flywheel::testing
