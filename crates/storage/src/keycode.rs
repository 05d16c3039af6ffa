//! Order-preserving key encoding.
//!
//! Tandem stores rows and index entries in RocksDB, which orders keys by their raw bytes. For a
//! primary-key or index range predicate to become a RocksDB range scan, the byte order of an
//! encoded key must equal the logical order of the values it encodes. This module provides that
//! encoding for the primitive kinds the SQL layer builds keys from, and for sequences of them
//! (composite keys):
//!
//! | kind        | encoding                                                                 |
//! |-------------|--------------------------------------------------------------------------|
//! | `u8`/`u32`/`u64` | big-endian                                                          |
//! | `i64`       | big-endian with the sign bit flipped, so negatives sort first            |
//! | `f64`       | IEEE 754 bits; positives get the sign bit flipped, negatives are inverted; `-0.0` is encoded as `0.0` and every NaN as one NaN that sorts above `+inf` (PostgreSQL's order) |
//! | `bool`      | `0x00` / `0x01`                                                          |
//! | bytes, str  | each `0x00` escaped as `0x00 0xff`, terminated by `0x00 0x00`            |
//! | nullable    | a marker byte before the value: [`PRESENT`] or [`NULL`] (NULL sorts last, as in PostgreSQL's ascending order) |
//!
//! The terminator makes variable-length values self-delimiting, so a composite key compares
//! column by column: `("a", 2) < ("ab", 1)` because `"a"` ends (`0x00 0x00`) where `"ab"`
//! continues (`0x62`). Strings compare by their UTF-8 bytes, which is code point order
//! (PostgreSQL's `C` collation).
//!
//! The encoding is not self-describing: a reader must know the kinds it expects, in order, as
//! the schema of a key does. [`prefix_end`] turns any encoded prefix into the exclusive upper
//! bound of a prefix scan.

use std::fmt;

/// Marker byte written before a present value in a nullable position.
pub const PRESENT: u8 = 0x01;
/// Marker byte for SQL NULL in a nullable position; sorts after every present value.
pub const NULL: u8 = 0xff;

/// An error decoding a key: the bytes do not hold the kinds the reader asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub &'static str);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed key: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

/// Builds an encoded key by appending values in order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct KeyWriter {
    buf: Vec<u8>,
}

impl KeyWriter {
    /// An empty key.
    pub fn new() -> Self {
        Self::default()
    }

    /// Continues an existing encoded prefix.
    pub fn from_prefix(prefix: &[u8]) -> Self {
        Self { buf: prefix.to_vec() }
    }

    /// Appends one raw byte (a key-space tag or a marker).
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }

    /// Appends an unsigned 32-bit integer.
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }

    /// Appends an unsigned 64-bit integer.
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }

    /// Appends a signed 64-bit integer.
    pub fn i64(&mut self, v: i64) -> &mut Self {
        self.u64((v as u64) ^ (1 << 63))
    }

    /// Appends a 64-bit float in PostgreSQL's total order (`-0.0 = 0.0`, NaN greatest).
    pub fn f64(&mut self, v: f64) -> &mut Self {
        let v = if v == 0.0 { 0.0 } else { v };
        let bits = if v.is_nan() { f64::NAN.to_bits() & !(1 << 63) } else { v.to_bits() };
        let ordered = if bits >> 63 == 1 { !bits } else { bits | (1 << 63) };
        self.u64(ordered)
    }

    /// Appends a boolean.
    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.u8(v as u8)
    }

    /// Appends a byte string, escaped and terminated so that it is self-delimiting.
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        for &b in v {
            self.buf.push(b);
            if b == 0 {
                self.buf.push(0xff);
            }
        }
        self.buf.extend_from_slice(&[0, 0]);
        self
    }

    /// Appends a string (by its UTF-8 bytes).
    pub fn str(&mut self, v: &str) -> &mut Self {
        self.bytes(v.as_bytes())
    }

    /// Appends the marker of a present value in a nullable position; the value follows.
    pub fn present(&mut self) -> &mut Self {
        self.u8(PRESENT)
    }

    /// Appends SQL NULL in a nullable position.
    pub fn null(&mut self) -> &mut Self {
        self.u8(NULL)
    }

    /// Appends bytes that are already encoded (for example another key's suffix).
    pub fn raw(&mut self, encoded: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(encoded);
        self
    }

    /// The key so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Finishes the key.
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

/// Reads values back from an encoded key, in the order they were written.
#[derive(Debug, Clone)]
pub struct KeyReader<'a> {
    rest: &'a [u8],
}

impl<'a> KeyReader<'a> {
    /// Reads from the start of `key`.
    pub fn new(key: &'a [u8]) -> Self {
        Self { rest: key }
    }

    /// The bytes not read yet.
    pub fn remaining(&self) -> &'a [u8] {
        self.rest
    }

    /// True once every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        if self.rest.len() < N {
            return Err(DecodeError("key ends inside a fixed-width value"));
        }
        let (head, tail) = self.rest.split_at(N);
        self.rest = tail;
        Ok(head.try_into().expect("split_at returned N bytes"))
    }

    /// Reads one raw byte.
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take::<1>()?[0])
    }

    /// Reads an unsigned 32-bit integer.
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.take()?))
    }

    /// Reads an unsigned 64-bit integer.
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.take()?))
    }

    /// Reads a signed 64-bit integer.
    pub fn i64(&mut self) -> Result<i64, DecodeError> {
        Ok((self.u64()? ^ (1 << 63)) as i64)
    }

    /// Reads a 64-bit float (a `-0.0` written comes back as `0.0`).
    pub fn f64(&mut self) -> Result<f64, DecodeError> {
        let ordered = self.u64()?;
        let bits = if ordered >> 63 == 1 { ordered & !(1 << 63) } else { !ordered };
        Ok(f64::from_bits(bits))
    }

    /// Reads a boolean.
    pub fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(DecodeError("invalid boolean byte")),
        }
    }

    /// Reads a byte string.
    pub fn bytes(&mut self) -> Result<Vec<u8>, DecodeError> {
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            match self.rest.get(i..i + 1) {
                None => return Err(DecodeError("unterminated byte string")),
                Some([0]) => match self.rest.get(i + 1) {
                    Some(0) => {
                        self.rest = &self.rest[i + 2..];
                        return Ok(out);
                    }
                    Some(0xff) => {
                        out.push(0);
                        i += 2;
                    }
                    _ => return Err(DecodeError("invalid escape in byte string")),
                },
                Some([b]) => {
                    out.push(*b);
                    i += 1;
                }
                Some(_) => unreachable!("a one-byte range"),
            }
        }
    }

    /// Reads a string.
    pub fn string(&mut self) -> Result<String, DecodeError> {
        String::from_utf8(self.bytes()?).map_err(|_| DecodeError("string is not UTF-8"))
    }

    /// Reads the marker of a nullable position: `true` when a value follows, `false` for NULL.
    pub fn present(&mut self) -> Result<bool, DecodeError> {
        match self.u8()? {
            PRESENT => Ok(true),
            NULL => Ok(false),
            _ => Err(DecodeError("invalid null marker")),
        }
    }
}

/// The exclusive upper bound of a scan over every key that starts with `prefix`, or `None` when
/// no such bound exists (the prefix is empty or all `0xff`): scan to the end of the key space.
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cmp::Ordering;

    fn enc(f: impl FnOnce(&mut KeyWriter)) -> Vec<u8> {
        let mut w = KeyWriter::new();
        f(&mut w);
        w.finish()
    }

    /// PostgreSQL's float order: -0.0 equals 0.0, NaN equals NaN and is above everything.
    fn pg_float_cmp(a: f64, b: f64) -> Ordering {
        match (a.is_nan(), b.is_nan()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => a.partial_cmp(&b).expect("neither is NaN"),
        }
    }

    fn any_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>(),
            Just(0.0),
            Just(-0.0),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(f64::NAN),
            Just(-f64::NAN),
            Just(f64::MIN_POSITIVE),
            Just(-f64::MIN_POSITIVE),
        ]
    }

    /// A nullable string column: None is SQL NULL and sorts last.
    fn cmp_nullable(a: &Option<String>, b: &Option<String>) -> Ordering {
        match (a, b) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(a), Some(b)) => a.as_bytes().cmp(b.as_bytes()),
        }
    }

    fn enc_nullable(w: &mut KeyWriter, v: &Option<String>) {
        match v {
            None => w.null(),
            Some(s) => w.present().str(s),
        };
    }

    proptest! {
        #[test]
        fn i64_order_and_roundtrip(a: i64, b: i64) {
            let (ea, eb) = (enc(|w| { w.i64(a); }), enc(|w| { w.i64(b); }));
            prop_assert_eq!(ea.cmp(&eb), a.cmp(&b));
            prop_assert_eq!(KeyReader::new(&ea).i64().unwrap(), a);
        }

        #[test]
        fn u64_and_u32_order(a: u64, b: u64, c: u32, d: u32) {
            prop_assert_eq!(enc(|w| { w.u64(a); }).cmp(&enc(|w| { w.u64(b); })), a.cmp(&b));
            prop_assert_eq!(enc(|w| { w.u32(c); }).cmp(&enc(|w| { w.u32(d); })), c.cmp(&d));
        }

        #[test]
        fn f64_order_and_roundtrip(a in any_f64(), b in any_f64()) {
            let (ea, eb) = (enc(|w| { w.f64(a); }), enc(|w| { w.f64(b); }));
            prop_assert_eq!(ea.cmp(&eb), pg_float_cmp(a, b));
            let back = KeyReader::new(&ea).f64().unwrap();
            prop_assert_eq!(pg_float_cmp(back, a), Ordering::Equal);
        }

        #[test]
        fn bytes_order_and_roundtrip(a: Vec<u8>, b: Vec<u8>) {
            let (ea, eb) = (enc(|w| { w.bytes(&a); }), enc(|w| { w.bytes(&b); }));
            prop_assert_eq!(ea.cmp(&eb), a.cmp(&b));
            let mut r = KeyReader::new(&ea);
            prop_assert_eq!(r.bytes().unwrap(), a);
            prop_assert!(r.is_empty());
        }

        #[test]
        fn string_order_and_roundtrip(a: String, b: String) {
            let (ea, eb) = (enc(|w| { w.str(&a); }), enc(|w| { w.str(&b); }));
            // Code point order: Rust's `str` ordering compares UTF-8 bytes, which agrees.
            prop_assert_eq!(ea.cmp(&eb), a.cmp(&b));
            prop_assert_eq!(KeyReader::new(&ea).string().unwrap(), a);
        }

        #[test]
        fn bool_order(a: bool, b: bool) {
            prop_assert_eq!(enc(|w| { w.bool(a); }).cmp(&enc(|w| { w.bool(b); })), a.cmp(&b));
        }

        #[test]
        fn composite_order_and_roundtrip(
            a in (any::<String>(), any::<i64>(), any_f64(), proptest::option::of(any::<String>())),
            b in (any::<String>(), any::<i64>(), any_f64(), proptest::option::of(any::<String>())),
        ) {
            let encode = |v: &(String, i64, f64, Option<String>)| enc(|w| {
                w.u8(0x02).u32(7).str(&v.0).i64(v.1).f64(v.2);
                enc_nullable(w, &v.3);
            });
            let expected = a.0.cmp(&b.0)
                .then(a.1.cmp(&b.1))
                .then(pg_float_cmp(a.2, b.2))
                .then(cmp_nullable(&a.3, &b.3));
            let (ea, eb) = (encode(&a), encode(&b));
            prop_assert_eq!(ea.cmp(&eb), expected);

            let mut r = KeyReader::new(&ea);
            prop_assert_eq!(r.u8().unwrap(), 0x02);
            prop_assert_eq!(r.u32().unwrap(), 7);
            prop_assert_eq!(r.string().unwrap(), a.0.clone());
            prop_assert_eq!(r.i64().unwrap(), a.1);
            prop_assert_eq!(pg_float_cmp(r.f64().unwrap(), a.2), Ordering::Equal);
            let back = if r.present().unwrap() { Some(r.string().unwrap()) } else { None };
            prop_assert_eq!(back, a.3.clone());
            prop_assert!(r.is_empty());
        }

        #[test]
        fn prefix_end_bounds_every_extension(prefix: Vec<u8>, suffix: Vec<u8>, other: Vec<u8>) {
            let key = [prefix.as_slice(), suffix.as_slice()].concat();
            match prefix_end(&prefix) {
                Some(end) => {
                    prop_assert!(key.as_slice() < end.as_slice());
                    // Anything at or above the bound does not start with the prefix.
                    if other.as_slice() >= end.as_slice() {
                        prop_assert!(!other.starts_with(&prefix));
                    }
                }
                None => prop_assert!(prefix.iter().all(|&b| b == 0xff)),
            }
        }

        #[test]
        fn decoding_garbage_never_panics(garbage: Vec<u8>) {
            let mut r = KeyReader::new(&garbage);
            let _ = r.string();
            let _ = r.f64();
            let _ = r.present();
            let _ = r.bool();
        }
    }

    #[test]
    fn known_encodings() {
        assert_eq!(
            enc(|w| {
                w.i64(0);
            }),
            vec![0x80, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(
            enc(|w| {
                w.i64(-1);
            }),
            vec![0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
        assert_eq!(
            enc(|w| {
                w.str("a\0b");
            }),
            vec![b'a', 0, 0xff, b'b', 0, 0]
        );
        assert_eq!(
            enc(|w| {
                w.f64(-0.0);
            }),
            enc(|w| {
                w.f64(0.0);
            })
        );
        assert_eq!(prefix_end(&[1, 2, 0xff]), Some(vec![1, 3]));
        assert_eq!(prefix_end(&[0xff, 0xff]), None);
        assert!(KeyReader::new(&[b'a', 0]).bytes().is_err());
        assert!(KeyReader::new(&[0, 7]).bytes().is_err());
        assert!(KeyReader::new(&[0x80, 0]).i64().is_err());
    }
}
