-- json and jsonb: input (and errors), output normalization (jsonb sorts keys and drops
-- duplicates; json keeps text), -> ->> #> #>> @> <@ ? ?| ?& || and - operators, building
-- functions, and casts to and from other types.
select '{"b": 1, "a": [1, 2, {"c": null}], "b": 2}'::jsonb, '{"b": 1, "a": 2, "b": 3}'::json;
select '[1, 2.50, "x", true, null]'::jsonb, '  3  '::jsonb, '"s"'::jsonb, '1e3'::jsonb;
select '{"a": }'::jsonb;
select '{"a": 1'::json;
select '{"a": {"b": [10, 20]}}'::jsonb -> 'a', '{"a": {"b": [10, 20]}}'::jsonb -> 'a' -> 'b' -> 1, '{"a": "x"}'::jsonb ->> 'a';
select '[1, 2, 3]'::jsonb -> -1, '[1, 2, 3]'::jsonb -> 5, '{"a": 1}'::jsonb -> 'z', '{"a": 1}'::jsonb ->> 'a';
select '{"a": {"b": [10, 20]}}'::jsonb #> '{a,b,0}', '{"a": {"b": [10, 20]}}'::jsonb #>> '{a,b}';
select '{"a": 1, "b": 2}'::jsonb @> '{"a": 1}', '{"a": 1}'::jsonb <@ '{"a": 1, "b": 2}', '[1, 2, 3]'::jsonb @> '[3, 1]';
select '{"a": 1, "b": 2}'::jsonb ? 'a', '{"a": 1}'::jsonb ?| array['x', 'a'], '{"a": 1}'::jsonb ?& array['x', 'a'], '["a", "b"]'::jsonb ? 'b';
select '{"a": 1}'::jsonb || '{"b": 2}', '[1]'::jsonb || '[2, 3]', '{"a": 1, "b": 2}'::jsonb - 'a', '[1, 2, 3]'::jsonb - 0;
select '{"a": 1}'::json -> 'a', '{"a": "x"}'::json ->> 'a';
select jsonb_build_object('a', 1, 'b', 'x', 'c', null), jsonb_build_array(1, 'two', true), to_jsonb('text'::text), to_json(1.5);
select jsonb_typeof('{}'), jsonb_typeof('[]'), jsonb_typeof('1'), jsonb_typeof('"x"'), jsonb_typeof('null'), jsonb_array_length('[1, 2]');
select jsonb_pretty('{"a": [1, {"b": 2}]}');
select jsonb_set('{"a": {"b": 1}}', '{a,b}', '2'), jsonb_strip_nulls('{"a": null, "b": 1}');
select key, value from jsonb_each('{"x": 1, "y": [2]}') order by key;
select * from jsonb_array_elements_text('["a", "b", 3]');
select json_agg(x), jsonb_agg(x order by x desc), jsonb_object_agg(k, x) from (values ('a', 1), ('b', 2)) v(k, x);
-- Casts.
select ('{"n": 42}'::jsonb ->> 'n')::int + 1, ('{"n": 42}'::jsonb -> 'n')::int, '{"a": 1}'::json::jsonb, '{"b":1,"a":2}'::jsonb::text;
select ('{"n": "x"}'::jsonb -> 'n')::int;
create table docs (id int primary key, body jsonb);
insert into docs values (1, '{"tags": ["a", "b"], "n": 1}'), (2, '{"tags": ["b"], "n": 2}'), (3, '{"n": null}');
select id from docs where body @> '{"tags": ["b"]}' order by id;
select id, body -> 'n' from docs where body ? 'tags' order by id;
select id from docs where (body ->> 'n')::int > 1;
select body -> 'n' = 'null'::jsonb, body ->> 'n' is null from docs where id = 3;
-- JSON aggregates and to_jsonb show timestamps in the session's time zone.
set time zone 'Asia/Tokyo';
select json_agg(ts), jsonb_agg(ts), to_jsonb(ts) from (values ('2024-01-01 00:00+00'::timestamptz)) v(ts) group by ts;
reset time zone;
