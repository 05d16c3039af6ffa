//! Overload resolution shared by functions, operators and aggregates.
//!
//! This follows PostgreSQL's `func_get_detail` / `oper_select_candidate` /
//! `func_select_candidate` (see "Type Conversion" in the PostgreSQL manual):
//!
//! 1. An exact match of the argument types wins. For a binary operator with one `unknown`
//!    side, the unknown side is assumed to have the other side's type for this check
//!    (`int4_col = $1` is `int4 = int4`).
//! 2. Otherwise the candidates whose parameters all accept the arguments by implicit coercion
//!    (`unknown` is accepted anywhere) are kept; if exactly one remains it wins.
//! 3. Then keep the candidates with the most exact matches; then those with the most exact
//!    matches or preferred types (in the argument's category) where coercion is needed.
//! 4. For `unknown` arguments, pick a type category per position (string if any candidate
//!    takes one, else the one all candidates agree on), preferring the preferred type.
//! 5. Last, if all known arguments share a type, assume the unknown ones have it too.
//!
//! Polymorphic parameters (`anyelement`, `anyarray`, `anynonarray`, `anycompatible`...) are
//! resolved to one element type per family; `"any"` accepts anything (unknown becomes text).
//! Type modifiers are ignored throughout.

use std::collections::HashMap;
use std::hash::Hash;

use crate::error::{sqlstate, SqlError};
use crate::functions::{Resolved, ScalarImpl, Volatility};
use crate::types::cast::{can_coerce, CoercionContext};
use crate::types::{DataType, TypeCategory};

/// A declared parameter type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Param {
    /// A concrete type.
    T(DataType),
    /// `"any"`: anything, no unification.
    Any,
    /// `anyelement`.
    AnyElement,
    /// `anynonarray`.
    AnyNonArray,
    /// `anyarray`.
    AnyArray,
    /// `anycompatible`.
    AnyCompatible,
    /// `anycompatiblearray`.
    AnyCompatibleArray,
}

/// A declared result type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Ret {
    /// A concrete type.
    T(DataType),
    /// An array of the resolved polymorphic element type (the `anyarray` result).
    Array,
}

impl From<DataType> for Ret {
    fn from(t: DataType) -> Self {
        Ret::T(t)
    }
}

/// The declared signature of one overload.
#[derive(Clone, Debug)]
pub(crate) struct Signature {
    /// Parameter types.
    pub params: Vec<Param>,
    /// The last parameter repeats (one or more times), as `VARIADIC`.
    pub variadic: bool,
    /// Result type.
    pub ret: Ret,
}

/// The result of resolution.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// One candidate (its index in the list) with concrete argument and result types.
    Found {
        /// Index of the chosen candidate.
        index: usize,
        /// Types to coerce the arguments to.
        arg_types: Vec<DataType>,
        /// Concrete result type.
        ret: DataType,
    },
    /// No candidate accepts the arguments.
    NotFound,
    /// Several candidates fit equally well.
    Ambiguous,
}

/// One overload of a scalar function or operator.
#[derive(Clone, Debug)]
pub(crate) struct FuncDef {
    /// Declared signature.
    pub sig: Signature,
    /// Implementation.
    pub imp: ScalarImpl,
    /// NULL in, NULL out.
    pub strict: bool,
    /// Volatility.
    pub volatility: Volatility,
}

impl FuncDef {
    /// Marks the overload stable (depends on the session or the statement).
    pub(crate) fn stable(&mut self) -> &mut Self {
        self.volatility = Volatility::Stable;
        self
    }

    /// Marks the overload volatile.
    pub(crate) fn volatile(&mut self) -> &mut Self {
        self.volatility = Volatility::Volatile;
        self
    }

    /// Marks the overload as called with NULL arguments.
    pub(crate) fn nonstrict(&mut self) -> &mut Self {
        self.strict = false;
        self
    }

    /// Makes the last parameter variadic.
    pub(crate) fn variadic(&mut self) -> &mut Self {
        self.sig.variadic = true;
        self
    }
}

/// Overloads by name (or operator); each added strict and immutable unless marked otherwise.
#[derive(Debug)]
pub(crate) struct Registry<K> {
    map: HashMap<K, Vec<FuncDef>>,
}

impl<K: Hash + Eq> Registry<K> {
    /// An empty registry.
    pub(crate) fn new() -> Self {
        Self { map: HashMap::new() }
    }

    /// Adds an overload.
    pub(crate) fn add(
        &mut self,
        key: K,
        params: impl Into<Vec<Param>>,
        ret: impl Into<Ret>,
        imp: ScalarImpl,
    ) -> &mut FuncDef {
        let list = self.map.entry(key).or_default();
        list.push(FuncDef {
            sig: Signature { params: params.into(), variadic: false, ret: ret.into() },
            imp,
            strict: true,
            volatility: Volatility::Immutable,
        });
        let last = list.len() - 1;
        &mut list[last]
    }

    /// True when `key` has overloads.
    pub(crate) fn contains(&self, key: &K) -> bool {
        self.map.contains_key(key)
    }

    /// Resolves `key(args)`; `None` when `key` has no overloads.
    pub(crate) fn resolve(&self, key: &K, args: &[DataType], binary_operator: bool) -> Option<(Outcome, &[FuncDef])> {
        let defs = self.map.get(key)?;
        let sigs: Vec<&Signature> = defs.iter().map(|d| &d.sig).collect();
        Some((select(&sigs, args, binary_operator), defs))
    }

    /// Resolves `key(args)` into a [`Resolved`], or the error built by `not_found` /
    /// `ambiguous`.
    pub(crate) fn resolve_or(
        &self,
        key: &K,
        args: &[DataType],
        binary_operator: bool,
        not_found: impl FnOnce() -> SqlError,
        ambiguous: impl FnOnce() -> SqlError,
    ) -> Result<Resolved, SqlError> {
        match self.resolve(key, args, binary_operator) {
            Some((Outcome::Found { index, arg_types, ret }, defs)) => {
                let def = defs.get(index).ok_or_else(|| SqlError::internal("overload index"))?;
                Ok(Resolved { arg_types, ret, imp: def.imp, strict: def.strict, volatility: def.volatility })
            }
            Some((Outcome::Ambiguous, _)) => Err(ambiguous()),
            Some((Outcome::NotFound, _)) | None => Err(not_found()),
        }
    }
}

/// Shorthands for concrete parameters.
pub(crate) mod p {
    use super::Param;
    use crate::types::DataType;

    pub(crate) const BOOL: Param = Param::T(DataType::Bool);
    pub(crate) const INT2: Param = Param::T(DataType::Int2);
    pub(crate) const INT4: Param = Param::T(DataType::Int4);
    pub(crate) const INT8: Param = Param::T(DataType::Int8);
    pub(crate) const FLOAT4: Param = Param::T(DataType::Float4);
    pub(crate) const FLOAT8: Param = Param::T(DataType::Float8);
    pub(crate) const NUMERIC: Param = Param::T(DataType::Numeric(None));
    pub(crate) const TEXT: Param = Param::T(DataType::Text);
    pub(crate) const BPCHAR: Param = Param::T(DataType::Bpchar(None));
    pub(crate) const BYTEA: Param = Param::T(DataType::Bytea);
    pub(crate) const DATE: Param = Param::T(DataType::Date);
    pub(crate) const TIME: Param = Param::T(DataType::Time);
    pub(crate) const TIMESTAMP: Param = Param::T(DataType::Timestamp);
    pub(crate) const TIMESTAMPTZ: Param = Param::T(DataType::TimestampTz);
    pub(crate) const INTERVAL: Param = Param::T(DataType::Interval);
    pub(crate) const JSON: Param = Param::T(DataType::Json);
    pub(crate) const JSONB: Param = Param::T(DataType::Jsonb);

    /// `t[]`.
    pub(crate) fn array(t: DataType) -> Param {
        Param::T(DataType::Array(Box::new(t)))
    }

    /// `text[]`.
    pub(crate) fn text_array() -> Param {
        array(DataType::Text)
    }
}

/// `t[]` as a type.
pub(crate) fn array_of(t: DataType) -> DataType {
    DataType::Array(Box::new(t))
}

fn is_poly(p: &Param) -> bool {
    !matches!(p, Param::T(_) | Param::Any)
}

fn is_compat_family(p: &Param) -> bool {
    matches!(p, Param::AnyCompatible | Param::AnyCompatibleArray)
}

fn is_array_param(p: &Param) -> bool {
    matches!(p, Param::AnyArray | Param::AnyCompatibleArray)
}

/// The category of a declared parameter; `None` for pseudo-types.
fn param_category(p: &Param) -> Option<TypeCategory> {
    match p {
        Param::T(t) => Some(t.category()),
        _ => None,
    }
}

fn param_preferred(p: &Param) -> bool {
    matches!(p, Param::T(t) if t.is_preferred())
}

/// The declared types for `nargs` arguments (expanding a variadic parameter), if the arity fits.
fn expand(sig: &Signature, nargs: usize) -> Option<Vec<&Param>> {
    if sig.variadic {
        let (last, fixed) = sig.params.split_last()?;
        if nargs < sig.params.len() {
            return None;
        }
        let mut v: Vec<&Param> = fixed.iter().collect();
        v.extend(std::iter::repeat_n(last, nargs - fixed.len()));
        Some(v)
    } else if sig.params.len() == nargs {
        Some(sig.params.iter().collect())
    } else {
        None
    }
}

/// PostgreSQL's `select_common_type` for known (non-unknown) types: the type all of them
/// coerce to, or `None` when their categories differ. All-unknown input gives `text`.
pub(crate) fn common_type(types: &[DataType]) -> Option<DataType> {
    let mut known = types.iter().filter(|t| **t != DataType::Unknown);
    let Some(first) = known.next() else {
        return Some(DataType::Text);
    };
    let mut ptype = first.without_modifier();
    for t in known {
        let t = t.without_modifier();
        if t == ptype {
            continue;
        }
        if t.category() != ptype.category() {
            return None;
        }
        if !ptype.is_preferred()
            && can_coerce(&ptype, &t, CoercionContext::Implicit)
            && !can_coerce(&t, &ptype, CoercionContext::Implicit)
        {
            ptype = t;
        }
    }
    Some(ptype)
}

/// Resolves one family of polymorphic positions to its element type.
fn family_elem(decl: &[&Param], args: &[DataType], compat: bool) -> Option<Option<DataType>> {
    let mut elems = Vec::new();
    let mut has_array = false;
    for (d, a) in decl.iter().zip(args) {
        if !is_poly(d) || is_compat_family(d) != compat {
            continue;
        }
        if is_array_param(d) {
            has_array = true;
            match a {
                DataType::Unknown => {}
                DataType::Array(e) => elems.push((**e).clone()),
                _ => return None,
            }
        } else {
            let nonarray = matches!(d, Param::AnyNonArray);
            match a {
                DataType::Unknown => {}
                DataType::Array(_) if nonarray => return None,
                other => elems.push(other.clone()),
            }
        }
    }
    if elems.is_empty() && !decl.iter().zip(args).any(|(d, _)| is_poly(d) && is_compat_family(d) == compat) {
        return Some(None);
    }
    let elem = if compat {
        let common = common_type(&elems)?;
        if !elems.iter().all(|e| *e == common || can_coerce(e, &common, CoercionContext::Implicit)) {
            return None;
        }
        common
    } else {
        let first = elems.first().cloned().unwrap_or(DataType::Text);
        if elems.iter().any(|e| *e != first) {
            return None;
        }
        first
    };
    if has_array && matches!(elem, DataType::Array(_)) {
        return None;
    }
    Some(Some(elem))
}

/// Checks that `args` can be passed to parameters `decl`; returns the concrete argument types
/// and the polymorphic element type.
fn matches(decl: &[&Param], args: &[DataType]) -> Option<(Vec<DataType>, Option<DataType>)> {
    for (d, a) in decl.iter().zip(args) {
        if let Param::T(t) = d {
            if a != t && *a != DataType::Unknown && !can_coerce(a, t, CoercionContext::Implicit) {
                return None;
            }
        }
    }
    let plain = family_elem(decl, args, false)?;
    let compat = family_elem(decl, args, true)?;
    let types = decl
        .iter()
        .zip(args)
        .map(|(d, a)| match d {
            Param::T(t) => t.clone(),
            Param::Any if *a == DataType::Unknown => DataType::Text,
            Param::Any => a.clone(),
            Param::AnyArray => array_of(plain.clone().unwrap_or(DataType::Text)),
            Param::AnyCompatibleArray => array_of(compat.clone().unwrap_or(DataType::Text)),
            Param::AnyElement | Param::AnyNonArray => plain.clone().unwrap_or(DataType::Text),
            Param::AnyCompatible => compat.clone().unwrap_or(DataType::Text),
        })
        .collect();
    Some((types, plain.or(compat)))
}

fn result_type(ret: &Ret, elem: Option<DataType>) -> DataType {
    match ret {
        Ret::T(t) => t.clone(),
        Ret::Array => array_of(elem.unwrap_or(DataType::Text)),
    }
}

/// Chooses among `sigs` for arguments `args`. `binary_operator` enables the unknown-side rule
/// of step 1.
pub(crate) fn select(sigs: &[&Signature], args: &[DataType], binary_operator: bool) -> Outcome {
    let args: Vec<DataType> = args.iter().map(DataType::without_modifier).collect();
    let cands: Vec<(usize, Vec<&Param>)> =
        sigs.iter().enumerate().filter_map(|(i, s)| expand(s, args.len()).map(|d| (i, d))).collect();

    // 1. Exact match.
    let mut exact_args = args.clone();
    if binary_operator && args.len() == 2 {
        match (&args[0], &args[1]) {
            (DataType::Unknown, t) if *t != DataType::Unknown => exact_args[0] = t.clone(),
            (t, DataType::Unknown) if *t != DataType::Unknown => exact_args[1] = t.clone(),
            _ => {}
        }
    }
    for (i, decl) in &cands {
        if decl.iter().zip(&exact_args).all(|(d, a)| matches!(d, Param::T(t) if t == a)) {
            return Outcome::Found { index: *i, arg_types: exact_args, ret: result_type(&sigs[*i].ret, None) };
        }
    }

    // 2. Candidates accepting the arguments by implicit coercion.
    let mut live: Vec<(usize, Vec<&Param>)> =
        cands.into_iter().filter(|(_, decl)| matches(decl, &args).is_some()).collect();
    let finish = |i: usize, decl: &[&Param], args: &[DataType]| match matches(decl, args) {
        Some((arg_types, elem)) => Outcome::Found { index: i, arg_types, ret: result_type(&sigs[i].ret, elem) },
        None => Outcome::NotFound,
    };
    match live.len() {
        0 => return Outcome::NotFound,
        1 => return finish(live[0].0, &live[0].1, &args),
        _ => {}
    }

    let unknown = |i: usize| args[i] == DataType::Unknown;
    // 3a. Most exact matches.
    keep_best(&mut live, |decl| {
        decl.iter().enumerate().filter(|(i, d)| !unknown(*i) && matches!(d, Param::T(t) if *t == args[*i])).count()
    });
    if live.len() == 1 {
        return finish(live[0].0, &live[0].1, &args);
    }
    // 3b. Most exact-or-preferred matches.
    keep_best(&mut live, |decl| {
        decl.iter()
            .enumerate()
            .filter(|(i, d)| {
                !unknown(*i)
                    && (matches!(d, Param::T(t) if *t == args[*i])
                        || (param_preferred(d) && param_category(d) == Some(args[*i].category())))
            })
            .count()
    });
    if live.len() == 1 {
        return finish(live[0].0, &live[0].1, &args);
    }
    let nunknown = (0..args.len()).filter(|i| unknown(*i)).count();
    if nunknown == 0 {
        return Outcome::Ambiguous;
    }

    // 4. Categories for unknown positions.
    let mut slots: Vec<(usize, Option<TypeCategory>, bool)> = Vec::new();
    let mut resolved = true;
    for i in (0..args.len()).filter(|i| unknown(*i)) {
        let mut cat: Option<Option<TypeCategory>> = None;
        let mut preferred = false;
        let mut conflict = false;
        for (_, decl) in &live {
            let c = param_category(decl[i]);
            let pref = param_preferred(decl[i]);
            match cat {
                None => {
                    cat = Some(c);
                    preferred = pref;
                }
                Some(sc) if sc == c => preferred |= pref,
                Some(sc) => {
                    if c == Some(TypeCategory::String) {
                        cat = Some(c);
                        preferred = pref;
                    } else if sc != Some(TypeCategory::String) {
                        conflict = true;
                    }
                }
            }
        }
        let cat = cat.flatten();
        if conflict && cat != Some(TypeCategory::String) {
            resolved = false;
            break;
        }
        slots.push((i, cat, preferred));
    }
    if resolved {
        let kept: Vec<(usize, Vec<&Param>)> = live
            .iter()
            .filter(|(_, decl)| {
                slots
                    .iter()
                    .all(|(i, cat, pref)| param_category(decl[*i]) == *cat && (!pref || param_preferred(decl[*i])))
            })
            .cloned()
            .collect();
        if !kept.is_empty() {
            live = kept;
        }
        if live.len() == 1 {
            return finish(live[0].0, &live[0].1, &args);
        }
    }

    // 5. Unknowns take the common type of the known arguments.
    if nunknown < args.len() {
        let mut known = args.iter().filter(|a| **a != DataType::Unknown);
        if let Some(first) = known.next() {
            if known.all(|a| a == first) {
                let assumed: Vec<DataType> = args.iter().map(|_| first.clone()).collect();
                let fits: Vec<&(usize, Vec<&Param>)> =
                    live.iter().filter(|(_, decl)| matches(decl, &assumed).is_some()).collect();
                if let [(i, decl)] = fits.as_slice() {
                    return finish(*i, decl, &args);
                }
            }
        }
    }
    Outcome::Ambiguous
}

fn keep_best(live: &mut Vec<(usize, Vec<&Param>)>, score: impl Fn(&[&Param]) -> usize) {
    let scores: Vec<usize> = live.iter().map(|(_, d)| score(d)).collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    let mut it = scores.into_iter();
    live.retain(|_| it.next() == Some(best));
}

fn type_list(args: &[DataType]) -> String {
    args.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ")
}

/// 42883 `function name(types) does not exist`.
pub(crate) fn no_function(name: &str, args: &[DataType]) -> SqlError {
    SqlError::new(sqlstate::UNDEFINED_FUNCTION, format!("function {name}({}) does not exist", type_list(args)))
        .hint("No function matches the given name and argument types. You might need to add explicit type casts.")
}

/// 42725 `function name(types) is not unique`.
pub(crate) fn ambiguous_function(name: &str, args: &[DataType]) -> SqlError {
    SqlError::new(sqlstate::AMBIGUOUS_FUNCTION, format!("function {name}({}) is not unique", type_list(args)))
        .hint("Could not choose a best candidate function. You might need to add explicit type casts.")
}

fn op_text(sym: &str, left: Option<&DataType>, right: &DataType) -> String {
    match left {
        Some(l) => format!("{l} {sym} {right}"),
        None => format!("{sym} {right}"),
    }
}

/// 42883 `operator does not exist: integer + boolean`.
pub(crate) fn no_operator(sym: &str, left: Option<&DataType>, right: &DataType) -> SqlError {
    SqlError::new(sqlstate::UNDEFINED_FUNCTION, format!("operator does not exist: {}", op_text(sym, left, right)))
        .hint("No operator matches the given name and argument types. You might need to add explicit type casts.")
}

/// 42725 `operator is not unique: unknown + unknown`.
pub(crate) fn ambiguous_operator(sym: &str, left: Option<&DataType>, right: &DataType) -> SqlError {
    SqlError::new(sqlstate::AMBIGUOUS_FUNCTION, format!("operator is not unique: {}", op_text(sym, left, right)))
        .hint("Could not choose a best candidate operator. You might need to add explicit type casts.")
}
