#pragma once

#include <QMainWindow>

namespace flywheel::ui {

class StoreOverview;

/// The studio's window: wires actions and views, nothing else.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);

    /// Shows the store at @p path (created by the caller when needed).
    void openStore(const QString &path);
    const QString &storePath() const { return m_storePath; }
    StoreOverview *overview() const { return m_overview; }

private:
    void createActions();
    void chooseStore();

    StoreOverview *m_overview;
    QString m_storePath;
};

} // namespace flywheel::ui
