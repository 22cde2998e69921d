#include "curate/topics.h"

#include <QDataStream>
#include <QIODevice>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace flywheel {
namespace {

// Bumped when the binary form of a model changes.
constexpr quint32 kFormat = 1;

// Words that say nothing about a topic.
const std::unordered_set<std::string_view> &stopWords()
{
    static const std::unordered_set<std::string_view> words{
        "the",    "and",   "for",     "you",     "your",      "are",       "was",      "but",
        "not",    "can",   "with",    "this",    "that",      "have",      "has",      "had",
        "how",    "what",  "why",     "when",    "where",     "who",       "which",    "will",
        "would",  "could", "should",  "there",   "their",     "they",      "them",     "then",
        "than",   "from",  "into",    "about",   "just",      "like",      "does",     "did",
        "its",    "it's",  "i'm",     "don't",   "can't",     "any",       "all",      "some",
        "get",    "got",   "our",     "out",     "one",       "two",       "also",     "very",
        "more",   "much",  "here",    "need",    "want",      "please",    "thanks",   "thank",
        "hello",  "hi",    "yes",     "okay",    "let",       "make",      "use",      "being",
        "been",   "were",  "is",      "be",      "do",        "to",        "of",       "in",
        "on",     "at",    "by",      "an",      "or",        "if",        "so",       "my",
        "me",     "we",    "he",      "she",     "his",       "her",       "it",       "as",
        "no",     "up",    "too",     "again",   "still",     "know",      "tell",     "explain",
        "simply", "more",  "ok",      "now",     "way",       "other",     "most",     "best",
        "good",   "well",  "work",    "things",  "thing",     "something", "anything", "help",
        "using",  "used",  "provide", "give",    "write",     "new",       "many",     "each",
        "such",   "only",  "even",    "may",     "might",     "must",      "these",    "those",
        "own",    "same",  "say",     "said",    "see",       "going",     "able",     "really",
        "think",  "time",  "people",  "example", "different", "important", "question", "answer",
    };
    return words;
}

std::vector<std::string_view> words(std::string_view text)
{
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && !std::isalnum(static_cast<unsigned char>(text[i])) &&
               static_cast<unsigned char>(text[i]) < 0x80)
            ++i;
        const size_t start = i;
        while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '\'' ||
                                   static_cast<unsigned char>(text[i]) >= 0x80))
            ++i;
        const std::string_view word = text.substr(start, i - start);
        bool digits = true;
        for (const char c : word)
            digits &= std::isdigit(static_cast<unsigned char>(c)) != 0;
        if (word.size() >= 3 && !digits && !stopWords().count(word))
            out.push_back(word);
    }
    return out;
}

} // namespace

TopicModel::SparseVector TopicModel::vectorize(const std::vector<std::string_view> &tokens) const
{
    std::unordered_map<int, float> counts;
    for (const std::string_view word : tokens)
        if (const auto it = m_termIndex.find(word); it != m_termIndex.end())
            counts[it->second] += 1;
    SparseVector v;
    double norm = 0;
    for (const auto &[term, count] : counts) {
        const float value = (1 + std::log(count)) * m_idf[size_t(term)];
        v.terms.emplace_back(term, value);
        norm += double(value) * value;
    }
    std::sort(v.terms.begin(), v.terms.end());
    for (auto &[term, value] : v.terms)
        value = float(value / std::sqrt(norm));
    return v;
}

// The centroid with the highest cosine; the first of equals.
int TopicModel::nearest(const SparseVector &v) const
{
    int best = 0;
    double bestScore = -1;
    for (size_t c = 0; c < m_centroids.size(); ++c) {
        const double score = dot(v, m_centroids[c]);
        if (score > bestScore) {
            bestScore = score;
            best = int(c);
        }
    }
    return best;
}

void TopicModel::indexTerms()
{
    m_termIndex.clear();
    for (size_t t = 0; t < m_terms.size(); ++t)
        m_termIndex.emplace(m_terms[t], int(t));
}

int TopicModel::assign(std::string_view text) const
{
    if (m_centroids.empty())
        return -1;
    const SparseVector v = vectorize(words(text));
    return v.terms.empty() ? -1 : nearest(v);
}

TopicModel TopicModel::train(const std::vector<std::string_view> &texts, const std::vector<qint64> &weights,
                             int maxTopics)
{
    TopicModel model;
    std::vector<std::vector<std::string_view>> tokens(texts.size());
    for (size_t i = 0; i < texts.size(); ++i)
        tokens[i] = words(texts[i]);
    model.chooseVocabulary(tokens, weights);
    if (model.m_terms.empty())
        return model;
    // TF-IDF vectors, unit length; a text with no known word takes no part.
    std::vector<SparseVector> vectors(texts.size());
    std::vector<size_t> usable;
    for (size_t i = 0; i < texts.size(); ++i) {
        vectors[i] = model.vectorize(tokens[i]);
        if (!vectors[i].terms.empty())
            usable.push_back(i);
    }
    if (usable.empty())
        return model;
    const size_t k = std::clamp<size_t>(size_t(std::lround(std::sqrt(double(usable.size()) / 5.0))), 2,
                                        size_t(std::max(2, maxTopics)));
    const Training training{vectors, usable, weights};
    model.seedCentroids(training, k);
    model.nameTopics(training, model.refineCentroids(training));
    return model;
}

// Words in at least two texts' worth of traffic and in at most half of it; the 5,000 most frequent,
// in a fixed order (frequency, then the word itself).
void TopicModel::chooseVocabulary(const std::vector<std::vector<std::string_view>> &tokens,
                                  const std::vector<qint64> &weights)
{
    std::unordered_map<std::string_view, qint64> documentFrequency;
    qint64 total = 0;
    for (size_t i = 0; i < tokens.size(); ++i) {
        std::vector<std::string_view> distinct = tokens[i];
        std::sort(distinct.begin(), distinct.end());
        distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
        for (const std::string_view word : distinct)
            documentFrequency[word] += weights[i];
        total += weights[i];
    }
    std::vector<std::pair<qint64, std::string_view>> ranked;
    for (const auto &[word, df] : documentFrequency)
        if (df >= 2 && df * 2 <= std::max<qint64>(total, 4))
            ranked.emplace_back(df, word);
    std::sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (ranked.size() > 5000)
        ranked.resize(5000);
    for (const auto &[df, word] : ranked) {
        m_terms.emplace_back(word);
        m_idf.push_back(float(std::log(double(total) / double(df))));
    }
    indexTerms();
}

std::vector<float> TopicModel::toDense(const SparseVector &v) const
{
    std::vector<float> dense(m_terms.size(), 0);
    for (const auto &[term, value] : v.terms)
        dense[size_t(term)] = value;
    return dense;
}

double TopicModel::dot(const SparseVector &v, const std::vector<float> &centroid)
{
    double sum = 0;
    for (const auto &[term, value] : v.terms)
        sum += double(value) * centroid[size_t(term)];
    return sum;
}

// Deterministic seeding: the heaviest text first, then each time the text least like every
// centroid chosen so far, weighted by its traffic.
void TopicModel::seedCentroids(const Training &t, size_t k)
{
    size_t first = t.usable[0];
    for (const size_t i : t.usable)
        if (t.weights[i] > t.weights[first])
            first = i;
    m_centroids.push_back(toDense(t.vectors[first]));
    std::vector<double> distance(t.usable.size(), 2.0);
    while (m_centroids.size() < std::min(k, t.usable.size())) {
        double sum = 0;
        size_t chosen = t.usable.front();
        double farthest = -1;
        for (size_t u = 0; u < t.usable.size(); ++u) {
            distance[u] = std::min(distance[u], 1.0 - dot(t.vectors[t.usable[u]], m_centroids.back()));
            const double score = std::max(0.0, distance[u]) * double(t.weights[t.usable[u]]);
            sum += score;
            if (score > farthest) {
                farthest = score;
                chosen = t.usable[u];
            }
        }
        if (sum <= 1e-12)
            break;
        m_centroids.push_back(toDense(t.vectors[chosen]));
    }
}

// Spherical k-means: assign by cosine, move each centroid to its members' weighted mean. Returns
// each text's topic by the final centroids (-1 for texts that take no part), training texts
// assigned as any other.
std::vector<int> TopicModel::refineCentroids(const Training &t)
{
    std::vector<int> assignment(t.vectors.size(), -1);
    for (int iteration = 0; iteration < 12; ++iteration) {
        bool moved = false;
        for (const size_t i : t.usable) {
            const int best = nearest(t.vectors[i]);
            moved |= assignment[i] != best;
            assignment[i] = best;
        }
        if (!moved)
            break;
        for (auto &centroid : m_centroids)
            std::fill(centroid.begin(), centroid.end(), 0.f);
        for (const size_t i : t.usable)
            for (const auto &[term, value] : t.vectors[i].terms)
                m_centroids[size_t(assignment[i])][size_t(term)] += value * float(t.weights[i]);
        for (auto &centroid : m_centroids) {
            double norm = 0;
            for (const float value : centroid)
                norm += double(value) * value;
            if (norm > 0)
                for (float &value : centroid)
                    value = float(value / std::sqrt(norm));
        }
    }
    for (const size_t i : t.usable)
        assignment[i] = nearest(t.vectors[i]);
    return assignment;
}

// Names each topic from the three terms that set it apart: its centroid's weight above the mean
// of all texts. Topics nobody is nearest to are dropped.
void TopicModel::nameTopics(const Training &t, const std::vector<int> &assignment)
{
    const size_t dims = m_terms.size();
    std::vector<double> mean(dims, 0);
    double all = 0;
    for (const size_t i : t.usable) {
        for (const auto &[term, value] : t.vectors[i].terms)
            mean[size_t(term)] += double(value) * double(t.weights[i]);
        all += double(t.weights[i]);
    }
    for (double &value : mean)
        value /= std::max(1.0, all);
    std::vector<bool> used(m_centroids.size(), false);
    for (const size_t i : t.usable)
        used[size_t(assignment[i])] = true;
    std::vector<std::vector<float>> kept;
    for (size_t c = 0; c < m_centroids.size(); ++c) {
        if (!used[c])
            continue;
        m_names.push_back(topicName(m_centroids[c], mean));
        kept.push_back(std::move(m_centroids[c]));
    }
    m_centroids = std::move(kept);
}

std::string TopicModel::topicName(const std::vector<float> &centroid, const std::vector<double> &mean) const
{
    const size_t dims = m_terms.size();
    std::vector<size_t> order(dims);
    for (size_t term = 0; term < dims; ++term)
        order[term] = term;
    const size_t top = std::min<size_t>(3, dims);
    const auto distinct = [&](size_t term) {
        return double(centroid[term]) - mean[term];
    };
    std::partial_sort(
        order.begin(), order.begin() + std::ptrdiff_t(top), order.end(),
        [&](size_t a, size_t b) { return distinct(a) != distinct(b) ? distinct(a) > distinct(b) : a < b; });
    std::string name = "topic:";
    for (size_t rank = 0; rank < top && centroid[order[rank]] > 0; ++rank)
        name += (rank == 0 ? " " : " / ") + m_terms[order[rank]];
    return name;
}

std::string TopicModel::serialize() const
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_0);
    out.setFloatingPointPrecision(QDataStream::SinglePrecision);
    out << quint32(kFormat) << quint32(m_terms.size()) << quint32(m_centroids.size());
    for (size_t t = 0; t < m_terms.size(); ++t)
        out << QByteArray::fromStdString(m_terms[t]) << m_idf[t];
    for (size_t c = 0; c < m_centroids.size(); ++c) {
        out << QByteArray::fromStdString(m_names[c]);
        for (const float value : m_centroids[c])
            out << value;
    }
    return bytes.toStdString();
}

std::optional<TopicModel> TopicModel::parse(std::string_view bytes)
{
    const QByteArray data = QByteArray::fromRawData(bytes.data(), qsizetype(bytes.size()));
    QDataStream in(data);
    in.setVersion(QDataStream::Qt_6_0);
    in.setFloatingPointPrecision(QDataStream::SinglePrecision);
    quint32 format = 0, terms = 0, topics = 0;
    in >> format >> terms >> topics;
    if (in.status() != QDataStream::Ok || format != kFormat || terms > 100000 || topics > 1000)
        return std::nullopt;
    TopicModel model;
    for (quint32 t = 0; t < terms; ++t) {
        QByteArray term;
        float idf = 0;
        in >> term >> idf;
        model.m_terms.push_back(term.toStdString());
        model.m_idf.push_back(idf);
    }
    for (quint32 c = 0; c < topics; ++c) {
        QByteArray name;
        in >> name;
        model.m_names.push_back(name.toStdString());
        std::vector<float> centroid(terms);
        for (float &value : centroid)
            in >> value;
        model.m_centroids.push_back(std::move(centroid));
    }
    if (in.status() != QDataStream::Ok || !in.atEnd())
        return std::nullopt;
    model.indexTerms();
    return model;
}

Topics findTopics(const std::vector<std::string_view> &texts, const std::vector<qint64> &weights,
                  int maxTopics)
{
    const TopicModel model = TopicModel::train(texts, weights, maxTopics);
    Topics topics;
    topics.names = model.names();
    for (const std::string_view text : texts)
        topics.topicOf.push_back(model.assign(text));
    return topics;
}

} // namespace flywheel
