-- bytea (hex and escape input, hex output, length, concatenation), uuid (input forms,
-- output, comparison, bad input), boolean (input spellings, casts) and their errors.
select '\x0102ff'::bytea, 'abc'::bytea, '\000\001'::bytea, E'\\x41'::bytea;
select length('\x0102ff'::bytea), '\x01'::bytea || '\x02'::bytea, 'abc'::bytea = '\x616263';
select '\xzz'::bytea;
select '\x123'::bytea;
select 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}'::uuid, 'a0eebc999c0b4ef8bb6d6bb9bd380a11'::uuid;
select 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid < 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid;
select 'not-a-uuid'::uuid;
create table u (id uuid primary key, v text);
insert into u values ('00000000-0000-0000-0000-000000000002', 'b'), ('00000000-0000-0000-0000-000000000001', 'a');
select * from u order by id;
select v from u where id = '00000000-0000-0000-0000-000000000001';
select gen_random_uuid() is not null, length(gen_random_uuid()::text);
select 't'::boolean, 'yes'::boolean, 'on'::boolean, '1'::boolean, 'f'::boolean, 'NO'::boolean, 'off'::boolean, ' true '::boolean;
select 'maybe'::boolean;
select true::int, 0::boolean, 5::boolean, true::text, 'true'::text::boolean;
select true > false, true and 't';
