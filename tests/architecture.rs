//! The core's floors (ARCHITECTURE.md): each module of `src/` may use only modules on its own
//! floor or below, and no two modules may use each other. A planted upward import fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The floors, lowest first. The crate root's own items (`Country`, `Error`, `Result`) are
/// below everything.
const FLOORS: &[&[&str]] = &[
    &["error"],
    &["progress", "crash"],
    &["crypto"],
    &["compact"],
    &["store", "changelog"],
    &["catalog", "staff", "audit", "settings"],
    &["vault"],
    &["backup"],
    &["preferences"],
    &["records"],
    &["sync"],
    &["summary"],
    &["opening"],
    &["demo"],
    &["session"],
];

fn floor_of(module: &str) -> Option<usize> {
    FLOORS.iter().position(|floor| floor.contains(&module))
}

/// The top-level modules that `text` (a file of module `module`) names through `crate::`,
/// comments left out.
fn uses(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a::X, b};`
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        found.insert(name);
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        }
    }
    found
}

/// What `module`'s text uses that sits above it.
fn upward(module: &str, text: &str) -> Vec<String> {
    let Some(own) = floor_of(module) else {
        return vec![format!("{module} is on no floor")];
    };
    uses(text)
        .into_iter()
        .filter(|used| used != module)
        .filter(|used| matches!(floor_of(used), Some(floor) if floor > own))
        .collect()
}

fn module_of(relative: &Path) -> String {
    let first = relative.components().next().unwrap();
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

fn source_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_uses_a_module_above_it_and_none_use_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let mut problems = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        if relative == Path::new("lib.rs") {
            continue;
        }
        let module = module_of(relative);
        let whole = std::fs::read_to_string(&file).unwrap();
        // A file's test modules (at its end, after `#[cfg(test)]`) may make vaults through
        // the floors above, as the integration tests do; the code they test may not.
        let text = match whole.find("\n#[cfg(test)]\nmod ") {
            Some(at) => whole[..at].to_string(),
            None => whole,
        };
        for used in upward(&module, &text) {
            problems.push(format!("{} uses crate::{used}", relative.display()));
        }
        graph
            .entry(module.clone())
            .or_default()
            .extend(uses(&text).into_iter().filter(|used| *used != module));
    }
    for (module, used) in &graph {
        for other in used {
            if graph.get(other).is_some_and(|back| back.contains(module)) && module < other {
                problems.push(format!("{module} and {other} use each other"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "imports against the floors:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_planted_upward_import_is_caught() {
    assert_eq!(
        upward(
            "vault",
            "use crate::records::tasks;\nfn f() { crate::demo::is_demo(); }"
        ),
        vec!["demo".to_string(), "records".to_string()]
    );
    assert_eq!(
        upward("catalog", "use crate::{error::Result, records::legal::X};"),
        vec!["records".to_string()]
    );
    assert!(upward("records", "use crate::{catalog, vault::Vault};").is_empty());
    // Comments may name anything.
    assert!(upward("vault", "/// See [`crate::opening`].").is_empty());
    assert_eq!(
        upward("newcomer", ""),
        vec!["newcomer is on no floor".to_string()]
    );
}

/// The `[dependencies]`-like section lines of a manifest that name the core crate, with the
/// section they are in.
fn core_dependency_lines(manifest: &str) -> Vec<(String, String)> {
    let mut section = String::new();
    let mut found = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_string();
        } else if line.starts_with("acompana =") || line.starts_with("acompana=") {
            found.push((section.clone(), line.to_string()));
        }
    }
    found
}

#[test]
fn test_support_reaches_only_the_core_s_own_tests_and_benchmarks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let core = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let default = core
        .lines()
        .find(|l| l.trim_start().starts_with("default ="))
        .expect("a default feature list");
    assert!(!default.contains("test-support"), "{default}");
    let own = core_dependency_lines(&core);
    assert_eq!(own.len(), 1, "{own:?}");
    assert_eq!(own[0].0, "[dev-dependencies]");
    assert!(own[0].1.contains("test-support"));
    for shell in ["cli/Cargo.toml", "src-tauri/Cargo.toml"] {
        let manifest = std::fs::read_to_string(root.join(shell)).unwrap();
        let lines = core_dependency_lines(&manifest);
        assert!(!lines.is_empty(), "{shell} depends on the core");
        for (section, line) in lines {
            assert!(!line.contains("test-support"), "{shell} {section}: {line}");
        }
    }
}
