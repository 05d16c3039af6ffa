-- String functions: length, case, trimming and padding, substring (positions and
-- patterns), position/strpos, replace, split_part, concat, format, left/right/repeat/reverse,
-- regular expressions, md5, to_hex, ascii/chr, initcap, quote_ident/quote_literal.
select length('hello'), char_length('hello'), upper('MiXed'), lower('MiXed'), initcap('hello wORLD foo-bar');
select trim('  x  ') || '|', ltrim('xxaxx', 'x'), rtrim('xxaxx', 'x'), btrim('  y '), trim(both 'x' from 'xxaxx'), trim(leading 'x' from 'xxa');
select lpad('7', 3, '0'), rpad('ab', 5, '*-'), lpad('abcdef', 3), rpad('', 2);
select substring('hello world' from 7), substring('hello world' from 1 for 5), substring('hello', 2, 3), substr('hello', -1, 3), substring('hello' for 2);
select substring('abc123def' from '[0-9]+'), substring('foobar' from 'o(.)b'), substring('abc' from 'x');
select substring('hello', 1, -1);
select position('lo' in 'hello'), strpos('hello', 'l'), position('z' in 'hello');
select replace('a-b-c', '-', '+'), split_part('a,b,c', ',', 2), split_part('a,b,c', ',', 5), split_part('a,b,c', ',', -1);
select concat('a', 1, null, true), concat_ws('-', 'a', null, 'b', 2), 'a' || null;
select format('%s is %s', 'x', 42), format('%I.%L', 'My Table', 'it''s'), format('%5s|%-5s|', 'a', 'b'), format('%s', null);
select left('hello', 2), right('hello', 2), left('hello', -1), repeat('ab', 3), reverse('abc');
select 'abc' ~ 'b', 'abc' ~* 'B', 'abc' !~ 'b', regexp_replace('a1b22c', '[0-9]+', '#'), regexp_replace('a1b22c', '[0-9]', '#', 'g');
select regexp_match('key=val', '(\w+)=(\w+)'), regexp_match('abc', 'x');
-- Set-returning functions other than generate_series and unnest are not supported in the
-- select list.
select regexp_matches('a1b2', '[0-9]', 'g');
select regexp_split_to_array('a, b,c', ',\s*'), regexp_replace('abc', '(b)', '[\1]');
select md5('abc'), to_hex(255), to_hex(-1), ascii('A'), chr(66), quote_ident('My Col'), quote_ident('ok'), quote_literal('it''s'), quote_nullable(null);
select starts_with('hello', 'he'), translate('hello', 'el', 'ip'), 'x' || repeat(' ', 2) || 'y';
select string_to_array('a b c', ' '), array_to_string(string_to_array('1-2', '-'), '+');
select encode('abc'::bytea, 'hex'), encode('abc'::bytea, 'base64'), decode('616263', 'hex'), convert_to('abc', 'UTF8');
-- Errors.
select repeat('x', -1), lpad('x', -5);
select chr(0);
select regexp_replace('a', '(', 'x');
select format('%s %s', 'only one');
select length(1);
select nosuchfunc('x');
