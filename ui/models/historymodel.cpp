#include "models/historymodel.h"

#include <QApplication>
#include <QLocale>
#include <QPalette>

namespace flywheel::ui {
namespace {

constexpr int kMaxEntries = 500;

QString stateText(HistoryModel::State state)
{
    switch (state) {
    case HistoryModel::State::Saving:
        return HistoryModel::tr("saving…");
    case HistoryModel::State::Saved:
        return HistoryModel::tr("saved");
    case HistoryModel::State::Failed:
        return HistoryModel::tr("NOT SAVED");
    case HistoryModel::State::Undone:
        return HistoryModel::tr("undone");
    }
    return {};
}

} // namespace

HistoryModel::HistoryModel(QObject *parent)
    : QAbstractListModel(parent)
{}

void HistoryModel::setStored(const QList<Entry> &entries)
{
    beginResetModel();
    m_entries.removeIf([](const Entry &e) { return e.token == 0; });
    m_entries.append(entries);
    endResetModel();
}

void HistoryModel::addSaving(quint64 token, const Decision &decision, const QString &externalId)
{
    const int existing = rowOf(token);
    if (existing >= 0) { // redone
        beginRemoveRows({}, existing, existing);
        m_entries.removeAt(existing);
        endRemoveRows();
    }
    beginInsertRows({}, 0, 0);
    m_entries.prepend({token, decision, State::Saving, {}, externalId});
    endInsertRows();
    if (m_entries.size() > kMaxEntries) {
        beginRemoveRows({}, kMaxEntries, int(m_entries.size()) - 1);
        m_entries.resize(kMaxEntries);
        endRemoveRows();
    }
}

void HistoryModel::setState(quint64 token, State state, const Decision &decision, const QString &error)
{
    const int row = rowOf(token);
    if (row < 0)
        return;
    Entry &e = m_entries[row];
    e.state = state;
    e.error = error;
    if (decision.id > 0)
        e.decision.id = decision.id;
    emit dataChanged(index(row), index(row));
}

int HistoryModel::savedThisSession() const
{
    return int(std::count_if(m_entries.cbegin(), m_entries.cend(),
                             [](const Entry &e) { return e.token != 0 && e.state == State::Saved; }));
}

int HistoryModel::rowOf(quint64 token) const
{
    for (int i = 0; i < m_entries.size(); ++i)
        if (m_entries.at(i).token == token)
            return i;
    return -1;
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    const Entry *e = entry(index.row());
    if (!e)
        return {};
    switch (role) {
    case Qt::DisplayRole: {
        // Time, decision and whether it is saved first: a narrow panel cuts the id, not those.
        QString decision = decisionTitle(e->decision.kind);
        if (e->token != 0)
            decision += e->state == State::Saved ? QStringLiteral(" \u2713")
                                                 : QStringLiteral(" (%1)").arg(stateText(e->state));
        QString text =
            tr("%1  %2  %3")
                .arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(e->decision.createdAtMs).time(),
                                        QLocale::ShortFormat),
                     decision, e->externalId);
        if (!e->decision.segment.isEmpty())
            text += QStringLiteral(" · ") + e->decision.segment;
        return text;
    }
    case Qt::ToolTipRole: {
        QStringList lines{tr("%1 by %2")
                              .arg(decisionTitle(e->decision.kind),
                                   e->decision.reviewer.isEmpty() ? tr("nobody") : e->decision.reviewer)};
        if (!e->decision.tags.isEmpty())
            lines.append(tr("Tags: %1").arg(e->decision.tags.join(QStringLiteral(", "))));
        if (!e->decision.note.isEmpty())
            lines.append(tr("Note: %1").arg(e->decision.note));
        if (!e->error.isEmpty())
            lines.append(tr("Not saved: %1").arg(e->error));
        return lines.join(QLatin1Char('\n'));
    }
    case Qt::ForegroundRole:
        if (e->state == State::Failed)
            return QColor(Qt::red);
        if (e->state == State::Undone || e->state == State::Saving)
            return QApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    case InteractionIdRole:
        return e->decision.interactionId;
    case StateRole:
        return int(e->state);
    case TokenRole:
        return e->token;
    default:
        return {};
    }
}

} // namespace flywheel::ui
