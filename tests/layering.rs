//! The library's layering, checked from the sources (no Docker, no build of anything):
//! only `src/docker/` talks to bollard; the top-level modules import each other without a cycle;
//! the files of one module directory import each other without a cycle.
//!
//! References are found textually after comments, strings and `#[cfg(test)]` code are blanked:
//! `crate::a::b`, `super::b` and grouped `use` trees (`crate::{a, b::c}`), resolved to a path from
//! the crate root. `super::Item` where mod.rs re-exports `Item` from a sibling file counts as a
//! reference to that file.
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `src/`-relative path with `/` separators.
fn rel(path: &Path) -> String {
    path.strip_prefix(src_dir())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn only_src_docker_mentions_bollard() {
    let mut offenders = Vec::new();
    for path in rust_files(&src_dir()) {
        let name = rel(&path);
        if name.starts_with("docker/") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.contains("bollard") {
                offenders.push(format!("  src/{name}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "only src/docker/ may use bollard; move these Docker operations behind crucible::docker:\n{}",
        offenders.join("\n")
    );
}

// ---- source scanning ----

/// The text with comments, string/char literals and `#[cfg(test)]` items replaced by spaces
/// (newlines kept, so byte offsets still give line numbers).
fn blank_noise(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| i + p);
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"/*") {
            let (mut depth, mut j) = (0usize, i);
            while j < b.len() {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            blank(&mut out, i, j);
            i = j;
        } else if let Some(end) = raw_string_end(b, i) {
            blank(&mut out, i, end);
            i = end;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            blank(&mut out, i, j + 1);
            i = j + 1;
        } else if b[i] == b'\'' {
            // A char literal ('x', '\n', '\u{..}'), else a lifetime.
            let end = if b.get(i + 1) == Some(&b'\\') {
                b[i + 2..]
                    .iter()
                    .position(|&c| c == b'\'')
                    .map(|p| i + 2 + p + 1)
            } else {
                let ch = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                (b.get(i + 1 + ch) == Some(&b'\'')).then_some(i + 2 + ch)
            };
            match end {
                Some(end) => {
                    blank(&mut out, i, end);
                    i = end;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    let text = String::from_utf8(out).unwrap();
    blank_cfg_test(&text)
}

/// `r"…"`, `r#"…"#`, `br"…"` starting at `i`: the offset after it.
fn raw_string_end(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') {
        return None;
    }
    let mut j = i;
    if b.get(j) == Some(&b'b') {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
    j += hashes;
    if b.get(j) != Some(&b'"') {
        return None;
    }
    let close: Vec<u8> = std::iter::once(b'"')
        .chain(std::iter::repeat_n(b'#', hashes))
        .collect();
    let end = b[j + 1..]
        .windows(close.len())
        .position(|w| w == close.as_slice())
        .map_or(b.len(), |p| j + 1 + p + close.len());
    Some(end)
}

/// Blank `#[cfg(test)]` items: inline modules (to their closing brace) and `mod x;`/`use …;`.
fn blank_cfg_test(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(p) = text[from..].find("#[cfg(test)]") {
        let start = from + p;
        let mut j = start + "#[cfg(test)]".len();
        // Further attributes, then the item up to `;` or its `{…}` block.
        loop {
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if b[j..].starts_with(b"#[") {
                j += b[j..].iter().position(|&c| c == b']').map_or(0, |p| p + 1);
            } else {
                break;
            }
        }
        let semi = b[j..].iter().position(|&c| c == b';');
        let brace = b[j..].iter().position(|&c| c == b'{');
        let end = match (semi, brace) {
            (Some(s), Some(o)) if s < o => j + s + 1,
            (_, Some(o)) => {
                let mut depth = 0;
                let mut k = j + o;
                while k < b.len() {
                    match b[k] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    k += 1;
                }
                k + 1
            }
            (Some(s), None) => j + s + 1,
            (None, None) => b.len(),
        };
        for c in &mut out[start..end.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
        from = end.min(b.len());
    }
    String::from_utf8(out).unwrap()
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// A path reference: its segments as written (starting with `crate` or `super`) and its offset.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reference {
    segments: Vec<String>,
    offset: usize,
}

/// Every `crate::…` and `super::…` path in blanked text, use trees expanded to their leaves.
fn references(text: &str) -> Vec<Reference> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = (b[i..].starts_with(b"crate::") || b[i..].starts_with(b"super::"))
            && (i == 0 || !(is_ident(b[i - 1]) || b[i - 1] == b':'));
        if starts {
            let mut leaves = Vec::new();
            let end = parse_tree(b, i, Vec::new(), &mut leaves);
            out.extend(leaves.into_iter().map(|segments| Reference {
                segments,
                offset: i,
            }));
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// Parse a path or use tree at `i` (prefix segments in `prefix`); leaves go to `out`.
fn parse_tree(
    b: &[u8],
    mut i: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < b.len() && b[i] == b'{' {
            i += 1;
            loop {
                while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b',') {
                    i += 1;
                }
                if i >= b.len() || b[i] == b'}' {
                    return i + 1;
                }
                i = parse_tree(b, i, prefix.clone(), out);
            }
        }
        let start = i;
        while i < b.len() && (is_ident(b[i]) || b[i] == b'*') {
            i += 1;
        }
        if i > start {
            prefix.push(String::from_utf8_lossy(&b[start..i]).into_owned());
        }
        let mut j = i;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if i > start && b[j..].starts_with(b"::") {
            i = j + 2;
            continue;
        }
        // `as name`, generics and the rest of the expression end the path.
        out.push(prefix);
        if b[j..].starts_with(b"as") && b.get(j + 2).is_some_and(|c| c.is_ascii_whitespace()) {
            i = j + 2;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            while i < b.len() && is_ident(b[i]) {
                i += 1;
            }
        }
        return i;
    }
}

/// The module path of a file below `src/` (`sandbox/ahead.rs` → `[sandbox, ahead]`).
fn module_path(rel: &str) -> Vec<String> {
    let stem = rel.strip_suffix(".rs").unwrap();
    let mut parts: Vec<String> = stem.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// A reference made absolute from the crate root, or None when it goes above the root.
fn absolute(reference: &Reference, module: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String> = module.to_vec();
    let mut segments = reference.segments.as_slice();
    if segments.first().is_some_and(|s| s == "crate") {
        base.clear();
        segments = &segments[1..];
    }
    while segments.first().is_some_and(|s| s == "super") {
        base.pop()?;
        segments = &segments[1..];
    }
    base.extend(segments.iter().cloned());
    Some(base)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// One library source file: where it is, its module path and its references made absolute.
struct SourceFile {
    rel: String,
    module: Vec<String>,
    /// (absolute path, line)
    refs: Vec<(Vec<String>, usize)>,
}

/// The library's files (`src/bin`, `src/cli`, `main.rs` belong to the binaries), without the
/// files that are only compiled for tests (`#[cfg(test)] mod x;`, `#[path = "x_tests.rs"]`).
fn library_files() -> Vec<SourceFile> {
    let mut test_only = BTreeSet::new();
    let all = rust_files(&src_dir());
    for path in &all {
        let text = std::fs::read_to_string(path).unwrap();
        let dir = path.parent().unwrap();
        let mut rest = text.as_str();
        while let Some(p) = rest.find("#[cfg(test)]") {
            rest = &rest[p + "#[cfg(test)]".len()..];
            let item: String = rest.chars().take(200).collect();
            let item = item.trim_start();
            let declared = if let Some(attr) = item.strip_prefix("#[path = \"") {
                attr.split('"').next().map(|p| dir.join(p))
            } else {
                item.strip_prefix("mod ")
                    .and_then(|m| m.split(';').next())
                    .filter(|name| is_plain_ident(name))
                    .map(|name| dir.join(format!("{name}.rs")))
            };
            if let Some(file) = declared {
                test_only.insert(file);
            }
        }
    }
    all.into_iter()
        .filter(|p| !test_only.contains(p))
        .filter_map(|path| {
            let rel = rel(&path);
            let binary = rel == "main.rs" || rel.starts_with("bin/") || rel.starts_with("cli");
            if binary {
                return None;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let blanked = blank_noise(&text);
            let module = module_path(&rel);
            let refs = references(&blanked)
                .into_iter()
                .filter_map(|r| Some((absolute(&r, &module)?, line_of(&blanked, r.offset))))
                .collect();
            Some(SourceFile { rel, module, refs })
        })
        .collect()
}

fn is_plain_ident(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_ident)
}

// ---- graphs ----

/// Edges with, for each, every place it is made (`file:line`).
type Graph = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn add_edge(graph: &mut Graph, from: &str, to: &str, evidence: String) {
    graph.entry(to.to_string()).or_default();
    let places = graph
        .entry(from.to_string())
        .or_default()
        .entry(to.to_string())
        .or_default();
    if !places.contains(&evidence) {
        places.push(evidence);
    }
}

/// One cycle per strongly connected component with more than one node, each written out with
/// the place every edge comes from.
fn cycles(graph: &Graph) -> Vec<String> {
    let nodes: Vec<&String> = graph.keys().collect();
    // Mutual reachability is enough at these sizes (a few dozen nodes).
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([from.to_string()]);
        while let Some(n) = queue.pop_front() {
            for next in graph.get(&n).into_iter().flat_map(|e| e.keys()) {
                if seen.insert(next.clone()) {
                    queue.push_back(next.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for n in &nodes {
        if done.contains(*n) || !reachable[n].contains(*n) {
            continue;
        }
        let component: BTreeSet<String> = reachable[n]
            .iter()
            .filter(|m| reachable[m].contains(*n))
            .cloned()
            .collect();
        done.extend(component.iter().cloned());
        if let Some(cycle) = shortest_cycle(graph, n) {
            let steps: Vec<String> = cycle
                .windows(2)
                .map(|w| {
                    format!(
                        "    {} → {}  ({})",
                        w[0],
                        w[1],
                        graph[&w[0]][&w[1]].join(", ")
                    )
                })
                .collect();
            let inside: Vec<String> = component
                .iter()
                .flat_map(|from| {
                    graph[from]
                        .iter()
                        .filter(|(to, _)| component.contains(*to))
                        .map(move |(to, places)| {
                            format!("      {from} → {to}  ({})", places.join(", "))
                        })
                })
                .collect();
            out.push(format!(
                "  {}\n{}\n    every edge inside its component:\n{}",
                cycle.join(" → "),
                steps.join("\n"),
                inside.join("\n")
            ));
        }
    }
    out
}

/// The shortest path from `start` back to itself (BFS), both ends included.
fn shortest_cycle(graph: &Graph, start: &str) -> Option<Vec<String>> {
    let mut parent: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = VecDeque::from([start.to_string()]);
    while let Some(n) = queue.pop_front() {
        for next in graph[&n].keys() {
            if next == start {
                let mut back = vec![n.clone()];
                while let Some(p) = parent.get(back.last().unwrap()) {
                    back.push(p.clone());
                }
                // back = [n, …, start]
                back.reverse();
                back.push(start.to_string());
                return Some(back);
            }
            if !parent.contains_key(next) {
                parent.insert(next.clone(), n.clone());
                queue.push_back(next.clone());
            }
        }
    }
    None
}

fn top_level_graph(files: &[SourceFile]) -> Graph {
    let modules: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.module.first())
        .map(String::as_str)
        .collect();
    let mut graph = Graph::new();
    for f in files {
        let Some(own) = f.module.first() else {
            continue;
        }; // lib.rs
        graph.entry(own.clone()).or_default();
        for (path, line) in &f.refs {
            if let Some(target) = path.first().filter(|t| modules.contains(t.as_str()))
                && target != own
            {
                add_edge(&mut graph, own, target, format!("src/{}:{line}", f.rel));
            }
        }
    }
    graph
}

/// Per module directory (`src/<dir>/` with a mod.rs): its files except mod.rs, and the
/// references between them.
fn directory_graphs(files: &[SourceFile]) -> BTreeMap<String, Graph> {
    let mut graphs = BTreeMap::new();
    for dir_file in files.iter().filter(|f| f.rel.ends_with("/mod.rs")) {
        let dir = dir_file.module.clone();
        let members: BTreeMap<&str, &SourceFile> = files
            .iter()
            .filter(|f| {
                f.module.len() == dir.len() + 1
                    && f.module.starts_with(&dir)
                    && !f.rel.ends_with("/mod.rs")
            })
            .map(|f| (f.module.last().unwrap().as_str(), f))
            .collect();
        // Items mod.rs re-exports from a member file: `pub use member::{A, B}`.
        let text = blank_noise(&std::fs::read_to_string(src_dir().join(&dir_file.rel)).unwrap());
        let mut reexports: BTreeMap<String, String> = BTreeMap::new();
        for line in text.split(';') {
            let line = line.trim();
            let Some(tree) = line
                .strip_prefix("pub use ")
                .or_else(|| line.strip_prefix("pub(crate) use "))
            else {
                continue;
            };
            let mut leaves = Vec::new();
            parse_tree(tree.as_bytes(), 0, Vec::new(), &mut leaves);
            for leaf in leaves {
                if leaf.len() >= 2 && members.contains_key(leaf[0].as_str()) {
                    reexports.insert(leaf.last().unwrap().clone(), leaf[0].clone());
                }
            }
        }
        let mut graph = Graph::new();
        for (name, f) in &members {
            graph.entry(name.to_string()).or_default();
            for (path, line) in &f.refs {
                if !path.starts_with(&dir) || path.len() <= dir.len() {
                    continue;
                }
                let next = &path[dir.len()];
                let target = if members.contains_key(next.as_str()) {
                    Some(next.clone())
                } else {
                    reexports.get(next).cloned()
                };
                if let Some(target) = target.filter(|t| t != name) {
                    add_edge(&mut graph, name, &target, format!("src/{}:{line}", f.rel));
                }
            }
        }
        graphs.insert(format!("src/{}/", dir.join("/")), graph);
    }
    graphs
}

#[test]
fn top_level_modules_import_each_other_without_a_cycle() {
    let graph = top_level_graph(&library_files());
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "import cycles between the library's top-level modules (break each by moving the shared item down a layer):\n{}",
        found.join("\n")
    );
}

#[test]
fn files_of_a_module_directory_import_each_other_without_a_cycle() {
    let mut found = Vec::new();
    for (dir, graph) in directory_graphs(&library_files()) {
        for cycle in cycles(&graph) {
            found.push(format!("in {dir}:\n{cycle}"));
        }
    }
    assert!(
        found.is_empty(),
        "import cycles between the files of one module directory:\n{}",
        found.join("\n")
    );
}

// ---- the scanner itself ----

#[test]
fn scanner_reads_use_trees_and_ignores_comments_strings_and_test_code() {
    let text = r##"
use crate::{docker::{self, Docker}, task::Task as T};
use super::executor::ExecutionSpec;
// use crate::store::Store;
/* crate::report::x */
const S: &str = "crate::scheduler::Engine";
const R: &str = r#"super::slot"#;
fn f<'a>(c: char) -> bool { c == '"' && crate::limits::MIB > 0 }
#[cfg(test)]
mod tests {
    use crate::suites::x;
}
"##;
    let blanked = blank_noise(text);
    let refs: Vec<Vec<String>> = references(&blanked)
        .into_iter()
        .map(|r| r.segments)
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        refs,
        vec![
            s(&["crate", "docker", "self"]),
            s(&["crate", "docker", "Docker"]),
            s(&["crate", "task", "Task"]),
            s(&["super", "executor", "ExecutionSpec"]),
            s(&["crate", "limits", "MIB"]),
        ]
    );
    let module = s(&["sandbox", "ahead"]);
    let r = Reference {
        segments: s(&["super", "executor", "X"]),
        offset: 0,
    };
    assert_eq!(
        absolute(&r, &module),
        Some(s(&["sandbox", "executor", "X"]))
    );
}

#[test]
fn a_cycle_is_written_out_edge_by_edge() {
    let mut graph = Graph::new();
    add_edge(&mut graph, "a", "b", "src/a.rs:1".into());
    add_edge(&mut graph, "b", "c", "src/b.rs:2".into());
    add_edge(&mut graph, "c", "a", "src/c.rs:3".into());
    add_edge(&mut graph, "c", "d", "src/c.rs:4".into());
    let found = cycles(&graph);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("  a → b → c → a"), "{}", found[0]);
    assert!(found[0].contains("c → a  (src/c.rs:3)"), "{}", found[0]);
}
