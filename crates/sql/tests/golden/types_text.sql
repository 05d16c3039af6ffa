-- Character types: text, varchar(n), char(n): length limits on store (22001) and on an
-- explicit cast (silent truncation), trailing blanks of char(n), comparison and
-- concatenation with other types, and escape-string literals.
create table t (v varchar(5), c char(4), x text);
insert into t values ('abc', 'ab', 'free text');
insert into t values ('abcdef', 'a', 'x');
insert into t values ('abc', 'abcde', 'x');
insert into t values ('abcde     ', 'ab  ', 'x');
select v, c, length(c), c || '|', octet_length(c), x from t order by v;
select 'abcdef'::varchar(3), 'abcdef'::char(2), 'a'::char(3) || '|', pg_typeof('a'::char(3) || '|');
select 'ab'::char(4) = 'ab'::char(2), 'ab '::char(3) = 'ab', 'ab '::text = 'ab';
select 'a' || 1 || 2.5 || true, 1 || 'a', 'x' || null;
select 'it''s', E'a\\b', E'nl\\n', $$dollar 'quoted'$$, $tag$a$b$tag$, U&'\0041';
select length('héllo'), octet_length('héllo'), 'é' > 'z';
select 'abc' < 'abd', 'abc' < 'ab', 'Z' < 'a', '' < 'a';
select ''::text is null, length('');
select 'x'::varchar(0);
select 'x'::char(0);
select 1 + '1', '1' + '1';
