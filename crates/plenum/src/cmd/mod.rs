//! The commands of the binary, one module each.

use anyhow::Result;

use crate::cli::{Cli, Command};

pub mod analyze;
pub mod run;
pub mod simulate;
pub mod table;

pub fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Table(cmd) => table::table(cmd),
        Command::Analyze(args) => analyze::analyze(args),
        Command::Simulate(args) => simulate::simulate(args),
    }
}
