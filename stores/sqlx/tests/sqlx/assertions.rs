//! `ClientAssertionStore` on each database beyond the conformance kit
//! (`support::assertions`): a replay after a restart and through another
//! instance, concurrent uses across instances, the table of used
//! assertions bounded, keys-only seed clients, no `jti` at rest. Its round
//! trip on PostgreSQL is counted in [`round_trips`](crate::round_trips).

#[cfg(feature = "postgres")]
mod postgres {
    use crate::support::assertions as scenarios;
    use crate::support::postgres::TestSchema;
    use crate::support::postgres_url;
    use sqlx::postgres::PgPoolOptions;
    use sqlx::{Executor, PgPool};
    use tower_revoke::client::ClientId;
    use tower_revoke::store::{AssertionDigest, AssertionUse};
    use tower_revoke::{ClientAssertionStore, ExpiredDeletion};
    use tower_revoke_sqlx::PostgresStore;

    /// A migrated schema of its own.
    async fn schema(test: &str) -> Option<TestSchema> {
        let url = postgres_url(test)?;
        let schema = TestSchema::create(&url, 4).await;
        let store = PostgresStore::new(schema.pool.clone());
        store.migrate().await.expect("migrate");
        Some(schema)
    }

    /// The store of a new pool on the schema.
    async fn instance(schema: &TestSchema) -> PostgresStore {
        PostgresStore::new(schema.another_pool(4).await)
    }

    #[tokio::test]
    async fn a_replay_after_a_restart_is_replayed() {
        let Some(schema) = schema("a_replay_after_a_restart_is_replayed").await else {
            return;
        };
        let schema = &schema;
        let restart = |first: PostgresStore| async move {
            first.pool().close().await;
            instance(schema).await
        };
        scenarios::replays_outlive_the_store(instance(schema).await, restart).await;
    }

    #[tokio::test]
    async fn a_replay_through_a_second_pool_is_replayed() {
        let Some(schema) = schema("a_replay_through_a_second_pool_is_replayed").await else {
            return;
        };
        let first = PostgresStore::new(schema.pool.clone());
        let second = |_: PostgresStore| instance(&schema);
        scenarios::replays_outlive_the_store(first, second).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_uses_through_two_pools_have_one_first() {
        let test = "concurrent_uses_through_two_pools_have_one_first";
        let Some(schema) = schema(test).await else {
            return;
        };
        let first = PostgresStore::new(schema.pool.clone());
        scenarios::one_first_use_across_stores(first, instance(&schema).await).await;
    }

    #[tokio::test]
    async fn used_assertions_stay_bounded() {
        if let Some(schema) = schema("pg_used_assertions_stay_bounded").await {
            let store = PostgresStore::new(schema.pool.clone());
            scenarios::used_assertions_stay_bounded(store).await;
        }
    }

    #[tokio::test]
    async fn keys_only_seed_clients_are_not_public() {
        if let Some(schema) = schema("pg_keys_only_seed_clients_are_not_public").await {
            let store = PostgresStore::new(schema.pool.clone());
            scenarios::keys_only_seed_clients_are_not_public(store).await;
        }
    }

    #[tokio::test]
    async fn no_jti_at_rest() {
        if let Some(schema) = schema("pg_no_jti_at_rest").await {
            scenarios::no_jti_at_rest(PostgresStore::new(schema.pool.clone())).await;
        }
    }

    /// How many sequential scans of the used assertions PostgreSQL has
    /// counted, with this connection's counts flushed first (before it
    /// answers, as it goes idle).
    async fn seq_scans(pool: &PgPool, table: &str) -> i64 {
        pool.execute("SELECT pg_stat_force_next_flush()")
            .await
            .expect("flush the statistics");
        sqlx::query_scalar(
            "SELECT seq_scan FROM pg_stat_user_tables
             WHERE schemaname = current_schema() AND relname = $1",
        )
        .bind(table)
        .fetch_one(pool)
        .await
        .expect("the table's statistics")
    }

    /// Uses and the purge find expired records through the expiry index
    /// and delete them through the primary key: never a scan of the table,
    /// however many live records it holds, also in the generic plans that
    /// prepared statements switch to (forced here). With `digest IN
    /// (subquery)` the generic plan scanned the whole table on every use.
    #[tokio::test]
    async fn deleting_expired_rows_never_scans_a_table() {
        let Some(url) = postgres_url("deleting_expired_rows_never_scans_a_table") else {
            return;
        };
        let generic = PgPoolOptions::new()
            .max_connections(1)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    let set = conn.execute("SET plan_cache_mode = force_generic_plan");
                    set.await.map(drop)
                })
            });
        let schema = TestSchema::create_with(&url, generic).await;
        let store = PostgresStore::new(schema.pool.clone());
        store.migrate().await.expect("migrate");
        let fill = "
            INSERT INTO tower_revoke_assertions
            SELECT sha256(i::text::bytea), 4102444800 FROM generate_series(1, 20000) i;
            INSERT INTO tower_revoke_assertions
            SELECT sha256(('lapsed' || i)::bytea), 1000 + i FROM generate_series(1, 100) i;
            INSERT INTO tower_revoke_clients (client_id) VALUES ('app1');
            INSERT INTO tower_revoke_tokens (digest, kind, client_id, expires_at)
            SELECT sha256(('t' || i)::bytea), 'access_token', 'app1',
                   CASE WHEN i <= 100 THEN 1000 + i ELSE 4102444800 END
            FROM generate_series(1, 20100) i;
            INSERT INTO tower_revoke_denied_jtis (issuer, jti, denied_until)
            SELECT 'https://as.example', 'j' || i,
                   CASE WHEN i <= 100 THEN 1000 + i ELSE 4102444800 END
            FROM generate_series(1, 20100) i;
            ANALYZE tower_revoke_assertions;
            ANALYZE tower_revoke_tokens;
            ANALYZE tower_revoke_denied_jtis;";
        sqlx::raw_sql(fill).execute(&schema.pool).await.unwrap();
        let tables = [
            "tower_revoke_assertions",
            "tower_revoke_tokens",
            "tower_revoke_denied_jtis",
        ];
        let mut before = Vec::new();
        for table in tables {
            before.push(seq_scans(&schema.pool, table).await);
        }
        let app1 = ClientId::new("app1").unwrap();
        for i in 0..5 {
            let digest = AssertionDigest::of(&app1, &format!("jti-{i}"));
            let used = store.use_assertion(&digest, 1).await.unwrap();
            assert_eq!(used, AssertionUse::First);
        }
        // Batches of 10 over 100 expired rows each: the generic plan is
        // in use well before the last batch.
        store.delete_expired(10).await.expect("delete expired");
        for (table, column) in [
            ("tower_revoke_assertions", "expires_at"),
            ("tower_revoke_tokens", "expires_at"),
            ("tower_revoke_denied_jtis", "denied_until"),
        ] {
            let expired: i64 = sqlx::query_scalar(&format!(
                "SELECT count(*) FROM {table} WHERE {column} < 4102444800"
            ))
            .fetch_one(&schema.pool)
            .await
            .unwrap();
            assert_eq!(expired, 0, "every expired row of {table} is deleted");
        }
        for (table, before) in tables.into_iter().zip(before) {
            let after = seq_scans(&schema.pool, table).await;
            assert_eq!(after, before, "no scan of {table}");
        }
    }
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use crate::support::assertions as scenarios;
    use crate::support::sqlite::TestFile;
    use tower_revoke_sqlx::SqliteStore;

    /// A migrated store of a new pool on `file`.
    async fn instance(file: &TestFile) -> SqliteStore {
        let store = SqliteStore::new(file.pool(4).await);
        store.migrate().await.expect("migrate");
        store
    }

    #[tokio::test]
    async fn a_replay_after_a_restart_is_replayed() {
        let file = TestFile::new();
        let path = file.path();
        let restart = |first: SqliteStore| async move {
            first.pool().close().await;
            SqliteStore::open(path).await.expect("open again")
        };
        scenarios::replays_outlive_the_store(instance(&file).await, restart).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_uses_through_two_pools_have_one_first() {
        let file = TestFile::new();
        let first = instance(&file).await;
        scenarios::one_first_use_across_stores(first, instance(&file).await).await;
    }

    #[tokio::test]
    async fn used_assertions_stay_bounded() {
        let file = TestFile::new();
        scenarios::used_assertions_stay_bounded(instance(&file).await).await;
    }

    #[tokio::test]
    async fn keys_only_seed_clients_are_not_public() {
        let file = TestFile::new();
        scenarios::keys_only_seed_clients_are_not_public(instance(&file).await).await;
    }

    #[tokio::test]
    async fn no_jti_at_rest() {
        let file = TestFile::new();
        scenarios::no_jti_at_rest(instance(&file).await).await;
    }
}
