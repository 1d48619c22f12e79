//! A file of ASFF findings to import, in the shapes `secdeck export findings` writes:
//! JSON Lines of findings (`--format jsonl`), or BatchImportFindings request bodies
//! `{"Findings":[...]}` one a line (`--format asff`). A single `{"Findings":[...]}`
//! document over several lines (`aws securityhub get-findings` output) is read too.
//! The first line decides which; every problem names the file and the line.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::finding::FindingRef;

/// What the file turned out to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// One ASFF finding a line.
    Jsonl,
    /// One `{"Findings":[...]}` request body a line.
    AsffBatches,
    /// One `{"Findings":[...]}` document, over any number of lines.
    AsffDocument,
}

impl FileFormat {
    pub fn describe(self) -> &'static str {
        match self {
            FileFormat::Jsonl => "JSON Lines of ASFF findings",
            FileFormat::AsffBatches => "ASFF {\"Findings\":[...]} batches, one a line",
            FileFormat::AsffDocument => "one ASFF {\"Findings\":[...]} document",
        }
    }
}

/// The findings of a file, in file order: each one's JSON text exactly as the file has
/// it (no tree is built: an import holds about the file's size in memory), and its
/// identity.
#[derive(Debug, Clone)]
pub struct FindingsFile {
    pub format: FileFormat,
    pub findings: Vec<Box<RawValue>>,
    pub refs: Vec<FindingRef>,
}

/// What the reader looks at in a line: a batch's findings, or a finding's identity.
/// Everything else is skipped unparsed.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(rename = "Findings", borrow, default)]
    findings: Option<Vec<&'a RawValue>>,
    #[serde(rename = "Id", default)]
    id: Option<Value>,
    #[serde(rename = "ProductArn", default)]
    product_arn: Option<Value>,
}

fn probe(json: &str) -> Result<Probe<'_>, serde_json::Error> {
    serde_json::from_str(json)
}

fn is_object(raw: &RawValue) -> bool {
    raw.get().trim_start().starts_with('{')
}

/// A problem at `file:line` (`file:line: Findings[i]: ...` inside a batch).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {problem}")]
pub struct FileError {
    pub file: String,
    pub line: usize,
    pub problem: String,
}

/// Reads `text`, the contents of `file` (named in errors as given).
pub fn parse(file: &str, text: &str) -> Result<FindingsFile, FileError> {
    let err = |line: usize, problem: String| FileError {
        file: file.to_string(),
        line,
        problem,
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty())
        .peekable();
    let Some(&(first_no, first)) = lines.peek() else {
        return Ok(FindingsFile {
            format: FileFormat::Jsonl,
            findings: Vec::new(),
            refs: Vec::new(),
        });
    };
    let mut reader = Reader::new(file);
    match serde_json::from_str::<&RawValue>(first) {
        // A first line that ends inside a JSON value: one document over several lines.
        Err(e) if e.is_eof() => {
            let doc = probe(text).map_err(|e| err(e.line(), json_problem(&e)))?;
            let findings = doc
                .findings
                .ok_or_else(|| err(first_no, "expected a {\"Findings\": [...]} document".into()))?;
            reader.format = Some(FileFormat::AsffDocument);
            for (i, f) in findings.into_iter().enumerate() {
                reader.finding(first_no, Some(i), f)?;
            }
        }
        _ => {
            for (no, line) in lines {
                let raw = serde_json::from_str::<&RawValue>(line)
                    .map_err(|e| err(no, json_problem(&e)))?;
                reader.line(no, raw)?;
            }
        }
    }
    Ok(FindingsFile {
        format: reader.format.unwrap_or(FileFormat::Jsonl),
        findings: reader.findings,
        refs: reader.refs,
    })
}

/// serde_json's message with the column but not its "line 1" (the line is ours to name).
fn json_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let message = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m);
    format!("not valid JSON: {message} (column {})", e.column())
}

/// The findings read so far, where each one was, and the format the first line set.
struct Reader<'a> {
    file: &'a str,
    format: Option<FileFormat>,
    findings: Vec<Box<RawValue>>,
    refs: Vec<FindingRef>,
    /// (ProductArn, Id) -> the line it was first seen on.
    seen: HashMap<FindingRef, usize>,
}

impl<'a> Reader<'a> {
    fn new(file: &'a str) -> Self {
        Reader {
            file,
            format: None,
            findings: Vec::new(),
            refs: Vec::new(),
            seen: HashMap::new(),
        }
    }

    fn err(&self, line: usize, problem: String) -> FileError {
        FileError {
            file: self.file.to_string(),
            line,
            problem,
        }
    }

    fn line(&mut self, no: usize, raw: &RawValue) -> Result<(), FileError> {
        let batch = match is_object(raw).then(|| probe(raw.get())) {
            Some(Ok(p)) => p.findings,
            Some(Err(e)) => {
                return Err(self.err(no, format!("not an ASFF finding or batch: {e}")));
            }
            None => {
                let found = serde_json::from_str::<Value>(raw.get()).map_or("JSON", |v| kind(&v));
                return Err(self.err(
                    no,
                    format!(
                        "expected an ASFF finding or a {{\"Findings\": [...]}} batch, found {found}"
                    ),
                ));
            }
        };
        let format = match batch {
            Some(_) => FileFormat::AsffBatches,
            None => FileFormat::Jsonl,
        };
        match self.format {
            None => self.format = Some(format),
            Some(first) if first != format => {
                return Err(self.err(
                    no,
                    format!(
                        "this line is {} but the file started as {}",
                        describe_line(format),
                        describe_line(first)
                    ),
                ));
            }
            Some(_) => {}
        }
        match batch {
            Some(findings) => {
                for (i, f) in findings.into_iter().enumerate() {
                    self.finding(no, Some(i), f)?;
                }
            }
            None => self.finding(no, None, raw)?,
        }
        Ok(())
    }

    /// Checks what the import needs of a finding (an object with an Id and a ProductArn,
    /// not seen before); AWS checks the rest of ASFF and reports it per finding.
    fn finding(&mut self, no: usize, index: Option<usize>, f: &RawValue) -> Result<(), FileError> {
        let at = index.map_or(String::new(), |i| format!("Findings[{i}]: "));
        let text = |v: &Option<Value>| {
            v.as_ref()
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let (id, product_arn) = match is_object(f).then(|| probe(f.get())) {
            None => {
                let found = serde_json::from_str::<Value>(f.get()).map_or("JSON", |v| kind(&v));
                let problem = format!("a finding must be a JSON object, found {found}");
                return Err(self.err(no, format!("{at}{problem}")));
            }
            Some(Err(e)) => return Err(self.err(no, format!("{at}not an ASFF finding: {e}"))),
            Some(Ok(p)) => (text(&p.id), text(&p.product_arn)),
        };
        let problem = match (&id, &product_arn) {
            (None, _) => "the finding has no Id (a non-empty string)",
            (_, None) => "the finding has no ProductArn (a non-empty string)",
            _ => "",
        };
        if !problem.is_empty() {
            return Err(self.err(no, format!("{at}{problem}")));
        }
        let key = FindingRef {
            id: id.unwrap_or_default(),
            product_arn: product_arn.unwrap_or_default(),
        };
        if let Some(first) = self.seen.get(&key) {
            return Err(self.err(
                no,
                format!(
                    "{at}finding {} of {} is already on line {first}: each finding is imported once",
                    key.id, key.product_arn
                ),
            ));
        }
        self.seen.insert(key.clone(), no);
        self.refs.push(key);
        self.findings.push(f.to_owned());
        Ok(())
    }
}

fn describe_line(format: FileFormat) -> &'static str {
    match format {
        FileFormat::AsffBatches => "a {\"Findings\": [...]} batch",
        _ => "one finding",
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(id: &str) -> Value {
        json!({"Id": id, "ProductArn": "arn:p", "Title": "t"})
    }

    fn lines(values: &[Value]) -> String {
        values.iter().map(|v| format!("{v}\n")).collect()
    }

    #[test]
    fn jsonl_and_batches_are_told_apart_by_the_first_line() {
        let jsonl = parse("a.jsonl", &lines(&[f("1"), f("2"), f("3")])).unwrap();
        assert_eq!(jsonl.format, FileFormat::Jsonl);
        assert_eq!(jsonl.findings.len(), 3);
        assert_eq!(jsonl.refs[2].id, "3");
        let batches = lines(&[
            json!({"Findings": [f("1"), f("2")]}),
            json!({"Findings": [f("3")]}),
        ]);
        let asff = parse("a.asff", &batches).unwrap();
        assert_eq!(asff.format, FileFormat::AsffBatches);
        let texts: Vec<&str> = asff.findings.iter().map(|r| r.get()).collect();
        let expected: Vec<String> = [f("1"), f("2"), f("3")]
            .iter()
            .map(Value::to_string)
            .collect();
        assert_eq!(texts, expected, "each finding's text as the file has it");
        assert!(parse("empty", "\n  \n").unwrap().findings.is_empty());
    }

    #[test]
    fn a_document_over_several_lines_is_read_whole() {
        let text = serde_json::to_string_pretty(&json!({"Findings": [f("1"), f("2")]})).unwrap();
        let doc = parse("get-findings.json", &text).unwrap();
        assert_eq!(doc.format, FileFormat::AsffDocument);
        assert_eq!(doc.findings.len(), 2);
        let broken = "{\"Findings\": [\n  {\"Id\": \"1\",\n  \"ProductArn\": \"arn:p\" x\n]}";
        let e = parse("g.json", broken).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn every_problem_names_the_file_and_line() {
        let text = format!("{}\n{}\n{{\"Id\": \"3\", oops}}\n", f("1"), f("2"));
        let e = parse("x.jsonl", &text).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("x.jsonl:3: not valid JSON: key must be a string (column"),
            "{e}"
        );
        let cases = [
            (
                lines(&[f("1"), json!([1])]),
                "x:2: expected an ASFF finding",
            ),
            (
                lines(&[f("1"), json!({"ProductArn": "arn:p"})]),
                "x:2: the finding has no Id",
            ),
            (
                lines(&[json!({"Id": "1"})]),
                "x:1: the finding has no ProductArn",
            ),
            (
                lines(&[json!({"Findings": [f("1"), 7]})]),
                "x:1: Findings[1]: a finding must be a JSON object, found a number",
            ),
            (
                lines(&[f("1"), json!({"Findings": [f("2")]})]),
                "x:2: this line is a {\"Findings\": [...]} batch but the file started as one finding",
            ),
            (
                lines(&[f("1"), f("2"), f("1")]),
                "x:3: finding 1 of arn:p is already on line 1",
            ),
        ];
        for (text, expected) in cases {
            let e = parse("x", &text).unwrap_err().to_string();
            assert!(e.starts_with(expected), "{e}\n  expected {expected}");
        }
    }
}
