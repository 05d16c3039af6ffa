//! Date/time formatting templates (PostgreSQL's `formatting.c`): `to_char` for timestamps,
//! timestamptz (in the session time zone) and intervals, and the parsers `to_timestamp(text,
//! text)` and `to_date(text, text)`.
//!
//! Supported patterns: `HH`, `HH12`, `HH24`, `MI`, `SS`, `MS`, `US`, `FF1`-`FF6`, `SSSS(S)`,
//! `AM`/`PM`/`A.M.`/`P.M.` (either case), `Y,YYY`, `YYYY`, `YYY`, `YY`, `Y`, `IYYY`-`I`,
//! `BC`/`AD`/`B.C.`/`A.D.`, `MONTH`/`Month`/`month`, `MON`/`Mon`/`mon`, `MM`, `DAY`/`Day`/`day`,
//! `DY`/`Dy`/`dy`, `DDD`, `IDDD`, `DD`, `D`, `ID`, `W`, `WW`, `IW`, `CC`, `J`, `Q`, `RM`/`rm`,
//! `TZ`/`tz`, `TZH`, `TZM`, `OF`; the `FM` prefix, `TH`/`th` suffix (`TM`, `SP` and `FX` are
//! accepted and ignored); double-quoted literal text and backslash escapes. Parsing follows the
//! non-`FX` rules: separators in the template match any one separator in the input, spaces
//! match any run of spaces, and a numeric field followed by a separator reads all its digits.

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::resolve::p;
use crate::functions::scalar::dtfields::iso_week;
use crate::functions::scalar::Functions;
use crate::functions::util::{arg, interval, text, text_value, timestamp};
use crate::functions::FnContext;
use crate::types::datetime::{
    date2j, days_in_month, fields_to_timestamp, iso_day_of_week, j2date, local_timestamp_to_utc, timestamp_to_fields,
    tz_abbreviation, utc_offset_seconds, DateTimeFields, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC,
};
use crate::types::{DataType, Value};

pub(super) fn register(r: &mut Functions) {
    r.add("to_char", [p::TIMESTAMP, p::TEXT], DataType::Text, to_char_ts);
    r.add("to_char", [p::TIMESTAMPTZ, p::TEXT], DataType::Text, to_char_ts).stable();
    r.add("to_char", [p::INTERVAL, p::TEXT], DataType::Text, to_char_interval);
    r.add("to_timestamp", [p::TEXT, p::TEXT], DataType::TimestampTz, to_timestamp).stable();
    r.add("to_date", [p::TEXT, p::TEXT], DataType::Date, to_date).stable();
}

/// How a name pattern is capitalized (`MONTH`, `Month`, `month`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    Upper,
    Title,
    Lower,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pat {
    Hh,
    Hh12,
    Hh24,
    Mi,
    Ss,
    Ms,
    Us,
    Ff(u8),
    Ssss,
    Meridian { dots: bool, case: Case },
    YComma,
    Yyyy,
    Yyy,
    Yy,
    Y,
    Iyyy,
    Iyy,
    Iy,
    I,
    Era { dots: bool, case: Case },
    Month(Case),
    Mon(Case),
    Mm,
    Day(Case),
    Dy(Case),
    Ddd,
    Iddd,
    Dd,
    D,
    Id,
    W,
    Ww,
    Iw,
    Cc,
    J,
    Q,
    Rm(Case),
    Tz(Case),
    Tzh,
    Tzm,
    Of,
}

/// Patterns by name, longest first where one is a prefix of another. Names matched exactly
/// come first; numeric patterns also match in lower case.
const PATTERNS: &[(&str, Pat)] = &[
    ("A.D.", Pat::Era { dots: true, case: Case::Upper }),
    ("a.d.", Pat::Era { dots: true, case: Case::Lower }),
    ("B.C.", Pat::Era { dots: true, case: Case::Upper }),
    ("b.c.", Pat::Era { dots: true, case: Case::Lower }),
    ("A.M.", Pat::Meridian { dots: true, case: Case::Upper }),
    ("a.m.", Pat::Meridian { dots: true, case: Case::Lower }),
    ("P.M.", Pat::Meridian { dots: true, case: Case::Upper }),
    ("p.m.", Pat::Meridian { dots: true, case: Case::Lower }),
    ("AD", Pat::Era { dots: false, case: Case::Upper }),
    ("ad", Pat::Era { dots: false, case: Case::Lower }),
    ("BC", Pat::Era { dots: false, case: Case::Upper }),
    ("bc", Pat::Era { dots: false, case: Case::Lower }),
    ("AM", Pat::Meridian { dots: false, case: Case::Upper }),
    ("am", Pat::Meridian { dots: false, case: Case::Lower }),
    ("PM", Pat::Meridian { dots: false, case: Case::Upper }),
    ("pm", Pat::Meridian { dots: false, case: Case::Lower }),
    ("MONTH", Pat::Month(Case::Upper)),
    ("Month", Pat::Month(Case::Title)),
    ("month", Pat::Month(Case::Lower)),
    ("MON", Pat::Mon(Case::Upper)),
    ("Mon", Pat::Mon(Case::Title)),
    ("mon", Pat::Mon(Case::Lower)),
    ("DAY", Pat::Day(Case::Upper)),
    ("Day", Pat::Day(Case::Title)),
    ("day", Pat::Day(Case::Lower)),
    ("DY", Pat::Dy(Case::Upper)),
    ("Dy", Pat::Dy(Case::Title)),
    ("dy", Pat::Dy(Case::Lower)),
    ("RM", Pat::Rm(Case::Upper)),
    ("rm", Pat::Rm(Case::Lower)),
    ("TZH", Pat::Tzh),
    ("TZM", Pat::Tzm),
    ("TZ", Pat::Tz(Case::Upper)),
    ("tz", Pat::Tz(Case::Lower)),
    ("OF", Pat::Of),
    ("HH24", Pat::Hh24),
    ("HH12", Pat::Hh12),
    ("HH", Pat::Hh),
    ("MI", Pat::Mi),
    ("MS", Pat::Ms),
    ("MM", Pat::Mm),
    ("SSSSS", Pat::Ssss),
    ("SSSS", Pat::Ssss),
    ("SS", Pat::Ss),
    ("US", Pat::Us),
    ("FF1", Pat::Ff(1)),
    ("FF2", Pat::Ff(2)),
    ("FF3", Pat::Ff(3)),
    ("FF4", Pat::Ff(4)),
    ("FF5", Pat::Ff(5)),
    ("FF6", Pat::Ff(6)),
    ("Y,YYY", Pat::YComma),
    ("YYYY", Pat::Yyyy),
    ("YYY", Pat::Yyy),
    ("YY", Pat::Yy),
    ("Y", Pat::Y),
    ("IYYY", Pat::Iyyy),
    ("IYY", Pat::Iyy),
    ("IY", Pat::Iy),
    ("IDDD", Pat::Iddd),
    ("ID", Pat::Id),
    ("IW", Pat::Iw),
    ("I", Pat::I),
    ("DDD", Pat::Ddd),
    ("DD", Pat::Dd),
    ("D", Pat::D),
    ("WW", Pat::Ww),
    ("W", Pat::W),
    ("CC", Pat::Cc),
    ("J", Pat::J),
    ("Q", Pat::Q),
];

/// One element of a parsed template.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Field {
        pat: Pat,
        name: &'static str,
        fm: bool,
        th: Option<Case>,
    },
    /// Literal text (quoted, escaped, or not a pattern).
    Lit(char),
}

fn is_numeric_pat(p: Pat) -> bool {
    !matches!(
        p,
        Pat::Meridian { .. }
            | Pat::Era { .. }
            | Pat::Month(_)
            | Pat::Mon(_)
            | Pat::Day(_)
            | Pat::Dy(_)
            | Pat::Rm(_)
            | Pat::Tz(_)
    )
}

fn starts_with_at(cs: &[char], i: usize, s: &str, ignore_case: bool) -> bool {
    let n = s.chars().count();
    cs.get(i..i + n).is_some_and(|w| {
        w.iter().zip(s.chars()).all(|(a, b)| if ignore_case { a.eq_ignore_ascii_case(&b) } else { *a == b })
    })
}

fn parse_template(fmt: &str) -> Vec<Node> {
    let cs: Vec<char> = fmt.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c == '"' {
            i += 1;
            while i < cs.len() && cs[i] != '"' {
                if cs[i] == '\\' && i + 1 < cs.len() {
                    i += 1;
                }
                out.push(Node::Lit(cs[i]));
                i += 1;
            }
            i += 1;
            continue;
        }
        if c == '\\' && i + 1 < cs.len() {
            out.push(Node::Lit(cs[i + 1]));
            i += 2;
            continue;
        }
        let mut fm = false;
        let mut j = i;
        loop {
            if starts_with_at(&cs, j, "FM", true) {
                fm = true;
                j += 2;
            } else if starts_with_at(&cs, j, "TM", true) || starts_with_at(&cs, j, "FX", true) {
                j += 2;
            } else {
                break;
            }
        }
        let found = PATTERNS
            .iter()
            .find(|(name, _)| starts_with_at(&cs, j, name, false))
            .or_else(|| PATTERNS.iter().find(|(name, pat)| is_numeric_pat(*pat) && starts_with_at(&cs, j, name, true)));
        match found {
            Some((name, pat)) => {
                j += name.chars().count();
                let th = if starts_with_at(&cs, j, "TH", false) {
                    j += 2;
                    Some(Case::Upper)
                } else if starts_with_at(&cs, j, "th", false) {
                    j += 2;
                    Some(Case::Lower)
                } else {
                    None
                };
                if starts_with_at(&cs, j, "SP", true) {
                    j += 2;
                }
                out.push(Node::Field { pat: *pat, name, fm, th });
                i = j;
            }
            None if j > i => i = j,
            None => {
                out.push(Node::Lit(c));
                i += 1;
            }
        }
    }
    out
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
const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const ROMAN: [&str; 12] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];

fn cased(s: &str, case: Case) -> String {
    match case {
        Case::Upper => s.to_uppercase(),
        Case::Lower => s.to_lowercase(),
        Case::Title => s.to_string(),
    }
}

/// C's `%0*d`: zero-padded to `width` characters including the sign.
fn pad(v: i64, width: usize, fm: bool) -> String {
    let w = if fm { 0 } else { width };
    if v < 0 {
        format!("-{:0>w$}", v.unsigned_abs(), w = w.saturating_sub(1))
    } else {
        format!("{v:0>w$}")
    }
}

fn ordinal(v: i64, case: Case) -> &'static str {
    let n = v.unsigned_abs();
    let s = if (11..=13).contains(&(n % 100)) {
        "th"
    } else {
        match n % 10 {
            1 => "st",
            2 => "nd",
            3 => "rd",
            _ => "th",
        }
    };
    match (case, s) {
        (Case::Lower, s) => s,
        (_, "st") => "ST",
        (_, "nd") => "ND",
        (_, "rd") => "RD",
        _ => "TH",
    }
}

/// The broken-down value `to_char` formats.
struct Tm {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    micros: i64,
    /// Offset east of UTC in seconds, and the zone abbreviation (timestamptz only).
    zone: Option<(i32, String)>,
    interval: bool,
}

fn invalid_for_interval() -> SqlError {
    SqlError::new(sqlstate::INVALID_DATETIME_FORMAT, "invalid format specification for an interval value")
        .hint("Intervals are not tied to specific calendar dates.")
}

fn format_tm(tm: &Tm, nodes: &[Node]) -> Result<String> {
    let mut out = String::new();
    let (jd, dow) = if tm.interval {
        (0, 0)
    } else {
        let jd = date2j(tm.year, tm.month as u32, tm.day as u32);
        (jd, i64::from(iso_day_of_week(jd)) % 7)
    };
    let year_adj = if tm.interval || tm.year > 0 { tm.year } else { 1 - tm.year };
    let doy = if tm.interval { tm.day } else { jd - date2j(tm.year, 1, 1) + 1 };
    let (iso_y, iso_w) =
        if tm.interval { (tm.year, 0) } else { iso_week(tm.year as i32, tm.month as u32, tm.day as u32) };
    for node in nodes {
        let (pat, fm, th) = match node {
            Node::Lit(c) => {
                out.push(*c);
                continue;
            }
            Node::Field { pat, fm, th, .. } => (*pat, *fm, *th),
        };
        let calendar_only = matches!(
            pat,
            Pat::Day(_)
                | Pat::Dy(_)
                | Pat::D
                | Pat::Id
                | Pat::W
                | Pat::Ww
                | Pat::Iw
                | Pat::Iddd
                | Pat::J
                | Pat::Iyyy
                | Pat::Iyy
                | Pat::Iy
                | Pat::I
        );
        if tm.interval && calendar_only {
            return Err(invalid_for_interval());
        }
        let mut num: Option<(i64, usize)> = None;
        match pat {
            Pat::Hh | Pat::Hh12 => {
                let h = tm.hour % 12;
                num = Some((if h == 0 { 12 } else { h }, 2));
            }
            Pat::Hh24 => num = Some((tm.hour, 2)),
            Pat::Mi => num = Some((tm.minute, 2)),
            Pat::Ss => num = Some((tm.second, 2)),
            Pat::Ms => num = Some((tm.micros / 1000, 3)),
            Pat::Us => num = Some((tm.micros, 6)),
            Pat::Ff(n) => num = Some((tm.micros / 10i64.pow(6 - u32::from(n)), usize::from(n))),
            Pat::Ssss => num = Some((tm.hour * 3600 + tm.minute * 60 + tm.second, 0)),
            Pat::Meridian { dots, case } => {
                let pm = tm.hour % 24 >= 12;
                let s = match (pm, dots) {
                    (false, false) => "AM",
                    (true, false) => "PM",
                    (false, true) => "A.M.",
                    (true, true) => "P.M.",
                };
                out.push_str(&cased(s, case));
            }
            Pat::Era { dots, case } => {
                let bc = !tm.interval && tm.year <= 0;
                let s = match (bc, dots) {
                    (false, false) => "AD",
                    (true, false) => "BC",
                    (false, true) => "A.D.",
                    (true, true) => "B.C.",
                };
                out.push_str(&cased(s, case));
            }
            Pat::YComma => out.push_str(&format!("{},{:03}", year_adj / 1000, (year_adj % 1000).abs())),
            Pat::Yyyy => num = Some((year_adj, if (-9998..=9999).contains(&year_adj) { 4 } else { 0 })),
            Pat::Yyy => num = Some((year_adj % 1000, 3)),
            Pat::Yy => num = Some((year_adj % 100, 2)),
            Pat::Y => num = Some((year_adj % 10, 1)),
            Pat::Iyyy => num = Some((if iso_y > 0 { iso_y } else { 1 - iso_y }, 4)),
            Pat::Iyy => num = Some((iso_y % 1000, 3)),
            Pat::Iy => num = Some((iso_y % 100, 2)),
            Pat::I => num = Some((iso_y % 10, 1)),
            Pat::Month(case) | Pat::Mon(case) | Pat::Rm(case) => {
                if tm.interval && tm.month == 0 {
                    continue;
                }
                let idx = ((tm.month - 1).rem_euclid(12)) as usize;
                let s = match pat {
                    Pat::Month(_) => {
                        let name = cased(MONTHS[idx], case);
                        if fm {
                            name
                        } else {
                            format!("{name:<9}")
                        }
                    }
                    Pat::Mon(_) => cased(&MONTHS[idx][..3], case),
                    _ => {
                        let r = cased(ROMAN[idx], case);
                        if fm {
                            r
                        } else {
                            format!("{r:<4}")
                        }
                    }
                };
                out.push_str(&s);
            }
            Pat::Mm => num = Some((tm.month, 2)),
            Pat::Day(case) => {
                let name = cased(DAYS[dow as usize], case);
                out.push_str(&if fm { name } else { format!("{name:<9}") });
            }
            Pat::Dy(case) => out.push_str(&cased(&DAYS[dow as usize][..3], case)),
            Pat::Ddd => num = Some((doy, 3)),
            Pat::Iddd => {
                let monday_w1 = date2j(iso_y, 1, 4) - i64::from(iso_day_of_week(date2j(iso_y, 1, 4))) + 1;
                num = Some((jd - monday_w1 + 1, 3));
            }
            Pat::Dd => num = Some((tm.day, 2)),
            Pat::D => num = Some((dow + 1, 0)),
            Pat::Id => num = Some((if dow == 0 { 7 } else { dow }, 0)),
            Pat::W => num = Some(((tm.day - 1) / 7 + 1, 0)),
            Pat::Ww => num = Some(((doy - 1) / 7 + 1, 2)),
            Pat::Iw => num = Some((iso_w, 2)),
            Pat::Cc => {
                let c = if tm.interval {
                    tm.year / 100
                } else if tm.year > 0 {
                    (tm.year - 1) / 100 + 1
                } else {
                    tm.year / 100 - 1
                };
                num = Some((
                    c,
                    if (-99..=99).contains(&c) {
                        if c >= 0 {
                            2
                        } else {
                            3
                        }
                    } else {
                        0
                    },
                ));
            }
            Pat::J => num = Some((jd, 0)),
            Pat::Q => {
                if tm.interval && tm.month == 0 {
                    continue;
                }
                num = Some(((tm.month - 1) / 3 + 1, 0));
            }
            Pat::Tz(case) => {
                if let Some((_, abbr)) = &tm.zone {
                    out.push_str(&cased(abbr, case));
                }
            }
            Pat::Tzh | Pat::Of => {
                let off = tm.zone.as_ref().map(|z| z.0).unwrap_or(0);
                let sign = if off < 0 { '-' } else { '+' };
                let a = off.unsigned_abs();
                out.push(sign);
                out.push_str(&pad(i64::from(a / 3600), 2, fm && pat == Pat::Tzh));
                if pat == Pat::Of && !a.is_multiple_of(3600) {
                    out.push_str(&format!(":{:02}", a % 3600 / 60));
                }
            }
            Pat::Tzm => {
                let off = tm.zone.as_ref().map(|z| z.0).unwrap_or(0);
                out.push_str(&pad(i64::from(off.unsigned_abs() % 3600 / 60), 2, fm));
            }
        }
        if let Some((v, width)) = num {
            out.push_str(&pad(v, width, fm));
            if let Some(case) = th {
                out.push_str(ordinal(v, case));
            }
        }
    }
    Ok(out)
}

fn to_char_ts(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let ts = timestamp(args, 0)?;
    let (local, zone) = match arg(args, 0)? {
        Value::TimestampTz(_) => {
            let off = utc_offset_seconds(&ctx.text.tz, ts);
            (ts.saturating_add(i64::from(off) * USECS_PER_SEC), Some((off, tz_abbreviation(&ctx.text.tz, ts))))
        }
        _ => (ts, None),
    };
    let Some(f) = timestamp_to_fields(local) else { return Ok(Value::Null) };
    let tm = Tm {
        year: i64::from(f.year),
        month: i64::from(f.month),
        day: i64::from(f.day),
        hour: i64::from(f.hour),
        minute: i64::from(f.minute),
        second: i64::from(f.second),
        micros: i64::from(f.micros),
        zone,
        interval: false,
    };
    format_tm(&tm, &parse_template(text(args, 1)?)).map(text_value)
}

fn to_char_interval(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let iv = interval(args, 0)?;
    let rest = iv.micros % USECS_PER_HOUR;
    let tm = Tm {
        year: i64::from(iv.months / 12),
        month: i64::from(iv.months % 12),
        day: i64::from(iv.days),
        hour: iv.micros / USECS_PER_HOUR,
        minute: rest / USECS_PER_MINUTE,
        second: rest % USECS_PER_MINUTE / USECS_PER_SEC,
        micros: rest % USECS_PER_SEC,
        zone: None,
        interval: true,
    };
    format_tm(&tm, &parse_template(text(args, 1)?)).map(text_value)
}

/// Fields collected while parsing input with a template.
#[derive(Default)]
struct Parsed {
    /// The year, and whether it needs PostgreSQL's two-digit-year adjustment.
    year: Option<(i64, bool)>,
    bc: bool,
    cc: Option<i64>,
    month: Option<i64>,
    day: Option<i64>,
    doy: Option<i64>,
    julian: Option<i64>,
    hour: Option<i64>,
    hour12: bool,
    pm: Option<bool>,
    minute: Option<i64>,
    second: Option<i64>,
    micros: Option<i64>,
    ssss: Option<i64>,
    tz_hours: Option<(bool, i64)>,
    tz_minutes: Option<i64>,
}

fn bad_value(value: &str, name: &str, detail: &str) -> SqlError {
    SqlError::new(sqlstate::INVALID_DATETIME_FORMAT, format!("invalid value \"{value}\" for \"{name}\"")).detail(detail)
}

fn is_sep(c: char) -> bool {
    !c.is_alphanumeric()
}

/// Nominal digit count of a numeric input field.
fn field_len(p: Pat) -> usize {
    match p {
        Pat::Yyyy | Pat::Iyyy => 4,
        Pat::Yyy | Pat::Iyy | Pat::Ddd | Pat::Iddd | Pat::Ms => 3,
        Pat::Y | Pat::I | Pat::D | Pat::Id | Pat::W | Pat::Q => 1,
        Pat::Us => 6,
        Pat::Ff(n) => usize::from(n),
        Pat::J | Pat::Ssss | Pat::YComma => usize::MAX,
        _ => 2,
    }
}

/// PostgreSQL's `adjust_partial_year_to_2020` for years given with fewer than four digits.
fn adjust_year(y: i64) -> i64 {
    if y < 70 {
        y + 2000
    } else if y < 100 {
        y + 1900
    } else if y < 520 {
        y + 2000
    } else if y < 1000 {
        y + 1000
    } else {
        y
    }
}

fn parse_input(input: &str, nodes: &[Node]) -> Result<Parsed> {
    let cs: Vec<char> = input.chars().collect();
    let mut i = 0;
    let mut out = Parsed::default();
    for (k, node) in nodes.iter().enumerate() {
        let (pat, name) = match node {
            Node::Lit(c) => {
                if c.is_whitespace() {
                    while i < cs.len() && cs[i].is_whitespace() {
                        i += 1;
                    }
                } else if is_sep(*c) {
                    if i < cs.len() && is_sep(cs[i]) && !cs[i].is_whitespace() {
                        i += 1;
                    }
                } else if i < cs.len() {
                    i += 1;
                }
                continue;
            }
            Node::Field { pat, name, .. } => (*pat, *name),
        };
        while i < cs.len() && cs[i].is_whitespace() {
            i += 1;
        }
        if is_numeric_pat(pat) && !matches!(pat, Pat::Tzh | Pat::Of) {
            let next_is_sep = match nodes.get(k + 1) {
                None => true,
                Some(Node::Lit(c)) => is_sep(*c),
                Some(Node::Field { .. }) => false,
            };
            let max = if next_is_sep { usize::MAX } else { field_len(pat) };
            let start = i;
            let mut v: i64 = 0;
            while i < cs.len() && i - start < max {
                let Some(d) = cs[i].to_digit(10) else {
                    if pat == Pat::YComma && cs[i] == ',' && i - start <= 1 {
                        i += 1;
                        continue;
                    }
                    break;
                };
                v = v.saturating_mul(10).saturating_add(i64::from(d));
                i += 1;
            }
            let digits = cs[start..i].iter().filter(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                let shown: String = cs[start..].iter().take(field_len(pat).min(cs.len() - start)).collect();
                return Err(bad_value(&shown, name, "Value must be an integer."));
            }
            let scale = |v: i64, n: usize| v * 10i64.pow(n.saturating_sub(digits) as u32);
            match pat {
                Pat::Yyyy | Pat::YComma | Pat::Iyyy => out.year = Some((v, false)),
                Pat::Yyy | Pat::Yy | Pat::Y | Pat::Iyy | Pat::Iy | Pat::I => out.year = Some((v, digits < 4)),
                Pat::Mm => out.month = Some(v),
                Pat::Dd => out.day = Some(v),
                Pat::Ddd | Pat::Iddd => out.doy = Some(v),
                Pat::Hh | Pat::Hh12 => {
                    out.hour = Some(v);
                    out.hour12 = true;
                }
                Pat::Hh24 => out.hour = Some(v),
                Pat::Mi => out.minute = Some(v),
                Pat::Ss => out.second = Some(v),
                Pat::Ms => out.micros = Some(scale(v, 3) * 1000),
                Pat::Us => out.micros = Some(scale(v, 6)),
                Pat::Ff(n) => out.micros = Some(scale(v, usize::from(n)) * 10i64.pow(6 - u32::from(n))),
                Pat::Ssss => out.ssss = Some(v),
                Pat::Cc => out.cc = Some(v),
                Pat::J => out.julian = Some(v),
                Pat::Tzm => out.tz_minutes = Some(v),
                _ => {}
            }
            continue;
        }
        let rest: String = cs[i..].iter().collect();
        let lower = rest.to_lowercase();
        let word: String = cs[i..].iter().take_while(|c| c.is_alphabetic() || **c == '.').collect();
        let no_match =
            || bad_value(&word, name, "The given value did not match any of the allowed values for this field.");
        let take =
            |opts: &[&str]| opts.iter().find(|o| lower.starts_with(&o.to_lowercase())).map(|o| o.chars().count());
        match pat {
            Pat::Month(_) => {
                let idx = MONTHS.iter().position(|m| lower.starts_with(&m.to_lowercase())).ok_or_else(no_match)?;
                out.month = Some(idx as i64 + 1);
                i += MONTHS[idx].len();
            }
            Pat::Mon(_) => {
                let idx = MONTHS.iter().position(|m| lower.starts_with(&m[..3].to_lowercase())).ok_or_else(no_match)?;
                out.month = Some(idx as i64 + 1);
                i += 3;
            }
            Pat::Rm(_) => {
                let idx = (0..12).rev().find(|k| lower.starts_with(&ROMAN[*k].to_lowercase())).ok_or_else(no_match)?;
                out.month = Some(idx as i64 + 1);
                i += ROMAN[idx].len();
            }
            Pat::Day(_) => i += DAYS.iter().find(|d| lower.starts_with(&d.to_lowercase())).ok_or_else(no_match)?.len(),
            Pat::Dy(_) => {
                DAYS.iter().find(|d| lower.starts_with(&d[..3].to_lowercase())).ok_or_else(no_match)?;
                i += 3;
            }
            Pat::Meridian { .. } => {
                let n = take(&["A.M.", "P.M.", "AM", "PM"]).ok_or_else(no_match)?;
                out.pm = Some(lower.starts_with('p'));
                i += n;
            }
            Pat::Era { .. } => {
                let n = take(&["A.D.", "B.C.", "AD", "BC"]).ok_or_else(no_match)?;
                out.bc = lower.starts_with('b');
                i += n;
            }
            Pat::Tzh => {
                let neg = cs.get(i) == Some(&'-');
                if matches!(cs.get(i), Some('+') | Some('-')) {
                    i += 1;
                }
                let start = i;
                let mut v = 0i64;
                while i < cs.len() && i - start < 2 {
                    let Some(d) = cs[i].to_digit(10) else { break };
                    v = v * 10 + i64::from(d);
                    i += 1;
                }
                if i == start {
                    return Err(bad_value(&word, name, "Value must be an integer."));
                }
                out.tz_hours = Some((neg, v));
            }
            _ => {
                return Err(SqlError::new(
                    sqlstate::FEATURE_NOT_SUPPORTED,
                    format!("formatting field \"{name}\" is only supported in to_char"),
                ))
            }
        }
    }
    Ok(out)
}

fn out_of_range(input: &str) -> SqlError {
    SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, format!("date/time field value out of range: \"{input}\""))
}

/// Builds the local timestamp (and UTC offset, if the input gave one) of parsed fields.
fn assemble(p: &Parsed, input: &str) -> Result<(i64, Option<i64>)> {
    let mut year = match (p.year, p.cc) {
        (Some((y, true)), _) => adjust_year(y),
        (Some((y, false)), _) => y,
        (None, Some(cc)) => (cc - 1) * 100 + 1,
        (None, None) => 1,
    };
    if p.bc {
        year = 1 - year;
    }
    let (mut month, mut day) = (p.month.unwrap_or(1), p.day.unwrap_or(1));
    if let Some(jd) = p.julian {
        let (y, m, d) = j2date(jd);
        (year, month, day) = (y, i64::from(m), i64::from(d));
    } else if let (Some(doy), None, None) = (p.doy, p.month, p.day) {
        let (y, m, d) = j2date(date2j(year, 1, 1) + doy - 1);
        (year, month, day) = (y, i64::from(m), i64::from(d));
    }
    let mut hour = p.hour.unwrap_or(0);
    if p.hour12 && !(1..=12).contains(&hour) {
        return Err(SqlError::new(
            sqlstate::INVALID_DATETIME_FORMAT,
            format!("hour \"{hour}\" is invalid for the 12-hour clock"),
        )
        .hint("Use the 24-hour clock, or give an hour between 1 and 12."));
    }
    if let Some(pm) = p.pm {
        hour = hour % 12 + if pm { 12 } else { 0 };
    }
    let (mut minute, mut second) = (p.minute.unwrap_or(0), p.second.unwrap_or(0));
    if let Some(s) = p.ssss {
        hour = s / 3600;
        minute = s / 60 % 60;
        second = s % 60;
    }
    let y32 = i32::try_from(year).map_err(|_| out_of_range(input))?;
    let valid_date = (1..=12).contains(&month) && day >= 1 && day <= i64::from(days_in_month(y32, month as u32));
    let valid_time = (0..=24).contains(&hour) && (0..60).contains(&minute) && (0..=60).contains(&second);
    if !valid_date || !valid_time {
        return Err(out_of_range(input));
    }
    let f =
        DateTimeFields { year: y32, month: month as u32, day: day as u32, hour: 0, minute: 0, second: 0, micros: 0 };
    let midnight = fields_to_timestamp(&f).ok_or_else(|| out_of_range(input))?;
    let t = hour * USECS_PER_HOUR + minute * USECS_PER_MINUTE + second * USECS_PER_SEC + p.micros.unwrap_or(0);
    let offset = match (p.tz_hours, p.tz_minutes) {
        (None, None) => None,
        (h, m) => {
            let (neg, h) = h.unwrap_or((false, 0));
            let total = h * 60 + m.unwrap_or(0);
            Some(if neg { -total } else { total })
        }
    };
    Ok((midnight + t, offset))
}

fn to_timestamp(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let input = text(args, 0)?;
    let parsed = parse_input(input, &parse_template(text(args, 1)?))?;
    let (local, tz) = assemble(&parsed, input)?;
    Ok(Value::TimestampTz(match tz {
        Some(m) => local - m * USECS_PER_MINUTE,
        None => local_timestamp_to_utc(&ctx.text.tz, local),
    }))
}

fn to_date(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let input = text(args, 0)?;
    let parsed = parse_input(input, &parse_template(text(args, 1)?))?;
    let (local, _) = assemble(&parsed, input)?;
    let days = local.div_euclid(crate::types::datetime::USECS_PER_DAY);
    Ok(Value::Date(i32::try_from(days).map_err(|_| out_of_range(input))?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::testing::{call_typed as call, call_tz, t, text_of};
    use crate::types::datetime::ymd_to_date;
    use crate::types::Interval;

    fn ts(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, us: u32) -> i64 {
        fields_to_timestamp(&DateTimeFields { year: y, month: mo, day: d, hour: h, minute: mi, second: s, micros: us })
            .unwrap()
    }

    fn fmt(v: i64, f: &str) -> String {
        text_of(call("to_char", &[(Value::Timestamp(v), DataType::Timestamp), t(f)]))
    }

    #[test]
    fn to_char_timestamps() {
        let v = ts(2024, 2, 5, 14, 7, 9, 123_456);
        assert_eq!(fmt(v, "YYYY-MM-DD HH24:MI:SS"), "2024-02-05 14:07:09");
        assert_eq!(fmt(v, "HH12:MI AM"), "02:07 PM");
        assert_eq!(fmt(v, "HH:MI a.m."), "02:07 p.m.");
        assert_eq!(fmt(v, "Day, DD Month YYYY"), "Monday   , 05 February  2024");
        assert_eq!(fmt(v, "FMDay, FMDD FMMonth YYYY"), "Monday, 5 February 2024");
        assert_eq!(fmt(v, "DY dy Dy MON mon Mon"), "MON mon Mon FEB feb Feb");
        assert_eq!(fmt(v, "MS US FF3"), "123 123456 123");
        assert_eq!(fmt(v, "DDD D ID W WW IW Q CC J"), "036 2 1 1 06 06 1 21 2460346");
        assert_eq!(fmt(v, "DDth FMDDTH"), "05th 5TH");
        assert_eq!(fmt(ts(2024, 1, 1, 0, 0, 0, 0), "FMDDth FMDDth"), "1st 1st");
        assert_eq!(fmt(ts(2024, 1, 12, 0, 0, 0, 0), "DDth"), "12th");
        assert_eq!(fmt(ts(2024, 1, 22, 0, 0, 0, 0), "DDth"), "22nd");
        assert_eq!(fmt(v, "\"Year:\" YYYY \\Q"), "Year: 2024 Q");
        assert_eq!(fmt(v, "Y,YYY YYY YY Y"), "2,024 024 24 4");
        assert_eq!(fmt(v, "RM rm"), "II   ii  ");
        assert_eq!(fmt(v, "SSSS"), "50829");
        assert_eq!(fmt(v, "yyyy-mm-dd hh24"), "2024-02-05 14");
        assert_eq!(fmt(v, "TZ OF"), " +00");
        assert_eq!(fmt(ts(-43, 3, 15, 0, 0, 0, 0), "YYYY BC"), "0044 BC");
        assert_eq!(fmt(ts(2024, 1, 1, 0, 0, 0, 0), "IYYY-IW-ID"), "2024-01-1");
        assert_eq!(fmt(ts(2024, 1, 1, 0, 30, 0, 0), "HH12 AM"), "12 AM");
    }

    #[test]
    fn to_char_zones_and_intervals() {
        let v = (Value::TimestampTz(ts(2024, 7, 1, 12, 0, 0, 0)), DataType::TimestampTz);
        let r = call_tz(chrono_tz::America::New_York, "to_char", &[v.clone(), t("YYYY-MM-DD HH24:MI TZ OF TZH:TZM")]);
        assert_eq!(text_of(r), "2024-07-01 08:00 EDT -04 -04:00");
        let r = call_tz(chrono_tz::Asia::Kolkata, "to_char", &[v, t("HH24:MI OF")]);
        assert_eq!(text_of(r), "17:30 +05:30");
        let iv = (
            Value::Interval(Interval { months: 14, days: 3, micros: 27 * USECS_PER_HOUR + 5 * USECS_PER_MINUTE }),
            DataType::Interval,
        );
        assert_eq!(text_of(call("to_char", &[iv.clone(), t("YYYY MM DD HH24:MI:SS")])), "0001 02 03 27:05:00");
        assert_eq!(text_of(call("to_char", &[iv.clone(), t("HH12")])), "03");
        assert_eq!(
            text_of(call("to_char", &[iv, t("Day")])),
            "ERROR 22007: invalid format specification for an interval value"
        );
    }

    #[test]
    fn parsing() {
        let d = |s: &str, f: &str| match call("to_date", &[t(s), t(f)]) {
            Ok(Value::Date(d)) => Ok(d),
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(format!("{}: {}", e.code, e.message)),
        };
        let day = |y, m, dd| Ok(ymd_to_date(y, m, dd).unwrap());
        assert_eq!(d("05 Dec 2000", "DD Mon YYYY"), day(2000, 12, 5));
        assert_eq!(d("2024-01-15", "YYYY-MM-DD"), day(2024, 1, 15));
        assert_eq!(d("20240115", "YYYYMMDD"), day(2024, 1, 15));
        assert_eq!(d("2024-1-5", "YYYY-MM-DD"), day(2024, 1, 5));
        assert_eq!(d("2024/01/15", "YYYY-MM-DD"), day(2024, 1, 15));
        assert_eq!(d("15 MARCH 24", "DD Month YY"), day(2024, 3, 15));
        assert_eq!(d("2024 060", "YYYY DDD"), day(2024, 2, 29));
        assert_eq!(d("44 BC 03 15", "YYYY BC MM DD"), day(-43, 3, 15));
        assert_eq!(
            d("2024-13-01", "YYYY-MM-DD"),
            Err("22008: date/time field value out of range: \"2024-13-01\"".into())
        );
        assert_eq!(
            d("2024-02-30", "YYYY-MM-DD"),
            Err("22008: date/time field value out of range: \"2024-02-30\"".into())
        );
        assert_eq!(d("2024-ab-01", "YYYY-MM-DD"), Err("22007: invalid value \"ab\" for \"MM\"".into()));
        assert_eq!(d("05 Foo 2000", "DD Mon YYYY"), Err("22007: invalid value \"Foo\" for \"Mon\"".into()));
        let tsz = |s: &str, f: &str| match call("to_timestamp", &[t(s), t(f)]) {
            Ok(Value::TimestampTz(x)) => Ok(x),
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(format!("{}: {}", e.code, e.message)),
        };
        assert_eq!(tsz("2024-01-15 14:30:05.25", "YYYY-MM-DD HH24:MI:SS.MS"), Ok(ts(2024, 1, 15, 14, 30, 5, 250_000)));
        assert_eq!(tsz("2024-01-15 02:30 PM", "YYYY-MM-DD HH:MI AM"), Ok(ts(2024, 1, 15, 14, 30, 0, 0)));
        assert_eq!(tsz("2024-01-15 12:30 am", "YYYY-MM-DD HH12:MI PM"), Ok(ts(2024, 1, 15, 0, 30, 0, 0)));
        assert_eq!(tsz("2024-01-15 10:00 +02", "YYYY-MM-DD HH24:MI TZH"), Ok(ts(2024, 1, 15, 8, 0, 0, 0)));
        assert_eq!(tsz("13:00", "HH12:MI"), Err("22007: hour \"13\" is invalid for the 12-hour clock".into()));
        assert_eq!(tsz("10:00", "HH24:MI"), Ok(ts(1, 1, 1, 10, 0, 0, 0)));
        let r = call_tz(chrono_tz::Europe::Paris, "to_timestamp", &[t("2024-07-01 12:00"), t("YYYY-MM-DD HH24:MI")])
            .unwrap();
        assert!(matches!(r, Value::TimestampTz(x) if x == ts(2024, 7, 1, 10, 0, 0, 0)));
    }
}
