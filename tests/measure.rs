//! `dev check` reports each exercise's size against the standard, and warns past its limits.

mod common;

use common::{ADDER, Ex, TempCourse};

/// A doc comment of `words` words.
fn doc(words: usize) -> String {
    format!("//! {}\n", vec!["word"; words].join(" "))
}

/// An exercise with 701 words of reading and a solution of 122 new lines: over both limits.
fn big_exercise(lib: &str, solution: &str, extra: &'static str) -> Ex<'static> {
    Ex {
        name: "big",
        dir: "00_basics/02_big",
        lib: lib.to_string().leak(),
        spec: "#[test]\nfn is_seven() {\n    assert_eq!(big::f(), 7);\n}\n\n#[test]\nfn is_still_seven() {\n    assert_eq!(big::f(), 7);\n}\n",
        solution: solution.to_string().leak(),
        extra,
    }
}

fn big(extra: &'static str) -> Ex<'static> {
    let lib = format!("{}pub fn f() -> u32 {{\n    todo!()\n}}\n", doc(701));
    let body: String = (0..121)
        .map(|i| format!("    let _a{i} = {i};\n"))
        .collect();
    let solution = format!("{}pub fn f() -> u32 {{\n{body}    7\n}}\n", doc(701));
    big_exercise(&lib, &solution, extra)
}

/// The table row of an exercise, split into its columns.
fn row(out: &str, name: &str) -> Vec<String> {
    let line = out
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no row for {name} in:\n{out}"));
    line.split_whitespace().map(str::to_string).collect()
}

#[test]
fn dev_check_reports_reading_learner_lines_tests_and_medians() {
    let course = TempCourse::new(&[ADDER, big("")]);
    assert_eq!(course.run(&["dev", "ship"]).code(), 0);
    let run = course.run(&["dev", "check"]);
    assert_eq!(run.code(), 0, "sizes warn, they do not fail: {}", run.all());
    let out = run.stdout();
    // ADDER has no doc comment and its solution changes one line.
    assert_eq!(row(&out, "adder"), ["adder", "0", "1", "1"], "{out}");
    assert_eq!(row(&out, "big"), ["big", "701!", "122!", "2"], "{out}");
    assert_eq!(row(&out, "median"), ["median", "350", "61"], "{out}");
    assert!(out.contains("The course is consistent"), "{out}");
}

#[test]
fn dev_check_warns_past_each_limit() {
    let course = TempCourse::new(&[ADDER, big("")]);
    let out = course.run(&["dev", "check"]).stdout();
    assert!(
        out.contains("warning: big: 701 words of reading before the first TODO (limit 700)"),
        "{out}"
    );
    assert!(
        out.contains("warning: big: the solution adds or changes 122 lines (limit 120)"),
        "{out}"
    );
    assert!(!out.contains("warning: adder"), "{out}");
}

#[test]
fn at_the_limits_an_exercise_is_marked_over_the_target_without_a_warning() {
    let lib = format!("{}pub fn f() -> u32 {{\n    todo!()\n}}\n", doc(700));
    let body: String = (0..119)
        .map(|i| format!("    let _a{i} = {i};\n"))
        .collect();
    let solution = format!("{}pub fn f() -> u32 {{\n{body}    7\n}}\n", doc(700));
    let course = TempCourse::new(&[big_exercise(&lib, &solution, "")]);
    let out = course.run(&["dev", "check"]).stdout();
    assert_eq!(row(&out, "big"), ["big", "700~", "120~", "2"], "{out}");
    assert!(!out.contains("warning:"), "{out}");
}

#[test]
fn a_size_exception_replaces_the_warnings_with_its_reason() {
    let course = TempCourse::new(&[big(
        "size_exception = \"five steps of one parser would repeat the same given code\"\n",
    )]);
    assert_eq!(course.run(&["dev", "ship"]).code(), 0);
    let run = course.run(&["dev", "check"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    let out = run.stdout();
    assert!(!out.contains("warning:"), "{out}");
    assert!(
        out.contains("note: big is over a limit by exception (info.toml:5): five steps of one parser would repeat the same given code"),
        "{out}"
    );
    assert_eq!(row(&out, "big"), ["big", "701!", "122!", "2"], "{out}");
}

#[test]
fn an_empty_size_exception_is_rejected_in_one_sentence() {
    let course = TempCourse::new(&[big("size_exception = \" \"\n")]);
    let run = course.run(&["dev", "check"]);
    assert_eq!(run.code(), 2, "{}", run.all());
    assert!(
        run.stderr().contains(
            "size_exception must be a one-line reason why `big` may be over the size limits"
        ),
        "{}",
        run.all()
    );
}

#[test]
fn given_code_above_the_first_todo_is_warned_past_the_limit() {
    let given = |n: usize| -> String {
        (0..n)
            .map(|i| format!("pub const C{i}: u32 = {i};\n"))
            .collect()
    };
    let lib = |n: usize| {
        format!(
            "//! Doc.\n{}pub fn f() -> u32 {{\n    todo!()\n}}\n",
            given(n)
        )
    };
    let solution = |n: usize| format!("//! Doc.\n{}pub fn f() -> u32 {{\n    7\n}}\n", given(n));
    // 60 constants and `pub fn f() {` make 61 lines of code above the TODO: one over.
    let over = TempCourse::new(&[big_exercise(&lib(60), &solution(60), "")]);
    let out = over.run(&["dev", "check"]).stdout();
    assert!(
        out.contains("warning: big: 61 lines of code stand above the first TODO (limit 60)"),
        "{out}"
    );
    let at = TempCourse::new(&[big_exercise(&lib(59), &solution(59), "")]);
    let out = at.run(&["dev", "check"]).stdout();
    assert!(
        !out.contains("above the first TODO"),
        "exactly at the limit: {out}"
    );
}
