//! Technological dependence on the command line (issue 4): what the three
//! GVC commands share. Each command has its own module
//! ([`super::self_reliance`], [`super::decompose`], [`super::chokepoints`]):
//! it computes a report value, prints its text and, with `--out`, writes its
//! tidy frames and a manifest. The measures themselves are in crate
//! `plenum-gvc`; their formulas and papers in `docs/gvc.md`.

use anyhow::{bail, Context, Result};
use plenum_gvc::GvcModel;
use plenum_table::MrioTable;

use crate::cli::{AnalyzeCommand, GvcOut};
use crate::output::{Frame, OutDir};

pub fn analyze(cmd: AnalyzeCommand) -> Result<()> {
    match cmd {
        AnalyzeCommand::SelfReliance(a) => super::self_reliance::self_reliance(a),
        AnalyzeCommand::Decompose(a) => super::decompose::decompose(a),
    }
}

/// Checks CLI labels against the table, naming the flag and every valid label.
pub fn check_labels(
    kind: &str,
    flag: &str,
    given: &[String],
    valid: &[String],
    t: &str,
) -> Result<()> {
    for g in given {
        if !valid.iter().any(|v| v == g) {
            bail!(
                "unknown {kind} \"{g}\" in {flag}; the {kind}s of table \"{t}\" are: {}",
                valid.join(", ")
            );
        }
    }
    Ok(())
}

pub fn table_name(t: &MrioTable) -> &str {
    if t.meta().name.is_empty() {
        "table"
    } else {
        &t.meta().name
    }
}

/// The dense GVC model (Z, A and the LU factors of I − A), after checking
/// that `work` on `t` fits `--max-memory-gb` (`what` names the command in
/// the refusal, `fix` offers a lighter route first).
pub fn model(
    t: &MrioTable,
    memory: &crate::cli::MemoryArg,
    work: super::memory::Work,
    what: &str,
    fix: &str,
) -> Result<GvcModel> {
    super::memory::check(
        super::memory::estimate(t, work),
        memory.max_memory_gb,
        what,
        fix,
    )?;
    let pb = crate::progress::spinner("factoring I - A");
    let m = GvcModel::new(t).context("preparing the GVC model")?;
    pb.finish_and_clear();
    Ok(m)
}

/// A share as a percentage with one decimal, "-" when undefined.
pub fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}", 100.0 * x)
    } else {
        "-".into()
    }
}

/// With `--out DIR`, writes each frame (by file stem) and the manifest.
pub fn write_frames(
    output: &GvcOut,
    table: &MrioTable,
    command: &str,
    frames: &[(&str, Frame)],
) -> Result<()> {
    write_frames_and_files(output, table, command, frames, &[])
}

/// [`write_frames`], with other files (name, contents) beside the frames.
pub fn write_frames_and_files(
    output: &GvcOut,
    table: &MrioTable,
    command: &str,
    frames: &[(&str, Frame)],
    files: &[(&str, Vec<u8>)],
) -> Result<()> {
    if let Some(dir) = &output.out {
        let out = OutDir::create(dir, output.tidy)?;
        for (stem, frame) in frames {
            out.write(stem, frame)?;
        }
        for (name, bytes) in files {
            out.write_file(name, bytes)?;
        }
        out.manifest(table, command, &[], None)?;
        eprintln!("wrote {}", dir.display());
    }
    Ok(())
}
