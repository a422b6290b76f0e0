//! Reading bulletins and the news: text in, candidates out, kept as
//! unsigned drafts in a review queue in the data directory. Nothing is
//! filed on its own: a member reviews a draft, turns a candidate into a
//! report file, edits it, and signs it with `truce report --file`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use jiff::civil::Date;
use rayon::prelude::*;
use truce_extract::{Candidate, Document, Event, EventType, Format};
use truce_model::{
    Actor, GeoPrecision, Location as Place, ReportFields, Source, SourceKind, TimePrecision,
    ViolationType,
};
use truce_node::drafts::{prepare, Draft, DraftQueue, Prepared};

use crate::terminal::printable;

use crate::node::Location;

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Auto,
    Text,
    Html,
    Rss,
    Atom,
}

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Files or directories to read, or - for standard input.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "auto")]
    format: FormatArg,
    /// Publication date for texts that carry none (resolves "over the past 24 hours").
    #[arg(long)]
    published: Option<Date>,
}

#[derive(Subcommand)]
pub enum DraftsCommand {
    /// List the drafts waiting for review.
    List,
    /// Show a draft: the text with the evidence of each field marked, and its candidates.
    Show { id: u64 },
    /// Print a report file prefilled from an event candidate, to edit and sign
    /// with `truce report --file`.
    Template {
        id: u64,
        /// Which candidate of the draft (see `truce drafts show`).
        #[arg(long, default_value_t = 0)]
        candidate: usize,
    },
    /// Remove a draft from the queue.
    Discard { id: u64 },
}

fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            add_directory(path, &mut out)?;
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// The files under `dir`, in order, hidden ones left out. An entry's type
/// comes with the listing: asking the file system about each of many small
/// files again cost more than reading some of them.
fn add_directory(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<(PathBuf, bool)> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| {
            let e = e.ok()?;
            if e.file_name().to_string_lossy().starts_with('.') {
                return None;
            }
            let path = e.path();
            let is_dir = match e.file_type() {
                Ok(t) if t.is_symlink() => path.is_dir(),
                Ok(t) => t.is_dir(),
                Err(_) => path.is_dir(),
            };
            Some((path, is_dir))
        })
        .collect();
    entries.sort();
    for (path, is_dir) in entries {
        if is_dir {
            add_directory(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn read_input(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    let mut file =
        std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let size = file
        .metadata()
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    if size > truce_extract::MAX_INPUT_BYTES as u64 {
        bail!(
            "{} is {size} bytes; the limit is {}",
            path.display(),
            truce_extract::MAX_INPUT_BYTES
        );
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // Read through `take` rather than the file itself: `File::read_to_end`
    // asks the file's size and position again, two more system calls per
    // file, which a directory of thousands of short texts notices. A file
    // that grew since `metadata` still stops at the limit.
    (&mut file)
        .take(truce_extract::MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    if bytes.len() > truce_extract::MAX_INPUT_BYTES {
        bail!(
            "{} grew past the limit of {} bytes while it was read",
            path.display(),
            truce_extract::MAX_INPUT_BYTES
        );
    }
    Ok(bytes)
}

pub fn ingest(location: &Location, args: IngestArgs) -> Result<ExitCode> {
    let format = match args.format {
        FormatArg::Auto => Format::Auto,
        FormatArg::Text => Format::Text,
        FormatArg::Html => Format::Html,
        FormatArg::Rss => Format::Rss,
        FormatArg::Atom => Format::Atom,
    };
    // The reader's tables are built while the files are listed and the
    // queue opened, on the cores those leave idle.
    std::thread::spawn(truce_extract::build_tables);
    let queue = DraftQueue::in_data_dir(&location.data_dir);
    let mut batch = queue.batch()?;
    let (mut drafted, mut failed) = (0, 0);
    let paths = files(&args.paths)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    // Files are read, extracted and their drafts serialised many at a time,
    // the next chunks of files while this one's drafts are written, in the
    // order of the files, so ids follow the order of the arguments.
    let work = |chunk: &[PathBuf]| -> Vec<Result<Vec<Prepared>>> {
        chunk
            .par_iter()
            .map(|path| {
                let read = read_file(path, format, args.published)?;
                Ok(prepare(&path.display().to_string(), read)?)
            })
            .collect()
    };
    let chunks: Vec<&[PathBuf]> = paths.chunks(256).collect();
    // A draft is told of only once it is durable: the lines of the chunks
    // written since the last commit wait for the next one, which comes
    // every second or so (two syncs each), and at the end.
    let mut told: Vec<String> = Vec::new();
    let mut last_commit = std::time::Instant::now();
    std::thread::scope(|scope| -> Result<()> {
        // Two chunks are read ahead of the one being written: with only
        // one, the readers stood idle while a commit waited for the disk.
        let mut ahead = chunks.iter().map(|&c| move || work(c));
        let mut pending: std::collections::VecDeque<_> =
            ahead.by_ref().take(2).map(|w| scope.spawn(w)).collect();
        for &chunk in &chunks {
            let read = match pending.pop_front().map(|p| p.join()) {
                Some(Ok(read)) => read,
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                None => break,
            };
            pending.extend(ahead.next().map(|w| scope.spawn(w)));
            // Ids in the order of the files, then the chunk's drafts written
            // on this thread while the next chunk is read.
            let planned: Vec<Result<(std::ops::Range<u64>, Vec<Prepared>)>> = read
                .into_iter()
                .map(|outcome| outcome.map(|drafts| (batch.take_ids(drafts.len()), drafts)))
                .collect();
            for (path, plan) in chunk.iter().zip(planned) {
                let written = plan.and_then(|(ids, drafts)| {
                    for (id, draft) in ids.clone().zip(&drafts) {
                        batch.write(id, draft)?;
                    }
                    Ok((ids, drafts))
                });
                match written {
                    Ok((ids, drafts)) => {
                        let origin = path.display().to_string();
                        for (id, draft) in ids.zip(&drafts) {
                            told.push(format!(
                                "draft {id}: {} candidates from {}",
                                draft.candidates,
                                printable(&origin)
                            ));
                        }
                        drafted += drafts.len();
                    }
                    Err(error) => {
                        failed += 1;
                        out.flush()?;
                        eprintln!("skipped {}: {error:#}", path.display());
                    }
                }
            }
            if pending.is_empty() || last_commit.elapsed() >= std::time::Duration::from_secs(1) {
                batch.commit()?;
                last_commit = std::time::Instant::now();
                for line in told.drain(..) {
                    writeln!(out, "{line}")?;
                }
                out.flush()?;
            }
        }
        Ok(())
    })?;
    batch.finish()?;
    out.flush()?;
    drop(out);
    println!("{drafted} drafts with candidates; review them with `truce drafts list`");
    Ok(if failed > 0 && drafted == 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The documents of one file that have candidates, with them.
type Read = Vec<(Document, Vec<Candidate>)>;

/// One file read and extracted. A reader that fails on one text must not
/// end a run over a directory: that text is skipped with the reason, like
/// one the reader refuses.
fn read_file(path: &Path, format: Format, published: Option<Date>) -> Result<Read> {
    let bytes = read_input(path)?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        truce_node::drafts::read_text(&bytes, format, published)
    }))
    .map_err(|panic| anyhow::anyhow!("the reader failed on this text: {}", panic_message(&panic)))?
    .map_err(anyhow::Error::from)
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a bug in the reader")
}

pub fn drafts(location: &Location, command: DraftsCommand) -> Result<ExitCode> {
    let queue = DraftQueue::in_data_dir(&location.data_dir);
    match command {
        DraftsCommand::List => {
            for id in queue.ids() {
                let draft = queue.get(id)?;
                let kinds: Vec<String> = draft.candidates.iter().map(describe).collect();
                println!(
                    "{:>5}  {}  {}",
                    id,
                    printable(&draft.origin),
                    printable(&kinds.join("; "))
                );
            }
        }
        DraftsCommand::Show { id } => {
            let draft = queue.get(id)?;
            println!("{}\n", printable(&draft.rendered()));
            for (i, candidate) in draft.candidates.iter().enumerate() {
                println!(
                    "candidate {i}: {}",
                    printable(&serde_json::to_string_pretty(candidate)?)
                );
            }
        }
        DraftsCommand::Template { id, candidate } => {
            let draft = queue.get(id)?;
            let chosen = draft
                .candidates
                .get(candidate)
                .with_context(|| format!("draft {id} has {} candidates", draft.candidates.len()))?;
            let Candidate::Event(event) = chosen else {
                bail!("candidate {candidate} is not an event: bulletin counts and meetings are not reports");
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&report_template(&draft, event)?)?
            );
        }
        DraftsCommand::Discard { id } => {
            queue.discard(id)?;
            println!("draft {id} discarded");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(candidate: &Candidate) -> String {
    match candidate {
        Candidate::BulletinCount(_) => "bulletin count".into(),
        Candidate::Event(e) => format!("event: {}", e.event_type.as_str()),
        Candidate::Meeting(_) => "meeting".into(),
    }
}

fn violation_type(event_type: EventType) -> Result<ViolationType> {
    match event_type {
        EventType::Violation(violation) => Ok(violation),
        other => bail!(
            "a {} is not a violation; it does not become a report",
            other.as_str()
        ),
    }
}

/// A report prefilled from what the text says; every field is for the
/// member to check before signing.
fn report_template(draft: &Draft, event: &Event) -> Result<ReportFields> {
    let location = event
        .location
        .as_ref()
        .context("the event has no location: add one by hand")?;
    let (lat, lon) = location
        .lat
        .zip(location.lon)
        .context("the event is located only to a governorate: add coordinates by hand")?;
    let date = event
        .date
        .as_ref()
        .map(|d| d.start)
        .or(draft.published)
        .context("the event has no date")?;
    let actor = |a: &Option<truce_extract::Actor>| {
        Actor::Unknown(
            a.as_ref()
                .map_or("not named in the text".into(), |a| a.name.clone()),
        )
    };
    Ok(ReportFields {
        occurred: date.at(0, 0, 0, 0),
        time_precision: TimePrecision::Day,
        location: Place {
            lat,
            lon,
            precision: GeoPrecision::Near,
            place: location.name.clone(),
        },
        violation_type: violation_type(event.event_type)?,
        clause: None,
        perpetrator: actor(&event.actor1),
        target: actor(&event.actor2),
        casualties: Vec::new(),
        sources: vec![Source {
            kind: SourceKind::Media,
            description: draft.source.clone().unwrap_or_else(|| draft.origin.clone()),
        }],
        evidence: Vec::new(),
        narrative: evidence_text(draft, event),
        observation: None,
    })
}

/// The stretch of text from the first to the last piece of evidence.
fn evidence_text(draft: &Draft, event: &Event) -> String {
    let start = event.evidence.iter().map(|e| e.span.start).min();
    let end = event.evidence.iter().map(|e| e.span.end).max();
    start
        .zip(end)
        .and_then(|(start, end)| draft.text.get(start..end))
        .map_or_else(|| "(from an ingested text)".to_string(), str::to_string)
}
