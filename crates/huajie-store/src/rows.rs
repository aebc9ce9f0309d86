//! Decoding columns into core values. A value the core would reject is `Corrupt`, never
//! a panic.

use chrono::NaiveDate;
use huajie_core::{Money, Province};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreError;

pub(crate) fn i64_col(row: &AnyRow, col: &str) -> Result<i64, StoreError> {
    Ok(row.try_get::<i64, _>(col)?)
}

pub(crate) fn opt_i64(row: &AnyRow, col: &str) -> Result<Option<i64>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(col)?)
}

pub(crate) fn text(row: &AnyRow, col: &str) -> Result<String, StoreError> {
    Ok(row.try_get::<String, _>(col)?)
}

pub(crate) fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>, StoreError> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

pub(crate) fn money(row: &AnyRow, col: &str) -> Result<Money, StoreError> {
    Ok(Money::from_fen(i64_col(row, col)?))
}

pub(crate) fn opt_money(row: &AnyRow, col: &str) -> Result<Option<Money>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(col)?.map(Money::from_fen))
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_date(s: &str, col: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("{col} = {s}")))
}

pub(crate) fn date(row: &AnyRow, col: &str) -> Result<NaiveDate, StoreError> {
    parse_date(&text(row, col)?, col)
}

pub(crate) fn opt_date(row: &AnyRow, col: &str) -> Result<Option<NaiveDate>, StoreError> {
    opt_text(row, col)?.map(|s| parse_date(&s, col)).transpose()
}

/// A column holding the code of a `named_enum!`.
pub(crate) fn code<E>(row: &AnyRow, col: &str, from_code: fn(&str) -> Option<E>) -> Result<E, StoreError> {
    let s = text(row, col)?;
    from_code(&s).ok_or_else(|| StoreError::Corrupt(format!("{col} = {s}")))
}

/// A nullable column holding the code of a `named_enum!`.
pub(crate) fn opt_code<E>(row: &AnyRow, col: &str, from_code: fn(&str) -> Option<E>) -> Result<Option<E>, StoreError> {
    opt_text(row, col)?.map(|s| from_code(&s).ok_or_else(|| StoreError::Corrupt(format!("{col} = {s}")))).transpose()
}

pub(crate) fn province(row: &AnyRow, col: &str) -> Result<Province, StoreError> {
    let s = text(row, col)?;
    Province::from_code(&s).ok_or_else(|| StoreError::Corrupt(format!("{col} = {s}")))
}

pub(crate) fn opt_province(row: &AnyRow, col: &str) -> Result<Option<Province>, StoreError> {
    opt_text(row, col)?
        .map(|s| Province::from_code(&s).ok_or_else(|| StoreError::Corrupt(format!("{col} = {s}"))))
        .transpose()
}

/// A timestamp column (RFC 3339 UTC text).
pub(crate) fn utc(row: &AnyRow, col: &str) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    crate::parse_timestamp(&text(row, col)?)
}

/// A timestamp serialized as it is stored (`crate::timestamp`), so that a record's audited
/// JSON is the same whether it holds the time as text or as a `DateTime`.
pub(crate) fn stored_time<S: serde::Serializer>(t: &chrono::DateTime<chrono::Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::timestamp(*t))
}

/// An optional timestamp serialized as it is stored (`null` when none).
pub(crate) fn opt_stored_time<S: serde::Serializer>(
    t: &Option<chrono::DateTime<chrono::Utc>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_some(&crate::timestamp(*t)),
        None => s.serialize_none(),
    }
}

/// An optional timestamp column (RFC 3339 UTC text, or NULL).
pub(crate) fn opt_utc(row: &AnyRow, col: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
    opt_text(row, col)?.as_deref().map(crate::parse_timestamp).transpose()
}
