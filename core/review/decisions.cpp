#include "review/decisions.h"

#include "store/statement.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

#include <array>

namespace flywheel {
namespace {

struct KindName {
    DecisionKind kind;
    const char *name;
    const char *label;
};
constexpr std::array kKinds{KindName{DecisionKind::Accept, "approve", "positive"},
                            KindName{DecisionKind::Reject, "reject", "negative"},
                            KindName{DecisionKind::Correct, "correct", "gold"},
                            KindName{DecisionKind::Skip, "skip", ""}};

QString tagsJson(const QStringList &tags)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(tags)).toJson(QJsonDocument::Compact));
}

QStringList tagsFrom(const QString &json)
{
    QStringList tags;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &tag : array)
        tags.append(tag.toString());
    return tags;
}

constexpr const char *kColumns = "id, interaction_id, decision, coalesce(corrected_output, ''), "
                                 "coalesce(segment, ''), coalesce(tags, '[]'), coalesce(note, ''), "
                                 "coalesce(reviewer, ''), coalesce(flag_reason, ''), created_at, "
                                 "coalesce(seconds, 0)";

Decision readDecision(const Statement &row)
{
    Decision d;
    d.id = row.columnInt(0);
    d.interactionId = row.columnInt(1);
    d.kind = decisionFromName(row.columnText(2)).value_or(DecisionKind::Skip);
    d.correctedOutput = row.columnText(3);
    d.segment = row.columnText(4);
    d.tags = tagsFrom(row.columnText(5));
    d.note = row.columnText(6);
    d.reviewer = row.columnText(7);
    d.flagReason = row.columnText(8);
    d.createdAtMs = row.columnInt(9);
    d.seconds = row.columnDouble(10);
    return d;
}

void bindOrNull(Statement &statement, int index, const QString &text)
{
    if (text.isEmpty())
        statement.bindNull(index);
    else
        statement.bind(index, text);
}

} // namespace

QString decisionName(DecisionKind kind)
{
    for (const KindName &k : kKinds)
        if (k.kind == kind)
            return QLatin1String(k.name);
    return {};
}

std::optional<DecisionKind> decisionFromName(const QString &name)
{
    for (const KindName &k : kKinds)
        if (name == QLatin1String(k.name))
            return k.kind;
    return std::nullopt;
}

QString decisionTitle(DecisionKind kind)
{
    switch (kind) {
    case DecisionKind::Accept:
        return QCoreApplication::translate("Decision", "Accepted");
    case DecisionKind::Reject:
        return QCoreApplication::translate("Decision", "Rejected");
    case DecisionKind::Correct:
        return QCoreApplication::translate("Decision", "Corrected");
    case DecisionKind::Skip:
        return QCoreApplication::translate("Decision", "Skipped");
    }
    return {};
}

QString decisionTitle(const QString &name)
{
    const auto kind = decisionFromName(name);
    return kind ? decisionTitle(*kind) : QString();
}

QString decisionLabel(DecisionKind kind)
{
    for (const KindName &k : kKinds)
        if (k.kind == kind)
            return QLatin1String(k.label);
    return {};
}

Result<qint64> recordDecision(Store &store, const Decision &decision)
{
    // A new decision leaves its id to the store (an explicit NULL is not PostgreSQL's default); a
    // redone one asks for its old id back. RETURNING says which id it got, or that the old one is taken.
    auto insert = store.db().prepare(
        decision.id > 0
            ? "INSERT INTO reviews (id, interaction_id, decision, label, corrected_output, flag_reason, "
              "note, "
              "reviewer, created_at, seconds, tags, segment, guidelines_version) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, (SELECT max(version) FROM "
              "guidelines)) "
              "ON CONFLICT DO NOTHING RETURNING id"
            : "INSERT INTO reviews (interaction_id, decision, label, corrected_output, flag_reason, note, "
              "reviewer, created_at, seconds, tags, segment, guidelines_version) "
              "VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, (SELECT max(version) FROM guidelines)) "
              "RETURNING id");
    if (!insert)
        return insert.error();
    if (decision.id > 0)
        insert->bind(1, decision.id);
    insert->bind(2, decision.interactionId);
    insert->bind(3, decisionName(decision.kind));
    bindOrNull(*insert, 4, decisionLabel(decision.kind));
    if (decision.kind == DecisionKind::Correct)
        insert->bind(5, decision.correctedOutput);
    else
        insert->bindNull(5);
    bindOrNull(*insert, 6, decision.flagReason);
    bindOrNull(*insert, 7, decision.note);
    bindOrNull(*insert, 8, decision.reviewer);
    insert->bind(9, decision.createdAtMs > 0 ? decision.createdAtMs : currentTimeMs());
    insert->bind(10, decision.seconds);
    if (decision.tags.isEmpty())
        insert->bindNull(11);
    else
        insert->bind(11, tagsJson(decision.tags));
    bindOrNull(*insert, 12, decision.segment);
    // One statement is its own transaction: committed (and in the WAL) once it has stepped to its end.
    std::optional<qint64> id;
    if (Status s = insert->forEachRow([&] { id = insert->columnInt(0); }); !s)
        return s.error();
    if (!id) {
        // Redone after another decision (another writer, the History panel) took its old id: it is
        // the same decision under a new id.
        Decision renumbered = decision;
        renumbered.id = 0;
        return recordDecision(store, renumbered);
    }
    return *id;
}

Status removeDecision(Store &store, qint64 id)
{
    auto remove = store.db().prepare("DELETE FROM reviews WHERE id = ?1");
    if (!remove)
        return remove.error();
    remove->bind(1, id);
    return remove->run();
}

Result<QList<std::pair<Decision, QString>>> loadRecentDecisions(Store &store, int limit)
{
    const QByteArray sql = QByteArray("SELECT ") + kColumns +
                           ", (SELECT external_id FROM interactions WHERE id = reviews.interaction_id) "
                           "FROM reviews ORDER BY created_at DESC, id DESC LIMIT ?1";
    auto query = store.db().prepare(sql.constData());
    if (!query)
        return query.error();
    query->bind(1, qint64(limit));
    QList<std::pair<Decision, QString>> out;
    if (Status s = query->forEachRow([&] { out.append({readDecision(*query), query->columnText(11)}); }); !s)
        return s.error();
    return out;
}

Result<QList<Decision>> loadDecisionsFor(Store &store, qint64 interactionId)
{
    const QByteArray sql =
        QByteArray("SELECT ") + kColumns + " FROM reviews WHERE interaction_id = ?1 ORDER BY created_at, id";
    auto query = store.db().prepare(sql.constData());
    if (!query)
        return query.error();
    query->bind(1, interactionId);
    QList<Decision> out;
    if (Status s = query->forEachRow([&] { out.append(readDecision(*query)); }); !s)
        return s.error();
    return out;
}

} // namespace flywheel
