-- Session settings: SET/SHOW/RESET (SET LOCAL lasts until the transaction ends, a SET
-- inside a rolled-back transaction is undone), set_config and current_setting, unknown
-- settings, and the session information functions (current_schema, current_database,
-- current_user, search_path and its effect on name resolution).
show search_path;
show extra_float_digits;
set extra_float_digits = 2;
show extra_float_digits;
reset extra_float_digits;
show extra_float_digits;
set extra_float_digits to 3;
set extra_float_digits to default;
show extra_float_digits;
set application_name = 'golden';
select current_setting('application_name'), set_config('application_name', 'cfg', false);
show application_name;
select current_setting('nosuch.setting');
select current_setting('nosuch.setting', true) is null;
show nosuch;
set nosuch = 1;
set my.custom = 'v1';
show my.custom;
select current_setting('my.custom');
-- Transactions and SET LOCAL.
begin;
set local application_name = 'local';
show application_name;
commit;
show application_name;
begin;
set application_name = 'rolled back';
rollback;
show application_name;
begin;
select set_config('application_name', 'txn-local', true);
show application_name;
commit;
show application_name;
-- Integer, boolean and enumerated settings check their values.
set statement_timeout = '5s';
show statement_timeout;
set statement_timeout = 'forever';
reset statement_timeout;
set datestyle = 'ISO, MDY';
show datestyle;
set extra_float_digits = 3;
set client_min_messages = 'nonsense';
show standard_conforming_strings;
show integer_datetimes;
-- Session information and search_path.
select current_schema, current_schema(), current_database(), current_user, session_user, current_catalog;
select current_schemas(false), current_schemas(true);
create schema app;
create table app.items (id int);
create table public.items (id int, name text);
insert into app.items values (1);
select * from items;
set search_path = app, public;
select current_schema;
select * from items;
create table made_here (x int);
select * from app.made_here;
set search_path = nosuch, public;
select current_schema;
create table where_am_i (x int);
set search_path = nosuch;
select current_schema;
create table nowhere (x int);
reset search_path;
show search_path;
select * from where_am_i;
