//! SQL data types, with the PostgreSQL identity (OID, length, modifier, names) that clients see
//! in RowDescription, ParameterDescription and the catalogs.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A SQL data type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DataType {
    /// `boolean`.
    Bool,
    /// `smallint`.
    Int2,
    /// `integer`.
    Int4,
    /// `bigint`.
    Int8,
    /// `real`.
    Float4,
    /// `double precision`.
    Float8,
    /// `numeric(precision, scale)`; `None` is unconstrained `numeric`.
    Numeric(Option<(u16, u16)>),
    /// `text`.
    Text,
    /// `character varying(n)`; `None` is unbounded.
    Varchar(Option<u32>),
    /// `character(n)` (blank-padded); `None` is `bpchar` without a length.
    Bpchar(Option<u32>),
    /// `name` (identifiers in the catalogs).
    Name,
    /// `"char"`: the one-byte type the catalogs use (`relkind`, ...).
    Char,
    /// `bytea`.
    Bytea,
    /// `date`.
    Date,
    /// `time without time zone`.
    Time,
    /// `timestamp without time zone`.
    Timestamp,
    /// `timestamp with time zone`.
    TimestampTz,
    /// `interval`.
    Interval,
    /// `uuid`.
    Uuid,
    /// `json`.
    Json,
    /// `jsonb`.
    Jsonb,
    /// `oid`.
    Oid,
    /// `regclass`: an oid shown as a relation name.
    RegClass,
    /// `regtype`: an oid shown as a type name.
    RegType,
    /// `regproc`: an oid shown as a function name.
    RegProc,
    /// `regnamespace`: an oid shown as a schema name.
    RegNamespace,
    /// A one-dimensional array of the element type.
    Array(Box<DataType>),
    /// The type of a string literal or parameter not yet resolved from context.
    Unknown,
    /// `void` (the result of functions that return nothing, like `pg_sleep`).
    Void,
}

/// PostgreSQL's type categories (`pg_type.typcategory`), which drive implicit coercion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeCategory {
    /// A: arrays.
    Array,
    /// B: boolean.
    Boolean,
    /// D: date/time.
    DateTime,
    /// N: numeric.
    Numeric,
    /// S: string.
    String,
    /// T: timespan.
    Timespan,
    /// U: user-defined and other (uuid, json, bytea).
    User,
    /// X: unknown.
    Unknown,
}

impl DataType {
    /// The type's OID (`pg_type.oid`).
    pub fn oid(&self) -> u32 {
        match self {
            DataType::Bool => 16,
            DataType::Bytea => 17,
            DataType::Char => 18,
            DataType::Name => 19,
            DataType::Int8 => 20,
            DataType::Int2 => 21,
            DataType::Int4 => 23,
            DataType::RegProc => 24,
            DataType::Text => 25,
            DataType::Oid => 26,
            DataType::Json => 114,
            DataType::Float4 => 700,
            DataType::Float8 => 701,
            DataType::Unknown => 705,
            DataType::Bpchar(_) => 1042,
            DataType::Varchar(_) => 1043,
            DataType::Date => 1082,
            DataType::Time => 1083,
            DataType::Timestamp => 1114,
            DataType::TimestampTz => 1184,
            DataType::Interval => 1186,
            DataType::Numeric(_) => 1700,
            DataType::RegClass => 2205,
            DataType::RegType => 2206,
            DataType::Void => 2278,
            DataType::Uuid => 2950,
            DataType::Jsonb => 3802,
            DataType::RegNamespace => 4089,
            DataType::Array(elem) => elem.array_oid().unwrap_or(0),
        }
    }

    /// The OID of the array type whose elements are this type (`pg_type.typarray`).
    pub fn array_oid(&self) -> Option<u32> {
        Some(match self {
            DataType::Bool => 1000,
            DataType::Bytea => 1001,
            DataType::Char => 1002,
            DataType::Name => 1003,
            DataType::Int2 => 1005,
            DataType::Int4 => 1007,
            DataType::RegProc => 1008,
            DataType::Text => 1009,
            DataType::Oid => 1028,
            DataType::Bpchar(_) => 1014,
            DataType::Varchar(_) => 1015,
            DataType::Int8 => 1016,
            DataType::Float4 => 1021,
            DataType::Float8 => 1022,
            DataType::Timestamp => 1115,
            DataType::Date => 1182,
            DataType::Time => 1183,
            DataType::TimestampTz => 1185,
            DataType::Interval => 1187,
            DataType::Numeric(_) => 1231,
            DataType::Uuid => 2951,
            DataType::Json => 199,
            DataType::Jsonb => 3807,
            DataType::RegClass => 2210,
            DataType::RegType => 2211,
            DataType::RegNamespace => 4090,
            DataType::Array(_) | DataType::Unknown | DataType::Void => return None,
        })
    }

    /// The type with OID `oid` and type modifier `typmod` (-1 for none), if Tandem has it.
    pub fn from_oid(oid: u32, typmod: i32) -> Option<DataType> {
        let len = (typmod >= 4).then(|| (typmod - 4) as u32);
        Some(match oid {
            16 => DataType::Bool,
            17 => DataType::Bytea,
            18 => DataType::Char,
            19 => DataType::Name,
            20 => DataType::Int8,
            21 => DataType::Int2,
            23 => DataType::Int4,
            24 => DataType::RegProc,
            25 => DataType::Text,
            26 => DataType::Oid,
            114 => DataType::Json,
            700 => DataType::Float4,
            701 => DataType::Float8,
            705 => DataType::Unknown,
            1042 => DataType::Bpchar(len),
            1043 => DataType::Varchar(len),
            1082 => DataType::Date,
            1083 => DataType::Time,
            1114 => DataType::Timestamp,
            1184 => DataType::TimestampTz,
            1186 => DataType::Interval,
            1700 => DataType::Numeric(
                (typmod >= 4).then(|| ((((typmod - 4) >> 16) & 0xffff) as u16, ((typmod - 4) & 0xffff) as u16)),
            ),
            2205 => DataType::RegClass,
            2206 => DataType::RegType,
            2278 => DataType::Void,
            2950 => DataType::Uuid,
            3802 => DataType::Jsonb,
            4089 => DataType::RegNamespace,
            other => {
                let elem = ALL_SCALARS.iter().find(|t| t.array_oid() == Some(other))?;
                DataType::Array(Box::new(elem.clone()))
            }
        })
    }

    /// `pg_type.typlen`: the fixed size in bytes, or -1 for variable length, -2 for C strings.
    pub fn typlen(&self) -> i16 {
        match self {
            DataType::Bool | DataType::Char => 1,
            DataType::Int2 => 2,
            DataType::Int4 | DataType::Float4 | DataType::Date | DataType::Oid => 4,
            DataType::RegClass | DataType::RegType | DataType::RegProc | DataType::RegNamespace => 4,
            DataType::Int8 | DataType::Float8 | DataType::Time | DataType::Timestamp | DataType::TimestampTz => 8,
            DataType::Interval | DataType::Uuid => 16,
            DataType::Name => 64,
            DataType::Unknown => -2,
            DataType::Void => 4,
            _ => -1,
        }
    }

    /// The type modifier (`atttypmod`), or -1.
    pub fn typmod(&self) -> i32 {
        match self {
            DataType::Varchar(Some(n)) | DataType::Bpchar(Some(n)) => *n as i32 + 4,
            DataType::Numeric(Some((p, s))) => ((i32::from(*p) << 16) | i32::from(*s)) + 4,
            DataType::Array(elem) => elem.typmod(),
            _ => -1,
        }
    }

    /// The internal name (`pg_type.typname`): `int4`, `varchar`, `_int4` for arrays.
    pub fn type_name(&self) -> String {
        match self {
            DataType::Bool => "bool",
            DataType::Int2 => "int2",
            DataType::Int4 => "int4",
            DataType::Int8 => "int8",
            DataType::Float4 => "float4",
            DataType::Float8 => "float8",
            DataType::Numeric(_) => "numeric",
            DataType::Text => "text",
            DataType::Varchar(_) => "varchar",
            DataType::Bpchar(_) => "bpchar",
            DataType::Name => "name",
            DataType::Char => "char",
            DataType::Bytea => "bytea",
            DataType::Date => "date",
            DataType::Time => "time",
            DataType::Timestamp => "timestamp",
            DataType::TimestampTz => "timestamptz",
            DataType::Interval => "interval",
            DataType::Uuid => "uuid",
            DataType::Json => "json",
            DataType::Jsonb => "jsonb",
            DataType::Oid => "oid",
            DataType::RegClass => "regclass",
            DataType::RegType => "regtype",
            DataType::RegProc => "regproc",
            DataType::RegNamespace => "regnamespace",
            DataType::Unknown => "unknown",
            DataType::Void => "void",
            DataType::Array(elem) => return format!("_{}", elem.type_name()),
        }
        .to_string()
    }

    /// The SQL name as `format_type()` and psql's `\d` show it: `integer`,
    /// `character varying(20)`, `timestamp without time zone`, `integer[]`.
    pub fn sql_name(&self) -> String {
        match self {
            DataType::Bool => "boolean".into(),
            DataType::Int2 => "smallint".into(),
            DataType::Int4 => "integer".into(),
            DataType::Int8 => "bigint".into(),
            DataType::Float4 => "real".into(),
            DataType::Float8 => "double precision".into(),
            DataType::Numeric(None) => "numeric".into(),
            DataType::Numeric(Some((p, s))) => format!("numeric({p},{s})"),
            DataType::Varchar(None) => "character varying".into(),
            DataType::Varchar(Some(n)) => format!("character varying({n})"),
            DataType::Bpchar(None) => "bpchar".into(),
            DataType::Bpchar(Some(n)) => format!("character({n})"),
            DataType::Char => "\"char\"".into(),
            DataType::Time => "time without time zone".into(),
            DataType::Timestamp => "timestamp without time zone".into(),
            DataType::TimestampTz => "timestamp with time zone".into(),
            DataType::Array(elem) => format!("{}[]", elem.sql_name()),
            other => other.type_name(),
        }
    }

    /// `pg_type.typcategory`.
    pub fn category(&self) -> TypeCategory {
        match self {
            DataType::Bool => TypeCategory::Boolean,
            DataType::Int2
            | DataType::Int4
            | DataType::Int8
            | DataType::Float4
            | DataType::Float8
            | DataType::Numeric(_)
            | DataType::Oid
            | DataType::RegClass
            | DataType::RegType
            | DataType::RegProc
            | DataType::RegNamespace => TypeCategory::Numeric,
            DataType::Text | DataType::Varchar(_) | DataType::Bpchar(_) | DataType::Name | DataType::Char => {
                TypeCategory::String
            }
            DataType::Date | DataType::Time | DataType::Timestamp | DataType::TimestampTz => TypeCategory::DateTime,
            DataType::Interval => TypeCategory::Timespan,
            DataType::Array(_) => TypeCategory::Array,
            DataType::Unknown => TypeCategory::Unknown,
            DataType::Bytea | DataType::Uuid | DataType::Json | DataType::Jsonb | DataType::Void => TypeCategory::User,
        }
    }

    /// `pg_type.typcategory` as the catalog's one-letter code.
    pub fn category_code(&self) -> char {
        match self.category() {
            TypeCategory::Array => 'A',
            TypeCategory::Boolean => 'B',
            TypeCategory::DateTime => 'D',
            TypeCategory::Numeric => 'N',
            TypeCategory::String => 'S',
            TypeCategory::Timespan => 'T',
            TypeCategory::User => 'U',
            TypeCategory::Unknown => 'X',
        }
    }

    /// True for the preferred type of its category (`text`, `float8`, `timestamptz`, ...), which
    /// wins ties in function and operator resolution.
    pub fn is_preferred(&self) -> bool {
        matches!(
            self,
            DataType::Bool
                | DataType::Text
                | DataType::Float8
                | DataType::Oid
                | DataType::TimestampTz
                | DataType::Interval
        )
    }

    /// True for the integer types.
    pub fn is_integer(&self) -> bool {
        matches!(self, DataType::Int2 | DataType::Int4 | DataType::Int8)
    }

    /// True for the types shown as strings (text, varchar, char, name).
    pub fn is_string(&self) -> bool {
        self.category() == TypeCategory::String
    }

    /// The same type without length or precision modifiers (`varchar(10)` → `varchar`).
    pub fn without_modifier(&self) -> DataType {
        match self {
            DataType::Varchar(_) => DataType::Varchar(None),
            DataType::Bpchar(_) => DataType::Bpchar(None),
            DataType::Numeric(_) => DataType::Numeric(None),
            DataType::Array(e) => DataType::Array(Box::new(e.without_modifier())),
            other => other.clone(),
        }
    }

    /// The element type of an array type.
    pub fn element(&self) -> Option<&DataType> {
        match self {
            DataType::Array(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql_name())
    }
}

/// Every scalar type, for catalog listings and array OID lookup.
pub const ALL_SCALARS: &[DataType] = &[
    DataType::Bool,
    DataType::Bytea,
    DataType::Char,
    DataType::Name,
    DataType::Int8,
    DataType::Int2,
    DataType::Int4,
    DataType::RegProc,
    DataType::Text,
    DataType::Oid,
    DataType::Json,
    DataType::Float4,
    DataType::Float8,
    DataType::Bpchar(None),
    DataType::Varchar(None),
    DataType::Date,
    DataType::Time,
    DataType::Timestamp,
    DataType::TimestampTz,
    DataType::Interval,
    DataType::Numeric(None),
    DataType::RegClass,
    DataType::RegType,
    DataType::Uuid,
    DataType::Jsonb,
    DataType::RegNamespace,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_round_trip() {
        for t in ALL_SCALARS {
            assert_eq!(DataType::from_oid(t.oid(), -1).as_ref().map(DataType::without_modifier), Some(t.clone()));
            let arr = DataType::Array(Box::new(t.clone()));
            assert_eq!(DataType::from_oid(arr.oid(), -1), Some(arr));
        }
        assert_eq!(DataType::from_oid(1043, 24), Some(DataType::Varchar(Some(20))));
        let n = DataType::Numeric(Some((10, 2)));
        assert_eq!(DataType::from_oid(1700, n.typmod()), Some(n));
    }

    #[test]
    fn names_match_format_type() {
        assert_eq!(DataType::Varchar(Some(20)).sql_name(), "character varying(20)");
        assert_eq!(DataType::Array(Box::new(DataType::Int4)).sql_name(), "integer[]");
        assert_eq!(DataType::Array(Box::new(DataType::Int4)).type_name(), "_int4");
        assert_eq!(DataType::TimestampTz.sql_name(), "timestamp with time zone");
    }
}
