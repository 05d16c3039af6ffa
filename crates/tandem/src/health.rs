//! `tandem health`: asks a node's `GET /ready` and turns the answer into an exit code, so that
//! a container healthcheck needs no curl or shell in the image (the Docker image holds only the
//! binary and the libraries it links; see docs/docker.md).
//!
//! It speaks just enough HTTP/1.0 for that one request: the node's HTTP server answers and closes
//! the connection, and only the status line and the body's first line are read.

use std::io::{Read as _, Write as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs as _};
use std::time::Duration;

/// How long the whole probe may take (connect, and then each read or write).
const TIMEOUT: Duration = Duration::from_secs(3);

/// What `/ready` said: `Ok` with its first body line when it answered 200, `Err` with the
/// reason otherwise (another status, no answer, or an address that does not resolve).
pub fn probe(http_addr: &str) -> Result<String, String> {
    let addr = target(http_addr)?;
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| format!("{addr}: {e}"))?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(TIMEOUT)))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(format!("GET /ready HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes())
        .map_err(|e| format!("{addr}: {e}"))?;
    let mut answer = Vec::new();
    stream.take(64 * 1024).read_to_end(&mut answer).map_err(|e| format!("{addr}: {e}"))?;
    let answer = String::from_utf8_lossy(&answer);
    let status = answer.lines().next().unwrap_or_default();
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body).lines().next().unwrap_or_default();
    match status.split_whitespace().nth(1) {
        Some("200") => Ok(body.to_string()),
        Some(code) => Err(format!("{addr}: HTTP {code}: {body}")),
        None => Err(format!("{addr}: not an HTTP answer")),
    }
}

/// The address to connect to: `--http-listen` as given, except that an unspecified host
/// (`0.0.0.0`, `[::]`), which a node listens on but nobody connects to, means this machine.
fn target(http_addr: &str) -> Result<SocketAddr, String> {
    let mut addr = http_addr
        .to_socket_addrs()
        .map_err(|e| format!("{http_addr}: {e}"))?
        .next()
        .ok_or_else(|| format!("{http_addr}: resolves to no address"))?;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    Ok(addr)
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use super::*;

    /// Serves one connection with `answer` and returns the address (0.0.0.0 with its port, as a
    /// node in a container listens).
    fn serve_once(answer: &'static str) -> String {
        let listener = TcpListener::bind("0.0.0.0:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut request = [0u8; 1024];
            let n = conn.read(&mut request).unwrap();
            assert!(String::from_utf8_lossy(&request[..n]).starts_with("GET /ready HTTP/1.0\r\n"));
            conn.write_all(answer.as_bytes()).unwrap();
        });
        format!("0.0.0.0:{port}")
    }

    #[test]
    fn ready_is_ok_and_anything_else_is_an_error() {
        let ok = serve_once("HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nready\n");
        assert_eq!(probe(&ok), Ok("ready".to_string()));

        let not_ready = serve_once("HTTP/1.1 503 Service Unavailable\r\n\r\nnot ready: leader None\n");
        let err = probe(&not_ready).unwrap_err();
        assert!(err.contains("HTTP 503: not ready: leader None"), "{err}");

        let garbage = serve_once("hello");
        assert!(probe(&garbage).unwrap_err().contains("not an HTTP answer"));
    }

    #[test]
    fn nothing_listening_is_an_error() {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        assert!(probe(&format!("127.0.0.1:{port}")).is_err());
        assert!(probe("not an address").is_err());
    }
}
