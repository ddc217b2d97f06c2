//! Typed errors of the readers and writers.
//!
//! Every error names the file, and where it can the line, the column, the
//! labels of the offending cell, what was expected and what was found, and
//! ends with a suggested fix, e.g.
//! `wiot2011_inter.csv.gz line 17, column 402 ("CHN_c14", row "AUS_c16"):
//! expected a number, found "n/a"; replace with 0 if the flow is absent`.

use plenum_table::TableError;

/// A cell that holds something other than what the layout calls for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} line {line}, column {column} (\"{label}\", row \"{row_label}\"): expected {expected}, found \"{found}\"; {fix}")]
pub struct CellError {
    pub file: String,
    /// 1-based line of the file.
    pub line: u64,
    /// 1-based field number on that line (the label column is 1).
    pub column: usize,
    /// The column's header label.
    pub label: String,
    /// The row's label (first field of the line).
    pub row_label: String,
    pub expected: String,
    pub found: String,
    pub fix: String,
}

/// An error of a reader or writer of plenum-formats.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The file could not be opened, read or written.
    #[error("{file}: cannot {action}: {source}; {fix}")]
    Io {
        file: String,
        action: &'static str,
        #[source]
        source: std::io::Error,
        fix: String,
    },

    /// One cell holds something other than what the layout calls for.
    #[error("{0}")]
    Cell(Box<CellError>),

    /// A line does not have the layout's shape: a missing or unexpected
    /// label, a wrong number of fields, a label out of order.
    #[error("{file} line {line}: {problem}; {fix}")]
    Layout {
        file: String,
        line: u64,
        problem: String,
        fix: String,
    },

    /// A problem of the file (or folder) as a whole: a missing file, block
    /// or label, a corrupted binary.
    #[error("{file}: {problem}; {fix}")]
    File {
        file: String,
        problem: String,
        fix: String,
    },

    /// The CSV itself is malformed (unbalanced quotes, invalid UTF-8).
    #[error("{file} line {line}: malformed CSV: {message}; {fix}")]
    Csv {
        file: String,
        line: u64,
        message: String,
        fix: String,
    },

    /// The numbers were read but the table they make does not validate.
    #[error("{file}: the table read from it does not validate: {source}")]
    Table {
        file: String,
        #[source]
        source: TableError,
    },
}

impl FormatError {
    pub(crate) fn io(
        file: impl Into<String>,
        action: &'static str,
        source: std::io::Error,
    ) -> Self {
        use std::io::ErrorKind as K;
        // A failed write is about the destination (its folder, permissions,
        // free space), a failed read about the source.
        let writing = matches!(action, "write" | "create");
        let fix = match (source.kind(), writing) {
            (K::NotFound, false) => {
                "check the path (it is taken relative to the current directory)"
            }
            (K::NotFound, true) => "check that the destination's folder exists",
            (K::PermissionDenied, false) => "check the file's permissions",
            (K::PermissionDenied, true) => "check that the destination's folder is writable",
            (K::IsADirectory, _) => {
                "a folder has this name; remove or rename it, or choose another path"
            }
            (K::StorageFull, _) => "free disk space or write to another disk",
            (_, true) => "check that the destination is writable and the disk has free space",
            (_, false) => "check that the file is complete and readable",
        };
        Self::Io {
            file: file.into(),
            action,
            source,
            fix: fix.to_string(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn cell(
        file: impl Into<String>,
        line: u64,
        column: usize,
        label: impl Into<String>,
        row_label: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self::Cell(Box::new(CellError {
            file: file.into(),
            line,
            column,
            label: label.into(),
            row_label: row_label.into(),
            expected: expected.into(),
            found: found.into(),
            fix: fix.into(),
        }))
    }

    /// The cell of a [`FormatError::Cell`], for tests and callers that
    /// point at it.
    pub fn as_cell(&self) -> Option<&CellError> {
        match self {
            Self::Cell(c) => Some(c),
            _ => None,
        }
    }

    pub(crate) fn file(
        file: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self::File {
            file: file.into(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    pub(crate) fn layout(
        file: impl Into<String>,
        line: u64,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self::Layout {
            file: file.into(),
            line,
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    pub(crate) fn table(file: impl Into<String>, source: TableError) -> Self {
        Self::Table {
            file: file.into(),
            source,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = FormatError> = std::result::Result<T, E>;
