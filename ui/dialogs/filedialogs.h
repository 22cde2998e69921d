#pragma once

#include <QString>
#include <QStringList>

class QFileDialog;
class QWidget;

namespace flywheel::ui {

/// The studio's file dialogs. Unlike Qt's static QFileDialog functions they never open the files
/// they list: Qt reads a file's first bytes to tell its type, and closing that descriptor drops
/// every POSIX lock this process holds on the file, SQLite's locks on the open store among them.
/// With those gone, another process closing the store deletes its WAL under the studio, and the
/// store is corrupted (docs/reliability.md, "Locks held by the process").
QFileDialog *createFileDialog(QWidget *parent, const QString &caption, const QString &directory,
                              const QString &filter);

QString chooseFileToOpen(QWidget *parent, const QString &caption, const QString &directory,
                         const QString &filter);
QStringList chooseFilesToOpen(QWidget *parent, const QString &caption, const QString &directory,
                              const QString &filter);
QString chooseFileToSave(QWidget *parent, const QString &caption, const QString &path, const QString &filter);

} // namespace flywheel::ui
