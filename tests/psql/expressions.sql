-- Column defaults and check constraints as \d prints them: PostgreSQL's expression printer
-- (constants with their types, implicit casts, BETWEEN and IN rewritten, parentheses).
CREATE TABLE dd (
 a int default 0, b int default -1, c numeric default 0, d numeric(10,2) default 1.5, e text default 'x', f varchar(10) default 'y',
 g char(3) default 'z', h boolean default false, i timestamptz default now(), j timestamp default current_timestamp,
 k date default current_date, l bigint default 5, m smallint default 2, n float8 default 1.5, o real default 2,
 p jsonb default '{}', q uuid, r text default 'a' || 'b', s int default 1+2, t numeric default -2.5, u interval default '1 day',
 v text[] default '{}', w int default (2*3), x text default upper('q'), y bigint default 10000000000, z float8 default 0,
 CHECK (a > 0), CHECK (c >= 0), CHECK (d > 1.5), CHECK (e <> ''), CHECK (f IN ('a','b')), CHECK (a BETWEEN 1 AND 10),
 CHECK (l > 0), CHECK (m > 0), CHECK (n > 0), CHECK (a > 0 AND b < 0 OR c IS NOT NULL), CHECK (length(e) < 5), CHECK (e LIKE 'x%'),
 CHECK (f <> 'q'), CHECK (g = 'abc'), CHECK (NOT h), CHECK (i > '2020-01-01'), CHECK (a = ANY (ARRAY[1,2])), CHECK (e ~ '^x'),
 CHECK (lower(e) = e), CHECK (a + 1 > b * 2), CHECK (q IS NULL)
);
\d dd
ALTER TABLE dd ADD CHECK (b < 100);
ALTER TABLE dd ADD CONSTRAINT named_check CHECK (a + b * 2 - 1 > 0);
SELECT conname, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true)
FROM pg_constraint WHERE conrelid = 'dd'::regclass AND conname IN ('dd_b_check', 'named_check') ORDER BY 1;
SELECT column_name, column_default, is_nullable, data_type, character_maximum_length, numeric_precision, numeric_scale
FROM information_schema.columns WHERE table_name = 'dd' AND column_name IN ('a', 'd', 'f', 'g', 'v', 'y') ORDER BY ordinal_position;
SELECT constraint_name, check_clause FROM information_schema.check_constraints
WHERE constraint_name IN ('dd_a_check', 'dd_check1', 'named_check') ORDER BY 1;
DROP TABLE dd;
