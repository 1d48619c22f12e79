//! The layering rule from ARCHITECTURE.md, checked: the app and domain layers (and the
//! theme data) import no terminal library and no AWS SDK.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn app_domain_and_theme_import_no_terminal_or_sdk_crate() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.join("theme.rs")];
    rust_files(&src.join("app"), &mut files);
    rust_files(&src.join("domain"), &mut files);
    let forbidden = ["ratatui", "crossterm", "aws_sdk_", "aws_config"];
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in forbidden {
                assert!(
                    !code.contains(word),
                    "{}:{}: uses {word}",
                    file.display(),
                    n + 1
                );
            }
        }
    }
}

/// Where a UI module hands something to ratatui that becomes text, it is text built by
/// `ui::text` (or a literal), never a string of its own: `ui/text.rs` is the one door
/// where hostile characters are made visible (docs/ARCHITECTURE.md, "Hostile text").
#[test]
fn ui_modules_build_text_only_through_ui_text() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut files = Vec::new();
    rust_files(&ui, &mut files);
    // ratatui's constructors from a string: only text.rs calls them.
    let constructors = [
        "Span::",
        "Line::styled",
        "Line::raw",
        "Cell::",
        "Text::",
        "ListItem::",
    ];
    // Calls that take a string too: their argument must be built text or a literal.
    let takers = [
        "Line::from(",
        "Paragraph::new(",
        ".title(",
        ".title_bottom(",
        ".label(",
        "Row::new(",
    ];
    let built = [
        "\"",
        "[",
        "vec![",
        "text::",
        "lines",
        "out",
        "spans",
        "ref_lines",
        "row",
        "cells",
        "first",
        "second",
        "progress",
        "header(",
        "hint_spans(",
        "cursor_spans(",
        "text_input::",
        // ui::columns: the kept cells (built by ui::text) or headers (literals).
        "columns::",
    ];
    for file in files.iter().filter(|f| !f.ends_with("text.rs")) {
        let source = std::fs::read_to_string(file).expect("source file");
        let lines: Vec<&str> = source.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let at = format!("{}:{}", file.display(), n + 1);
            for c in constructors {
                assert!(
                    !code.contains(c),
                    "{at}: {c} builds text from a string; use ui::text"
                );
            }
            for t in takers {
                // `x.title()` without an argument is a getter, not a taker.
                let Some(i) = code
                    .find(t)
                    .filter(|i| !code[i + t.len()..].starts_with(')'))
                else {
                    continue;
                };
                // rustfmt may put the argument on the next line.
                let mut arg = code[i + t.len()..].trim();
                if arg.is_empty() {
                    arg = lines.get(n + 1).map_or("", |l| l.trim());
                }
                assert!(
                    built.iter().any(|b| arg.starts_with(b)),
                    "{at}: {t}{arg} takes a string; wrap it with ui::text"
                );
            }
        }
    }
}
