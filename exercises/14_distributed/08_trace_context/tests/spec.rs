//! The specification: W3C Trace Context (Recommendation, 23 November 2021,
//! <https://www.w3.org/TR/trace-context/>). Cases marked "test suite" are from the W3C's own
//! conformance tests (github.com/w3c/trace-context, test/test.py), written here as facts.

use trace_context::{
    Incoming, MAX_MEMBERS, Outgoing, Span, TraceParent, TraceState, outgoing, parse_traceparent,
    parse_tracestate, valid_key,
};

/// A valid version-00 header of the test suite, to break one field at a time.
const VALID: &str = "00-12345678901234567890123456789012-1234567890123456-01";

#[track_caller]
fn parsed(header: &str) -> TraceParent {
    parse_traceparent(header).unwrap_or_else(|| {
        panic!("traceparent {header:?} is valid, but parse_traceparent refused it")
    })
}

#[track_caller]
fn refused(header: &str, why: &str) {
    let got = parse_traceparent(header);
    assert!(
        got.is_none(),
        "traceparent {header:?} is invalid ({why}), got {got:?}"
    );
}

fn state(pairs: &[(&str, &str)]) -> TraceState {
    TraceState {
        members: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

#[track_caller]
fn tracestate(fields: &[&str]) -> TraceState {
    parse_tracestate(fields).unwrap_or_else(|| {
        panic!("tracestate {fields:?} is valid, but parse_tracestate refused it")
    })
}

#[track_caller]
fn discarded(fields: &[&str], why: &str) {
    let got = parse_tracestate(fields);
    assert!(
        got.is_none(),
        "tracestate {fields:?} must be discarded ({why}), got {got:?}"
    );
}

/// `n` members `k0=v0,k1=v1,...`.
fn members(n: usize) -> String {
    (0..n)
        .map(|i| format!("k{i}=v{i}"))
        .collect::<Vec<_>>()
        .join(",")
}

// ---------------------------------------------------------------------------------------------
// traceparent (§3.2)

#[test]
fn parses_the_specs_sampled_example() {
    // §3.2.3, "Valid traceparent when caller sampled this request".
    let tp = parsed("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assert_eq!(
        tp,
        TraceParent {
            trace_id: 0x4bf92f3577b34da6a3ce929d0e0e4736,
            parent_id: 0x00f067aa0ba902b7,
            sampled: true
        }
    );
}

#[test]
fn parses_the_specs_not_sampled_example() {
    // §3.2.3, "Valid traceparent when caller didn't sample this request".
    let tp = parsed("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
    assert!(!tp.sampled, "flags 00: not sampled");
    assert_eq!(tp.trace_id, 0x4bf92f3577b34da6a3ce929d0e0e4736);
}

#[test]
fn sampled_is_bit_0_of_the_flags() {
    // §3.2.2.5: "a flag 00000001 could be encoded as 01 in hex, or 09 in hex if present with
    // the flag 00001000. A common mistake in bit fields is forgetting to mask".
    for (flags, sampled) in [("09", true), ("ff", true), ("08", false), ("02", false)] {
        let header = format!("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-{flags}");
        assert_eq!(
            parsed(&header).sampled,
            sampled,
            "flags {flags}: sampled is bit 0 alone (flags & 1), not the whole byte"
        );
    }
}

#[test]
fn spaces_and_tabs_around_the_header_are_ignored() {
    // Test suite, test_traceparent_ows_handling.
    for header in [
        format!(" {VALID}"),
        format!("\t{VALID}"),
        format!("{VALID} "),
        format!("{VALID}\t"),
        format!("\t {VALID} \t"),
    ] {
        assert_eq!(parsed(&header).trace_id, 0x12345678901234567890123456789012);
    }
}

#[test]
fn an_all_zero_trace_id_is_invalid() {
    // §3.2.2.3: "All bytes as zero ... is considered an invalid value."
    refused(
        "00-00000000000000000000000000000000-1234567890123456-01",
        "all-zero trace-id",
    );
}

#[test]
fn an_all_zero_parent_id_is_invalid() {
    // §3.2.2.4.
    refused(
        "00-12345678901234567890123456789012-0000000000000000-01",
        "all-zero parent-id",
    );
}

#[test]
fn version_ff_is_invalid() {
    // §3.2.2.1: "Version ff is invalid."; test suite, test_traceparent_version_0xff.
    refused(
        "ff-12345678901234567890123456789012-1234567890123456-01",
        "version ff is forbidden",
    );
}

#[test]
fn uppercase_hex_is_invalid() {
    // §3.2.2: every field is HEXDIGLC, lowercase hex.
    refused(
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "uppercase trace-id",
    );
    refused(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
        "uppercase parent-id",
    );
    refused(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
        "uppercase flags",
    );
    refused(
        "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "uppercase version",
    );
}

#[test]
fn illegal_characters_in_any_field_are_invalid() {
    // Test suite, test_traceparent_*_illegal_characters.
    for (header, why) in [
        (
            ".0-12345678901234567890123456789012-1234567890123456-01",
            "version",
        ),
        (
            "0.-12345678901234567890123456789012-1234567890123456-01",
            "version",
        ),
        (
            "00-.2345678901234567890123456789012-1234567890123456-01",
            "trace-id",
        ),
        (
            "00-1234567890123456789012345678901.-1234567890123456-01",
            "trace-id",
        ),
        (
            "00-12345678901234567890123456789012-.234567890123456-01",
            "parent-id",
        ),
        (
            "00-12345678901234567890123456789012-123456789012345.-01",
            "parent-id",
        ),
        (
            "00-12345678901234567890123456789012-1234567890123456-.0",
            "trace-flags",
        ),
        (
            "00-12345678901234567890123456789012-1234567890123456-0.",
            "trace-flags",
        ),
        (
            "00-+2345678901234567890123456789012-1234567890123456-01",
            "a sign is not hex",
        ),
        (
            "00-12345678901234567890123456789012-1234567890123456-+1",
            "a sign is not hex",
        ),
    ] {
        refused(
            header,
            &format!("a character that is not lowercase hex in the {why}"),
        );
    }
}

#[test]
fn fields_of_the_wrong_length_are_invalid() {
    // Test suite, test_traceparent_*_too_long / *_too_short.
    for (header, why) in [
        (
            "000-12345678901234567890123456789012-1234567890123456-01",
            "version of 3",
        ),
        (
            "0-12345678901234567890123456789012-1234567890123456-01",
            "version of 1",
        ),
        (
            "00-123456789012345678901234567890123-1234567890123456-01",
            "trace-id of 33",
        ),
        (
            "00-1234567890123456789012345678901-1234567890123456-01",
            "trace-id of 31",
        ),
        (
            "00-12345678901234567890123456789012-12345678901234567-01",
            "parent-id of 17",
        ),
        (
            "00-12345678901234567890123456789012-123456789012345-01",
            "parent-id of 15",
        ),
        (
            "00-12345678901234567890123456789012-1234567890123456-001",
            "flags of 3",
        ),
        (
            "00-12345678901234567890123456789012-1234567890123456-1",
            "flags of 1",
        ),
    ] {
        refused(header, why);
    }
}

#[test]
fn the_delimiters_must_be_dashes() {
    for at in [2, 35, 52] {
        let mut header = VALID.to_string();
        header.replace_range(at..at + 1, "_");
        refused(&header, &format!("'_' instead of '-' at byte {at}"));
    }
}

#[test]
fn version_00_has_nothing_after_the_flags() {
    // Test suite, test_traceparent_version_0x00.
    refused(&format!("{VALID}."), "version 00 is exactly 55 characters");
    refused(
        &format!("{VALID}-what-the-future-will-be-like"),
        "fields after the flags are for later versions, not 00",
    );
}

#[test]
fn a_higher_version_is_parsed_as_version_00() {
    // §3.2.4; test suite, test_traceparent_version_0xcc.
    let cc = "cc-12345678901234567890123456789012-1234567890123456-01";
    assert_eq!(parsed(cc).trace_id, 0x12345678901234567890123456789012);
    let longer = format!("{cc}-what-the-future-will-be-like");
    let tp = parsed(&longer);
    assert_eq!(
        (tp.trace_id, tp.parent_id, tp.sampled),
        (0x12345678901234567890123456789012, 0x1234567890123456, true),
        "a later version may add fields after a dash: read the first 55 characters as 00"
    );
    refused(
        &format!("{cc}.what-the-future-will-be-like"),
        "after the flags, a later version's extra fields must start with a dash",
    );
}

#[test]
fn a_higher_version_shorter_than_55_characters_is_invalid() {
    // §3.2.4: "If the size of the header is shorter than 55 characters, the vendor should not
    // parse the header and should restart the trace."
    refused(
        "cc-12345678901234567890123456789012-1234567890123456-1",
        "54 characters",
    );
    refused(
        "cc-12345678901234567890123456789012-1234567890123456",
        "no flags",
    );
}

#[test]
fn empty_short_and_non_ascii_headers_are_invalid() {
    refused("", "empty");
    refused("00", "a version alone");
    refused("00-", "a version alone");
    // A multi-byte character where a dash should be: refused, and no panic on a slice.
    refused(
        "00-1234567890123456789012345678901é-234567890123456-01",
        "non-ASCII",
    );
    refused(
        "00-12345678901234567890123456789012-12345678901234é-01",
        "non-ASCII",
    );
}

// ---------------------------------------------------------------------------------------------
// tracestate keys (§3.3.1.3.1)

#[test]
fn simple_keys_are_lowercase_letters_digits_and_four_symbols() {
    for key in [
        "a", "rojo", "foo123", "foo_bar", "foo-bar", "foo*bar", "foo/bar",
    ] {
        assert!(valid_key(key), "{key:?} is a valid simple-key");
    }
    // Test suite, test_tracestate_all_allowed_characters.
    let every = "abcdefghijklmnopqrstuvwxyz0123456789_-*/";
    assert!(valid_key(every), "{every:?} uses only allowed characters");
}

#[test]
fn invalid_simple_keys() {
    for (key, why) in [
        ("", "empty"),
        ("FOO", "uppercase"),
        ("foo.bar", "'.' is not allowed"),
        ("foo ", "a space is not part of a key"),
        (
            "1foo",
            "a simple-key starts with a letter (a digit only starts a tenant-id)",
        ),
        ("_foo", "starts with a symbol"),
        ("föo", "not ASCII"),
    ] {
        assert!(!valid_key(key), "{key:?} is not a key: {why}");
    }
}

#[test]
fn a_simple_key_has_at_most_256_characters() {
    let at = format!("a{}", "b".repeat(255));
    assert!(valid_key(&at), "256 characters: the limit, allowed");
    let over = format!("a{}", "b".repeat(256));
    assert!(!valid_key(&over), "257 characters: one over");
}

#[test]
fn multi_tenant_keys_are_tenant_at_system() {
    for key in [
        "tenant@system",
        "1tenant@sys",
        "t@s",
        "a-z0-9_-*/@a-z0-9_-*/",
    ] {
        assert!(valid_key(key), "{key:?} is a valid multi-tenant-key");
    }
    // Test suite, test_tracestate_key_illegal_vendor_format.
    for key in [
        "foo@",
        "@foo",
        "foo@@bar",
        "foo@bar@baz",
        "foo@1sys",
        "Foo@bar",
        "foo@Bar",
    ] {
        assert!(!valid_key(key), "{key:?} is not a valid key");
    }
}

#[test]
fn tenant_and_system_ids_have_their_own_limits() {
    let tenant = |n: usize| format!("{}@sys", "t".repeat(n));
    assert!(
        valid_key(&tenant(241)),
        "a tenant-id of 241 characters: the limit"
    );
    assert!(!valid_key(&tenant(242)), "a tenant-id of 242: one over");
    let system = |n: usize| format!("tenant@{}", "s".repeat(n));
    assert!(
        valid_key(&system(14)),
        "a system-id of 14 characters: the limit"
    );
    assert!(!valid_key(&system(15)), "a system-id of 15: one over");
}

// ---------------------------------------------------------------------------------------------
// tracestate lists (§3.3.1)

#[test]
fn parses_the_specs_tracestate_examples() {
    // §3.3.2.
    assert_eq!(
        tracestate(&["rojo=00f067aa0ba902b7"]),
        state(&[("rojo", "00f067aa0ba902b7")])
    );
    assert_eq!(
        tracestate(&["rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"]),
        state(&[("rojo", "00f067aa0ba902b7"), ("congo", "t61rcWkgMzE")]),
        "members in the order they came"
    );
}

#[test]
fn spaces_and_tabs_around_members_are_ignored() {
    // Test suite, test_tracestate_ows_handling.
    let expected = state(&[("foo", "1"), ("bar", "2"), ("baz", "3")]);
    assert_eq!(tracestate(&["foo=1 \t , \t bar=2, \t baz=3"]), expected);
    assert_eq!(tracestate(&["foo=1\t \t,\t \tbar=2,\t \tbaz=3"]), expected);
    assert_eq!(tracestate(&["\t foo=1 \t"]), state(&[("foo", "1")]));
}

#[test]
fn empty_members_and_empty_headers_are_allowed() {
    // §3.3.1.1: "Empty and whitespace-only list members are allowed."
    assert_eq!(
        tracestate(&[""]),
        state(&[]),
        "an empty header is an empty list"
    );
    assert_eq!(tracestate(&[]), state(&[]), "no header at all, too");
    assert_eq!(
        tracestate(&["foo=1,, ,\t,bar=2"]),
        state(&[("foo", "1"), ("bar", "2")])
    );
}

#[test]
fn several_header_fields_are_one_list_in_order() {
    // §3.3.1.1 (combined as RFC 7230 §3.2.2 says); test suite,
    // test_tracestate_multiple_headers_different_keys and test_tracestate_empty_header.
    assert_eq!(
        tracestate(&["foo=1,bar=2", "rojo=1,congo=2", "baz=3"]),
        state(&[
            ("foo", "1"),
            ("bar", "2"),
            ("rojo", "1"),
            ("congo", "2"),
            ("baz", "3")
        ])
    );
    assert_eq!(tracestate(&["foo=1", ""]), state(&[("foo", "1")]));
    assert_eq!(tracestate(&["", "foo=1"]), state(&[("foo", "1")]));
}

#[test]
fn values_keep_every_allowed_character() {
    // Test suite, test_tracestate_all_allowed_characters: 0x20-0x2B, 0x2D-0x3C, 0x3E-0x7E.
    let value: String = (0x20u8..=0x7e)
        .filter(|&b| b != b',' && b != b'=')
        .map(char::from)
        .collect();
    let header = format!("foo={value}");
    assert_eq!(
        tracestate(&[&header]).get("foo"),
        Some(value.as_str()),
        "a value may start with a space and hold any printable ASCII but ',' and '='"
    );
}

#[test]
fn a_duplicated_key_discards_the_whole_header() {
    // §3.3.1.4: "Only one entry per key is allowed"; test suite, test_tracestate_duplicated_keys.
    discarded(&["foo=1,foo=1"], "foo twice");
    discarded(&["foo=1,foo=2"], "foo twice");
    discarded(&["foo=1", "foo=1"], "foo twice, across two header fields");
    discarded(&["foo=1", "foo=2"], "foo twice, across two header fields");
}

#[test]
fn an_invalid_key_discards_the_whole_header() {
    // Test suite, test_tracestate_key_illegal_characters and _illegal_vendor_format.
    discarded(&["foo =1"], "the key is 'foo ' (a space before '=')");
    discarded(&["FOO=1"], "uppercase key");
    discarded(&["foo.bar=1"], "'.' in a key");
    discarded(&["foo@=1,bar=2"], "an empty system-id; bar=2 goes too");
    discarded(&["@foo=1,bar=2"], "an empty tenant-id");
}

#[test]
fn an_invalid_value_or_member_discards_the_whole_header() {
    discarded(&["foo="], "an empty value");
    discarded(&["foo=a=b"], "'=' inside a value");
    discarded(&["foo=a\tb"], "a tab inside a value");
    discarded(&["foo=caf\u{e9}"], "non-ASCII in a value");
    discarded(
        &[&format!("foo={}", "v".repeat(257))],
        "a value of 257 characters",
    );
    discarded(&["foo"], "a member without '='");
    discarded(&["foo=1,bar"], "a member without '='");
    assert!(
        parse_tracestate(&[&format!("foo={}", "v".repeat(256))]).is_some(),
        "a value of 256 characters is the limit, and allowed"
    );
}

#[test]
fn a_list_holds_at_most_32_members() {
    // §3.3.1.1: "There can be a maximum of 32 list-members"; test suite,
    // test_tracestate_member_count_limit.
    let at = members(MAX_MEMBERS);
    assert_eq!(
        tracestate(&[&at]).members.len(),
        32,
        "32 members: the limit, all kept"
    );
    discarded(&[&members(MAX_MEMBERS + 1)], "33 members, one over");
    let halves = [members(16), members(17).replace('k', "x")];
    discarded(
        &[&halves[0], &halves[1]],
        "33 members over two header fields count as one list",
    );
}

// ---------------------------------------------------------------------------------------------
// Updating tracestate (§3.5)

#[test]
fn a_new_entry_goes_to_the_front() {
    let list = state(&[("congo", "t61rcWkgMzE")]);
    assert_eq!(
        list.with_entry("rojo", "00f067aa0ba902b7").to_header(),
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
        "§3.1: Rojo adds its entry to the left"
    );
    assert_eq!(state(&[]).with_entry("rojo", "1").to_header(), "rojo=1");
}

#[test]
fn an_updated_entry_moves_to_the_front_and_is_not_repeated() {
    // §3.3.1.4's example: Congo, then Rojo, then Congo again.
    let list = state(&[
        ("rojo", "rojosFirstPosition"),
        ("congo", "congosFirstPosition"),
    ]);
    assert_eq!(
        list.with_entry("congo", "congosSecondPosition").to_header(),
        "congo=congosSecondPosition,rojo=rojosFirstPosition",
        "one entry per key: the old congo entry goes, the new one is leftmost"
    );
}

#[test]
fn adding_to_a_full_list_drops_the_rightmost_entry() {
    let full = tracestate(&[&members(MAX_MEMBERS)]);
    let added = full.with_entry("rojo", "1");
    assert_eq!(added.members.len(), 32, "still at most 32 members");
    assert_eq!(added.members[0], ("rojo".to_string(), "1".to_string()));
    assert_eq!(
        added.members[31],
        ("k30".to_string(), "v30".to_string()),
        "the rightmost (k31) makes room (§3.3.1.5: remove from the end)"
    );
    let updated = full.with_entry("k5", "new");
    assert_eq!(
        updated.members.len(),
        32,
        "an update in a full list drops nothing"
    );
    assert_eq!(updated.get("k31"), Some("v31"));
}

// ---------------------------------------------------------------------------------------------
// Propagation (§3.4, §4)

fn rojo(span_id: u64) -> Span<'static> {
    Span {
        span_id,
        new_trace_id: 0xfeedfacefeedfacefeedfacefeedface,
        vendor: "rojo",
        vendor_value: "00f067aa0ba902b7",
    }
}

#[track_caller]
fn forward(traceparent: Option<&str>, tracestate: &[&str], span: &Span) -> Outgoing {
    outgoing(
        &Incoming {
            traceparent,
            tracestate,
        },
        span,
    )
}

#[test]
fn the_specs_example_rojo_continues_congos_trace() {
    // §3.1: Congo's client calls a server traced by Rojo.
    let out = forward(
        Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        &["congo=t61rcWkgMzE"],
        &rojo(0x00f067aa0ba902b7),
    );
    assert_eq!(
        out.traceparent, "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01",
        "the same trace id, the new span's id as parent id, sampled carried"
    );
    assert_eq!(out.tracestate, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
}

#[test]
fn the_specs_example_congo_comes_back_to_the_front() {
    // §3.1, the next hop: a server traced by Congo.
    let congo = Span {
        span_id: 0xb9c7c989f97918e1,
        new_trace_id: 0xfeedfacefeedfacefeedfacefeedface,
        vendor: "congo",
        vendor_value: "ucfJifl5GOE",
    };
    let out = forward(
        Some("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"),
        &["rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"],
        &congo,
    );
    assert_eq!(
        out.traceparent,
        "00-0af7651916cd43dd8448eb211c80319c-b9c7c989f97918e1-01"
    );
    assert_eq!(out.tracestate, "congo=ucfJifl5GOE,rojo=00f067aa0ba902b7");
}

#[test]
fn an_unsampled_trace_stays_unsampled_and_unknown_flags_are_not_sent() {
    let out = forward(
        Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"),
        &[],
        &rojo(7),
    );
    assert_eq!(
        out.traceparent,
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000007-00"
    );
    let out = forward(
        Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-09"),
        &[],
        &rojo(7),
    );
    assert_eq!(
        out.traceparent, "00-0af7651916cd43dd8448eb211c80319c-0000000000000007-01",
        "sampled is carried; the undefined bits are sent as zero (§3.2.2.5.2)"
    );
}

#[test]
fn a_request_without_traceparent_starts_a_new_trace_and_drops_tracestate() {
    // §4.2: "If a tracestate header is received without an accompanying traceparent header,
    // it is invalid and MUST be discarded."; test suite, test_tracestate_included_traceparent_missing.
    let out = forward(None, &["foo=1,bar=2"], &rojo(0x00f067aa0ba902b7));
    assert_eq!(
        out.traceparent, "00-feedfacefeedfacefeedfacefeedface-00f067aa0ba902b7-00",
        "a new trace: span.new_trace_id, and not sampled (§3.2.2.5.1: 0 as the default)"
    );
    assert_eq!(out.tracestate, "rojo=00f067aa0ba902b7");
}

#[test]
fn an_invalid_traceparent_starts_a_new_trace_and_drops_tracestate() {
    // §3.3: "If the vendor failed to parse traceparent, it MUST NOT attempt to parse
    // tracestate."; §4.3 step 2.3.
    let out = forward(
        Some("00-00000000000000000000000000000000-b7ad6b7169203331-01"),
        &["congo=t61rcWkgMzE"],
        &rojo(0x00f067aa0ba902b7),
    );
    assert_eq!(
        out.traceparent,
        "00-feedfacefeedfacefeedfacefeedface-00f067aa0ba902b7-00"
    );
    assert_eq!(
        out.tracestate, "rojo=00f067aa0ba902b7",
        "congo's entry belongs to the dropped trace"
    );
}

#[test]
fn an_invalid_tracestate_is_dropped_but_the_trace_goes_on() {
    // §3.3: "failure to parse tracestate MUST NOT affect the parsing of traceparent."
    let out = forward(
        Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        &["congo=1,congo=2"],
        &rojo(0x00f067aa0ba902b7),
    );
    assert_eq!(
        out.traceparent,
        "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"
    );
    assert_eq!(out.tracestate, "rojo=00f067aa0ba902b7");
}

#[test]
fn a_higher_version_is_forwarded_as_version_00() {
    // §3.4, "Downgrade the version"; §3.2.4: "construct the new traceparent ... according to
    // the highest version of the specification known to the implementation".
    let out = forward(
        Some(
            "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what-the-future-will-be-like",
        ),
        &["congo=t61rcWkgMzE"],
        &rojo(0x00f067aa0ba902b7),
    );
    assert_eq!(
        out.traceparent,
        "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"
    );
    assert_eq!(out.tracestate, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
}
