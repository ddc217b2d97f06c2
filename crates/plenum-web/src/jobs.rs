//! The run queue: a bounded channel of jobs and a fixed number of workers.
//!
//! Submitting never waits: when the channel is full the caller gets
//! [`Busy`] (the API answers 429 with Retry-After, estimated from the mean
//! run time). A worker marks the run `running`, computes it on a blocking
//! thread (`plenum_scenario::run_all`: calibration, then the scenarios in
//! parallel), writes its files into a temporary folder, renames that to
//! the run's folder and only then marks the run `done` (see
//! [`crate::registry`]). A run over the time limit is marked `failed` and
//! its late results are thrown away.
//!
//! Progress (status, stage, elapsed time) is published on a watch channel
//! per run, which the server-sent-events endpoint streams.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use plenum_scenario::Scenario;
use serde::Serialize;
use tokio::sync::{mpsc, watch};

use crate::registry::Status;
use crate::results::{write_run, Computed, RunInputs};
use crate::{App, WebError};

/// What the run page shows while a run goes on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Progress {
    pub status: Status,
    pub stage: String,
    pub elapsed_ms: u64,
    pub error: Option<String>,
}

/// One queued run.
pub struct Job {
    pub id: String,
    pub scenarios: Vec<Scenario>,
    pub text: String,
    pub seed: u64,
    /// Monte Carlo draws (0: a plain run).
    pub draws: usize,
}

/// The queue is full.
#[derive(Debug)]
pub struct Busy {
    pub retry_after: u64,
    pub waiting: usize,
}

pub struct Jobs {
    tx: mpsc::Sender<Job>,
    waiting: AtomicUsize,
    workers: usize,
    progress: Mutex<HashMap<String, Arc<watch::Sender<Progress>>>>,
    /// Mean seconds of a run (exponentially weighted), for Retry-After.
    mean_secs: Mutex<f64>,
}

type Rx = Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>;

impl Jobs {
    pub fn new(capacity: usize, workers: usize) -> (Self, Rx) {
        let (tx, rx) = mpsc::channel(capacity);
        (
            Self {
                tx,
                waiting: AtomicUsize::new(0),
                workers,
                progress: Mutex::new(HashMap::new()),
                mean_secs: Mutex::new(1.0),
            },
            Arc::new(tokio::sync::Mutex::new(rx)),
        )
    }

    fn progress_map(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, Arc<watch::Sender<Progress>>>> {
        self.progress.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues a job whose row is already `queued` in the registry.
    pub fn submit(&self, job: Job) -> Result<(), Busy> {
        let (ptx, _) = watch::channel(Progress {
            status: Status::Queued,
            stage: "waiting in the queue".into(),
            elapsed_ms: 0,
            error: None,
        });
        let id = job.id.clone();
        self.progress_map().insert(id.clone(), Arc::new(ptx));
        self.waiting.fetch_add(1, Ordering::SeqCst);
        match self.tx.try_send(job) {
            Ok(()) => Ok(()),
            Err(_) => {
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                self.progress_map().remove(&id);
                let waiting = self.waiting.load(Ordering::SeqCst);
                let mean = *self.mean_secs.lock().unwrap_or_else(|p| p.into_inner());
                let secs = (mean * (waiting as f64 + 1.0) / self.workers as f64).ceil();
                Err(Busy {
                    retry_after: (secs as u64).clamp(1, 600),
                    waiting,
                })
            }
        }
    }

    /// A receiver of a live run's progress; None once it has finished.
    pub fn subscribe(&self, id: &str) -> Option<watch::Receiver<Progress>> {
        self.progress_map().get(id).map(|s| s.subscribe())
    }

    /// Runs waiting (not yet picked up by a worker).
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    fn publish(&self, id: &str, p: Progress) {
        if let Some(s) = self.progress_map().get(id) {
            s.send_replace(p);
        }
    }

    fn finish(&self, id: &str, p: Progress) {
        if let Some(s) = self.progress_map().remove(id) {
            s.send_replace(p);
        }
    }
}

/// Starts `cfg.workers` workers on the runtime.
pub fn spawn_workers(app: &Arc<App>, rx: Rx) {
    for _ in 0..app.cfg.workers {
        let app = app.clone();
        let rx = rx.clone();
        tokio::spawn(async move {
            loop {
                let job = { rx.lock().await.recv().await };
                let Some(job) = job else { break };
                app.jobs.waiting.fetch_sub(1, Ordering::SeqCst);
                run_job(&app, job).await;
            }
        });
    }
}

async fn run_job(app: &Arc<App>, job: Job) {
    let id = job.id.clone();
    let t0 = Instant::now();
    let progress = |status, stage: &str, error: Option<String>| Progress {
        status,
        stage: stage.to_string(),
        elapsed_ms: t0.elapsed().as_millis() as u64,
        error,
    };
    if let Err(e) = app.registry.set_running(&id) {
        app.jobs
            .finish(&id, progress(Status::Failed, "failed", Some(e.to_string())));
        return;
    }
    app.jobs.publish(
        &id,
        progress(
            Status::Running,
            &format!(
                "calibrating and running {}",
                job.scenarios
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None,
        ),
    );
    let cancelled = Arc::new(AtomicBool::new(false));
    let handle = {
        let app = app.clone();
        let cancelled = cancelled.clone();
        tokio::task::spawn_blocking(move || execute(&app, &job, &cancelled))
    };
    let outcome = tokio::time::timeout(app.cfg.run_timeout, handle).await;
    let result: Result<serde_json::Value, String> = match outcome {
        Ok(Ok(Ok(summary))) => Ok(summary),
        Ok(Ok(Err(e))) => Err(e.to_string()),
        Ok(Err(join)) => Err(format!("the run stopped unexpectedly: {join}")),
        Err(_) => {
            cancelled.store(true, Ordering::SeqCst);
            Err(format!(
                "the run took longer than the limit of {} s (--run-timeout)",
                app.cfg.run_timeout.as_secs()
            ))
        }
    };
    let secs = t0.elapsed().as_secs_f64();
    {
        let mut m = app.jobs.mean_secs.lock().unwrap_or_else(|p| p.into_inner());
        *m = 0.8 * *m + 0.2 * secs;
    }
    match result {
        Ok(summary) => match app.registry.finish_done(&id, &summary) {
            Ok(()) => app.jobs.finish(&id, progress(Status::Done, "done", None)),
            Err(e) => {
                let msg = e.to_string();
                let _ = app.registry.finish_failed(&id, &msg);
                app.jobs
                    .finish(&id, progress(Status::Failed, "failed", Some(msg)));
            }
        },
        Err(msg) => {
            let _ = app.registry.finish_failed(&id, &msg);
            app.jobs
                .finish(&id, progress(Status::Failed, "failed", Some(msg)));
        }
    }
}

/// Computes a run and moves its files into place (blocking thread).
fn execute(app: &App, job: &Job, cancelled: &AtomicBool) -> Result<serde_json::Value, WebError> {
    // Owners of what `computed` borrows; only one is set.
    let set;
    let draws;
    let computed = if job.draws == 0 {
        set = plenum_scenario::run_all(&app.table.econ, &job.scenarios)?;
        Computed::Plain(&set)
    } else {
        // The draws calibrate on the shipped baseline (as `plenum run
        // --draws` does) and run the job's scenarios under common random
        // numbers; progress is published every 5% of the draws.
        let base = plenum_scenario::baseline()?;
        let done = AtomicUsize::new(0);
        let step = (job.draws / 20).max(1);
        let t0 = Instant::now();
        let d = plenum_scenario::montecarlo::run_draws(
            &app.table.econ,
            &job.scenarios,
            &base,
            &plenum_scenario::dists::defaults(),
            job.draws,
            job.seed,
            || {
                let k = done.fetch_add(1, Ordering::Relaxed) + 1;
                if k.is_multiple_of(step) && !cancelled.load(Ordering::Relaxed) {
                    app.jobs.publish(
                        &job.id,
                        Progress {
                            status: Status::Running,
                            stage: format!("draw {k} of {}", job.draws),
                            elapsed_ms: t0.elapsed().as_millis() as u64,
                            error: None,
                        },
                    );
                }
            },
        )?;
        draws = d;
        Computed::Draws(&draws)
    };
    if cancelled.load(Ordering::SeqCst) {
        return Err(WebError::Config("cancelled".into()));
    }
    app.jobs.publish(
        &job.id,
        Progress {
            status: Status::Running,
            stage: "writing results".into(),
            elapsed_ms: 0,
            error: None,
        },
    );
    let reg = &app.registry;
    let tmp = reg.tmp_dir(&job.id)?;
    let dest = reg.run_dir(&job.id)?;
    let io = |what: String| move |source| WebError::Io { what, source };
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io(format!("cannot clear {}", tmp.display())))?;
    }
    std::fs::create_dir_all(&tmp).map_err(io(format!("cannot create {}", tmp.display())))?;
    let inputs = RunInputs {
        id: &job.id,
        plenum_version: crate::VERSION,
        table_name: &app.table.name,
        table_hash: &app.table.hash,
        seed: job.seed,
        scenario_text: &job.text,
    };
    let written = write_run(&tmp, &inputs, &computed);
    let summary = match written {
        Ok(s) if !cancelled.load(Ordering::SeqCst) => s,
        other => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(other.err().unwrap_or(WebError::Config("cancelled".into())));
        }
    };
    if dest.exists() {
        std::fs::remove_dir_all(&dest).map_err(io(format!("cannot clear {}", dest.display())))?;
    }
    std::fs::rename(&tmp, &dest).map_err(io(format!(
        "cannot move {} to {}",
        tmp.display(),
        dest.display()
    )))?;
    Ok(summary)
}
