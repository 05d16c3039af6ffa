//! Parameter types inferred when the client sends none, and parameters put to use.

use tokio_postgres::types::Type;

use crate::{code, fresh_table, with_server, Text};

/// What Parse infers for each `$n` (ParameterDescription).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inferred_parameter_types() {
    with_server(async |server| {
        let c = server.connect().await;
        fresh_table(&c, "pt", "id int PRIMARY KEY, name varchar(20), amount numeric(10,2), at timestamptz, flag bool")
            .await;
        let cases: &[(&str, &[Type])] = &[
            ("SELECT name FROM pt WHERE id = $1", &[Type::INT4]),
            (
                "INSERT INTO pt (id, name, amount, at) VALUES ($1, $2, $3, $4)",
                &[Type::INT4, Type::VARCHAR, Type::NUMERIC, Type::TIMESTAMPTZ],
            ),
            ("INSERT INTO pt VALUES ($1, $2)", &[Type::INT4, Type::VARCHAR]),
            ("SELECT id FROM pt ORDER BY id LIMIT $1 OFFSET $2", &[Type::INT8, Type::INT8]),
            ("UPDATE pt SET amount = $1, flag = $2 WHERE id = $3", &[Type::NUMERIC, Type::BOOL, Type::INT4]),
            ("DELETE FROM pt WHERE at < $1", &[Type::TIMESTAMPTZ]),
            ("SELECT $1::int8 + $2", &[Type::INT8, Type::INT8]),
            ("SELECT id FROM pt WHERE id IN ($1, $2)", &[Type::INT4, Type::INT4]),
            ("SELECT id FROM pt WHERE id = ANY($1)", &[Type::INT4_ARRAY]),
            ("SELECT id FROM pt WHERE amount BETWEEN $1 AND $2", &[Type::NUMERIC, Type::NUMERIC]),
            ("SELECT id FROM pt WHERE name LIKE $1", &[Type::TEXT]),
            ("SELECT $1", &[Type::TEXT]),
        ];
        for (sql, expected) in cases {
            let stmt = c.prepare(sql).await.unwrap_or_else(|e| panic!("{sql}: {e:?}"));
            assert_eq!(stmt.params(), *expected, "{sql}");
        }
        // A parameter that nothing uses has no type.
        let err = c.prepare("SELECT id FROM pt WHERE id = $2").await.unwrap_err();
        assert_eq!(code(&err), "42P18");
        assert_eq!(err.as_db_error().unwrap().message(), "could not determine data type of parameter $1");
        // A type the client declares wins.
        let stmt = c.prepare_typed("SELECT $1", &[Type::INT8]).await.unwrap();
        assert_eq!(stmt.params(), [Type::INT8]);
        assert_eq!(stmt.columns()[0].type_(), &Type::INT8);
    })
    .await;
}

/// Inferred parameters in use: rows written and read back through them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inferred_parameters_in_use() {
    with_server(async |server| {
        let c = server.connect().await;
        fresh_table(&c, "pu", "id int PRIMARY KEY, name varchar(20), at timestamptz").await;
        let insert = c.prepare("INSERT INTO pu VALUES ($1, $2, $3)").await.unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2024-02-29T12:00:00Z").unwrap().to_utc();
        for id in 1..=5i32 {
            assert_eq!(c.execute(&insert, &[&id, &format!("n{id}"), &at]).await.unwrap(), 1);
        }
        let rows = c.query("SELECT name FROM pu WHERE id > $1 ORDER BY id LIMIT $2", &[&2i32, &2i64]).await.unwrap();
        assert_eq!(rows.iter().map(|r| r.get(0)).collect::<Vec<String>>(), ["n3", "n4"]);
        let n: i64 =
            c.query_one("SELECT count(*) FROM pu WHERE id = ANY($1)", &[&vec![1i32, 3, 9]]).await.unwrap().get(0);
        assert_eq!(n, 2);
        assert_eq!(
            c.execute("UPDATE pu SET name = $1 WHERE at = $2 AND id <= $3", &[&"x", &at, &2i32]).await.unwrap(),
            2
        );
        // Too long for varchar(20): the parameter is checked like a literal.
        let err = c.execute(&insert, &[&9i32, &"x".repeat(21), &at]).await.unwrap_err();
        assert_eq!(code(&err), "22001");
        // A text-format parameter that is not valid input.
        let err = c.query_one("SELECT $1::int4", &[&Text("abc")]).await.unwrap_err();
        assert_eq!(code(&err), "22P02");
        assert_eq!(err.as_db_error().unwrap().message(), "invalid input syntax for type integer: \"abc\"");
    })
    .await;
}
