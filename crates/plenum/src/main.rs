//! The `plenum` binary: parses flags, runs a command, and maps errors to
//! exit codes by their kind (`exit`). Everything else lives in the library
//! crates and in `cmd`.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod cmd;
mod embedded;
mod exit;
mod output;
mod progress;
mod source;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    output::install_signal_cleanup();
    let Err(err) = cmd::dispatch(cli) else {
        return ExitCode::SUCCESS;
    };
    match exit::classify(&err) {
        // The reader of standard output went away (`| head`): nothing more
        // to say, as in ripgrep.
        exit::Outcome::BrokenPipe => ExitCode::SUCCESS,
        exit::Outcome::Fail(code) => {
            // One clear message: the error and its causes, no backtrace.
            // Control characters of labels are escaped, not sent raw.
            eprintln!("error: {}", output::printable(&err.to_string()));
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {}", output::printable(&cause.to_string()));
            }
            ExitCode::from(code)
        }
    }
}
