//! Groups of work done in parallel and handed on in order.
//!
//! A reader that decodes a matrix by groups of columns on every core still
//! needs some things in column order: row sums added column by column (so
//! that they are the bits of validation's own pass), and, for Z read with
//! `Storage::Auto`, the running count of nonzeros that decides its storage
//! (`parquet_columns.rs`). [`in_order`] runs the groups on one worker per
//! thread of the pool, each taking the next group in order, and hands each
//! finished group to one consumer strictly in group order: a worker that
//! finishes a group waits until the groups before it were handed on, so at
//! most one finished group per worker waits, and what the consumer sees
//! (and decides) does not depend on which thread finished first.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

/// The next group to hand on, the consumer, how many groups it took, the
/// first failure and the first panic (re-raised once every worker is done:
/// a worker that unwound without taking its turn would leave the others
/// waiting).
struct Turn<A, E> {
    next: usize,
    after: A,
    handed: usize,
    done: bool,
    failed: Option<E>,
    panic: Option<Box<dyn std::any::Any + Send>>,
}

/// Runs `work(g)` for the groups g = 0, 1, …, ngroups − 1 on the thread
/// pool's threads and hands each result to `after(g, result)` in group
/// order. `after` returns whether to go on: once it returns false, or once
/// a group fails (the first failure in group order), the remaining groups
/// are skipped (a group already being worked on is finished and dropped)
/// and `after` is not called again. Returns the first failure, else how
/// many groups `after` took (all of them unless it stopped).
pub(crate) fn in_order<T, E: Send>(
    ngroups: usize,
    work: impl Fn(usize) -> Result<T, E> + Sync,
    after: impl FnMut(usize, T) -> bool + Send,
) -> Result<usize, E> {
    let next_group = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let turn = Mutex::new(Turn {
        next: 0,
        after,
        handed: 0,
        done: false,
        failed: None,
        panic: None,
    });
    let handed_on = Condvar::new();
    let worker = || loop {
        let g = next_group.fetch_add(1, Ordering::Relaxed);
        if g >= ngroups {
            return;
        }
        let result = if stop.load(Ordering::Relaxed) {
            None
        } else {
            Some(catch_unwind(AssertUnwindSafe(|| work(g))))
        };
        let mut t = turn.lock().unwrap_or_else(PoisonError::into_inner);
        while t.next != g {
            t = handed_on.wait(t).unwrap_or_else(PoisonError::into_inner);
        }
        let open = !t.done && t.failed.is_none() && t.panic.is_none();
        match result {
            Some(Ok(Ok(v))) if open => {
                let after = &mut t.after;
                match catch_unwind(AssertUnwindSafe(|| after(g, v))) {
                    Ok(go_on) => {
                        t.handed += 1;
                        if !go_on {
                            t.done = true;
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    Err(p) => {
                        t.panic = Some(p);
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            }
            Some(Ok(Err(e))) if open => {
                t.failed = Some(e);
                stop.store(true, Ordering::Relaxed);
            }
            Some(Err(p)) if open => {
                t.panic = Some(p);
                stop.store(true, Ordering::Relaxed);
            }
            _ => {}
        }
        t.next += 1;
        drop(t);
        handed_on.notify_all();
    };
    let workers = rayon::current_num_threads().clamp(1, ngroups.max(1));
    std::thread::scope(|s| {
        for _ in 1..workers {
            s.spawn(worker);
        }
        worker();
    });
    let t = turn.into_inner().unwrap_or_else(PoisonError::into_inner);
    if let Some(p) = t.panic {
        resume_unwind(p);
    }
    match t.failed {
        Some(e) => Err(e),
        None => Ok(t.handed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every group once, in order, whatever the threads; the first failure
    /// in order; a stop skips the rest.
    #[test]
    fn groups_are_handed_on_in_order() {
        for threads in [1, 2, 5] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                for n in [0, 1, 7, 40] {
                    let mut seen = Vec::new();
                    let r = in_order::<usize, ()>(
                        n,
                        |g| {
                            // Later groups finish first.
                            std::thread::sleep(std::time::Duration::from_micros(
                                ((n - g) * 50) as u64,
                            ));
                            Ok(g * g)
                        },
                        |g, v| {
                            assert_eq!(v, g * g);
                            seen.push(g);
                            true
                        },
                    );
                    assert_eq!(r, Ok(n));
                    assert_eq!(seen, (0..n).collect::<Vec<_>>());
                }
                let mut seen = Vec::new();
                let r = in_order(
                    20,
                    |g| if g == 9 || g == 15 { Err(g) } else { Ok(g) },
                    |g, _| {
                        seen.push(g);
                        true
                    },
                );
                assert_eq!((r, seen), (Err(9), (0..9).collect()));
                let mut seen = Vec::new();
                let r = in_order::<usize, ()>(
                    20,
                    |g| if g == 15 { Err(()) } else { Ok(g) },
                    |g, _| {
                        seen.push(g);
                        g < 6
                    },
                );
                assert_eq!((r, seen), (Ok(7), (0..7).collect()));
            });
        }
    }

    #[test]
    fn a_panic_is_raised_once_every_worker_is_done() {
        let r = catch_unwind(|| {
            in_order::<(), ()>(
                10,
                |g| {
                    assert!(g != 3, "group 3");
                    Ok(())
                },
                |_, ()| true,
            )
        });
        assert!(r.is_err());
    }
}
