#include "charts/savechart.h"

#include <QChart>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>

namespace flywheel::charts {
namespace {

void render(QGraphicsScene *scene, QChart *chart, QPaintDevice *device, QSize size)
{
    QPainter painter(device);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    scene->render(&painter, QRectF(QPointF(0, 0), size), QRectF(chart->pos(), size));
}

} // namespace

bool saveChart(QChart *chart, const QString &path, QSize size)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (!chart || size.isEmpty() || (suffix != QLatin1String("png") && suffix != QLatin1String("svg")))
        return false;

    // A chart not in a scene gets one for the drawing; a view's chart is resized for it and back.
    QGraphicsScene scratch;
    QGraphicsScene *scene = chart->scene();
    if (!scene) {
        scene = &scratch;
        scene->addItem(chart);
    }
    const QSizeF shown = chart->size();
    chart->resize(size);
    if (chart->layout())
        chart->layout()->activate();

    bool ok = false;
    if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(chart->title());
        render(scene, chart, &svg, size);
        ok = QFileInfo(path).size() > 0;
    } else {
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::white);
        render(scene, chart, &image, size);
        ok = image.save(path, "PNG");
    }

    chart->resize(shown);
    if (chart->layout())
        chart->layout()->activate();
    if (scene == &scratch)
        scratch.removeItem(chart);
    return ok;
}

} // namespace flywheel::charts
