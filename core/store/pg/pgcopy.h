#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <vector>

namespace flywheel {

class PgConnection;

/// A value of a row on its way into a table, typed as SQLite types values.
struct SqlCell {
    enum class Kind { Null, Integer, Real, Text, Blob };
    Kind kind = Kind::Null;
    qint64 integer = 0;
    double real = 0;
    QByteArray bytes; ///< UTF-8 text or blob bytes
};

/// Rows written into one table with COPY … FROM STDIN: PostgreSQL's fastest way in, a stream of
/// rows in one statement instead of a round trip each. Nothing is visible until finish() succeeds.
class PgCopyIn final {
public:
    /// @p byteaColumns: which of @p columns are bytea, written as bytes whatever a cell's kind.
    PgCopyIn(PgConnection &connection, const QString &table, const QStringList &columns,
             std::vector<bool> byteaColumns);
    ~PgCopyIn();
    PgCopyIn(const PgCopyIn &) = delete;
    PgCopyIn &operator=(const PgCopyIn &) = delete;

    Status begin();
    Status addRow(const std::vector<SqlCell> &row);
    /// Ends the COPY; returns the server's verdict on every row sent.
    Status finish();

private:
    Status flush();

    PgConnection &m_connection;
    QString m_table;
    QStringList m_columns;
    std::vector<bool> m_bytea;
    QByteArray m_buffer;
    bool m_open = false;
};

} // namespace flywheel
