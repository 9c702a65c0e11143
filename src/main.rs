//! backlings: a hands-on course in backend development, and the runner that watches you work.

mod cache;
mod cargo;
mod check;
mod commands;
mod course;
mod dev;
mod files;
mod manifest;
mod measure;
mod process;
mod progress;
#[cfg(target_os = "linux")]
mod reaper;
mod record;
mod shipped;
mod ui;
mod verify;
mod watch;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Work through the backlings course: each exercise is a crate you fix until its tests pass.
#[derive(Parser)]
#[command(
    name = "backlings",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
    /// With no command: watch mode, as `backlings watch`.
    #[command(flatten)]
    watch: WatchArgs,
}

/// The arguments of watch mode, also taken without the `watch` command.
#[derive(clap::Args)]
struct WatchArgs {
    /// Start on this exercise: its name (`request_line`) or folder (`02_http/01_request_line`).
    name: Option<String>,
    /// Watch by polling, for file systems that send no change events (network mounts, WSL's /mnt).
    #[arg(long)]
    poll: bool,
    /// Open each exercise's src/lib.rs with this command when it becomes current (e.g. `code -r`, `zed`).
    #[arg(long, value_name = "CMD")]
    edit_cmd: Option<String>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Watch the current exercise: check it on every save (the default).
    Watch(WatchArgs),
    /// Check one exercise once (the current one by default); a pass marks it done.
    Run {
        /// The exercise's name.
        name: Option<String>,
    },
    /// Show an exercise's hints (the current one by default).
    Hint {
        /// The exercise's name.
        name: Option<String>,
    },
    /// List the chapters and exercises, done or pending, and which is current.
    List,
    /// Restore an exercise's files as shipped, and mark it pending.
    Reset {
        /// The exercise's name.
        name: String,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
    /// Check every exercise and print a summary.
    Verify {
        /// One JSON result per exercise, for machines.
        #[arg(long)]
        json: bool,
        /// Ignore remembered results and check everything again.
        #[arg(long)]
        no_cache: bool,
    },
    /// Course-author tools.
    Dev {
        #[command(subcommand)]
        command: DevCmd,
    },
}

#[derive(Subcommand)]
enum DevCmd {
    /// Check the course: info.toml matches the folders, every exercise fails as shipped,
    /// every solution passes, shipped.txt records exercises/ as it is.
    Check {
        /// Ignore remembered results and check everything again.
        #[arg(long)]
        no_cache: bool,
    },
    /// Record every file under exercises/ as shipped, in shipped.txt: what `reset` restores.
    Ship,
    /// Scaffold a new exercise crate, its solution and its info.toml entry.
    New {
        /// Where: NN_chapter/NN_name, relative to exercises/ (e.g. 02_http/17_cookies).
        dir: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    process::kill_children_on_signal(ui::restore_terminal);
    let result = match cli.command.unwrap_or(Cmd::Watch(cli.watch)) {
        Cmd::Watch(args) => watch::run(watch::Options {
            name: args.name,
            poll: args.poll,
            edit_cmd: args.edit_cmd,
        }),
        Cmd::Run { name } => commands::run(name.as_deref()),
        Cmd::Hint { name } => commands::hint(name.as_deref()),
        Cmd::List => commands::list(),
        Cmd::Reset { name, yes } => commands::reset(&name, yes),
        Cmd::Verify { json, no_cache } => verify::run(json, no_cache),
        Cmd::Dev { command } => match command {
            DevCmd::Check { no_cache } => dev::check(no_cache),
            DevCmd::Ship => dev::ship(),
            DevCmd::New { dir } => dev::new(&dir),
        },
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            ui::restore_terminal();
            eprintln!("{} {:#}", console::style("error:").red().bold(), e);
            ExitCode::from(2)
        }
    }
}
