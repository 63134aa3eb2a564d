//! Streaming reader for `.jsonl` and `.jsonl.gz` files (suites and completion files).
//!
//! Files come from users and from the internet: a bad line is reported with its file and line
//! number and the reader goes on; nothing here panics on any input.
use flate2::read::MultiGzDecoder;
use serde::de::DeserializeOwned;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// Longest line accepted by default; a longer one is reported as bad (and skipped) without ever
/// holding more than this many bytes of it.
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// A line that could not be used, with where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub file: PathBuf,
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.reason)
    }
}

/// Lines of a JSONL file, decompressed when the file is gzip (detected by its magic bytes, so
/// a `.gz` name is not required and a misnamed file still reads).
pub struct JsonlReader {
    file: PathBuf,
    reader: Box<dyn BufRead>,
    line: usize,
    done: bool,
    max_line_bytes: usize,
}

impl JsonlReader {
    pub fn open(path: &Path) -> std::io::Result<JsonlReader> {
        let mut file = BufReader::new(File::open(path)?);
        let gzip = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
        let reader: Box<dyn BufRead> = if gzip {
            Box::new(BufReader::new(MultiGzDecoder::new(file)))
        } else {
            Box::new(file)
        };
        Ok(JsonlReader {
            file: path.to_path_buf(),
            reader,
            line: 0,
            done: false,
            max_line_bytes: MAX_LINE_BYTES,
        })
    }

    /// Refuse lines longer than `max` bytes (newline excluded) instead of `MAX_LINE_BYTES`.
    pub fn with_max_line_bytes(mut self, max: usize) -> JsonlReader {
        self.max_line_bytes = max;
        self
    }

    pub fn path(&self) -> &Path {
        &self.file
    }

    fn error(&self, reason: String) -> LineError {
        LineError {
            file: self.file.clone(),
            line: self.line,
            reason,
        }
    }

    /// The next non-blank line parsed as `T`, with its 1-based line number.
    pub fn next_record<T: DeserializeOwned>(&mut self) -> Option<Result<(usize, T), LineError>> {
        loop {
            let text = match self.next_line()? {
                Ok(t) => t,
                Err(e) => return Some(Err(e)),
            };
            if text.trim().is_empty() {
                continue;
            }
            return Some(
                serde_json::from_str::<T>(&text)
                    .map(|v| (self.line, v))
                    .map_err(|e| self.error(format!("not a valid record: {e}"))),
            );
        }
    }

    fn next_line(&mut self) -> Option<Result<String, LineError>> {
        if self.done {
            return None;
        }
        self.line += 1;
        match read_line_bounded(&mut *self.reader, self.max_line_bytes) {
            Ok(Line::End) => {
                self.done = true;
                None
            }
            Ok(Line::TooLong) => Some(Err(self.error(format!(
                "line is longer than {} bytes: skipped",
                self.max_line_bytes
            )))),
            Ok(Line::Text(buf)) => match String::from_utf8(buf) {
                Ok(s) => Some(Ok(s)),
                Err(e) => Some(Err(self.error(format!("not UTF-8: {e}")))),
            },
            Err(e) => {
                // A truncated or corrupt gzip stream: report it once and stop.
                self.done = true;
                Some(Err(self.error(format!("read error: {e}"))))
            }
        }
    }
}

enum Line {
    /// No more input.
    End,
    /// A line, with its `\n` when it had one.
    Text(Vec<u8>),
    /// Longer than the limit: dropped, and the input is past its end.
    TooLong,
}

/// The next line, holding at most `max` bytes of it (plus the newline) in memory.
fn read_line_bounded(reader: &mut dyn BufRead, max: usize) -> std::io::Result<Line> {
    let mut buf = Vec::new();
    let mut started = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(if started { Line::Text(buf) } else { Line::End });
        }
        started = true;
        let newline = chunk.iter().position(|&b| b == b'\n');
        let content = newline.unwrap_or(chunk.len());
        let used = newline.map_or(chunk.len(), |i| i + 1);
        if buf.len() + content > max {
            drop(buf);
            reader.consume(used);
            if newline.is_none() {
                skip_line(reader)?;
            }
            return Ok(Line::TooLong);
        }
        buf.extend_from_slice(&chunk[..used]);
        reader.consume(used);
        if newline.is_some() {
            return Ok(Line::Text(buf));
        }
    }
}

fn skip_line(reader: &mut dyn BufRead) -> std::io::Result<()> {
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(());
        }
        if let Some(i) = chunk.iter().position(|&b| b == b'\n') {
            reader.consume(i + 1);
            return Ok(());
        }
        let n = chunk.len();
        reader.consume(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    #[derive(serde::Deserialize, Debug)]
    struct Rec {
        id: u32,
    }

    fn read_all(path: &Path) -> Vec<Result<(usize, u32), String>> {
        let mut r = JsonlReader::open(path).unwrap();
        let mut out = Vec::new();
        while let Some(x) = r.next_record::<Rec>() {
            out.push(x.map(|(l, r)| (l, r.id)).map_err(|e| e.to_string()));
        }
        out
    }

    #[test]
    fn plain_and_gzip_read_the_same_and_bad_lines_name_file_and_line() {
        let dir = std::env::temp_dir().join(format!("crucible-jsonl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = b"{\"id\": 1}\n\n{\"id\": \n\xff\xfe\n{\"id\": 4}";
        let plain = dir.join("a.jsonl");
        std::fs::write(&plain, text).unwrap();
        let gz = dir.join("a.jsonl.gz");
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(text).unwrap();
        std::fs::write(&gz, enc.finish().unwrap()).unwrap();

        for path in [&plain, &gz] {
            let got = read_all(path);
            assert_eq!(got.len(), 4, "{got:?}");
            assert_eq!(got[0], Ok((1, 1)));
            let e = got[1].as_ref().unwrap_err();
            assert!(e.contains(":3: not a valid record"), "{e}");
            let e = got[2].as_ref().unwrap_err();
            assert!(e.contains(":4: not UTF-8"), "{e}");
            assert_eq!(got[3], Ok((5, 4)));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_with_its_number_and_reading_goes_on() {
        let dir = std::env::temp_dir().join(format!("crucible-jsonl-l-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("long.jsonl");
        let long = format!("{{\"id\": {}}}", "1".repeat(100));
        // The limit is exactly the length of line 1; line 2 is over it, line 4 too, without `\n`.
        std::fs::write(
            &path,
            format!("{{\"id\": 7}}\n{long}\n{{\"id\": 8}}\n{long}"),
        )
        .unwrap();
        let mut r = JsonlReader::open(&path).unwrap().with_max_line_bytes(9);
        let mut got = Vec::new();
        while let Some(x) = r.next_record::<Rec>() {
            got.push(x.map(|(l, r)| (l, r.id)).map_err(|e| e.to_string()));
        }
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0], Ok((1, 7)));
        let e = got[1].as_ref().unwrap_err();
        assert!(e.contains(":2: line is longer than 9 bytes"), "{e}");
        assert_eq!(got[2], Ok((3, 8)));
        let e = got[3].as_ref().unwrap_err();
        assert!(e.contains(":4: line is longer than 9 bytes"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn truncated_gzip_is_an_error_not_a_panic() {
        let dir = std::env::temp_dir().join(format!("crucible-jsonl-t-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        for i in 0..2000 {
            writeln!(enc, "{{\"id\": {i}}}").unwrap();
        }
        let bytes = enc.finish().unwrap();
        let path = dir.join("cut.jsonl.gz");
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let got = read_all(&path);
        assert!(
            got.last()
                .unwrap()
                .as_ref()
                .unwrap_err()
                .contains("read error")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
