//! The regime crate's modules depend on one another without a cycle: the
//! register is a front over its parts, and no part reaches back into the
//! front or into a part that depends on it. Read from the sources, so that
//! "no file cycle" is checked rather than claimed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// `a/b.rs` → `a::b`, `a/mod.rs` → `a`, `lib.rs` → `` (the crate root).
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("a file under src");
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts.join("::")
}

/// The text without `//` comments (doc comments included): a path named in
/// prose is no dependency. String literals are kept whole.
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let bytes = line.as_bytes();
        let mut in_string = false;
        let mut end = bytes.len();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if in_string => i += 1,
                // A quote as a character literal, '"', opens no string.
                b'\'' if !in_string && bytes.get(i + 1..i + 3) == Some(b"\"'") => i += 2,
                b'"' => in_string = !in_string,
                b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => {
                    end = i;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        out.push_str(&line[..end]);
        out.push('\n');
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Parses a use tree at `rest` (after `crate::`): `a::b::C`, `{a::B, c}`,
/// `a::{B, C}`; pushes each full path. Returns the unparsed remainder.
fn parse_tree<'a>(rest: &'a str, prefix: &[String], paths: &mut Vec<Vec<String>>) -> &'a str {
    let rest = rest.trim_start();
    if let Some(inner) = rest.strip_prefix('{') {
        let mut rest = inner;
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix('}') {
                return after;
            }
            if let Some(after) = rest.strip_prefix(',') {
                rest = after;
                continue;
            }
            let before = rest.len();
            rest = parse_tree(rest, prefix, paths);
            if rest.len() == before {
                // Not a path (a stray character): skip it.
                let mut chars = rest.chars();
                chars.next();
                rest = chars.as_str();
            }
            if rest.is_empty() {
                return rest;
            }
        }
    }
    let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
    if end == 0 {
        return rest;
    }
    let mut path = prefix.to_vec();
    path.push(rest[..end].to_string());
    let after = &rest[end..];
    if let Some(deeper) = after.strip_prefix("::") {
        return parse_tree(deeper, &path, paths);
    }
    paths.push(path);
    after
}

/// Every path a file names from `crate::`.
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("crate::") {
        let at = from + found;
        let preceded = text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| is_ident(c) || c == '$');
        from = at + "crate::".len();
        if !preceded {
            parse_tree(&text[from..], &[], &mut paths);
        }
    }
    paths
}

/// What the crate root re-exports from its modules: name → module.
fn reexports(root: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for statement in root.split(';') {
        let Some(at) = statement.find("pub use ") else {
            continue;
        };
        let mut paths = Vec::new();
        parse_tree(&statement[at + "pub use ".len()..], &[], &mut paths);
        for path in paths {
            if let (Some(first), Some(last)) = (path.first(), path.last()) {
                if modules.contains(first) {
                    names.insert(last.clone(), first.clone());
                }
            }
        }
    }
    names
}

/// The module a path resolves to: its longest prefix that is a module, or
/// the module a crate-root re-export comes from.
fn resolve(
    path: &[String],
    modules: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|prefix| modules.contains(prefix))
        .or_else(|| reexports.get(path.first()?).cloned())
}

/// The module graph: module → modules it names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let texts: BTreeMap<String, String> = files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).expect("a readable source file");
            (module_of(&src, file), without_comments(&text))
        })
        .collect();
    let modules: BTreeSet<String> = texts.keys().filter(|m| !m.is_empty()).cloned().collect();
    let reexports = reexports(&texts[""], &modules);
    let mut graph = BTreeMap::new();
    for (module, text) in texts.iter().filter(|(m, _)| !m.is_empty()) {
        let edges: BTreeSet<String> = crate_paths(text)
            .iter()
            .filter_map(|path| resolve(path, &modules, &reexports))
            .filter(|target| target != module)
            .collect();
        graph.insert(module.clone(), edges);
    }
    graph
}

/// A cycle of the graph, as the modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = stack.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = stack[start..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_string(), Mark::Open);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut marks, &mut Vec::new()))
}

#[test]
fn the_regime_modules_form_no_cycle() {
    let graph = graph();
    // The parts are there, and the front depends on each.
    for part in [
        "formations",
        "reports",
        "decisions",
        "agreements",
        "exchange",
    ] {
        assert!(graph["register"].contains(part), "register → {part}");
    }
    if let Some(cycle) = find_cycle(&graph) {
        panic!("the regime's modules form a cycle: {}", cycle.join(" → "));
    }
}

#[test]
fn the_parts_do_not_reach_back_into_the_register() {
    let graph = graph();
    for part in [
        "formations",
        "reports",
        "incidents",
        "decisions",
        "agreements",
        "exchange",
        "effects",
        "findings",
        "map",
        "derived",
    ] {
        assert!(
            !graph[part].contains("register"),
            "{part} depends on the register: {:?}",
            graph[part]
        );
    }
}

#[test]
fn references_are_read_the_way_rust_writes_them() {
    let text = without_comments(
        "use crate::a::{B, c::D};\nuse crate::{e::F, G};\n// crate::h::I\nlet s = \"//\"; crate::j::k();\n",
    );
    let paths: Vec<String> = crate_paths(&text).iter().map(|p| p.join("::")).collect();
    assert_eq!(paths, ["a::B", "a::c::D", "e::F", "G", "j::k"]);
    let modules: BTreeSet<String> = ["a", "a::c", "e", "j"].map(String::from).into();
    let reexports = reexports("pub use e::{G, H};\npub use other::X;", &modules);
    let resolved: Vec<_> = crate_paths(&text)
        .iter()
        .filter_map(|p| resolve(p, &modules, &reexports))
        .collect();
    assert_eq!(resolved, ["a", "a::c", "e", "e", "j"]);
}

#[test]
fn a_cycle_is_found_and_named() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(n, e)| (n.to_string(), e.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(find_cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
    let mut acyclic = graph;
    acyclic.get_mut("c").unwrap().clear();
    assert_eq!(find_cycle(&acyclic), None);
}
