//! The specification of HOTP and TOTP: RFC 4226 App. D and RFC 6238 App. B (as facts, and the
//! whole of App. B from the vectors folder), then the server's check: a window of one step
//! either side, no code accepted twice, only well-formed codes.

use totp::{Algorithm, TotpVerifier, hotp, totp};

/// RFC 4226 App. D's secret (and RFC 6238's SHA-1 seed).
const SECRET: &[u8] = b"12345678901234567890";
const STEP: u64 = 30;
/// A step well away from zero: 2026-01-01T00:00:00Z / 30.
const T: u64 = 1_767_225_600 / STEP;

fn verifier() -> TotpVerifier {
    TotpVerifier::new(Algorithm::Sha1, SECRET, 6, STEP)
}

/// The 6-digit code of step `step`.
fn code(step: u64) -> String {
    hotp(Algorithm::Sha1, SECRET, step, 6)
}

/// A time in the middle of step `step`.
fn during(step: u64) -> u64 {
    step * STEP + 15
}

// ---------------------------------------------------------------------------------------------
// HOTP

#[test]
fn hotp_of_rfc4226_appendix_d() {
    let want = [
        "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
        "520489",
    ];
    for (counter, want) in want.iter().enumerate() {
        assert_eq!(
            hotp(Algorithm::Sha1, SECRET, counter as u64, 6),
            *want,
            "RFC 4226 App. D, count {counter}: HMAC-SHA1 of the 8-byte big-endian counter, dynamic \
             truncation (offset = low 4 bits of the last byte, top bit cleared), mod 10^6"
        );
    }
}

#[test]
fn hotp_keeps_leading_zeros() {
    // RFC 6238 App. B, SHA-1 at 1111111109 s, T = 0x23523EC.
    assert_eq!(
        hotp(Algorithm::Sha1, SECRET, 0x23523EC, 8),
        "07081804",
        "a code is text of exactly `digits` digits: 7081804 is written 07081804"
    );
}

// ---------------------------------------------------------------------------------------------
// TOTP

#[test]
fn totp_of_rfc6238_appendix_b() {
    let sha256 = b"12345678901234567890123456789012";
    let sha512 = b"1234567890123456789012345678901234567890123456789012345678901234";
    for (alg, secret, time, want) in [
        (Algorithm::Sha1, SECRET, 59, "94287082"),
        (Algorithm::Sha256, &sha256[..], 59, "46119246"),
        (Algorithm::Sha512, &sha512[..], 59, "90693936"),
        (Algorithm::Sha256, &sha256[..], 1111111109, "68084774"),
        (Algorithm::Sha512, &sha512[..], 20000000000, "47863826"),
    ] {
        assert_eq!(
            totp(alg, secret, time, 30, 8),
            want,
            "RFC 6238 App. B, {alg:?} at {time} s (T = {}): the truncation offset comes from the \
             last byte of a {}-byte MAC",
            time / 30,
            secret.len()
        );
    }
}

#[test]
fn totp_of_rfc6238_appendix_b_all_vectors() {
    let Some(text) = testkit::vectors::read_to_string("crypto/pyca/rfc-6238-TOTP.txt") else {
        return;
    };
    let mut run = 0;
    for block in text.split("\n\n") {
        let field = |name: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(" = "))
                .map(str::trim)
        };
        let (Some(time), Some(want), Some(mode), Some(secret)) =
            (field("TIME"), field("TOTP"), field("MODE"), field("SECRET"))
        else {
            continue;
        };
        let alg = match mode {
            "SHA1" => Algorithm::Sha1,
            "SHA256" => Algorithm::Sha256,
            "SHA512" => Algorithm::Sha512,
            other => panic!("unknown MODE {other}"),
        };
        let time: u64 = time.parse().unwrap();
        assert_eq!(
            totp(alg, secret.as_bytes(), time, 30, 8),
            want,
            "RFC 6238 App. B: {mode} at {time} s"
        );
        run += 1;
    }
    assert!(run >= 18, "RFC 6238 App. B has 18 cases; ran {run}");
}

#[test]
fn totp_changes_every_step() {
    for time in [0, 1, 29] {
        assert_eq!(
            totp(Algorithm::Sha1, SECRET, time, 30, 6),
            code(0),
            "{time} s is step 0"
        );
    }
    assert_eq!(
        totp(Algorithm::Sha1, SECRET, 30, 30, 6),
        code(1),
        "30 s is step 1"
    );
    assert_eq!(
        totp(Algorithm::Sha1, SECRET, 89, 30, 6),
        code(2),
        "89 s is step 2"
    );
    assert_eq!(
        totp(Algorithm::Sha1, SECRET, 89, 60, 6),
        code(1),
        "with a 60 s step, 89 s is step 1"
    );
}

// ---------------------------------------------------------------------------------------------
// The server's check

#[test]
fn the_current_code_is_accepted() {
    let mut v = verifier();
    assert!(
        v.verify(&code(T), during(T)),
        "the code of the current step"
    );
    assert_eq!(v.last_step, Some(T), "the step it matched is remembered");
}

#[test]
fn a_code_one_step_early_or_late_is_accepted() {
    let mut v = verifier();
    assert!(
        v.verify(&code(T - 1), T * STEP),
        "the previous step's code (typed slowly, or a slow clock)"
    );
    let mut v = verifier();
    assert!(
        v.verify(&code(T + 1), T * STEP + STEP - 1),
        "the next step's code (a fast clock)"
    );
    assert_eq!(v.last_step, Some(T + 1));
}

#[test]
fn a_code_two_steps_away_is_refused() {
    for step in [T - 2, T + 2, T - 10, 0] {
        let mut v = verifier();
        assert!(
            !v.verify(&code(step), during(T)),
            "the code of step {step} at step {T}: outside the ±1 window, each extra step helps a guesser"
        );
        assert_eq!(v.last_step, None, "a refused code changes nothing");
    }
}

#[test]
fn a_code_is_accepted_only_once() {
    let mut v = verifier();
    assert!(v.verify(&code(T), during(T)));
    assert!(
        !v.verify(&code(T), during(T) + 1),
        "the same code again: a code seen over a shoulder or relayed by a phishing page must not work twice"
    );
    assert!(
        !v.verify(&code(T), during(T + 1)),
        "nor later, while it is still inside the window"
    );
}

#[test]
fn an_older_code_is_refused_after_a_newer_one() {
    let mut v = verifier();
    assert!(v.verify(&code(T + 1), during(T)));
    assert!(
        !v.verify(&code(T), during(T)),
        "step {T} is before the step {} already used",
        T + 1
    );
    assert!(
        !v.verify(&code(T - 1), during(T)),
        "and so is step {}",
        T - 1
    );
    assert_eq!(v.last_step, Some(T + 1));
}

#[test]
fn a_newer_code_is_accepted_after_an_older_one() {
    let mut v = verifier();
    assert!(v.verify(&code(T - 1), during(T)));
    assert!(
        v.verify(&code(T), during(T)),
        "step {T} comes after the step used"
    );
    assert!(v.verify(&code(T + 1), during(T)));
    assert_eq!(v.last_step, Some(T + 1));
}

#[test]
fn the_window_moves_with_the_clock() {
    let mut v = verifier();
    assert!(v.verify(&code(T), during(T)));
    assert!(
        v.verify(&code(T + 2), during(T + 2)),
        "a later login, a later code"
    );
    assert!(
        !v.verify(&code(T + 1), during(T + 2)),
        "step {} is before the one used",
        T + 1
    );
}

#[test]
fn near_time_zero_the_window_does_not_underflow() {
    let mut v = verifier();
    assert!(v.verify(&code(0), 10), "step 0 at 10 s");
    let mut v = verifier();
    assert!(v.verify(&code(1), 10), "step 1 at 10 s");
    let mut v = verifier();
    assert!(!v.verify(&code(2), 10), "step 2 at 10 s: two steps ahead");
    assert!(
        v.verify(&code(0), 0),
        "step 0 at 0 s: the window is steps 0 and 1 only"
    );
}

#[test]
fn only_exactly_digits_ascii_digits_are_a_code() {
    let good = code(T);
    let mut v = verifier();
    for bad in [
        String::new(),
        good[..5].to_owned(),
        format!("{good}0"),
        format!(" {good}"),
        format!("{good}\n"),
        format!("+{}", &good[1..]),
        good.chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
            .collect(),
    ] {
        assert!(
            !v.verify(&bad, during(T)),
            "{bad:?} is not {} ASCII digits",
            6
        );
    }
    assert_eq!(v.last_step, None);
    assert!(
        v.verify(&good, during(T)),
        "and the good code still works after them"
    );
}

#[test]
fn leading_zeros_are_part_of_the_code() {
    // RFC 6238 App. B: SHA-1, 8 digits, at 1111111109 s the code is 07081804.
    let mut v = TotpVerifier::new(Algorithm::Sha1, SECRET, 8, 30);
    assert!(
        !v.verify("7081804", 1111111109),
        "7 digits are not an 8-digit code"
    );
    assert!(v.verify("07081804", 1111111109));
}

#[test]
fn another_users_code_is_refused() {
    let other = hotp(Algorithm::Sha1, b"another user's secret", T, 6);
    let mut v = verifier();
    assert!(
        !v.verify(&other, during(T)),
        "{other}, a code from another secret"
    );
    assert_eq!(v.last_step, None);
}

#[test]
fn a_sha256_verifier_uses_sha256() {
    let secret = b"12345678901234567890123456789012";
    let mut v = TotpVerifier::new(Algorithm::Sha256, secret, 8, 30);
    assert!(
        v.verify("68084774", 1111111109),
        "RFC 6238 App. B, SHA-256 at 1111111109 s"
    );
    assert!(!TotpVerifier::new(Algorithm::Sha1, secret, 8, 30).verify("68084774", 1111111109));
}
