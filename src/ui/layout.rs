//! Fitting text to a terminal: counting the rows a text takes once the terminal wraps it,
//! wrapping prose at word boundaries, and cutting output to the rows it is given.

use console::style;

/// How many terminal rows one line takes at `cols` columns (an empty line takes one).
pub fn rows_of_line(line: &str, cols: usize) -> usize {
    console::measure_text_width(line)
        .div_ceil(cols.max(1))
        .max(1)
}

/// How many terminal rows `text` takes at `cols` columns, wrapped lines counted.
pub fn rows_of(text: &str, cols: usize) -> usize {
    text.lines().map(|line| rows_of_line(line, cols)).sum()
}

/// Prose wrapped at word boundaries to `cols` columns, each line ending in `\n`. Lines of a
/// paragraph are joined and filled again (so text broken for a wider screen reads well on a
/// narrow one); blank lines, indented lines and list items keep their place. Words longer than
/// a line are broken, so no line is ever wider than `cols`.
pub fn wrap(text: &str, cols: usize) -> String {
    let mut out = String::new();
    let mut paragraph = String::new();
    let flush = |paragraph: &mut String, out: &mut String| {
        if !paragraph.is_empty() {
            for line in textwrap::wrap(paragraph, cols.max(1)) {
                out.push_str(&line);
                out.push('\n');
            }
            paragraph.clear();
        }
    };
    for line in text.trim_end().lines() {
        let trimmed = line.trim_start();
        let starts_block =
            line.starts_with([' ', '\t']) || trimmed.starts_with("- ") || trimmed.starts_with("* ");
        if trimmed.is_empty() {
            flush(&mut paragraph, &mut out);
            out.push('\n');
            continue;
        }
        if starts_block {
            flush(&mut paragraph, &mut out);
        } else if !paragraph.is_empty() {
            paragraph.push(' ');
        }
        paragraph.push_str(line.trim_end());
    }
    flush(&mut paragraph, &mut out);
    out
}

/// Each line of `text` wrapped on its own at word boundaries (for lines that are not prose
/// paragraphs: a status line, a "Next: ..." line).
pub fn wrap_lines(text: &str, cols: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
            continue;
        }
        for part in textwrap::wrap(line, cols.max(1)) {
            out.push_str(&part);
            out.push('\n');
        }
    }
    out
}

/// The first lines of `text` that fit in `rows` rows, with a note of what was left out, so
/// what stands above and below it stays on screen. Never more than `rows` rows.
pub fn fit(text: &str, rows: usize, cols: usize) -> String {
    if rows_of(text, cols) <= rows {
        return text.to_string();
    }
    if rows == 0 {
        return String::new();
    }
    let mut kept = String::new();
    let mut used = 1; // the note at the end
    let mut lines = text.lines();
    let mut left = 0;
    for line in lines.by_ref() {
        let need = rows_of_line(line, cols);
        if used + need > rows {
            left = 1;
            break;
        }
        used += need;
        kept.push_str(line);
        kept.push('\n');
    }
    left += lines.count();
    let note =
        format!("… {left} more lines (a taller terminal, or `backlings run`, shows them all)");
    // A cut may fall inside coloured text: reset the colour before the note.
    kept.push_str(&format!(
        "\x1b[0m{}\n",
        style(console::truncate_str(&note, cols, "…")).dim()
    ));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_what_fits_and_counts_wrapped_lines() {
        let text = "one\ntwo\nthree\nfour\n";
        assert_eq!(fit(text, 10, 80), text);
        let cut = fit(text, 3, 80);
        assert!(cut.starts_with("one\ntwo\n"), "{cut}");
        assert!(cut.contains("2 more lines"), "{cut}");
        assert_eq!(rows_of(&cut, 80), 3, "{cut}");
        assert_eq!(
            rows_of("abcdefghij\nx", 4),
            4,
            "10 columns wrap to 3 rows at width 4"
        );
        assert_eq!(fit("x\ny\n", 0, 1), "", "no rows, nothing shown");
    }

    #[test]
    fn the_cut_note_itself_fits_a_narrow_terminal() {
        let text = "a\n".repeat(50);
        let cut = fit(&text, 5, 20);
        assert_eq!(rows_of(&cut, 20), 5, "{cut}");
    }

    #[test]
    fn wrap_breaks_at_word_boundaries_and_never_exceeds_the_width() {
        let text = "Read the request line up to CRLF, then split it on single spaces.";
        let wrapped = wrap(text, 20);
        for line in wrapped.lines() {
            assert!(line.chars().count() <= 20, "{line:?} is wider than 20");
            assert!(!line.ends_with(' '), "{line:?}");
        }
        assert!(wrapped.starts_with("Read the request\n"), "{wrapped}");
        let joined: Vec<&str> = wrapped.split_whitespace().collect();
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(joined, words, "no word is lost or split");
        assert_eq!(wrap("averyveryverylongword", 5).lines().count(), 5);
    }

    #[test]
    fn wrap_lines_keeps_each_line_apart() {
        assert_eq!(wrap_lines("a b c\n\nd e", 3), "a b\nc\n\nd e\n");
    }

    #[test]
    fn wrap_refills_paragraphs_and_keeps_their_breaks_and_list_items() {
        assert_eq!(wrap("one two\n\nthree", 80), "one two\n\nthree\n");
        assert_eq!(
            wrap("a text broken\nfor a wider screen", 80),
            "a text broken for a wider screen\n"
        );
        assert_eq!(wrap("items:\n- one\n- two", 80), "items:\n- one\n- two\n");
    }
}
