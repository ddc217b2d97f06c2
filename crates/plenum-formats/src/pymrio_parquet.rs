//! The parquet variant of pymrio's saved tables
//! (`save_all(table_format="parquet")`, written by pandas `to_parquet`
//! through pyarrow).
//!
//! pandas stores the row index as ordinary columns, named in the schema's
//! `pandas` metadata (`index_columns`), and a multi-level column label as
//! the repr of a Python tuple, e.g. `('reg1', 'food')`. This module reads
//! such a file into index keys, column keys and values for
//! [`crate::pymrio`].

use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use plenum_table::Mat;

use crate::error::{FormatError, Result};
use crate::text::name;

/// Index keys, column keys, numbers (if `numeric`), text values (if not).
pub(crate) type ParquetFrame = (
    Vec<Vec<String>>,
    Vec<Vec<String>>,
    Mat<f64>,
    Vec<Vec<String>>,
);

/// Parses the repr of a Python tuple of strings, e.g. `('a', "b's")`.
pub(crate) fn parse_tuple_repr(s: &str) -> Option<Vec<String>> {
    let mut it = s.trim().chars().peekable();
    if it.next()? != '(' {
        return None;
    }
    let mut out = Vec::new();
    loop {
        while it.peek().is_some_and(|c| c.is_whitespace()) {
            it.next();
        }
        match it.next()? {
            ')' => return Some(out),
            q @ ('\'' | '"') => {
                let mut v = String::new();
                loop {
                    match it.next()? {
                        '\\' => match it.next()? {
                            'n' => v.push('\n'),
                            't' => v.push('\t'),
                            'r' => v.push('\r'),
                            c => v.push(c),
                        },
                        c if c == q => break,
                        c => v.push(c),
                    }
                }
                out.push(v);
                while it.peek().is_some_and(|c| c.is_whitespace()) {
                    it.next();
                }
                match it.next()? {
                    ',' => {}
                    ')' => return Some(out),
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
}

fn strings(file: &str, col: &dyn Array, what: &str) -> Result<Vec<String>> {
    let bad = || {
        FormatError::file(
            file,
            format!(
                "column \"{what}\" holds {} values, expected text",
                col.data_type()
            ),
            "save index labels as strings",
        )
    };
    if col.null_count() > 0 {
        return Err(FormatError::file(
            file,
            format!("column \"{what}\" has missing labels"),
            "give every row its labels",
        ));
    }
    let v: Vec<String> = match col.data_type() {
        DataType::Utf8 => col
            .as_string::<i32>()
            .iter()
            .map(|s| s.unwrap_or("").to_string())
            .collect(),
        DataType::LargeUtf8 => col
            .as_string::<i64>()
            .iter()
            .map(|s| s.unwrap_or("").to_string())
            .collect(),
        DataType::Utf8View => col
            .as_string_view()
            .iter()
            .map(|s| s.unwrap_or("").to_string())
            .collect(),
        _ => return Err(bad()),
    };
    Ok(v)
}

fn numbers(file: &str, col: &dyn Array, what: &str) -> Result<Vec<f64>> {
    let v: Vec<Option<f64>> = match col.data_type() {
        DataType::Float64 => col.as_primitive::<Float64Type>().iter().collect(),
        DataType::Int64 => col
            .as_primitive::<Int64Type>()
            .iter()
            .map(|o| o.map(|i| i as f64))
            .collect(),
        other => {
            return Err(FormatError::file(
                file,
                format!("column \"{what}\" holds {other} values, expected float64"),
                "save the table's values as floats",
            ))
        }
    };
    v.into_iter()
        .enumerate()
        .map(|(i, o)| match o {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(FormatError::file(
                file,
                format!(
                    "column \"{what}\", row {}: a missing or non-finite value",
                    i + 1
                ),
                "replace with 0 if the flow is absent",
            )),
        })
        .collect()
}

/// Reads a pandas parquet file with `nic` index levels and `nh` column
/// levels.
pub(crate) fn read_parquet_frame(
    path: &Path,
    nic: usize,
    nh: usize,
    numeric: bool,
) -> Result<ParquetFrame> {
    let file = name(path);
    let f = File::open(path).map_err(|e| FormatError::io(&file, "open", e))?;
    let fail = |e: String| {
        FormatError::file(
            &file,
            format!("cannot read parquet: {e}"),
            "give the file as pandas wrote it",
        )
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(f).map_err(|e| fail(e.to_string()))?;
    let schema = builder.schema().clone();
    let meta = schema.metadata().get("pandas").ok_or_else(|| {
        FormatError::file(
            &file,
            "no pandas metadata in the schema",
            "save the table with pandas to_parquet",
        )
    })?;
    let meta: serde_json::Value = serde_json::from_str(meta).map_err(|e| fail(e.to_string()))?;
    let index_cols: Vec<String> = meta
        .get("index_columns")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if index_cols.len() != nic {
        return Err(FormatError::file(
            &file,
            format!(
                "{} index columns in the pandas metadata, {nic} declared",
                index_cols.len()
            ),
            "check nr_index_col in file_parameters.json",
        ));
    }
    let reader = builder.build().map_err(|e| fail(e.to_string()))?;
    let batches: Vec<RecordBatch> = reader
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| fail(e.to_string()))?;
    let nrows: usize = batches.iter().map(|b| b.num_rows()).sum();
    let field_names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let data_cols: Vec<usize> = (0..field_names.len())
        .filter(|&i| !index_cols.contains(&field_names[i]))
        .collect();
    let mut col_keys = Vec::with_capacity(data_cols.len());
    for &c in &data_cols {
        let nm = &field_names[c];
        let key = if nh == 1 {
            vec![nm.clone()]
        } else {
            parse_tuple_repr(nm)
                .filter(|k| k.len() == nh)
                .ok_or_else(|| {
                    FormatError::file(
                        &file,
                        format!("column name {nm:?} is not a {nh}-level label"),
                        "check nr_header in file_parameters.json",
                    )
                })?
        };
        col_keys.push(key);
    }
    let column =
        |c: usize| -> Vec<&dyn Array> { batches.iter().map(|b| b.column(c).as_ref()).collect() };
    let mut idx: Vec<Vec<String>> = Vec::with_capacity(nic);
    for ic in &index_cols {
        let Some(c) = field_names.iter().position(|f| f == ic) else {
            return Err(FormatError::file(
                &file,
                format!("index column \"{ic}\" is missing"),
                "give the file as pandas wrote it",
            ));
        };
        let mut all = Vec::with_capacity(nrows);
        for a in column(c) {
            all.extend(strings(&file, a, ic)?);
        }
        idx.push(all);
    }
    let row_keys: Vec<Vec<String>> = (0..nrows)
        .map(|r| idx.iter().map(|l| l[r].clone()).collect())
        .collect();
    let mut values = Mat::<f64>::zeros(
        if numeric { nrows } else { 0 },
        if numeric { data_cols.len() } else { 0 },
    );
    let mut text = vec![Vec::with_capacity(data_cols.len()); if numeric { 0 } else { nrows }];
    for (j, &c) in data_cols.iter().enumerate() {
        let mut r0 = 0;
        for a in column(c) {
            if numeric {
                for (k, v) in numbers(&file, a, &field_names[c])?.into_iter().enumerate() {
                    values[(r0 + k, j)] = v;
                }
            } else {
                for (k, v) in strings(&file, a, &field_names[c])?.into_iter().enumerate() {
                    text[r0 + k].push(v);
                }
            }
            r0 += a.len();
        }
    }
    Ok((row_keys, col_keys, values, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tuple_reprs() {
        assert_eq!(
            parse_tuple_repr("('reg1', 'food')").unwrap(),
            ["reg1", "food"]
        );
        assert_eq!(
            parse_tuple_repr("(\"a'b\", 'c\\\\d',)").unwrap(),
            ["a'b", "c\\d"]
        );
        assert_eq!(parse_tuple_repr("('x',)").unwrap(), ["x"]);
        assert!(parse_tuple_repr("reg1").is_none());
        assert!(parse_tuple_repr("('a' 'b')").is_none());
        assert!(parse_tuple_repr("('a").is_none());
    }
}
