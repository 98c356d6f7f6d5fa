//! Calendar arithmetic shared by the timeline's times and the exports' stamps: one conversion from a count of
//! days to a date, so a message's day reads the same in the browser and in a downloaded log.

/// Year, month (1-12) and day of month of a count of days since 1970-01-01, by the proleptic Gregorian calendar
/// (the days-from-civil algorithm run backwards, exact for every `i64` day a timestamp can name).
pub fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::civil;

    #[test]
    fn days_become_dates() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(11_016), (2000, 2, 29));
        assert_eq!(civil(20_779), (2026, 11, 22));
        assert_eq!(civil(-1), (1969, 12, 31));
    }
}
