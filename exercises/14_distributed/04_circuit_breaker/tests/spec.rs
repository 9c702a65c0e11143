//! The specification of the breaker: it opens after `threshold` failures in a row, refuses
//! at once without calling while open, lets exactly one trial through from the end of the
//! cool-down (checked one millisecond before and exactly at, on a manual clock), closes on
//! the trial's success and reopens on its failure; the lock is never held while an operation
//! runs, and of several threads only one becomes the trial.

use std::cell::Cell;
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use circuit_breaker::{CallError, CircuitBreaker, ManualClock, State};

const COOL_DOWN: Duration = Duration::from_secs(10);

/// How long a test waits for a call that holds the lock before calling it a deadlock.
const HANG: Duration = Duration::from_secs(5);

fn ms(m: u64) -> Duration {
    Duration::from_millis(m)
}

/// A breaker that opens after 3 failures in a row, for 10 s.
fn breaker() -> (ManualClock, CircuitBreaker<ManualClock>) {
    let clock = ManualClock::new();
    (clock.clone(), CircuitBreaker::new(clock, 3, COOL_DOWN))
}

fn fail(breaker: &CircuitBreaker<ManualClock>) -> Result<u32, CallError<&'static str>> {
    breaker.call(|| Err("boom"))
}

fn succeed(breaker: &CircuitBreaker<ManualClock>) -> Result<u32, CallError<&'static str>> {
    breaker.call(|| Ok(7))
}

/// Calls with an operation that counts whether it ran.
fn counted(breaker: &CircuitBreaker<ManualClock>) -> (Result<u32, CallError<&'static str>>, bool) {
    let ran = Cell::new(false);
    let got = breaker.call(|| {
        ran.set(true);
        Ok(1)
    });
    (got, ran.get())
}

/// Opens the breaker with 3 failures at the clock's time now.
fn open(breaker: &CircuitBreaker<ManualClock>) {
    for _ in 0..3 {
        let _ = fail(breaker);
    }
}

// ---------------------------------------------------------------------------------------------
// Closed

#[test]
fn a_closed_breaker_passes_a_call_through() {
    let (_clock, breaker) = breaker();
    let (got, ran) = counted(&breaker);
    assert_eq!(got, Ok(1));
    assert!(ran, "closed: the operation runs");
    assert_eq!(breaker.state(), State::Closed { failures: 0 });
}

#[test]
fn a_failure_is_returned_as_failed_and_counted() {
    let (_clock, breaker) = breaker();
    assert_eq!(fail(&breaker), Err(CallError::Failed("boom")));
    assert_eq!(breaker.state(), State::Closed { failures: 1 });
}

#[test]
fn failures_below_the_threshold_keep_it_closed() {
    let (_clock, breaker) = breaker();
    let _ = fail(&breaker);
    let _ = fail(&breaker);
    assert_eq!(
        breaker.state(),
        State::Closed { failures: 2 },
        "2 failures, threshold 3"
    );
    let (_, ran) = counted(&breaker);
    assert!(ran, "still closed: the call goes through");
}

#[test]
fn a_success_resets_the_count_of_failures_in_a_row() {
    let (_clock, breaker) = breaker();
    let _ = fail(&breaker);
    let _ = fail(&breaker);
    assert_eq!(succeed(&breaker), Ok(7));
    let _ = fail(&breaker);
    let _ = fail(&breaker);
    assert_eq!(
        breaker.state(),
        State::Closed { failures: 2 },
        "failure, failure, success, failure, failure: the success reset the count, so only \
         2 failures are in a row"
    );
}

#[test]
fn the_threshold_th_failure_in_a_row_opens_it_for_the_cool_down() {
    let (clock, breaker) = breaker();
    clock.advance(ms(5_000));
    open(&breaker);
    assert_eq!(
        breaker.state(),
        State::Open { until: ms(15_000) },
        "the 3rd failure in a row at 5 s opens it until 5 s + 10 s"
    );
}

// ---------------------------------------------------------------------------------------------
// Open

#[test]
fn an_open_breaker_refuses_at_once_without_calling() {
    let (_clock, breaker) = breaker();
    open(&breaker);
    let (got, ran) = counted(&breaker);
    assert_eq!(got, Err(CallError::Open));
    assert!(
        !ran,
        "open: the operation must not run; failing fast spares the caller the wait and the \
         service the load"
    );
}

#[test]
fn it_stays_open_until_one_millisecond_before_the_cool_down_ends() {
    let (clock, breaker) = breaker();
    open(&breaker);
    clock.advance(COOL_DOWN - ms(1));
    let (got, ran) = counted(&breaker);
    assert_eq!(
        got,
        Err(CallError::Open),
        "opened at 0 s for 10 s; now 9.999 s"
    );
    assert!(!ran);
}

#[test]
fn a_refused_call_does_not_extend_the_cool_down() {
    let (clock, breaker) = breaker();
    open(&breaker);
    clock.advance(ms(5_000));
    let _ = counted(&breaker);
    assert_eq!(
        breaker.state(),
        State::Open { until: COOL_DOWN },
        "a refusal is not a failure of the service"
    );
}

// ---------------------------------------------------------------------------------------------
// Half-open

#[test]
fn exactly_at_the_end_of_the_cool_down_a_trial_call_goes_through() {
    let (clock, breaker) = breaker();
    open(&breaker);
    clock.advance(COOL_DOWN);
    let (got, ran) = counted(&breaker);
    assert!(
        ran,
        "opened at 0 s for 10 s; at 10 s (now >= until) the next call is the trial"
    );
    assert_eq!(got, Ok(1));
}

#[test]
fn a_successful_trial_closes_it() {
    let (clock, breaker) = breaker();
    open(&breaker);
    clock.advance(COOL_DOWN);
    assert_eq!(succeed(&breaker), Ok(7));
    assert_eq!(
        breaker.state(),
        State::Closed { failures: 0 },
        "the trial succeeded: closed, with a fresh count"
    );
    let _ = fail(&breaker);
    let _ = fail(&breaker);
    let (_, ran) = counted(&breaker);
    assert!(
        ran,
        "two failures after closing are below the threshold again"
    );
}

#[test]
fn a_failed_trial_opens_it_for_a_whole_new_cool_down() {
    let (clock, breaker) = breaker();
    open(&breaker);
    clock.advance(COOL_DOWN + ms(2_000));
    assert_eq!(
        fail(&breaker),
        Err(CallError::Failed("boom")),
        "the trial ran"
    );
    assert_eq!(
        breaker.state(),
        State::Open { until: ms(22_000) },
        "one failed trial at 12 s reopens it, until 12 s + 10 s: no threshold in half-open"
    );
    clock.advance(COOL_DOWN - ms(1));
    assert_eq!(counted(&breaker), (Err(CallError::Open), false));
    clock.advance(ms(1));
    assert_eq!(counted(&breaker), (Ok(1), true), "at 22 s, the next trial");
}

#[test]
fn while_the_trial_runs_the_breaker_is_half_open_and_refuses_other_calls() {
    let got = testkit::within(HANG, || {
        let (clock, breaker) = breaker();
        open(&breaker);
        clock.advance(COOL_DOWN);
        let mut seen = None;
        let result = breaker.call(|| {
            // The trial is running: look at the breaker from inside it.
            seen = Some((breaker.state(), counted(&breaker)));
            Ok::<_, &str>(1)
        });
        (result, seen)
    });
    let (result, seen) = got.unwrap_or_else(|_| {
        panic!(
            "a call made from inside the trial's operation never returned (or panicked): call \
             must not hold the state's lock while the operation runs, or every other caller \
             waits behind it instead of being refused at once"
        )
    });
    let (state, other) = seen.expect("the trial ran");
    assert_eq!(state, State::HalfOpen, "while the trial runs");
    assert_eq!(
        other,
        (Err(CallError::Open), false),
        "a second call during the trial is refused without running: one trial at a time"
    );
    assert_eq!(result, Ok(1));
}

#[test]
fn a_late_success_from_before_the_breaker_opened_does_not_close_it() {
    let got = testkit::within(HANG, || {
        let (clock, breaker) = breaker();
        let slow = breaker.call(|| {
            // While this slow call runs, three others fail and open the breaker.
            open(&breaker);
            clock.advance(COOL_DOWN);
            Ok::<_, &str>(1)
        });
        (slow, breaker.state(), counted(&breaker).1)
    });
    let (slow, state, next_ran) = got.expect("no call may hold the lock while its operation runs");
    assert_eq!(slow, Ok(1));
    assert_eq!(
        state,
        State::Open { until: COOL_DOWN },
        "the slow call was admitted while closed; by its end the breaker was open, so its \
         success says nothing about the service now and must be ignored"
    );
    assert!(
        next_ran,
        "the cool-down has passed: the next call is the trial"
    );
}

#[test]
fn a_late_failure_from_before_the_breaker_opened_does_not_reopen_it() {
    let got = testkit::within(HANG, || {
        let (clock, breaker) = breaker();
        let _ = breaker.call(|| {
            open(&breaker);
            Err::<u32, _>("late")
        });
        let first = breaker.state();
        clock.advance(COOL_DOWN);
        (first, counted(&breaker))
    });
    let (first, trial) = got.expect("no call may hold the lock while its operation runs");
    assert_eq!(
        first,
        State::Open { until: COOL_DOWN },
        "a failure admitted before the breaker opened must not extend the cool-down"
    );
    assert_eq!(trial, (Ok(1), true));
}

#[test]
fn with_a_threshold_of_one_the_first_failure_opens_it() {
    let clock = ManualClock::new();
    let breaker = CircuitBreaker::new(clock, 1, COOL_DOWN);
    let _ = fail(&breaker);
    assert_eq!(breaker.state(), State::Open { until: COOL_DOWN });
}

// ---------------------------------------------------------------------------------------------
// Threads

#[test]
fn of_many_threads_after_the_cool_down_exactly_one_runs_the_trial() {
    const THREADS: usize = 8;
    let clock = ManualClock::new();
    let breaker = Arc::new(CircuitBreaker::new(clock.clone(), 3, COOL_DOWN));
    open(&breaker);
    clock.advance(COOL_DOWN);

    // Each thread reports once: "ran" from inside its operation (then waits to be let go),
    // or "refused" when call returned Open. The trial is held open until every thread has
    // reported, so all the others arrive while it runs.
    let (report, reports) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let released = Arc::new(std::sync::Mutex::new(released));
    let start = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (breaker, report, released, start) = (
                breaker.clone(),
                report.clone(),
                released.clone(),
                start.clone(),
            );
            thread::spawn(move || {
                start.wait();
                let got = breaker.call(|| {
                    report.send("ran").unwrap();
                    let _ = released.lock().unwrap().recv_timeout(HANG);
                    Ok::<_, ()>(())
                });
                if got == Err(CallError::Open) {
                    report.send("refused").unwrap();
                }
            })
        })
        .collect();
    drop(report);
    let mut ran = 0;
    let mut refused = 0;
    for _ in 0..THREADS {
        match reports.recv_timeout(HANG) {
            Ok("ran") => ran += 1,
            Ok(_) => refused += 1,
            Err(_) => panic!(
                "only {} of {THREADS} threads reported within {HANG:?}: a call is blocked on \
                 the breaker's lock while the trial runs; refuse at once instead",
                ran + refused
            ),
        }
    }
    drop(release);
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(
        (ran, refused),
        (1, THREADS - 1),
        "{THREADS} threads call at the end of the cool-down: exactly one may be the trial \
         (check Open and move to HalfOpen under one lock); a recovering service must not \
         get the whole backlog at once"
    );
    assert_eq!(breaker.state(), State::Closed { failures: 0 });
}
