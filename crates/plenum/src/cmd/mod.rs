//! The commands of the binary, one module each.

use anyhow::Result;

use crate::cli::{Cli, Command};

pub mod analyze;
pub mod backtest;
pub mod chokepoints;
pub mod compare;
pub mod decompose;
pub mod draws;
pub mod gvc;
pub mod memory;
pub mod optimise;
pub mod run;
pub mod runs;
pub mod self_reliance;
pub mod sensitivity;
pub mod serve;
pub mod simulate;
pub mod sweep;
pub mod table;
pub mod techchoke;

pub fn dispatch(cli: Cli) -> Result<()> {
    let r = command(cli);
    memory::report_peak();
    r
}

fn command(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Compare(args) => compare::compare(args),
        Command::Backtest(args) => backtest::backtest(args),
        Command::Table(cmd) => table::table(cmd),
        Command::Analyze(mut args) => match args.subcommand.take() {
            Some(sub) => gvc::analyze(sub),
            None => analyze::analyze(args),
        },
        Command::Chokepoints(args) => chokepoints::chokepoints_cmd(args),
        Command::Simulate(args) => simulate::simulate(args),
        Command::Sensitivity(args) => sensitivity::run(args),
        Command::Optimise(args) => optimise::run(args),
        Command::Sweep(cmd) => sweep::sweep(cmd),
        Command::Serve(args) => serve::serve(args),
        Command::Runs(cmd) => runs::runs(cmd),
    }
}
