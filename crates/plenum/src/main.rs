//! The `plenum` binary: parses flags, runs a command, and maps errors to
//! exit codes. Everything else lives in the library crates and in `cmd`.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod cmd;
mod embedded;
mod output;
mod progress;
mod source;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    output::install_signal_cleanup();
    match cmd::dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One clear message: the error and its causes, no backtrace.
            // Control characters of labels are escaped, not sent raw.
            eprintln!("error: {}", output::printable(&err.to_string()));
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {}", output::printable(&cause.to_string()));
            }
            ExitCode::FAILURE
        }
    }
}
