#include "export/exporter.h"

#include "export/exampleorder.h"
#include "export/examples.h"
#include "export/validator.h"
#include "store/statement.h"
#include "store/store.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTemporaryDir>

#include <memory>
#include <tuple>

namespace flywheel {
namespace {

// An example's lines wait in a spool file until its split is known.
struct Example {
    qint64 id;
    std::string label;
    qint64 offset;
    qint64 bytes;
    qint32 lines;
    std::string extra;
};

// The data file of a split: named by the split, or by what the kind holds.
QString dataFileName(DatasetKind kind, Split split)
{
    switch (kind) {
    case DatasetKind::Eval:
        return QStringLiteral("samples.jsonl");
    case DatasetKind::FewShot:
        return QStringLiteral("fewshot.jsonl");
    case DatasetKind::Retrieval:
        return QStringLiteral("documents.jsonl");
    default:
        return QString::fromLatin1(splitName(split)) + QStringLiteral(".jsonl");
    }
}

// Kinds written whole into one split rather than split by ratio.
std::optional<Split> singleSplit(DatasetKind kind)
{
    switch (kind) {
    case DatasetKind::Eval:
        return Split::Test;
    case DatasetKind::FewShot:
    case DatasetKind::Retrieval:
        return Split::Train;
    default:
        return std::nullopt;
    }
}

qint64 defaultLimit(DatasetKind kind)
{
    return kind == DatasetKind::Eval ? 1000 : kind == DatasetKind::FewShot ? 20 : 0;
}

Status checkOptions(const ExportOptions &options)
{
    static const QRegularExpression safeName(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"));
    if (!safeName.match(options.name).hasMatch())
        return Error{QStringLiteral("dataset name \"%1\" must be 1 to 100 letters, digits, '.', '_' or '-', "
                                    "starting with a letter or digit")
                         .arg(options.name)};
    if (options.kind == DatasetKind::Kto && options.format != DatasetFormat::Trl)
        return Error{QStringLiteral("kto datasets are written in TRL's format only (--format trl)")};
    double sum = 0;
    for (const double r : options.ratios) {
        if (r < 0)
            return Error{QStringLiteral("split ratios cannot be negative")};
        sum += r;
    }
    if (sum <= 0)
        return Error{QStringLiteral("split ratios must add up to more than 0")};
    if (options.outDir.isEmpty())
        return Error{QStringLiteral("no output folder given")};
    const QFileInfo out(options.outDir);
    if (out.exists())
        return Error{
            QStringLiteral("%1 already exists; a dataset is written to a new folder").arg(options.outDir)};
    if (!out.absoluteDir().exists())
        return Error{QStringLiteral("%1 does not exist").arg(out.absolutePath())};
    return {};
}

QString sizeCategory(qint64 n)
{
    return n < 1000       ? QStringLiteral("n<1K")
           : n < 10000    ? QStringLiteral("1K<n<10K")
           : n < 100000   ? QStringLiteral("10K<n<100K")
           : n < 1000000  ? QStringLiteral("100K<n<1M")
           : n < 10000000 ? QStringLiteral("1M<n<10M")
                          : QStringLiteral("10M<n<100M");
}

// The dataset card: Hugging Face's YAML header names each split's file, so load_dataset(DIR) finds
// them, and a few lines say what the data is.
QByteArray datasetCard(const ExportOptions &options, const ExportReport &report,
                       const std::vector<std::pair<QString, QString>> &files)
{
    QByteArray card = "---\nlicense: other\npretty_name: " + options.name.toUtf8() +
                      "\ntask_categories:\n- text-generation\nsize_categories:\n- " +
                      sizeCategory(report.examples).toUtf8() + "\ntags:\n- flywheel-studio\n- " +
                      kindName(options.kind).toUtf8() + "\nconfigs:\n- config_name: default\n  data_files:\n";
    for (const auto &[split, file] : files)
        card += "  - split: " + split.toUtf8() + "\n    path: " + file.toUtf8() + "\n";
    card += "---\n\n# " + options.name.toUtf8() + " (version " + QByteArray::number(report.version) + ")\n\n";
    card += "Kind `" + kindName(options.kind).toUtf8() + "`, format `" + formatName(options.format).toUtf8() +
            "`, exported by Flywheel Studio: " + QByteArray::number(report.examples) + " examples from " +
            QByteArray::number(report.interactions) +
            " interactions. Personal data: " + personalDataModeName(options.personalData).toUtf8() +
            ". manifest.json lists the selection, the curation run, each file's SHA-256 and the "
            "interactions in each split.\n";
    return card;
}

Status clearStaging(Store &store, qint64 id)
{
    auto clear = store.db().prepare("UPDATE datasets SET staging = NULL WHERE id = ?1");
    if (!clear)
        return clear.error();
    clear->bind(1, id);
    return clear->run();
}

Status forgetDataset(Store &store, qint64 id)
{
    auto forget = store.db().prepare("DELETE FROM datasets WHERE id = ?1"); // items cascade
    if (!forget)
        return forget.error();
    forget->bind(1, id);
    return forget->run();
}

// The dataset files of the splits, written from the spool.
struct SplitFiles {
    QJsonObject files;                                // file name -> sha256, lines, bytes
    std::vector<std::pair<QString, QString>> written; // split, file
    QJsonObject ids;                                  // split -> interaction ids
};

QJsonObject optionsJson(const ExportOptions &options)
{
    const ExportSelection &selection = options.selection;
    const auto list = [](const std::set<std::string> &values) {
        QJsonArray array;
        for (const std::string &value : values)
            array.append(QString::fromStdString(value));
        return array;
    };
    return {
        {QStringLiteral("kind"), kindName(options.kind)},
        {QStringLiteral("format"), formatName(options.format)},
        {QStringLiteral("ratios"), QJsonArray{options.ratios[0], options.ratios[1], options.ratios[2]}},
        {QStringLiteral("seed"), QString::number(options.seed)},
        {QStringLiteral("pii"), personalDataModeName(options.personalData)},
        {QStringLiteral("labels"),
         list(selection.labels.empty() ? defaultLabels(options.kind) : selection.labels)},
        {QStringLiteral("reviewed_only"), selection.reviewedOnly},
        {QStringLiteral("segments"), list(selection.segments)},
        {QStringLiteral("model_versions"), list(selection.modelVersions)},
        {QStringLiteral("from"), selection.time.fromMs ? QJsonValue(*selection.time.fromMs) : QJsonValue()},
        // Excluded, unlike the inclusive "to" of manifests written before 0.1.
        {QStringLiteral("until"), selection.time.toMs ? QJsonValue(*selection.time.toMs) : QJsonValue()},
        {QStringLiteral("min_score"), selection.minScore ? QJsonValue(*selection.minScore) : QJsonValue()},
        {QStringLiteral("collapse_duplicates"), selection.collapseDuplicates},
    };
}

// The kind's other files: promptfoo test cases next to eval samples; a block to paste and a JSON
// array next to few-shot examples.
std::vector<std::pair<QString, QByteArray>> kindExtras(DatasetKind kind, const std::vector<Example> &examples,
                                                       const QTemporaryDir &building)
{
    std::vector<std::pair<QString, QByteArray>> outputs;
    if (kind != DatasetKind::Eval && kind != DatasetKind::FewShot)
        return outputs;
    const bool eval = kind == DatasetKind::Eval;
    QByteArray extra =
        eval ? QByteArray(kPromptfooHeader) + "\n" : QByteArray("Examples of good answers:\n\n");
    for (size_t e = 0; e < examples.size(); ++e)
        extra += (eval ? QByteArray() : "### Example " + QByteArray::number(qint64(e) + 1) + "\n\n") +
                 QByteArray::fromStdString(examples[e].extra) + '\n';
    outputs.emplace_back(eval ? QStringLiteral("promptfoo.csv") : QStringLiteral("fewshot.md"), extra);
    if (!eval) {
        // The same examples as one JSON array, for code that reads a single document.
        QFile lines(building.filePath(QStringLiteral("fewshot.jsonl")));
        QJsonArray array;
        if (lines.open(QIODevice::ReadOnly))
            for (const QByteArray &line : lines.readAll().split('\n'))
                if (!line.isEmpty())
                    array.append(QJsonDocument::fromJson(line).object());
        outputs.emplace_back(QStringLiteral("fewshot.json"),
                             QJsonDocument(array).toJson(QJsonDocument::Indented));
    }
    return outputs;
}

// Reads the spool once, in the examples' order, each example's lines going to its split's file.
Result<SplitFiles> writeSplitFiles(QFile &spool, const std::vector<Example> &examples, const SplitPlan &plan,
                                   DatasetKind kind, const QTemporaryDir &building, ExportReport &report,
                                   const std::function<bool()> &cancelled)
{
    std::array<std::unique_ptr<QFile>, 3> splitFiles;
    std::array<std::unique_ptr<QCryptographicHash>, 3> hashes;
    std::array<qint64, 3> lineCounts{0, 0, 0}, byteCounts{0, 0, 0};
    std::array<QJsonArray, 3> ids;
    if (!spool.flush() || !spool.seek(0))
        return Error{QStringLiteral("cannot read %1: %2").arg(spool.fileName(), spool.errorString())};
    QByteArray buffer;
    for (size_t e = 0; e < examples.size(); ++e) {
        const size_t split = size_t(plan.splitOf[e]);
        if (!splitFiles[split]) {
            splitFiles[split] = std::make_unique<QFile>(building.filePath(dataFileName(kind, Split(split))));
            if (!splitFiles[split]->open(QIODevice::WriteOnly))
                return Error{QStringLiteral("cannot write %1: %2")
                                 .arg(splitFiles[split]->fileName(), splitFiles[split]->errorString())};
            hashes[split] = std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256);
        }
        buffer.resize(qsizetype(examples[e].bytes));
        if (!spool.seek(examples[e].offset) ||
            spool.read(buffer.data(), examples[e].bytes) != examples[e].bytes)
            return Error{QStringLiteral("cannot read %1: %2").arg(spool.fileName(), spool.errorString())};
        if (splitFiles[split]->write(buffer) != buffer.size())
            return Error{QStringLiteral("cannot write %1: %2")
                             .arg(splitFiles[split]->fileName(), splitFiles[split]->errorString())};
        hashes[split]->addData(buffer);
        lineCounts[split] += examples[e].lines;
        byteCounts[split] += examples[e].bytes;
        ids[split].append(examples[e].id);
        ++report.perSplit[split];
        ++report.perLabel[examples[e].label];
        if (cancelled())
            return Error{QStringLiteral("cancelled; nothing was written")};
    }
    spool.remove();
    SplitFiles out;
    for (size_t split = 0; split < 3; ++split) {
        if (!splitFiles[split])
            continue;
        if (!splitFiles[split]->flush())
            return Error{QStringLiteral("cannot write %1: %2")
                             .arg(splitFiles[split]->fileName(), splitFiles[split]->errorString())};
        const QString name = QString::fromLatin1(splitName(Split(split)));
        out.files.insert(
            dataFileName(kind, Split(split)),
            QJsonObject{{QStringLiteral("sha256"), QString::fromLatin1(hashes[split]->result().toHex())},
                        {QStringLiteral("lines"), lineCounts[split]},
                        {QStringLiteral("bytes"), byteCounts[split]}});
        out.ids.insert(name, ids[split]);
        out.written.emplace_back(name, dataFileName(kind, Split(split)));
        report.examples += lineCounts[split];
    }
    return out;
}

} // namespace

QJsonObject splitCountsJson(const std::array<qint64, 3> &counts)
{
    return {{QStringLiteral("train"), counts[0]},
            {QStringLiteral("validation"), counts[1]},
            {QStringLiteral("test"), counts[2]}};
}

Exporter::Exporter(Store &store, ExportOptions options)
    : m_store(store)
    , m_options(std::move(options))
{
    if (m_options.name.isEmpty())
        m_options.name = kindName(m_options.kind);
}

namespace {

// The selected examples: their lines in the spool, what splits them and what orders them.
struct Spooled {
    std::vector<Example> examples;
    std::vector<SplitItem> items;
    std::vector<RankedExample> ranked;
};

// Where a version comes from: the curation run it was selected from and its number.
struct Provenance {
    qint64 curationRun = 0;
    QString rulesHash;
    qint64 version = 0;
};

const Error kCancelled{QStringLiteral("cancelled; nothing was written")};

int labelRank(const std::string &label)
{
    return label == "gold" ? 0 : label == "positive" ? 1 : 2;
}

// One export from options to a published folder, step by step; run() names the steps.
class ExportRun {
public:
    ExportRun(Store &store, const ExportOptions &options, const Exporter::ProgressCallback &progress,
              const std::atomic_bool *cancel)
        : m_store(store)
        , m_options(options)
        , m_progress(progress)
        , m_cancel(cancel)
        , m_destination(options.outDir)
        , m_building(m_destination.absolutePath() + QStringLiteral("/.") + m_destination.fileName() +
                     QStringLiteral(".partial-XXXXXX"))
        , m_spool(m_building.filePath(QStringLiteral(".spool")))
    {
        m_report.name = options.name;
    }

    Result<ExportReport> run()
    {
        // Everything is written in a hidden folder next to the destination, renamed into place at the end.
        if (!m_building.isValid())
            return Error{QStringLiteral("cannot create a folder in %1: %2")
                             .arg(m_destination.absolutePath(), m_building.errorString())};
        if (!m_spool.open(QIODevice::ReadWrite))
            return Error{
                QStringLiteral("cannot write %1: %2").arg(m_spool.fileName(), m_spool.errorString())};
        auto spooled = spoolExamples();
        if (!spooled)
            return spooled.error();
        const SplitPlan plan = orderAndSplit(*spooled);
        auto provenance = readProvenance();
        if (!provenance)
            return provenance.error();
        m_report.version = provenance->version;
        auto written = writeSplitFiles(m_spool, spooled->examples, plan, m_options.kind, m_building, m_report,
                                       [this] { return cancelled(); });
        if (!written)
            return written.error();
        if (Status s = writeDescriptions(*provenance, *written, spooled->examples); !s)
            return s.error();
        if (Status s = checkValid(); !s)
            return s.error();
        if (Status s = record(*provenance, spooled->examples, plan); !s)
            return s.error();
        if (Status s = publish(); !s)
            return s.error();
        return m_report;
    }

private:
    bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }

    // Reads the selected interactions and writes their lines to the spool, in the store's order.
    Result<Spooled> spoolExamples()
    {
        auto spans = readStoredSpans(m_store);
        auto hardness = readSegmentHardness(m_store);
        auto pinned = readPinnedInteractions(m_store);
        if (!spans || !hardness || !pinned)
            return !spans ? spans.error() : !hardness ? hardness.error() : pinned.error();
        Spooled out;
        QString spoolError;
        qint64 offset = 0;
        Status read = readExampleRows(m_store, m_options, [&](const ExampleRow &row) {
            const auto found = spans->find(row.id);
            const StoredSpans *stored = found == spans->end() ? nullptr : &found->second;
            if (m_options.personalData == PersonalDataMode::Drop &&
                ((stored && !stored->empty()) || !findPersonalData(row.correction).empty())) {
                ++m_report.droppedForPersonalData;
                return !cancelled();
            }
            ExampleOutput example = exampleOutput(row, stored, m_options);
            if (!example.lines.empty()) {
                const qint64 bytes = spoolLines(example.lines, spoolError);
                if (bytes < 0)
                    return false;
                out.examples.push_back({row.id, row.label, offset, bytes, qint32(example.lines.size()),
                                        std::move(example.extra)});
                offset += bytes;
                out.items.push_back({row.group, row.segment, pinned->count(row.id) > 0});
                const auto segmentHardness = hardness->find(row.segment);
                out.ranked.push_back({row.id, row.segment, row.reviewed && !row.correction.empty(),
                                      labelRank(row.label), row.score,
                                      segmentHardness == hardness->end() ? 0.0 : segmentHardness->second});
            }
            if (m_progress && out.examples.size() % 10000 == 0)
                m_progress(qint64(out.examples.size()));
            return !cancelled();
        });
        if (!read)
            return read.error();
        if (!spoolError.isEmpty())
            return Error{QStringLiteral("cannot write %1: %2").arg(m_spool.fileName(), spoolError)};
        if (cancelled())
            return kCancelled;
        if (out.examples.empty())
            return Error{QStringLiteral("no interaction matches the selection for a %1 dataset (is the store "
                                        "curated? do the filters match?); nothing was written")
                             .arg(kindName(m_options.kind))};
        return out;
    }

    // Appends an example's lines to the spool; their size in bytes, or -1 with @p error set.
    qint64 spoolLines(const std::vector<std::string> &lines, QString &error)
    {
        qint64 bytes = 0;
        for (const std::string &line : lines) {
            if (m_spool.write(line.data(), qint64(line.size())) != qint64(line.size()) ||
                !m_spool.putChar('\n')) {
                error = m_spool.errorString();
                return -1;
            }
            bytes += qint64(line.size()) + 1;
        }
        return bytes;
    }

    // Orders and limits the examples (eval: hard segments first; few-shot: diverse best), then
    // places each in its split.
    SplitPlan orderAndSplit(Spooled &spooled)
    {
        const qint64 limit = m_options.limit > 0 ? m_options.limit : defaultLimit(m_options.kind);
        const std::vector<size_t> order = orderExamples(m_options.kind, spooled.ranked, limit);
        std::vector<Example> examples;
        std::vector<SplitItem> items;
        for (const size_t i : order) {
            examples.push_back(std::move(spooled.examples[i]));
            items.push_back(std::move(spooled.items[i]));
        }
        spooled.examples.swap(examples);
        spooled.items.swap(items);
        SplitPlan plan;
        if (const std::optional<Split> only = singleSplit(m_options.kind)) {
            plan.splitOf.assign(spooled.items.size(), *only);
            for (const SplitItem &item : spooled.items)
                ++plan.counts[item.stratum][size_t(*only)];
        } else {
            plan = assignSplits(spooled.items, m_options.ratios, m_options.seed);
        }
        m_report.perSegment = plan.counts;
        m_report.interactions = qint64(spooled.examples.size());
        return plan;
    }

    Result<Provenance> readProvenance()
    {
        auto run = m_store.db().prepare(
            "SELECT id, rules_hash FROM curation_runs WHERE status = 'completed' ORDER BY id DESC LIMIT 1");
        if (!run)
            return run.error();
        Provenance out;
        if (Status s = run->forEachRow([&] {
                out.curationRun = run->columnInt(0);
                out.rulesHash = run->columnText(1);
                return false;
            });
            !s)
            return s.error();
        auto last = m_store.db().queryInt("SELECT coalesce(max(version), 0) FROM datasets WHERE name = ?1",
                                          {m_options.name});
        if (!last)
            return last.error();
        out.version = *last + 1;
        return out;
    }

    QJsonObject manifest(const Provenance &provenance, const SplitFiles &written) const
    {
        QJsonObject segments;
        for (const auto &[segment, counts] : m_report.perSegment)
            segments.insert(QString::fromStdString(segment), splitCountsJson(counts));
        QJsonObject labels;
        for (const auto &[label, n] : m_report.perLabel)
            labels.insert(QString::fromStdString(label), n);
        const qint64 limit = m_options.limit > 0 ? m_options.limit : defaultLimit(m_options.kind);
        return {
            {QStringLiteral("name"), m_options.name},
            {QStringLiteral("version"), m_report.version},
            {QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
            {QStringLiteral("options"), optionsJson(m_options)},
            {QStringLiteral("curation_run"),
             provenance.curationRun ? QJsonValue(provenance.curationRun) : QJsonValue()},
            {QStringLiteral("rules_hash"),
             provenance.rulesHash.isEmpty() ? QJsonValue() : QJsonValue(provenance.rulesHash)},
            {QStringLiteral("examples"), m_report.examples},
            {QStringLiteral("limit"), limit},
            {QStringLiteral("interactions"), m_report.interactions},
            {QStringLiteral("dropped_for_personal_data"), m_report.droppedForPersonalData},
            {QStringLiteral("splits"), splitCountsJson(m_report.perSplit)},
            {QStringLiteral("segments"), segments},
            {QStringLiteral("labels"), labels},
            {QStringLiteral("files"), written.files},
            {QStringLiteral("interaction_ids"), written.ids},
        };
    }

    // manifest.json, the README.md dataset card and the kind's other files.
    Status writeDescriptions(const Provenance &provenance, const SplitFiles &written,
                             const std::vector<Example> &examples)
    {
        const QByteArray manifestBytes =
            QJsonDocument(manifest(provenance, written)).toJson(QJsonDocument::Indented);
        m_report.manifestSha256 =
            QString::fromLatin1(QCryptographicHash::hash(manifestBytes, QCryptographicHash::Sha256).toHex());
        std::vector<std::pair<QString, QByteArray>> outputs{
            {QStringLiteral("manifest.json"), manifestBytes},
            {QStringLiteral("README.md"), datasetCard(m_options, m_report, written.written)}};
        for (auto &extra : kindExtras(m_options.kind, examples, m_building))
            outputs.push_back(std::move(extra));
        for (const auto &[name, bytes] : outputs) {
            QSaveFile file(m_building.filePath(name));
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
                return Error{QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString())};
        }
        return {};
    }

    // Every export checks itself as `flywheel validate` would before anyone can load it.
    Status checkValid() const
    {
        auto validation = validateDataset(m_building.path());
        if (!validation)
            return validation.error();
        if (validation->ok())
            return {};
        QString first = QStringLiteral("%1 problems").arg(validation->errors);
        for (const ValidationIssue &issue : validation->issues)
            if (!issue.warning) {
                first = QStringLiteral("%1:%2: %3: %4")
                            .arg(issue.file)
                            .arg(issue.line)
                            .arg(issue.check, issue.message);
                break;
            }
        return Error{QStringLiteral("the export does not validate (%1); nothing was published").arg(first)};
    }

    // Publication's first step: the dataset and its items recorded, with the hidden folder as
    // staging. A process killed before publish() leaves a record that finishInterruptedExports()
    // completes from the staging folder, so a recorded dataset always ends up in place and an
    // unrecorded one never appears.
    Status record(const Provenance &provenance, const std::vector<Example> &examples, const SplitPlan &plan)
    {
        Transaction transaction(m_store.db());
        if (!transaction.beginStatus())
            return transaction.beginStatus().error();
        auto dataset =
            m_store.db().prepare("INSERT INTO datasets (name, version, kind, format, path, created_at, "
                                 "curation_run_id, rules_hash, "
                                 "options, manifest_sha256, examples, pinned, staging) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
        auto item = m_store.db().prepare("INSERT INTO dataset_items (dataset_id, interaction_id, split) "
                                         "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
        if (!dataset || !item)
            return !dataset ? dataset.error() : item.error();
        dataset->bind(1, m_options.name);
        dataset->bind(2, m_report.version);
        dataset->bind(3, kindName(m_options.kind));
        dataset->bind(4, formatName(m_options.format));
        dataset->bind(5, m_destination.absoluteFilePath());
        dataset->bind(6, QDateTime::currentMSecsSinceEpoch());
        if (provenance.curationRun)
            dataset->bind(7, provenance.curationRun);
        else
            dataset->bindNull(7);
        dataset->bindTextOrNull(8, provenance.rulesHash.toStdString());
        dataset->bind(
            9, QString::fromUtf8(QJsonDocument(optionsJson(m_options)).toJson(QJsonDocument::Compact)));
        dataset->bind(10, m_report.manifestSha256);
        dataset->bind(11, m_report.examples);
        dataset->bind(12, qint64(m_options.kind == DatasetKind::Eval)); // evaluation sets stay out of train
        dataset->bind(13, m_building.path());
        if (Status s = dataset->run(); !s)
            return s;
        m_report.datasetId = m_store.db().lastInsertRowId();
        for (size_t e = 0; e < examples.size(); ++e) {
            item->bind(1, m_report.datasetId);
            item->bind(2, examples[e].id);
            item->bind(3, std::string_view(splitName(plan.splitOf[e])));
            if (Status s = item->run(); !s)
                return s;
        }
        // QTemporaryDir makes the folder private; a dataset is shared like any other folder.
        QFile::setPermissions(m_building.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                     QFileDevice::ExeOwner | QFileDevice::ReadGroup |
                                                     QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                     QFileDevice::ExeOther);
        return transaction.commit();
    }

    // Publication's second step: the folder renamed into place and the staging cleared.
    Status publish()
    {
        m_building.setAutoRemove(false);
        const QString path = m_destination.absoluteFilePath();
        if (!QDir().rename(m_building.path(), path)) {
            QDir(m_building.path()).removeRecursively();
            (void)forgetDataset(m_store, m_report.datasetId);
            return Error{QStringLiteral("cannot move the dataset into %1").arg(path)};
        }
        if (Status s = clearStaging(m_store, m_report.datasetId); !s)
            return s; // the next export or listing clears it
        m_report.path = path;
        return {};
    }

    Store &m_store;
    const ExportOptions &m_options;
    const Exporter::ProgressCallback &m_progress;
    const std::atomic_bool *m_cancel;
    const QFileInfo m_destination;
    QTemporaryDir m_building;
    QFile m_spool;
    ExportReport m_report;
};

} // namespace

Result<ExportReport> Exporter::run()
{
    if (Status s = checkOptions(m_options); !s)
        return s.error();
    if (Status s = finishInterruptedExports(m_store); !s)
        return s.error();
    return ExportRun(m_store, m_options, m_progress, m_cancel).run();
}

Status finishInterruptedExports(Store &store)
{
    auto staged = store.db().prepare("SELECT id, path, staging FROM datasets WHERE staging IS NOT NULL");
    if (!staged)
        return staged.error();
    std::vector<std::tuple<qint64, QString, QString>> pending;
    if (Status s = staged->forEachRow([&] {
            pending.emplace_back(staged->columnInt(0), staged->columnText(1), staged->columnText(2));
        });
        !s)
        return s;
    for (const auto &[id, path, staging] : pending) {
        if (!QFileInfo::exists(path) && QFileInfo::exists(staging) && QDir().rename(staging, path)) {
            if (Status s = clearStaging(store, id); !s)
                return s;
        } else if (QFileInfo::exists(path)) {
            if (Status s = clearStaging(store, id); !s)
                return s;
        } else {
            // Neither folder is there: the dataset never appeared; its record goes too.
            if (Status s = forgetDataset(store, id); !s)
                return s;
        }
    }
    return {};
}

} // namespace flywheel
