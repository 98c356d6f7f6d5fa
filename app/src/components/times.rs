//! Times as a reader expects them: the local time of day for today's messages, "Yesterday" and then the date for
//! older ones, the full date and time on hover, and a divider where a day begins.
//!
//! Local means the browser's time zone (`js_sys::Date`); the server renders no timeline rows (the feed fills in
//! the browser), so it falls back to UTC there and in unit tests.

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

use crate::domain::calendar::civil;

/// The reader's time zone offset from UTC at `ms`, in milliseconds (positive east of Greenwich).
fn offset_ms(ms: i64) -> i64 {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        -(date.get_timezone_offset() as i64) * 60_000
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ms;
        0
    }
}

/// The local day `ms` falls on, as a count of days: equal for two times on the same local day.
pub fn day_of(ms: i64) -> i64 {
    (ms + offset_ms(ms)).div_euclid(DAY_MS)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];

/// `14:03`, local.
pub fn time_of_day(ms: i64) -> String {
    let local = (ms + offset_ms(ms)).rem_euclid(DAY_MS) / 60_000;
    format!("{:02}:{:02}", local / 60, local % 60)
}

/// `Sunday, 22 November 2026`, local.
pub fn long_date(ms: i64) -> String {
    let day = day_of(ms);
    let (year, month, date) = civil(day);
    let weekday = WEEKDAYS[day.rem_euclid(7) as usize];
    format!("{weekday}, {date} {} {year}", MONTHS[(month - 1) as usize])
}

/// What a message shows as its time, seen at `now`: `14:03` today, `Yesterday 14:03`, else `2026-11-22 14:03`.
pub fn short(ms: i64, now: i64) -> String {
    let (day, today) = (day_of(ms), day_of(now));
    let time = time_of_day(ms);
    match today - day {
        0 => time,
        1 => format!("Yesterday {time}"),
        _ => {
            let (year, month, date) = civil(day);
            format!("{year:04}-{month:02}-{date:02} {time}")
        }
    }
}

/// The full date and time, for the hover text.
pub fn full(ms: i64) -> String {
    format!("{} {}", long_date(ms), time_of_day(ms))
}

/// The instant in ISO 8601 UTC, for `<time datetime>`.
pub fn iso(ms: i64) -> String {
    let (year, month, date) = civil(ms.div_euclid(DAY_MS));
    let rest = ms.rem_euclid(DAY_MS);
    format!(
        "{year:04}-{month:02}-{date:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000
    )
}

/// A day divider's words, seen at `now`: `Today`, `Yesterday`, or the long date.
pub fn day_label(ms: i64, now: i64) -> String {
    match day_of(now) - day_of(ms) {
        0 => "Today".to_owned(),
        1 => "Yesterday".to_owned(),
        _ => long_date(ms),
    }
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-22 16:03:05.250 UTC, a Sunday.
    const SUNDAY: i64 = 1_795_363_385_250;

    #[test]
    fn today_yesterday_and_older_read_as_a_person_expects() {
        assert_eq!(short(SUNDAY, SUNDAY + 60_000), "16:03");
        assert_eq!(short(SUNDAY, SUNDAY + DAY_MS), "Yesterday 16:03");
        assert_eq!(short(SUNDAY, SUNDAY + 3 * DAY_MS), "2026-11-22 16:03");
        assert_eq!(day_label(SUNDAY, SUNDAY), "Today");
        assert_eq!(day_label(SUNDAY, SUNDAY + DAY_MS), "Yesterday");
        assert_eq!(day_label(SUNDAY, SUNDAY + 9 * DAY_MS), "Sunday, 22 November 2026");
        assert_eq!(full(SUNDAY), "Sunday, 22 November 2026 16:03");
    }

    #[test]
    fn machine_times_are_iso_utc() {
        assert_eq!(iso(SUNDAY), "2026-11-22T16:03:05.250Z");
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn days_change_at_midnight() {
        let midnight = SUNDAY - SUNDAY.rem_euclid(DAY_MS);
        assert_eq!(day_of(midnight - 1) + 1, day_of(midnight));
        assert_eq!(day_of(midnight), day_of(midnight + DAY_MS - 1));
    }
}
