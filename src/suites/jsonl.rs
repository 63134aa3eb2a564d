//! Streaming reader for `.jsonl` and `.jsonl.gz` files (suites and completion files).
//!
//! Files come from users and from the internet: a bad line is reported with its file and line
//! number and the reader goes on; nothing here panics on any input.
use flate2::read::MultiGzDecoder;
use serde::de::DeserializeOwned;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Longest line accepted; a longer one is reported as bad (and skipped) instead of filling memory.
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
        })
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
        let mut buf = Vec::new();
        let limit = MAX_LINE_BYTES as u64 + 1;
        match (&mut self.reader).take(limit).read_until(b'\n', &mut buf) {
            Ok(0) => {
                self.done = true;
                None
            }
            Ok(_) if buf.len() > MAX_LINE_BYTES => {
                // Skip the rest of the oversized line so the next call starts on a new line.
                let skipped = skip_line(&mut self.reader);
                if let Err(e) = skipped {
                    self.done = true;
                    return Some(Err(self.error(format!("read error: {e}"))));
                }
                Some(Err(self.error(format!(
                    "line is longer than {MAX_LINE_BYTES} bytes"
                ))))
            }
            Ok(_) => match String::from_utf8(buf) {
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

fn skip_line(reader: &mut dyn BufRead) -> std::io::Result<()> {
    loop {
        let chunk = reader.fill_buf()?;
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
