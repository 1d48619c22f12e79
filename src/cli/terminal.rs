//! Headless output that may reach a terminal: text from AWS (a finding's Title, an
//! ip-ranges `syncToken`) could carry escape sequences that retitle the window, write the
//! clipboard or clear the screen. Written to a terminal it goes through
//! [`sanitize::visible`](crate::domain::sanitize::visible) line by line; files and pipes
//! get the bytes as they are.

use std::io::{IsTerminal, Write};

use crate::domain::sanitize;

/// Line-buffered writer that shows every hostile character of a line as `⟨U+XXXX⟩` and
/// keeps only the line breaks it writes itself.
pub struct VisibleLines<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> VisibleLines<W> {
    pub fn new(inner: W) -> Self {
        VisibleLines {
            inner,
            pending: Vec::new(),
        }
    }

    fn write_line(&mut self, line: &[u8]) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(line);
        self.inner.write_all(sanitize::visible(&text).as_bytes())
    }
}

impl<W: Write> Write for VisibleLines<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        while let Some(i) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=i).collect();
            self.write_line(&line[..line.len() - 1])?;
            self.inner.write_all(b"\n")?;
        }
        Ok(buf.len())
    }

    /// A partial line is written as it is so far (progress lines, a final line without
    /// a newline).
    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let line = std::mem::take(&mut self.pending);
            self.write_line(&line)?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for VisibleLines<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Standard output, made safe when it is a terminal; raw for files and pipes.
pub fn stdout() -> Box<dyn Write + Send> {
    let out = std::io::stdout();
    if out.is_terminal() {
        Box::new(VisibleLines::new(out))
    } else {
        Box::new(out)
    }
}

/// Whether standard output is a terminal (CSV cells are then shown one by one).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_and_line_breaks_kept_across_split_writes() {
        let mut buf = Vec::new();
        {
            let mut w = VisibleLines::new(&mut buf);
            w.write_all(b"syncToken \x1b]0;pwn").unwrap();
            w.write_all(b"ed\x07 ok\nnext \xe2\x80").unwrap();
            w.write_all(b"\xaegnp.exe\n").unwrap();
            write!(w, "partial\r").unwrap();
        }
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "syncToken ⟨U+001B⟩]0;pwned⟨U+0007⟩ ok\nnext ⟨U+202E⟩gnp.exe\npartial⟨U+000D⟩"
        );
    }
}
