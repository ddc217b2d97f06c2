//! The commands of the binary, one module each.

use anyhow::Result;

use crate::cli::{Cli, Command};

pub mod analyze;
pub mod compare;
pub mod gvc;
pub mod run;
pub mod runs;
pub mod serve;
pub mod simulate;
pub mod table;

pub fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Compare(args) => compare::compare(args),
        Command::Table(cmd) => table::table(cmd),
        Command::Analyze(mut args) => match args.subcommand.take() {
            Some(sub) => gvc::analyze(sub),
            None => analyze::analyze(args),
        },
        Command::Chokepoints(args) => gvc::chokepoints_cmd(args),
        Command::Simulate(args) => simulate::simulate(args),
        Command::Serve(args) => serve::serve(args),
        Command::Runs(cmd) => runs::runs(cmd),
    }
}
