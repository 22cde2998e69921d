#include "demo/demointents.h"

// Templates of the categories that need product or expert knowledge. Legal questions are the hard
// case the demo's model versions never learn; data-export questions are hard but do improve.

namespace flywheel {
namespace {

constexpr DemoIntent kProduct[] = {
    {"compatibility",
     {"Does the {product} work with {ecosystem}?", "is {product} compatible with {ecosystem}",
      "Can I control the {product} from {ecosystem}?", "{ecosystem} support for {product}?"},
     "Yes, the {product} works with {ecosystem}. {Link your Brightlane account in the {ecosystem} app under "
     "Settings > Connected services|You need the Brightlane Bridge ($39) to connect it to {ecosystem}}; "
     "after "
     "that you can use voice commands and add the {product} to routines.",
     {{"Do I need the Hub for that?", "No, the {product} connects over Wi-Fi on its own. The Hub 2 is only "
                                      "needed for Zigbee devices such as "
                                      "the Aqua Leak Sensor."},
      {}}},
    {"battery-life",
     {"How long does the battery last on the {product}?", "battery life {product}?",
      "my {product} battery drains fast, is that normal?", "How often do I need to charge the {product}?"},
     "On average the battery lasts {about 6 months|about 2 years} with default settings. Many motion events, "
     "cold weather below 0°C and a weak Wi-Fi signal shorten it. The app shows the level under Devices > "
     "{product} > Battery.",
     {{"How do I make it last longer?",
       "Lower the motion sensitivity, shorten the recording length to 15 seconds and move the router closer "
       "or add a Wi-Fi extender: a weak signal is the biggest drain."},
      {}}},
    {"video-history",
     {"How long are videos stored?", "Does the {product} record 24/7?",
      "How many days of recordings do I get with {plan}?", "is there local storage on the {product}"},
     "Recordings are kept in the cloud: {30 days on Plus and 60 days on Pro|unlimited on every plan}. Basic "
     "has live view and alerts but no history. The {product} records events (motion, doorbell presses), not "
     "continuous video.",
     {{"Can I download clips?",
       "Yes: open a clip in Library and tap Download. Clips are saved as MP4 files."},
      {}}},
    {"install",
     {"Do I need a C-wire for the Halo Thermostat?", "Can I install the {product} myself?",
      "what do I need to install {product}", "Is the {product} weatherproof?"},
     "Most customers install it themselves in about 20 minutes with the app's step-by-step guide. "
     "{Only the Halo Thermostat needs wiring: a C-wire or the included power adapter|No wiring is needed for "
     "any of our devices, the Halo Thermostat included}, and our outdoor devices are rated IP65, so rain and "
     "snow are fine.",
     {{}, {}}},
};

constexpr DemoIntent kTroubleshooting[] = {
    {"error-code",
     {"My {product} shows error {error}", "what does error {error} mean", "{error} on the {product}, help",
      "Getting {error} every time I open the app", "{product} keeps saying {error} after the update"},
     "Error {error} means {error_meaning}. To fix it:\n"
     "#. Restart the {product}: unplug it or remove the battery for 10 seconds.\n"
     "<<#. Make sure the app is on the latest version (Settings > About).\n>>"
     "#. {Move the device within range of your router and try again|Factory reset the device right away}.\n\n"
     "If the error comes back, note the time it appears and reply here.",
     {{"Still getting {error}.",
       "Thanks for trying. Please open Devices > {product} > Diagnostics and tap \"Send report\", then share "
       "the report ID here so our engineers can look at the device logs."},
      {"Do I need to factory reset it?", "Only as a last resort: a reset removes its settings and "
                                         "automations. Try the diagnostics report first."}}},
    {"wifi",
     {"{product} won't connect to Wi-Fi", "Can't add the {product} to my network",
      "the {product} keeps going offline", "setup fails at connecting to wifi"},
     "Let's get it connected:\n"
     "#. Make sure your phone is on the 2.4 GHz network; the {product} {does not support 5 GHz|supports only "
     "5 GHz}.\n"
     "#. Keep the {product} within 5 metres of the router during setup.\n"
     "<<#. Check that the Wi-Fi password has no trailing spaces.\n>>"
     "#. In the app, go to Devices > Add device and start again.",
     {{"My router only has one network name for both bands.",
       "That's fine in most cases. If setup still fails, temporarily turn off 5 GHz in the router settings, "
       "add the device, then turn it back on."},
      {}}},
    {"firmware-stuck",
     {"Firmware update stuck at {percent}%", "{product} update has been at {percent}% for an hour",
      "update failed on {product}, now it only blinks", "Can I stop a firmware update?"},
     "Updates can pause when the connection drops. Please don't unplug it yet:\n"
     "#. Wait 15 more minutes; large updates restart from where they stopped.\n"
     "<<#. Check the device is still connected to power.\n>>"
     "#. If it is still stuck, hold the button for {10|30} seconds to restart it; it will retry the update "
     "to version {firmware} automatically.",
     {{"It still blinks orange.",
       "Orange blinking means recovery mode. Keep it powered and close to the router: it downloads the "
       "firmware again, which can take 30 minutes."},
      {}}},
};

constexpr DemoIntent kLegal[] = {
    {"gdpr-erasure",
     {"Please delete all my personal data under GDPR", "I want to exercise my right to erasure (Art. 17)",
      "how do I get Brightlane to delete everything you have on me", "Delete my account and all recordings"},
     "You can request erasure in Account > Privacy > Delete my data. We confirm by email and complete the "
     "erasure within {30 days|7 days}; copies in encrypted backups are overwritten within 90 days. "
     "{Billing records are kept as tax law requires|All billing records are deleted too}.",
     {{"Can you confirm in writing when it's done?", "Yes, you'll receive a confirmation email when the "
                                                     "erasure is complete, which you can keep as a record."},
      {}}},
    {"dpa",
     {"Do you offer a Data Processing Agreement?", "We need a DPA signed before using Brightlane Business",
      "Are you GDPR compliant for business customers?", "Can we get your SCCs for transfers outside the EU?"},
     "{Business customers can sign our Data Processing Agreement online at brightlane.example/legal/dpa|We "
     "don't offer a Data Processing Agreement}. It includes the EU Standard Contractual Clauses and the list "
     "of sub-processors. For changes to the standard text, contact legal@brightlane.example.",
     {{"Who are your sub-processors?", "The current list is published at "
                                       "brightlane.example/legal/subprocessors; we notify Business customers "
                                       "30 days before adding one."},
      {}}},
    {"data-residency",
     {"Where is my data stored?", "Is video from EU customers stored in the EU?",
      "Do you transfer recordings to the US?", "data residency for {city}?"},
     "Accounts created in the EU and UK are hosted in {Frankfurt, Germany|Virginia, USA}; other accounts are "
     "hosted in the US. Recordings are encrypted at rest, and support staff can't view video without your "
     "permission.",
     {{}, {}}},
    {"recording-consent",
     {"Is it legal to record my neighbour's driveway with the {product}?",
      "Do I need consent to record audio with my doorbell camera?",
      "can my tenant stop me from using the {product}",
      "Is my {product} GDPR compliant if it films the street?"},
     "I can't give legal advice, and the rules depend on where you live. In general, "
     "{recording audio of people without their consent is restricted in many places|you may record anything "
     "visible from your property, including audio}, and in the EU a camera that films public space falls "
     "under "
     "GDPR. You can turn off audio and draw privacy zones in Devices > {product} > Privacy.",
     {{}, {}}},
};

constexpr DemoIntent kDataExport[] = {
    {"export-data",
     {"How do I export my {table} data as {format}?", "export {table} to {format}",
      "Can I download all my device history?", "I need a {format} export of {table} for the last year"},
     "You can export from the web dashboard:\n"
     "#. Go to Settings > Data > Export.\n"
     "#. Choose the {table} dataset and the {format} format.\n"
     "<<#. Pick the date range; exports cover at most 12 months at a time.\n>>"
     "#. Click Export. We email you a download link that is valid for {7 days|1 hour}.",
     {{"Is there an API instead?",
       "Yes, Business accounts can use the REST API: GET /v1/exports/{table} returns the same data page by "
       "page. API keys are in Settings > Developers."},
      {}}},
    {"sql-daily-count",
     {"Write a SQL query that counts {table} per day", "sql to get daily {table} counts from the export",
      "How do I group {table} by day in SQL?",
      "I loaded the export into Postgres, how many {table} per day?"},
     "Assuming the export is loaded into a table named {table} with a created_at timestamp column:\n\n"
     "SELECT date_trunc('day', created_at) AS day, count(*) AS n\n"
     "FROM {table}\n"
     "{GROUP BY day\nORDER BY day;|ORDER BY day;}\n\n"
     "date_trunc works in PostgreSQL; in SQLite use date(created_at) instead.",
     {{"And only for the last 30 days?",
       "Add a filter before the GROUP BY: WHERE created_at >= now() - interval '30 days'."},
      {}}},
    {"sql-energy",
     {"How do I compute energy use per room from the energy_readings export?",
      "sql query: total kWh per room per month", "join devices and energy_readings to get usage by room"},
     "Join the readings to the devices to get the room, then sum per month:\n\n"
     "SELECT d.room, date_trunc('month', r.read_at) AS month, sum(r.kwh) AS kwh\n"
     "FROM energy_readings r\n"
     "JOIN devices d ON d.device_id = {r.device_id|r.id}\n"
     "GROUP BY d.room, month\n"
     "ORDER BY month, kwh DESC;",
     {{"Some rooms are missing.", "Devices without a room are dropped by the inner join. Use LEFT JOIN and "
                                  "coalesce(d.room, 'Unassigned') "
                                  "to keep them."},
      {}}},
    {"export-fails",
     {"My {format} export fails", "export of {table} stuck at processing", "the export link gives an error",
      "Export says 'too many rows'"},
     "Large exports can time out. {Split the export into ranges of 3 months or less|Exports have no size "
     "limit, so just try again later}, or choose {format} with compression turned on. If a link shows "
     "\"expired\", request a new export: links are single use.",
     {{}, {}}},
};

} // namespace

std::span<const DemoIntent> productIntents()
{
    return kProduct;
}
std::span<const DemoIntent> troubleshootingIntents()
{
    return kTroubleshooting;
}
std::span<const DemoIntent> legalIntents()
{
    return kLegal;
}
std::span<const DemoIntent> dataExportIntents()
{
    return kDataExport;
}

} // namespace flywheel
