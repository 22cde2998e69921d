#include "views/queuepanel.h"

#include "models/reviewqueuemodel.h"
#include "session/studiosession.h"
#include "widgets/datefilter.h"

#include <QAction>
#include <QComboBox>
#include <QDateEdit>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace flywheel::ui {
namespace {

QComboBox *choiceBox(const QString &anyText)
{
    auto *box = new QComboBox;
    box->addItem(anyText, QString());
    box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    return box;
}

void fill(QComboBox *box, const QStringList &values)
{
    const QString current = box->currentData().toString();
    while (box->count() > 1)
        box->removeItem(1);
    for (const QString &value : values)
        box->addItem(value, value);
    box->setCurrentIndex(qMax(0, box->findData(current)));
}

} // namespace

QueuePanel::QueuePanel(ReviewQueueModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_status(new QComboBox)
    , m_reason(choiceBox(tr("any reason")))
    , m_segment(choiceBox(tr("any segment")))
    , m_modelVersion(choiceBox(tr("any model")))
    , m_label(choiceBox(tr("any label")))
    , m_annotator(choiceBox(tr("anyone")))
    , m_from(createDateBox())
    , m_to(createDateBox())
    , m_search(new QLineEdit)
    , m_table(new QTableView)
    , m_searchDelay(new QTimer(this))
{
    m_status->addItem(tr("To do"), int(QueueFilter::Status::ToDo));
    m_status->addItem(tr("Skipped"), int(QueueFilter::Status::Skipped));
    m_status->addItem(tr("Decided"), int(QueueFilter::Status::Decided));
    m_status->addItem(tr("All"), int(QueueFilter::Status::All));
    m_search->setPlaceholderText(tr("Search inputs, outputs and corrections  ( / )"));
    m_search->setClearButtonEnabled(true);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(200);

    auto *filters = new QGridLayout;
    filters->setContentsMargins(0, 0, 0, 0);
    filters->addWidget(m_search, 0, 0, 1, 4);
    filters->addWidget(m_status, 0, 4);
    filters->addWidget(m_reason, 1, 0);
    filters->addWidget(m_segment, 1, 1);
    filters->addWidget(m_modelVersion, 1, 2);
    filters->addWidget(m_label, 1, 3);
    filters->addWidget(m_annotator, 1, 4);
    auto *dates = new QHBoxLayout;
    dates->addWidget(new QLabel(tr("From")));
    dates->addWidget(m_from);
    dates->addWidget(new QLabel(tr("to")));
    dates->addWidget(m_to);
    dates->addStretch();
    filters->addLayout(dates, 2, 0, 1, 5);

    const QFontMetrics metrics = m_table->fontMetrics();
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // Fixed heights: a table of millions of rows must never measure them.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(ReviewQueueModel::Preview, QHeaderView::Stretch);
    m_table->horizontalHeader()->setMinimumSectionSize(metrics.averageCharWidth() * 4);
    m_table->horizontalHeader()->setSectionsClickable(true);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ReviewQueueModel::Priority, Qt::DescendingOrder);
    // Wide enough for the header and a typical value; the user's message takes the rest.
    const QList<std::pair<int, QString>> samples{
        {ReviewQueueModel::Priority, QStringLiteral("0.00")},
        {ReviewQueueModel::Reason, QStringLiteral("Correction to review")},
        {ReviewQueueModel::Status, QStringLiteral("Corrected")},
        {ReviewQueueModel::Segment, QStringLiteral("product-questions")},
        {ReviewQueueModel::Label, QStringLiteral("conflicting")},
        {ReviewQueueModel::ModelVersion, QStringLiteral("v3")},
        {ReviewQueueModel::Time, QStringLiteral("28 Nov 26 12:00")},
    };
    for (const auto &[column, sample] : samples) {
        const QString header = m_model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        m_table->setColumnWidth(column, qMax(metrics.horizontalAdvance(sample),
                                             metrics.horizontalAdvance(header) + metrics.height()) +
                                            metrics.averageCharWidth() * 2);
    }

    // Columns can be shown and hidden from the header's context menu; the model version is hidden
    // at first, to leave the user's message room.
    QHeaderView *header = m_table->horizontalHeader();
    header->setContextMenuPolicy(Qt::ActionsContextMenu);
    for (int column = 0; column < ReviewQueueModel::ColumnCount; ++column) {
        if (column == ReviewQueueModel::Preview)
            continue;
        auto *toggle =
            new QAction(m_model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString(), header);
        toggle->setCheckable(true);
        toggle->setChecked(column != ReviewQueueModel::ModelVersion);
        m_table->setColumnHidden(column, !toggle->isChecked());
        connect(toggle, &QAction::toggled, this,
                [this, column](bool on) { m_table->setColumnHidden(column, !on); });
        header->addAction(toggle);
    }

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);

    for (QComboBox *box : {m_status, m_reason, m_segment, m_modelVersion, m_label, m_annotator})
        connect(box, &QComboBox::currentIndexChanged, this, &QueuePanel::applyNow);
    for (QDateEdit *edit : {m_from, m_to})
        connect(edit, &QDateEdit::dateChanged, this, &QueuePanel::applyNow);
    connect(m_search, &QLineEdit::textEdited, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, &QueuePanel::applyNow);
    connect(m_searchDelay, &QTimer::timeout, this, &QueuePanel::applyNow);
}

QueuePanel::~QueuePanel()
{
    m_choices.waitForFinished();
}

void QueuePanel::loadChoices(const QString &path)
{
    m_choices.start([path]() -> Result<QueueFacets> {
        auto store = StudioSession::openReader(path);
        if (!store)
            return store.error();
        return loadQueueFacets(*store);
    });
}

void QueuePanel::fillChoices(const QueueFacets &facets)
{
    m_filling = true;
    fill(m_reason, facets.reasons);
    fill(m_segment, facets.segments);
    fill(m_modelVersion, facets.modelVersions);
    fill(m_label, facets.labels);
    fill(m_annotator, facets.annotators);
    for (int i = 1; i < m_reason->count(); ++i) {
        QString text = m_reason->itemText(i).replace(QLatin1Char('_'), QLatin1Char(' '));
        text[0] = text[0].toUpper();
        m_reason->setItemText(i, text);
    }
    m_filling = false;
    m_segments = facets.segments.mid(0, 9);
    emit segmentsChanged(m_segments);
}

QueueFilter QueuePanel::filterFromControls() const
{
    QueueFilter filter = m_model->filter();
    filter.status = QueueFilter::Status(m_status->currentData().toInt());
    filter.reason = m_reason->currentData().toString();
    filter.segment = m_segment->currentData().toString();
    filter.modelVersion = m_modelVersion->currentData().toString();
    filter.label = m_label->currentData().toString();
    filter.annotator = m_annotator->currentData().toString();
    filter.time = rangeOf(m_from, m_to);
    filter.search = m_search->text();
    return filter;
}

void QueuePanel::applyNow()
{
    m_searchDelay->stop();
    if (m_filling)
        return;
    const QueueFilter filter = filterFromControls();
    if (!(filter == m_model->filter()))
        m_model->setFilter(filter);
}

void QueuePanel::applyFilter(const QueueFilter &filter)
{
    m_filling = true;
    m_status->setCurrentIndex(qMax(0, m_status->findData(int(filter.status))));
    const auto choose = [](QComboBox *box, const QString &value) {
        int at = box->findData(value);
        if (at < 0 && !value.isEmpty()) {
            box->addItem(value, value);
            at = box->count() - 1;
        }
        box->setCurrentIndex(qMax(0, at));
    };
    choose(m_reason, filter.reason);
    choose(m_segment, filter.segment);
    choose(m_modelVersion, filter.modelVersion);
    choose(m_label, filter.label);
    choose(m_annotator, filter.annotator);
    showRange(m_from, m_to, filter.time);
    m_search->setText(filter.search);
    m_filling = false;
    applyNow();
}

} // namespace flywheel::ui
