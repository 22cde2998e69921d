#include "views/storeoverview.h"

#include "store/store.h"
#include "util/timestamps.h"

#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

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

QTableWidget *breakdownTable(QWidget *parent)
{
    auto *table = new QTableWidget(0, 3, parent);
    table->setHorizontalHeaderLabels(
        {QObject::tr("Value"), QObject::tr("Interactions"), QObject::tr("Share")});
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table->verticalHeader()->setVisible(false);
    table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    return table;
}

Result<StoreStats> loadInBackground(const QString &path)
{
    // Each thread opens its own connection; the GUI thread never waits on SQLite.
    Store::Options options;
    options.create = false;
    auto store = Store::open(path, options);
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
    , m_byModelVersion(breakdownTable(this))
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

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_headline);
    layout->addLayout(cards);
    layout->addLayout(tables, 1);

    connect(&m_watcher, &QFutureWatcher<Result<StoreStats>>::finished, this, [this] {
        const Result<StoreStats> result = m_watcher.result();
        if (result) {
            show(*result);
            emit loaded(*result);
        } else {
            m_headline->setText(tr("Cannot read the store: %1").arg(result.errorMessage()));
            emit failed(result.errorMessage());
        }
    });
}

StoreOverview::~StoreOverview()
{
    m_watcher.waitForFinished();
}

void StoreOverview::load(const QString &path)
{
    m_headline->setText(tr("Loading %1…").arg(path));
    m_watcher.setFuture(QtConcurrent::run(loadInBackground, path));
}

void StoreOverview::show(const StoreStats &s)
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
    fill(m_byModelVersion, s.byModelVersion, s.interactions);
    fill(m_byOutcome, s.byOutcome, s.interactions);
    fill(m_byCategory, s.byCategory, s.interactions);
}

void StoreOverview::fill(QTableWidget *table, const QList<CountBy> &counts, qint64 total)
{
    const QLocale locale;
    table->setRowCount(int(counts.size()));
    for (int row = 0; row < counts.size(); ++row) {
        const CountBy &entry = counts[row];
        const double share = total > 0 ? 100.0 * double(entry.count) / double(total) : 0.0;
        const QString cells[] = {entry.key, locale.toString(entry.count),
                                 QStringLiteral("%1 %").arg(share, 0, 'f', 1)};
        for (int column = 0; column < 3; ++column) {
            auto *item = new QTableWidgetItem(cells[column]);
            if (column > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table->setItem(row, column, item);
        }
    }
}

} // namespace flywheel::ui
