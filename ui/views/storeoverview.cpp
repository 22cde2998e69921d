#include "views/storeoverview.h"

#include "session/studiosession.h"
#include "util/displaytext.h"
#include "util/timestamps.h"
#include "widgets/loadwhenshown.h"

#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

namespace flywheel::ui {
namespace {

QLabel *figureLabel(QWidget *parent)
{
    auto *label = new QLabel(QStringLiteral("–"), parent);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.8);
    font.setBold(true);
    label->setFont(font);
    return label;
}

QWidget *card(const QString &title, QLabel *figure, QWidget *parent)
{
    auto *box = new QGroupBox(title, parent);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(figure);
    return box;
}

QTableWidget *breakdownTable(QWidget *parent,
                             const QStringList &headers = {QObject::tr("Value"), QObject::tr("Interactions"),
                                                           QObject::tr("Share")})
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setHorizontalHeaderLabels(headers);
    // A handful of aggregate rows: sizing the figures to their contents costs nothing here.
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table->setWordWrap(false);
    table->verticalHeader()->setVisible(false);
    table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    return table;
}

Result<StoreStats> loadInBackground(const QString &path)
{
    // Each thread opens its own connection; the GUI thread never waits on SQLite.
    auto store = StudioSession::openReader(path);
    if (!store)
        return store.error();
    return loadStoreStats(*store);
}

} // namespace

StoreOverview::StoreOverview(QWidget *parent)
    : QWidget(parent)
    , m_headline(new QLabel(this))
    , m_interactions(figureLabel(this))
    , m_feedback(figureLabel(this))
    , m_corrections(figureLabel(this))
    , m_quarantined(figureLabel(this))
    , m_byModelVersion(breakdownTable(
          this, {tr("Version"), tr("Interactions"), tr("Accepted"), tr("Edited"), tr("Regen./abandoned")}))
    , m_byOutcome(breakdownTable(this))
    , m_byCategory(breakdownTable(this))
{
    m_headline->setWordWrap(true);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *cards = new QHBoxLayout;
    cards->addWidget(card(tr("Interactions"), m_interactions, this));
    cards->addWidget(card(tr("Feedback events"), m_feedback, this));
    cards->addWidget(card(tr("Corrections"), m_corrections, this));
    cards->addWidget(card(tr("Quarantined lines"), m_quarantined, this));

    auto *tables = new QGridLayout;
    const std::pair<QString, QTableWidget *> breakdowns[] = {{tr("By model version"), m_byModelVersion},
                                                             {tr("By outcome"), m_byOutcome},
                                                             {tr("By category"), m_byCategory}};
    int column = 0;
    for (const auto &[title, table] : breakdowns) {
        tables->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(title), this), 0, column);
        tables->addWidget(table, 1, column++);
    }

    // The version table has five columns to the others' three.
    tables->setColumnStretch(0, 5);
    tables->setColumnStretch(1, 3);
    tables->setColumnStretch(2, 3);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_headline);
    layout->addLayout(cards);
    layout->addLayout(tables, 1);
}

void StoreOverview::follow(StudioSession *session)
{
    using Change = StudioSession::Change;
    loadOnChange(this, session, Change::Store | Change::Decisions | Change::Import | Change::Curation,
                 [this](const QString &path) { load(path); });
}

StoreOverview::~StoreOverview() = default;

void StoreOverview::showLoaded(const Result<StoreStats> &result)
{
    if (result) {
        showStats(*result);
        emit loaded(*result);
    } else {
        m_headline->setText(tr("Cannot read the store: %1").arg(result.errorMessage()));
        emit failed(result.errorMessage());
    }
}

void StoreOverview::load(const QString &path)
{
    m_headline->setText(tr("Loading %1…").arg(path));
    m_job.start([path] { return loadInBackground(path); });
}

void StoreOverview::showStats(const StoreStats &s)
{
    const QLocale locale;
    const auto when = [](qint64 ms) {
        return QString::fromStdString(formatRfc3339(ms)).left(10);
    };
    m_headline->setText(
        s.interactions == 0
            ? tr("This store is empty. Import capture files with `flywheel ingest`.")
            : tr("%1 sessions from %2 to %3, schema version %4.")
                  .arg(locale.toString(s.sessions), when(s.firstTimestampMs), when(s.lastTimestampMs))
                  .arg(s.schemaVersion));
    m_interactions->setText(locale.toString(s.interactions));
    m_feedback->setText(locale.toString(s.feedbackEvents));
    m_corrections->setText(locale.toString(s.corrections));
    m_quarantined->setText(locale.toString(s.quarantined));
    fillOutcomes(s.outcomesByModelVersion);
    fill(m_byOutcome, s.byOutcome, s.interactions);
    fill(m_byCategory, s.byCategory, s.interactions);
}

namespace {

// Text in the first column, figures right-aligned in the others.
void setRow(QTableWidget *table, int row, const QStringList &cells)
{
    for (int column = 0; column < cells.size(); ++column) {
        auto *item = new QTableWidgetItem(cells[column]);
        if (column > 0)
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        table->setItem(row, column, item);
    }
}

} // namespace

void StoreOverview::fill(QTableWidget *table, const QList<CountBy> &counts, qint64 total)
{
    const QLocale locale;
    table->setRowCount(int(counts.size()));
    for (int row = 0; row < counts.size(); ++row)
        setRow(table, row,
               {counts[row].key, locale.toString(counts[row].count), shareText(counts[row].count, total)});
}

// The flywheel at a glance: is each version's output taken more often than the last's?
void StoreOverview::fillOutcomes(const QList<VersionOutcomes> &versions)
{
    const QLocale locale;
    m_byModelVersion->setRowCount(int(versions.size()));
    for (int row = 0; row < versions.size(); ++row) {
        const VersionOutcomes &v = versions[row];
        setRow(m_byModelVersion, row,
               {v.version, locale.toString(v.interactions), shareText(v.accepted, v.interactions),
                shareText(v.edited, v.interactions), shareText(v.rejected, v.interactions)});
    }
}

} // namespace flywheel::ui
