//! The signature check in front of the writer: what members submit is
//! verified here, on threads of its own, one per core, and handed to the
//! writer in the order it came.
//!
//! Verifying each statement on its submitter's task, between decoding, the
//! channels and the writer's commits, cost about a tenth more per
//! signature than verifying runs of them does; the signature check is
//! most of what an append costs.
//!
//! Each thread takes a few statements at a time from the queue, in order,
//! checks them, and passes them on if all taken before them were passed
//! on; if not, it leaves them for the thread that passes those on, and
//! takes more. No thread waits for another's work.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::mpsc;
use truce_record::{Rejection, VerifyingKey};

use crate::ledger::{take_queued, AppendError, Request};
use crate::StoreError;

/// Most statements a thread takes at once: few enough that a busy queue
/// is shared among the threads, enough that the locks cost nothing.
const MOST_AT_ONCE: usize = 16;

/// The keys the statements of a batch are signed with, where the Record
/// already holds them, and the Record's committed size: both read at
/// once, under one lock.
pub(crate) type KeysOf = dyn Fn(&[Request]) -> (Vec<Option<VerifyingKey>>, u64) + Send + Sync;

/// Starts the check: it ends when `queue` is closed and drained, and
/// closes `writer` behind it.
pub(crate) fn start(
    queue: mpsc::Receiver<Request>,
    writer: mpsc::Sender<Request>,
    keys: Box<KeysOf>,
) -> Result<(), StoreError> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let check = Arc::new(Check {
        queue: Mutex::new(Queue {
            receiver: queue,
            taken: 0,
        }),
        passing: Mutex::new(Passing {
            writer,
            passed: 0,
            waiting: BTreeMap::new(),
        }),
        keys,
        threads,
    });
    for i in 0..threads {
        let check = Arc::clone(&check);
        let started = std::thread::Builder::new()
            .name(format!("truce-verify-{i}"))
            .spawn(move || check.run());
        match started {
            Ok(_) => {}
            // One thread is enough to go on with, if slower.
            Err(e) if i > 0 => tracing::warn!("signatures are checked on {i} threads: {e}"),
            Err(e) => return Err(StoreError::Thread(e)),
        }
    }
    Ok(())
}

struct Check {
    queue: Mutex<Queue>,
    passing: Mutex<Passing>,
    keys: Box<KeysOf>,
    threads: usize,
}

struct Queue {
    receiver: mpsc::Receiver<Request>,
    /// How many statements were taken from the queue so far: the first
    /// of the next ones taken is the `taken`th.
    taken: u64,
}

struct Passing {
    writer: mpsc::Sender<Request>,
    /// How many statements were passed on to the writer (or refused).
    passed: u64,
    /// Statements checked ahead of their turn, by where their run begins.
    waiting: BTreeMap<u64, Vec<Checked>>,
}

/// A statement checked: passed on if its signature held (or its key was
/// not known yet, for the writer to check), answered here if it did not.
struct Checked {
    request: Request,
    good: bool,
    size: u64,
}

impl Check {
    fn run(&self) {
        while let Some((first, batch)) = self.take() {
            let (keys, size) = (self.keys)(&batch);
            let checked = batch
                .into_iter()
                .zip(keys)
                .map(|(mut request, key)| {
                    // A key the Record does not hold yet is admitted by an
                    // earlier statement still on its way: the writer checks
                    // those.
                    let good = key
                        .as_ref()
                        .is_none_or(|key| request.candidate.check_signature(key));
                    Checked {
                        request,
                        good,
                        size,
                    }
                })
                .collect();
            if !self.pass_on(first, checked) {
                return;
            }
        }
    }

    /// The next statements in the queue, and where they are in it; waits
    /// for one. `None` once the queue is closed and empty.
    fn take(&self) -> Option<(u64, Vec<Request>)> {
        let mut queue = lock(&self.queue);
        let first = queue.receiver.blocking_recv()?;
        // A share of what is queued, so a short queue is checked by all
        // the threads at once.
        let share = (queue.receiver.len() + 1).div_ceil(self.threads);
        let mut batch = vec![first];
        take_queued(
            &mut queue.receiver,
            &mut batch,
            share.clamp(1, MOST_AT_ONCE),
        );
        let at = queue.taken;
        queue.taken += batch.len() as u64;
        Some((at, batch))
    }

    /// Passes `checked` on if its turn came, with whatever waited for it;
    /// leaves it waiting if not. False once the writer has stopped.
    fn pass_on(&self, at: u64, checked: Vec<Checked>) -> bool {
        let mut passing = lock(&self.passing);
        if at != passing.passed {
            passing.waiting.insert(at, checked);
            return true;
        }
        let mut run = checked;
        loop {
            passing.passed += run.len() as u64;
            for Checked {
                request,
                good,
                size,
            } in run
            {
                if good {
                    if passing.writer.blocking_send(request).is_err() {
                        return false;
                    }
                } else {
                    let author = request.candidate.statement.author.to_hex();
                    let _ = request.reply.send(Err(AppendError::Refused {
                        position: size,
                        rejection: Rejection::BadSignature(author),
                    }));
                }
            }
            let next = passing.passed;
            match passing.waiting.remove(&next) {
                Some(waited) => run = waited,
                None => return true,
            }
        }
    }
}

/// A lock that a panic elsewhere leaves usable: what it guards is changed
/// only in steps that leave it whole.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
