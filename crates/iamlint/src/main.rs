//! `iamlint`: a fast linter for AWS IAM in Terraform.

mod check;
mod cli;
mod config;
mod render;
mod report;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

// Evaluation allocates many small values; mimalloc makes a whole run 1.5–2× faster than the
// system allocator (measured with bench/run.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Rules(args) => cli::list_rules(&args),
        Command::Explain { rule } => cli::explain(&rule),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("iamlint: {e}");
            ExitCode::from(2)
        }
    }
}
