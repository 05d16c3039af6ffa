use super::*;
use crate::types::datetime::{
    fields_to_timestamp, timestamp_to_fields, ymd_to_date, DateTimeFields, END_TIMESTAMP, MIN_TIMESTAMP,
};
use crate::types::text::DateOrder;
use chrono_tz::{America, Asia, Europe, UTC};
use proptest::prelude::*;

fn ctx() -> TextContext {
    TextContext::default()
}

fn ctx_tz(tz: Tz) -> TextContext {
    TextContext { tz, ..TextContext::default() }
}

fn date(y: i32, m: u32, d: u32) -> i32 {
    ymd_to_date(y, m, d).unwrap()
}

fn ts(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, us: u32) -> i64 {
    fields_to_timestamp(&DateTimeFields { year: y, month: mo, day: d, hour: h, minute: mi, second: s, micros: us })
        .unwrap()
}

fn pd(s: &str) -> i32 {
    parse_date(s, &ctx()).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn pts(s: &str) -> i64 {
    parse_timestamp(s, &ctx()).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn ptz(s: &str, tz: Tz) -> i64 {
    parse_timestamptz(s, &ctx_tz(tz)).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn pt(s: &str) -> i64 {
    parse_time(s, &ctx()).unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn date_output() {
    assert_eq!(format_date(date(2024, 1, 31)), "2024-01-31");
    assert_eq!(format_date(date(-43, 3, 15)), "0044-03-15 BC");
    assert_eq!(format_date(date(0, 1, 1)), "0001-01-01 BC");
    assert_eq!(format_date(date(12345, 6, 7)), "12345-06-07");
    assert_eq!(format_date(DATE_POS_INFINITY), "infinity");
    assert_eq!(format_date(DATE_NEG_INFINITY), "-infinity");
    assert_eq!(format_date(crate::types::datetime::MIN_DATE), "4714-11-24 BC");
    assert_eq!(format_date(crate::types::datetime::END_DATE - 1), "5874897-12-31");
}

#[test]
fn date_input_formats() {
    let jan8 = date(1999, 1, 8);
    for s in [
        "1999-01-08",
        "January 8, 1999",
        "1/8/1999",
        "1999-Jan-08",
        "Jan-08-1999",
        "08-Jan-1999",
        "19990108",
        "990108",
        "1999.008",
        "J2451187",
        " 1999-01-08 ",
        "1999-01-08 04:05:06",
        "Friday, January 8, 1999",
        "1999-01-08T04:05",
        "January 8 99",
    ] {
        assert_eq!(pd(s), jan8, "{s}");
    }
    let dmy = TextContext { date_order: DateOrder::Dmy, ..ctx() };
    assert_eq!(parse_date("8/1/1999", &dmy).unwrap(), jan8);
    let ymd = TextContext { date_order: DateOrder::Ymd, ..ctx() };
    assert_eq!(parse_date("99/1/8", &ymd).unwrap(), jan8);
    assert_eq!(pd("0044-03-15 BC"), date(-43, 3, 15));
    assert_eq!(pd("epoch"), date(1970, 1, 1));
    assert_eq!(pd("infinity"), DATE_POS_INFINITY);
    assert_eq!(pd("-infinity"), DATE_NEG_INFINITY);
    assert_eq!(pd("INFINITY"), DATE_POS_INFINITY);
    assert_eq!(pd("5874897-12-31"), crate::types::datetime::END_DATE - 1);
    assert_eq!(pd("4714-11-24 BC"), crate::types::datetime::MIN_DATE);
    let today = pd("today");
    assert_eq!(pd("tomorrow"), today + 1);
    assert_eq!(pd("yesterday"), today - 1);
    assert!(today > date(2024, 1, 1));
}

#[test]
fn date_input_errors() {
    let e = parse_date("2023-02-29", &ctx()).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22008", "date/time field value out of range: \"2023-02-29\""));
    let e = parse_date("13/13/2020", &ctx()).unwrap_err();
    assert_eq!(e.code, "22008");
    assert_eq!(e.hint.as_deref(), Some("Perhaps you need a different \"datestyle\" setting."));
    let e = parse_date("garbage", &ctx()).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22007", "invalid input syntax for type date: \"garbage\""));
    let e = parse_date("4714-11-23 BC", &ctx()).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22008", "date out of range: \"4714-11-23 BC\""));
    assert_eq!(parse_date("5874898-01-01", &ctx()).unwrap_err().message, "date out of range: \"5874898-01-01\"");
    for bad in
        ["", "2024-01", "2024-01-32", "0000-01-01", "1999-01-08 25:00", "12:00", "1999-01-08 junk", "now now", "é"]
    {
        assert!(parse_date(bad, &ctx()).is_err(), "{bad}");
    }
    let e = parse_date("2024-01-01 Mars/Olympus", &ctx()).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22023", "time zone \"mars/olympus\" not recognized"));
}

#[test]
fn time_io() {
    assert_eq!(format_time(pt("04:05:06.789")), "04:05:06.789");
    assert_eq!(format_time(pt("04:05")), "04:05:00");
    assert_eq!(format_time(pt("040506")), "04:05:06");
    assert_eq!(format_time(pt("0405")), "04:05:00");
    assert_eq!(format_time(pt("04:05 PM")), "16:05:00");
    assert_eq!(format_time(pt("12:00 AM")), "00:00:00");
    assert_eq!(format_time(pt("12:30 pm")), "12:30:00");
    assert_eq!(format_time(pt("04:05:06 PST")), "04:05:06");
    assert_eq!(format_time(pt("04:05:06-08:00")), "04:05:06");
    assert_eq!(format_time(pt("04:05:06 UTC+2")), "04:05:06");
    assert_eq!(format_time(pt("04:05:06 Etc/GMT+5")), "04:05:06");
    // A zone with daylight time needs a date.
    assert_eq!(parse_time("04:05:06 Europe/Paris", &ctx()).unwrap_err().code, "22007");
    assert_eq!(format_time(pt("2003-04-12 04:05:06 America/New_York")), "04:05:06");
    assert_eq!(format_time(pt("24:00:00")), "24:00:00");
    assert_eq!(format_time(pt("23:59:60")), "24:00:00");
    assert_eq!(format_time(pt("allballs")), "00:00:00");
    assert_eq!(format_time(pt("T040506")), "04:05:06");
    assert_eq!(format_time(pt("04:05:06.1234567")), "04:05:06.123457");
    assert_eq!(format_time(pt("04:05:06.1234564")), "04:05:06.123456");
    assert_eq!(format_time(pt("23:59:59.9999999")), "24:00:00");
    assert!(pt("now") <= USECS_PER_DAY);
    for bad in ["24:00:01", "25:00", "12:60", "13:00 PM", "", "abc", "1", "12", "12:00:00:00", "infinity", "today"] {
        assert!(parse_time(bad, &ctx()).is_err(), "{bad}");
    }
    let e = parse_time("25:00", &ctx()).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22008", "date/time field value out of range: \"25:00\""));
    assert_eq!(parse_time("x", &ctx()).unwrap_err().message, "invalid input syntax for type time: \"x\"");
}

#[test]
fn timestamp_io() {
    assert_eq!(format_timestamp(ts(2024, 1, 31, 12, 34, 56, 789_000)), "2024-01-31 12:34:56.789");
    assert_eq!(format_timestamp(ts(2024, 1, 31, 0, 0, 0, 0)), "2024-01-31 00:00:00");
    assert_eq!(format_timestamp(ts(-43, 3, 15, 12, 0, 0, 1)), "0044-03-15 12:00:00.000001 BC");
    assert_eq!(format_timestamp(TIMESTAMP_POS_INFINITY), "infinity");
    assert_eq!(format_timestamp(MIN_TIMESTAMP), "4714-11-24 00:00:00 BC");
    assert_eq!(format_timestamp(END_TIMESTAMP - 1), "294276-12-31 23:59:59.999999");
    let t = ts(2024, 1, 31, 12, 34, 56, 789_000);
    for s in [
        "2024-01-31 12:34:56.789",
        "2024-01-31T12:34:56.789",
        "2024-01-31 12:34:56.789+02",
        "2024-01-31 12:34:56.789 Europe/Paris",
        "2024-01-31T12:34:56.789Z",
        "20240131T123456.789",
        "20240131 123456.789",
        "Jan 31 2024 12:34:56.789",
        "Wed Jan 31 12:34:56.789 2024",
        "31-Jan-2024 12:34:56.789",
        "2024-01-31 12:34:56.789 UTC",
        "2024-01-31 12:34:56.789 CET",
        "2024-01-31 00:34:56.789 PM",
    ] {
        assert_eq!(pts(s), t, "{s}");
    }
    assert_eq!(pts("2024-01-31"), ts(2024, 1, 31, 0, 0, 0, 0));
    assert_eq!(pts("epoch"), ts(1970, 1, 1, 0, 0, 0, 0));
    assert_eq!(pts("-infinity"), TIMESTAMP_NEG_INFINITY);
    assert_eq!(pts("2024-01-31 23:59:60"), ts(2024, 2, 1, 0, 0, 0, 0));
    assert_eq!(pts("today 12:00"), pts("today") + 12 * 3_600_000_000);
    assert_eq!(pts("12:00 today"), pts("today") + 12 * 3_600_000_000);
    assert_eq!(pts("294276-12-31 23:59:59.999999"), END_TIMESTAMP - 1);
    let e = parse_timestamp("294277-01-01", &ctx()).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22008", "timestamp out of range: \"294277-01-01\""));
    let e = parse_timestamp("2024-01-31 12:00 +16", &ctx()).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        ("22009", "time zone displacement out of range: \"2024-01-31 12:00 +16\"")
    );
    assert_eq!(
        parse_timestamp("nonsense", &ctx()).unwrap_err().message,
        "invalid input syntax for type timestamp: \"nonsense\""
    );
    for bad in ["2024-01-31 24:00:01", "2024-01-31 12:00 am pm", "2024-01-31 T", "2024-13-01", "12:00"] {
        assert!(parse_timestamp(bad, &ctx()).is_err(), "{bad}");
    }
}

#[test]
fn timestamptz_io() {
    let paris = Europe::Paris;
    let t = ts(2024, 1, 31, 11, 34, 56, 789_000);
    assert_eq!(format_timestamptz(t, &paris), "2024-01-31 12:34:56.789+01");
    assert_eq!(format_timestamptz(t, &UTC), "2024-01-31 11:34:56.789+00");
    assert_eq!(format_timestamptz(t, &Asia::Kolkata), "2024-01-31 17:04:56.789+05:30");
    assert_eq!(format_timestamptz(t, &America::New_York), "2024-01-31 06:34:56.789-05");
    assert_eq!(format_timestamptz(ts(1800, 1, 1, 0, 0, 0, 0), &paris), "1800-01-01 00:09:21+00:09:21");
    assert_eq!(format_timestamptz(ts(-43, 3, 15, 0, 0, 0, 0), &UTC), "0044-03-15 00:00:00+00 BC");
    assert_eq!(format_timestamptz(TIMESTAMP_NEG_INFINITY, &paris), "-infinity");
    assert_eq!(ptz("2024-01-31 12:34:56.789", paris), t);
    assert_eq!(ptz("2024-01-31 12:34:56.789+01", UTC), t);
    assert_eq!(ptz("2024-01-31 12:34:56.789+01:00", UTC), t);
    assert_eq!(ptz("2024-01-31 13:34:56.789 +0200", UTC), t);
    assert_eq!(ptz("2024-01-31 17:04:56.789+05:30", UTC), t);
    assert_eq!(ptz("2024-01-31 11:34:56.789Z", paris), t);
    assert_eq!(ptz("2024-01-31 11:34:56.789 UTC", paris), t);
    assert_eq!(ptz("2024-01-31 12:34:56.789 Europe/Paris", UTC), t);
    assert_eq!(ptz("2024-01-31 12:34:56.789 europe/paris", UTC), t);
    assert_eq!(ptz("2024-01-31 06:34:56.789 EST", paris), t);
    assert_eq!(ptz("2024-01-31 07:34:56.789 EST DST", paris), t);
    assert_eq!(ptz("epoch", paris), ts(1970, 1, 1, 0, 0, 0, 0));
    // POSIX zone specifications count hours west of Greenwich.
    assert_eq!(ptz("2024-01-31 10:00 UTC+2", paris), ts(2024, 1, 31, 12, 0, 0, 0));
    assert_eq!(ptz("2024-01-31 10:00 EST5", paris), ts(2024, 1, 31, 15, 0, 0, 0));
    // DST: a named zone's offset depends on the date.
    assert_eq!(ptz("2024-07-01 12:00 Europe/Paris", UTC), ts(2024, 7, 1, 10, 0, 0, 0));
    let ny = America::New_York;
    assert_eq!(ptz("2024-03-10 02:30", ny), ts(2024, 3, 10, 7, 30, 0, 0));
    assert_eq!(format_timestamptz(ptz("2024-03-10 02:30", ny), &ny), "2024-03-10 03:30:00-04");
    assert_eq!(format_timestamptz(ptz("2024-11-03 01:30", ny), &ny), "2024-11-03 01:30:00-05");
    let now = ptz("now", ny);
    assert!((now - crate::types::datetime::now_timestamp()).abs() < 60_000_000);
    assert_eq!(
        parse_timestamptz("x", &ctx()).unwrap_err().message,
        "invalid input syntax for type timestamp with time zone: \"x\""
    );
}

#[test]
fn zone_lookups() {
    assert_eq!(lookup_time_zone("Europe/Paris"), Some(Europe::Paris));
    assert_eq!(lookup_time_zone("AMERICA/NEW_YORK"), Some(America::New_York));
    assert_eq!(lookup_time_zone("utc"), Some(UTC));
    assert_eq!(lookup_time_zone("Mars/Base"), None);
    assert_eq!(zone_abbreviation_offset("EST"), Some(-18000));
    assert_eq!(zone_abbreviation_offset("cest"), Some(7200));
    assert_eq!(zone_abbreviation_offset("XYZ"), None);
    assert_eq!(posix_zone_offset("UTC+3"), Some(-10800));
    assert_eq!(posix_zone_offset("utc-05:30"), Some(19800));
    assert_eq!(posix_zone_offset("ABC5"), Some(-18000));
    assert_eq!(posix_zone_offset("UTC"), None);
    assert_eq!(posix_zone_offset("z8"), Some(-28800));
    assert_eq!(posix_zone_offset("UTC+3x"), None);
    assert_eq!(posix_zone_offset("UTC+168"), None);
    assert_eq!(posix_zone_offset("+3"), None);
    assert_eq!(posix_zone_offset("Mars/Olympus"), None);
    assert!(super::zone_is_fixed(&UTC));
    assert!(super::zone_is_fixed(&chrono_tz::Etc::GMTPlus5));
    assert!(!super::zone_is_fixed(&Europe::Paris));
}

proptest! {
    #[test]
    fn timestamp_round_trips(us in MIN_TIMESTAMP..END_TIMESTAMP) {
        prop_assert_eq!(parse_timestamp(&format_timestamp(us), &ctx()).map_err(|e| e.to_string()), Ok(us));
    }

    #[test]
    fn timestamptz_round_trips(us in MIN_TIMESTAMP..END_TIMESTAMP) {
        for tz in [Europe::Paris, America::New_York, Asia::Kolkata, UTC] {
            let text = format_timestamptz(us, &tz);
            prop_assert_eq!(parse_timestamptz(&text, &ctx_tz(UTC)).map_err(|e| e.to_string()), Ok(us), "{}", text);
        }
    }

    #[test]
    fn date_round_trips(d in crate::types::datetime::MIN_DATE..crate::types::datetime::END_DATE) {
        prop_assert_eq!(parse_date(&format_date(d), &ctx()).map_err(|e| e.to_string()), Ok(d));
    }

    #[test]
    fn time_round_trips(t in 0..=USECS_PER_DAY) {
        prop_assert_eq!(parse_time(&format_time(t), &ctx()).map_err(|e| e.to_string()), Ok(t));
    }

    #[test]
    fn fields_agree(us in MIN_TIMESTAMP..END_TIMESTAMP) {
        let f = timestamp_to_fields(us).unwrap();
        prop_assert_eq!(fields_to_timestamp(&f), Some(us));
    }

    #[test]
    fn parsing_garbage_never_panics(s in ".{0,40}") {
        let _ = parse_timestamptz(&s, &ctx());
        let _ = parse_time(&s, &ctx());
        let _ = parse_date(&s, &ctx());
        let _ = crate::types::text::parse_interval(&s);
    }

    #[test]
    fn parsing_datetimeish_garbage_never_panics(s in "[0-9 :./+TZjJa-z-]{0,30}") {
        let _ = parse_timestamptz(&s, &ctx());
        let _ = parse_time(&s, &ctx());
        let _ = crate::types::text::parse_interval(&s);
    }
}
