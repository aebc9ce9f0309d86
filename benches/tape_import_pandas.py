#!/usr/bin/env python3
"""The peer of `huajie import --personal` (issue 17): a competent pandas script that reads a
personal-loan tape, checks it by the rules huajie-tape applies to a personal batch, and loads
the parties and claims into SQLite with `to_sql`.

Run (pandas is not a project dependency; a venv under target/ keeps it out of the tree):

    python3 -m venv target/pandas-venv && target/pandas-venv/bin/pip install pandas pyarrow
    python3 scripts/gen-personal-tape.py 1000000 /work/data17/personal1m.csv
    /usr/bin/time -f "%e s %M KB" target/pandas-venv/bin/python benches/tape_import_pandas.py \
        /work/data17/personal1m.csv /tmp/peer.sqlite --cutoff 2026-06-30

What it checks, as crates/huajie-tape/src/sheet.rs does for a personal batch:
- the header is the tape's (the generator's Chinese column names; no header mapping profiles);
- mandatory fields present: borrower name, resident ID, principal (a missing contract number
  is allowed on a personal tape: the row is named by its row number, as huajie does);
- the resident ID: 18 characters, 17 digits and a check character by GB 11643 (ISO 7064
  MOD 11-2), a real birth date from 1900 and not after today, a province prefix that exists;
- amounts (principal, interest): numbers with at most two decimals (thousands separators and
  a 元 suffix allowed), not negative; a row whose principal is missing, invalid or negative is
  rejected, a bad interest is a warning;
- dates (default date, last payment date): ISO or yyyy/mm/dd; invalid ones are warnings; a
  date after the cut-off is a warning;
- days past due: an integer, and (warning) within 31 days of cut-off − default date;
- the region names a province (a table of province names and the cities of the generator's tapes);
- duplicate contract numbers (matched case- and space-insensitively): the later row is rejected;
- the whole tape is refused (nothing written) when any row is rejected (the strict policy).

What it does NOT check or do, which huajie does:
- header recognition with synonyms, units in headers (万元), title rows, a 合计 row, workbooks;
- the full GB/T 2260 division table for the ID's region code (only the province prefix),
  15-digit legacy IDs, residence permits;
- full-width characters, 人民币/¥ prefixes, amounts in 万/亿, amounts in parts;
- the other optional fields of a personal tape (collateral, guarantors, five-class, litigation…);
- reusing parties already in the database, re-imported tapes and their diff;
- the audit chain (a fingerprint of each row, records linked by hash), the import attempt and
  the tape version with its report.
"""
import argparse
import sqlite3
import sys
import time

import numpy as np
import pandas as pd

HEADER = {
    "借款合同编号": "contract_no",
    "借款人姓名": "debtor_name",
    "身份证号码": "debtor_id",
    "手机号码": "phone",
    "产品类型": "product",
    "本金余额": "principal",
    "利息余额": "interest",
    "逾期天数": "days_past_due",
    "逾期日": "default_date",
    "最后还款日": "last_payment_date",
    "所属地区": "region",
}
WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
CHECK = np.array(list("10X98765432"))
PROVINCE_PREFIXES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
}
REGIONS = {
    "北京市": "11", "天津市": "12", "河北省": "13", "山西省": "14", "内蒙古自治区": "15", "辽宁省": "21",
    "吉林省": "22", "黑龙江省": "23", "上海市": "31", "江苏省": "32", "浙江省": "33", "安徽省": "34",
    "福建省": "35", "江西省": "36", "山东省": "37", "河南省": "41", "湖北省": "42", "湖南省": "43",
    "广东省": "44", "广西壮族自治区": "45", "海南省": "46", "重庆市": "50", "四川省": "51", "贵州省": "52",
    "云南省": "53", "西藏自治区": "54", "陕西省": "61", "甘肃省": "62", "青海省": "63", "宁夏回族自治区": "64",
    "新疆维吾尔自治区": "65", "杭州市": "33", "宁波市": "33", "温州市": "33", "南京市": "32", "苏州市": "32",
    "广州市": "44", "深圳市": "44", "成都市": "51", "武汉市": "42",
}
DPD_TOLERANCE_DAYS = 31


def money_fen(col: pd.Series):
    """Amounts in fen (Int64, <NA> when missing), and a mask of the cells that are not amounts."""
    s = col.str.replace(",", "", regex=False).str.strip().str.removesuffix("元")
    ok = s.str.fullmatch(r"-?\d+(\.\d{1,2})?", na=False)
    num = pd.to_numeric(s.where(ok), errors="coerce")
    fen = (num * 100).round().astype("Int64")
    return fen, col.notna() & ~ok


def resident_id_ok(ids: pd.Series, today: pd.Timestamp) -> pd.Series:
    s = ids.fillna("").str.strip().str.upper()
    form = s.str.fullmatch(r"\d{17}[\dX]")
    body = s.where(form, "0" * 17 + "0")
    digits = np.frombuffer("".join(x[:17] for x in body).encode(), dtype=np.uint8).reshape(-1, 17) - 48
    check = CHECK[(digits * WEIGHTS).sum(axis=1) % 11]
    checksum = pd.Series(check, index=s.index) == body.str[17]
    birth = pd.to_datetime(body.str[6:14], format="%Y%m%d", errors="coerce")
    born = birth.notna() & (birth.dt.year >= 1900) & (birth <= today)
    province = body.str[:2].isin(PROVINCE_PREFIXES)
    return form & checksum & born & province


def check(df: pd.DataFrame, cutoff: pd.Timestamp, today: pd.Timestamp):
    """The rows to load, the number rejected and the number of warnings."""
    rejected = pd.Series(False, index=df.index)
    warnings = 0
    for field in ("debtor_name", "debtor_id", "principal"):
        rejected |= df[field].isna() | (df[field].str.strip() == "")
    rejected |= df["debtor_id"].notna() & ~resident_id_ok(df["debtor_id"], today)
    df["principal_fen"], bad = money_fen(df["principal"])
    rejected |= bad | (df["principal_fen"] < 0).fillna(False)
    df["interest_fen"], bad = money_fen(df["interest"])
    bad |= (df["interest_fen"] < 0).fillna(False)
    warnings += int(bad.sum())
    df.loc[bad, "interest_fen"] = pd.NA
    df["interest_fen"] = df["interest_fen"].fillna(0)
    for field in ("default_date", "last_payment_date"):
        text = df[field].str.replace("/", "-", regex=False)
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        warnings += int((df[field].notna() & parsed.isna()).sum())
        warnings += int((parsed > cutoff).sum())
        df[field] = parsed.dt.strftime("%Y-%m-%d")
    dpd = pd.to_numeric(df["days_past_due"], errors="coerce")
    warnings += int((df["days_past_due"].notna() & dpd.isna()).sum())
    expected = (cutoff - pd.to_datetime(df["default_date"])).dt.days
    warnings += int(((dpd - expected).abs() > DPD_TOLERANCE_DAYS).sum())
    df["days_past_due"] = dpd.astype("Int64")
    province = df["region"].str.strip().map(REGIONS)
    warnings += int((df["region"].notna() & province.isna()).sum())
    df["province"] = province
    missing = df["contract_no"].isna()
    df.loc[missing, "contract_no"] = "第" + (df.index[missing] + 2).astype(str) + "行"
    key = df["contract_no"].str.replace(r"\s+", "", regex=True).str.upper()
    duplicate = key.duplicated() & ~rejected
    rejected |= duplicate
    return df[~rejected], int(rejected.sum()), warnings


SCHEMA = """
CREATE TABLE parties (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
  identifier TEXT UNIQUE, phone TEXT);
CREATE TABLE claims (id INTEGER PRIMARY KEY, package_id INTEGER NOT NULL, contract_no TEXT NOT NULL,
  debtor_id INTEGER NOT NULL REFERENCES parties(id), principal_fen INTEGER NOT NULL,
  interest_fen INTEGER NOT NULL, days_past_due INTEGER, default_date TEXT, last_payment_date TEXT,
  product TEXT, province TEXT, UNIQUE (package_id, contract_no));
CREATE INDEX claims_debtor ON claims(debtor_id);
"""


def load(rows: pd.DataFrame, db: str):
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    con.executescript(SCHEMA)
    # One party per resident ID, as huajie keeps it.
    parties = rows.drop_duplicates("debtor_id")[["debtor_name", "debtor_id", "phone"]].reset_index(drop=True)
    parties.insert(0, "id", parties.index + 1)
    parties.insert(1, "kind", "individual")
    parties = parties.rename(columns={"debtor_name": "name", "debtor_id": "identifier"})
    claims = rows.merge(parties[["id", "identifier"]], left_on="debtor_id", right_on="identifier")
    claims = claims.drop(columns=["debtor_id", "identifier"]).rename(columns={"id": "debtor_id"})
    claims.insert(0, "package_id", 1)
    claims = claims[["package_id", "contract_no", "debtor_id", "principal_fen", "interest_fen", "days_past_due",
                     "default_date", "last_payment_date", "product", "province"]]
    with con:  # one transaction
        parties.to_sql("parties", con, if_exists="append", index=False, chunksize=10_000, method="multi")
        claims.to_sql("claims", con, if_exists="append", index=False, chunksize=10_000, method="multi")
    con.close()
    return len(parties), len(claims)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("tape")
    p.add_argument("db")
    p.add_argument("--cutoff", required=True)
    a = p.parse_args()
    cutoff, today = pd.Timestamp(a.cutoff), pd.Timestamp.today().normalize()
    t0 = time.perf_counter()
    # pyarrow's reader and Arrow-backed strings: the fast path pandas offers for text columns.
    df = pd.read_csv(a.tape, dtype=str, keep_default_na=False, na_values=[""], engine="pyarrow")
    unknown = set(HEADER) - set(df.columns)
    if unknown:
        sys.exit(f"missing columns: {sorted(unknown)}")
    df = df.rename(columns=HEADER)
    t1 = time.perf_counter()
    rows, rejected, warnings = check(df, cutoff, today)
    t2 = time.perf_counter()
    if rejected:
        print(f"refused: {rejected} rows rejected, {warnings} warnings; nothing written")
        return
    parties, claims = load(rows, a.db)
    t3 = time.perf_counter()
    print(f"read {t1 - t0:.2f} s, check {t2 - t1:.2f} s, to_sql {t3 - t2:.2f} s; "
          f"{parties} parties, {claims} claims, {warnings} warnings")


if __name__ == "__main__":
    main()
