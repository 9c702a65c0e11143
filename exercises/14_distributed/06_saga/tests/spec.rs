//! The specification: a saga runs its steps in order; when one fails, the steps before it are
//! compensated in reverse order, each compensation retried; and the saga log lets a restarted
//! coordinator finish the job without repeating what it already did.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use saga::{Entry, Outcome, SagaLog, Step, StepError, run_saga};

/// Every call the services saw, in order, shared by the test's services.
type Calls = Rc<RefCell<Vec<String>>>;

/// A scripted service: its action and compensation record their names in `calls`, and fail
/// or crash (panic, as a dying coordinator) as the test says.
struct Service {
    action: &'static str,
    undo: &'static str,
    calls: Calls,
    action_fails: bool,
    /// How many of the next compensations fail before one succeeds.
    undo_failures: u32,
    /// Crash the coordinator right after the next compensation took effect, before it is logged.
    crash_after_undo: bool,
}

impl Step for Service {
    fn action(&mut self) -> Result<(), StepError> {
        if self.action_fails {
            self.calls
                .borrow_mut()
                .push(format!("{} (failed)", self.action));
            return Err(StepError(format!("{} failed", self.action)));
        }
        self.calls.borrow_mut().push(self.action.to_string());
        Ok(())
    }

    fn compensate(&mut self) -> Result<(), StepError> {
        if self.undo_failures > 0 {
            self.undo_failures -= 1;
            self.calls
                .borrow_mut()
                .push(format!("{} (failed)", self.undo));
            return Err(StepError(format!("{} failed", self.undo)));
        }
        self.calls.borrow_mut().push(self.undo.to_string());
        if self.crash_after_undo {
            self.crash_after_undo = false;
            panic!(
                "simulated crash (expected by the test): the coordinator dies after {}",
                self.undo
            );
        }
        Ok(())
    }
}

/// The order saga: reserve stock (0), charge payment (1), book shipping (2).
struct Order {
    steps: Vec<Box<dyn Step>>,
    calls: Calls,
}

impl Order {
    /// `tweak` adjusts step 0, 1 or 2 before the saga runs.
    fn new(tweak: impl Fn(usize, &mut Service)) -> Order {
        let calls = Calls::default();
        let names = [
            ("reserve", "release"),
            ("charge", "refund"),
            ("book", "cancel"),
        ];
        let steps = names
            .iter()
            .enumerate()
            .map(|(i, &(action, undo))| {
                let mut service = Service {
                    action,
                    undo,
                    calls: calls.clone(),
                    action_fails: false,
                    undo_failures: 0,
                    crash_after_undo: false,
                };
                tweak(i, &mut service);
                Box::new(service) as Box<dyn Step>
            })
            .collect();
        Order { steps, calls }
    }

    fn run(&mut self, log: &mut SagaLog, max_attempts: u32) -> Outcome {
        run_saga(&mut self.steps, log, max_attempts)
    }

    /// The calls so far, and forget them.
    fn take_calls(&self) -> Vec<String> {
        std::mem::take(&mut *self.calls.borrow_mut())
    }
}

use Entry::{Compensated, Done, Failed};

// ---------------------------------------------------------------------------------------------
// The forward path

#[test]
fn a_saga_without_steps_completes() {
    let mut log = SagaLog::new();
    assert_eq!(run_saga(&mut [], &mut log, 3), Outcome::Completed);
    assert!(log.entries().is_empty(), "nothing happened, nothing logged");
}

#[test]
fn every_step_runs_in_order_and_is_logged_done() {
    let mut order = Order::new(|_, _| {});
    let mut log = SagaLog::new();
    assert_eq!(order.run(&mut log, 3), Outcome::Completed);
    assert_eq!(order.take_calls(), ["reserve", "charge", "book"]);
    assert_eq!(log.entries(), [Done(0), Done(1), Done(2)]);
}

#[test]
fn a_failed_first_step_leaves_nothing_to_compensate() {
    let mut order = Order::new(|i, s| s.action_fails = i == 0);
    let mut log = SagaLog::new();
    assert_eq!(order.run(&mut log, 3), Outcome::Compensated { failed: 0 });
    assert_eq!(
        order.take_calls(),
        ["reserve (failed)"],
        "nothing ran before the failure, so nothing is undone, and nothing after it runs"
    );
    assert_eq!(log.entries(), [Failed(0)]);
}

// ---------------------------------------------------------------------------------------------
// Compensation

#[test]
fn a_failure_halfway_compensates_the_completed_steps_in_reverse_order() {
    let mut order = Order::new(|i, s| s.action_fails = i == 2);
    let mut log = SagaLog::new();
    assert_eq!(order.run(&mut log, 3), Outcome::Compensated { failed: 2 });
    assert_eq!(
        order.take_calls(),
        ["reserve", "charge", "book (failed)", "refund", "release"],
        "undo the last completed step first: refund the charge, then release the stock"
    );
    assert_eq!(
        log.entries(),
        [Done(0), Done(1), Failed(2), Compensated(1), Compensated(0)]
    );
}

#[test]
fn the_failed_step_itself_is_not_compensated() {
    let mut order = Order::new(|i, s| s.action_fails = i == 1);
    let mut log = SagaLog::new();
    assert_eq!(order.run(&mut log, 3), Outcome::Compensated { failed: 1 });
    assert_eq!(
        order.take_calls(),
        ["reserve", "charge (failed)", "release"],
        "the charge failed, so there is nothing to refund; shipping never ran"
    );
    assert_eq!(log.entries(), [Done(0), Failed(1), Compensated(0)]);
}

#[test]
fn a_failing_compensation_is_retried_until_it_succeeds() {
    let mut order = Order::new(|i, s| {
        s.action_fails = i == 2;
        if i == 1 {
            s.undo_failures = 2;
        }
    });
    let mut log = SagaLog::new();
    assert_eq!(
        order.run(&mut log, 3),
        Outcome::Compensated { failed: 2 },
        "the refund failed twice and succeeded on the 3rd of 3 attempts"
    );
    assert_eq!(
        order.take_calls(),
        [
            "reserve",
            "charge",
            "book (failed)",
            "refund (failed)",
            "refund (failed)",
            "refund",
            "release"
        ]
    );
    assert_eq!(
        log.entries(),
        [Done(0), Done(1), Failed(2), Compensated(1), Compensated(0)],
        "a compensation is logged once, when it succeeded"
    );
}

#[test]
fn a_compensation_failing_max_attempts_times_leaves_the_saga_stuck() {
    let mut order = Order::new(|i, s| {
        s.action_fails = i == 2;
        if i == 1 {
            s.undo_failures = 3;
        }
    });
    let mut log = SagaLog::new();
    assert_eq!(order.run(&mut log, 3), Outcome::Stuck { step: 1 });
    assert_eq!(
        order.take_calls(),
        [
            "reserve",
            "charge",
            "book (failed)",
            "refund (failed)",
            "refund (failed)",
            "refund (failed)"
        ],
        "exactly 3 attempts; and the stock is not released while the charge still stands"
    );
    assert_eq!(log.entries(), [Done(0), Done(1), Failed(2)]);
}

// ---------------------------------------------------------------------------------------------
// Resuming from the log

#[test]
fn a_completed_saga_run_again_does_nothing() {
    let mut order = Order::new(|_, _| {});
    let mut log = SagaLog::from_entries(vec![Done(0), Done(1), Done(2)]);
    assert_eq!(order.run(&mut log, 3), Outcome::Completed);
    assert_eq!(
        order.take_calls(),
        Vec::<String>::new(),
        "every step is logged done already"
    );
    assert_eq!(log.entries().len(), 3, "and nothing new is logged");
}

#[test]
fn a_restarted_saga_runs_only_the_steps_not_logged_done() {
    let mut order = Order::new(|_, _| {});
    // The coordinator crashed after reserving the stock.
    let mut log = SagaLog::from_entries(vec![Done(0)]);
    assert_eq!(order.run(&mut log, 3), Outcome::Completed);
    assert_eq!(
        order.take_calls(),
        ["charge", "book"],
        "the stock is reserved already: reserving again would reserve it twice"
    );
    assert_eq!(log.entries(), [Done(0), Done(1), Done(2)]);
}

#[test]
fn a_restarted_saga_that_had_failed_compensates_and_runs_nothing_forward() {
    let mut order = Order::new(|_, _| {});
    // The coordinator crashed right after logging the failure of shipping.
    let mut log = SagaLog::from_entries(vec![Done(0), Done(1), Failed(2)]);
    assert_eq!(order.run(&mut log, 3), Outcome::Compensated { failed: 2 });
    assert_eq!(
        order.take_calls(),
        ["refund", "release"],
        "the log says shipping failed: compensate, do not try the steps again"
    );
}

#[test]
fn a_stuck_saga_finishes_its_compensation_when_run_again() {
    let mut order = Order::new(|i, s| {
        s.action_fails = i == 2;
        if i == 1 {
            s.undo_failures = 3;
        }
    });
    let mut log = SagaLog::new();
    assert_eq!(order.run(&mut log, 3), Outcome::Stuck { step: 1 });
    order.take_calls();
    // The payment service is back (its 3 scripted failures are used up).
    assert_eq!(order.run(&mut log, 3), Outcome::Compensated { failed: 2 });
    assert_eq!(order.take_calls(), ["refund", "release"]);
    assert_eq!(
        log.entries(),
        [Done(0), Done(1), Failed(2), Compensated(1), Compensated(0)]
    );
}

#[test]
fn a_crash_mid_compensation_resumes_without_repeating_finished_work() {
    let mut order = Order::new(|i, s| {
        s.action_fails = i == 2;
        s.crash_after_undo = i == 0;
    });
    let mut log = SagaLog::new();
    let crashed = catch_unwind(AssertUnwindSafe(|| order.run(&mut log, 3)));
    assert!(
        crashed.is_err(),
        "the test crashes the coordinator after the release"
    );
    assert_eq!(
        order.take_calls(),
        ["reserve", "charge", "book (failed)", "refund", "release"]
    );
    assert_eq!(
        log.entries(),
        [Done(0), Done(1), Failed(2), Compensated(1)],
        "the refund was logged when it succeeded; the release's entry never got written"
    );

    // The coordinator restarts with the log it had written.
    assert_eq!(order.run(&mut log, 3), Outcome::Compensated { failed: 2 });
    assert_eq!(
        order.take_calls(),
        ["release"],
        "only the release is not logged: run it again (it is idempotent), and nothing else"
    );
    assert_eq!(
        log.entries(),
        [Done(0), Done(1), Failed(2), Compensated(1), Compensated(0)]
    );
}
