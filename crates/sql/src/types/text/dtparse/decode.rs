//! `DecodeDateTime` and `DecodeTimeOnly`: the meaning of the fields [`super::parse_fields`]
//! found.

use chrono_tz::Tz;

use super::{
    decode_special, decode_time, decode_timezone, parse_fraction, parse_fractional_second, strtoint, strtoint_checked,
    DtErr, Field, FieldType, Reserved, Token, INT_MAX, MAXDATEFIELDS,
};
use crate::types::datetime::{date2j, days_in_month, j2date, POSTGRES_EPOCH_JDATE, USECS_PER_DAY, USECS_PER_SEC};
use crate::types::text::datetime::zone_is_fixed;
use crate::types::text::DateOrder;
use crate::types::text::{lookup_time_zone, posix_zone_offset};

// Field masks (`DTK_M` of PostgreSQL's token types).
const MONTH: u32 = 1 << 1;
const YEAR: u32 = 1 << 2;
const DAY: u32 = 1 << 3;
const TZ: u32 = 1 << 5;
const DTZ: u32 = 1 << 6;
const AMPM: u32 = 1 << 9;
const HOUR: u32 = 1 << 10;
const MINUTE: u32 = 1 << 11;
const SECOND: u32 = 1 << 12;
const DOY: u32 = 1 << 15;
const DOW: u32 = 1 << 16;
const ADBC: u32 = 1 << 18;
const DTZMOD: u32 = 1 << 28;
const DATE_M: u32 = YEAR | MONTH | DAY;
const TIME_M: u32 = HOUR | MINUTE | SECOND;

/// What a date/time string denotes besides an ordinary date and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The fields in [`Decoded`].
    Fields,
    /// `epoch`.
    Epoch,
    /// `infinity`.
    Late,
    /// `-infinity`.
    Early,
}

/// The zone a date/time string named.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Zone {
    /// None: the session zone applies.
    None,
    /// A fixed offset, seconds *west* of UTC (PostgreSQL's sign convention).
    Fixed(i32),
    /// A named zone, whose offset depends on the date.
    Named(Tz),
}

/// A decoded date/time (PostgreSQL's `pg_tm` plus `fsec`); `year` is astronomical.
#[derive(Clone, Debug)]
pub(crate) struct Decoded {
    pub kind: Kind,
    pub year: i64,
    pub mon: i64,
    pub mday: i64,
    pub hour: i64,
    pub min: i64,
    pub sec: i64,
    pub fsec: i64,
    pub zone: Zone,
}

/// The current time, for `now`, `today` and friends.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Now {
    /// The local time in the session zone, as a timestamp.
    pub local_us: i64,
    /// The session zone's offset at that time, seconds west.
    pub tz_west: i32,
}

/// The fields decoded so far (`pg_tm` and `fsec`), and whether the year had two digits.
#[derive(Default)]
struct State {
    year: i64,
    mon: i64,
    mday: i64,
    hour: i64,
    min: i64,
    sec: i64,
    yday: i64,
    fsec: i64,
    is2digits: bool,
}

/// `DecodeDateTime`'s state: the fields, what they have set so far, and the modifiers met.
struct Decoder<'a> {
    fields: &'a [Field],
    date_order: DateOrder,
    time_only: bool,
    now: Now,
    st: State,
    /// The fields set so far (`DTK_M` bits).
    fmask: u32,
    kind: Kind,
    zone: Zone,
    /// An explicit offset, seconds west.
    tz_west: Option<i32>,
    /// A label (`t`, `j`) applying to the next field.
    ptype: Option<Token>,
    is_julian: bool,
    bc: bool,
    /// `Some(true)` after `pm`, `Some(false)` after `am`.
    mer: Option<bool>,
    have_text_month: bool,
}

impl Decoder<'_> {
    /// `DecodeNumberField`: runs of digits like `19990108`, `040506` or `040506.789`. Returns
    /// the mask of the fields set.
    fn number_field(&mut self, s: &str, fmask: u32) -> Result<u32, DtErr> {
        let mut s = s;
        if let Some(dot) = s.find('.') {
            let frac = &s[dot..];
            self.st.fsec = if frac.len() == 1 {
                0
            } else {
                let digits: String = frac[1..].chars().take_while(char::is_ascii_digit).collect();
                let v: f64 = format!("0.{digits}").parse().map_err(|_| DtErr::BadFormat)?;
                (v * 1_000_000.0).round_ties_even() as i64
            };
            s = &s[..dot];
        } else if fmask & DATE_M != DATE_M && s.len() >= 6 {
            let n = s.len();
            self.st.mday = atoi(&s[n - 2..]);
            self.st.mon = atoi(&s[n - 4..n - 2]);
            self.st.year = atoi(&s[..n - 4]);
            if n - 4 == 2 {
                self.st.is2digits = true;
            }
            return Ok(DATE_M);
        }
        if fmask & TIME_M != TIME_M {
            if s.len() == 6 {
                self.st.sec = atoi(&s[4..]);
                self.st.min = atoi(&s[2..4]);
                self.st.hour = atoi(&s[..2]);
                return Ok(TIME_M);
            } else if s.len() == 4 {
                self.st.sec = 0;
                self.st.min = atoi(&s[2..]);
                self.st.hour = atoi(&s[..2]);
                return Ok(TIME_M);
            }
        }
        Err(DtErr::BadFormat)
    }

    /// `DecodeNumber`: one numeric field, interpreted from what is already known.
    fn number(&mut self, s: &str, have_text_month: bool, fmask: u32) -> Result<u32, DtErr> {
        let flen = s.len();
        let (val, rest) = strtoint_checked(s)?;
        if rest.len() == s.len() {
            return Err(DtErr::BadFormat);
        }
        if rest.starts_with('.') {
            if s.len() - rest.len() > 2 {
                return self.number_field(s, fmask | DATE_M);
            }
            self.st.fsec = parse_fractional_second(rest)?;
        } else if !rest.is_empty() {
            return Err(DtErr::BadFormat);
        }
        if flen == 3 && fmask & DATE_M == YEAR && (1..=366).contains(&val) {
            self.st.yday = val;
            return Ok(DOY | MONTH | DAY);
        }
        let tmask = match fmask & DATE_M {
            0 => {
                if flen >= 3 || self.date_order == DateOrder::Ymd {
                    self.st.year = val;
                    YEAR
                } else if self.date_order == DateOrder::Dmy {
                    self.st.mday = val;
                    DAY
                } else {
                    self.st.mon = val;
                    MONTH
                }
            }
            YEAR => {
                self.st.mon = val;
                MONTH
            }
            MONTH => {
                if have_text_month && (flen >= 3 || self.date_order == DateOrder::Ymd) {
                    self.st.year = val;
                    YEAR
                } else {
                    self.st.mday = val;
                    DAY
                }
            }
            m if m == YEAR | MONTH => {
                if have_text_month && flen >= 3 && self.st.is2digits {
                    self.st.mday = self.st.year;
                    self.st.year = val;
                    self.st.is2digits = false;
                } else {
                    self.st.mday = val;
                }
                DAY
            }
            DAY => {
                self.st.mon = val;
                MONTH
            }
            m if m == MONTH | DAY => {
                self.st.year = val;
                YEAR
            }
            DATE_M => return self.number_field(s, fmask),
            _ => return Err(DtErr::BadFormat),
        };
        if tmask == YEAR {
            self.st.is2digits = flen <= 2;
        }
        Ok(tmask)
    }

    /// `DecodeDate`: a date with separators, possibly with a month name.
    fn date(&mut self, s: &str, fmask: u32) -> Result<u32, DtErr> {
        let b = s.as_bytes();
        let mut parts: Vec<&str> = Vec::new();
        let mut i = 0;
        while i < b.len() && parts.len() < MAXDATEFIELDS {
            while i < b.len() && !b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i == b.len() {
                return Err(DtErr::BadFormat);
            }
            let start = i;
            if b[i].is_ascii_digit() {
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            } else {
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
            }
            parts.push(&s[start..i]);
            if i < b.len() {
                i += 1;
            }
        }
        let mut fmask = fmask;
        let mut tmask = 0;
        let mut have_text_month = false;
        let mut numeric = Vec::new();
        for part in parts {
            if part.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
                match decode_special(part) {
                    Some(Token::Ignore) => continue,
                    Some(Token::Month(m)) => {
                        self.st.mon = m;
                        have_text_month = true;
                        if fmask & MONTH != 0 {
                            return Err(DtErr::BadFormat);
                        }
                        fmask |= MONTH;
                        tmask |= MONTH;
                    }
                    _ => return Err(DtErr::BadFormat),
                }
            } else {
                numeric.push(part);
            }
        }
        for part in numeric {
            if part.is_empty() {
                return Err(DtErr::BadFormat);
            }
            let dmask = self.number(part, have_text_month, fmask)?;
            if fmask & dmask != 0 {
                return Err(DtErr::BadFormat);
            }
            fmask |= dmask;
            tmask |= dmask;
        }
        if fmask & !(DOY | TZ) != DATE_M {
            return Err(DtErr::BadFormat);
        }
        Ok(tmask)
    }
}

fn atoi(s: &str) -> i64 {
    strtoint(s, i64::MAX).0.unwrap_or(i64::MAX)
}

/// `ValidateDate`: applies BC and two-digit years, day-of-year, and checks the fields.
fn validate_date(st: &mut State, fmask: u32, is_julian: bool, bc: bool) -> Result<(), DtErr> {
    if fmask & YEAR != 0 {
        if is_julian {
        } else if bc {
            if st.year <= 0 {
                return Err(DtErr::FieldOverflow);
            }
            st.year = -(st.year - 1);
        } else if st.is2digits {
            if st.year < 0 {
                return Err(DtErr::FieldOverflow);
            }
            if st.year < 70 {
                st.year += 2000;
            } else if st.year < 100 {
                st.year += 1900;
            }
        } else if st.year <= 0 {
            return Err(DtErr::FieldOverflow);
        }
    }
    if fmask & DOY != 0 {
        let (y, m, d) = j2date(date2j(st.year, 1, 1) + st.yday - 1);
        st.year = y;
        st.mon = i64::from(m);
        st.mday = i64::from(d);
    }
    if fmask & MONTH != 0 && !(1..=12).contains(&st.mon) {
        return Err(DtErr::MdFieldOverflow);
    }
    if fmask & DAY != 0 && !(1..=31).contains(&st.mday) {
        return Err(DtErr::MdFieldOverflow);
    }
    if fmask & DATE_M == DATE_M {
        let year = i32::try_from(st.year).map_err(|_| DtErr::FieldOverflow)?;
        if st.mday > i64::from(days_in_month(year, st.mon as u32)) {
            return Err(DtErr::FieldOverflow);
        }
    }
    Ok(())
}

/// `time_overflows`: beyond 24:00:00 or a field out of range (second 60 is allowed).
fn time_overflows(hour: i64, min: i64, sec: i64, fsec: i64) -> bool {
    if !(0..=24).contains(&hour) || !(0..=59).contains(&min) || !(0..=60).contains(&sec) {
        return true;
    }
    if !(0..=USECS_PER_SEC).contains(&fsec) {
        return true;
    }
    ((hour * 60 + min) * 60 + sec) * USECS_PER_SEC + fsec > USECS_PER_DAY
}

/// `DecodeDateTime` (`time_only` = false) and `DecodeTimeOnly` (`time_only` = true).
pub(crate) fn decode(fields: &[Field], time_only: bool, date_order: DateOrder, now: Now) -> Result<Decoded, DtErr> {
    let mut d = Decoder {
        fields,
        date_order,
        time_only,
        now,
        st: State::default(),
        fmask: 0,
        kind: Kind::Fields,
        zone: Zone::None,
        tz_west: None,
        ptype: None,
        is_julian: false,
        bc: false,
        mer: None,
        have_text_month: false,
    };
    for (i, field) in fields.iter().enumerate() {
        let text = field.text.as_str();
        let tmask = match field.ty {
            FieldType::Date => d.date_or_zone(i, text)?,
            FieldType::Time => d.time(text)?,
            FieldType::Tz => {
                d.tz_west = Some(decode_timezone(text)?);
                TZ
            }
            FieldType::Number => match d.ptype.take() {
                Some(label) => d.labelled_number(text, label)?,
                None => d.plain_number(i, text)?,
            },
            FieldType::String | FieldType::Special => match d.word(i, text)? {
                Some(tmask) => tmask,
                None => continue,
            },
        };
        if tmask & d.fmask != 0 {
            return Err(DtErr::BadFormat);
        }
        d.fmask |= tmask;
    }
    d.finish()
}

impl Decoder<'_> {
    /// A `DTK_DATE` field: a date with separators, a run-together time with a zone
    /// (`040506-08`), or a zone name (`America/New_York`).
    fn date_or_zone(&mut self, i: usize, text: &str) -> Result<u32, DtErr> {
        let nf = self.fields.len();
        let date_here = if self.time_only {
            i == 0 && nf >= 2 && (self.fields[nf - 1].ty == FieldType::Date || self.fields[1].ty == FieldType::Time)
        } else {
            self.ptype.is_none() && self.fmask & (MONTH | DAY) != MONTH | DAY
        };
        if date_here {
            return self.date(text, self.fmask);
        }
        // `DecodeTimeOnly` looks only at the first character; `DecodeDateTime` also takes a
        // field after `t` as a time.
        let digit_first = text.as_bytes().first().is_some_and(u8::is_ascii_digit);
        if digit_first || (!self.time_only && self.ptype.is_some()) {
            if !self.time_only && self.ptype.take().is_some_and(|p| p != Token::IsoTime) {
                return Err(DtErr::BadFormat);
            }
            if self.fmask & TIME_M == TIME_M {
                return Err(DtErr::BadFormat);
            }
            let dash = text.find('-').ok_or(DtErr::BadFormat)?;
            self.tz_west = Some(decode_timezone(&text[dash..])?);
            let fmask = if self.time_only { self.fmask | DATE_M } else { self.fmask };
            return Ok(self.number_field(&text[..dash], fmask)? | TZ);
        }
        self.zone = match lookup_time_zone(text) {
            Some(tz) => Zone::Named(tz),
            None => Zone::Fixed(-posix_zone_offset(text).ok_or_else(|| DtErr::BadTimezone(text.to_string()))?),
        };
        Ok(TZ)
    }

    /// A `DTK_TIME` field, possibly after `t`.
    fn time(&mut self, text: &str) -> Result<u32, DtErr> {
        if self.ptype.take().is_some_and(|p| p != Token::IsoTime) {
            return Err(DtErr::BadFormat);
        }
        let (h, m, s, f) = decode_time(text, INT_MAX)?;
        (self.st.hour, self.st.min, self.st.sec, self.st.fsec) = (h, m, s, f);
        if !self.time_only && time_overflows(h, m, s, f) {
            return Err(DtErr::FieldOverflow);
        }
        Ok(TIME_M)
    }

    /// A number after a label: a Julian day after `j`, an ISO time after `t`.
    fn labelled_number(&mut self, text: &str, label: Token) -> Result<u32, DtErr> {
        let (val, rest) = strtoint_checked(text)?;
        if !rest.is_empty() && !rest.starts_with('.') {
            return Err(DtErr::BadFormat);
        }
        match label {
            Token::Julian => {
                if val < 0 {
                    return Err(DtErr::FieldOverflow);
                }
                let (y, m, day) = j2date(val);
                (self.st.year, self.st.mon, self.st.mday) = (y, i64::from(m), i64::from(day));
                self.is_julian = true;
                if rest.is_empty() {
                    return Ok(DATE_M);
                }
                let us = (parse_fraction(rest)? * USECS_PER_DAY as f64) as i64;
                self.st.hour = us / 3_600_000_000;
                self.st.min = us / 60_000_000 % 60;
                self.st.sec = us / USECS_PER_SEC % 60;
                self.st.fsec = us % USECS_PER_SEC;
                Ok(DATE_M | TIME_M)
            }
            Token::IsoTime => {
                let tmask = self.number_field(text, self.fmask | DATE_M)?;
                if tmask != TIME_M {
                    return Err(DtErr::BadFormat);
                }
                Ok(tmask)
            }
            _ => Err(DtErr::BadFormat),
        }
    }

    /// An unlabelled number: a year, month or day, a run-together date or time, or a date
    /// with a day of year (`1999.008`).
    fn plain_number(&mut self, i: usize, text: &str) -> Result<u32, DtErr> {
        let flen = text.len();
        let dot = text.find('.');
        if self.time_only {
            let nf = self.fields.len();
            match dot {
                Some(_) if i == 0 && nf >= 2 && self.fields[nf - 1].ty == FieldType::Date => {
                    self.date(text, self.fmask)
                }
                Some(p) if p > 2 => self.number_field(text, self.fmask | DATE_M),
                Some(_) => Err(DtErr::BadFormat),
                None if flen > 4 => self.number_field(text, self.fmask | DATE_M),
                None => self.number(text, false, self.fmask | DATE_M),
            }
        } else {
            match dot {
                Some(_) if self.fmask & DATE_M == 0 => self.date(text, self.fmask),
                Some(p) if p > 2 => self.number_field(text, self.fmask),
                _ if flen >= 6 && (self.fmask & DATE_M == 0 || self.fmask & TIME_M == 0) => {
                    self.number_field(text, self.fmask)
                }
                _ => self.number(text, self.have_text_month, self.fmask),
            }
        }
    }

    /// A word: a zone abbreviation, a keyword, or a zone name. `None` for ignored words.
    fn word(&mut self, i: usize, text: &str) -> Result<Option<u32>, DtErr> {
        let Some(tok) = decode_special(text) else {
            self.zone = Zone::Named(lookup_time_zone(text).ok_or(DtErr::BadFormat)?);
            return Ok(Some(TZ));
        };
        let tmask = match tok {
            Token::Ignore => return Ok(None),
            Token::Reserved(r) => self.reserved(r)?,
            Token::Month(m) => {
                if self.time_only {
                    return Err(DtErr::BadFormat);
                }
                let mut tmask = MONTH;
                if self.fmask & MONTH != 0
                    && !self.have_text_month
                    && self.fmask & DAY == 0
                    && (1..=31).contains(&self.st.mon)
                {
                    self.st.mday = self.st.mon;
                    tmask = DAY;
                }
                self.have_text_month = true;
                self.st.mon = m;
                tmask
            }
            Token::DstModifier => {
                self.tz_west = Some(self.tz_west.unwrap_or(0) - 3600);
                DTZMOD | DTZ
            }
            Token::Zone(east, dst) => {
                self.tz_west = Some(-east);
                if dst {
                    DTZ | TZ
                } else {
                    TZ
                }
            }
            Token::Am | Token::Pm => {
                self.mer = Some(tok == Token::Pm);
                AMPM
            }
            Token::Ad | Token::Bc => {
                self.bc = tok == Token::Bc;
                ADBC
            }
            Token::Dow if self.time_only => return Err(DtErr::BadFormat),
            Token::Dow => DOW,
            Token::Julian if self.ptype.is_none() => {
                self.ptype = Some(tok);
                0
            }
            Token::Julian | Token::OtherUnits => return Err(DtErr::BadFormat),
            Token::IsoTime => {
                if !self.time_only && self.fmask & DATE_M != DATE_M {
                    return Err(DtErr::BadFormat);
                }
                let next = self.fields.get(i + 1).map(|f| f.ty);
                if self.ptype.is_some() || !matches!(next, Some(FieldType::Number | FieldType::Time | FieldType::Date))
                {
                    return Err(DtErr::BadFormat);
                }
                self.ptype = Some(tok);
                0
            }
        };
        Ok(Some(tmask))
    }

    /// `now`, `today`, `epoch`, `infinity`, `allballs` and the like.
    fn reserved(&mut self, r: Reserved) -> Result<u32, DtErr> {
        let now = self.now;
        Ok(match (r, self.time_only) {
            (Reserved::Now, false) => {
                set_from_timestamp(&mut self.st, now.local_us);
                self.tz_west = Some(now.tz_west);
                DATE_M | TIME_M | TZ
            }
            (Reserved::Now, true) => {
                set_from_timestamp(&mut self.st, now.local_us);
                TIME_M
            }
            (Reserved::Today | Reserved::Tomorrow | Reserved::Yesterday, false) => {
                let shift = match r {
                    Reserved::Tomorrow => 1,
                    Reserved::Yesterday => -1,
                    _ => 0,
                };
                let days = now.local_us.div_euclid(USECS_PER_DAY) + shift;
                let (y, m, day) = j2date(days + i64::from(POSTGRES_EPOCH_JDATE));
                (self.st.year, self.st.mon, self.st.mday) = (y, i64::from(m), i64::from(day));
                DATE_M
            }
            (Reserved::Zulu, _) => {
                (self.st.hour, self.st.min, self.st.sec, self.st.fsec) = (0, 0, 0, 0);
                self.tz_west = Some(0);
                TIME_M | TZ
            }
            (Reserved::Epoch | Reserved::Late | Reserved::Early, false) => {
                self.kind = match r {
                    Reserved::Epoch => Kind::Epoch,
                    Reserved::Late => Kind::Late,
                    _ => Kind::Early,
                };
                DATE_M | TIME_M | TZ
            }
            _ => return Err(DtErr::BadFormat),
        })
    }

    /// The checks after the last field (`ValidateDate`, AM/PM, completeness).
    fn finish(mut self) -> Result<Decoded, DtErr> {
        if self.ptype.is_some() {
            return Err(DtErr::BadFormat);
        }
        let fmask = self.fmask;
        // Special values (`epoch`, `infinity`) skip the field checks: their fields are unused.
        if self.kind == Kind::Fields {
            validate_date(&mut self.st, fmask, self.is_julian, self.bc)?;
            if let Some(pm) = self.mer {
                if self.st.hour > 12 {
                    return Err(DtErr::FieldOverflow);
                }
                if !pm && self.st.hour == 12 {
                    self.st.hour = 0;
                } else if pm && self.st.hour != 12 {
                    self.st.hour += 12;
                }
            }
            if self.time_only {
                if time_overflows(self.st.hour, self.st.min, self.st.sec, self.st.fsec) {
                    return Err(DtErr::FieldOverflow);
                }
                if fmask & TIME_M != TIME_M {
                    return Err(DtErr::BadFormat);
                }
                // A zone whose offset varies needs a date to place the time in.
                if let Zone::Named(tz) = &self.zone {
                    if fmask & DATE_M != DATE_M && !zone_is_fixed(tz) {
                        return Err(DtErr::BadFormat);
                    }
                }
            } else if fmask & DATE_M != DATE_M {
                return Err(DtErr::BadFormat);
            }
            if fmask & DTZMOD != 0 && (matches!(self.zone, Zone::Named(_)) || fmask & TZ == 0) {
                return Err(DtErr::BadFormat);
            }
        }
        let zone = match (self.zone, self.tz_west) {
            (Zone::Named(tz), _) => Zone::Named(tz),
            (_, Some(west)) => Zone::Fixed(west),
            (zone, None) => zone,
        };
        let st = self.st;
        Ok(Decoded {
            kind: self.kind,
            year: st.year,
            mon: st.mon,
            mday: st.mday,
            hour: st.hour,
            min: st.min,
            sec: st.sec,
            fsec: st.fsec,
            zone,
        })
    }
}

fn set_from_timestamp(st: &mut State, us: i64) {
    let days = us.div_euclid(USECS_PER_DAY);
    let time = us.rem_euclid(USECS_PER_DAY);
    let (y, m, dd) = j2date(days + i64::from(POSTGRES_EPOCH_JDATE));
    st.year = y;
    st.mon = i64::from(m);
    st.mday = i64::from(dd);
    st.hour = time / 3_600_000_000;
    st.min = time / 60_000_000 % 60;
    st.sec = time / USECS_PER_SEC % 60;
    st.fsec = time % USECS_PER_SEC;
}
