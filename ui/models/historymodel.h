#pragma once

#include "review/decisions.h"

#include <QAbstractListModel>
#include <QDateTime>

namespace flywheel::ui {

/// Recent decisions, newest first: those of this session with whether each is saved, and before
/// them those already in the store. Selecting one brings its interaction back to change it.
class HistoryModel final : public QAbstractListModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryModel)

public:
    enum class State { Saving, Saved, Failed, Undone };
    enum Role { InteractionIdRole = Qt::UserRole + 1, StateRole, TokenRole };

    struct Entry {
        /// 0 for decisions loaded from the store.
        quint64 token = 0;
        Decision decision;
        State state = State::Saved;
        QString error;
        QString externalId;
    };

    explicit HistoryModel(QObject *parent = nullptr);

    /// Replaces the list with decisions read from the store (all saved).
    void setStored(const QList<Entry> &entries);
    /// A decision of this session was asked for, then saved, failed or undone.
    void addSaving(quint64 token, const Decision &decision, const QString &externalId);
    void setState(quint64 token, State state, const Decision &decision, const QString &error = {});

    const Entry *entry(int row) const
    {
        return row >= 0 && row < m_entries.size() ? &m_entries.at(row) : nullptr;
    }
    /// Decisions of this session: saved and still standing.
    int savedThisSession() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    int rowOf(quint64 token) const;

    QList<Entry> m_entries;
};

} // namespace flywheel::ui
