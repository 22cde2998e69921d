#include "views/dashboardview.h"

#include "charts/coveragechart.h"
#include "charts/dashboardcharts.h"
#include "charts/savechart.h"
#include "dialogs/filedialogs.h"
#include "session/studiosession.h"
#include "util/timestamps.h"
#include "widgets/datefilter.h"
#include "widgets/loadwhenshown.h"

#include <QAction>
#include <QChartView>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QScrollArea>
#include <QStandardPaths>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <memory>

namespace flywheel::ui {
namespace {

QStringList checked(const QMenu *menu)
{
    QStringList values;
    for (const QAction *action : menu->actions())
        if (action->isCheckable() && action->isChecked())
            values.append(action->data().toString());
    return values;
}

QStringList offered(const QMenu *menu)
{
    QStringList values;
    for (const QAction *action : menu->actions())
        if (action->isCheckable())
            values.append(action->data().toString());
    return values;
}

Result<DashboardMetrics> loadInBackground(const QString &path, const DashboardFilter &filter)
{
    // Each load opens its own connection: SQLite connections are per thread.
    auto store = StudioSession::openReader(path);
    if (!store)
        return store.error();
    return loadDashboard(*store, filter);
}

} // namespace

void DashboardView::follow(StudioSession *session)
{
    using Change = StudioSession::Change;
    loadOnChange(this, session, Change::Store | Change::Decisions | Change::Import | Change::Curation,
                 [this](const QString &path) { load(path); });
}

DashboardView::DashboardView(QWidget *parent)
    : QWidget(parent)
    , m_dateDelay(new QTimer(this))
{
    // Typing a date changes it once per key: read the store once the user pauses.
    m_dateDelay->setSingleShot(true);
    m_dateDelay->setInterval(300);
    connect(m_dateDelay, &QTimer::timeout, this, &DashboardView::reload);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createFilterBar());
    layout->addWidget(createGrid(), 1);
}

DashboardView::~DashboardView() = default;

QToolButton *DashboardView::choiceButton(const QString &name, QMenu **menu)
{
    auto *button = new QToolButton;
    button->setObjectName(name);
    button->setPopupMode(QToolButton::InstantPopup);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    *menu = new QMenu(button);
    button->setMenu(*menu);
    QAction *all = (*menu)->addAction(tr("All"));
    connect(all, &QAction::triggered, this, [this, menu = *menu] {
        for (QAction *action : menu->actions())
            action->setChecked(false);
        controlsChanged();
    });
    (*menu)->addSeparator();
    return button;
}

QWidget *DashboardView::createFilterBar()
{
    auto *bar = new QWidget;
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_from = createDateBox();
    m_to = createDateBox();
    m_from->setObjectName(QStringLiteral("from"));
    m_to->setObjectName(QStringLiteral("to"));
    m_versionButton = choiceButton(QStringLiteral("versions"), &m_versions);
    m_segmentButton = choiceButton(QStringLiteral("segments"), &m_segments);
    m_bucket = new QComboBox;
    m_bucket->setObjectName(QStringLiteral("bucket"));
    m_bucket->addItem(tr("Per day"), int(DashboardFilter::Bucket::Day));
    m_bucket->addItem(tr("Per week"), int(DashboardFilter::Bucket::Week));
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    row->addWidget(new QLabel(tr("From")));
    row->addWidget(m_from);
    row->addWidget(new QLabel(tr("to")));
    row->addWidget(m_to);
    row->addSpacing(12);
    row->addWidget(m_versionButton);
    row->addWidget(m_segmentButton);
    row->addWidget(m_bucket);
    row->addSpacing(12);
    row->addWidget(m_status, 1);
    updateChoiceButtons();

    for (QDateEdit *edit : {m_from, m_to})
        connect(edit, &QDateEdit::dateChanged, this, [this] {
            if (!m_filling)
                m_dateDelay->start();
        });
    connect(m_bucket, &QComboBox::currentIndexChanged, this, &DashboardView::controlsChanged);
    return bar;
}

QWidget *DashboardView::createGrid()
{
    auto *grid = new QWidget;
    auto *layout = new QGridLayout(grid);
    const std::vector<charts::DashboardChart> charts = charts::dashboardCharts();
    const charts::VersionPalette none;
    const DashboardMetrics empty;
    for (size_t i = 0; i < charts.size(); ++i) {
        auto *view = new QChartView(charts[i].build(empty, none));
        view->setObjectName(charts[i].id);
        view->setRenderHint(QPainter::Antialiasing);
        view->setFrameShape(QFrame::NoFrame);
        view->setMinimumHeight(400);
        view->setMinimumWidth(480);
        view->setToolTip(tr("Hover for exact figures; right-click to save as PNG or SVG."));
        // Right-click: save this chart.
        view->setContextMenuPolicy(Qt::ActionsContextMenu);
        auto *png = new QAction(tr("Save as PNG…"), view);
        auto *svg = new QAction(tr("Save as SVG…"), view);
        const int index = int(i);
        connect(png, &QAction::triggered, this,
                [this, index] { saveInteractively(index, QStringLiteral("png")); });
        connect(svg, &QAction::triggered, this,
                [this, index] { saveInteractively(index, QStringLiteral("svg")); });
        view->addActions({png, svg});
        auto *caption = new QLabel(charts[i].caption);
        caption->setWordWrap(true);
        caption->setForegroundRole(QPalette::PlaceholderText);
        auto *cell = new QVBoxLayout;
        cell->addWidget(view, 1);
        cell->addWidget(caption);
        layout->addLayout(cell, int(i) / 2, int(i) % 2);
        m_views.append(view);
    }
    auto *scroll = new QScrollArea;
    scroll->setWidget(grid);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    return scroll;
}

void DashboardView::load(const QString &path)
{
    if (path != m_path) {
        // Another store: its versions and segments differ, so start from an open filter.
        m_path = path;
        m_metrics.reset();
        m_palette = charts::VersionPalette();
        m_filling = true;
        showRange(m_from, m_to, TimeRange{});
        for (QMenu *menu : {m_versions, m_segments}) {
            for (QAction *action : menu->actions()) {
                if (action->isCheckable())
                    delete action;
            }
        }
        m_bucket->setCurrentIndex(0);
        m_filling = false;
        updateChoiceButtons();
    }
    reload();
}

DashboardFilter DashboardView::filter() const
{
    DashboardFilter filter;
    filter.time = rangeOf(m_from, m_to);
    filter.modelVersions = checked(m_versions);
    filter.segments = checked(m_segments);
    filter.bucket = DashboardFilter::Bucket(m_bucket->currentData().toInt());
    return filter;
}

void DashboardView::setFilter(const DashboardFilter &filter)
{
    m_filling = true;
    m_dateDelay->stop();
    showRange(m_from, m_to, filter.time);
    addChoices(m_versions, filter.modelVersions);
    addChoices(m_segments, filter.segments);
    for (const auto &[menu, values] :
         {std::pair{m_versions, filter.modelVersions}, std::pair{m_segments, filter.segments}})
        for (QAction *action : menu->actions())
            if (action->isCheckable())
                action->setChecked(values.contains(action->data().toString()));
    m_bucket->setCurrentIndex(qMax(0, m_bucket->findData(int(filter.bucket))));
    m_filling = false;
    updateChoiceButtons();
    reload();
}

QStringList DashboardView::versionChoices() const
{
    return offered(m_versions);
}

QStringList DashboardView::segmentChoices() const
{
    return offered(m_segments);
}

void DashboardView::addChoices(QMenu *menu, const QStringList &values)
{
    const QStringList known = offered(menu);
    for (const QString &value : values) {
        if (value.isEmpty() || known.contains(value))
            continue;
        QAction *action = menu->addAction(value);
        action->setCheckable(true);
        action->setData(value);
        connect(action, &QAction::toggled, this, &DashboardView::controlsChanged);
    }
}

void DashboardView::updateChoiceButtons()
{
    const auto text = [](const QString &name, const QStringList &values) {
        if (values.isEmpty())
            return tr("%1: all").arg(name);
        return tr("%1: %2").arg(name, values.size() <= 2 ? values.join(QStringLiteral(", "))
                                                         : tr("%1 chosen").arg(values.size()));
    };
    m_versionButton->setText(text(tr("Versions"), checked(m_versions)));
    m_segmentButton->setText(text(tr("Segments"), checked(m_segments)));
}

void DashboardView::controlsChanged()
{
    if (m_filling)
        return;
    updateChoiceButtons();
    reload();
}

void DashboardView::reload()
{
    if (m_path.isEmpty())
        return;
    m_dateDelay->stop();
    m_status->setText(tr("Loading…"));
    m_load.start([path = m_path, filter = filter()] { return loadInBackground(path, filter); });
}

void DashboardView::showLoaded(const Result<DashboardMetrics> &result)
{
    if (!result) {
        m_status->setText(tr("Cannot read the dashboard: %1").arg(result.errorMessage()));
        emit failed(result.errorMessage());
        return;
    }
    display(*result);
}

void DashboardView::display(DashboardMetrics metrics)
{
    // The choices come from the figures: the first (unfiltered) load offers every version and
    // segment; later loads add the ones that appeared since.
    QStringList versions, segments;
    for (const Deployment &d : metrics.deployments)
        versions.append(d.version);
    for (const VolumePoint &p : metrics.volume)
        versions.append(p.version);
    for (const SegmentCoverage &s : metrics.coverage)
        segments.append(s.segment);
    versions.removeDuplicates();
    segments.sort();
    m_filling = true;
    addChoices(m_versions, versions);
    addChoices(m_segments, segments);
    m_filling = false;
    m_palette.add(metrics);

    const std::vector<charts::DashboardChart> charts = charts::dashboardCharts();
    for (qsizetype i = 0; i < m_views.size(); ++i) {
        QChart *chart = charts[size_t(i)].build(metrics, m_palette);
        if (auto *coverage = qobject_cast<charts::CoverageChart *>(chart))
            connect(coverage, &charts::CoverageChart::segmentClicked, this, &DashboardView::segmentActivated);
        QChart *previous = m_views[i]->chart();
        m_views[i]->setChart(chart);
        // setChart() hands the previous chart back to us.
        delete previous;
    }
    showStatus(metrics);
    m_metrics = std::move(metrics);
    emit loaded();
}

void DashboardView::showStatus(const DashboardMetrics &m)
{
    if (m.curationRunId == 0) {
        m_status->setText(
            tr("Nothing curated yet: run curation (Review ▸ Run Curation) to fill the dashboard."));
        return;
    }
    const QLocale locale;
    QString text = tr("As of curation run %1 (%2 UTC).")
                       .arg(m.curationRunId)
                       .arg(QDateTime::fromMSecsSinceEpoch(m.curatedAtMs, Qt::UTC)
                                .toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    if (m.newInteractions > 0)
        text += QLatin1Char(' ') + tr("%1 interactions stored since are not counted yet: run curation.")
                                       .arg(locale.toString(m.newInteractions));
    m_status->setText(text);
}

bool DashboardView::saveChart(int index, const QString &path, QSize size) const
{
    const std::vector<charts::DashboardChart> charts = charts::dashboardCharts();
    if (index < 0 || size_t(index) >= charts.size())
        return false;
    const DashboardMetrics empty;
    const charts::VersionPalette none;
    // Drawn afresh at the asked size, so the chart on screen is left alone.
    std::unique_ptr<QChart> chart(m_metrics ? charts[size_t(index)].build(*m_metrics, m_palette)
                                            : charts[size_t(index)].build(empty, none));
    return charts::saveChart(chart.get(), path, size);
}

void DashboardView::saveInteractively(int index, const QString &suffix)
{
    if (m_saveFolder.isEmpty())
        m_saveFolder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    const QString id = charts::dashboardCharts()[size_t(index)].id;
    const QString filter =
        suffix == QLatin1String("svg") ? tr("SVG images (*.svg)") : tr("PNG images (*.png)");
    QString path = chooseFileToSave(this, tr("Save Chart"),
                                    m_saveFolder + QLatin1Char('/') + id + QLatin1Char('.') + suffix, filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QLatin1Char('.') + suffix;
    m_saveFolder = QFileInfo(path).absolutePath();
    if (!saveChart(index, path))
        emit failed(tr("Cannot write the chart to %1").arg(path));
}

} // namespace flywheel::ui
