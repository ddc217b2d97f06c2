//! Reader and writer of pymrio's saved folders (`IOSystem.save_all`, text
//! format, pymrio 0.7.0).
//!
//! A folder holds `file_parameters.json` (`"systemtype": "IOSystem"` and,
//! per table, its file name, `nr_index_col` and `nr_header`),
//! `metadata.json`, and tab-separated tables written by pandas `to_csv`:
//!
//! | file | index (rows) | header (columns) | plenum |
//! |---|---|---|---|
//! | `Z.txt` | region, sector | region, sector | Z |
//! | `Y.txt` | region, sector | region, category | Y |
//! | `x.txt` | region, sector | `indout` | x; if absent, x = Z·1 + Y·1 |
//! | `unit.txt` | region, sector | `unit` | `meta.currency`, `meta.unit` |
//! | `A.txt`, `L.txt`, … | | | ignored (derived) |
//! | `<ext>/F.txt` | stressor levels | region, sector | extension F |
//! | `<ext>/F_Y.txt` | stressor levels | region, category | extension F_Y |
//! | `<ext>/unit.txt` | stressor levels | `unit` | extension units |
//!
//! A table with `nr_header` = h levels of column labels is written by pandas
//! as h header lines (the level's name, blanks under the other index
//! columns, then the labels), then, when h > 1, one line with the index
//! names; then one line per row: its index labels and its values.
//!
//! pymrio has no value-added block. By default V is derived as the one
//! component `VA` = x' − 1'Z (so the column balance holds by construction)
//! and every extension, `factor_inputs` included, is kept as an extension.
//! [`ValueAdded::FromExtension`] takes V from an extension instead (its
//! stressors become the components, and it is removed from the extensions).
//! Stressors with several index levels (pymrio's `stressor, compartment`)
//! become one label, the levels joined by `" | "`.
//!
//! The writer writes the same layout, numbers in Rust's shortest
//! round-trip form (pandas ≥ 2 parses them to the same bits), V as the
//! extension `factor_inputs` (index `inputtype`) unless the table already has
//! an extension of that folder name, and `x.txt`. Reading a written folder
//! with `ValueAdded::FromExtension("Factor Inputs")` gives back the table bit
//! for bit. Each file is written atomically; the folder as a whole is not.
//! A table with imported uses kept apart (Z_m, Y_m) cannot be written:
//! pymrio has no place for them.
//!
//! The parquet variant (`save_all(table_format="parquet")`) stores column
//! labels as Python tuple reprs and the index as trailing columns, with
//! pandas metadata in the schema: see [`read_pymrio`], which reads it too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plenum_table::table::ImportTreatment;
use plenum_table::{
    Col, ColumnFolds, Extension, Flows, Labels, Mat, Metadata, MrioTable, TableParts,
    ValidationPolicy, ZeroOutputPolicy,
};
use serde::{Deserialize, Serialize};

use crate::error::{FormatError, Result};
use crate::storage::Storage;
use crate::text::{fast_number_prefix, name, read_bytes, read_raw, Row, TextOptions, TextTable};

/// Where V comes from when reading a pymrio folder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ValueAdded {
    /// One component `VA` = x' − 1'Z; all extensions kept.
    #[default]
    Derived,
    /// V = F of the extension of this name (pymrio's `name`, e.g.
    /// `"Factor Inputs"`, or its folder name, e.g. `factor_inputs`); the
    /// extension is not kept.
    FromExtension(String),
}

/// Options of [`read_pymrio_with`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PymrioReadOptions {
    pub value_added: ValueAdded,
    /// How Z is stored: the text and Parquet readers fill compressed
    /// sparse rows directly when they pay (see `sparse.rs` and
    /// `parquet_columns.rs`).
    pub storage: Storage,
}

/// A policy for pymrio folders: pymrio writes 12 significant digits by
/// default, so balances hold to about 1e-11; zero-output industries are
/// accepted as absent.
pub fn default_policy() -> ValidationPolicy {
    ValidationPolicy {
        balance_rtol: Some(1e-8),
        zero_output: ZeroOutputPolicy::TreatAsAbsent,
        ..ValidationPolicy::default()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct FileEntry {
    name: String,
    nr_index_col: serde_json::Value,
    nr_header: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct FilePara {
    files: BTreeMap<String, FileEntry>,
    systemtype: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

const FILEPARA: &str = "file_parameters.json";

fn read_filepara(dir: &Path) -> Result<FilePara> {
    let p = dir.join(FILEPARA);
    let f = name(&p);
    let text = std::fs::read_to_string(&p).map_err(|e| FormatError::io(&f, "read", e))?;
    serde_json::from_str(&text).map_err(|e| FormatError::Layout {
        file: f,
        line: e.line() as u64,
        problem: format!("not a pymrio file-parameters file: {e}"),
        fix: "give a folder written by pymrio's save/save_all".into(),
    })
}

fn count(v: &serde_json::Value) -> Option<usize> {
    match v {
        serde_json::Value::String(s) => s.trim().parse().ok(),
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        _ => None,
    }
}

/// A pandas DataFrame as read back from pymrio's text or parquet output.
#[derive(Debug, Clone)]
struct Frame {
    file: String,
    /// Index labels of each row (nr_index_col levels).
    row_keys: Vec<Vec<String>>,
    /// 1-based line of each row (0 for parquet).
    row_lines: Vec<u64>,
    /// Labels of each column (nr_header levels).
    col_keys: Vec<Vec<String>>,
    /// 1-based line of the last header line (0 for parquet).
    header_line: u64,
    /// Numbers, rows × columns (empty for text frames such as unit.txt).
    values: Mat<f64>,
    /// Text values, for unit.txt.
    text: Vec<Vec<String>>,
    /// Validation's folds of `values`, when the reader gathered them while
    /// decoding (the Parquet reader).
    folds: Option<ColumnFolds>,
}

impl Frame {
    fn label_err(
        &self,
        row: Option<usize>,
        col: Option<usize>,
        expected: String,
        found: String,
        fix: &str,
    ) -> FormatError {
        let line = row.map_or(self.header_line, |r| {
            self.row_lines.get(r).copied().unwrap_or(0)
        });
        let nic = self.row_keys.first().map_or(1, |k| k.len());
        FormatError::cell(
            &self.file,
            line,
            col.map_or(1, |c| nic + c + 1),
            col.map_or("index".to_string(), |c| self.col_keys[c].join("/")),
            row.map_or("header".to_string(), |r| self.row_keys[r].join("/")),
            expected,
            found,
            fix,
        )
    }
}

fn file_entry<'a>(
    para: &'a FilePara,
    key: &str,
    dir: &Path,
) -> Result<Option<(PathBuf, usize, usize, &'a FileEntry)>> {
    let Some(e) = para.files.get(key) else {
        return Ok(None);
    };
    let p = dir.join(FILEPARA);
    let bad = |what: &str| {
        FormatError::file(
            name(&p),
            format!("entry \"{key}\": {what} is not a count"),
            "write nr_index_col and nr_header as numbers (pymrio writes them as strings, e.g. \"2\")",
        )
    };
    let nic = count(&e.nr_index_col).ok_or_else(|| bad("nr_index_col"))?;
    let nh = count(&e.nr_header).ok_or_else(|| bad("nr_header"))?;
    if nic == 0 || nh == 0 {
        return Err(bad("0"));
    }
    // A file name must stay inside the folder: no absolute path, no `..`,
    // no drive or root (a crafted folder could otherwise make plenum read
    // any file, e.g. "../../../../etc/passwd").
    let inside = !e.name.is_empty()
        && Path::new(&e.name).components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
    if !inside {
        return Err(FormatError::file(
            name(&p),
            format!(
                "entry \"{key}\": file name \"{}\" leaves the folder",
                e.name.escape_debug()
            ),
            "give a file name inside the folder, e.g. \"Z.txt\" (pymrio writes plain names)",
        ));
    }
    Ok(Some((dir.join(&e.name), nic, nh, e)))
}

/// Text tables from this size on are parsed piece by piece.
const LARGE_TEXT: usize = 16 << 20;
/// Bytes per piece of [`fast::parse_file`].
const TEXT_PIECE: usize = 8 << 20;

fn read_frame(path: &Path, nic: usize, nh: usize, numeric: bool) -> Result<Frame> {
    let is_parquet = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    if is_parquet {
        return crate::pymrio_parquet::read_parquet_frame(path, nic, nh, numeric).map(
            |(row_keys, col_keys, values, text, folds)| Frame {
                file: name(path),
                row_lines: vec![0; row_keys.len()],
                row_keys,
                col_keys,
                header_line: 0,
                values,
                text,
                folds,
            },
        );
    }
    #[cfg(unix)]
    if numeric {
        // A large plain file is parsed piece by piece from the page cache,
        // without a buffer of its size (see fast::parse_file); anything it
        // does not take is read whole below.
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        if size >= LARGE_TEXT as u64 {
            if let Some(fast) = fast::parse_file(path, nic, nh, TEXT_PIECE) {
                return Ok(fast.into_frame(name(path)));
            }
        }
    }
    let (file, bytes) = read_raw(path)?;
    if numeric {
        if let Some(fast) = fast::parse(&bytes, nic, nh) {
            // The file's bytes go before the matrix is formed: the peak is
            // the larger of (bytes + numbers) and (numbers + matrix).
            drop(bytes);
            return Ok(fast.into_frame(file));
        }
    }
    let t = read_bytes(&file, &bytes, TextOptions::TSV)?;
    drop(bytes);
    slow_frame(t, nic, nh, numeric)
}

/// The csv path: every field through the csv crate, numbers through std.
/// It reads what [`fast::parse`] refuses and gives the specific errors.
fn slow_frame(t: TextTable, nic: usize, nh: usize, numeric: bool) -> Result<Frame> {
    let f = t.file.clone();
    if nh == 0 {
        return Err(FormatError::file(
            &f,
            "0 header lines are declared; a pymrio table has at least one (its column labels)",
            "check nr_header in file_parameters.json",
        ));
    }
    if t.rows.len() < nh {
        return Err(FormatError::file(
            &f,
            format!("{} lines, but {nh} header lines are declared", t.rows.len()),
            "give the file as pymrio wrote it",
        ));
    }
    let width = t.rows[0].len();
    if width <= nic {
        return Err(FormatError::layout(
            &f,
            t.rows[0].line,
            format!("{width} fields, but {nic} index columns are declared and values must follow"),
            "check nr_index_col in file_parameters.json",
        ));
    }
    let ncol = width - nic;
    let mut col_keys = vec![Vec::with_capacity(nh); ncol];
    for h in &t.rows[..nh] {
        if h.len() != width {
            return Err(FormatError::layout(
                &f,
                h.line,
                format!("{} fields, the first header line has {width}", h.len()),
                "give every header line the same number of fields",
            ));
        }
        for (c, key) in col_keys.iter_mut().enumerate() {
            key.push(h.get(nic + c).unwrap_or("").to_string());
        }
    }
    let mut body = &t.rows[nh..];
    let mut header_line = t.rows[nh - 1].line;
    // pandas writes one line of index names under a multi-level header.
    if nh > 1 {
        if let Some(first) = body.first() {
            if (nic..first.len()).all(|c| first.get(c).is_none_or(str::is_empty)) {
                header_line = first.line;
                body = &body[1..];
            }
        }
    }
    let mut row_keys = Vec::with_capacity(body.len());
    let mut row_lines = Vec::with_capacity(body.len());
    let mut values = if numeric {
        Mat::<f64>::zeros(body.len(), ncol)
    } else {
        Mat::<f64>::zeros(0, 0)
    };
    let mut text = Vec::new();
    // Built only for an error message.
    let col_label = |c: usize| col_keys[c].join("/");
    for (i, row) in body.iter().enumerate() {
        let key: Vec<String> = (0..nic)
            .map(|k| row.get(k).unwrap_or("").to_string())
            .collect();
        if row.len() != width {
            crate::text::expect_len_at(
                &f,
                row,
                &key.join("/"),
                width,
                "index labels and one value per column",
            )?;
        }
        row_keys.push(key);
        row_lines.push(row.line);
        if numeric {
            for c in 0..ncol {
                let ok = row
                    .get(nic + c)
                    .and_then(|s| s.parse::<f64>().ok())
                    .filter(|v| v.is_finite());
                values[(i, c)] = match ok {
                    Some(v) => v,
                    None => number(&f, row, &row_keys[i].join("/"), nic + c, &col_label(c))?,
                };
            }
        } else {
            text.push(
                (nic..width)
                    .map(|c| row.get(c).unwrap_or("").to_string())
                    .collect(),
            );
        }
    }
    Ok(Frame {
        file: f,
        row_keys,
        row_lines,
        col_keys,
        header_line,
        values,
        text,
        folds: None,
    })
}

/// The fast path of text frames (see its module docs).
mod fast;

/// Z filled sparse when it pays (see its module docs).
mod sparse;

fn number(file: &str, row: &Row, row_label: &str, col: usize, label: &str) -> Result<f64> {
    crate::text::parse_number_at(
        file,
        row,
        row_label,
        col,
        label,
        "replace with 0 if the flow is absent (pandas writes a missing value as an empty field)",
    )
}

/// Label checks (see its module docs).
mod labels;
use labels::{require_keys, two_level};

/// Currency and unit from a pymrio unit string such as `Mill USD` or
/// `USD million`.
fn parse_unit(s: &str) -> (String, String) {
    let mut currency = String::new();
    let mut rest = Vec::new();
    for tok in s.split_whitespace() {
        if currency.is_empty() && tok.len() == 3 && tok.chars().all(|c| c.is_ascii_uppercase()) {
            currency = tok.to_string();
        } else {
            rest.push(tok);
        }
    }
    let unit = rest.join(" ");
    let unit = match unit.to_ascii_lowercase().as_str() {
        "mill" | "mill." | "mio" | "mio." | "m" | "million" => "million".to_string(),
        _ => unit,
    };
    (currency, unit)
}

/// Reads a pymrio folder with the default options (V = x' − 1'Z).
pub fn read_pymrio(dir: &Path, policy: &ValidationPolicy) -> Result<MrioTable> {
    read_pymrio_with(dir, &PymrioReadOptions::default(), policy)
}

#[derive(Debug, Deserialize)]
struct PymrioMeta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    version: Option<serde_json::Value>,
}

/// Reads a pymrio folder (text or parquet tables).
pub fn read_pymrio_with(
    dir: &Path,
    opts: &PymrioReadOptions,
    policy: &ValidationPolicy,
) -> Result<MrioTable> {
    let dname = name(dir);
    let para = read_filepara(dir)?;
    if para.systemtype != "IOSystem" {
        return Err(FormatError::file(
            name(&dir.join(FILEPARA)),
            format!(
                "systemtype is \"{}\", expected \"IOSystem\"",
                para.systemtype
            ),
            "point at the folder of the whole system, not at an extension",
        ));
    }
    let need = |key: &str| -> Result<(PathBuf, usize, usize)> {
        match file_entry(&para, key, dir)? {
            Some((p, a, b, _)) => Ok((p, a, b)),
            None => Err(FormatError::file(
                name(&dir.join(FILEPARA)),
                format!("no entry for {key}"),
                "save the system with Z and Y (pymrio's save_all does)",
            )),
        }
    };
    let (zp, znic, znh) = need("Z")?;
    let (mut zf, z) = sparse::read_z(&zp, znic, znh, opts.storage, LARGE_TEXT, TEXT_PIECE)?;
    let (regions, sectors) = two_level(&zf, &zf.row_keys, true, "sectors")?;
    require_keys(&zf, &zf.col_keys, &zf.row_keys, false, "the rows of Z")?;
    let n = zf.row_keys.len();

    let (yp, ynic, ynh) = need("Y")?;
    let yf = read_frame(&yp, ynic, ynh, true)?;
    require_keys(&yf, &yf.row_keys, &zf.row_keys, true, "Z")?;
    let (yregions, cats) = two_level(&yf, &yf.col_keys, false, "categories")?;
    if yregions != regions {
        return Err(FormatError::file(
            &yf.file,
            format!("final-demand regions {yregions:?} differ from the regions of Z {regions:?}"),
            "give final demand for the regions of Z, in their order",
        ));
    }

    let x = match file_entry(&para, "x", dir)? {
        Some((xp, nic, nh, _)) => {
            let xf = read_frame(&xp, nic, nh, true)?;
            require_keys(&xf, &xf.row_keys, &zf.row_keys, true, "Z")?;
            if xf.col_keys.len() != 1 {
                return Err(FormatError::file(
                    &xf.file,
                    format!("{} columns, expected one (indout)", xf.col_keys.len()),
                    "give gross output as one column",
                ));
            }
            Col::from_fn(n, |i| xf.values[(i, 0)])
        }
        None => {
            // Row sums of Z as the dense sum makes them; a sparse row adds
            // its stored entries in the same order (a zero adds nothing,
            // save the sign of an all-zero row's sum).
            let zrow = |i: usize| match &z {
                Flows::Dense(m) => (0..n).map(|j| m[(i, j)]).sum::<f64>(),
                Flows::Sparse(s) => s.row(i).1.iter().fold(0.0, |a, v| a + v),
            };
            Col::from_fn(n, |i| {
                zrow(i)
                    + (0..yf.values.ncols())
                        .map(|c| yf.values[(i, c)])
                        .sum::<f64>()
            })
        }
    };

    // Currency and unit from unit.txt (the first industry's unit).
    let (mut currency, mut unit) = (String::new(), String::new());
    if let Some((up, nic, nh, _)) = file_entry(&para, "unit", dir)? {
        let uf = read_frame(&up, nic, nh, false)?;
        if let Some(u) = uf.text.first().and_then(|r| r.first()) {
            (currency, unit) = parse_unit(u);
        }
    }

    // Extensions: subfolders whose file_parameters.json says "Extension",
    // in folder-name order.
    let mut ext_dirs: Vec<PathBuf> = Vec::new();
    for e in std::fs::read_dir(dir).map_err(|e| FormatError::io(&dname, "list", e))? {
        let p = e.map_err(|e| FormatError::io(&dname, "list", e))?.path();
        if p.is_dir() && p.join(FILEPARA).is_file() {
            ext_dirs.push(p);
        }
    }
    ext_dirs.sort();
    let fd_keys = yf.col_keys.clone();
    let mut extensions: Vec<(String, Extension)> = Vec::new();
    for ed in &ext_dirs {
        let ep = read_filepara(ed)?;
        if ep.systemtype != "Extension" {
            continue;
        }
        let folder = ed
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext_name = ep.name.clone().unwrap_or_else(|| folder.clone());
        let Some((fp, nic, nh, _)) = file_entry(&ep, "F", ed)? else {
            continue;
        };
        let ff = read_frame(&fp, nic, nh, true)?;
        require_keys(&ff, &ff.col_keys, &zf.row_keys, false, "the rows of Z")?;
        let stressors: Vec<String> = ff.row_keys.iter().map(|k| k.join(" | ")).collect();
        let f_y = match file_entry(&ep, "F_Y", ed)? {
            Some((p, nic, nh, _)) => {
                let fy = read_frame(&p, nic, nh, true)?;
                require_keys(&fy, &fy.row_keys, &ff.row_keys, true, "F")?;
                require_keys(&fy, &fy.col_keys, &fd_keys, false, "the columns of Y")?;
                Some(fy.values)
            }
            None => None,
        };
        let mut units = vec![String::new(); stressors.len()];
        if let Some((p, nic, nh, _)) = file_entry(&ep, "unit", ed)? {
            let uf = read_frame(&p, nic, nh, false)?;
            for (k, key) in uf.row_keys.iter().enumerate() {
                if let Some(pos) = ff.row_keys.iter().position(|r| r == key) {
                    units[pos] = uf.text[k].first().cloned().unwrap_or_default();
                }
            }
        }
        extensions.push((
            folder,
            Extension {
                name: ext_name,
                stressors,
                units,
                f: ff.values,
                f_y,
            },
        ));
    }

    // Validation's passes over Z, made once here (two passes instead of
    // four) unless the reader gathered them while decoding; the column
    // sums serve derived value added too.
    let z_folds = match zf.folds.take() {
        Some(f) if f.is_complete_for(n, n) => f,
        _ => ColumnFolds::of_flows(&z),
    };
    let (v, va_components) = match &opts.value_added {
        ValueAdded::Derived => {
            // The column sums of Z from the folds validation uses (each in
            // row order, as before): no pass over Z of its own.
            let zc = z_folds.col_sums();
            (
                Mat::<f64>::from_fn(1, n, |_, j| x[j] - zc[j]),
                vec!["VA".to_string()],
            )
        }
        ValueAdded::FromExtension(want) => {
            let Some(pos) = extensions
                .iter()
                .position(|(folder, e)| &e.name == want || folder == want)
            else {
                return Err(FormatError::file(
                    dname,
                    format!("no extension \"{want}\" to take value added from"),
                    format!(
                        "name one of: {}",
                        extensions
                            .iter()
                            .map(|(_, e)| e.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            };
            let (_, e) = extensions.remove(pos);
            (e.f, e.stressors)
        }
    };

    let meta_json: Option<PymrioMeta> = std::fs::read_to_string(dir.join("metadata.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok());
    let mut notes = vec![format!("read from pymrio folder {dname}")];
    if opts.value_added == ValueAdded::Derived {
        notes.push("V has one component VA = x' - 1'Z (pymrio has no value-added block)".into());
    }
    let mut source = "pymrio folder".to_string();
    let mut table_name = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pymrio".into());
    let mut year = None;
    if let Some(m) = meta_json {
        if let Some(nm) = m.name.filter(|s| !s.is_empty()) {
            table_name = nm;
        }
        if let Some(d) = m.description.filter(|s| !s.is_empty()) {
            source = d;
        }
        year = match m.version {
            Some(serde_json::Value::Number(v)) => v.as_i64().and_then(|y| i32::try_from(y).ok()),
            Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
    }
    let labels = Labels::new(regions, sectors, cats, va_components)
        .map_err(|e| FormatError::table(&dname, e))?;
    let parts = TableParts {
        meta: Metadata {
            name: table_name,
            year,
            currency,
            unit,
            source,
            licence: String::new(),
            imports: ImportTreatment::Interregional,
            notes,
        },
        labels,
        z,
        y: yf.values,
        x,
        v,
        imported_use: None,
        extensions: extensions.into_iter().map(|(_, e)| e).collect(),
    };
    MrioTable::new_with_folds(parts, policy, &z_folds).map_err(|e| FormatError::table(dname, e))
}

mod write;

pub use write::write_folder;

#[cfg(test)]
mod tests;
