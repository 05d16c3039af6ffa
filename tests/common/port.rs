//! Ports for test nodes, shared by `tests/common` and the Jepsen harness (`#[path]`-included
//! by both, as they are separate crates).

use std::net::TcpListener;
use std::ops::Range;
use std::sync::atomic::{AtomicU32, Ordering};

/// A TCP port in `range` on 127.0.0.1 that nothing listens on, for a node to bind later.
/// Callers pass a range below Linux's ephemeral ports (32768 and up): a port the kernel hands
/// out for `:0` is released before the node binds it, and meanwhile any outgoing connection
/// may take it as its source port. Each port is handed out once per process, starting at a
/// place that depends on the process id, so programs run one after another do not reuse each
/// other's. `None` when every port of the range is taken.
pub fn free_port_in(range: Range<u16>) -> Option<u16> {
    static NEXT: AtomicU32 = AtomicU32::new(u32::MAX);
    let (first, count) = (u32::from(range.start), u32::from(range.end - range.start));
    let _ = NEXT.compare_exchange(u32::MAX, std::process::id() % count, Ordering::AcqRel, Ordering::Acquire);
    (0..count)
        .map(|_| (first + NEXT.fetch_add(1, Ordering::AcqRel) % count) as u16)
        .find(|&port| TcpListener::bind(("127.0.0.1", port)).is_ok())
}
