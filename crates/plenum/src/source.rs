//! Turns the raw table flags into a validated source and loads it: the
//! embedded default, or a file or folder in one of the supported formats.

use std::path::PathBuf;

use anyhow::{bail, Result};
use plenum_table::{MrioTable, ValidationPolicy, ZeroOutputPolicy};

use crate::cli::{InputFormat, StorageArg, TableArg};

/// A checked table source.
#[derive(Debug, Clone)]
pub enum Source {
    Embedded,
    File { path: PathBuf, format: Format },
}

/// A concrete format (never `auto`): plenum-formats' one list, shared with
/// the Python package.
pub use plenum_formats::auto::Format;

/// A loaded table and a description of where it came from.
pub struct Loaded {
    pub table: MrioTable,
    pub origin: String,
}

impl Source {
    pub fn from_arg(arg: &TableArg) -> Result<Self> {
        let Some(path) = &arg.table else {
            if arg.format != InputFormat::Auto && arg.format != InputFormat::Native {
                bail!("--format was given without a TABLE; give the path of the table to read");
            }
            if arg.storage == StorageArg::Sparse {
                bail!(
                    "--storage sparse was given without a TABLE; give the path of a pymrio folder"
                );
            }
            return Ok(Source::Embedded);
        };
        let format = match arg.format {
            InputFormat::Auto => plenum_formats::auto::detect(path)?,
            InputFormat::Native => Format::Native,
            InputFormat::Pymrio => Format::Pymrio,
            InputFormat::Wiod => Format::Wiod,
            InputFormat::OecdNiot => Format::OecdNiot,
            InputFormat::OecdIcio => Format::OecdIcio,
            InputFormat::Nbs => Format::Nbs,
        };
        // Only the pymrio reader fills Z sparse; asking another for it
        // would silently give dense storage.
        if arg.storage == StorageArg::Sparse && format != Format::Pymrio {
            bail!(
                "--storage sparse is implemented for pymrio folders only, and {} is {}; use --storage auto or dense",
                path.display(),
                format.name()
            );
        }
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
            let pol = policy(arg, format.default_policy())?;
            let table =
                plenum_formats::auto::read_with_storage(p, *format, &pol, arg.storage.into())?;
            Loaded {
                table,
                origin: format!("{} ({})", path.display(), format.name()),
            }
        }
    };
    pb.finish_and_clear();
    Ok(loaded)
}
