#include "dialogs/filedialogs.h"

#include <QFileDialog>
#include <QFileIconProvider>
#include <QMimeDatabase>

namespace flywheel::ui {
namespace {

// Icons and type names from the file name alone: QAbstractFileIconProvider's own guess reads the
// file's content when its name does not settle its type.
class NameOnlyIconProvider final : public QFileIconProvider {
public:
    QIcon icon(IconType type) const override { return QFileIconProvider::icon(type); }
    QIcon icon(const QFileInfo &info) const override
    {
        if (info.isDir())
            return QFileIconProvider::icon(QAbstractFileIconProvider::Folder);
        const QMimeType mime = m_mimes.mimeTypeForFile(info, QMimeDatabase::MatchExtension);
        return QIcon::fromTheme(mime.iconName(), QFileIconProvider::icon(QAbstractFileIconProvider::File));
    }
    QString type(const QFileInfo &info) const override
    {
        if (info.isDir())
            return QFileIconProvider::type(info);
        return m_mimes.mimeTypeForFile(info, QMimeDatabase::MatchExtension).comment();
    }

private:
    QMimeDatabase m_mimes;
};

NameOnlyIconProvider &iconProvider()
{
    static NameOnlyIconProvider provider;
    return provider;
}

QStringList run(QFileDialog *dialog)
{
    const QStringList chosen = dialog->exec() == QDialog::Accepted ? dialog->selectedFiles() : QStringList();
    delete dialog;
    return chosen;
}

} // namespace

QFileDialog *createFileDialog(QWidget *parent, const QString &caption, const QString &directory,
                              const QString &filter)
{
    auto *dialog = new QFileDialog(parent, caption, directory, filter);
    // A platform's native dialog may run in this process with its own type guessing; Qt's own
    // dialog is the one whose reads we control.
    dialog->setOption(QFileDialog::DontUseNativeDialog);
    dialog->setIconProvider(&iconProvider());
    return dialog;
}

QString chooseFileToOpen(QWidget *parent, const QString &caption, const QString &directory,
                         const QString &filter)
{
    QFileDialog *dialog = createFileDialog(parent, caption, directory, filter);
    dialog->setFileMode(QFileDialog::ExistingFile);
    return run(dialog).value(0);
}

QStringList chooseFilesToOpen(QWidget *parent, const QString &caption, const QString &directory,
                              const QString &filter)
{
    QFileDialog *dialog = createFileDialog(parent, caption, directory, filter);
    dialog->setFileMode(QFileDialog::ExistingFiles);
    return run(dialog);
}

QString chooseFileToSave(QWidget *parent, const QString &caption, const QString &path, const QString &filter)
{
    QFileDialog *dialog = createFileDialog(parent, caption, path, filter);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    return run(dialog).value(0);
}

} // namespace flywheel::ui
