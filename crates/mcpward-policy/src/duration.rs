//! Durations as written in the policy file: `"120s"`, `"2m"`, `"1h30m"`, `"500ms"`.

use std::time::Duration;

/// Parses one or more `<digits><unit>` pairs; units are `ms`, `s`, `m`, `h`.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    const EXPECTED: &str = "expected a duration such as \"120s\", \"2m\" or \"1h30m\"";
    if text.is_empty() {
        return Err(format!("empty duration; {EXPECTED}"));
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut total_ms: u64 = 0;
    while i < bytes.len() {
        let start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = text.get(start..i).unwrap_or_default();
        if digits.is_empty() {
            return Err(format!("`{text}` is not a duration; {EXPECTED}"));
        }
        let unit_start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
        }
        let unit = text.get(unit_start..i).unwrap_or_default();
        let scale: u64 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "" if i == bytes.len() => {
                return Err(format!("`{text}` has a number without a unit; {EXPECTED}"));
            }
            "" => return Err(format!("`{text}` is not a duration; {EXPECTED}")),
            other => {
                return Err(format!(
                    "unknown unit `{other}` in `{text}`; use ms, s, m or h"
                ));
            }
        };
        let n: u64 = digits
            .parse()
            .map_err(|_| format!("`{text}` is too large"))?;
        total_ms = n
            .checked_mul(scale)
            .and_then(|v| total_ms.checked_add(v))
            .ok_or_else(|| format!("`{text}` is too large"))?;
    }
    if total_ms == 0 {
        return Err("a duration of zero would deny every approval at once".to_owned());
    }
    Ok(Duration::from_millis(total_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts() {
        assert_eq!(parse_duration("120s"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "120",
            "s",
            "2 m",
            "2min",
            "-1s",
            "0s",
            "1.5s",
            "99999999999999999999s",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
