//! Code under test that may hang (a read loop that never sees the end of its input, a server
//! that never stops) runs on its own thread, so the test fails in time instead of hanging.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// Runs `f` on a thread of its own and waits at most `limit` for its result. The error is
/// `Timeout` when it is still running (the thread is left behind), `Disconnected` when it
/// panicked (its message is already printed).
pub fn within<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, RecvTimeoutError> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_result_of_code_that_finishes() {
        assert_eq!(within(Duration::from_secs(5), || 6 * 7), Ok(42));
    }

    #[test]
    fn gives_up_on_code_that_hangs() {
        let (_keep, blocked) = mpsc::channel::<()>();
        let got = within(Duration::from_millis(10), move || blocked.recv());
        assert_eq!(got, Err(RecvTimeoutError::Timeout));
    }

    #[test]
    fn a_panic_is_disconnected_not_a_timeout() {
        let got: Result<(), _> = within(Duration::from_secs(5), || panic!("on purpose"));
        assert_eq!(got, Err(RecvTimeoutError::Disconnected));
    }
}
