//! Values on the wire: RowDescription fields from [`Column`]s, DataRows in the text or binary
//! format each column asks for, Bind parameters decoded by their declared types, and the
//! format-code rules of Bind.

use bytes::{BufMut, BytesMut};
use pgwire::messages::data::{DataRow, FieldDescription, RowDescription};
use pgwire::messages::response::TransactionStatus as WireStatus;
use tandem_sql::session::{Column, TransactionStatus};
use tandem_sql::types::{DataType, Value};
use tandem_sql::{sqlstate, SqlError};

use crate::backend::Backend;
use crate::errors::{protocol_violation, Failure};

/// Format code of the text format.
pub(crate) const TEXT: i16 = 0;
/// Format code of the binary format.
pub(crate) const BINARY: i16 = 1;

/// ReadyForQuery's status byte for a session status.
pub(crate) fn ready_status(status: TransactionStatus) -> WireStatus {
    match status {
        TransactionStatus::Idle => WireStatus::Idle,
        TransactionStatus::InBlock => WireStatus::Transaction,
        TransactionStatus::Failed => WireStatus::Error,
    }
}

/// The format of column (or parameter) `i` under Bind's format codes: none means all text,
/// one applies to all, otherwise one per column.
pub(crate) fn format_for(codes: &[i16], i: usize) -> i16 {
    match codes {
        [] => TEXT,
        [one] => *one,
        many => many.get(i).copied().unwrap_or(TEXT),
    }
}

/// Checks that every code is text or binary (22023 otherwise, as PostgreSQL).
pub(crate) fn check_format_codes(codes: &[i16]) -> Result<(), SqlError> {
    match codes.iter().find(|c| !matches!(**c, TEXT | BINARY)) {
        Some(bad) => Err(SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, format!("unsupported format code: {bad}"))),
        None => Ok(()),
    }
}

/// RowDescription for `columns`, each in the format `formats` gives it.
pub(crate) fn row_description(columns: &[Column], formats: &[i16]) -> RowDescription {
    let fields = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            FieldDescription::new(
                c.name.clone(),
                i32::try_from(c.table_oid).unwrap_or(0),
                c.attnum,
                c.ty.oid(),
                c.ty.typlen(),
                c.ty.typmod(),
                format_for(formats, i),
            )
        })
        .collect();
    RowDescription::new(fields)
}

/// Encodes `row` as a DataRow, using `scratch` as the buffer.
pub(crate) fn data_row<Bk: Backend>(
    backend: &Bk,
    columns: &[Column],
    row: &[Value],
    formats: &[i16],
    scratch: &mut BytesMut,
) -> Result<DataRow, SqlError> {
    if row.len() != columns.len() {
        return Err(SqlError::internal(format!("row has {} values for {} columns", row.len(), columns.len())));
    }
    scratch.clear();
    for (i, (value, column)) in row.iter().zip(columns).enumerate() {
        if value.is_null() {
            scratch.put_i32(-1);
            continue;
        }
        let encoded = if format_for(formats, i) == BINARY {
            backend.encode_binary(value, &column.ty)?
        } else {
            backend.encode_text(value, &column.ty).into_bytes()
        };
        let len = i32::try_from(encoded.len())
            .map_err(|_| SqlError::new(sqlstate::PROGRAM_LIMIT_EXCEEDED, "field value is too large to send"))?;
        scratch.put_i32(len);
        scratch.put_slice(&encoded);
    }
    let count = i16::try_from(row.len()).map_err(|_| SqlError::new(sqlstate::TOO_MANY_COLUMNS, "too many columns"))?;
    Ok(DataRow::new(scratch.split(), count))
}

/// Decodes Bind's parameters by the types of `statement` (its name is for the messages).
pub(crate) fn decode_params<Bk: Backend>(
    backend: &Bk,
    statement: &str,
    types: &[DataType],
    formats: &[i16],
    params: &[Option<bytes::Bytes>],
) -> Result<Vec<Value>, Failure> {
    if formats.len() > 1 && formats.len() != params.len() {
        let m = format!("bind message has {} parameter formats but {} parameters", formats.len(), params.len());
        return Err(protocol_violation(m).into());
    }
    if params.len() != types.len() {
        let m = format!(
            "bind message supplies {} parameters, but prepared statement \"{statement}\" requires {}",
            params.len(),
            types.len()
        );
        return Err(protocol_violation(m).into());
    }
    check_format_codes(formats)?;
    params
        .iter()
        .zip(types)
        .enumerate()
        .map(|(i, (param, ty))| {
            let Some(bytes) = param else { return Ok(Value::Null) };
            let context = |e| Failure::with_context(e, format!("parameter ${}", i + 1));
            if format_for(formats, i) == BINARY {
                backend.decode_binary(bytes, ty).map_err(context)
            } else {
                let text = std::str::from_utf8(bytes).map_err(|_| {
                    context(SqlError::new(
                        sqlstate::CHARACTER_NOT_IN_REPERTOIRE,
                        "invalid byte sequence for encoding \"UTF8\"",
                    ))
                })?;
                backend.decode_text(text, ty).map_err(context)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_codes_follow_bind_rules() {
        assert_eq!(format_for(&[], 3), TEXT);
        assert_eq!(format_for(&[BINARY], 3), BINARY);
        assert_eq!(format_for(&[TEXT, BINARY], 1), BINARY);
        assert!(check_format_codes(&[0, 1]).is_ok());
        assert_eq!(check_format_codes(&[2]).unwrap_err().code, "22023");
    }

    #[test]
    fn row_description_carries_type_identity() {
        let columns = vec![
            Column { name: "id".into(), ty: DataType::Int4, table_oid: 16384, attnum: 1 },
            Column { name: "v".into(), ty: DataType::Varchar(Some(20)), table_oid: 0, attnum: 0 },
            Column { name: "n".into(), ty: DataType::Numeric(Some((10, 2))), table_oid: 0, attnum: 0 },
        ];
        let rd = row_description(&columns, &[BINARY, TEXT, TEXT]);
        let f = &rd.fields;
        assert_eq!((f[0].type_id, f[0].type_size, f[0].type_modifier, f[0].format_code), (23, 4, -1, 1));
        assert_eq!((f[0].table_id, f[0].column_id), (16384, 1));
        assert_eq!((f[1].type_id, f[1].type_size, f[1].type_modifier), (1043, -1, 24));
        assert_eq!((f[2].type_id, f[2].type_modifier), (1700, (10 << 16 | 2) + 4));
    }
}
