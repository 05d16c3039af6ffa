//! A minimal HTTP/1.1 client for the nodes' /ready, /cluster and /debug/checksum endpoints:
//! one request per connection, bounded by a timeout.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `GET path` from `addr`; the status and body, or `None` on any failure or timeout.
pub async fn get(addr: &str, path: &str, timeout: Duration) -> Option<(u16, String)> {
    tokio::time::timeout(timeout, async {
        let mut stream = TcpStream::connect(addr).await.ok()?;
        let head = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream.write_all(head.as_bytes()).await.ok()?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.ok()?;
        parse(&String::from_utf8_lossy(&raw))
    })
    .await
    .ok()
    .flatten()
}

/// `GET path` as JSON, when the answer is 200.
pub async fn get_json(addr: &str, path: &str, timeout: Duration) -> Option<serde_json::Value> {
    match get(addr, path, timeout).await {
        Some((200, body)) => serde_json::from_str(&body).ok(),
        _ => None,
    }
}

fn parse(text: &str) -> Option<(u16, String)> {
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let body =
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.into() };
    Some((status, body))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((len, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(len.trim(), 16) else { break };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_chunked_answers() {
        assert_eq!(parse("HTTP/1.1 200 OK\r\nA: b\r\n\r\nready\n"), Some((200, "ready\n".into())));
        let chunked = "HTTP/1.1 503 X\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse(chunked), Some((503, "abcde".into())));
        assert_eq!(parse("garbage"), None);
    }
}
