-- Arrays: literals and ARRAY[...], subscripts (out of range is NULL), text input and output
-- (quoting, NULLs, nesting), operators (||, @>, <@, &&, =, <), ANY/ALL, array functions,
-- array columns, unnest, and errors.
select array[1, 2, 3], '{1,2,3}'::int[], '{"a b", "c,d", NULL, "null", ""}'::text[];
select (array[10, 20, 30])[2], (array[10, 20, 30])[5], (array[10, 20, 30])[0], (array[10, 20, 30])[null];
select (array[10, 20, 30])[2:3], (array[10, 20, 30])[:2];
select array[1, 2] || 3, 0 || array[1, 2], array[1] || array[2, 3], array[1, 2] = array[1, 2], array[1, 2] < array[1, 3];
select array[1, 2, 3] @> array[3, 1], array[1] <@ array[1, 2], array[1, 2] && array[2, 9], array[1, 2] && array[3];
select array_length(array[1, 2, 3], 1), cardinality(array[1, 2, 3, 4]), array_upper(array[1, 2], 1), array_lower(array[5], 1), array_length(array[1], 2);
select array_append(array[1], 2), array_prepend(0, array[1]), array_cat(array[1], array[2]), array_remove(array[1, 2, 1], 1), array_position(array['a', 'b'], 'b');
select array_to_string(array[1, null, 3], ','), array_to_string(array[1, null, 3], ',', '*'), string_to_array('a,b,,c', ','), array_dims(array[1, 2]);
select array[]::int[], '{}'::text[], array_length('{}'::int[], 1), pg_typeof(array[1.5, 2]);
select 2 = any ('{1,2,3}'::int[]), 4 = any ('{1,2,3}'), 1 < all (array[2, 3]), null = any (array[1]);
select * from unnest(array[3, 1, 2]) with ordinality as u(v, n);
select unnest(array['a', 'b']) as letter;
create table t (id int primary key, tags text[], nums int[]);
insert into t values (1, '{red,green}', '{1,2}'), (2, array['blue'], array[3]), (3, '{}', null);
select id, tags, nums, tags[1] from t order by id;
select id from t where 'red' = any (tags);
select id from t where tags @> '{blue}';
update t set tags = tags || 'yellow'::text where id = 2 returning tags;
select id, array_length(tags, 1) from t order by id;
-- Multidimensional arrays are not supported by Tandem.
select array[[1, 2], [3, 4]];
select '{{1,2},{3,4}}'::int[];
-- Errors.
select '{1,2'::int[];
select '{1,x}'::int[];
select array[1, 'a'];
select array[1, 2] || array['x'];
