//! Built-in functions and types as `pg_proc` and `pg_type` list them: OIDs, names and
//! signatures taken from a PostgreSQL 15 server, restricted to the functions Tandem has (its
//! scalar functions, aggregates and catalog functions, and the input/output functions of its
//! types) and to the types it has (with the pseudo-types their signatures use, and the types
//! of the system columns). The data is kept as text, one row a line, and parsed once.

use std::sync::OnceLock;

/// A `pg_proc` row.
#[derive(Debug)]
pub(super) struct Proc {
    /// OID.
    pub oid: u32,
    /// Name.
    pub name: &'static str,
    /// `prokind`: `f` function, `a` aggregate, `w` window.
    pub kind: char,
    /// `proisstrict`.
    pub strict: bool,
    /// `proretset`.
    pub retset: bool,
    /// `provolatile`.
    pub volatile: char,
    /// `prorettype`.
    pub ret: u32,
    /// `proargtypes`.
    pub args: Vec<u32>,
    /// `provariadic`.
    pub variadic: u32,
    /// `prosrc`.
    pub src: &'static str,
}

/// A `pg_type` row (the columns that vary).
#[derive(Debug)]
pub(super) struct Type {
    /// OID.
    pub oid: u32,
    /// `typname`.
    pub name: &'static str,
    /// `typlen`.
    pub len: i16,
    /// `typbyval`.
    pub byval: bool,
    /// `typtype`: `b` base, `p` pseudo.
    pub typtype: char,
    /// `typcategory`.
    pub category: char,
    /// `typispreferred`.
    pub preferred: bool,
    /// `typelem`.
    pub elem: u32,
    /// `typarray`.
    pub array: u32,
    /// `typinput`, `typoutput`, `typreceive`, `typsend`, `typmodin`, `typmodout`,
    /// `typanalyze`, `typsubscript`.
    pub procs: [u32; 8],
    /// `typalign`.
    pub align: char,
    /// `typstorage`.
    pub storage: char,
    /// `typcollation`.
    pub collation: u32,
}

/// `oid|name|kind|strict|retset|volatile|rettype|argtypes|variadic|src`.
const PROC_ROWS: &str = "\
31|byteaout|f|t|f|i|2275|17|0|byteaout
33|charout|f|t|f|i|2275|18|0|charout
34|namein|f|t|f|i|19|2275|0|namein
35|nameout|f|t|f|i|2275|19|0|nameout
38|int2in|f|t|f|i|21|2275|0|int2in
39|int2out|f|t|f|i|2275|21|0|int2out
40|int2vectorin|f|t|f|i|22|2275|0|int2vectorin
41|int2vectorout|f|t|f|i|2275|22|0|int2vectorout
42|int4in|f|t|f|i|23|2275|0|int4in
43|int4out|f|t|f|i|2275|23|0|int4out
44|regprocin|f|t|f|s|24|2275|0|regprocin
45|regprocout|f|t|f|s|2275|24|0|regprocout
46|textin|f|t|f|i|25|2275|0|textin
47|textout|f|t|f|i|2275|25|0|textout
54|oidvectorin|f|t|f|i|30|2275|0|oidvectorin
55|oidvectorout|f|t|f|i|2275|30|0|oidvectorout
89|version|f|t|f|s|25||0|pgsql_version
109|unknownin|f|t|f|i|705|2275|0|unknownin
110|unknownout|f|t|f|i|2275|705|0|unknownout
200|float4in|f|t|f|i|700|2275|0|float4in
201|float4out|f|t|f|i|2275|700|0|float4out
214|float8in|f|t|f|i|701|2275|0|float8in
215|float8out|f|t|f|i|2275|701|0|float8out
274|timeofday|f|t|f|v|25||0|timeofday
320|width_bucket|f|t|f|i|23|701 701 701 23|0|width_bucket_float8
321|json_in|f|t|f|i|114|2275|0|json_in
322|json_out|f|t|f|i|2275|114|0|json_out
323|json_recv|f|t|f|i|114|2281|0|json_recv
324|json_send|f|t|f|i|17|114|0|json_send
376|string_to_array|f|f|f|i|1009|25 25 25|0|text_to_array_null
378|array_append|f|f|f|i|5078|5078 5077|0|array_append
379|array_prepend|f|f|f|i|5078|5077 5078|0|array_prepend
383|array_cat|f|f|f|i|5078|5078 5078|0|array_cat
384|array_to_string|f|f|f|s|25|2277 25 25|0|array_to_text_null
394|string_to_array|f|f|f|i|1009|25 25|0|text_to_array
395|array_to_string|f|t|f|s|25|2277 25|0|array_to_text
438|num_nulls|f|f|f|i|23|2276|2276|pg_num_nulls
440|num_nonnulls|f|f|f|i|23|2276|2276|pg_num_nonnulls
460|int8in|f|t|f|i|20|2275|0|int8in
461|int8out|f|t|f|i|2275|20|0|int8out
720|octet_length|f|t|f|i|23|17|0|byteaoctetlen
745|current_user|f|t|f|s|19||0|current_user
746|session_user|f|t|f|s|19||0|session_user
747|array_dims|f|t|f|i|25|2277|0|array_dims
748|array_ndims|f|t|f|i|23|2277|0|array_ndims
749|overlay|f|t|f|i|17|17 17 23 23|0|byteaoverlay
750|array_in|f|t|f|s|2277|2275 26 23|0|array_in
751|array_out|f|t|f|s|2275|2277|0|array_out
752|overlay|f|t|f|i|17|17 17 23|0|byteaoverlay_no_len
810|pg_client_encoding|f|t|f|s|19||0|pg_client_encoding
849|position|f|t|f|i|23|25 25|0|textpos
861|current_database|f|t|f|s|19||0|current_database
868|strpos|f|t|f|i|23|25 25|0|textpos
870|lower|f|t|f|i|25|25|0|lower
871|upper|f|t|f|i|25|25|0|upper
872|initcap|f|t|f|i|25|25|0|initcap
873|lpad|f|t|f|i|25|25 23 25|0|lpad
874|rpad|f|t|f|i|25|25 23 25|0|rpad
877|substr|f|t|f|i|25|25 23 23|0|text_substr
878|translate|f|t|f|i|25|25 25 25|0|translate
879|lpad|f|t|f|i|25|25 23|0|
880|rpad|f|t|f|i|25|25 23|0|
883|substr|f|t|f|i|25|25 23|0|text_substr_no_len
936|substring|f|t|f|i|25|25 23 23|0|text_substr
937|substring|f|t|f|i|25|25 23|0|text_substr_no_len
938|generate_series|f|t|t|i|1114|1114 1114 1186|0|generate_series_timestamp
939|generate_series|f|t|t|s|1184|1184 1184 1186|0|generate_series_timestamptz
940|mod|f|t|f|i|21|21 21|0|int2mod
941|mod|f|t|f|i|23|23 23|0|int4mod
947|mod|f|t|f|i|20|20 20|0|int8mod
1026|timezone|f|t|f|i|1114|1186 1184|0|timestamptz_izone
1044|bpcharin|f|t|f|i|1042|2275 26 23|0|bpcharin
1045|bpcharout|f|t|f|i|2275|1042|0|bpcharout
1046|varcharin|f|t|f|i|1043|2275 26 23|0|varcharin
1047|varcharout|f|t|f|i|2275|1043|0|varcharout
1066|generate_series|f|t|t|i|23|23 23 23|0|generate_series_step_int4
1067|generate_series|f|t|t|i|23|23 23|0|generate_series_int4
1068|generate_series|f|t|t|i|20|20 20 20|0|generate_series_step_int8
1069|generate_series|f|t|t|i|20|20 20|0|generate_series_int8
1081|format_type|f|f|f|s|25|26 23|0|format_type
1084|date_in|f|t|f|s|1082|2275|0|date_in
1085|date_out|f|t|f|s|2275|1082|0|date_out
1143|time_in|f|t|f|s|1083|2275 26 23|0|time_in
1144|time_out|f|t|f|i|2275|1083|0|time_out
1150|timestamptz_in|f|t|f|s|1184|2275 26 23|0|timestamptz_in
1151|timestamptz_out|f|t|f|s|2275|1184|0|timestamptz_out
1158|to_timestamp|f|t|f|i|1184|701|0|float8_timestamptz
1159|timezone|f|t|f|i|1114|25 1184|0|timestamptz_zone
1160|interval_in|f|t|f|s|1186|2275 26 23|0|interval_in
1161|interval_out|f|t|f|s|2275|1186|0|interval_out
1171|date_part|f|t|f|s|701|25 1184|0|timestamptz_part
1172|date_part|f|t|f|i|701|25 1186|0|interval_part
1175|justify_hours|f|t|f|i|1186|1186|0|interval_justify_hours
1191|generate_subscripts|f|t|t|i|23|2277 23 16|0|generate_subscripts
1192|generate_subscripts|f|t|t|i|23|2277 23|0|generate_subscripts_nodir
1193|array_fill|f|f|f|i|2277|2283 1007|0|array_fill
1199|age|f|t|f|i|1186|1184 1184|0|timestamptz_age
1215|obj_description|f|t|f|s|25|26 19|0|
1216|col_description|f|t|f|s|25|26 23|0|
1217|date_trunc|f|t|f|s|1184|25 1184|0|timestamptz_trunc
1218|date_trunc|f|t|f|i|1186|25 1186|0|interval_trunc
1242|boolin|f|t|f|i|16|2275|0|boolin
1243|boolout|f|t|f|i|2275|16|0|boolout
1244|byteain|f|t|f|i|17|2275|0|byteain
1245|charin|f|t|f|i|18|2275|0|charin
1264|pg_char_to_encoding|f|t|f|s|23|19|0|PG_char_to_encoding
1282|quote_ident|f|t|f|i|25|25|0|quote_ident
1283|quote_literal|f|t|f|i|25|25|0|quote_literal
1284|date_trunc|f|t|f|s|1184|25 1184 25|0|timestamptz_trunc_zone
1285|quote_literal|f|t|f|s|25|2283|0|select pg_catalog.quote_literal($1::pg_catalog.text)
1286|array_fill|f|f|f|i|2277|2283 1007 1007|0|array_fill_with_lower_bounds
1289|quote_nullable|f|f|f|i|25|25|0|quote_nullable
1290|quote_nullable|f|f|f|s|25|2283|0|select pg_catalog.quote_nullable($1::pg_catalog.text)
1295|justify_days|f|t|f|i|1186|1186|0|interval_justify_days
1299|now|f|t|f|s|1184||0|now
1312|timestamp_in|f|t|f|s|1114|2275 26 23|0|timestamp_in
1313|timestamp_out|f|t|f|s|2275|1114|0|timestamp_out
1317|length|f|t|f|i|23|25|0|textlen
1318|length|f|t|f|i|23|1042|0|bpcharlen
1340|log|f|t|f|i|701|701|0|dlog10
1342|round|f|t|f|i|701|701|0|dround
1343|trunc|f|t|f|i|701|701|0|dtrunc
1346|pow|f|t|f|i|701|701 701|0|dpow
1348|obj_description|f|t|f|s|25|26|0|
1367|character_length|f|t|f|i|23|1042|0|bpcharlen
1368|power|f|t|f|i|701|701 701|0|dpow
1369|character_length|f|t|f|i|23|25|0|textlen
1372|char_length|f|t|f|i|23|1042|0|bpcharlen
1373|isfinite|f|t|f|i|16|1082|0|date_finite
1374|octet_length|f|t|f|i|23|25|0|textoctetlen
1375|octet_length|f|t|f|i|23|1042|0|bpcharoctetlen
1376|factorial|f|t|f|i|1700|20|0|numeric_fac
1381|char_length|f|t|f|i|23|25|0|textlen
1384|date_part|f|t|f|i|701|25 1082|0|
1385|date_part|f|t|f|i|701|25 1083|0|time_part
1386|age|f|t|f|s|1186|1184|0|
1387|pg_get_constraintdef|f|t|f|s|25|26|0|pg_get_constraintdef
1389|isfinite|f|t|f|i|16|1184|0|timestamp_finite
1390|isfinite|f|t|f|i|16|1186|0|interval_finite
1394|abs|f|t|f|i|700|700|0|float4abs
1395|abs|f|t|f|i|701|701|0|float8abs
1396|abs|f|t|f|i|20|20|0|int8abs
1397|abs|f|t|f|i|23|23|0|int4abs
1398|abs|f|t|f|i|21|21|0|int2abs
1402|current_schema|f|t|f|s|19||0|current_schema
1403|current_schemas|f|t|f|s|1003|16|0|current_schemas
1404|overlay|f|t|f|i|25|25 25 23 23|0|textoverlay
1405|overlay|f|t|f|i|25|25 25 23|0|textoverlay_no_len
1573|pg_get_ruledef|f|t|f|s|25|26|0|pg_get_ruledef
1574|nextval|f|t|f|v|20|2205|0|nextval_oid
1575|currval|f|t|f|v|20|2205|0|currval_oid
1576|setval|f|t|f|v|20|2205 20|0|setval_oid
1597|pg_encoding_to_char|f|t|f|s|19|23|0|PG_encoding_to_char
1598|random|f|t|f|v|701||0|drandom
1599|setseed|f|t|f|v|2278|701|0|setseed
1603|atan2|f|t|f|i|701|701 701|0|datan2
1610|pi|f|t|f|i|701||0|dpi
1619|pg_typeof|f|f|f|s|2206|2276|0|pg_typeof
1620|ascii|f|t|f|i|23|25|0|ascii
1621|chr|f|t|f|i|25|23|0|chr
1622|repeat|f|t|f|i|25|25 23|0|repeat
1637|like_escape|f|t|f|i|25|25 25|0|like_escape
1640|pg_get_viewdef|f|t|f|s|25|25|0|pg_get_viewdef_name
1641|pg_get_viewdef|f|t|f|s|25|26|0|pg_get_viewdef
1642|pg_get_userbyid|f|t|f|s|19|26|0|pg_get_userbyid
1643|pg_get_indexdef|f|t|f|s|25|26|0|pg_get_indexdef
1662|pg_get_triggerdef|f|t|f|s|25|26|0|pg_get_triggerdef
1665|pg_get_serial_sequence|f|t|f|s|25|25 25|0|pg_get_serial_sequence
1701|numeric_in|f|t|f|i|1700|2275 26 23|0|numeric_in
1702|numeric_out|f|t|f|i|2275|1700|0|numeric_out
1705|abs|f|t|f|i|1700|1700|0|numeric_abs
1706|sign|f|t|f|i|1700|1700|0|numeric_sign
1707|round|f|t|f|i|1700|1700 23|0|numeric_round
1708|round|f|t|f|i|1700|1700|0|
1709|trunc|f|t|f|i|1700|1700 23|0|numeric_trunc
1710|trunc|f|t|f|i|1700|1700|0|
1713|length|f|t|f|s|23|17 19|0|length_in_encoding
1714|convert_from|f|t|f|s|25|17 19|0|pg_convert_from
1717|convert_to|f|t|f|s|17|25 19|0|pg_convert_to
1728|mod|f|t|f|i|1700|1700 1700|0|numeric_mod
1736|log|f|t|f|i|1700|1700 1700|0|numeric_log
1738|pow|f|t|f|i|1700|1700 1700|0|numeric_power
1741|log|f|t|f|i|1700|1700|0|
1765|setval|f|t|f|v|20|2205 20 16|0|setval3_oid
1768|to_char|f|t|f|s|25|1186 25|0|interval_to_char
1770|to_char|f|t|f|s|25|1184 25|0|timestamptz_to_char
1772|to_char|f|t|f|s|25|1700 25|0|numeric_to_char
1773|to_char|f|t|f|s|25|23 25|0|int4_to_char
1774|to_char|f|t|f|s|25|20 25|0|int8_to_char
1775|to_char|f|t|f|s|25|700 25|0|float4_to_char
1776|to_char|f|t|f|s|25|701 25|0|float8_to_char
1778|to_timestamp|f|t|f|s|1184|25 25|0|to_timestamp
1780|to_date|f|t|f|s|1082|25 25|0|to_date
1798|oidin|f|t|f|i|26|2275|0|oidin
1799|oidout|f|t|f|i|2275|26|0|oidout
1810|bit_length|f|t|f|i|23|17|0|
1811|bit_length|f|t|f|i|23|25|0|
1922|has_table_privilege|f|t|f|s|16|19 25 25|0|has_table_privilege_name_name
1923|has_table_privilege|f|t|f|s|16|19 26 25|0|has_table_privilege_name_id
1924|has_table_privilege|f|t|f|s|16|26 25 25|0|has_table_privilege_id_name
1925|has_table_privilege|f|t|f|s|16|26 26 25|0|has_table_privilege_id_id
1926|has_table_privilege|f|t|f|s|16|25 25|0|has_table_privilege_name
1927|has_table_privilege|f|t|f|s|16|26 25|0|has_table_privilege_id
1946|encode|f|t|f|i|25|17 25|0|binary_encode
1947|decode|f|t|f|i|17|25 25|0|binary_decode
1973|div|f|t|f|i|1700|1700 1700|0|numeric_div_trunc
1986|similar_to_escape|f|t|f|i|25|25 25|0|similar_to_escape_2
1987|similar_to_escape|f|t|f|i|25|25|0|similar_to_escape_1
1993|shobj_description|f|t|f|s|25|26 19|0|
2009|like_escape|f|t|f|i|17|17 17|0|like_escape_bytea
2010|length|f|t|f|i|23|17|0|byteaoctetlen
2012|substring|f|t|f|i|17|17 23 23|0|bytea_substr
2013|substring|f|t|f|i|17|17 23|0|bytea_substr_no_len
2014|position|f|t|f|i|23|17 17|0|byteapos
2020|date_trunc|f|t|f|i|1114|25 1114|0|timestamp_trunc
2021|date_part|f|t|f|i|701|25 1114|0|timestamp_part
2026|pg_backend_pid|f|t|f|s|23||0|pg_backend_pid
2048|isfinite|f|t|f|i|16|1114|0|timestamp_finite
2049|to_char|f|t|f|s|25|1114 25|0|timestamp_to_char
2050|max|a|f|f|i|2277|2277|0|aggregate_dummy
2051|min|a|f|f|i|2277|2277|0|aggregate_dummy
2058|age|f|t|f|i|1186|1114 1114|0|timestamp_age
2059|age|f|t|f|s|1186|1114|0|
2069|timezone|f|t|f|i|1184|25 1114|0|timestamp_zone
2070|timezone|f|t|f|i|1184|1186 1114|0|timestamp_izone
2073|substring|f|t|f|i|25|25 25|0|textregexsubstr
2074|substring|f|t|f|i|25|25 25 25|0|
2077|current_setting|f|t|f|s|25|25|0|show_config_by_name
2078|set_config|f|f|f|v|25|25 25 16|0|set_config_by_name
2079|pg_table_is_visible|f|t|f|s|16|26|0|pg_table_is_visible
2080|pg_type_is_visible|f|t|f|s|16|26|0|pg_type_is_visible
2081|pg_function_is_visible|f|t|f|s|16|26|0|pg_function_is_visible
2085|substr|f|t|f|i|17|17 23 23|0|bytea_substr
2086|substr|f|t|f|i|17|17 23|0|bytea_substr_no_len
2087|replace|f|t|f|i|25|25 25 25|0|replace_text
2088|split_part|f|t|f|i|25|25 25 23|0|split_part
2089|to_hex|f|t|f|i|25|23|0|to_hex32
2090|to_hex|f|t|f|i|25|20|0|to_hex64
2091|array_lower|f|t|f|i|23|2277 23|0|array_lower
2092|array_upper|f|t|f|i|23|2277 23|0|array_upper
2100|avg|a|f|f|i|1700|20|0|aggregate_dummy
2101|avg|a|f|f|i|1700|23|0|aggregate_dummy
2102|avg|a|f|f|i|1700|21|0|aggregate_dummy
2103|avg|a|f|f|i|1700|1700|0|aggregate_dummy
2104|avg|a|f|f|i|701|700|0|aggregate_dummy
2105|avg|a|f|f|i|701|701|0|aggregate_dummy
2106|avg|a|f|f|i|1186|1186|0|aggregate_dummy
2107|sum|a|f|f|i|1700|20|0|aggregate_dummy
2108|sum|a|f|f|i|20|23|0|aggregate_dummy
2109|sum|a|f|f|i|20|21|0|aggregate_dummy
2110|sum|a|f|f|i|700|700|0|aggregate_dummy
2111|sum|a|f|f|i|701|701|0|aggregate_dummy
2113|sum|a|f|f|i|1186|1186|0|aggregate_dummy
2114|sum|a|f|f|i|1700|1700|0|aggregate_dummy
2115|max|a|f|f|i|20|20|0|aggregate_dummy
2116|max|a|f|f|i|23|23|0|aggregate_dummy
2117|max|a|f|f|i|21|21|0|aggregate_dummy
2118|max|a|f|f|i|26|26|0|aggregate_dummy
2119|max|a|f|f|i|700|700|0|aggregate_dummy
2120|max|a|f|f|i|701|701|0|aggregate_dummy
2122|max|a|f|f|i|1082|1082|0|aggregate_dummy
2123|max|a|f|f|i|1083|1083|0|aggregate_dummy
2126|max|a|f|f|i|1114|1114|0|aggregate_dummy
2127|max|a|f|f|i|1184|1184|0|aggregate_dummy
2128|max|a|f|f|i|1186|1186|0|aggregate_dummy
2129|max|a|f|f|i|25|25|0|aggregate_dummy
2130|max|a|f|f|i|1700|1700|0|aggregate_dummy
2131|min|a|f|f|i|20|20|0|aggregate_dummy
2132|min|a|f|f|i|23|23|0|aggregate_dummy
2133|min|a|f|f|i|21|21|0|aggregate_dummy
2134|min|a|f|f|i|26|26|0|aggregate_dummy
2135|min|a|f|f|i|700|700|0|aggregate_dummy
2136|min|a|f|f|i|701|701|0|aggregate_dummy
2138|min|a|f|f|i|1082|1082|0|aggregate_dummy
2139|min|a|f|f|i|1083|1083|0|aggregate_dummy
2142|min|a|f|f|i|1114|1114|0|aggregate_dummy
2143|min|a|f|f|i|1184|1184|0|aggregate_dummy
2144|min|a|f|f|i|1186|1186|0|aggregate_dummy
2145|min|a|f|f|i|25|25|0|aggregate_dummy
2146|min|a|f|f|i|1700|1700|0|aggregate_dummy
2147|count|a|f|f|i|20|2276|0|aggregate_dummy
2148|variance|a|f|f|i|1700|20|0|aggregate_dummy
2149|variance|a|f|f|i|1700|23|0|aggregate_dummy
2150|variance|a|f|f|i|1700|21|0|aggregate_dummy
2151|variance|a|f|f|i|701|700|0|aggregate_dummy
2152|variance|a|f|f|i|701|701|0|aggregate_dummy
2153|variance|a|f|f|i|1700|1700|0|aggregate_dummy
2154|stddev|a|f|f|i|1700|20|0|aggregate_dummy
2155|stddev|a|f|f|i|1700|23|0|aggregate_dummy
2156|stddev|a|f|f|i|1700|21|0|aggregate_dummy
2157|stddev|a|f|f|i|701|700|0|aggregate_dummy
2158|stddev|a|f|f|i|701|701|0|aggregate_dummy
2159|stddev|a|f|f|i|1700|1700|0|aggregate_dummy
2162|pg_get_function_arguments|f|t|f|s|25|26|0|pg_get_function_arguments
2165|pg_get_function_result|f|t|f|s|25|26|0|pg_get_function_result
2168|pg_database_size|f|t|f|v|20|19|0|pg_database_size_name
2169|power|f|t|f|i|1700|1700 1700|0|numeric_power
2170|width_bucket|f|t|f|i|23|1700 1700 1700 23|0|width_bucket_numeric
2176|array_length|f|t|f|i|23|2277 23|0|array_length
2181|has_sequence_privilege|f|t|f|s|16|19 25 25|0|has_sequence_privilege_name_name
2182|has_sequence_privilege|f|t|f|s|16|19 26 25|0|has_sequence_privilege_name_id
2183|has_sequence_privilege|f|t|f|s|16|26 25 25|0|has_sequence_privilege_id_name
2184|has_sequence_privilege|f|t|f|s|16|26 26 25|0|has_sequence_privilege_id_id
2185|has_sequence_privilege|f|t|f|s|16|25 25|0|has_sequence_privilege_name
2186|has_sequence_privilege|f|t|f|s|16|26 25|0|has_sequence_privilege_id
2218|regclassin|f|t|f|s|2205|2275|0|regclassin
2219|regclassout|f|t|f|s|2275|2205|0|regclassout
2220|regtypein|f|t|f|s|2206|2275|0|regtypein
2221|regtypeout|f|t|f|s|2275|2206|0|regtypeout
2232|pg_get_function_identity_arguments|f|t|f|s|25|26|0|pg_get_function_identity_arguments
2236|bit_and|a|f|f|i|21|21|0|aggregate_dummy
2237|bit_or|a|f|f|i|21|21|0|aggregate_dummy
2238|bit_and|a|f|f|i|23|23|0|aggregate_dummy
2239|bit_or|a|f|f|i|23|23|0|aggregate_dummy
2240|bit_and|a|f|f|i|20|20|0|aggregate_dummy
2241|bit_or|a|f|f|i|20|20|0|aggregate_dummy
2244|max|a|f|f|i|1042|1042|0|aggregate_dummy
2245|min|a|f|f|i|1042|1042|0|aggregate_dummy
2250|has_database_privilege|f|t|f|s|16|19 25 25|0|has_database_privilege_name_name
2251|has_database_privilege|f|t|f|s|16|19 26 25|0|has_database_privilege_name_id
2252|has_database_privilege|f|t|f|s|16|26 25 25|0|has_database_privilege_id_name
2253|has_database_privilege|f|t|f|s|16|26 26 25|0|has_database_privilege_id_id
2254|has_database_privilege|f|t|f|s|16|25 25|0|has_database_privilege_name
2255|has_database_privilege|f|t|f|s|16|26 25|0|has_database_privilege_id
2256|has_function_privilege|f|t|f|s|16|19 25 25|0|has_function_privilege_name_name
2257|has_function_privilege|f|t|f|s|16|19 26 25|0|has_function_privilege_name_id
2258|has_function_privilege|f|t|f|s|16|26 25 25|0|has_function_privilege_id_name
2259|has_function_privilege|f|t|f|s|16|26 26 25|0|has_function_privilege_id_id
2260|has_function_privilege|f|t|f|s|16|25 25|0|has_function_privilege_name
2261|has_function_privilege|f|t|f|s|16|26 25|0|has_function_privilege_id
2268|has_schema_privilege|f|t|f|s|16|19 25 25|0|has_schema_privilege_name_name
2269|has_schema_privilege|f|t|f|s|16|19 26 25|0|has_schema_privilege_name_id
2270|has_schema_privilege|f|t|f|s|16|26 25 25|0|has_schema_privilege_id_name
2271|has_schema_privilege|f|t|f|s|16|26 26 25|0|has_schema_privilege_id_id
2272|has_schema_privilege|f|t|f|s|16|25 25|0|has_schema_privilege_name
2273|has_schema_privilege|f|t|f|s|16|26 25|0|has_schema_privilege_id
2284|regexp_replace|f|t|f|i|25|25 25 25|0|textregexreplace_noopt
2285|regexp_replace|f|t|f|i|25|25 25 25 25|0|textregexreplace
2286|pg_total_relation_size|f|t|f|v|20|2205|0|pg_total_relation_size
2288|pg_size_pretty|f|t|f|i|25|20|0|pg_size_pretty
2290|record_in|f|t|f|s|2249|2275 26 23|0|record_in
2291|record_out|f|t|f|s|2275|2249|0|record_out
2292|cstring_in|f|t|f|i|2275|2275|0|cstring_in
2293|cstring_out|f|t|f|i|2275|2275|0|cstring_out
2294|any_in|f|t|f|i|2276|2275|0|any_in
2295|any_out|f|t|f|i|2275|2276|0|any_out
2296|anyarray_in|f|t|f|i|2277|2275|0|anyarray_in
2297|anyarray_out|f|t|f|s|2275|2277|0|anyarray_out
2298|void_in|f|t|f|i|2278|2275|0|void_in
2299|void_out|f|t|f|i|2275|2278|0|void_out
2300|trigger_in|f|f|f|i|2279|2275|0|trigger_in
2301|trigger_out|f|t|f|i|2275|2279|0|trigger_out
2304|internal_in|f|f|f|i|2281|2275|0|internal_in
2305|internal_out|f|t|f|i|2275|2281|0|internal_out
2310|sign|f|t|f|i|701|701|0|dsign
2311|md5|f|t|f|i|25|25|0|md5_text
2312|anyelement_in|f|t|f|i|2283|2275|0|anyelement_in
2313|anyelement_out|f|t|f|i|2275|2283|0|anyelement_out
2321|md5|f|t|f|i|25|17|0|md5_bytea
2324|pg_database_size|f|t|f|v|20|26|0|pg_database_size_oid
2325|pg_relation_size|f|t|f|v|20|2205|0|
2331|unnest|f|t|t|i|2283|2277|0|array_unnest
2332|pg_relation_size|f|t|f|v|20|2205 25|0|pg_relation_size
2335|array_agg|a|f|f|i|2277|2776|0|aggregate_dummy
2400|array_recv|f|t|f|s|2277|2281 26 23|0|array_recv
2401|array_send|f|t|f|s|17|2277|0|array_send
2402|record_recv|f|t|f|s|2249|2281 26 23|0|record_recv
2403|record_send|f|t|f|s|17|2249|0|record_send
2404|int2recv|f|t|f|i|21|2281|0|int2recv
2405|int2send|f|t|f|i|17|21|0|int2send
2406|int4recv|f|t|f|i|23|2281|0|int4recv
2407|int4send|f|t|f|i|17|23|0|int4send
2408|int8recv|f|t|f|i|20|2281|0|int8recv
2409|int8send|f|t|f|i|17|20|0|int8send
2410|int2vectorrecv|f|t|f|i|22|2281|0|int2vectorrecv
2411|int2vectorsend|f|t|f|i|17|22|0|int2vectorsend
2412|bytearecv|f|t|f|i|17|2281|0|bytearecv
2413|byteasend|f|t|f|i|17|17|0|byteasend
2414|textrecv|f|t|f|s|25|2281|0|textrecv
2415|textsend|f|t|f|s|17|25|0|textsend
2416|unknownrecv|f|t|f|i|705|2281|0|unknownrecv
2417|unknownsend|f|t|f|i|17|705|0|unknownsend
2418|oidrecv|f|t|f|i|26|2281|0|oidrecv
2419|oidsend|f|t|f|i|17|26|0|oidsend
2420|oidvectorrecv|f|t|f|i|30|2281|0|oidvectorrecv
2421|oidvectorsend|f|t|f|i|17|30|0|oidvectorsend
2422|namerecv|f|t|f|s|19|2281|0|namerecv
2423|namesend|f|t|f|s|17|19|0|namesend
2424|float4recv|f|t|f|i|700|2281|0|float4recv
2425|float4send|f|t|f|i|17|700|0|float4send
2426|float8recv|f|t|f|i|701|2281|0|float8recv
2427|float8send|f|t|f|i|17|701|0|float8send
2430|bpcharrecv|f|t|f|s|1042|2281 26 23|0|bpcharrecv
2431|bpcharsend|f|t|f|s|17|1042|0|bpcharsend
2432|varcharrecv|f|t|f|s|1043|2281 26 23|0|varcharrecv
2433|varcharsend|f|t|f|s|17|1043|0|varcharsend
2434|charrecv|f|t|f|i|18|2281|0|charrecv
2435|charsend|f|t|f|i|17|18|0|charsend
2436|boolrecv|f|t|f|i|16|2281|0|boolrecv
2437|boolsend|f|t|f|i|17|16|0|boolsend
2444|regprocrecv|f|t|f|i|24|2281|0|regprocrecv
2445|regprocsend|f|t|f|i|17|24|0|regprocsend
2452|regclassrecv|f|t|f|i|2205|2281|0|regclassrecv
2453|regclasssend|f|t|f|i|17|2205|0|regclasssend
2454|regtyperecv|f|t|f|i|2206|2281|0|regtyperecv
2455|regtypesend|f|t|f|i|17|2206|0|regtypesend
2460|numeric_recv|f|t|f|i|1700|2281 26 23|0|numeric_recv
2461|numeric_send|f|t|f|i|17|1700|0|numeric_send
2465|asinh|f|t|f|i|701|701|0|dasinh
2466|acosh|f|t|f|i|701|701|0|dacosh
2467|atanh|f|t|f|i|701|701|0|datanh
2468|date_recv|f|t|f|i|1082|2281|0|date_recv
2469|date_send|f|t|f|i|17|1082|0|date_send
2470|time_recv|f|t|f|i|1083|2281 26 23|0|time_recv
2471|time_send|f|t|f|i|17|1083|0|time_send
2474|timestamp_recv|f|t|f|i|1114|2281 26 23|0|timestamp_recv
2475|timestamp_send|f|t|f|i|17|1114|0|timestamp_send
2476|timestamptz_recv|f|t|f|i|1184|2281 26 23|0|timestamptz_recv
2477|timestamptz_send|f|t|f|i|17|1184|0|timestamptz_send
2478|interval_recv|f|t|f|i|1186|2281 26 23|0|interval_recv
2479|interval_send|f|t|f|i|17|1186|0|interval_send
2500|cstring_recv|f|t|f|s|2275|2281|0|cstring_recv
2501|cstring_send|f|t|f|s|17|2275|0|cstring_send
2502|anyarray_recv|f|t|f|s|2277|2281|0|anyarray_recv
2503|anyarray_send|f|t|f|s|17|2277|0|anyarray_send
2504|pg_get_ruledef|f|t|f|s|25|26 16|0|pg_get_ruledef_ext
2505|pg_get_viewdef|f|t|f|s|25|25 16|0|pg_get_viewdef_name_ext
2506|pg_get_viewdef|f|t|f|s|25|26 16|0|pg_get_viewdef_ext
2507|pg_get_indexdef|f|t|f|s|25|26 23 16|0|pg_get_indexdef_ext
2508|pg_get_constraintdef|f|t|f|s|25|26 16|0|pg_get_constraintdef_ext
2517|bool_and|a|f|f|i|16|16|0|aggregate_dummy
2518|bool_or|a|f|f|i|16|16|0|aggregate_dummy
2519|every|a|f|f|i|16|16|0|aggregate_dummy
2559|lastval|f|t|f|v|20||0|lastval
2626|pg_sleep|f|t|f|v|2278|701|0|pg_sleep
2641|var_samp|a|f|f|i|1700|20|0|aggregate_dummy
2642|var_samp|a|f|f|i|1700|23|0|aggregate_dummy
2643|var_samp|a|f|f|i|1700|21|0|aggregate_dummy
2644|var_samp|a|f|f|i|701|700|0|aggregate_dummy
2645|var_samp|a|f|f|i|701|701|0|aggregate_dummy
2646|var_samp|a|f|f|i|1700|1700|0|aggregate_dummy
2647|transaction_timestamp|f|t|f|s|1184||0|now
2648|statement_timestamp|f|t|f|s|1184||0|statement_timestamp
2649|clock_timestamp|f|t|f|v|1184||0|clock_timestamp
2705|pg_has_role|f|t|f|s|16|19 19 25|0|pg_has_role_name_name
2706|pg_has_role|f|t|f|s|16|19 26 25|0|pg_has_role_name_id
2707|pg_has_role|f|t|f|s|16|26 19 25|0|pg_has_role_id_name
2708|pg_has_role|f|t|f|s|16|26 26 25|0|pg_has_role_id_id
2709|pg_has_role|f|t|f|s|16|19 25|0|pg_has_role_name
2710|pg_has_role|f|t|f|s|16|26 25|0|pg_has_role_id
2711|justify_interval|f|t|f|i|1186|1186|0|interval_justify_interval
2712|stddev_samp|a|f|f|i|1700|20|0|aggregate_dummy
2713|stddev_samp|a|f|f|i|1700|23|0|aggregate_dummy
2714|stddev_samp|a|f|f|i|1700|21|0|aggregate_dummy
2715|stddev_samp|a|f|f|i|701|700|0|aggregate_dummy
2716|stddev_samp|a|f|f|i|701|701|0|aggregate_dummy
2717|stddev_samp|a|f|f|i|1700|1700|0|aggregate_dummy
2718|var_pop|a|f|f|i|1700|20|0|aggregate_dummy
2719|var_pop|a|f|f|i|1700|23|0|aggregate_dummy
2720|var_pop|a|f|f|i|1700|21|0|aggregate_dummy
2721|var_pop|a|f|f|i|701|700|0|aggregate_dummy
2722|var_pop|a|f|f|i|701|701|0|aggregate_dummy
2723|var_pop|a|f|f|i|1700|1700|0|aggregate_dummy
2724|stddev_pop|a|f|f|i|1700|20|0|aggregate_dummy
2725|stddev_pop|a|f|f|i|1700|23|0|aggregate_dummy
2726|stddev_pop|a|f|f|i|1700|21|0|aggregate_dummy
2727|stddev_pop|a|f|f|i|701|700|0|aggregate_dummy
2728|stddev_pop|a|f|f|i|701|701|0|aggregate_dummy
2729|stddev_pop|a|f|f|i|1700|1700|0|aggregate_dummy
2730|pg_get_triggerdef|f|t|f|s|25|26 16|0|pg_get_triggerdef_ext
2767|regexp_split_to_array|f|t|f|i|1009|25 25|0|regexp_split_to_array_no_flags
2768|regexp_split_to_array|f|t|f|i|1009|25 25 25|0|regexp_split_to_array
2777|anynonarray_in|f|t|f|i|2776|2275|0|anynonarray_in
2778|anynonarray_out|f|t|f|i|2275|2776|0|anynonarray_out
2803|count|a|f|f|i|20||0|aggregate_dummy
2904|intervaltypmodout|f|t|f|i|2275|23|0|intervaltypmodout
2906|timestamptypmodout|f|t|f|i|2275|23|0|timestamptypmodout
2908|timestamptztypmodout|f|t|f|i|2275|23|0|timestamptztypmodout
2910|timetypmodout|f|t|f|i|2275|23|0|timetypmodout
2914|bpchartypmodout|f|t|f|i|2275|23|0|bpchartypmodout
2916|varchartypmodout|f|t|f|i|2275|23|0|varchartypmodout
2918|numerictypmodout|f|t|f|i|2275|23|0|numerictypmodout
2952|uuid_in|f|t|f|i|2950|2275|0|uuid_in
2953|uuid_out|f|t|f|i|2275|2950|0|uuid_out
2961|uuid_recv|f|t|f|i|2950|2281|0|uuid_recv
2962|uuid_send|f|t|f|i|17|2950|0|uuid_send
2997|pg_table_size|f|t|f|v|20|2205|0|pg_table_size
2998|pg_indexes_size|f|t|f|v|20|2205|0|pg_indexes_size
3012|has_column_privilege|f|t|f|s|16|19 25 25 25|0|has_column_privilege_name_name_name
3013|has_column_privilege|f|t|f|s|16|19 25 21 25|0|has_column_privilege_name_name_attnum
3014|has_column_privilege|f|t|f|s|16|19 26 25 25|0|has_column_privilege_name_id_name
3015|has_column_privilege|f|t|f|s|16|19 26 21 25|0|has_column_privilege_name_id_attnum
3016|has_column_privilege|f|t|f|s|16|26 25 25 25|0|has_column_privilege_id_name_name
3017|has_column_privilege|f|t|f|s|16|26 25 21 25|0|has_column_privilege_id_name_attnum
3018|has_column_privilege|f|t|f|s|16|26 26 25 25|0|has_column_privilege_id_id_name
3019|has_column_privilege|f|t|f|s|16|26 26 21 25|0|has_column_privilege_id_id_attnum
3020|has_column_privilege|f|t|f|s|16|25 25 25|0|has_column_privilege_name_name
3021|has_column_privilege|f|t|f|s|16|25 21 25|0|has_column_privilege_name_attnum
3022|has_column_privilege|f|t|f|s|16|26 25 25|0|has_column_privilege_id_name
3023|has_column_privilege|f|t|f|s|16|26 21 25|0|has_column_privilege_id_attnum
3024|has_any_column_privilege|f|t|f|s|16|19 25 25|0|has_any_column_privilege_name_name
3025|has_any_column_privilege|f|t|f|s|16|19 26 25|0|has_any_column_privilege_name_id
3026|has_any_column_privilege|f|t|f|s|16|26 25 25|0|has_any_column_privilege_id_name
3027|has_any_column_privilege|f|t|f|s|16|26 26 25|0|has_any_column_privilege_id_id
3028|has_any_column_privilege|f|t|f|s|16|25 25|0|has_any_column_privilege_name
3029|has_any_column_privilege|f|t|f|s|16|26 25|0|has_any_column_privilege_id
3058|concat|f|f|f|s|25|2276|2276|text_concat
3059|concat_ws|f|f|f|s|25|25 2276|2276|text_concat_ws
3060|left|f|t|f|i|25|25 23|0|text_left
3061|right|f|t|f|i|25|25 23|0|text_right
3062|reverse|f|t|f|i|25|25|0|text_reverse
3100|row_number|w|f|f|i|20||0|window_row_number
3101|rank|w|f|f|i|20||0|window_rank
3102|dense_rank|w|f|f|i|20||0|window_dense_rank
3106|lag|w|t|f|i|2283|2283|0|window_lag
3107|lag|w|t|f|i|2283|2283 23|0|window_lag_with_offset
3108|lag|w|t|f|i|5077|5077 23 5077|0|window_lag_with_offset_and_default
3109|lead|w|t|f|i|2283|2283|0|window_lead
3110|lead|w|t|f|i|2283|2283 23|0|window_lead_with_offset
3111|lead|w|t|f|i|5077|5077 23 5077|0|window_lead_with_offset_and_default
3120|void_recv|f|t|f|i|2278|2281|0|void_recv
3121|void_send|f|t|f|i|17|2278|0|void_send
3153|array_to_json|f|t|f|s|114|2277|0|array_to_json
3154|array_to_json|f|t|f|s|114|2277 16|0|array_to_json_pretty
3159|pg_get_viewdef|f|t|f|s|25|26 23|0|pg_get_viewdef_wrap
3166|pg_size_pretty|f|t|f|i|25|1700|0|pg_size_pretty_numeric
3167|array_remove|f|f|f|i|5078|5078 5077|0|array_remove
3175|json_agg|a|f|f|s|114|2283|0|aggregate_dummy
3176|to_json|f|t|f|s|114|2283|0|to_json
3179|cardinality|f|t|f|i|23|2277|0|array_cardinality
3197|json_object_agg|a|f|f|s|114|2276 2276|0|aggregate_dummy
3198|json_build_array|f|f|f|s|114|2276|2276|json_build_array
3199|json_build_array|f|f|f|s|114||0|json_build_array_noargs
3200|json_build_object|f|f|f|s|114|2276|2276|json_build_object
3201|json_build_object|f|f|f|s|114||0|json_build_object_noargs
3202|json_object|f|t|f|i|114|1009|0|json_object
3203|json_object|f|t|f|i|114|1009 1009|0|json_object_two_arg
3207|jsonb_array_length|f|t|f|i|23|3802|0|jsonb_array_length
3210|jsonb_typeof|f|t|f|i|25|3802|0|jsonb_typeof
3217|jsonb_extract_path|f|t|f|i|3802|3802 1009|25|jsonb_extract_path
3218|width_bucket|f|t|f|i|23|5077 5078|0|width_bucket_array
3259|generate_series|f|t|t|i|1700|1700 1700 1700|0|generate_series_step_numeric
3260|generate_series|f|t|t|i|1700|1700 1700|0|generate_series_numeric
3261|json_strip_nulls|f|t|f|i|114|114|0|json_strip_nulls
3262|jsonb_strip_nulls|f|t|f|i|3802|3802|0|jsonb_strip_nulls
3263|jsonb_object|f|t|f|i|3802|1009|0|jsonb_object
3264|jsonb_object|f|t|f|i|3802|1009 1009|0|jsonb_object_two_arg
3267|jsonb_agg|a|f|f|s|3802|2283|0|aggregate_dummy
3270|jsonb_object_agg|a|f|f|i|3802|2276 2276|0|aggregate_dummy
3271|jsonb_build_array|f|f|f|s|3802|2276|2276|jsonb_build_array
3272|jsonb_build_array|f|f|f|s|3802||0|jsonb_build_array_noargs
3273|jsonb_build_object|f|f|f|s|3802|2276|2276|jsonb_build_object
3274|jsonb_build_object|f|f|f|s|3802||0|jsonb_build_object_noargs
3277|array_position|f|f|f|i|23|5078 5077|0|array_position
3278|array_position|f|f|f|i|23|5078 5077 23|0|array_position_start
3281|scale|f|t|f|i|23|1700|0|numeric_scale
3294|current_setting|f|t|f|s|25|25 16|0|show_config_by_name_missing_ok
3305|jsonb_set|f|t|f|i|3802|3802 1009 3802 16|0|jsonb_set
3306|jsonb_pretty|f|t|f|i|25|3802|0|jsonb_pretty
3352|pg_get_partkeydef|f|t|f|s|25|26|0|pg_get_partkeydef
3396|regexp_match|f|t|f|i|1009|25 25|0|regexp_match_no_flags
3397|regexp_match|f|t|f|i|1009|25 25 25|0|regexp_match
3424|pg_partition_root|f|t|f|i|2205|2205|0|pg_partition_root
3425|pg_partition_ancestors|f|t|t|v|2205|2205|0|pg_partition_ancestors
3432|gen_random_uuid|f|t|f|v|2950||0|gen_random_uuid
3461|make_timestamp|f|t|f|i|1114|23 23 23 23 23 701|0|make_timestamp
3462|make_timestamptz|f|t|f|s|1184|23 23 23 23 23 701|0|make_timestamptz
3463|make_timestamptz|f|t|f|s|1184|23 23 23 23 23 701 25|0|make_timestamptz_at_timezone
3464|make_interval|f|t|f|i|1186|23 23 23 23 23 23 701|0|make_interval
3493|to_regtype|f|t|f|s|2206|25|0|to_regtype
3494|to_regproc|f|t|f|s|24|25|0|to_regproc
3495|to_regclass|f|t|f|s|2205|25|0|to_regclass
3538|string_agg|a|f|f|i|25|25 25|0|aggregate_dummy
3539|format|f|f|f|s|25|25 2276|2276|text_format
3540|format|f|f|f|s|25|25|0|text_format_nv
3545|string_agg|a|f|f|i|17|17 17|0|aggregate_dummy
3579|jsonb_insert|f|t|f|i|3802|3802 1009 3802 16|0|jsonb_insert
3696|starts_with|f|t|f|i|16|25 25|0|text_starts_with
3778|pg_tablespace_location|f|t|f|s|25|26|0|pg_tablespace_location
3787|to_jsonb|f|t|f|s|3802|2283|0|to_jsonb
3803|jsonb_send|f|t|f|i|17|3802|0|jsonb_send
3804|jsonb_out|f|t|f|i|2275|3802|0|jsonb_out
3805|jsonb_recv|f|t|f|i|3802|2281|0|jsonb_recv
3806|jsonb_in|f|t|f|i|3802|2275|0|jsonb_in
3810|pg_is_in_recovery|f|t|f|v|16||0|pg_is_in_recovery
3816|array_typanalyze|f|t|f|s|16|2281|0|array_typanalyze
3846|make_date|f|t|f|i|1082|23 23 23|0|make_date
3847|make_time|f|t|f|i|1083|23 23 701|0|make_time
3935|pg_sleep_for|f|t|f|v|2278|1186|0|
3940|jsonb_extract_path_text|f|t|f|i|25|3802 1009|25|jsonb_extract_path_text
3951|json_extract_path|f|t|f|i|114|114 1009|25|json_extract_path
3953|json_extract_path_text|f|t|f|i|25|114 1009|25|json_extract_path_text
3956|json_array_length|f|t|f|i|23|114|0|json_array_length
3968|json_typeof|f|t|f|i|25|114|0|json_typeof
3986|rank|a|f|f|i|20|2276|2276|aggregate_dummy
3992|dense_rank|a|f|f|i|20|2276|2276|aggregate_dummy
4053|array_agg|a|f|f|i|2277|2277|0|aggregate_dummy
4084|regnamespacein|f|t|f|s|4089|2275|0|regnamespacein
4085|regnamespaceout|f|t|f|s|2275|4089|0|regnamespaceout
4086|to_regnamespace|f|t|f|s|4089|25|0|to_regnamespace
4087|regnamespacerecv|f|t|f|i|4089|2281|0|regnamespacerecv
4088|regnamespacesend|f|t|f|i|17|4089|0|regnamespacesend
5042|min_scale|f|t|f|i|23|1700|0|numeric_min_scale
5043|trim_scale|f|t|f|i|1700|1700|0|numeric_trim_scale
5044|gcd|f|t|f|i|23|23 23|0|int4gcd
5045|gcd|f|t|f|i|20|20 20|0|int8gcd
5046|lcm|f|t|f|i|23|23 23|0|int4lcm
5047|lcm|f|t|f|i|20|20 20|0|int8lcm
5048|gcd|f|t|f|i|1700|1700 1700|0|numeric_gcd
5049|lcm|f|t|f|i|1700|1700 1700|0|numeric_lcm
5086|anycompatible_in|f|t|f|i|5077|2275|0|anycompatible_in
5087|anycompatible_out|f|t|f|i|2275|5077|0|anycompatible_out
5088|anycompatiblearray_in|f|t|f|i|5078|2275|0|anycompatiblearray_in
5089|anycompatiblearray_out|f|t|f|s|2275|5078|0|anycompatiblearray_out
5090|anycompatiblearray_recv|f|t|f|s|5078|2281|0|anycompatiblearray_recv
5091|anycompatiblearray_send|f|t|f|s|17|5078|0|anycompatiblearray_send
5092|anycompatiblenonarray_in|f|t|f|i|5079|2275|0|anycompatiblenonarray_in
5093|anycompatiblenonarray_out|f|t|f|i|2275|5079|0|anycompatiblenonarray_out
6098|jsonb_subscript_handler|f|t|f|i|2281|2281|0|jsonb_subscript_handler
6121|pg_relation_is_publishable|f|t|f|s|16|2205|0|pg_relation_is_publishable
6172|trim_array|f|t|f|i|2277|2277 23|0|trim_array
6174|pg_get_statisticsobjdef_columns|f|t|f|s|25|26|0|pg_get_statisticsobjdef_columns
6177|date_bin|f|t|f|i|1114|1186 1114 1114|0|timestamp_bin
6178|date_bin|f|t|f|i|1184|1186 1184 1184|0|timestamptz_bin
6179|array_subscript_handler|f|t|f|i|2281|2281|0|array_subscript_handler
6180|raw_array_subscript_handler|f|t|f|i|2281|2281|0|raw_array_subscript_handler
6199|extract|f|t|f|i|1700|25 1082|0|extract_date
6200|extract|f|t|f|i|1700|25 1083|0|extract_time
6202|extract|f|t|f|i|1700|25 1114|0|extract_timestamp
6203|extract|f|t|f|s|1700|25 1184|0|extract_timestamptz
6204|extract|f|t|f|i|1700|25 1186|0|extract_interval
6251|regexp_replace|f|t|f|i|25|25 25 25 23 23 25|0|textregexreplace_extended
6252|regexp_replace|f|t|f|i|25|25 25 25 23 23|0|textregexreplace_extended_no_flags
6253|regexp_replace|f|t|f|i|25|25 25 25 23|0|textregexreplace_extended_no_n
6254|regexp_count|f|t|f|i|23|25 25|0|regexp_count_no_start
6255|regexp_count|f|t|f|i|23|25 25 23|0|regexp_count_no_flags
6256|regexp_count|f|t|f|i|23|25 25 23 25|0|regexp_count
6263|regexp_like|f|t|f|i|16|25 25|0|regexp_like_no_flags
6264|regexp_like|f|t|f|i|16|25 25 25|0|regexp_like
6265|regexp_substr|f|t|f|i|25|25 25|0|regexp_substr_no_start
6266|regexp_substr|f|t|f|i|25|25 25 23|0|regexp_substr_no_n
6267|regexp_substr|f|t|f|i|25|25 25 23 23|0|regexp_substr_no_flags
6268|regexp_substr|f|t|f|i|25|25 25 23 23 25|0|regexp_substr_no_subexpr
6269|regexp_substr|f|t|f|i|25|25 25 23 23 25 23|0|regexp_substr";

/// `oid|name|len|byval|typtype|category|preferred|elem|array|8 procs|align|storage|collation`.
const TYPE_ROWS: &str = "\
16|bool|1|t|b|B|t|0|1000|1242|1243|2436|2437|0|0|0|0|c|p|0
17|bytea|-1|f|b|U|f|0|1001|1244|31|2412|2413|0|0|0|0|i|x|0
18|char|1|t|b|Z|f|0|1002|1245|33|2434|2435|0|0|0|0|c|p|0
19|name|64|f|b|S|f|18|1003|34|35|2422|2423|0|0|0|6180|c|p|950
20|int8|8|t|b|N|f|0|1016|460|461|2408|2409|0|0|0|0|d|p|0
21|int2|2|t|b|N|f|0|1005|38|39|2404|2405|0|0|0|0|s|p|0
22|int2vector|-1|f|b|A|f|21|1006|40|41|2410|2411|0|0|0|6179|i|p|0
23|int4|4|t|b|N|f|0|1007|42|43|2406|2407|0|0|0|0|i|p|0
24|regproc|4|t|b|N|f|0|1008|44|45|2444|2445|0|0|0|0|i|p|0
25|text|-1|f|b|S|t|0|1009|46|47|2414|2415|0|0|0|0|i|x|100
26|oid|4|t|b|N|t|0|1028|1798|1799|2418|2419|0|0|0|0|i|p|0
27|tid|6|f|b|U|f|0|1010|48|49|2438|2439|0|0|0|0|s|p|0
28|xid|4|t|b|U|f|0|1011|50|51|2440|2441|0|0|0|0|i|p|0
29|cid|4|t|b|U|f|0|1012|52|53|2442|2443|0|0|0|0|i|p|0
30|oidvector|-1|f|b|A|f|26|1013|54|55|2420|2421|0|0|0|6179|i|p|0
114|json|-1|f|b|U|f|0|199|321|322|323|324|0|0|0|0|i|x|0
199|_json|-1|f|b|A|f|114|0|750|751|2400|2401|0|0|3816|6179|i|x|0
700|float4|4|t|b|N|f|0|1021|200|201|2424|2425|0|0|0|0|i|p|0
701|float8|8|t|b|N|t|0|1022|214|215|2426|2427|0|0|0|0|d|p|0
705|unknown|-2|f|p|X|f|0|0|109|110|2416|2417|0|0|0|0|c|p|0
1000|_bool|-1|f|b|A|f|16|0|750|751|2400|2401|0|0|3816|6179|i|x|0
1001|_bytea|-1|f|b|A|f|17|0|750|751|2400|2401|0|0|3816|6179|i|x|0
1002|_char|-1|f|b|A|f|18|0|750|751|2400|2401|0|0|3816|6179|i|x|0
1003|_name|-1|f|b|A|f|19|0|750|751|2400|2401|0|0|3816|6179|i|x|950
1005|_int2|-1|f|b|A|f|21|0|750|751|2400|2401|0|0|3816|6179|i|x|0
1007|_int4|-1|f|b|A|f|23|0|750|751|2400|2401|0|0|3816|6179|i|x|0
1008|_regproc|-1|f|b|A|f|24|0|750|751|2400|2401|0|0|3816|6179|i|x|0
1009|_text|-1|f|b|A|f|25|0|750|751|2400|2401|0|0|3816|6179|i|x|100
1014|_bpchar|-1|f|b|A|f|1042|0|750|751|2400|2401|2913|2914|3816|6179|i|x|100
1015|_varchar|-1|f|b|A|f|1043|0|750|751|2400|2401|2915|2916|3816|6179|i|x|100
1016|_int8|-1|f|b|A|f|20|0|750|751|2400|2401|0|0|3816|6179|d|x|0
1021|_float4|-1|f|b|A|f|700|0|750|751|2400|2401|0|0|3816|6179|i|x|0
1022|_float8|-1|f|b|A|f|701|0|750|751|2400|2401|0|0|3816|6179|d|x|0
1028|_oid|-1|f|b|A|f|26|0|750|751|2400|2401|0|0|3816|6179|i|x|0
1042|bpchar|-1|f|b|S|f|0|1014|1044|1045|2430|2431|2913|2914|0|0|i|x|100
1043|varchar|-1|f|b|S|f|0|1015|1046|1047|2432|2433|2915|2916|0|0|i|x|100
1082|date|4|t|b|D|f|0|1182|1084|1085|2468|2469|0|0|0|0|i|p|0
1083|time|8|t|b|D|f|0|1183|1143|1144|2470|2471|2909|2910|0|0|d|p|0
1114|timestamp|8|t|b|D|f|0|1115|1312|1313|2474|2475|2905|2906|0|0|d|p|0
1115|_timestamp|-1|f|b|A|f|1114|0|750|751|2400|2401|2905|2906|3816|6179|d|x|0
1182|_date|-1|f|b|A|f|1082|0|750|751|2400|2401|0|0|3816|6179|i|x|0
1183|_time|-1|f|b|A|f|1083|0|750|751|2400|2401|2909|2910|3816|6179|d|x|0
1184|timestamptz|8|t|b|D|t|0|1185|1150|1151|2476|2477|2907|2908|0|0|d|p|0
1185|_timestamptz|-1|f|b|A|f|1184|0|750|751|2400|2401|2907|2908|3816|6179|d|x|0
1186|interval|16|f|b|T|t|0|1187|1160|1161|2478|2479|2903|2904|0|0|d|p|0
1187|_interval|-1|f|b|A|f|1186|0|750|751|2400|2401|2903|2904|3816|6179|d|x|0
1231|_numeric|-1|f|b|A|f|1700|0|750|751|2400|2401|2917|2918|3816|6179|i|x|0
1700|numeric|-1|f|b|N|f|0|1231|1701|1702|2460|2461|2917|2918|0|0|i|m|0
2205|regclass|4|t|b|N|f|0|2210|2218|2219|2452|2453|0|0|0|0|i|p|0
2206|regtype|4|t|b|N|f|0|2211|2220|2221|2454|2455|0|0|0|0|i|p|0
2210|_regclass|-1|f|b|A|f|2205|0|750|751|2400|2401|0|0|3816|6179|i|x|0
2211|_regtype|-1|f|b|A|f|2206|0|750|751|2400|2401|0|0|3816|6179|i|x|0
2249|record|-1|f|p|P|f|0|2287|2290|2291|2402|2403|0|0|0|0|d|x|0
2275|cstring|-2|f|p|P|f|0|1263|2292|2293|2500|2501|0|0|0|0|c|p|0
2276|any|4|t|p|P|f|0|0|2294|2295|0|0|0|0|0|0|i|p|0
2277|anyarray|-1|f|p|P|f|0|0|2296|2297|2502|2503|0|0|0|0|d|x|0
2278|void|4|t|p|P|f|0|0|2298|2299|3120|3121|0|0|0|0|i|p|0
2279|trigger|4|t|p|P|f|0|0|2300|2301|0|0|0|0|0|0|i|p|0
2281|internal|8|t|p|P|f|0|0|2304|2305|0|0|0|0|0|0|d|p|0
2283|anyelement|4|t|p|P|f|0|0|2312|2313|0|0|0|0|0|0|i|p|0
2287|_record|-1|f|p|P|f|2249|0|750|751|2400|2401|0|0|3816|6179|d|x|0
2776|anynonarray|4|t|p|P|f|0|0|2777|2778|0|0|0|0|0|0|i|p|0
2950|uuid|16|f|b|U|f|0|2951|2952|2953|2961|2962|0|0|0|0|c|p|0
2951|_uuid|-1|f|b|A|f|2950|0|750|751|2400|2401|0|0|3816|6179|i|x|0
3802|jsonb|-1|f|b|U|f|0|3807|3806|3804|3805|3803|0|0|0|6098|i|x|0
3807|_jsonb|-1|f|b|A|f|3802|0|750|751|2400|2401|0|0|3816|6179|i|x|0
4089|regnamespace|4|t|b|N|f|0|4090|4084|4085|4087|4088|0|0|0|0|i|p|0
4090|_regnamespace|-1|f|b|A|f|4089|0|750|751|2400|2401|0|0|3816|6179|i|x|0
5077|anycompatible|4|t|p|P|f|0|0|5086|5087|0|0|0|0|0|0|i|p|0
5078|anycompatiblearray|-1|f|p|P|f|0|0|5088|5089|5090|5091|0|0|0|0|d|x|0
5079|anycompatiblenonarray|4|t|p|P|f|0|0|5092|5093|0|0|0|0|0|0|i|p|0";

fn num<T: std::str::FromStr + Default>(s: &str) -> T {
    s.parse().unwrap_or_default()
}

fn letter(s: &str) -> char {
    s.chars().next().unwrap_or(' ')
}

/// The built-in functions.
pub(super) fn procs() -> &'static [Proc] {
    static PROCS: OnceLock<Vec<Proc>> = OnceLock::new();
    PROCS.get_or_init(|| {
        PROC_ROWS
            .lines()
            .map(|line| {
                let f: Vec<&'static str> = line.splitn(10, '|').collect();
                Proc {
                    oid: num(f[0]),
                    name: f[1],
                    kind: letter(f[2]),
                    strict: f[3] == "t",
                    retset: f[4] == "t",
                    volatile: letter(f[5]),
                    ret: num(f[6]),
                    args: f[7].split_whitespace().map(num).collect(),
                    variadic: num(f[8]),
                    src: f[9],
                }
            })
            .collect()
    })
}

/// The built-in types.
pub(super) fn types() -> &'static [Type] {
    static TYPES: OnceLock<Vec<Type>> = OnceLock::new();
    TYPES.get_or_init(|| {
        TYPE_ROWS
            .lines()
            .map(|line| {
                let f: Vec<&'static str> = line.split('|').collect();
                let mut procs = [0; 8];
                for (p, v) in procs.iter_mut().zip(&f[9..17]) {
                    *p = num(v);
                }
                Type {
                    oid: num(f[0]),
                    name: f[1],
                    len: num(f[2]),
                    byval: f[3] == "t",
                    typtype: letter(f[4]),
                    category: letter(f[5]),
                    preferred: f[6] == "t",
                    elem: num(f[7]),
                    array: num(f[8]),
                    procs,
                    align: letter(f[17]),
                    storage: letter(f[18]),
                    collation: num(f[19]),
                }
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_parse() {
        assert!(procs().len() > 500);
        let now = procs().iter().find(|p| p.name == "now").unwrap();
        assert_eq!((now.oid, now.ret, now.volatile, now.args.len()), (1299, 1184, 's', 0));
        let int4 = types().iter().find(|t| t.oid == 23).unwrap();
        assert_eq!((int4.name, int4.len, int4.byval, int4.array, int4.align), ("int4", 4, true, 1007, 'i'));
        assert_eq!(types().iter().find(|t| t.oid == 25).unwrap().collation, 100);
    }
}
