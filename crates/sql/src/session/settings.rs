//! Session settings (PostgreSQL's GUCs) that clients set, show and rely on.
//!
//! Each known setting has a default, a validator that canonicalizes values as PostgreSQL
//! would show them, and a flag telling whether clients are told of changes (ParameterStatus).
//! Names with a dot (`myapp.tenant`) are custom settings and accept any value, as in
//! PostgreSQL; other unknown names are refused (42704).

use std::collections::BTreeMap;

use crate::error::{sqlstate, Result, SqlError};

/// One setting's definition.
struct Def {
    name: &'static str,
    default: &'static str,
    reported: bool,
    description: &'static str,
}

const DEFS: &[Def] = &[
    Def { name: "application_name", default: "", reported: true, description: "Sets the application name to be reported in statistics and logs." },
    Def { name: "bytea_output", default: "hex", reported: false, description: "Sets the output format for bytea." },
    Def { name: "client_encoding", default: "UTF8", reported: true, description: "Sets the client's character set encoding." },
    Def { name: "client_min_messages", default: "notice", reported: false, description: "Sets the message levels that are sent to the client." },
    Def { name: "datestyle", default: "ISO, MDY", reported: true, description: "Sets the display format for date and time values." },
    Def { name: "default_transaction_isolation", default: "read committed", reported: false, description: "Sets the transaction isolation level of each new transaction." },
    Def { name: "default_transaction_read_only", default: "off", reported: true, description: "Sets the default read-only status of new transactions." },
    Def { name: "extra_float_digits", default: "1", reported: false, description: "Sets the number of digits displayed for floating-point values." },
    Def { name: "idle_in_transaction_session_timeout", default: "0", reported: false, description: "Sets the maximum allowed idle time between queries, when in a transaction." },
    Def { name: "in_hot_standby", default: "off", reported: true, description: "Shows whether hot standby is currently active." },
    Def { name: "integer_datetimes", default: "on", reported: true, description: "Shows whether datetimes are integer based." },
    Def { name: "intervalstyle", default: "postgres", reported: true, description: "Sets the display format for interval values." },
    Def { name: "is_superuser", default: "on", reported: true, description: "Shows whether the current user is a superuser." },
    Def { name: "lock_timeout", default: "0", reported: false, description: "Sets the maximum allowed duration of any wait for a lock." },
    Def { name: "max_identifier_length", default: "63", reported: false, description: "Shows the maximum identifier length." },
    Def { name: "search_path", default: "\"$user\", public", reported: false, description: "Sets the schema search order for names that are not schema-qualified." },
    Def { name: "server_encoding", default: "UTF8", reported: true, description: "Shows the server (database) character set encoding." },
    Def { name: "server_version", default: "16.0", reported: true, description: "Shows the server version." },
    Def { name: "server_version_num", default: "160000", reported: false, description: "Shows the server version as an integer." },
    Def { name: "session_authorization", default: "", reported: true, description: "Sets the session user name." },
    Def { name: "standard_conforming_strings", default: "on", reported: true, description: "Causes '...' strings to treat backslashes literally." },
    Def { name: "statement_timeout", default: "0", reported: false, description: "Sets the maximum allowed duration of any statement." },
    Def { name: "synchronous_commit", default: "on", reported: false, description: "Sets the current transaction's synchronization level." },
    Def { name: "tandem.stale_read_max_ms", default: "0", reported: false, description: "Serve reads from local state no older than this many milliseconds (0: linearizable reads)." },
    Def { name: "timezone", default: "UTC", reported: true, description: "Sets the time zone for displaying and interpreting time stamps." },
    Def { name: "transaction_isolation", default: "read committed", reported: false, description: "Sets the current transaction's isolation level." },
    Def { name: "transaction_read_only", default: "off", reported: false, description: "Sets the current transaction's read-only status." },
    Def { name: "work_mem", default: "4MB", reported: false, description: "Sets the maximum memory to be used for query workspaces." },
    Def { name: "maintenance_work_mem", default: "64MB", reported: false, description: "Sets the maximum memory to be used for maintenance operations." },
    Def { name: "max_parallel_workers_per_gather", default: "0", reported: false, description: "Sets the maximum number of parallel processes per executor node." },
    Def { name: "jit", default: "off", reported: false, description: "Allow JIT compilation." },
    Def { name: "row_security", default: "on", reported: false, description: "Enable row security." },
    Def { name: "enable_seqscan", default: "on", reported: false, description: "Enables the planner's use of sequential-scan plans." },
    Def { name: "timezone_abbreviations", default: "Default", reported: false, description: "Selects a file of time zone abbreviations." },
    Def { name: "default_text_search_config", default: "pg_catalog.english", reported: false, description: "Sets default text search configuration." },
    Def { name: "max_connections", default: "1000", reported: false, description: "Sets the maximum number of concurrent connections." },
    Def { name: "block_size", default: "8192", reported: false, description: "Shows the size of a disk block." },
    Def { name: "lc_collate", default: "C", reported: false, description: "Shows the collation order locale." },
    Def { name: "lc_ctype", default: "C", reported: false, description: "Shows the character classification and case conversion locale." },
    Def { name: "lc_messages", default: "C", reported: false, description: "Sets the language in which messages are displayed." },
    Def { name: "lc_monetary", default: "C", reported: false, description: "Sets the locale for formatting monetary amounts." },
    Def { name: "lc_numeric", default: "C", reported: false, description: "Sets the locale for formatting numbers." },
    Def { name: "lc_time", default: "C", reported: false, description: "Sets the locale for formatting date and time values." },
    Def { name: "role", default: "none", reported: false, description: "Sets the current role." },
    Def { name: "session_replication_role", default: "origin", reported: false, description: "Sets the session's behavior for triggers and rewrite rules." },
    Def { name: "check_function_bodies", default: "on", reported: false, description: "Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE." },
    Def { name: "xmloption", default: "content", reported: false, description: "Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments." },
];

/// The name PostgreSQL shows (ParameterStatus, SHOW column) for a setting.
pub fn display_name(name: &str) -> String {
    match name {
        "datestyle" => "DateStyle".into(),
        "intervalstyle" => "IntervalStyle".into(),
        "timezone" => "TimeZone".into(),
        other => other.to_string(),
    }
}

fn canonical_name(name: &str) -> String {
    let lower = name.to_lowercase();
    match lower.as_str() {
        "time zone" | "time_zone" => "timezone".into(),
        "names" => "client_encoding".into(),
        "transaction isolation level" => "transaction_isolation".into(),
        _ => lower,
    }
}

/// Parses a duration setting (`statement_timeout = '5s'` or milliseconds).
pub fn parse_duration_ms(v: &str) -> Option<u64> {
    let v = v.trim();
    let digits_end = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (num, unit) = v.split_at(digits_end);
    let n: u64 = num.parse().ok()?;
    let unit = unit.trim().to_lowercase();
    Some(match unit.as_str() {
        "" | "ms" => n,
        "s" => n * 1000,
        "min" => n * 60_000,
        "h" => n * 3_600_000,
        "d" => n * 86_400_000,
        "us" => n / 1000,
        _ => return None,
    })
}

/// A duration in milliseconds as PostgreSQL shows it: in the largest unit that divides it
/// (`5s`, `2min`, `1500ms`, `0`).
fn format_duration_ms(ms: u64) -> String {
    if ms == 0 {
        return "0".into();
    }
    for (unit, size) in [("d", 86_400_000), ("h", 3_600_000), ("min", 60_000), ("s", 1000)] {
        if ms.is_multiple_of(size) {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

fn invalid(name: &str, value: &str) -> SqlError {
    SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, format!("invalid value for parameter \"{name}\": \"{value}\""))
}

fn bool_setting(name: &str, value: &str) -> Result<String> {
    match value.trim().to_lowercase().as_str() {
        "on" | "true" | "yes" | "1" | "t" | "y" => Ok("on".into()),
        "off" | "false" | "no" | "0" | "f" | "n" => Ok("off".into()),
        _ => Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!("parameter \"{name}\" requires a Boolean value"),
        )),
    }
}

/// Validates and canonicalizes `value` for setting `name`.
fn canonical_value(name: &str, value: &str) -> Result<String> {
    let unquoted = value.trim();
    Ok(match name {
        "server_encoding" => {
            return Err(SqlError::new(
                sqlstate::CANT_CHANGE_RUNTIME_PARAM,
                "parameter \"server_encoding\" cannot be changed",
            ));
        }
        "client_encoding" => match unquoted.to_uppercase().replace(['-', '_'], "").as_str() {
            "UTF8" | "UNICODE" => "UTF8".into(),
            "SQLASCII" => {
                return Err(SqlError::unsupported("client_encoding SQL_ASCII (Tandem speaks UTF8)"));
            }
            other => {
                return Err(SqlError::new(
                    sqlstate::FEATURE_NOT_SUPPORTED,
                    format!("conversion between {other} and UTF8 is not supported"),
                ))
            }
        },
        "datestyle" => {
            let mut order = "MDY";
            for part in unquoted.split(',').map(|p| p.trim().to_uppercase()) {
                match part.as_str() {
                    "ISO" | "" => {}
                    "MDY" | "US" | "NONEURO" | "NONEUROPEAN" => order = "MDY",
                    "DMY" | "EURO" | "EUROPEAN" => order = "DMY",
                    "YMD" => order = "YMD",
                    "POSTGRES" | "SQL" | "GERMAN" => {
                        return Err(SqlError::unsupported(format!(
                            "DateStyle {part} (Tandem shows dates in ISO format)"
                        )));
                    }
                    _ => return Err(invalid("DateStyle", value)),
                }
            }
            format!("ISO, {order}")
        }
        "timezone" => {
            let v = unquoted.trim_matches('\'');
            if v.eq_ignore_ascii_case("utc") || v.eq_ignore_ascii_case("gmt") || v.eq_ignore_ascii_case("z") {
                "UTC".into()
            } else if v.parse::<chrono_tz::Tz>().is_ok() {
                v.to_string()
            } else if let Some(tz) = parse_offset_zone(v) {
                tz
            } else if regex::Regex::new(r"^(?i:utc)?[+-]\d{1,2}:\d{2}$").expect("a valid pattern").is_match(v) {
                return Err(SqlError::unsupported("a time zone offset that is not a whole number of hours"));
            } else {
                return Err(SqlError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    format!("invalid value for parameter \"TimeZone\": \"{v}\""),
                ));
            }
        }
        "extra_float_digits" => {
            let n: i32 = unquoted.parse().map_err(|_| invalid(name, value))?;
            if !(-15..=3).contains(&n) {
                return Err(SqlError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    format!("{n} is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)"),
                ));
            }
            n.to_string()
        }
        "standard_conforming_strings" => {
            let b = bool_setting(name, unquoted)?;
            if b == "off" {
                return Err(SqlError::unsupported("standard_conforming_strings = off"));
            }
            b
        }
        "default_transaction_read_only"
        | "transaction_read_only"
        | "jit"
        | "row_security"
        | "enable_seqscan"
        | "check_function_bodies" => bool_setting(name, unquoted)?,
        "statement_timeout" | "lock_timeout" | "idle_in_transaction_session_timeout" => {
            format_duration_ms(parse_duration_ms(unquoted).ok_or_else(|| invalid(name, value))?)
        }
        "client_min_messages" => match unquoted.to_lowercase().as_str() {
            "debug" => "debug2".into(),
            level @ ("debug5" | "debug4" | "debug3" | "debug2" | "debug1" | "log" | "notice" | "warning" | "error") => {
                level.to_string()
            }
            _ => return Err(invalid(name, value)),
        },
        "default_transaction_isolation" | "transaction_isolation" => {
            match unquoted.to_lowercase().replace('_', " ").as_str() {
                "read committed" | "read uncommitted" => "read committed".into(),
                "repeatable read" => "repeatable read".into(),
                "serializable" => "serializable".into(),
                _ => return Err(invalid(name, value)),
            }
        }
        "intervalstyle" => match unquoted.to_lowercase().as_str() {
            "postgres" => "postgres".into(),
            _ => return Err(SqlError::unsupported(format!("IntervalStyle {unquoted}"))),
        },
        "bytea_output" => match unquoted.to_lowercase().as_str() {
            "hex" => "hex".into(),
            _ => return Err(SqlError::unsupported(format!("bytea_output {unquoted}"))),
        },
        "tandem.stale_read_max_ms" => parse_duration_ms(unquoted).ok_or_else(|| invalid(name, value))?.to_string(),
        "server_version"
        | "server_version_num"
        | "integer_datetimes"
        | "is_superuser"
        | "in_hot_standby"
        | "max_identifier_length"
        | "block_size"
        | "lc_collate"
        | "lc_ctype"
        | "max_connections" => {
            return Err(SqlError::new(
                sqlstate::CANT_CHANGE_RUNTIME_PARAM,
                format!("parameter \"{name}\" cannot be changed"),
            ));
        }
        _ => unquoted.to_string(),
    })
}

/// `+02` / `UTC+2`-style fixed offsets, shown as PostgreSQL shows them.
fn parse_offset_zone(v: &str) -> Option<String> {
    let posix_prefix = v.len() > 3 && v[..3].eq_ignore_ascii_case("utc");
    let s = if posix_prefix { &v[3..] } else { v };
    let (sign, rest) = match s.chars().next()? {
        '+' => (1, &s[1..]),
        '-' => (-1, &s[1..]),
        _ => return None,
    };
    let mut parts = rest.split(':');
    let hours: i32 = parts.next()?.parse().ok()?;
    let minutes: i32 = parts.next().map(|m| m.parse().ok()).unwrap_or(Some(0))?;
    if hours > 15 || minutes != 0 || parts.next().is_some() {
        return None;
    }
    // A bare number of hours is an ISO offset (`+2` is two hours ahead of UTC); `UTC+2` and
    // `+02:00` are POSIX zone specifications, which count west as positive (`UTC+2` is two
    // hours behind, "Etc/GMT+2"), as PostgreSQL reads them.
    let posix = posix_prefix || rest.contains(':');
    let east = (sign > 0) != posix;
    Some(format!("Etc/GMT{}{}", if east { '-' } else { '+' }, hours)).filter(|z| z.parse::<chrono_tz::Tz>().is_ok())
}

/// The session's settings.
#[derive(Clone, Debug)]
pub struct Settings {
    values: BTreeMap<String, String>,
    /// Values before `SET LOCAL`, restored at transaction end.
    local_saved: BTreeMap<String, String>,
    /// Values before the current transaction changed them, restored if it rolls back.
    txn_saved: BTreeMap<String, String>,
    /// Reported settings changed since the last drain.
    changed: Vec<String>,
    /// Bumped by every change (a relayed session copies the settings when it moves on).
    generation: u64,
}

impl Settings {
    /// Defaults, for `user`.
    pub fn new(user: &str) -> Self {
        let mut values: BTreeMap<String, String> =
            DEFS.iter().map(|d| (d.name.to_string(), d.default.to_string())).collect();
        values.insert("session_authorization".into(), user.to_string());
        Self { values, local_saved: BTreeMap::new(), txn_saved: BTreeMap::new(), changed: Vec::new(), generation: 0 }
    }

    /// A setting's value.
    pub fn get(&self, name: &str) -> Option<String> {
        let n = canonical_name(name);
        self.values.get(&n).cloned()
    }

    /// Sets a setting (`None` resets it to its default); returns the canonical value.
    pub fn set(&mut self, name: &str, value: Option<&str>, local: bool) -> Result<String> {
        let n = canonical_name(name);
        let known = DEFS.iter().find(|d| d.name == n);
        if known.is_none() && !n.contains('.') {
            return Err(SqlError::new(
                sqlstate::UNDEFINED_OBJECT,
                format!("unrecognized configuration parameter \"{name}\""),
            ));
        }
        let v = match value {
            Some(v) => canonical_value(&n, v)?,
            None => known.map(|d| d.default.to_string()).unwrap_or_default(),
        };
        let old = self.values.insert(n.clone(), v.clone()).unwrap_or_default();
        self.generation += 1;
        self.txn_saved.entry(n.clone()).or_insert_with(|| old.clone());
        if local {
            self.local_saved.entry(n.clone()).or_insert(old);
        }
        if known.is_some_and(|d| d.reported) {
            self.changed.push(n);
        }
        Ok(v)
    }

    /// A transaction block starts: changes from now on are undone if it rolls back.
    pub fn begin_transaction(&mut self) {
        self.txn_saved.clear();
    }

    /// The transaction ended: settings changed with `SET LOCAL` get their old values back,
    /// and after a rollback so do those changed with `SET`, as in PostgreSQL.
    pub fn end_transaction(&mut self, committed: bool) {
        let mut restore = std::mem::take(&mut self.local_saved);
        let before = std::mem::take(&mut self.txn_saved);
        if !committed {
            restore.extend(before);
        }
        for (n, v) in restore {
            self.generation += 1;
            self.values.insert(n.clone(), v);
            if DEFS.iter().any(|d| d.name == n && d.reported) {
                self.changed.push(n);
            }
        }
    }

    /// Resets every setting to its default.
    pub fn reset_all(&mut self) {
        self.generation += 1;
        let user = self.get("session_authorization").unwrap_or_default();
        for d in DEFS {
            if self.values.get(d.name).map(String::as_str) != Some(d.default) && d.name != "session_authorization" {
                self.values.insert(d.name.to_string(), d.default.to_string());
                if d.reported {
                    self.changed.push(d.name.to_string());
                }
            }
        }
        self.values.insert("session_authorization".into(), user);
    }

    /// A number that changes whenever a setting does.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The session-level values (as they will be once the transaction ends: without `SET
    /// LOCAL` overrides), to copy the settings to another session.
    pub fn session_values(&self) -> Vec<(String, String)> {
        self.values.iter().map(|(n, v)| (n.clone(), self.local_saved.get(n).unwrap_or(v).clone())).collect()
    }

    /// Takes session-level values from another session ([`Settings::session_values`]);
    /// reported ones that change are reported to the client.
    pub fn load_session_values(&mut self, values: &[(String, String)]) {
        for (n, v) in values {
            if self.local_saved.contains_key(n) {
                self.local_saved.insert(n.clone(), v.clone());
                continue;
            }
            if self.values.get(n) != Some(v) {
                self.values.insert(n.clone(), v.clone());
                self.generation += 1;
                if DEFS.iter().any(|d| d.name == n && d.reported) {
                    self.changed.push(n.clone());
                }
            }
        }
    }

    /// Reported settings changed since the last call, with display names.
    pub fn drain_changes(&mut self) -> Vec<(String, String)> {
        let mut names = std::mem::take(&mut self.changed);
        names.dedup();
        names.into_iter().map(|n| (display_name(&n), self.values.get(&n).cloned().unwrap_or_default())).collect()
    }

    /// Every reported setting with its value (ParameterStatus at startup).
    pub fn reported(&self) -> Vec<(String, String)> {
        DEFS.iter()
            .filter(|d| d.reported)
            .map(|d| (display_name(d.name), self.values.get(d.name).cloned().unwrap_or_default()))
            .collect()
    }

    /// Every setting: name, value, description.
    pub fn all(&self) -> Vec<(String, String, String)> {
        let mut out: Vec<(String, String, String)> = self
            .values
            .iter()
            .map(|(n, v)| {
                let desc = DEFS.iter().find(|d| d.name == n).map(|d| d.description).unwrap_or("");
                (display_name(n), v.clone(), desc.to_string())
            })
            .collect();
        out.sort_by_key(|a| a.0.to_lowercase());
        out
    }

    /// The search path as a list of schema names (`$user` expanded).
    pub fn search_path(&self) -> Vec<String> {
        let user = self.get("session_authorization").unwrap_or_default();
        self.get("search_path")
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().trim_matches('"').to_string())
            .filter(|s| !s.is_empty())
            .map(|s| if s == "$user" { user.clone() } else { s })
            .collect()
    }

    /// A duration setting in milliseconds (0 when unset).
    pub fn millis(&self, name: &str) -> u64 {
        self.get(name).and_then(|v| parse_duration_ms(&v)).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_canonicalize_and_validate() {
        let mut s = Settings::new("alice");
        assert_eq!(s.set("DateStyle", Some("iso, dmy"), false).unwrap(), "ISO, DMY");
        assert_eq!(s.set("TimeZone", Some("Europe/Paris"), false).unwrap(), "Europe/Paris");
        assert_eq!(s.set("extra_float_digits", Some("3"), false).unwrap(), "3");
        assert!(s.set("extra_float_digits", Some("9"), false).is_err());
        assert_eq!(s.set("nope", Some("1"), false).unwrap_err().code, sqlstate::UNDEFINED_OBJECT);
        assert_eq!(s.set("myapp.tenant", Some("42"), false).unwrap(), "42");
        assert_eq!(s.set("statement_timeout", Some("5s"), false).unwrap(), "5s");
        assert_eq!(s.set("statement_timeout", Some("1500"), false).unwrap(), "1500ms");
        assert_eq!(s.millis("statement_timeout"), 1500);
        let changes = s.drain_changes();
        assert!(changes.contains(&("DateStyle".into(), "ISO, DMY".into())));
        assert!(changes.contains(&("TimeZone".into(), "Europe/Paris".into())));
        assert_eq!(s.search_path(), vec!["alice", "public"]);
        s.set("application_name", Some("x"), true).unwrap();
        s.end_transaction(true);
        assert_eq!(s.get("application_name").unwrap(), "");
    }
}
