//! A byte-level client: builds frontend messages by hand (malformed ones too) and parses the
//! backend messages the tests look at.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A backend message: type byte and body.
#[derive(Clone, Debug)]
pub struct Msg {
    pub tag: u8,
    pub body: Vec<u8>,
}

impl Msg {
    /// The fields of an ErrorResponse or NoticeResponse.
    pub fn fields(&self) -> Vec<(u8, String)> {
        let mut out = Vec::new();
        let mut rest = &self.body[..];
        while let Some((&code, tail)) = rest.split_first() {
            if code == 0 {
                break;
            }
            let end = tail.iter().position(|b| *b == 0).expect("terminated field");
            out.push((code, String::from_utf8(tail[..end].to_vec()).unwrap()));
            rest = &tail[end + 1..];
        }
        out
    }

    /// One field of an ErrorResponse or NoticeResponse.
    pub fn field(&self, code: u8) -> Option<String> {
        self.fields().into_iter().find(|(c, _)| *c == code).map(|(_, v)| v)
    }

    /// A CommandComplete's tag.
    pub fn tag(&self) -> String {
        cstr(&self.body)
    }

    /// A DataRow's values (text as sent).
    pub fn values(&self) -> Vec<Option<Vec<u8>>> {
        let n = i16::from_be_bytes([self.body[0], self.body[1]]) as usize;
        let mut pos = 2;
        let mut out = Vec::new();
        for _ in 0..n {
            let len = i32::from_be_bytes(self.body[pos..pos + 4].try_into().unwrap());
            pos += 4;
            if len < 0 {
                out.push(None);
            } else {
                out.push(Some(self.body[pos..pos + len as usize].to_vec()));
                pos += len as usize;
            }
        }
        out
    }

    /// A DataRow's values as strings.
    pub fn text_values(&self) -> Vec<Option<String>> {
        self.values().into_iter().map(|v| v.map(|b| String::from_utf8(b).unwrap())).collect()
    }

    /// RowDescription: (name, type oid, typlen, typmod, format) per field.
    pub fn row_fields(&self) -> Vec<(String, u32, i16, i32, i16)> {
        let n = i16::from_be_bytes([self.body[0], self.body[1]]) as usize;
        let mut pos = 2;
        let mut out = Vec::new();
        for _ in 0..n {
            let name = cstr(&self.body[pos..]);
            pos += name.len() + 1 + 6;
            let oid = u32::from_be_bytes(self.body[pos..pos + 4].try_into().unwrap());
            let typlen = i16::from_be_bytes(self.body[pos + 4..pos + 6].try_into().unwrap());
            let typmod = i32::from_be_bytes(self.body[pos + 6..pos + 10].try_into().unwrap());
            let format = i16::from_be_bytes(self.body[pos + 10..pos + 12].try_into().unwrap());
            pos += 12;
            out.push((name, oid, typlen, typmod, format));
        }
        out
    }

    /// ParameterDescription's type OIDs.
    pub fn param_oids(&self) -> Vec<u32> {
        let n = u16::from_be_bytes([self.body[0], self.body[1]]) as usize;
        (0..n).map(|i| u32::from_be_bytes(self.body[2 + 4 * i..6 + 4 * i].try_into().unwrap())).collect()
    }
}

fn cstr(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    String::from_utf8(bytes[..end].to_vec()).unwrap()
}

/// Type bytes of `msgs`, as a string for compact assertions.
pub fn tags(msgs: &[Msg]) -> String {
    msgs.iter().map(|m| m.tag as char).collect()
}

pub fn frame(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend_from_slice(&(body.len() as i32 + 4).to_be_bytes());
    out.extend_from_slice(body);
    out
}

fn cstring(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
    out.push(0);
}

pub fn startup_packet(version: i32, params: &[(&str, &str)]) -> Vec<u8> {
    let mut body = version.to_be_bytes().to_vec();
    for (k, v) in params {
        cstring(&mut body, k);
        cstring(&mut body, v);
    }
    body.push(0);
    let mut out = (body.len() as i32 + 4).to_be_bytes().to_vec();
    out.extend_from_slice(&body);
    out
}

pub fn query(sql: &str) -> Vec<u8> {
    let mut body = Vec::new();
    cstring(&mut body, sql);
    frame(b'Q', &body)
}

pub fn parse(name: &str, sql: &str, oids: &[u32]) -> Vec<u8> {
    let mut body = Vec::new();
    cstring(&mut body, name);
    cstring(&mut body, sql);
    body.extend_from_slice(&(oids.len() as u16).to_be_bytes());
    for oid in oids {
        body.extend_from_slice(&oid.to_be_bytes());
    }
    frame(b'P', &body)
}

pub fn bind(portal: &str, stmt: &str, formats: &[i16], params: &[Option<&[u8]>], result_formats: &[i16]) -> Vec<u8> {
    let mut body = Vec::new();
    cstring(&mut body, portal);
    cstring(&mut body, stmt);
    body.extend_from_slice(&(formats.len() as u16).to_be_bytes());
    for f in formats {
        body.extend_from_slice(&f.to_be_bytes());
    }
    body.extend_from_slice(&(params.len() as u16).to_be_bytes());
    for p in params {
        match p {
            None => body.extend_from_slice(&(-1i32).to_be_bytes()),
            Some(bytes) => {
                body.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
                body.extend_from_slice(bytes);
            }
        }
    }
    body.extend_from_slice(&(result_formats.len() as u16).to_be_bytes());
    for f in result_formats {
        body.extend_from_slice(&f.to_be_bytes());
    }
    frame(b'B', &body)
}

pub fn describe(kind: u8, name: &str) -> Vec<u8> {
    let mut body = vec![kind];
    cstring(&mut body, name);
    frame(b'D', &body)
}

pub fn close(kind: u8, name: &str) -> Vec<u8> {
    let mut body = vec![kind];
    cstring(&mut body, name);
    frame(b'C', &body)
}

pub fn execute(portal: &str, max_rows: i32) -> Vec<u8> {
    let mut body = Vec::new();
    cstring(&mut body, portal);
    body.extend_from_slice(&max_rows.to_be_bytes());
    frame(b'E', &body)
}

pub fn sync() -> Vec<u8> {
    frame(b'S', &[])
}

pub fn copy_data(data: &[u8]) -> Vec<u8> {
    frame(b'd', data)
}

pub fn copy_done() -> Vec<u8> {
    frame(b'c', &[])
}

pub fn copy_fail(message: &str) -> Vec<u8> {
    let mut body = Vec::new();
    cstring(&mut body, message);
    frame(b'f', &body)
}

/// A raw connection.
pub struct Raw {
    pub stream: TcpStream,
}

impl Raw {
    /// Connects without starting up.
    pub async fn connect_only(port: u16) -> Raw {
        Raw { stream: TcpStream::connect(("127.0.0.1", port)).await.unwrap() }
    }

    /// Connects and completes startup as `tester`; returns the startup messages.
    pub async fn connect(port: u16) -> (Raw, Vec<Msg>) {
        let mut raw = Raw::connect_only(port).await;
        raw.send(&startup_packet(196608, &[("user", "tester"), ("application_name", "raw")])).await;
        let msgs = raw.until_ready().await;
        (raw, msgs)
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.unwrap();
    }

    /// The next message, or `None` at EOF. Panics after 10 s of silence.
    pub async fn recv(&mut self) -> Option<Msg> {
        tokio::time::timeout(Duration::from_secs(10), async {
            let tag = match self.stream.read_u8().await {
                Ok(tag) => tag,
                Err(_) => return None,
            };
            let len = self.stream.read_i32().await.ok()?;
            let mut body = vec![0; len as usize - 4];
            self.stream.read_exact(&mut body).await.ok()?;
            Some(Msg { tag, body })
        })
        .await
        .expect("the server went silent")
    }

    /// Messages up to and including ReadyForQuery.
    pub async fn until_ready(&mut self) -> Vec<Msg> {
        let mut out = Vec::new();
        loop {
            let msg = self.recv().await.expect("connection closed before ReadyForQuery");
            let done = msg.tag == b'Z';
            out.push(msg);
            if done {
                return out;
            }
        }
    }

    /// Messages until the server closes the connection.
    pub async fn until_closed(&mut self) -> Vec<Msg> {
        let mut out = Vec::new();
        while let Some(msg) = self.recv().await {
            out.push(msg);
        }
        out
    }

    /// Sends a simple Query and returns the messages up to ReadyForQuery.
    pub async fn simple(&mut self, sql: &str) -> Vec<Msg> {
        self.send(&query(sql)).await;
        self.until_ready().await
    }
}

/// ReadyForQuery's status byte from the last message.
pub fn status(msgs: &[Msg]) -> char {
    let last = msgs.last().expect("messages");
    assert_eq!(last.tag, b'Z');
    last.body[0] as char
}
