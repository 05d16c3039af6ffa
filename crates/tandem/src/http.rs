//! The HTTP endpoint: health, readiness, Prometheus metrics, the cluster view, node removal,
//! and (when enabled) a raw replicated key-value API for diagnostics and tests.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use prometheus::Encoder as _;
use serde_json::json;
use tandem_raft::{ProposeError, RaftNode};
use tandem_storage::WriteSet;

/// Key space of the raw key-value API (far from the SQL key spaces).
const KV_PREFIX: u8 = 0xf0;

#[derive(Clone)]
struct AppState {
    node: Arc<RaftNode>,
}

/// The router for `--http-listen`.
pub fn router(node: Arc<RaftNode>, kv_api: bool) -> Router {
    let mut router = Router::new()
        .route("/health", get(|| async { "ok\n" }))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .route("/cluster", get(cluster))
        .route("/admin/remove-node/{id}", post(remove_node))
        .route("/debug/checksum", get(checksum));
    if kv_api {
        router = router.route("/kv/{key}", get(kv_get).put(kv_put));
    }
    router.with_state(AppState { node })
}

async fn ready(State(s): State<AppState>) -> Response {
    if s.node.is_ready() {
        (StatusCode::OK, "ready\n").into_response()
    } else {
        let st = s.node.status();
        let reason = format!(
            "not ready: leader {:?}, applied {} of committed {}, member {}\n",
            st.leader,
            st.applied_index,
            st.commit_index,
            st.members.iter().any(|m| m.id == st.id)
        );
        (StatusCode::SERVICE_UNAVAILABLE, reason).into_response()
    }
}

async fn metrics(State(s): State<AppState>) -> Response {
    s.node.status();
    let mut buf = Vec::new();
    let families = s.node.metrics().registry.gather();
    if let Err(e) = prometheus::TextEncoder::new().encode(&families, &mut buf) {
        return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response();
    }
    ([(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)], buf).into_response()
}

async fn cluster(State(s): State<AppState>) -> Json<serde_json::Value> {
    let st = s.node.status();
    let members: Vec<_> = st
        .members
        .iter()
        .map(|m| {
            json!({
                "id": m.id,
                "voter": m.voter,
                "peer_addr": m.member.peer_addr,
                "pg_addr": m.member.pg_addr,
                "http_addr": m.member.http_addr,
                "store_id": m.member.store_id.to_string(),
                "leader": st.leader == Some(m.id),
                "matched_index": m.matched,
            })
        })
        .collect();
    Json(json!({
        "node_id": st.id,
        "state": format!("{:?}", st.state),
        "term": st.term,
        "leader": st.leader,
        "commit_index": st.commit_index,
        "applied_index": st.applied_index,
        "last_log_index": st.last_log_index,
        "purged_index": st.purged_index,
        "running": st.running,
        "members": members,
    }))
}

async fn remove_node(State(s): State<AppState>, Path(id): Path<u64>) -> Response {
    match s.node.remove(id).await {
        Ok(()) => (StatusCode::OK, format!("node {id} removed\n")).into_response(),
        Err(e) => (StatusCode::CONFLICT, format!("{e}\n")).into_response(),
    }
}

async fn checksum(State(s): State<AppState>) -> Response {
    let store = s.node.store().clone();
    let result = tokio::task::spawn_blocking(move || {
        let snap = store.snapshot()?;
        Ok::<_, tandem_storage::Error>((snap.applied_index()?, snap.checksum()?))
    })
    .await;
    match result {
        Ok(Ok((applied, sum))) => {
            Json(json!({"applied_index": applied, "checksum": format!("{sum:016x}")})).into_response()
        }
        Ok(Err(e)) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

fn kv_key(key: &str) -> Vec<u8> {
    let mut k = vec![KV_PREFIX];
    k.extend_from_slice(key.as_bytes());
    k
}

async fn kv_put(State(s): State<AppState>, Path(key): Path<String>, body: Bytes) -> Response {
    let mut ws = WriteSet::new();
    ws.put(kv_key(&key), body.to_vec());
    match s.node.propose(ws).await {
        Ok(index) => (StatusCode::OK, [("x-tandem-index", index.to_string())], format!("{index}\n")).into_response(),
        Err(e @ ProposeError::NotLeader { .. }) => (StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

async fn kv_get(State(s): State<AppState>, Path(key): Path<String>) -> Response {
    if let Err(e) = s.node.read_barrier(Duration::from_secs(5)).await {
        return (StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")).into_response();
    }
    match s.node.store().get_latest(&kv_key(&key)) {
        Ok(Some(v)) => (StatusCode::OK, [("x-tandem-index", v.index.to_string())], v.value).into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "not found\n").into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
