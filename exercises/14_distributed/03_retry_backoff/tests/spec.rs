//! The specification of retries: the ceiling doubles from `base` up to `cap` (with no
//! overflow at any retry number), the delay is drawn from 0 to the ceiling (full jitter, with
//! scripted and seeded randomness), only retryable errors are retried, Retry-After replaces the
//! jitter, and a budget shared by every call caps the retries at a ratio of the calls. Every
//! wait is recorded by a fake sleep; nothing sleeps.

use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use retry_backoff::{Classify, Policy, Random, Retrier, RetryBudget, Sleep, SplitMix64, Verdict};

fn ms(m: u64) -> Duration {
    Duration::from_millis(m)
}

/// base 100 ms, cap 2 s, 5 attempts.
const POLICY: Policy = Policy {
    base: Duration::from_millis(100),
    cap: Duration::from_secs(2),
    max_attempts: 5,
};

/// Random numbers given by the test, in order. `up_to(max)` of `u64::MAX` is `max`, of 0 is
/// 0, of `HALF` is half of `max + 1`.
#[derive(Debug, Default)]
struct Script(VecDeque<u64>);

const TOP: u64 = u64::MAX;
const HALF: u64 = 1 << 63;

impl Script {
    fn of(values: &[u64]) -> Script {
        Script(values.iter().copied().collect())
    }
}

impl Random for Script {
    fn next_u64(&mut self) -> u64 {
        self.0.pop_front().expect(
            "the retrier drew more random numbers than the test scripted, so it retried more \
             than expected: one draw per jittered retry, none for a Retry-After, none for a \
             fatal error, none when it gives up (max_attempts, or no token in the budget)",
        )
    }
}

/// Records every wait instead of sleeping.
#[derive(Debug, Default, Clone)]
struct Recorder(Arc<Mutex<Vec<Duration>>>);

impl Recorder {
    fn waits(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

impl Sleep for Recorder {
    fn sleep(&mut self, duration: Duration) {
        self.0.lock().unwrap().push(duration);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Error {
    Unavailable,
    SlowDown(Duration),
    BadRequest,
}

impl Classify for Error {
    fn verdict(&self) -> Verdict {
        match self {
            Error::Unavailable => Verdict::Retry,
            Error::SlowDown(wait) => Verdict::RetryAfter(*wait),
            Error::BadRequest => Verdict::Fatal,
        }
    }
}

fn retrier(random: Script, budget: Arc<RetryBudget>) -> (Recorder, Retrier<Script, Recorder>) {
    let recorder = Recorder::default();
    let retrier = Retrier {
        policy: POLICY,
        budget,
        random,
        sleep: recorder.clone(),
    };
    (recorder, retrier)
}

/// A budget too big to matter.
fn plenty() -> Arc<RetryBudget> {
    RetryBudget::new(100, 1_000)
}

/// An operation that fails with `errors` in turn, then succeeds with the attempt number;
/// `calls` counts its attempts.
fn failing(errors: Vec<Error>, calls: &Cell<u32>) -> impl FnMut() -> Result<u32, Error> + '_ {
    let mut errors = VecDeque::from(errors);
    move || {
        calls.set(calls.get() + 1);
        match errors.pop_front() {
            Some(err) => Err(err),
            None => Ok(calls.get()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The ceiling

#[test]
fn the_ceiling_doubles_from_base_for_each_retry() {
    let got: Vec<Duration> = (1..=5).map(|n| POLICY.ceiling(n)).collect();
    assert_eq!(
        got,
        [ms(100), ms(200), ms(400), ms(800), ms(1600)],
        "ceiling(n) = base * 2^(n-1): retry 1 waits up to base"
    );
}

#[test]
fn the_ceiling_stops_at_the_cap() {
    assert_eq!(
        POLICY.ceiling(6),
        ms(2000),
        "100 ms * 2^5 = 3.2 s, over the 2 s cap"
    );
    assert_eq!(POLICY.ceiling(20), ms(2000));
}

#[test]
fn the_ceiling_of_a_huge_retry_number_is_the_cap_without_overflow() {
    for retry in [32, 33, 64, 65, 1_000, u32::MAX] {
        assert_eq!(
            POLICY.ceiling(retry),
            ms(2000),
            "retry {retry}: 2^(retry-1) * base overflows; past the cap the answer is the cap \
             (checked_pow, checked_mul), not a panic or a wrapped-around small number"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Full jitter

#[test]
fn the_delay_can_be_anything_from_zero_to_the_ceiling() {
    let mut random = Script::of(&[0, TOP, HALF, 0, TOP]);
    let got = [
        POLICY.delay(1, &mut random),
        POLICY.delay(1, &mut random),
        POLICY.delay(3, &mut random),
        POLICY.delay(6, &mut random),
        POLICY.delay(6, &mut random),
    ];
    assert_eq!(
        got,
        [ms(0), ms(100), ms(200), ms(0), ms(2000)],
        "full jitter draws one number in 0..=ceiling (in ms) with `up_to`: the lowest draw \
         waits 0, the highest the whole ceiling"
    );
}

#[test]
fn seeded_delays_spread_over_the_whole_range() {
    let mut random = SplitMix64(42);
    let delays: Vec<u64> = (0..2_000)
        .map(|_| POLICY.delay(3, &mut random).as_millis() as u64)
        .collect();
    let (min, max) = (*delays.iter().min().unwrap(), *delays.iter().max().unwrap());
    let mean = delays.iter().sum::<u64>() as f64 / delays.len() as f64;
    assert!(
        max <= 400,
        "retry 3's ceiling is 400 ms; got a delay of {max} ms"
    );
    assert!(
        min < 20 && max > 380,
        "2000 draws for retry 3 should cover 0..=400 ms; got {min}..={max} ms (full jitter \
         draws from 0, not from half the ceiling, and not the ceiling itself)"
    );
    assert!(
        (180.0..220.0).contains(&mean),
        "uniform in 0..=400 ms averages 200 ms; got {mean:.1} ms"
    );
}

// ---------------------------------------------------------------------------------------------
// Retrying

#[test]
fn a_success_is_returned_at_once() {
    let calls = Cell::new(0);
    let (sleeps, mut retrier) = retrier(Script::default(), plenty());
    assert_eq!(retrier.call(failing(vec![], &calls)), Ok(1));
    assert_eq!(calls.get(), 1, "one attempt");
    assert_eq!(sleeps.waits(), [], "no wait before a first attempt");
}

#[test]
fn a_retryable_error_is_retried_after_a_jittered_wait() {
    let calls = Cell::new(0);
    let (sleeps, mut retrier) = retrier(Script::of(&[TOP, HALF]), plenty());
    let got = retrier.call(failing(
        vec![Error::Unavailable, Error::Unavailable],
        &calls,
    ));
    assert_eq!(got, Ok(3), "two failures, then the 3rd attempt succeeds");
    assert_eq!(
        sleeps.waits(),
        [ms(100), ms(100)],
        "retry 1: all of its 100 ms ceiling (the script drew the top); retry 2: half of \
         its 200 ms ceiling"
    );
}

#[test]
fn a_fatal_error_is_returned_at_once() {
    let calls = Cell::new(0);
    let (sleeps, mut retrier) = retrier(Script::default(), plenty());
    let got = retrier.call(failing(vec![Error::BadRequest], &calls));
    assert_eq!(got, Err(Error::BadRequest));
    assert_eq!(
        calls.get(),
        1,
        "a 400 will be a 400 again: retrying it only adds load"
    );
    assert_eq!(sleeps.waits(), []);
}

#[test]
fn a_fatal_error_after_retries_ends_them() {
    let calls = Cell::new(0);
    let (_sleeps, mut retrier) = retrier(Script::of(&[0]), plenty());
    let got = retrier.call(failing(vec![Error::Unavailable, Error::BadRequest], &calls));
    assert_eq!(got, Err(Error::BadRequest), "the last error is returned");
    assert_eq!(calls.get(), 2);
}

#[test]
fn attempts_stop_at_max_attempts_with_the_last_error() {
    let calls = Cell::new(0);
    let (sleeps, mut retrier) = retrier(Script::of(&[TOP; 4]), plenty());
    let got = retrier.call(failing(vec![Error::Unavailable; 10], &calls));
    assert_eq!(got, Err(Error::Unavailable));
    assert_eq!(
        calls.get(),
        5,
        "max_attempts 5 counts the first attempt: 1 + 4 retries"
    );
    assert_eq!(
        sleeps.waits(),
        [ms(100), ms(200), ms(400), ms(800)],
        "a wait before each retry, none after the last attempt"
    );
}

#[test]
fn a_call_that_succeeds_on_the_last_attempt_succeeds() {
    let calls = Cell::new(0);
    let (_sleeps, mut retrier) = retrier(Script::of(&[0; 4]), plenty());
    let got = retrier.call(failing(vec![Error::Unavailable; 4], &calls));
    assert_eq!(got, Ok(5), "4 failures, and the 5th attempt is allowed");
}

// ---------------------------------------------------------------------------------------------
// Retry-After

#[test]
fn retry_after_is_waited_exactly_without_a_random_draw() {
    let calls = Cell::new(0);
    let (sleeps, mut retrier) = retrier(Script::of(&[TOP]), plenty());
    let got = retrier.call(failing(
        vec![Error::SlowDown(ms(1500)), Error::Unavailable],
        &calls,
    ));
    assert_eq!(got, Ok(3));
    assert_eq!(
        sleeps.waits(),
        [ms(1500), ms(200)],
        "the server asked for 1.5 s: wait that, not a jittered backoff; the next retry \
         (retry 2) draws its jitter as usual, from the one scripted number"
    );
}

#[test]
fn retry_after_of_exactly_the_cap_is_waited() {
    let calls = Cell::new(0);
    let (sleeps, mut retrier) = retrier(Script::default(), plenty());
    let got = retrier.call(failing(vec![Error::SlowDown(ms(2000))], &calls));
    assert_eq!(got, Ok(2), "2 s is the cap: still waited");
    assert_eq!(sleeps.waits(), [ms(2000)]);
}

#[test]
fn retry_after_longer_than_the_cap_gives_up() {
    let calls = Cell::new(0);
    let (sleeps, mut retrier) = retrier(Script::default(), plenty());
    let got = retrier.call(failing(vec![Error::SlowDown(ms(2001))], &calls));
    assert_eq!(
        got,
        Err(Error::SlowDown(ms(2001))),
        "the server wants 2.001 s, more than the 2 s cap: fail now rather than wait longer \
         than the policy ever would"
    );
    assert_eq!(calls.get(), 1);
    assert_eq!(sleeps.waits(), []);
}

// ---------------------------------------------------------------------------------------------
// The budget

#[test]
fn a_budget_starts_with_max_retries_tokens() {
    let budget = RetryBudget::new(10, 3);
    assert_eq!(budget.tokens(), 3);
    assert!(budget.try_withdraw() && budget.try_withdraw() && budget.try_withdraw());
    assert!(
        !budget.try_withdraw(),
        "3 tokens, 3 retries: the 4th must be refused"
    );
    assert_eq!(budget.tokens(), 0);
}

#[test]
fn each_call_deposits_a_percent_of_a_token() {
    let budget = RetryBudget::new(10, 1);
    assert!(budget.try_withdraw());
    for n in 1..10 {
        budget.deposit();
        assert!(
            !budget.try_withdraw(),
            "{n} calls at 10% deposit {}% of a token: not a whole one yet",
            n * 10
        );
    }
    budget.deposit();
    assert!(budget.try_withdraw(), "10 calls at 10%: one whole token");
}

#[test]
fn the_balance_never_grows_past_max_retries() {
    let budget = RetryBudget::new(50, 2);
    for _ in 0..100 {
        budget.deposit();
    }
    assert_eq!(
        budget.tokens(),
        2,
        "a quiet hour must not save up a retry storm: the balance stops at max_retries"
    );
}

#[test]
fn a_retry_is_refused_when_the_budget_is_spent() {
    let budget = RetryBudget::new(0, 2);
    let calls = Cell::new(0);
    let (sleeps, mut retrier) = retrier(Script::of(&[0, 0]), budget.clone());
    let got = retrier.call(failing(vec![Error::Unavailable; 10], &calls));
    assert_eq!(got, Err(Error::Unavailable));
    assert_eq!(
        calls.get(),
        3,
        "2 tokens: the first attempt and 2 retries, although max_attempts allows 5; each \
         retry must call try_withdraw"
    );
    assert_eq!(sleeps.waits().len(), 2);
    calls.set(0);
    let _ = retrier.call(failing(vec![Error::Unavailable; 10], &calls));
    assert_eq!(calls.get(), 1, "the budget is empty: no retry at all");
}

#[test]
fn giving_up_at_max_attempts_spends_no_token() {
    let budget = RetryBudget::new(0, 10);
    let calls = Cell::new(0);
    let (_sleeps, mut retrier) = retrier(Script::of(&[0; 4]), budget.clone());
    let _ = retrier.call(failing(vec![Error::Unavailable; 10], &calls));
    assert_eq!(
        budget.tokens(),
        6,
        "4 retries cost 4 tokens; the 5th failure ends the call without a retry, so it \
         must not take a token (check max_attempts before try_withdraw)"
    );
}

#[test]
fn a_fatal_error_or_a_success_spends_no_token() {
    let budget = RetryBudget::new(0, 1);
    let calls = Cell::new(0);
    let (_sleeps, mut retrier) = retrier(Script::default(), budget.clone());
    let _ = retrier.call(failing(vec![Error::BadRequest], &calls));
    let _ = retrier.call(failing(vec![], &calls));
    let _ = retrier.call(failing(vec![Error::SlowDown(ms(5000))], &calls));
    assert_eq!(budget.tokens(), 1, "no retry happened: no token spent");
}

#[test]
fn each_call_deposits_once_not_each_attempt() {
    let budget = RetryBudget::new(50, 2);
    let calls = Cell::new(0);
    let (_sleeps, mut retrier) = retrier(Script::of(&[0; 4]), budget.clone());
    let _ = retrier.call(failing(vec![Error::Unavailable; 10], &calls));
    assert_eq!(
        calls.get(),
        3,
        "2 tokens, 2 retries: the call deposits once, when it starts (the budget is full \
         then); a deposit per attempt would pay for more retries of the same call"
    );
    assert_eq!(budget.tokens(), 0);
    let _ = retrier.call(failing(vec![Error::BadRequest], &calls));
    let _ = retrier.call(failing(vec![Error::BadRequest], &calls));
    assert_eq!(budget.tokens(), 1, "two more calls at 50%: one token");
}

#[test]
fn a_budget_is_shared_by_retriers() {
    let budget = RetryBudget::new(0, 2);
    let calls = Cell::new(0);
    let (_a_sleeps, mut a) = retrier(Script::of(&[0, 0]), budget.clone());
    let (_b_sleeps, mut b) = retrier(Script::default(), budget.clone());
    let _ = a.call(failing(vec![Error::Unavailable; 10], &calls));
    calls.set(0);
    let _ = b.call(failing(vec![Error::Unavailable; 10], &calls));
    assert_eq!(
        calls.get(),
        1,
        "retrier a spent the shared budget: b must not retry"
    );
}

#[test]
fn over_many_failing_calls_retries_stay_within_the_ratio() {
    let budget = RetryBudget::new(10, 5);
    let calls = Cell::new(0);
    let (_sleeps, mut retrier) = retrier(Script::of(&[0; 200]), budget);
    for _ in 0..100 {
        let _ = retrier.call(failing(vec![Error::Unavailable; 10], &calls));
    }
    let retries = calls.get() - 100;
    assert_eq!(
        retries, 14,
        "100 calls to a service that is down, 10% and 5 tokens: 5 to start, then one per \
         10 calls (the first call's deposit found the budget full): 14 retries, where \
         max_attempts alone would allow 400"
    );
}

#[test]
fn threads_sharing_a_budget_never_overspend_it() {
    let budget = RetryBudget::new(10, 5);
    let retries = Arc::new(Mutex::new(0u32));
    let threads: Vec<_> = (0..4)
        .map(|seed| {
            let budget = budget.clone();
            let retries = retries.clone();
            thread::spawn(move || {
                let mut retrier = Retrier {
                    policy: POLICY,
                    budget,
                    random: SplitMix64(seed),
                    sleep: Recorder::default(),
                };
                for _ in 0..250 {
                    let calls = Cell::new(0);
                    let _ = retrier.call(failing(vec![Error::Unavailable; 10], &calls));
                    *retries.lock().unwrap() += calls.get() - 1;
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("a retrier thread panicked");
    }
    let retries = *retries.lock().unwrap();
    assert!(
        retries <= 5 + 100,
        "1000 calls at 10% with 5 tokens allow at most 105 retries; got {retries} (check and \
         withdraw under one lock, or two threads spend the same token)"
    );
    assert!(
        retries >= 100,
        "the budget allows about 104 retries; got {retries}"
    );
}
