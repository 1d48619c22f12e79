//! Where a JSON path lies in a policy's text, as ValidatePolicy reports locations: a
//! `path` of `{key}` / `{index}` elements and a `span` of start (inclusive) and end
//! (exclusive) positions, each with its 1-based line, 0-based column and 0-based offset.
//! serde_json keeps no positions, so a small scanner walks the text to the value.

use serde_json::{Value, json};

/// One step of a path through the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(&'static str),
    Index(usize),
}

/// The `path` member of a location.
pub fn path_json(path: &[Step]) -> Value {
    Value::Array(
        path.iter()
            .map(|s| match s {
                Step::Key(k) => json!({"key": k}),
                Step::Index(i) => json!({"index": i}),
            })
            .collect(),
    )
}

/// A position at byte `offset` of `text` (offsets count characters, as AWS's do).
pub fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    json!({"line": line, "column": column, "offset": before.chars().count()})
}

/// The location (path and span) of the value at `path`; the whole text when the path
/// cannot be followed.
pub fn location(text: &str, path: &[Step]) -> Value {
    let (start, end) = Scanner::new(text).find(path).unwrap_or((0, text.len()));
    json!({"path": path_json(path), "span": {
        "start": position(text, start), "end": position(text, end),
    }})
}

/// A location of no width at `offset` (a JSON syntax error).
pub fn point(text: &str, offset: usize) -> Value {
    json!({"path": [], "span": {"start": position(text, offset), "end": position(text, offset)}})
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            b: text.as_bytes(),
            i: 0,
        }
    }

    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// A string's decoded text; the scanner stops after its closing quote.
    fn string(&mut self) -> Option<String> {
        self.ws();
        let start = self.i;
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        while let Some(&c) = self.b.get(self.i) {
            self.i += 1;
            match c {
                b'\\' => self.i += 1,
                b'"' => return serde_json::from_slice(&self.b[start..self.i]).ok(),
                _ => {}
            }
        }
        None
    }

    fn skip_value(&mut self) -> Option<()> {
        self.ws();
        match self.b.get(self.i)? {
            b'"' => self.string().map(|_| ()),
            open @ (b'{' | b'[') => {
                let close = if *open == b'{' { b'}' } else { b']' };
                self.i += 1;
                if self.eat(close).is_some() {
                    return Some(());
                }
                loop {
                    if *open == b'{' {
                        self.string()?;
                        self.eat(b':')?;
                    }
                    self.skip_value()?;
                    if self.eat(b',').is_none() {
                        return self.eat(close);
                    }
                }
            }
            _ => {
                while self
                    .b
                    .get(self.i)
                    .is_some_and(|c| !b",]} \t\r\n".contains(c))
                {
                    self.i += 1;
                }
                Some(())
            }
        }
    }

    /// Start and end offsets of the value at `path`.
    fn find(&mut self, path: &[Step]) -> Option<(usize, usize)> {
        self.ws();
        let Some((step, rest)) = path.split_first() else {
            let start = self.i;
            self.skip_value()?;
            return Some((start, self.i));
        };
        match step {
            Step::Key(key) => {
                self.eat(b'{')?;
                loop {
                    let k = self.string()?;
                    self.eat(b':')?;
                    if k == *key {
                        return self.find(rest);
                    }
                    self.skip_value()?;
                    self.eat(b',')?;
                }
            }
            Step::Index(n) => {
                self.eat(b'[')?;
                for _ in 0..*n {
                    self.skip_value()?;
                    self.eat(b',')?;
                }
                self.find(rest)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_a_statement_and_an_action_name_lines_and_columns() {
        let text = "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": [\"sts:AssumeRole\", \"sts:Nope\"]}\n  ]\n}";
        let loc = location(
            text,
            &[
                Step::Key("Statement"),
                Step::Index(0),
                Step::Key("Action"),
                Step::Index(1),
            ],
        );
        assert_eq!(loc["span"]["start"]["line"], 3);
        let start = loc["span"]["start"]["offset"].as_u64().unwrap() as usize;
        let end = loc["span"]["end"]["offset"].as_u64().unwrap() as usize;
        assert_eq!(&text[start..end], "\"sts:Nope\"");
        assert_eq!(loc["path"][3], json!({"index": 1}));
        let whole = location(text, &[Step::Key("Statement"), Step::Index(0)]);
        assert_eq!(whole["span"]["start"]["column"], 4);
    }
}
