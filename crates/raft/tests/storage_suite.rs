//! openraft's storage conformance suite, run against the real RocksDB log store and state
//! machine.

use std::sync::Arc;

use openraft::testing::{StoreBuilder, Suite};
use tandem_raft::log_store::LogStore;
use tandem_raft::state_machine::{ObserverSlot, StateMachine};
use tandem_raft::types::StorageError;
use tandem_raft::{Metrics, TypeConfig};
use tandem_storage::Store;

struct RocksBuilder;

impl StoreBuilder<TypeConfig, LogStore, StateMachine, tempfile::TempDir> for RocksBuilder {
    async fn build(&self) -> Result<(tempfile::TempDir, LogStore, StateMachine), StorageError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Arc::new(Store::open(&dir.path().join("store"), 1).expect("open store"));
        let metrics = Arc::new(Metrics::new());
        let log = LogStore::new(store.clone(), metrics.clone());
        let sm = StateMachine::new(store, Arc::new(ObserverSlot::default()), metrics).expect("state machine");
        Ok((dir, log, sm))
    }
}

#[test]
fn openraft_storage_suite() {
    let _ = tracing_subscriber::fmt().with_env_filter("openraft=info").with_test_writer().try_init();
    Suite::test_all(RocksBuilder).expect("the storage suite passes");
}
