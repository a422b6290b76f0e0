"""The ACLED CSV exports as their users read them.

Usage: check-exports.py DIR, where DIR holds the demo's exports:
event-internal.csv, event-public.csv, report-internal.csv, report-public.csv.

- libhxl validates each file's HXL row against its default schema (dates
  under #date, numbers under #affected, ...); any error fails.
- Every hashtag and attribute is in the HXL dictionary (1.1), each attribute
  on a hashtag the dictionary lists it for.
- The event-level file has one row per incident, and its fatalities are
  each incident's counted once, by the documented rule (the lowest count
  among the reports that count the killed), computed here from the
  report-level file.
- Read with pandas, as an analyst would (the HXL row skipped): the same
  one row per incident and the same fatalities total.
"""

import csv
import sys
from collections import defaultdict
from pathlib import Path

# The HXL dictionary's released hashtags.
HASHTAGS = {
    "#access", "#activity", "#adm1", "#adm2", "#adm3", "#adm4", "#adm5",
    "#affected", "#beneficiary", "#capacity", "#cause", "#channel",
    "#contact", "#country", "#crisis", "#currency", "#date", "#description",
    "#event", "#frequency", "#geo", "#group", "#impact", "#indicator",
    "#inneed", "#item", "#loc", "#meta", "#modality", "#need", "#operations",
    "#org", "#output", "#population", "#reached", "#region", "#respondee",
    "#sector", "#service", "#severity", "#status", "#subsector", "#targeted",
    "#value",
}
PLACES = {"#region", "#country", "#adm1", "#adm2", "#adm3", "#adm4", "#adm5", "#loc"}
# The attributes this export may use, with the hashtags the dictionary
# lists each for.
ATTRIBUTES = {
    "+code": PLACES | {
        "#beneficiary", "#activity", "#org", "#sector", "#subsector",
        "#indicator", "#output", "#crisis", "#cause", "#impact", "#severity",
        "#service", "#need", "#currency", "#item", "#channel", "#modality",
        "#event", "#group", "#status",
    },
    "+name": PLACES | {
        "#beneficiary", "#activity", "#org", "#sector", "#subsector",
        "#indicator", "#output", "#crisis", "#cause", "#impact", "#severity",
        "#need", "#service", "#contact", "#item", "#channel", "#modality",
        "#event", "#group", "#status",
    },
    "+type": {
        "#loc", "#beneficiary", "#activity", "#org", "#sector", "#subsector",
        "#indicator", "#capacity", "#output", "#operations", "#crisis",
        "#cause", "#impact", "#severity", "#access", "#contact", "#frequency",
        "#item", "#need", "#service", "#event", "#group", "#description",
    },
    "+occurred": {"#date"},
    "+reported": {"#date"},
    "+lat": {"#geo"},
    "+lon": {"#geo"},
    "+killed": {"#affected"},
    "+injured": {"#affected", "#inneed", "#targeted", "#reached"},
    "+source": {"#meta"},
    "+id": {"#meta"},
}

FILES = ["event-internal", "event-public", "report-internal", "report-public"]


def fail(message):
    print(f"check-exports: {message}", file=sys.stderr)
    sys.exit(1)


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, tags, body = rows[0], rows[1], rows[2:]
    return header, tags, [dict(zip(header, row)) for row in body]


def check_dictionary(name, tags):
    for tag in tags:
        if not tag:
            fail(f"{name}: a column without a hashtag")
        hashtag, *attributes = tag.split("+")
        if hashtag not in HASHTAGS:
            fail(f"{name}: {hashtag} is not in the HXL dictionary")
        for attribute in attributes:
            valid = ATTRIBUTES.get("+" + attribute)
            if valid is None:
                fail(f"{name}: +{attribute} ({tag}) is not an attribute this check knows from the HXL dictionary")
            if hashtag not in valid:
                fail(f"{name}: the HXL dictionary does not list +{attribute} for {hashtag}")


def check_hxl(name, path):
    import hxl

    options = hxl.input.InputOptions(allow_local=True)
    report = hxl.validate(hxl.data(str(path), options))
    errors = report["stats"].get("error", 0)
    if errors or not report["is_valid"]:
        for issue in report["issues"]:
            if issue["severity"] == "error":
                print(issue["description"], issue["rule"], issue.get("locations", [])[:3], file=sys.stderr)
        fail(f"{name}: libhxl reports {errors} errors")
    others = {k: v for k, v in report["stats"].items() if v and k != "total"}
    print(f"{name}: libhxl finds no error ({others or 'nothing else'})")


def killed_once(report_rows):
    """Each incident's fatalities by the rule, from the report-level rows."""
    by_incident = defaultdict(list)
    for row in report_rows:
        if row["truce_fatalities_reported"]:
            by_incident[row["truce_incident"]].append(int(row["fatalities"]))
        else:
            by_incident[row["truce_incident"]]
    return {incident: min(counts, default=0) for incident, counts in by_incident.items()}


def check_with_pandas(path, incidents, fatalities):
    """The file as pandas reads it: ACLED's columns, the HXL row skipped."""
    import pandas

    frame = pandas.read_csv(path, skiprows=[1], dtype={"truce_incident": str})
    if len(frame) != incidents or frame["truce_incident"].nunique() != incidents:
        fail(f"{path.name}: pandas reads {len(frame)} rows for {incidents} incidents")
    total = int(frame["fatalities"].sum())
    if total != fatalities:
        fail(f"{path.name}: pandas sums fatalities to {total}, the incidents' to {fatalities}")
    if list(frame.columns[:2]) != ["event_id_cnty", "event_date"]:
        fail(f"{path.name}: ACLED's columns do not come first: {list(frame.columns[:3])}")
    print(f"{path.name}: pandas reads {len(frame)} rows, one per incident, fatalities {total}")


def main():
    directory = Path(sys.argv[1])
    files = {name: read(directory / f"{name}.csv") for name in FILES}
    for name, (_, tags, _) in files.items():
        check_dictionary(name, tags)
        check_hxl(name, directory / f"{name}.csv")
    for edition in ["internal", "public"]:
        _, _, events = files[f"event-{edition}"]
        _, _, reports = files[f"report-{edition}"]
        incidents = killed_once(reports)
        ids = [row["truce_incident"] for row in events]
        if len(ids) != len(set(ids)):
            fail(f"{edition}: an incident has several rows")
        if set(ids) != set(incidents):
            fail(f"{edition}: {len(ids)} rows for {len(incidents)} incidents")
        if len({row["event_id_cnty"] for row in events}) != len(events):
            fail(f"{edition}: event_id_cnty is not unique")
        for row in events:
            if int(row["fatalities"]) != incidents[row["truce_incident"]]:
                fail(f"{edition}: {row['truce_incident']} has {row['fatalities']} fatalities, its reports say {incidents[row['truce_incident']]}")
        total = sum(int(row["fatalities"]) for row in events)
        if total != sum(incidents.values()):
            fail(f"{edition}: fatalities sum to {total}, the incidents' to {sum(incidents.values())}")
        check_with_pandas(directory / f"event-{edition}.csv", len(incidents), sum(incidents.values()))
        by_reports = sum(int(row["fatalities"]) for row in reports)
        print(
            f"{edition}: {len(events)} rows for {len(incidents)} incidents ({len(reports)} reports); "
            f"fatalities {total}, each incident counted once (the reports' rows add up to {by_reports})"
        )


if __name__ == "__main__":
    main()
