//! A file of ASFF findings to import, in the shapes `secdeck export findings` writes:
//! JSON Lines of findings (`--format jsonl`), or BatchImportFindings request bodies
//! `{"Findings":[...]}` one a line (`--format asff`). A single `{"Findings":[...]}`
//! document over several lines (`aws securityhub get-findings` output) is read too.
//! The first line decides which; every problem names the file and the line.

use std::collections::HashMap;

use serde_json::Value;

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

/// The findings of a file, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingsFile {
    pub format: FileFormat,
    pub findings: Vec<Value>,
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
        });
    };
    let mut reader = Reader::new(file);
    match serde_json::from_str::<Value>(first) {
        // A first line that ends inside a JSON value: one document over several lines.
        Err(e) if e.is_eof() => {
            let doc =
                serde_json::from_str::<Value>(text).map_err(|e| err(e.line(), json_problem(&e)))?;
            let findings = batch_findings(&doc)
                .ok_or_else(|| err(first_no, "expected a {\"Findings\": [...]} document".into()))?;
            reader.format = Some(FileFormat::AsffDocument);
            for (i, f) in findings.iter().enumerate() {
                reader.finding(first_no, Some(i), f)?;
            }
        }
        _ => {
            for (no, line) in lines {
                let value =
                    serde_json::from_str::<Value>(line).map_err(|e| err(no, json_problem(&e)))?;
                reader.line(no, value)?;
            }
        }
    }
    Ok(FindingsFile {
        format: reader.format.unwrap_or(FileFormat::Jsonl),
        findings: reader.findings,
    })
}

/// The findings of a `{"Findings": [...]}` object.
fn batch_findings(doc: &Value) -> Option<&Vec<Value>> {
    doc.as_object()?.get("Findings")?.as_array()
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
    findings: Vec<Value>,
    /// (ProductArn, Id) -> the line it was first seen on.
    seen: HashMap<FindingRef, usize>,
}

impl<'a> Reader<'a> {
    fn new(file: &'a str) -> Self {
        Reader {
            file,
            format: None,
            findings: Vec::new(),
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

    fn line(&mut self, no: usize, value: Value) -> Result<(), FileError> {
        let format = if batch_findings(&value).is_some() {
            FileFormat::AsffBatches
        } else if value.is_object() {
            FileFormat::Jsonl
        } else {
            return Err(self.err(
                no,
                format!(
                    "expected an ASFF finding or a {{\"Findings\": [...]}} batch, found {}",
                    kind(&value)
                ),
            ));
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
        match batch_findings(&value) {
            Some(findings) => {
                for (i, f) in findings.iter().enumerate() {
                    self.finding(no, Some(i), f)?;
                }
            }
            None => self.finding(no, None, &value)?,
        }
        Ok(())
    }

    /// Checks what the import needs of a finding (an object with an Id and a ProductArn,
    /// not seen before); AWS checks the rest of ASFF and reports it per finding.
    fn finding(&mut self, no: usize, index: Option<usize>, f: &Value) -> Result<(), FileError> {
        let at = index.map_or(String::new(), |i| format!("Findings[{i}]: "));
        let text = |key: &str| f.get(key).and_then(Value::as_str).filter(|s| !s.is_empty());
        let problem = if !f.is_object() {
            Some(format!(
                "a finding must be a JSON object, found {}",
                kind(f)
            ))
        } else if text("Id").is_none() {
            Some("the finding has no Id (a non-empty string)".to_string())
        } else if text("ProductArn").is_none() {
            Some("the finding has no ProductArn (a non-empty string)".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(self.err(no, format!("{at}{problem}")));
        }
        let key = FindingRef {
            id: text("Id").unwrap_or_default().to_string(),
            product_arn: text("ProductArn").unwrap_or_default().to_string(),
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
        self.seen.insert(key, no);
        self.findings.push(f.clone());
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
        let batches = lines(&[
            json!({"Findings": [f("1"), f("2")]}),
            json!({"Findings": [f("3")]}),
        ]);
        let asff = parse("a.asff", &batches).unwrap();
        assert_eq!(asff.format, FileFormat::AsffBatches);
        assert_eq!(asff.findings, vec![f("1"), f("2"), f("3")]);
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
