//! `truce`: the command-line tool of the joint record of a ceasefire mechanism.

mod access;
mod agreements;
mod cases;
mod commands;
mod complaints;
mod decide;
mod demo;
mod demo_cases;
mod demo_data;
mod exchange;
mod ingest;
mod keyfile;
mod mechanism;
mod mirror;
mod node;
mod policy;
mod proof;
mod register;
mod remote;
mod requests;
mod serve;
mod stress;
mod terminal;
mod witness;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use node::Location;

/// The joint record of a ceasefire mechanism.
///
/// Every action is a statement signed by the member who makes it and
/// appended to one tamper-evident Record (a Merkle log). The node signs a
/// checkpoint of the Record after every commit; each guarantor's witness
/// cosigns checkpoints after checking them; anyone can replay the whole
/// Record with `truce verify`.
///
/// A first session:
///
///   truce demo                          # a demo Record with real parties
///
///   truce keygen --out me.key           # your member key (0600)
///
///   truce init --mechanism astana.toml --key operator.key
///
///   truce append note.json --key me.key # sign locally, append
///
///   truce log
///
///   truce verify
///
///   truce serve --listen 127.0.0.1:8080
#[derive(Parser)]
#[command(name = "truce", version, verbatim_doc_comment)]
struct Cli {
    /// Directory holding the node key and the SQLite file of the Record.
    #[arg(
        long,
        global = true,
        env = "TRUCE_DATA_DIR",
        default_value = "./truce-data"
    )]
    data_dir: PathBuf,

    /// PostgreSQL URL (postgres://user@host/db) to keep the Record in
    /// instead of the SQLite file in the data directory.
    #[arg(long, global = true, env = "TRUCE_DATABASE_URL")]
    database: Option<String>,

    /// Work with the node at this URL instead of a local data directory:
    /// statements are signed here with your key file and submitted to it
    /// (for now: the commands that file a single statement).
    #[arg(long, global = true, env = "TRUCE_NODE")]
    node: Option<String>,

    /// Your read token on that node (`truce token create` there): needed to
    /// read your next sequence number, and by `truce mirror` for entries.
    #[arg(long, global = true, env = "TRUCE_TOKEN", hide_env_values = true)]
    token: Option<String>,

    /// A PEM file of CA certificates: an https:// node (or witness) must
    /// show a certificate issued by one of them, instead of one this
    /// machine's roots trust. For a mechanism that runs its own CA.
    #[arg(long, global = true, env = "TRUCE_CA", value_name = "FILE")]
    ca: Option<PathBuf>,

    /// With --node: seconds to wait after a write for a checkpoint that a
    /// quorum of witnesses cosigned and that covers it (0: do not wait).
    #[arg(long, global = true, default_value_t = 5.0)]
    wait: f64,

    /// With --node: save the write's receipt here, as a C2SP tlog-proof
    /// (check it later with `truce proof check FILE --policy …`).
    #[arg(long, global = true)]
    receipt: Option<PathBuf>,

    /// How the log lines on standard error are written: `text` for people,
    /// `json` (one object per line) for a log collector. Which lines: the
    /// RUST_LOG variable (e.g. `RUST_LOG=debug` adds every commit and
    /// refusal); by default warnings, and one line per request for the
    /// commands that serve.
    #[arg(
        long,
        global = true,
        env = "TRUCE_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,

    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// Log lines go to standard error, so they never mix with what a command
/// prints for a pipe.
fn start_logging(format: LogFormat, serving: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if serving {
        "info,sqlx=warn,hyper=warn,tower_http=warn"
    } else {
        "warn"
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
    };
}

#[derive(Subcommand)]
enum Command {
    /// Create a member key (or a witness key) in a file readable only by you.
    Keygen(commands::KeygenArgs),
    /// Start a new Record from a mechanism file, signed by the operator.
    Init(commands::InitArgs),
    /// Sign a statement with your key and append it to the Record.
    Append(commands::AppendArgs),
    /// List the Record's statements.
    Log(commands::LogArgs),
    /// Produce or check inclusion and consistency proofs, offline.
    #[command(subcommand)]
    Proof(proof::ProofCommand),
    /// The Record's trust policy as a C2SP tlog-policy file.
    Policy(policy::PolicyArgs),
    /// Run a guarantor's witness: check and cosign checkpoints.
    #[command(subcommand)]
    Witness(witness::WitnessCommand),
    /// Register formations and record their status in the ceasefire regime.
    #[command(subcommand)]
    Formation(register::FormationCommand),
    /// File a report of a violation, signed with your key.
    Report(register::ReportArgs),
    /// Take your guarantor's position on an incident.
    Assess(register::AssessArgs),
    /// List incidents with their findings and each guarantor's position.
    Incidents(register::IncidentsArgs),
    /// The bulletin for a day or a range: text, JSON or ACLED CSV.
    Bulletin(register::BulletinArgs),
    /// Export reports (ACLED CSV with HXL) or incidents (GeoJSON).
    Export(register::ExportArgs),
    /// Propose a joint decision (a measure, a designation, criteria…).
    Propose(decide::ProposeArgs),
    /// Endorse or object to a proposed decision.
    Vote(decide::VoteArgs),
    /// List decisions with each guarantor's vote, the rule and the outcome.
    Decisions(decide::DecisionsArgs),
    /// Graduated measures taken, and the next ones the ladder calls for.
    Measures(decide::MeasuresArgs),
    /// Ask another party a question with a date to answer by, or answer one.
    #[command(subcommand)]
    Request(requests::RequestCommand),
    /// Requests for clarification: who asked whom, by when, the answers.
    Requests(requests::RequestsArgs),
    /// Verification cases: open one on an incident or a complaint, task a
    /// team, record the visit, state your party's position and severity.
    #[command(subcommand)]
    Case(cases::CaseCommand),
    /// Verification cases, the latest first, with the step awaited and
    /// whether it is overdue.
    Cases(cases::CasesArgs),
    /// Denials and restrictions of the monitors' access: record one, or list them.
    #[command(subcommand)]
    Access(access::AccessCommand),
    /// The monitoring assets and what they could see: register an asset,
    /// say it is working or down, show each governorate observed or not.
    #[command(subcommand)]
    Coverage(access::CoverageCommand),
    /// Record whether a formation complied with an adopted measure.
    Comply(decide::ComplyArgs),
    /// Each formation's compliance with a criteria file, as of a date.
    Compliance(decide::ComplianceArgs),
    /// Agreements in force: clauses and zones (and which zones hold a point).
    Agreements(agreements::AgreementsArgs),
    /// Meetings of the guarantors, scheduled or held.
    #[command(subcommand)]
    Meeting(agreements::MeetingCommand),
    /// Draft documents: versions kept by hash, each guarantor's approval.
    #[command(subcommand)]
    Document(agreements::DocumentCommand),
    /// Exchanges of detainees, abductees, bodies and missing persons: sealed
    /// lists, matching, projects, interviews, releases.
    #[command(subcommand)]
    Exchange(exchange::ExchangeCommand),
    /// Follow a node and keep a verified copy of its Record (a guarantor's own).
    Mirror(mirror::MirrorArgs),
    /// Serve the HTTP API of this node (JSON, OpenAPI at /api/v1/openapi.json).
    Serve(serve::ServeArgs),
    /// Read tokens for members: who may read more than the public.
    #[command(subcommand)]
    Token(serve::TokenCommand),
    /// Outgoing webhooks: where the node sends the Record's events as they
    /// are admitted.
    #[command(subcommand)]
    Webhook(serve::WebhookCommand),
    /// Read bulletins, news or feeds into drafts for review (never filed on their own).
    Ingest(ingest::IngestArgs),
    /// Review the drafts that `truce ingest` made.
    #[command(subcommand)]
    Drafts(ingest::DraftsCommand),
    /// Complaints sent to the node by anyone: list them, take one up as a
    /// report, or decline it with a reason.
    #[command(subcommand)]
    Complaints(complaints::ComplaintsCommand),
    /// Replay the whole Record from scratch and check everything.
    Verify(commands::VerifyArgs),
    /// Build a demo Record with the Astana guarantors and show it.
    Demo(demo::DemoArgs),
    /// Append many notes as fast as the node takes them (load and crash tests).
    #[command(hide = true)]
    Stress(stress::StressArgs),
}

/// The reader and the node allocate many small, short-lived values from
/// several threads at once, which mimalloc serves from per-thread pages.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Everything truce writes (the database and its journal, tokens,
    // drafts, evidence, witness state) is the owner's alone: files 0600,
    // folders 0700. SAFETY: one process-wide setting, before any thread.
    unsafe {
        libc::umask(0o077);
    }
    let cli = Cli::parse();
    let serving = matches!(
        &cli.command,
        Command::Serve(_) | Command::Mirror(_) | Command::Demo(_) | Command::Witness(_)
    );
    if !serving {
        // Die quietly when the reader of our output goes away (`truce log |
        // head`), as command-line tools do, instead of panicking on a broken
        // pipe. Not for the commands that serve: a client that resets its
        // connection while the node writes to it (some socket writes carry
        // no MSG_NOSIGNAL) would end the node.
        // SAFETY: restoring the default disposition of one signal at
        // start-up, before any thread exists.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    start_logging(cli.log_format, serving);
    // Absolute from here on, so every path the CLI prints (keys, evidence,
    // commands to try) works from any directory.
    let data_dir = std::path::absolute(&cli.data_dir).unwrap_or(cli.data_dir);
    let location = Location {
        data_dir,
        database: cli.database,
        node: cli.node,
        token: cli.token,
        ca: cli.ca,
        receipt: node::ReceiptOptions {
            wait: std::time::Duration::from_secs_f64(cli.wait.clamp(0.0, 3600.0)),
            save: cli.receipt,
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let outcome = runtime.block_on(async move {
        // With --node, commands that read the Record read this machine's
        // verified copy of it; those that only run here keep the data dir.
        let location = match &cli.command {
            Command::Keygen(_)
            | Command::Ingest(_)
            | Command::Drafts(_)
            | Command::Witness(_)
            | Command::Complaints(_) => location,
            // One signed statement each: with --node they need no copy.
            Command::Append(_)
            | Command::Report(_)
            | Command::Assess(_)
            | Command::Vote(_)
            | Command::Request(_)
            | Command::Comply(_) => location,
            Command::Formation(f) if !matches!(f, register::FormationCommand::List { .. }) => {
                location
            }
            Command::Case(c) if !matches!(c, cases::CaseCommand::Show { .. }) => location,
            Command::Access(a) if !matches!(a, access::AccessCommand::List { .. }) => location,
            Command::Coverage(c) if !matches!(c, access::CoverageCommand::Show { .. }) => location,
            Command::Init(_)
            | Command::Serve(_)
            | Command::Mirror(_)
            | Command::Demo(_)
            | Command::Stress(_)
            | Command::Token(_)
            | Command::Webhook(_)
                if location.node.is_some() =>
            {
                return Err(anyhow::anyhow!(
                    "--node does not apply here: this command runs on the node's own machine"
                ));
            }
            _ => location.synced().await?,
        };
        match cli.command {
            Command::Keygen(args) => commands::keygen(args),
            Command::Init(args) => commands::init(&location, args).await,
            Command::Append(args) => commands::append(&location, args).await,
            Command::Log(args) => commands::log(&location, args).await,
            Command::Proof(command) => proof::run(&location, command).await,
            Command::Policy(args) => policy::run(&location, args).await,
            Command::Witness(command) => witness::run(&location, command).await,
            Command::Formation(command) => register::formation(&location, command).await,
            Command::Report(args) => register::report(&location, args).await,
            Command::Assess(args) => register::assess(&location, args).await,
            Command::Incidents(args) => register::incidents(&location, args).await,
            Command::Bulletin(args) => register::bulletin(&location, args).await,
            Command::Export(args) => register::export(&location, args).await,
            Command::Propose(args) => decide::propose(&location, args).await,
            Command::Vote(args) => decide::vote(&location, args).await,
            Command::Decisions(args) => decide::decisions(&location, args).await,
            Command::Compliance(args) => decide::compliance(&location, args).await,
            Command::Measures(args) => decide::measures(&location, args).await,
            Command::Comply(args) => decide::comply(&location, args).await,
            Command::Request(command) => requests::run(&location, command).await,
            Command::Requests(args) => requests::list(&location, args).await,
            Command::Case(command) => cases::run(&location, command).await,
            Command::Cases(args) => cases::list(&location, args).await,
            Command::Access(command) => access::access(&location, command).await,
            Command::Coverage(command) => access::coverage(&location, command).await,
            Command::Agreements(args) => agreements::agreements(&location, args).await,
            Command::Meeting(command) => agreements::meeting(&location, command).await,
            Command::Document(command) => agreements::document(&location, command).await,
            Command::Exchange(command) => exchange::run(&location, command).await,
            Command::Mirror(args) => mirror::run(&location, args).await,
            Command::Serve(args) => serve::serve(&location, args).await,
            Command::Token(command) => serve::token(&location, command).await,
            Command::Webhook(command) => serve::webhook(&location, command).await,
            Command::Ingest(args) => ingest::ingest(&location, args),
            Command::Drafts(command) => ingest::drafts(&location, command),
            Command::Complaints(command) => complaints::run(&location, command).await,
            Command::Verify(args) => commands::verify(&location, args).await,
            Command::Demo(args) => demo::run(&location, args).await,
            Command::Stress(args) => stress::run(&location, args).await,
        }
    });
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
