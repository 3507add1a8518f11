#!/usr/bin/env python3
"""The merge an analyst would write with polars instead of chronomerge:
read every return's Chronology sheet with polars.read_excel (calamine
engine, through fastexcel), read the dates day first, sort, and write one
workbook with XlsxWriter, each row filled in its agency's colour, dates as
real date cells.

    merge_polars.py REVIEW_DIR OUT.xlsx

No checking beyond leaving unreadable dates blank: this is the comparison
point of issue 8 (benches/compare.sh), not a second engine.
"""
import glob
import os
import sys

import polars as pl
import xlsxwriter

COLUMNS = [
    "Date", "Time", "Sequence", "Source of information", "Practitioner role",
    "Child or family member", "Event type", "Details of event",
    "Action / outcome", "Analysis / comment",
]
FILLS = ["#DCE6F1", "#F2DCDB", "#EBF1DE", "#E4DFEC", "#DAEEF3", "#FDE9D9",
         "#FFF2CC", "#E2EFDA", "#FCE4D6", "#D9E1F2", "#EDEDED", "#D0CECE",
         "#C6E0B4", "#F8CBAD", "#BDD7EE", "#FFE699", "#ACB9CA", "#C9C9C9",
         "#B4C6E7", "#F4B084", "#A9D08E", "#FFD966", "#9BC2E6", "#DBDBDB"]
# Date cells come through as "2022-01-05 00:00:00"; the rest is what the
# agency typed, day first.
FORMATS = ["%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d.%m.%y",
           "%d-%m-%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%b-%y",
           "%A %d %B %Y", "%B %Y"]


def read_return(path):
    df = pl.read_excel(path, sheet_name="Chronology", engine="calamine",
                       infer_schema_length=0)
    df = df.select([pl.col(c) if c in df.columns else pl.lit(None, pl.String).alias(c)
                    for c in COLUMNS])
    return df.with_columns(
        pl.lit(os.path.splitext(os.path.basename(path))[0]).alias("Agency"),
        (pl.int_range(pl.len()) + 2).alias("Row"),
    )


def main():
    src, out = sys.argv[1], sys.argv[2]
    paths = sorted(p for p in glob.glob(os.path.join(src, "*.xlsx"))
                   if not os.path.basename(p).startswith(("~$", ".")))
    df = pl.concat([read_return(p) for p in paths]).filter(
        ~pl.all_horizontal(pl.col(COLUMNS).is_null()))
    clean = (pl.col("Date").str.strip_chars()
             .str.replace(r"^(c\.|circa|approx\.?|about|\?)\s*", "")
             .str.replace(r"(\d+)(st|nd|rd|th)\b", "$1"))
    when = pl.coalesce([clean.str.strptime(pl.Datetime, f, strict=False) for f in FORMATS])
    is_cell = pl.col("Date").str.contains(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
    df = df.with_columns(
        when.alias("When"),
        pl.when(is_cell).then(pl.lit("")).otherwise(pl.col("Date")).alias("Written"),
        pl.when(pl.col("Time").str.contains(r"^1899-12-3\d "))
        .then(pl.col("Time").str.slice(11, 5)).otherwise(pl.col("Time")).alias("Time"),
    ).sort(["When", "Time", "Agency", "Row"], nulls_last=False, maintain_order=True)

    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet("Chronology")
    heads = ["Date", "Date as written"] + COLUMNS[1:] + ["Agency"]
    bold = wb.add_format({"bold": True})
    for c, h in enumerate(heads):
        ws.write_string(0, c, h, bold)
    fmts = {}
    for i, a in enumerate(sorted(df["Agency"].unique().to_list())):
        fill = FILLS[i % len(FILLS)]
        fmts[a] = (wb.add_format({"bg_color": fill, "text_wrap": True, "valign": "top"}),
                   wb.add_format({"bg_color": fill, "num_format": "dd/mm/yyyy",
                                  "valign": "top"}))
    cols = ["When", "Written"] + COLUMNS[1:] + ["Agency"]
    r = 0
    for r, rec in enumerate(df.select(cols).iter_rows(), start=1):
        plain, date = fmts[rec[-1]]
        if rec[0] is None:
            ws.write_blank(r, 0, None, plain)
        else:
            ws.write_datetime(r, 0, rec[0], date)
        for c in range(1, len(rec)):
            v = rec[c]
            if v is None or v == "":
                ws.write_blank(r, c, None, plain)
            else:
                ws.write_string(r, c, v, plain)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, r, len(heads) - 1)
    wb.close()
    print(f"polars: {len(paths)} files, {r} rows, {df['When'].null_count()} undated")


if __name__ == "__main__":
    main()
