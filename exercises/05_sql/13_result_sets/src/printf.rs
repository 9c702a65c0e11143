//! Given code: `%.3f` as SQLite's own printf writes it, which is how the original runner
//! prints a value of an `R` column (`sqlite3_snprintf(.., "%.3f", r)` in `src/slt_sqlite.c`).

/// `r` with three decimals, as SQLite's `%.3f`: the same as Rust's `{:.3}`, except that
/// SQLite keeps 16 significant digits and writes zeros after them, so that 2^63 is
/// `9223372036854776000.000` where Rust writes every digit of the double,
/// `9223372036854775808.000`. The expected results of the test files were made by SQLite.
pub fn fixed3(r: f64) -> String {
    let exact = format!("{r:.3}");
    let digits = exact.bytes().filter(u8::is_ascii_digit).count();
    if digits <= 16 || !r.is_finite() {
        return exact;
    }
    // Round to 16 significant digits (`{:.15e}` does: `9.223372036854776e18`), then write the
    // integer part with zeros after them, and three more zeros as the decimals.
    let scientific = format!("{:.15e}", r.abs());
    let (mantissa, exponent) = scientific.split_once('e').expect("{:e} writes an exponent");
    let int_digits = exponent.parse::<usize>().expect("a positive exponent") + 1;
    let mut all = mantissa.replace('.', "");
    all.extend(std::iter::repeat_n('0', int_digits + 3 - all.len()));
    let (int, frac) = all.split_at(int_digits);
    let sign = if r < 0.0 { "-" } else { "" };
    format!("{sign}{int}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::fixed3;

    #[test]
    fn three_decimals_like_rust_below_16_digits() {
        assert_eq!(fixed3(0.0), "0.000");
        assert_eq!(fixed3(-1.5), "-1.500");
        assert_eq!(fixed3(2.0 / 3.0), "0.667");
        assert_eq!(fixed3(1234567890123.4567), "1234567890123.457");
    }

    #[test]
    fn zeros_after_16_significant_digits() {
        // slt_lang_aggfunc.test:484 and :491 (sum and total past 2^63).
        assert_eq!(fixed3(-9223372036854775808.0), "-9223372036854776000.000");
        assert_eq!(fixed3(-18446744073709551616.0), "-18446744073709550000.000");
        assert_eq!(fixed3(12_345_678_901_234.568), "12345678901234.570");
        assert_eq!(fixed3(1e20), "100000000000000000000.000");
    }
}
