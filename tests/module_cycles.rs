//! The top-level modules depend on each other in one direction only: no import cycle
//! among `cli`, `runtime`, `tui`, `app`, `ui`, `aws`, `tasks`, `domain`, `sandbox` and
//! `journal`, and `domain` (the bottom layer) uses none of the others. The references are
//! read from the source: `crate::<module>`, `use crate::{<module>, ..}` groups and
//! `super::super::..` paths that climb out of a module into another, ignoring comments,
//! strings and character literals.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MODULES: [&str; 10] = [
    "cli", "runtime", "tui", "app", "ui", "aws", "tasks", "domain", "sandbox", "journal",
];

/// module -> module it references -> where (file:line), first reference only.
type Graph = BTreeMap<&'static str, BTreeMap<&'static str, String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source with comments, string and char literal contents blanked out (newlines kept,
/// so line numbers still match).
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&chars, i) {
            // A raw string: r"..", r#".."#, br#".."# (the `b` was already copied).
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            i = j + 1;
            while i < chars.len() {
                if chars[i] == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if let Some(&ch) = chars.get(i) {
                    out.push(blank(ch));
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // '\n', '\'', '{' are literals; 'a in `&'a str` is a lifetime.
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Whether an identifier runs up to `chars[i]` (then an `r` there is not a raw string's
/// start). A lone `b` before it is the prefix of a byte string, not an identifier.
fn ident_before(chars: &[char], i: usize) -> bool {
    let Some(&p) = i.checked_sub(1).and_then(|j| chars.get(j)) else {
        return false;
    };
    let ident = p.is_alphanumeric() || p == '_';
    let byte_prefix = p == 'b' && !ident_before(chars, i - 1);
    ident && !byte_prefix
}

fn ident_at(code: &[u8], at: usize) -> &str {
    let end = code[at..]
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .map_or(code.len(), |n| at + n);
    std::str::from_utf8(&code[at..end]).unwrap_or("")
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The module path a file stands for, under `src/`: `src/tasks/mutate/mod.rs` is
/// `[tasks, mutate]`, `src/cli/export.rs` is `[cli, export]`.
fn file_module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The top-level modules `code` refers to, with the byte offset of each reference.
/// `module_path` is the file's module; inline `mod name { .. }` blocks are tracked so a
/// `super::super` inside them climbs from the right place.
fn references(code: &str, module_path: &[String]) -> Vec<(String, usize)> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    // Brace depth at which each inline module was opened.
    let mut inline: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut pending_mod = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let word_start = i == 0 || !is_ident_byte(bytes[i - 1]);
        match b {
            b'{' => {
                depth += 1;
                if pending_mod {
                    inline.push(depth);
                    pending_mod = false;
                }
            }
            b'}' => {
                if inline.last() == Some(&depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            b';' => pending_mod = false,
            _ => {}
        }
        if word_start && code[i..].starts_with("mod ") {
            pending_mod = true;
        }
        if word_start && code[i..].starts_with("crate::") && (i == 0 || bytes[i - 1] != b'$') {
            let at = i + "crate::".len();
            if bytes.get(at) == Some(&b'{') {
                for (name, offset) in group_heads(code, at) {
                    found.push((name, offset));
                }
            } else {
                found.push((ident_at(bytes, at).to_string(), i));
            }
        }
        if word_start && code[i..].starts_with("super::") {
            // Climb: each `super` leaves one module (inline ones first).
            let mut path: Vec<String> = module_path.to_vec();
            path.extend(std::iter::repeat_n(String::new(), inline.len()));
            let mut at = i;
            while code[at..].starts_with("super::") {
                path.pop();
                at += "super::".len();
            }
            if path.is_empty() {
                if bytes.get(at) == Some(&b'{') {
                    found.extend(group_heads(code, at));
                } else {
                    found.push((ident_at(bytes, at).to_string(), i));
                }
            }
            i = at;
            continue;
        }
        i += 1;
    }
    found
}

/// The first segment of each item of a `{a::b, c, d::{e, f}}` group starting at `open`.
fn group_heads(code: &str, open: usize) -> Vec<(String, usize)> {
    let bytes = code.as_bytes();
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expect_head = true;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                depth += 1;
                if depth == 1 {
                    expect_head = true;
                }
            }
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b',' if depth == 1 => expect_head = true,
            b if depth == 1 && expect_head && is_ident_byte(b) => {
                heads.push((ident_at(bytes, i).to_string(), i));
                expect_head = false;
            }
            _ => {}
        }
        i += 1;
    }
    heads
}

fn module_graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = Graph::new();
    for module in MODULES {
        let mut files = Vec::new();
        let single = src.join(format!("{module}.rs"));
        if single.is_file() {
            files.push(single);
        }
        rust_files(&src.join(module), &mut files);
        assert!(!files.is_empty(), "no source for module {module}");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source file");
            let code = code_only(&text);
            for (name, offset) in references(&code, &file_module_path(&src, &file)) {
                let Some(&target) = MODULES.iter().find(|m| **m == name) else {
                    continue;
                };
                if target == module {
                    continue;
                }
                let line = code[..offset].matches('\n').count() + 1;
                let rel = file.strip_prefix(&src).unwrap_or(&file).display();
                graph
                    .entry(module)
                    .or_default()
                    .entry(target)
                    .or_insert_with(|| format!("src/{rel}:{line}"));
            }
        }
    }
    graph
}

/// A cycle through the graph, if there is one, as the modules in order (first repeated).
fn find_cycle(graph: &Graph) -> Option<Vec<&'static str>> {
    fn visit(
        node: &'static str,
        graph: &Graph,
        stack: &mut Vec<&'static str>,
        done: &mut BTreeSet<&'static str>,
    ) -> Option<Vec<&'static str>> {
        if let Some(pos) = stack.iter().position(|n| *n == node) {
            let mut cycle = stack[pos..].to_vec();
            cycle.push(node);
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node);
        for next in graph.get(node).into_iter().flat_map(|e| e.keys()) {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node);
        None
    }
    let mut done = BTreeSet::new();
    MODULES
        .iter()
        .find_map(|m| visit(m, graph, &mut Vec::new(), &mut done))
}

fn describe(graph: &Graph, cycle: &[&str]) -> String {
    cycle
        .windows(2)
        .map(|w| format!("  {} -> {}   ({})", w[0], w[1], graph[w[0]][w[1]]))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_top_level_modules_have_no_import_cycle() {
    let graph = module_graph();
    // The scan sees the references that must be there, so it cannot pass by seeing none.
    for (from, to) in [
        ("app", "domain"),
        ("ui", "app"),
        ("tasks", "aws"),
        ("tui", "runtime"),
    ] {
        assert!(
            graph.get(from).is_some_and(|e| e.contains_key(to)),
            "the scan missed {from} -> {to}: {graph:#?}"
        );
    }
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import cycle {}:\n{}",
            cycle.join(" -> "),
            describe(&graph, &cycle)
        );
    }
}

#[test]
fn the_domain_uses_no_other_top_level_module() {
    let graph = module_graph();
    let uses: Vec<String> = graph
        .get("domain")
        .into_iter()
        .flatten()
        .map(|(to, at)| format!("domain -> {to} ({at})"))
        .collect();
    assert!(uses.is_empty(), "{}", uses.join("\n"));
}

#[test]
fn the_scanner_reads_groups_super_paths_and_skips_comments_and_strings() {
    let code = code_only(
        "use crate::{aws::X, domain::{a, b}};\n// crate::cli\nlet s = \"crate::ui\";\n\
         let r = r#\"crate::tui\"#; let c = '{';\nmod tests { use super::super::runtime::Y; }\n\
         fn f<'a>(x: &'a str) { crate::journal::f() }",
    );
    let path = vec!["tasks".to_string(), "runner".to_string()];
    let names: Vec<String> = references(&code, &path)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["aws", "domain", "journal"]);
    let path = vec!["tasks".to_string()];
    let names: Vec<String> = references(&code, &path)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["aws", "domain", "runtime", "journal"]);
}
