//! `iamlint`: a fast linter for AWS IAM in Terraform.

mod check;
mod cli;
mod config;
mod render;
mod report;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

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
