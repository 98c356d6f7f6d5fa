use super::*;

#[test]
fn stamps_are_utc_calendar_dates() {
    assert_eq!(utc_stamp(0), "1970-01-01 00:00 UTC");
    assert_eq!(utc_stamp(951_782_400_000), "2000-02-29 00:00 UTC");
    assert_eq!(utc_stamp(1_795_363_380_000), "2026-11-22 16:03 UTC");
}

#[test]
fn html_is_escaped() {
    assert_eq!(
        escape("<b>\"x\" & 'y'</b>"),
        "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
    );
}

#[test]
fn formats_parse() {
    assert_eq!(ExportFormat::parse("MD").unwrap(), ExportFormat::Markdown);
    assert_eq!(ExportFormat::parse("json").unwrap(), ExportFormat::Json);
    assert!(ExportFormat::parse("pdf").is_err());
}
