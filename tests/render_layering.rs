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
