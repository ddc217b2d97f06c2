//! One entry point for every supported table format: tell the format of a
//! path from its name and first line, and read it with the reader's own
//! validation policy. The CLI (`--format auto`) and the Python package
//! (`plenum.read_table(path, format="auto")`) both call this, so they
//! recognise the same files and say the same thing about the others.

use std::path::Path;

use plenum_table::{MrioTable, ValidationPolicy};

use crate::error::{FormatError, Result};
use crate::storage::Storage;

/// A concrete table format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Native,
    Pymrio,
    Wiod,
    OecdNiot,
    OecdIcio,
    Nbs,
}

/// The names accepted by [`Format::parse`], in the order of the docs.
pub const FORMAT_NAMES: [&str; 6] = ["native", "pymrio", "wiod", "oecd-niot", "oecd-icio", "nbs"];

impl Format {
    /// The format's name, as the CLI's `--format` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Native => "native",
            Format::Pymrio => "pymrio",
            Format::Wiod => "wiod",
            Format::OecdNiot => "oecd-niot",
            Format::OecdIcio => "oecd-icio",
            Format::Nbs => "nbs",
        }
    }

    /// The format of a name (`native`, `pymrio`, …); `None` for `auto` or
    /// an unknown name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "native" => Some(Format::Native),
            "pymrio" => Some(Format::Pymrio),
            "wiod" => Some(Format::Wiod),
            "oecd-niot" => Some(Format::OecdNiot),
            "oecd-icio" => Some(Format::OecdIcio),
            "nbs" => Some(Format::Nbs),
            _ => None,
        }
    }

    /// The reader's own validation policy for this format.
    pub fn default_policy(self) -> ValidationPolicy {
        match self {
            Format::Native => native_policy(),
            Format::Pymrio => crate::pymrio::default_policy(),
            Format::Wiod => crate::wiod::default_policy(),
            Format::OecdNiot => crate::oecd_national::default_policy(),
            Format::OecdIcio => crate::icio::default_policy(),
            Format::Nbs => crate::nbs::default_policy(),
        }
    }
}

/// Native files were validated when written; reading them again allows the
/// rounding of published sources (1%) and zero-output industries, which the
/// writer's table may have had.
pub fn native_policy() -> ValidationPolicy {
    ValidationPolicy {
        allow_negative_value_added: true,
        ..ValidationPolicy::lenient(1e-2)
    }
}

fn unknown(path: &Path, problem: &str) -> FormatError {
    FormatError::File {
        file: path.display().to_string(),
        problem: problem.to_string(),
        fix: format!(
            "name the format (`--format` on the command line, `format=` in Python): {}",
            FORMAT_NAMES.join(", ")
        ),
    }
}

/// Tells the format of `path` from its name, its folder's files or its
/// first line.
pub fn detect(path: &Path) -> Result<Format> {
    if path.is_dir() {
        if path.join("file_parameters.json").is_file() {
            return Ok(Format::Pymrio);
        }
        let entries = std::fs::read_dir(path).map_err(|e| FormatError::Io {
            file: path.display().to_string(),
            action: "list the folder",
            source: e,
            fix: "check that the folder exists and is readable".into(),
        })?;
        let has_wiod = entries.filter_map(|e| e.ok()).any(|e| {
            let n = e.file_name().to_string_lossy().to_lowercase();
            n.starts_with("wiot") && n.contains("_inter")
        });
        if has_wiod {
            return Ok(Format::Wiod);
        }
        return Err(unknown(
            path,
            "cannot tell the format of this folder (no file_parameters.json for pymrio, no wiot*_inter.csv.gz for WIOD)",
        ));
    }
    if !path.exists() {
        // An io::Error of kind NotFound, so that the binary exits with 66.
        return Err(FormatError::Io {
            file: path.display().to_string(),
            action: "open",
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            fix: "check the path".into(),
        });
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
        let first = first_line(path)?;
        if first.contains("Origin") {
            return Ok(Format::Nbs);
        }
        if first.contains("_HFCE") || first.contains("_C26") || first.contains("_D26") {
            return Ok(Format::OecdIcio);
        }
    }
    Err(unknown(
        path,
        "cannot tell the format from the name or the header",
    ))
}

/// The first line of a file, reading at most 4 KiB of it.
fn first_line(path: &Path) -> Result<String> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .map_err(|e| FormatError::Io {
            file: path.display().to_string(),
            action: "read",
            source: e,
            fix: "check that the file exists and is readable".into(),
        })?;
    let text = String::from_utf8_lossy(&head);
    Ok(text.lines().next().unwrap_or("").to_string())
}

/// Reads `path` as `format` under `policy`, Z stored as the reader
/// chooses by default ([`read_with_storage`] with [`Storage::Auto`]).
pub fn read(path: &Path, format: Format, policy: &ValidationPolicy) -> Result<MrioTable> {
    read_with_storage(path, format, policy, Storage::Auto)
}

/// Reads `path` as `format` under `policy`, Z stored as `storage`. Only
/// the pymrio reader chooses its storage; the others read Z dense whatever
/// `storage` says (their callers check, see `plenum`'s `--storage`).
pub fn read_with_storage(
    path: &Path,
    format: Format,
    policy: &ValidationPolicy,
    storage: Storage,
) -> Result<MrioTable> {
    match format {
        Format::Native => crate::native::read_native(path, policy),
        Format::Pymrio => crate::pymrio::read_pymrio_with(
            path,
            &crate::pymrio::PymrioReadOptions {
                storage,
                ..Default::default()
            },
            policy,
        ),
        Format::Wiod => crate::wiod::read_wiod_dir(path, policy),
        Format::OecdNiot => crate::oecd_national::read_oecd_national_table(path, policy),
        Format::OecdIcio => crate::icio::read_icio(path, policy),
        Format::Nbs => crate::nbs::read_nbs(path, policy),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for n in FORMAT_NAMES {
            assert_eq!(Format::parse(n).map(Format::name), Some(n));
        }
        assert_eq!(Format::parse("auto"), None);
    }

    #[test]
    fn detects_by_name_and_header() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.plenum");
        std::fs::write(&p, b"x").unwrap();
        assert_eq!(detect(&p).unwrap(), Format::Native);
        let p = dir.path().join("CHN2022ttl.csv");
        std::fs::write(&p, b"x").unwrap();
        assert_eq!(detect(&p).unwrap(), Format::OecdNiot);
        let p = dir.path().join("icio.csv");
        std::fs::write(&p, b"V1,AUS_C26,AUS_HFCE\n").unwrap();
        assert_eq!(detect(&p).unwrap(), Format::OecdIcio);
        let p = dir.path().join("other.csv");
        std::fs::write(&p, b"a,b\n").unwrap();
        let e = detect(&p).unwrap_err().to_string();
        assert!(e.contains("other.csv") && e.contains("oecd-icio"), "{e}");
        let e = detect(&dir.path().join("missing")).unwrap_err().to_string();
        assert!(e.contains("no such file"), "{e}");
        let sub = dir.path().join("folder");
        std::fs::create_dir(&sub).unwrap();
        assert!(detect(&sub)
            .unwrap_err()
            .to_string()
            .contains("file_parameters.json"));
        std::fs::write(sub.join("file_parameters.json"), b"{}").unwrap();
        assert_eq!(detect(&sub).unwrap(), Format::Pymrio);
    }
}
