//! `plenum runs list|show|export|rm`: the run registry that `plenum serve`
//! keeps under its data dir, from the command line. Ids may be shortened to
//! any unique prefix.

use std::path::Path;

use anyhow::{bail, Context, Result};
use plenum_web::registry::{Registry, RunFile, RunRecord, Status};

use crate::cli::RunsCommand;

fn open(dir: &Path) -> Result<Registry> {
    if !dir.join("registry.sqlite").is_file() {
        bail!(
            "{}: no run registry here (it is made by `plenum serve --data-dir {}`); give --data-dir",
            dir.display(),
            dir.display()
        );
    }
    Ok(Registry::open(dir)?)
}

fn resolve(reg: &Registry, prefix: &str) -> Result<RunRecord> {
    let ids = reg.ids_with_prefix(&prefix.to_ascii_lowercase())?;
    match ids.as_slice() {
        [id] => reg
            .get(id)?
            .with_context(|| format!("run {id} vanished while reading it")),
        [] => bail!("no run starts with \"{prefix}\"; `plenum runs list` shows the ids"),
        many => bail!(
            "\"{prefix}\" starts {} runs ({}, ...); give more digits",
            many.len(),
            many[0]
        ),
    }
}

fn when(t: Option<i64>) -> String {
    t.map_or("-".into(), |t| format!("{t}"))
}

pub fn runs(cmd: RunsCommand) -> Result<()> {
    match cmd {
        RunsCommand::List { data_dir, limit } => {
            let reg = open(&data_dir)?;
            let runs = reg.list(limit)?;
            crate::outln!(
                "{:<14} {:<24} {:<8} {:>12} {:>12}",
                "id",
                "scenario",
                "status",
                "created",
                "finished"
            )?;
            for r in &runs {
                crate::outln!(
                    "{:<14} {:<24} {:<8} {:>12} {:>12}",
                    &r.id[..12],
                    r.name,
                    r.status.as_str(),
                    r.created,
                    when(r.finished)
                )?;
            }
            crate::outln!(
                "{} run(s) in {} (times in unix seconds)",
                runs.len(),
                data_dir.display()
            )?;
        }
        RunsCommand::Show { id, data_dir } => {
            let reg = open(&data_dir)?;
            let r = resolve(&reg, &id)?;
            crate::outln!("id        {}", r.id)?;
            crate::outln!("scenario  {}", r.name)?;
            crate::outln!("status    {}", r.status.as_str())?;
            crate::outln!(
                "created   {} started {} finished {}",
                r.created,
                when(r.started),
                when(r.finished)
            )?;
            crate::outln!(
                "plenum    {}  table {}  seed {}",
                r.plenum_version,
                r.table_hash,
                r.seed
            )?;
            if let Some(e) = &r.error {
                crate::outln!("error     {e}")?;
            }
            if let Some(t) = r
                .summary
                .as_ref()
                .and_then(|s| s["comparison_text"].as_str())
            {
                crate::outln!("\n{t}")?;
            }
            if r.status == Status::Done {
                crate::outln!("files in {}", reg.run_dir(&r.id)?.display())?;
            }
        }
        RunsCommand::Export { id, out, data_dir } => {
            let reg = open(&data_dir)?;
            let r = resolve(&reg, &id)?;
            if r.status != Status::Done {
                bail!(
                    "run {} is {}; only done runs have files",
                    r.id,
                    r.status.as_str()
                );
            }
            std::fs::create_dir_all(&out)
                .with_context(|| format!("cannot create {}", out.display()))?;
            for f in RunFile::ALL {
                let src = reg.file(&r.id, f)?;
                let bytes = std::fs::read(&src)
                    .with_context(|| format!("cannot read {}", src.display()))?;
                plenum_formats::atomic::write_bytes_atomic(&out.join(f.name()), &bytes)?;
            }
            crate::outln!("exported run {} to {}", r.id, out.display())?;
        }
        RunsCommand::Rm { ids, data_dir } => {
            let reg = open(&data_dir)?;
            for id in ids {
                let r = resolve(&reg, &id)?;
                if matches!(r.status, Status::Queued | Status::Running) {
                    bail!(
                        "run {} is {}; stop the server or wait until it ends",
                        r.id,
                        r.status.as_str()
                    );
                }
                reg.remove(&r.id)?;
                crate::outln!("removed run {}", r.id)?;
            }
        }
    }
    Ok(())
}
