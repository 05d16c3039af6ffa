//! SQL data types and values: their text and binary wire formats, casts, comparison, and the
//! encodings used in keys and rows.

pub mod binary;
pub mod cast;
pub mod compare;
mod datatype;
pub mod datetime;
mod decimal;
pub mod keyenc;
pub mod rowenc;
pub mod text;
mod value;

pub use datatype::{DataType, TypeCategory, ALL_SCALARS};
pub use text::TextContext;
pub use value::{Interval, Value};
