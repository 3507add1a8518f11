#!/usr/bin/env python3
"""The merge an analyst would write with pandas instead of chronomerge:
read every return's Chronology sheet with openpyxl, read the dates day
first, sort, and write one workbook with XlsxWriter, each row filled in its
agency's colour, dates as real date cells.

    merge_pandas.py REVIEW_DIR OUT.xlsx

No checking beyond coercing unreadable dates to blank: this is the
comparison point of issue 8 (benches/compare.sh), not a second engine.
"""
import glob
import os
import sys

import pandas as pd
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


def read_return(path):
    df = pd.read_excel(path, sheet_name="Chronology", engine="openpyxl", dtype=object)
    df.columns = [str(c).strip() for c in df.columns]
    df = df.reindex(columns=COLUMNS).dropna(how="all")
    df["Agency"] = os.path.splitext(os.path.basename(path))[0]
    df["Row"] = range(2, len(df) + 2)
    return df


def to_time(v):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if hasattr(v, "strftime"):
        return v.strftime("%H:%M")
    return str(v)


def main():
    src, out = sys.argv[1], sys.argv[2]
    paths = sorted(p for p in glob.glob(os.path.join(src, "*.xlsx"))
                   if not os.path.basename(p).startswith(("~$", ".")))
    df = pd.concat([read_return(p) for p in paths], ignore_index=True)

    is_text = df["Date"].map(lambda v: isinstance(v, str))
    cells = pd.to_datetime(df["Date"].where(~is_text), errors="coerce")
    text = (df["Date"].where(is_text).astype("string")
            .str.replace(r"^(c\.|circa|approx\.?|about|\?)\s*", "", regex=True)
            .str.replace(r"(\d+)(st|nd|rd|th)\b", r"\1", regex=True))
    parsed = pd.to_datetime(text, dayfirst=True, errors="coerce", format="mixed")
    df["When"] = cells.fillna(parsed)
    df["Written"] = df["Date"].map(lambda v: v if isinstance(v, str) else "")
    df["Time"] = df["Time"].map(to_time)
    df = df.sort_values(["When", "Time", "Agency", "Row"], kind="stable",
                        na_position="first")

    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet("Chronology")
    heads = ["Date", "Date as written"] + COLUMNS[1:] + ["Agency"]
    bold = wb.add_format({"bold": True})
    for c, h in enumerate(heads):
        ws.write_string(0, c, h, bold)
    fmts = {}
    for i, a in enumerate(sorted(df["Agency"].unique())):
        fill = FILLS[i % len(FILLS)]
        fmts[a] = (wb.add_format({"bg_color": fill, "text_wrap": True, "valign": "top"}),
                   wb.add_format({"bg_color": fill, "num_format": "dd/mm/yyyy",
                                  "valign": "top"}))
    cols = ["When", "Written"] + COLUMNS[1:] + ["Agency"]
    r = 0
    for r, rec in enumerate(df[cols].itertuples(index=False, name=None), start=1):
        plain, date = fmts[rec[-1]]
        if pd.isna(rec[0]):
            ws.write_blank(r, 0, None, plain)
        else:
            ws.write_datetime(r, 0, rec[0].to_pydatetime(), date)
        for c in range(1, len(rec)):
            v = rec[c]
            if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
                ws.write_blank(r, c, None, plain)
            elif isinstance(v, (int, float)):
                ws.write_number(r, c, v, plain)
            else:
                ws.write_string(r, c, str(v), plain)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, r, len(heads) - 1)
    wb.close()
    print(f"pandas: {len(paths)} files, {r} rows, {int(df['When'].isna().sum())} undated")


if __name__ == "__main__":
    main()
