//! The specification of body framing for requests (RFC 9112 §6.3) and of the refusals that
//! keep a server out of request smuggling. Header fields are given raw, as split at the first
//! colon: nothing is trimmed.

use request_smuggling::{Framing, FramingError, Version, body_framing};

use Version::{Http10, Http11};

fn framing(fields: &[(&str, &str)]) -> Result<Framing, FramingError> {
    body_framing(Http11, fields)
}

// ---------------------------------------------------------------- no body, Content-Length

#[test]
fn no_framing_header_means_no_body() {
    assert_eq!(
        framing(&[("Host", " example.com")]),
        Ok(Framing::NoBody),
        "a request with neither Transfer-Encoding nor Content-Length has no body (RFC 9112 §6.3 rule 7)"
    );
    assert_eq!(
        framing(&[]),
        Ok(Framing::NoBody),
        "no header fields at all: no body"
    );
}

#[test]
fn content_length_gives_the_body_length() {
    assert_eq!(
        framing(&[("Host", " x"), ("Content-Length", " 42")]),
        Ok(Framing::ContentLength(42)),
        "Content-Length: 42 frames a 42-byte body (RFC 9112 §6.3 rule 6)"
    );
    assert_eq!(
        framing(&[("Content-Length", " 0")]),
        Ok(Framing::ContentLength(0)),
        "0 is a length"
    );
}

#[test]
fn field_names_are_case_insensitive() {
    assert_eq!(
        framing(&[("conTENT-Length", " 5")]),
        Ok(Framing::ContentLength(5)),
        "field names are case-insensitive (RFC 9110 §5.1); llhttp content-length.md \"Funky Content-Length\""
    );
    assert_eq!(
        framing(&[("transfer-encoding", " chunked")]),
        Ok(Framing::Chunked),
        "lowercase works too"
    );
}

#[test]
fn content_length_with_leading_zeros_is_valid() {
    assert_eq!(
        framing(&[("Content-Length", " 003")]),
        Ok(Framing::ContentLength(3)),
        "1*DIGIT allows leading zeros: 003 is 3 (llhttp content-length.md)"
    );
}

#[test]
fn optional_whitespace_around_values_is_ignored() {
    assert_eq!(
        framing(&[("Content-Length", "  42 ")]),
        Ok(Framing::ContentLength(42)),
        "spaces around a value are OWS and not part of it (RFC 9110 §5.5)"
    );
    assert_eq!(
        framing(&[("Content-Length", "\t42\t  ")]),
        Ok(Framing::ContentLength(42)),
        "so are tabs (llhttp content-length.md \"Tabs in Content-Length\")"
    );
    assert_eq!(
        framing(&[("Content-Length", "7")]),
        Ok(Framing::ContentLength(7)),
        "and none at all"
    );
}

#[test]
fn content_length_with_a_sign_is_rejected() {
    assert_eq!(
        framing(&[("Content-Length", " +5")]),
        Err(FramingError::InvalidContentLength),
        "Content-Length is 1*DIGIT (RFC 9110 §8.6): no '+' (careful: u64::from_str accepts \"+5\")"
    );
    assert_eq!(
        framing(&[("Content-Length", " -1")]),
        Err(FramingError::InvalidContentLength),
        "no '-' either"
    );
}

#[test]
fn content_length_with_inner_whitespace_is_rejected() {
    assert_eq!(
        framing(&[("Content-Length", " 4 2")]),
        Err(FramingError::InvalidContentLength),
        "\"4 2\" is not a number: one parser reads 4, another 42 (llhttp content-length.md)"
    );
    assert_eq!(
        framing(&[("Content-Length", " 13 37")]),
        Err(FramingError::InvalidContentLength),
        "llhttp content-length.md \"Spaces in Content-Length #3\""
    );
}

#[test]
fn empty_content_length_is_rejected() {
    assert_eq!(
        framing(&[("Content-Length", "")]),
        Err(FramingError::InvalidContentLength),
        "an empty Content-Length is not 1*DIGIT (llhttp content-length.md \"Empty Content-Length\")"
    );
    assert_eq!(
        framing(&[("Content-Length", "  ")]),
        Err(FramingError::InvalidContentLength),
        "only OWS is empty too"
    );
}

#[test]
fn non_decimal_content_length_is_rejected() {
    for value in [" 0x10", " 1e3", " 4.0", " ４２", " abc"] {
        assert_eq!(
            framing(&[("Content-Length", value)]),
            Err(FramingError::InvalidContentLength),
            "Content-Length {value:?}: only ASCII decimal digits are allowed (RFC 9110 §8.6)"
        );
    }
}

#[test]
fn content_length_overflow_is_rejected() {
    assert_eq!(
        framing(&[("Content-Length", " 18446744073709551615")]),
        Ok(Framing::ContentLength(u64::MAX)),
        "u64::MAX still fits"
    );
    assert_eq!(
        framing(&[("Content-Length", " 1000000000000000000000")]),
        Err(FramingError::InvalidContentLength),
        "a length that overflows must be refused, not wrapped or saturated (llhttp content-length.md)"
    );
}

#[test]
fn identical_duplicate_content_lengths_are_accepted() {
    assert_eq!(
        framing(&[("Content-Length", " 42"), ("Content-Length", " 42")]),
        Ok(Framing::ContentLength(42)),
        "the same value twice is unambiguous; RFC 9110 §8.6 allows accepting it"
    );
    assert_eq!(
        framing(&[("Content-Length", " 42, 42")]),
        Ok(Framing::ContentLength(42)),
        "a list of identical values is the same thing (RFC 9110 §8.6 example)"
    );
}

#[test]
fn different_content_lengths_are_rejected() {
    assert_eq!(
        framing(&[("Content-Length", " 1"), ("Content-Length", " 2")]),
        Err(FramingError::ConflictingContentLength),
        "CL.CL: one hop believes 1, another 2 (llhttp content-length.md \"duplicate Content-Length\")"
    );
    assert_eq!(
        framing(&[("Content-Length", " 42, 43")]),
        Err(FramingError::ConflictingContentLength),
        "different values in one list conflict too"
    );
    assert_eq!(
        framing(&[("Content-Length", " 42,")]),
        Err(FramingError::InvalidContentLength),
        "an empty element is not 1*DIGIT"
    );
}

// ---------------------------------------------------------------- Transfer-Encoding

#[test]
fn chunked_transfer_encoding_frames_a_chunked_body() {
    assert_eq!(
        framing(&[("Host", " x"), ("Transfer-Encoding", " chunked")]),
        Ok(Framing::Chunked),
        "Transfer-Encoding: chunked frames a chunked body (RFC 9112 §6.3 rule 4)"
    );
}

#[test]
fn transfer_coding_names_are_case_insensitive() {
    assert_eq!(
        framing(&[("Transfer-Encoding", " Chunked")]),
        Ok(Framing::Chunked),
        "transfer-coding names are case-insensitive (RFC 9112 §7): Chunked is chunked"
    );
    assert_eq!(
        framing(&[("Transfer-Encoding", " CHUNKED")]),
        Ok(Framing::Chunked),
        "so is CHUNKED"
    );
}

#[test]
fn whitespace_around_chunked_is_ignored() {
    assert_eq!(
        framing(&[("Transfer-Encoding", " chunked ")]),
        Ok(Framing::Chunked),
        "\"chunked \" is chunked plus OWS (llhttp transfer-encoding.md uses it)"
    );
    assert_eq!(
        framing(&[("Transfer-Encoding", "\tchunked")]),
        Ok(Framing::Chunked),
        "a tab is OWS too"
    );
}

#[test]
fn chunked_after_other_codings_is_chunked() {
    assert_eq!(
        framing(&[("Transfer-Encoding", " deflate, chunked")]),
        Ok(Framing::Chunked),
        "codings are applied in order; chunked last frames the body (llhttp \"chunked as last transfer-encoding\")"
    );
}

#[test]
fn transfer_encoding_lines_form_one_list() {
    assert_eq!(
        framing(&[
            ("Transfer-Encoding", " gzip"),
            ("Transfer-Encoding", " chunked")
        ]),
        Ok(Framing::Chunked),
        "several Transfer-Encoding lines are one list, in order (RFC 9110 §5.3)"
    );
    assert_eq!(
        framing(&[
            ("Transfer-Encoding", " chunked"),
            ("Transfer-Encoding", " gzip")
        ]),
        Err(FramingError::ChunkedNotLast),
        "here the combined list is \"chunked, gzip\": chunked is not last"
    );
}

#[test]
fn empty_list_elements_are_ignored() {
    assert_eq!(
        framing(&[("Transfer-Encoding", " , chunked,")]),
        Ok(Framing::Chunked),
        "a recipient ignores empty list elements (RFC 9110 §5.6.1.2)"
    );
}

#[test]
fn chunked_not_last_is_rejected() {
    assert_eq!(
        framing(&[("Transfer-Encoding", " chunked, gzip")]),
        Err(FramingError::ChunkedNotLast),
        "in a request, chunked MUST be the final coding, else 400 (RFC 9112 §6.3 rule 4)"
    );
    assert_eq!(
        framing(&[("Transfer-Encoding", " gzip")]),
        Err(FramingError::ChunkedNotLast),
        "without chunked the body length cannot be determined: 400 (RFC 9112 §6.3 rule 4)"
    );
    assert_eq!(
        framing(&[("Transfer-Encoding", " identity")]),
        Err(FramingError::ChunkedNotLast),
        "identity is no longer a transfer coding; it does not frame anything"
    );
}

#[test]
fn empty_transfer_encoding_is_rejected() {
    assert_eq!(
        framing(&[("Transfer-Encoding", "")]),
        Err(FramingError::ChunkedNotLast),
        "an empty Transfer-Encoding has no final chunked: it cannot frame the body"
    );
}

#[test]
fn lookalike_codings_are_rejected() {
    for value in [
        " xchunked",
        " chunkedchunked",
        " chunked-false",
        " x chunked",
    ] {
        assert!(
            framing(&[("Transfer-Encoding", value)]).is_err(),
            "TE.TE: Transfer-Encoding {value:?} is not chunked; a hop that \"fixes\" it disagrees \
             with one that does not (PortSwigger, obfuscating the TE header)"
        );
    }
}

#[test]
fn quoted_or_parameterised_codings_are_rejected() {
    assert_eq!(
        framing(&[("Transfer-Encoding", " \"chunked\"")]),
        Err(FramingError::InvalidTransferCoding),
        "a coding is a token: quotes are not part of a token (RFC 9110 §5.6.2)"
    );
    assert_eq!(
        framing(&[("Transfer-Encoding", " chunked;q=1")]),
        Err(FramingError::InvalidTransferCoding),
        "chunked takes no parameters; this server accepts bare tokens only"
    );
}

#[test]
fn chunked_twice_is_rejected() {
    assert_eq!(
        framing(&[("Transfer-Encoding", " chunked, chunked")]),
        Err(FramingError::ChunkedTwice),
        "a sender MUST NOT apply chunked more than once (RFC 9112 §6.1); which zero chunk ends the body?"
    );
    assert_eq!(
        framing(&[
            ("Transfer-Encoding", " chunked"),
            ("Transfer-Encoding", " chunked")
        ]),
        Err(FramingError::ChunkedTwice),
        "also when it is on two lines"
    );
}

#[test]
fn bare_cr_is_not_whitespace() {
    assert_eq!(
        framing(&[("Transfer-Encoding", " chunked\r")]),
        Err(FramingError::InvalidTransferCoding),
        "OWS is only space and tab (RFC 9110 §5.6.3); str::trim() would also strip \\r and turn \
         this into chunked for you but not for the next hop"
    );
    assert_eq!(
        framing(&[("Content-Length", " 5\u{b}")]),
        Err(FramingError::InvalidContentLength),
        "a vertical tab is not OWS either"
    );
    assert_eq!(
        framing(&[("Transfer-Encoding", "\u{c}chunked")]),
        Err(FramingError::InvalidTransferCoding),
        "nor is a form feed"
    );
}

// ---------------------------------------------------------------- both, and HTTP/1.0

#[test]
fn transfer_encoding_with_content_length_is_rejected() {
    assert_eq!(
        framing(&[("Content-Length", " 13"), ("Transfer-Encoding", " chunked")]),
        Err(FramingError::TransferEncodingWithContentLength),
        "CL.TE / TE.CL: both headers \"ought to be handled as an error\" (RFC 9112 §6.3 rule 3); \
         a server MAY reject (§6.1), and we do"
    );
    assert_eq!(
        framing(&[("Transfer-Encoding", " chunked"), ("Content-Length", " 4")]),
        Err(FramingError::TransferEncodingWithContentLength),
        "in either order"
    );
}

#[test]
fn both_headers_are_rejected_whatever_their_values() {
    assert_eq!(
        framing(&[("Content-Length", " 1"), ("Transfer-Encoding", " identity")]),
        Err(FramingError::TransferEncodingWithContentLength),
        "llhttp content-length.md \"simultaneous Content-Length and Transfer-Encoding: identity\""
    );
    assert_eq!(
        framing(&[("Content-Length", " 10"), ("Transfer-Encoding", "")]),
        Err(FramingError::TransferEncodingWithContentLength),
        "an empty Transfer-Encoding is still present (llhttp transfer-encoding.md)"
    );
}

#[test]
fn transfer_encoding_in_http10_is_rejected() {
    assert_eq!(
        body_framing(Http10, &[("Transfer-Encoding", " chunked")]),
        Err(FramingError::TransferEncodingInHttp10),
        "HTTP/1.0 has no Transfer-Encoding: treat the framing as faulty (RFC 9112 §6.1)"
    );
    assert_eq!(
        body_framing(
            Http10,
            &[("Content-Length", " 5"), ("Transfer-Encoding", " chunked")]
        ),
        Err(FramingError::TransferEncodingInHttp10),
        "\"even if a Content-Length is present\" (RFC 9112 §6.1)"
    );
}

#[test]
fn http10_content_length_is_fine() {
    assert_eq!(
        body_framing(Http10, &[("Content-Length", " 5")]),
        Ok(Framing::ContentLength(5)),
        "HTTP/1.0 frames bodies with Content-Length"
    );
    assert_eq!(
        body_framing(Http10, &[]),
        Ok(Framing::NoBody),
        "or has none"
    );
}

// ---------------------------------------------------------------- field names

#[test]
fn whitespace_before_the_colon_is_rejected() {
    assert_eq!(
        framing(&[("Transfer-Encoding ", " chunked")]),
        Err(FramingError::InvalidFieldName),
        "\"Transfer-Encoding : chunked\": whitespace between name and colon MUST be rejected \
         with 400 (RFC 9112 §5.1); some hops ignore the field, others strip the space"
    );
    assert_eq!(
        framing(&[("Content-Length ", " 4")]),
        Err(FramingError::InvalidFieldName),
        "llhttp content-length.md \"Invalid whitespace token with Content-Length header field\""
    );
}

#[test]
fn leading_whitespace_in_a_name_is_rejected() {
    assert_eq!(
        framing(&[(" Transfer-Encoding", " chunked")]),
        Err(FramingError::InvalidFieldName),
        "\" Transfer-Encoding\" (PortSwigger TE obfuscation) is not a token"
    );
}

#[test]
fn control_characters_in_a_name_are_rejected() {
    assert_eq!(
        framing(&[("Content\rLength", " 003")]),
        Err(FramingError::InvalidFieldName),
        "a CR inside a name (llhttp content-length.md \"Content-Length with CR instead of dash\")"
    );
    assert_eq!(
        framing(&[("", " x")]),
        Err(FramingError::InvalidFieldName),
        "an empty name is not a token"
    );
}

#[test]
fn any_invalid_name_is_rejected() {
    assert_eq!(
        framing(&[("X Forwarded", " 1"), ("Content-Length", " 5")]),
        Err(FramingError::InvalidFieldName),
        "check every field name, not only the framing ones: a hop that sees a different set of \
         fields frames differently"
    );
}

#[test]
fn lookalike_field_names_do_not_frame() {
    assert_eq!(
        framing(&[
            ("X-Transfer-Encoding", " chunked"),
            ("Content-Lengths", " 5"),
            ("Transfer_Encoding", " chunked")
        ]),
        Ok(Framing::NoBody),
        "only the exact names Transfer-Encoding and Content-Length frame a body"
    );
}

#[test]
fn invalid_name_is_reported_first() {
    assert_eq!(
        framing(&[
            ("Content-Length", " 1"),
            ("Transfer-Encoding", " chunked"),
            ("Bad Name", "")
        ]),
        Err(FramingError::InvalidFieldName),
        "the checks run in the documented order: field names first"
    );
}
