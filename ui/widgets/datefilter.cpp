#include "widgets/datefilter.h"

#include <QCoreApplication>
#include <QDateEdit>

namespace flywheel::ui {
namespace {

// The "any" value of a box: the QDateEdit shows its special text there.
const QDate kAnyDate(2000, 1, 1);

QDate dateOf(const QDateEdit *edit)
{
    return edit->date() == kAnyDate ? QDate() : edit->date();
}

} // namespace

QDateEdit *createDateBox()
{
    auto *edit = new QDateEdit;
    edit->setCalendarPopup(true);
    edit->setMinimumDate(kAnyDate);
    edit->setSpecialValueText(QCoreApplication::translate("DateFilter", "any"));
    edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    edit->setDate(kAnyDate);
    edit->setToolTip(
        QCoreApplication::translate("DateFilter", "Whole UTC days; \"any\" leaves the range open"));
    return edit;
}

TimeRange rangeOf(const QDateEdit *from, const QDateEdit *to)
{
    return TimeRange::ofDays(dateOf(from), dateOf(to));
}

void showRange(QDateEdit *from, QDateEdit *to, const TimeRange &range)
{
    from->setDate(range.fromMs ? range.firstDay() : kAnyDate);
    to->setDate(range.toMs ? range.lastDay() : kAnyDate);
}

} // namespace flywheel::ui
