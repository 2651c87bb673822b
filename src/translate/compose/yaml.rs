//! A YAML node tree with source positions, built from `granit-parser` events.
//!
//! Scalars keep their raw text (no YAML 1.1/1.2 type resolution): the typed layer decides what a
//! scalar means from where it appears, so `yes` stays a string in `environment` and is a boolean
//! in `privileged`. Aliases are expanded while building (with a node budget against alias
//! bombs and a depth limit), merge keys (`<<: *a`, `<<: [*a, *b]`) are resolved when their
//! mapping ends, and the compose tags `!reset` / `!override` are kept on the nodes.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use granit_parser::{Event, Parser, ScalarStyle};

use super::error::LoadError;

/// Maximum nesting depth of a document after alias expansion.
pub const MAX_DEPTH: usize = 128;
/// Maximum number of nodes of a document after alias expansion (billion laughs guard).
pub const MAX_NODES: usize = 250_000;

/// A source position: file as given, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub file: Arc<str>,
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// Compose-specific tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tag {
    #[default]
    None,
    /// `!reset`: remove the value (and whatever lower layers or `extends` provided).
    Reset,
    /// `!override`: replace the lower layers' value instead of merging.
    Override,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// Raw scalar text. `plain` is true for an unquoted scalar that was not changed by
    /// interpolation (YAML would have typed it: `0440` is an octal number there).
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    pub tag: Tag,
}

impl Node {
    pub fn new(value: Value, pos: Pos) -> Node {
        Node {
            value,
            pos,
            tag: Tag::None,
        }
    }

    pub fn null(pos: Pos) -> Node {
        Node::new(Value::Null, pos)
    }

    pub fn string(text: impl Into<String>, pos: Pos) -> Node {
        Node::new(
            Value::Scalar {
                text: text.into(),
                plain: false,
            },
            pos,
        )
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    pub fn as_map(&self) -> Option<&Vec<(Key, Node)>> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Vec<(Key, Node)>> {
        match &mut self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&Vec<Node>> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.as_map_mut()?
            .iter_mut()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let m = self.as_map_mut()?;
        let i = m.iter().position(|(k, _)| k.name == key)?;
        Some(m.remove(i).1)
    }

    /// A short description of the node kind for error messages.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Scalar { .. } => "scalar",
            Value::Seq(_) => "sequence",
            Value::Map(_) => "mapping",
        }
    }
}

/// A finished anchored node with its size and height (for the alias budget).
struct Anchored {
    node: Node,
    size: usize,
    height: usize,
}

enum Frame {
    Seq {
        items: Vec<Node>,
        pos: Pos,
        tag: Tag,
        anchor: usize,
        size: usize,
        height: usize,
    },
    Map {
        entries: Vec<(Key, Node)>,
        /// Key name → line, for duplicate detection.
        seen: HashMap<String, usize>,
        pending: Option<(Key, bool)>,
        merges: Vec<Node>,
        pos: Pos,
        tag: Tag,
        anchor: usize,
        size: usize,
        height: usize,
    },
}

struct Builder {
    file: Arc<str>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    names: HashMap<usize, String>,
    nodes: usize,
    root: Option<Node>,
}

fn tag_of(tag: Option<&granit_parser::Tag>) -> (Tag, bool) {
    match tag {
        None => (Tag::None, false),
        Some(t) => {
            let local = t.handle() == "!";
            match t.suffix() {
                "reset" if local => (Tag::Reset, false),
                "override" if local => (Tag::Override, false),
                // `!!str` forces a string; other tags are ignored like compose-go does.
                "str" => (Tag::None, true),
                _ => (Tag::None, false),
            }
        }
    }
}

fn is_null_text(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

impl Builder {
    fn pos(&self, m: &granit_parser::Marker) -> Pos {
        Pos {
            file: self.file.clone(),
            line: m.line(),
            col: m.col() + 1,
        }
    }

    fn anchor_name(&self, id: usize) -> String {
        self.names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    fn depth(&self) -> usize {
        self.stack.len()
    }

    fn push_frame(&mut self, frame: Frame, pos: &Pos) -> Result<(), LoadError> {
        if self.depth() + 1 > MAX_DEPTH {
            return Err(LoadError::syntax(
                pos,
                format!("document nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.count(1, pos)?;
        self.stack.push(frame);
        Ok(())
    }

    fn count(&mut self, n: usize, pos: &Pos) -> Result<(), LoadError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(LoadError::syntax(
                pos,
                format!(
                    "document contains excessive aliasing (more than {MAX_NODES} nodes after expanding aliases)"
                ),
            ));
        }
        Ok(())
    }

    /// Attach a finished node to its parent (or make it the root).
    fn attach(
        &mut self,
        node: Node,
        anchor: usize,
        size: usize,
        height: usize,
    ) -> Result<(), LoadError> {
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    size,
                    height,
                },
            );
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
            }
            Some(Frame::Seq {
                items,
                size: s,
                height: h,
                ..
            }) => {
                *s += size;
                *h = (*h).max(height + 1);
                items.push(node);
            }
            Some(Frame::Map {
                entries,
                seen,
                pending,
                merges,
                size: s,
                height: h,
                ..
            }) => {
                *s += size;
                *h = (*h).max(height + 1);
                match pending.take() {
                    None => {
                        let name = match &node.value {
                            Value::Scalar { text, .. } => text.clone(),
                            Value::Null => String::new(),
                            _ => {
                                return Err(LoadError::syntax(
                                    &node.pos,
                                    format!(
                                        "a mapping key must be a scalar, not a {}",
                                        node.kind()
                                    ),
                                ));
                            }
                        };
                        let merge =
                            name == "<<" && matches!(node.value, Value::Scalar { plain: true, .. });
                        if !merge {
                            if let Some(line) = seen.get(&name) {
                                return Err(LoadError::syntax(
                                    &node.pos,
                                    format!("mapping key {name:?} already defined at line {line}"),
                                ));
                            }
                            seen.insert(name.clone(), node.pos.line);
                        }
                        *pending = Some((
                            Key {
                                name,
                                pos: node.pos,
                            },
                            merge,
                        ));
                    }
                    Some((_, true)) => merges.push(node),
                    Some((key, false)) => entries.push((key, node)),
                }
            }
        }
        Ok(())
    }

    fn event(&mut self, ev: Event<'_>, span: &granit_parser::Span) -> Result<(), LoadError> {
        let pos = self.pos(&span.start);
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let (tag, force_str) = tag_of(tag.as_deref());
                let plain = style == ScalarStyle::Plain && !force_str;
                let value = if plain && is_null_text(&text) {
                    Value::Null
                } else {
                    Value::Scalar {
                        text: text.into_owned(),
                        plain,
                    }
                };
                self.count(1, &pos)?;
                self.attach(Node { value, pos, tag }, anchor, 1, 1)?;
            }
            Event::SequenceStart(_, anchor, tag) => {
                let (tag, _) = tag_of(tag.as_deref());
                let frame = Frame::Seq {
                    items: Vec::new(),
                    pos: pos.clone(),
                    tag,
                    anchor,
                    size: 1,
                    height: 1,
                };
                self.push_frame(frame, &pos)?;
            }
            Event::MappingStart(_, anchor, tag) => {
                let (tag, _) = tag_of(tag.as_deref());
                let frame = Frame::Map {
                    entries: Vec::new(),
                    seen: HashMap::new(),
                    pending: None,
                    merges: Vec::new(),
                    pos: pos.clone(),
                    tag,
                    anchor,
                    size: 1,
                    height: 1,
                };
                self.push_frame(frame, &pos)?;
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    items,
                    pos,
                    tag,
                    anchor,
                    size,
                    height,
                }) = self.stack.pop()
                {
                    self.attach(
                        Node {
                            value: Value::Seq(items),
                            pos,
                            tag,
                        },
                        anchor,
                        size,
                        height,
                    )?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    entries,
                    merges,
                    pos,
                    tag,
                    anchor,
                    size,
                    height,
                    ..
                }) = self.stack.pop()
                {
                    let entries = resolve_merges(entries, merges)?;
                    self.attach(
                        Node {
                            value: Value::Map(entries),
                            pos,
                            tag,
                        },
                        anchor,
                        size,
                        height,
                    )?;
                }
            }
            Event::Anchor(id, name) => {
                self.names.insert(id, name.into_owned());
            }
            Event::Alias(id) => {
                let Some(a) = self.anchors.get(&id) else {
                    let in_progress = self.stack.iter().any(|f| match f {
                        Frame::Seq { anchor, .. } | Frame::Map { anchor, .. } => *anchor == id,
                    });
                    let name = self.anchor_name(id);
                    let message = if in_progress {
                        format!("cycle detected: alias *{name} refers to a node that contains it")
                    } else {
                        format!("unknown anchor *{name}")
                    };
                    return Err(LoadError::syntax(&pos, message));
                };
                let (node, size, height) = (a.node.clone(), a.size, a.height);
                if self.depth() + height > MAX_DEPTH {
                    return Err(LoadError::syntax(
                        &pos,
                        format!("document nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                self.count(size, &pos)?;
                // The alias keeps the anchored node's positions: they point at the definition.
                self.attach(node, 0, size, height)?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// Apply YAML merge keys: explicit keys win, then earlier merged mappings over later ones.
fn resolve_merges(
    mut entries: Vec<(Key, Node)>,
    merges: Vec<Node>,
) -> Result<Vec<(Key, Node)>, LoadError> {
    if merges.is_empty() {
        return Ok(entries);
    }
    let mut present: std::collections::HashSet<String> =
        entries.iter().map(|(k, _)| k.name.clone()).collect();
    for merge in merges {
        let sources: Vec<Node> = match merge.value {
            Value::Map(_) => vec![merge],
            Value::Seq(items) => items,
            _ => {
                return Err(LoadError::syntax(
                    &merge.pos,
                    format!(
                        "map merge requires map or sequence of maps as the value, not a {}",
                        merge.kind()
                    ),
                ));
            }
        };
        for src in sources {
            let Value::Map(m) = src.value else {
                return Err(LoadError::syntax(
                    &src.pos,
                    format!(
                        "map merge requires map or sequence of maps as the value, not a {}",
                        src.kind()
                    ),
                ));
            };
            for (k, v) in m {
                if present.insert(k.name.clone()) {
                    entries.push((k, v));
                }
            }
        }
    }
    Ok(entries)
}

/// Parse every document of a YAML stream. An empty document is a `Null` node.
pub fn parse(src: &str, file: &str) -> Result<Vec<Node>, LoadError> {
    let mut options = granit_parser::Options::default();
    options.set_emit_comments(false);
    options.emit_anchor_events = true;
    let parser = Parser::new_from_str_with_options(src, options);
    let mut b = Builder {
        file: Arc::from(file),
        stack: Vec::new(),
        anchors: HashMap::new(),
        names: HashMap::new(),
        nodes: 0,
        root: None,
    };
    let mut docs = Vec::new();
    for item in parser {
        let (ev, span) = item.map_err(|e| {
            let m = e.marker();
            LoadError::Syntax {
                file: file.to_string(),
                line: m.line(),
                col: m.col() + 1,
                message: e.info(),
            }
        })?;
        match ev {
            Event::DocumentStart(..) => {
                b.root = None;
                b.stack.clear();
                b.anchors.clear();
                b.names.clear();
                b.nodes = 0;
            }
            Event::DocumentEnd => {
                let pos = b.pos(&span.start);
                docs.push(b.root.take().unwrap_or_else(|| Node::null(pos)));
            }
            ev => b.event(ev, &span)?,
        }
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> Node {
        parse(src, "t.yaml").unwrap().remove(0)
    }

    #[test]
    fn scalars_keep_raw_text_and_nulls() {
        let n = one("a: yes\nb: 0440\nc: ~\nd:\ne: 'null'\nf: !!str 12\n");
        assert_eq!(
            n.get("a").unwrap().value,
            Value::Scalar {
                text: "yes".into(),
                plain: true
            }
        );
        assert_eq!(n.get("b").unwrap().as_scalar(), Some("0440"));
        assert!(n.get("c").unwrap().is_null());
        assert!(n.get("d").unwrap().is_null());
        assert_eq!(
            n.get("e").unwrap().value,
            Value::Scalar {
                text: "null".into(),
                plain: false
            }
        );
        assert_eq!(
            n.get("f").unwrap().value,
            Value::Scalar {
                text: "12".into(),
                plain: false
            }
        );
    }

    #[test]
    fn positions_are_one_based() {
        let n = one("services:\n  web:\n    image: x\n");
        let img = n
            .get("services")
            .unwrap()
            .get("web")
            .unwrap()
            .get("image")
            .unwrap();
        assert_eq!((img.pos.line, img.pos.col), (3, 12));
    }

    #[test]
    fn merge_keys_and_tags() {
        let n = one(
            "a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nc:\n  <<: [*a, *b]\n  x: 0\nd: !reset []\ne: !override [1]\n",
        );
        let c = n.get("c").unwrap();
        assert_eq!(c.get("x").unwrap().as_scalar(), Some("0"));
        assert_eq!(c.get("y").unwrap().as_scalar(), Some("2"));
        assert_eq!(c.get("z").unwrap().as_scalar(), Some("4"));
        assert_eq!(n.get("d").unwrap().tag, Tag::Reset);
        assert_eq!(n.get("e").unwrap().tag, Tag::Override);
    }

    #[test]
    fn errors() {
        let e = parse("a: &s x\nb:\n  <<: *s\n", "t.yaml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("map merge requires map"), "{e}");
        let e = parse("x: &h\n  y:\n    <<: *h\n", "t.yaml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("cycle detected"), "{e}");
        let e = parse("a: 1\na: 2\n", "t.yaml").unwrap_err().to_string();
        assert_eq!(e, "t.yaml:2:1: mapping key \"a\" already defined at line 1");
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        assert!(parse(&deep, "t.yaml").is_err());
    }
}
