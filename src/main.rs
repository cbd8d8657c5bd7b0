//! The `botwot` binary: reads the configuration, opens storage, starts the node's actor system
//! and serves the HTTP surface until SIGTERM or Ctrl-C.

#![forbid(unsafe_code)]

mod cluster;
mod commerce;
mod config;
mod dispatch;
mod logging;
mod number_pacing;
mod payments;
mod plan;
mod serve;
mod voice;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// mimalloc instead of glibc's malloc: the message path allocates and frees many small,
/// short-lived buffers from several threads, where glibc spent a fifth of the CPU (ADR 0020).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "botwot", version, about = "BotWot conversation engine")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the engine. With no configuration it uses the embedded store in ./data and listens
    /// on 0.0.0.0:8080; settings come from --config and BOTWOT__SECTION__FIELD variables.
    Serve {
        /// A TOML configuration file.
        #[arg(long, short, env = "BOTWOT_CONFIG")]
        config: Option<PathBuf>,
        /// Join the cluster configured in `[cluster]` (same as `cluster.enabled = true`).
        #[arg(long)]
        cluster: bool,
    },
    /// Move an organisation to another plan tier (BASE, PRO or ENTERPRISE) in the configured
    /// storage, and print the limits now in force. With the embedded store, stop the server
    /// first.
    SetPlan {
        /// The organisation's id (`org_...`).
        organisation: String,
        /// BASE, PRO or ENTERPRISE.
        tier: String,
        /// A TOML configuration file.
        #[arg(long, short, env = "BOTWOT_CONFIG")]
        config: Option<PathBuf>,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { config, cluster } => {
            let mut config = config::Config::load(config.as_deref(), std::env::vars())?;
            config.cluster.enabled |= cluster;
            logging::init(&config.log)?;
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?
                .block_on(serve::serve(config))
        }
        Command::SetPlan {
            organisation,
            tier,
            config,
        } => {
            let config = config::Config::load(config.as_deref(), std::env::vars())?;
            let printed = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(plan::set_plan(&config, &organisation, &tier))?;
            println!("{printed}");
            Ok(())
        }
    }
}
