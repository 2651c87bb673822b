//! Merging compose documents (several `-f` files, `extends`) with compose-go's rules:
//! mappings merge recursively, `command`/`entrypoint`/`healthcheck.test` are replaced,
//! key/value lists (`environment`, `labels`, …) merge by key, other sequences append and are
//! then made unique (`ports`, `volumes` by target, `secrets`/`configs` by target, …) with the
//! later entry winning. `!reset` removes a value, `!override` replaces it; both tags stay on
//! the merged tree as markers until [`strip`] so that later layers see them too.

use std::collections::HashMap;
use std::path::Path;

use super::convert::{parse_volume_short, volume_is_bind_source};
use super::yaml::{Key, Node, Tag, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Default,
    Replace,
    /// `K=V` lists and mappings, merged by key.
    KeyValue,
    /// A list of names or a mapping name → options (`networks`, `depends_on`).
    Names,
    /// A string or a list (`dns`, `tmpfs`, `env_file`, …): appended.
    StringOrList,
    /// `extra_hosts`: list or mapping, appended as `host=ip` strings.
    ExtraHosts,
    /// `build`: a string is `{context: …}`.
    Build,
    /// `logging`: a different driver replaces the whole block.
    Logging,
}

fn rule(path: &[String]) -> Rule {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["services", _, "command" | "entrypoint"] | ["services", _, "healthcheck", "test"] => {
            Rule::Replace
        }
        [
            "services",
            _,
            "environment" | "labels" | "annotations" | "sysctls",
        ]
        | ["services", _, "build", "args" | "labels"]
        | ["services", _, "deploy", "labels"]
        | ["networks" | "volumes" | "configs" | "secrets", _, "labels"] => Rule::KeyValue,
        ["services", _, "networks" | "depends_on"] => Rule::Names,
        [
            "services",
            _,
            "dns" | "dns_search" | "dns_opt" | "tmpfs" | "env_file" | "label_file",
        ] => Rule::StringOrList,
        ["services", _, "extra_hosts"] => Rule::ExtraHosts,
        ["services", _, "build"] => Rule::Build,
        ["services", _, "logging"] => Rule::Logging,
        _ => Rule::Default,
    }
}

/// Bring both sides of a merge to one shape.
fn normalize(rule: Rule, node: Node) -> Node {
    let pos = node.pos.clone();
    let tag = node.tag;
    let value = match (rule, node.value) {
        (Rule::KeyValue, Value::Seq(items)) => Value::Map(
            items
                .into_iter()
                .map(|item| match &item.value {
                    Value::Scalar { text, .. } => match text.split_once('=') {
                        Some((k, v)) => (
                            Key {
                                name: k.to_string(),
                                pos: item.pos.clone(),
                            },
                            Node::string(v, item.pos),
                        ),
                        None => (
                            Key {
                                name: text.clone(),
                                pos: item.pos.clone(),
                            },
                            Node::null(item.pos),
                        ),
                    },
                    _ => (
                        Key {
                            name: String::new(),
                            pos: item.pos.clone(),
                        },
                        item,
                    ),
                })
                .collect(),
        ),
        (Rule::Names, Value::Seq(items)) => Value::Map(
            items
                .into_iter()
                .map(|item| {
                    let name = item.as_scalar().unwrap_or_default().to_string();
                    (
                        Key {
                            name,
                            pos: item.pos.clone(),
                        },
                        Node::null(item.pos),
                    )
                })
                .collect(),
        ),
        (Rule::StringOrList, v @ Value::Scalar { .. }) => Value::Seq(vec![Node {
            value: v,
            pos: pos.clone(),
            tag,
        }]),
        (Rule::ExtraHosts, Value::Map(entries)) => {
            let mut items = Vec::new();
            for (k, v) in entries {
                match &v.value {
                    Value::Seq(ips) => {
                        for ip in ips {
                            let text = format!("{}={}", k.name, ip.as_scalar().unwrap_or_default());
                            items.push(Node::string(text, ip.pos.clone()));
                        }
                    }
                    _ => {
                        let text = format!("{}={}", k.name, v.as_scalar().unwrap_or_default());
                        items.push(Node::string(text, v.pos.clone()));
                    }
                }
            }
            Value::Seq(items)
        }
        (Rule::Build, v @ Value::Scalar { .. }) => Value::Map(vec![(
            Key {
                name: "context".into(),
                pos: pos.clone(),
            },
            Node {
                value: v,
                pos: pos.clone(),
                tag: Tag::None,
            },
        )]),
        (_, v) => v,
    };
    Node { value, pos, tag }
}

/// Merge `over` onto `base`. `path` is the dotted path of the node (map keys only).
pub fn merge(base: Option<Node>, over: Node, path: &mut Vec<String>) -> Node {
    if over.tag != Tag::None {
        return over;
    }
    let base = match base {
        Some(b) if b.tag != Tag::Reset => b,
        _ => return over,
    };
    if over.is_null() {
        return base;
    }
    let r = rule(path);
    let base = normalize(r, base);
    let over = normalize(r, over);
    if r == Rule::Replace {
        return over;
    }
    if r == Rule::Logging {
        let driver = |n: &Node| {
            n.get("driver")
                .and_then(|d| d.as_scalar().map(str::to_string))
        };
        if let (Some(a), Some(b)) = (driver(&base), driver(&over))
            && a != b
        {
            return over;
        }
    }
    match (base.value, over.value) {
        (Value::Map(mut b), Value::Map(o)) => {
            let mut index: HashMap<String, usize> = HashMap::with_capacity(b.len());
            for (i, (k, _)) in b.iter().enumerate() {
                index.entry(k.name.clone()).or_insert(i);
            }
            for (k, v) in o {
                path.push(k.name.clone());
                if let Some(&i) = index.get(&k.name) {
                    let slot = &mut b[i];
                    if r == Rule::KeyValue {
                        // `K` / `K: null` in a later file replaces `K=V` (value from the
                        // environment then), like compose-go's mergeToSequence.
                        slot.1 = v;
                    } else {
                        let old = std::mem::replace(&mut slot.1, Node::null(k.pos.clone()));
                        slot.1 = merge(Some(old), v, path);
                    }
                    slot.0 = k;
                } else {
                    let v = merge(None, v, path);
                    index.insert(k.name.clone(), b.len());
                    b.push((k, v));
                }
                path.pop();
            }
            Node {
                value: Value::Map(b),
                pos: over.pos,
                tag: Tag::None,
            }
        }
        (Value::Seq(mut b), Value::Seq(o)) => {
            b.extend(o);
            Node {
                value: Value::Seq(b),
                pos: over.pos,
                tag: Tag::None,
            }
        }
        (_, o) => Node {
            value: o,
            pos: over.pos,
            tag: Tag::None,
        },
    }
}

/// Remove `!reset` markers and clear `!override` tags.
pub fn strip(node: &mut Node) {
    node.tag = Tag::None;
    match &mut node.value {
        Value::Map(entries) => {
            entries.retain(|(_, v)| v.tag != Tag::Reset);
            for (_, v) in entries.iter_mut() {
                strip(v);
            }
        }
        Value::Seq(items) => {
            items.retain(|v| v.tag != Tag::Reset);
            for v in items.iter_mut() {
                strip(v);
            }
        }
        _ => {}
    }
}

/// The identity of a sequence entry for de-duplication, per compose-go's `EnforceUnicity`.
fn index_key(field: &str, item: &Node) -> Option<String> {
    let scalar = item.as_scalar();
    let get = |k: &str| item.get(k).and_then(|v| v.as_scalar()).map(str::to_string);
    match field {
        "ports" => match scalar {
            Some(s) => Some(s.to_string()),
            None => Some(format!(
                "{}:{}:{}/{}",
                get("host_ip").unwrap_or_default(),
                get("published").unwrap_or_default(),
                get("target").unwrap_or_default(),
                get("protocol").unwrap_or_else(|| "tcp".into())
            )),
        },
        "volumes" | "devices" => match scalar {
            Some(s) if field == "volumes" => Some(
                parse_volume_short(s)
                    .map(|v| v.target)
                    .unwrap_or_else(|_| s.to_string()),
            ),
            Some(s) => Some(s.to_string()),
            None => get("target").or_else(|| get("source")),
        },
        "secrets" | "configs" => {
            let dflt = if field == "secrets" {
                "/run/secrets/"
            } else {
                "/"
            };
            match scalar {
                Some(s) => Some(format!("{dflt}{s}")),
                None => match get("target") {
                    Some(t) if t.starts_with('/') => Some(t),
                    Some(t) => Some(format!("{dflt}{t}")),
                    None => Some(format!("{dflt}{}", get("source").unwrap_or_default())),
                },
            }
        }
        "env_file" | "label_file" => scalar.map(str::to_string).or_else(|| get("path")),
        "expose"
        | "cap_add"
        | "cap_drop"
        | "dns"
        | "dns_search"
        | "dns_opt"
        | "tmpfs"
        | "profiles"
        | "links"
        | "extra_hosts"
        | "external_links"
        | "security_opt"
        | "group_add"
        | "volumes_from"
        | "device_cgroup_rules" => scalar.map(str::to_string),
        _ => None,
    }
}

const UNIQUE: &[&str] = &[
    "ports",
    "volumes",
    "devices",
    "secrets",
    "configs",
    "env_file",
    "label_file",
    "expose",
    "cap_add",
    "cap_drop",
    "dns",
    "dns_search",
    "dns_opt",
    "tmpfs",
    "profiles",
    "links",
    "extra_hosts",
    "external_links",
    "security_opt",
    "group_add",
    "volumes_from",
    "device_cgroup_rules",
];

/// De-duplicate the sequences of one service: a later entry replaces an earlier one with the
/// same identity, at the earlier one's place.
pub fn enforce_unicity(service: &mut Node) {
    let Some(entries) = service.as_map_mut() else {
        return;
    };
    for (k, v) in entries.iter_mut() {
        let Value::Seq(items) = &mut v.value else {
            continue;
        };
        if !UNIQUE.contains(&k.name.as_str()) {
            continue;
        }
        let mut out: Vec<Node> = Vec::with_capacity(items.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for item in items.drain(..) {
            if let Some(key) = index_key(&k.name, &item) {
                if let Some(&i) = seen.get(&key) {
                    out[i] = item;
                    continue;
                }
                seen.insert(key, out.len());
            }
            out.push(item);
        }
        *items = out;
    }
}

pub(crate) fn is_remote(context: &str) -> bool {
    let lower = context.to_ascii_lowercase();
    [
        "http://",
        "https://",
        "git://",
        "git@",
        "github.com/",
        "ssh://",
        "docker-image://",
        "oci://",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || lower.ends_with(".git")
}

/// Make a host path absolute against `dir` (lexically; `~` and absolute paths are kept).
pub fn absolutize(path: &str, dir: &Path) -> String {
    if path.starts_with('/') || path.starts_with('~') || path.is_empty() || looks_windows(path) {
        return path.to_string();
    }
    normalize_path(&dir.join(path))
        .to_string_lossy()
        .into_owned()
}

/// Lexical normalisation: drop `.`, resolve `..` (no file system access).
pub fn normalize_path(path: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for comp in path.components() {
        match comp {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

fn looks_windows(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' || p.starts_with("\\\\")
}

fn rebase_scalar(node: &mut Node, dir: &Path) {
    if let Value::Scalar { text, .. } = &mut node.value {
        *text = absolutize(text, dir);
    }
}

/// Resolve the relative host paths of a service against `dir` (the directory of the file that
/// declares them): `build` context, `env_file`, `label_file`, bind mount sources.
pub fn rebase_service(service: &mut Node, dir: &Path) {
    if let Some(build) = service.get_mut("build") {
        match &mut build.value {
            Value::Scalar { text, .. } if !is_remote(text) => *text = absolutize(text, dir),
            Value::Map(m) => {
                if !m.iter().any(|(k, _)| k.name == "context") {
                    let pos = build.pos.clone();
                    m.push((
                        Key {
                            name: "context".into(),
                            pos: pos.clone(),
                        },
                        Node::string(".", pos),
                    ));
                }
                if let Some(ctx) = build.get_mut("context")
                    && !ctx.as_scalar().is_some_and(is_remote)
                {
                    rebase_scalar(ctx, dir);
                }
            }
            _ => {}
        }
    }
    for key in ["env_file", "label_file"] {
        if let Some(n) = service.get_mut(key) {
            match &mut n.value {
                Value::Scalar { .. } => rebase_scalar(n, dir),
                Value::Seq(items) => {
                    for item in items {
                        if item.as_scalar().is_some() {
                            rebase_scalar(item, dir);
                        } else if let Some(p) = item.get_mut("path") {
                            rebase_scalar(p, dir);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(Value::Seq(items)) = service.get_mut("volumes").map(|v| &mut v.value) {
        for item in items {
            match &mut item.value {
                Value::Scalar { text, .. } => {
                    if let Ok(v) = parse_volume_short(text)
                        && let Some(src) = v.source.filter(|s| volume_is_bind_source(s))
                    {
                        let abs = absolutize(&src, dir);
                        if abs != src {
                            *text = format!("{abs}{}", &text[src.len()..]);
                        }
                    }
                }
                Value::Map(_) => {
                    let bind = item.get("type").and_then(|t| t.as_scalar()) == Some("bind");
                    if bind && let Some(src) = item.get_mut("source") {
                        rebase_scalar(src, dir);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::compose::yaml::parse;

    fn doc(s: &str) -> Node {
        parse(s, "t.yaml").unwrap().remove(0)
    }

    fn merged(a: &str, b: &str) -> Node {
        let mut n = merge(Some(doc(a)), doc(b), &mut Vec::new());
        strip(&mut n);
        if let Some(Value::Map(svcs)) = n.get_mut("services").map(|s| &mut s.value) {
            for (_, s) in svcs.iter_mut() {
                enforce_unicity(s);
            }
        }
        n
    }

    #[test]
    fn merge_rules() {
        let n = merged(
            "services:\n  web:\n    image: a\n    command: [a, b]\n    environment: [A=1, B=2, D=5]\n    ports: ['80:80']\n    volumes: ['./x:/data', 'db:/db']\n    dns: 1.1.1.1\n",
            "services:\n  web:\n    command: c\n    environment: {B: 3, C: 4, D: null}\n    ports: ['80:80', '81:81']\n    volumes: [{type: volume, source: other, target: /data}]\n    dns: [8.8.8.8]\n",
        );
        let web = n.get("services").unwrap().get("web").unwrap();
        assert_eq!(web.get("command").unwrap().as_scalar(), Some("c"));
        let env = web.get("environment").unwrap();
        assert_eq!(env.get("A").unwrap().as_scalar(), Some("1"));
        assert_eq!(env.get("B").unwrap().as_scalar(), Some("3"));
        assert_eq!(env.get("C").unwrap().as_scalar(), Some("4"));
        assert!(env.get("D").unwrap().is_null());
        assert_eq!(web.get("ports").unwrap().as_seq().unwrap().len(), 2);
        let vols = web.get("volumes").unwrap().as_seq().unwrap();
        assert_eq!(vols.len(), 2);
        assert_eq!(vols[0].get("source").unwrap().as_scalar(), Some("other"));
        assert_eq!(web.get("dns").unwrap().as_seq().unwrap().len(), 2);
    }

    #[test]
    fn reset_and_override() {
        let n = merged(
            "services:\n  web:\n    image: a\n    ports: ['80:80']\n    environment: {A: 1, B: 2}\n    labels: [x=1]\n",
            "services:\n  web:\n    ports: !reset []\n    environment:\n      A: !reset\n    labels: !override {y: 2}\n    image: !reset\n",
        );
        let web = n.get("services").unwrap().get("web").unwrap();
        assert!(web.get("ports").is_none());
        assert!(web.get("image").is_none());
        assert!(web.get("environment").unwrap().get("A").is_none());
        assert!(web.get("environment").unwrap().get("B").is_some());
        let labels = web.get("labels").unwrap();
        assert!(labels.get("x").is_none());
        assert_eq!(labels.get("y").unwrap().as_scalar(), Some("2"));
    }

    #[test]
    fn paths() {
        let d = Path::new("/p/q");
        assert_eq!(absolutize("./a/../b", d), "/p/q/b");
        assert_eq!(absolutize("../x", d), "/p/x");
        assert_eq!(absolutize("/abs", d), "/abs");
        assert_eq!(absolutize("~/h", d), "~/h");
        let mut s = doc("build: .\nvolumes: ['./d:/d:ro', 'named:/n']\nenv_file: e.env\n");
        rebase_service(&mut s, d);
        assert_eq!(s.get("build").unwrap().as_scalar(), Some("/p/q"));
        let v = s.get("volumes").unwrap().as_seq().unwrap();
        assert_eq!(v[0].as_scalar(), Some("/p/q/d:/d:ro"));
        assert_eq!(v[1].as_scalar(), Some("named:/n"));
        assert_eq!(s.get("env_file").unwrap().as_scalar(), Some("/p/q/e.env"));
    }
}
