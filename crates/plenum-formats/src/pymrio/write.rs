//! The pymrio writer: a folder `pymrio.load_all` reads (txt), with
//! file_parameters.json and metadata.json as pymrio writes them.

use std::collections::BTreeMap;
use std::path::Path;

use plenum_table::{Mat, MrioTable};
use serde::Serialize;

use super::{FileEntry, FilePara, FILEPARA};
use crate::atomic::write_bytes_atomic;
use crate::error::{FormatError, Result};
use crate::text::name;

/// Rust's shortest representation that parses back to the same f64.
fn fmt_f64(v: f64) -> String {
    format!("{v:?}")
}

struct Tsv(String);

impl Tsv {
    fn line<S: AsRef<str>>(&mut self, fields: impl IntoIterator<Item = S>) {
        let mut first = true;
        for f in fields {
            if !first {
                self.0.push('\t');
            }
            first = false;
            self.0.push_str(f.as_ref());
        }
        self.0.push('\n');
    }
}

/// The text pandas `to_csv(sep="\t")` writes for a frame with the given
/// index (names and row keys) and columns (level names and column keys).
fn frame_text(
    index_names: &[&str],
    row_keys: &[Vec<String>],
    col_level_names: &[&str],
    col_keys: &[Vec<String>],
    value: impl Fn(usize, usize) -> String,
) -> String {
    let nic = index_names.len();
    let mut t = Tsv(String::new());
    if col_level_names.len() == 1 {
        t.line(
            index_names
                .iter()
                .map(|s| s.to_string())
                .chain(col_keys.iter().map(|k| k[0].clone())),
        );
    } else {
        for (lvl, lname) in col_level_names.iter().enumerate() {
            t.line(
                std::iter::once(lname.to_string())
                    .chain(std::iter::repeat_n(String::new(), nic - 1))
                    .chain(col_keys.iter().map(|k| k[lvl].clone())),
            );
        }
        t.line(
            index_names
                .iter()
                .map(|s| s.to_string())
                .chain(std::iter::repeat_n(String::new(), col_keys.len())),
        );
    }
    for (i, rk) in row_keys.iter().enumerate() {
        t.line(
            rk.iter()
                .cloned()
                .chain((0..col_keys.len()).map(|j| value(i, j))),
        );
    }
    t.0
}

fn entry(file: &str, nic: usize, nh: usize) -> FileEntry {
    FileEntry {
        name: file.to_string(),
        nr_index_col: serde_json::Value::String(nic.to_string()),
        nr_header: serde_json::Value::String(nh.to_string()),
    }
}

/// pymrio's folder name for an extension: lower case, non-alphanumerics as
/// underscores (pymrio's own extension attribute names look like this).
fn folder_name(ext: &str) -> String {
    let s: String = ext
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "extension".into()
    } else {
        s
    }
}

fn json_pretty(file: &Path, v: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(v).map_err(|e| {
        FormatError::file(
            name(file),
            format!("cannot encode JSON: {e}"),
            "report this as a bug",
        )
    })
}

/// Writes `table` as a pymrio folder (text format) that pymrio 0.7.0 loads
/// with `pymrio.load_all(dir)`. See the module docs for the layout.
pub fn write_folder(table: &MrioTable, dir: &Path) -> Result<()> {
    let dname = name(dir);
    if table.imported_use().is_some() {
        return Err(FormatError::file(
            &dname,
            "the table keeps imported uses apart (Z_m, Y_m), which pymrio cannot hold",
            "write the native format instead, or add the imported uses into Z and Y first",
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| FormatError::io(&dname, "create", e))?;
    let l = table.labels();
    let ind_keys: Vec<Vec<String>> = (0..l.n_industries())
        .map(|i| {
            let ind = l.industry(i);
            vec![
                l.regions()[ind.region].clone(),
                l.sectors()[ind.sector].clone(),
            ]
        })
        .collect();
    let nf = l.n_fd_categories();
    let fd_keys: Vec<Vec<String>> = (0..l.n_fd_columns())
        .map(|c| {
            vec![
                l.regions()[c / nf].clone(),
                l.fd_categories()[c % nf].clone(),
            ]
        })
        .collect();
    let meta = table.meta();
    let unit = [meta.unit.as_str(), meta.currency.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>();
    let unit = if meta.currency.is_empty() {
        unit.join(" ")
    } else {
        format!("{} {}", meta.currency, meta.unit)
            .trim()
            .to_string()
    };
    let put = |file: &str, text: String| write_bytes_atomic(&dir.join(file), text.as_bytes());

    let z = table.z();
    put(
        "Z.txt",
        frame_text(
            &["region", "sector"],
            &ind_keys,
            &["region", "sector"],
            &ind_keys,
            |i, j| fmt_f64(z[(i, j)]),
        ),
    )?;
    let y = table.y();
    put(
        "Y.txt",
        frame_text(
            &["region", "sector"],
            &ind_keys,
            &["region", "category"],
            &fd_keys,
            |i, j| fmt_f64(y[(i, j)]),
        ),
    )?;
    let x = table.x();
    put(
        "x.txt",
        frame_text(
            &["region", "sector"],
            &ind_keys,
            &["indout"],
            &[vec!["indout".into()]],
            |i, _| fmt_f64(x[i]),
        ),
    )?;
    put(
        "unit.txt",
        frame_text(
            &["region", "sector"],
            &ind_keys,
            &["unit"],
            &[vec!["unit".into()]],
            |_, _| unit.clone(),
        ),
    )?;

    let mut files = BTreeMap::new();
    files.insert("Z".to_string(), entry("Z.txt", 2, 2));
    files.insert("Y".to_string(), entry("Y.txt", 2, 2));
    files.insert("x".to_string(), entry("x.txt", 2, 1));
    files.insert("unit".to_string(), entry("unit.txt", 2, 1));
    let para = FilePara {
        files,
        systemtype: "IOSystem".into(),
        name: None,
    };
    let pp = dir.join(FILEPARA);
    write_bytes_atomic(&pp, &json_pretty(&pp, &para)?)?;

    #[derive(Serialize)]
    struct MetaOut<'a> {
        description: &'a str,
        name: &'a str,
        system: &'a str,
        version: String,
        history: Vec<String>,
    }
    let mp = dir.join("metadata.json");
    let m = MetaOut {
        description: &meta.source,
        name: &meta.name,
        system: "ixi",
        version: meta.year.map(|y| y.to_string()).unwrap_or_default(),
        history: meta.notes.iter().map(|s| format!("NOTE - {s}")).collect(),
    };
    write_bytes_atomic(&mp, &json_pretty(&mp, &m)?)?;

    let mut written: Vec<String> = Vec::new();
    let write_ext = |folder: &str,
                     e_name: &str,
                     index_name: &str,
                     rows: &[String],
                     units: &[String],
                     f: &Mat<f64>,
                     f_y: Option<&Mat<f64>>|
     -> Result<()> {
        let ed = dir.join(folder);
        std::fs::create_dir_all(&ed).map_err(|e| FormatError::io(name(&ed), "create", e))?;
        let rk: Vec<Vec<String>> = rows.iter().map(|s| vec![s.clone()]).collect();
        let put = |file: &str, text: String| write_bytes_atomic(&ed.join(file), text.as_bytes());
        put(
            "F.txt",
            frame_text(
                &[index_name],
                &rk,
                &["region", "sector"],
                &ind_keys,
                |i, j| fmt_f64(f[(i, j)]),
            ),
        )?;
        let mut files = BTreeMap::new();
        files.insert("F".to_string(), entry("F.txt", 1, 2));
        if let Some(fy) = f_y {
            put(
                "F_Y.txt",
                frame_text(
                    &[index_name],
                    &rk,
                    &["region", "category"],
                    &fd_keys,
                    |i, j| fmt_f64(fy[(i, j)]),
                ),
            )?;
            files.insert("F_Y".to_string(), entry("F_Y.txt", 1, 2));
        }
        put(
            "unit.txt",
            frame_text(
                &[index_name],
                &rk,
                &["unit"],
                &[vec!["unit".into()]],
                |i, _| units[i].clone(),
            ),
        )?;
        files.insert("unit".to_string(), entry("unit.txt", 1, 1));
        let para = FilePara {
            files,
            systemtype: "Extension".into(),
            name: Some(e_name.to_string()),
        };
        let pp = ed.join(FILEPARA);
        write_bytes_atomic(&pp, &json_pretty(&pp, &para)?)
    };
    for e in table.extensions() {
        let folder = folder_name(&e.name);
        if written.contains(&folder) {
            return Err(FormatError::file(
                &dname,
                format!("two extensions would share the folder \"{folder}\""),
                "rename one of the extensions",
            ));
        }
        write_ext(
            &folder,
            &e.name,
            "stressor",
            &e.stressors,
            &e.units,
            &e.f,
            e.f_y.as_ref(),
        )?;
        written.push(folder);
    }
    if !l.va_components().is_empty() && !written.iter().any(|f| f == "factor_inputs") {
        let units = vec![unit.clone(); l.va_components().len()];
        write_ext(
            "factor_inputs",
            "Factor Inputs",
            "inputtype",
            l.va_components(),
            &units,
            table.v(),
            None,
        )?;
    }
    Ok(())
}
