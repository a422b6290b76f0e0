//! `truce serve` and `truce token`: the node's HTTP API and the read
//! tokens that let members see more than the public.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use truce_model::MemberName;
use truce_server::AppState;

use crate::node::Location;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one (printed at start).
    #[arg(long, env = "TRUCE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

/// Serves the Record until ctrl-c or SIGTERM, then closes it cleanly.
pub async fn serve(location: &Location, args: ServeArgs) -> Result<ExitCode> {
    let ledger = Arc::new(location.open_ledger().await?);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let address = listener.local_addr()?;
    println!(
        "truce node listening on http://{address}/ (API under /api/v1, OpenAPI at {})",
        truce_server::OPENAPI_PATH
    );
    println!("Record: {} — stop with ctrl-c", location.describe());
    let mut state = AppState::new(ledger.clone(), location.data_dir.clone());
    if let Some(mirror) = crate::mirror::status_of(location) {
        println!(
            "a read-only mirror of {} (run `truce mirror` to bring it up to date)",
            mirror.origin
        );
        state = state.with_mirror(mirror);
    } else if !ledger.is_writer() {
        println!("read-only: this data directory holds no node key");
    }
    truce_server::serve(listener, state).await?;
    if let Ok(ledger) = Arc::try_unwrap(ledger) {
        ledger.close().await;
    }
    println!("stopped");
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Make a read token for a member of the Record (printed once, stored hashed).
    Create {
        #[arg(long)]
        member: String,
    },
    /// List tokens: id, member, role, created.
    List,
    /// Revoke a token by its id (at least 8 hex digits), or all of a member's.
    Revoke {
        id: Option<String>,
        #[arg(long, conflicts_with = "id")]
        member: Option<String>,
    },
}

pub async fn token(location: &Location, command: TokenCommand) -> Result<ExitCode> {
    let dir: PathBuf = location.data_dir.clone();
    match command {
        TokenCommand::Create { member } => {
            let member = MemberName::new(member)?;
            let ledger = location.open_ledger().await?;
            let role = truce_server::role_in_record(&ledger.registry(), &member);
            ledger.close().await;
            let role = role.with_context(|| format!("{member} is not a member of this Record"))?;
            let secret = truce_server::create_token(&dir, &member, role)?;
            println!("token for {member} ({role}); it is shown only now:");
            println!("{secret}");
        }
        TokenCommand::List => {
            for record in truce_server::list_tokens(&dir)? {
                println!(
                    "{}  {:<20} {:<17} {}",
                    record.id(),
                    record.member,
                    record.role,
                    record.created
                );
            }
        }
        TokenCommand::Revoke { id, member } => match (id, member) {
            (Some(id), None) => {
                let record = truce_server::revoke_token(&dir, &id)?;
                println!("revoked {} of {}", record.id(), record.member);
            }
            (None, Some(member)) => {
                let n =
                    truce_server::revoke_member_tokens(&dir, &MemberName::new(member.clone())?)?;
                println!("revoked {n} tokens of {member}");
            }
            _ => bail!("give a token id or --member"),
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// Completes on ctrl-c or SIGTERM.
pub async fn interrupted() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
