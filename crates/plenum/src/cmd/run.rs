//! `plenum run`: the main job on the embedded default table.
//!
//! Until the scenario engine is wired in, the main job is the static
//! accounts of the default table: `plenum analyze` on it, written under
//! `--out`.

use anyhow::Result;

use crate::cli::{AnalyzeArgs, InputFormat, RunArgs, TableArg, TidyFormat};

pub fn run(args: RunArgs) -> Result<()> {
    super::analyze::analyze(AnalyzeArgs {
        input: TableArg {
            table: None,
            format: InputFormat::Auto,
            allow_zero_output: false,
            balance_rtol: None,
        },
        out: Some(args.out),
        tidy: TidyFormat::Both,
        top: 10,
    })
}
