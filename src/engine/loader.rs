//! Prepares sources off the audio and UI threads: one worker thread runs load jobs (decode,
//! resample to the engine's rate, solve the gain to target, design the match kernel) in request
//! order and hands back finished sources for the UI side to pass to the audio thread.

use super::source::{Source, SourceKey};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::JoinHandle;

/// Work that produces a source; an `Err` is a sentence for the user naming the file.
pub type LoadJob = Box<dyn FnOnce() -> Result<Source, String> + Send>;

/// The finished result of a job.
pub(crate) type Loaded = (SourceKey, Result<Source, String>);

/// One worker thread and its queues.
pub(crate) struct Loader {
    jobs: Option<Sender<(SourceKey, LoadJob)>>,
    done: Receiver<Loaded>,
    worker: Option<JoinHandle<()>>,
}

impl Loader {
    pub(crate) fn new() -> Loader {
        let (jobs, job_rx) = channel::<(SourceKey, LoadJob)>();
        let (done_tx, done) = channel();
        let worker = std::thread::Builder::new()
            .name("lathe-loader".into())
            .spawn(move || {
                for (key, job) in job_rx {
                    // A panicking decoder must not take the player down: report it as a failure.
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))
                        .unwrap_or_else(|_| Err("the decoder failed unexpectedly".to_string()));
                    if done_tx.send((key, result)).is_err() {
                        break;
                    }
                }
            })
            .ok();
        Loader {
            jobs: Some(jobs),
            done,
            worker,
        }
    }

    /// Queues a job.
    pub(crate) fn request(&self, key: SourceKey, job: LoadJob) -> Result<(), String> {
        self.jobs
            .as_ref()
            .and_then(|tx| tx.send((key, job)).ok())
            .ok_or_else(|| "the loader thread is not running".to_string())
    }

    /// Finished jobs since the last call.
    pub(crate) fn finished(&self) -> impl Iterator<Item = Loaded> + '_ {
        self.done.try_iter()
    }
}

impl Drop for Loader {
    fn drop(&mut self) {
        // Closing the queue ends the worker after its current job; it is not joined, so
        // closing the player never waits for a decode.
        self.jobs.take();
        self.worker.take();
    }
}
