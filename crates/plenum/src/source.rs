//! Turns the raw table flags into a validated source and loads it: the
//! embedded default, or a file or folder in one of the supported formats.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use plenum_table::{MrioTable, ValidationPolicy, ZeroOutputPolicy};

use crate::cli::{InputFormat, TableArg};

/// A checked table source.
#[derive(Debug, Clone)]
pub enum Source {
    Embedded,
    File { path: PathBuf, format: Format },
}

/// A concrete format (never `auto`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Native,
    Pymrio,
    Wiod,
    OecdNiot,
    OecdIcio,
    Nbs,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Native => "native",
            Format::Pymrio => "pymrio",
            Format::Wiod => "wiod",
            Format::OecdNiot => "oecd-niot",
            Format::OecdIcio => "oecd-icio",
            Format::Nbs => "nbs",
        }
    }
}

/// A loaded table and a description of where it came from.
pub struct Loaded {
    pub table: MrioTable,
    pub origin: String,
}

fn detect(path: &Path) -> Result<Format> {
    if path.is_dir() {
        if path.join("file_parameters.json").is_file() {
            return Ok(Format::Pymrio);
        }
        let has_wiod = std::fs::read_dir(path)
            .with_context(|| format!("cannot list folder {}", path.display()))?
            .filter_map(|e| e.ok())
            .any(|e| {
                let n = e.file_name().to_string_lossy().to_lowercase();
                n.starts_with("wiot") && n.contains("_inter")
            });
        if has_wiod {
            return Ok(Format::Wiod);
        }
        bail!(
            "{}: cannot tell the format of this folder (no file_parameters.json for pymrio, no wiot*_inter.csv.gz for WIOD); name it with --format",
            path.display()
        );
    }
    if !path.exists() {
        // An io::Error of kind NotFound, so that `main` exits with 66.
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{}: no such file or folder", path.display()),
        )
        .into());
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.ends_with(".plenum") {
        return Ok(Format::Native);
    }
    if name.ends_with("ttl.csv") {
        return Ok(Format::OecdNiot);
    }
    if name.starts_with("china_") && name.ends_with(".csv") {
        return Ok(Format::Nbs);
    }
    if name.ends_with(".csv") {
        let head =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let first = String::from_utf8_lossy(&head[..head.len().min(4096)]).to_string();
        let first = first.lines().next().unwrap_or("");
        if first.contains("Origin") {
            return Ok(Format::Nbs);
        }
        if first.contains("_HFCE") || first.contains("_C26") || first.contains("_D26") {
            return Ok(Format::OecdIcio);
        }
    }
    bail!(
        "{}: cannot tell the format from the name or the header; name it with --format (native, pymrio, wiod, oecd-niot, oecd-icio, nbs)",
        path.display()
    )
}

impl Source {
    pub fn from_arg(arg: &TableArg) -> Result<Self> {
        let Some(path) = &arg.table else {
            if arg.format != InputFormat::Auto && arg.format != InputFormat::Native {
                bail!("--format was given without a TABLE; give the path of the table to read");
            }
            return Ok(Source::Embedded);
        };
        let format = match arg.format {
            InputFormat::Auto => detect(path)?,
            InputFormat::Native => Format::Native,
            InputFormat::Pymrio => Format::Pymrio,
            InputFormat::Wiod => Format::Wiod,
            InputFormat::OecdNiot => Format::OecdNiot,
            InputFormat::OecdIcio => Format::OecdIcio,
            InputFormat::Nbs => Format::Nbs,
        };
        Ok(Source::File {
            path: path.clone(),
            format,
        })
    }
}

/// The validation policy: the reader's own default, adjusted by the flags.
fn policy(arg: &TableArg, base: ValidationPolicy) -> Result<ValidationPolicy> {
    let mut p = base;
    if let Some(r) = arg.balance_rtol {
        if !(r.is_finite() && r > 0.0) {
            bail!("--balance-rtol must be a positive number, got {r}");
        }
        p.balance_rtol = Some(r);
    }
    if arg.allow_zero_output {
        p.zero_output = ZeroOutputPolicy::TreatAsAbsent;
    }
    Ok(p)
}

/// Native files were validated when written; reading them again allows the
/// rounding of published sources (1%) and zero-output industries, which the
/// writer's table may have had.
fn native_policy() -> ValidationPolicy {
    ValidationPolicy {
        allow_negative_value_added: true,
        ..ValidationPolicy::lenient(1e-2)
    }
}

/// Loads the table named by the flags.
pub fn load(arg: &TableArg) -> Result<Loaded> {
    let source = Source::from_arg(arg)?;
    let pb = crate::progress::spinner("reading table");
    let loaded = match &source {
        Source::Embedded => Loaded {
            table: crate::embedded::default_table()?,
            origin: "embedded default table".to_string(),
        },
        Source::File { path, format } => {
            let p = path.as_path();
            let table = match format {
                Format::Wiod => {
                    let pol = policy(arg, plenum_formats::wiod::default_policy())?;
                    plenum_formats::wiod::read_wiod_dir(p, &pol)?
                }
                Format::Native => {
                    plenum_formats::native::read_native(p, &policy(arg, native_policy())?)?
                }
                Format::Pymrio => {
                    let pol = policy(arg, plenum_formats::pymrio::default_policy())?;
                    plenum_formats::pymrio::read_pymrio(p, &pol)?
                }
                Format::OecdNiot => {
                    let pol = policy(arg, plenum_formats::oecd_national::default_policy())?;
                    plenum_formats::oecd_national::read_oecd_national_table(p, &pol)?
                }
                Format::OecdIcio => {
                    let pol = policy(arg, plenum_formats::icio::default_policy())?;
                    plenum_formats::icio::read_icio(p, &pol)?
                }
                Format::Nbs => {
                    let pol = policy(arg, plenum_formats::nbs::default_policy())?;
                    plenum_formats::nbs::read_nbs(p, &pol)?
                }
            };
            Loaded {
                table,
                origin: format!("{} ({})", path.display(), format.name()),
            }
        }
    };
    pb.finish_and_clear();
    Ok(loaded)
}
