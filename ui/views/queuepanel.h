#pragma once

#include "review/reviewqueue.h"
#include "workers/backgroundjob.h"

#include <QWidget>

class QComboBox;
class QDateEdit;
class QLineEdit;
class QTableView;
class QTimer;

namespace flywheel::ui {

class ReviewQueueModel;

/// The review queue: filters, the search box and the table of flagged interactions. Filters are
/// applied in the store; the choices each filter offers are read off the GUI thread.
class QueuePanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QueuePanel)

public:
    QueuePanel(ReviewQueueModel *model, QWidget *parent = nullptr);
    ~QueuePanel() override;

    QTableView *table() const { return m_table; }
    QLineEdit *searchBox() const { return m_search; }
    /// Reads the filters' choices from the store at @p path.
    void loadChoices(const QString &path);
    /// Sets the filters to @p filter (as if chosen) and applies it.
    void applyFilter(const QueueFilter &filter);
    /// The segments in the order keys 1 to 9 choose them.
    const QStringList &segments() const { return m_segments; }

signals:
    void segmentsChanged(const QStringList &segments);

private:
    void applyNow();
    void fillChoices(const QueueFacets &facets);
    QueueFilter filterFromControls() const;

    ReviewQueueModel *m_model;
    QComboBox *m_status;
    QComboBox *m_reason;
    QComboBox *m_segment;
    QComboBox *m_modelVersion;
    QComboBox *m_label;
    QComboBox *m_annotator;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QLineEdit *m_search;
    QTableView *m_table;
    QTimer *m_searchDelay;
    QStringList m_segments;
    BackgroundJob<Result<QueueFacets>> m_choices{[this](Result<QueueFacets> facets) {
        if (facets)
            fillChoices(*facets);
    }};
    bool m_filling = false;
};

} // namespace flywheel::ui
