//! The IAM graph as DOT (Graphviz), Mermaid or JSON, for people: one cluster per module.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use iamlint_model::graph::{Edge, EdgeKind, Graph, Node, NodeKind};
use iamlint_model::{Location, SourceMap};

/// `path:line:column` of each place that proves an edge.
fn places(e: &Edge, sources: &SourceMap) -> Vec<(String, u32, u32)> {
    e.at.iter()
        .map(|&loc: &Location| {
            let file = sources.get(loc.file);
            let at = file.line_col(loc.start);
            (file.path.clone(), at.line, at.column)
        })
        .collect()
}

/// Nodes grouped by root module and module: what no root owns first, then each root's own
/// module before the modules it calls.
fn by_module(graph: &Graph) -> BTreeMap<(&str, &str), Vec<&Node>> {
    let mut out: BTreeMap<(&str, &str), Vec<&Node>> = BTreeMap::new();
    for n in &graph.nodes {
        out.entry((&n.root, &n.module)).or_default().push(n);
    }
    out
}

/// A cluster's title: the root module's directory (when the picture has several) and the
/// module instance; empty for nodes drawn outside any cluster.
fn cluster_title(root: &str, module: &str) -> String {
    match (root.is_empty(), module.is_empty()) {
        (_, true) => root.to_string(),
        (true, false) => module.to_string(),
        (false, false) => format!("{root}: {module}"),
    }
}

/// What a node is called in a picture: its address without the root and module, and what it
/// is.
fn label(n: &Node) -> String {
    let address = n.address();
    let short = address
        .strip_prefix(&n.module)
        .unwrap_or(address)
        .trim_start_matches('.');
    let short = short
        .strip_prefix("arn:aws:iam::aws:policy/")
        .unwrap_or(short);
    let access = if n.access.is_empty() {
        String::new()
    } else {
        format!(" ({})", n.access)
    };
    format!("{short}{access}")
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

pub fn dot(graph: &Graph, sources: &SourceMap) -> String {
    let mut out = String::from(
        "digraph iam {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    for (i, ((root, module), nodes)) in by_module(graph).into_iter().enumerate() {
        let title = cluster_title(root, module);
        let indent = if title.is_empty() { "  " } else { "    " };
        if !title.is_empty() {
            let _ = writeln!(
                out,
                "  subgraph \"cluster_{i}\" {{\n    label=\"{}\";\n    style=rounded;",
                dot_escape(&title)
            );
        }
        for n in nodes {
            let shape = match n.kind {
                NodeKind::User => "box",
                NodeKind::Group => "folder",
                NodeKind::Role => "ellipse",
                NodeKind::Policy => "note",
                NodeKind::ManagedPolicy => "note, style=dashed",
                NodeKind::InstanceProfile => "cds",
                NodeKind::Wearer => "component",
                NodeKind::Service => "hexagon",
                NodeKind::RoleSet => "ellipse, peripheries=2",
                NodeKind::Guarded => "cylinder",
                NodeKind::Outside => "box, style=dashed",
            };
            let color = if n.admin {
                ", color=red, fontcolor=red"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "{indent}\"{}\" [label=\"{}\", shape={shape}{color}];",
                dot_escape(&n.id),
                dot_escape(&label(n))
            );
        }
        if !title.is_empty() {
            out.push_str("  }\n");
        }
    }
    for e in &graph.edges {
        let style = match e.kind {
            EdgeKind::AttachedTo => "style=dotted",
            EdgeKind::BoundedBy => "style=dotted, color=gray40",
            EdgeKind::MemberOf | EdgeKind::InProfile => "style=solid",
            EdgeKind::Wears if e.label.ends_with("(not trusted)") => "color=red, fontcolor=red",
            EdgeKind::Wears => "color=darkorange",
            EdgeKind::MayAssume => "color=blue",
            EdgeKind::MayPass => "color=purple, style=dashed",
            EdgeKind::Includes => "style=dotted, color=gray40",
            EdgeKind::MayAccess if e.from == "*" => "color=red, fontcolor=red",
            EdgeKind::MayAccess => "color=darkgreen",
        };
        let text = if e.label.is_empty() {
            e.kind.as_str().to_string()
        } else {
            format!("{}: {}", e.kind.as_str(), e.label)
        };
        // Where it is written: a tooltip in rendered SVG.
        let proof: Vec<String> = places(e, sources)
            .into_iter()
            .map(|(path, line, column)| format!("{path}:{line}:{column}"))
            .collect();
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\" [label=\"{}\", tooltip=\"{}\", {style}];",
            dot_escape(&e.from),
            dot_escape(&e.to),
            dot_escape(&text),
            dot_escape(&proof.join(" "))
        );
    }
    out.push_str("}\n");
    out
}

pub fn mermaid(graph: &Graph) -> String {
    // Mermaid ids must be plain: number the nodes.
    let ids: BTreeMap<&str, String> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), format!("n{i}")))
        .collect();
    let quote = |s: &str| s.replace('"', "#quot;");
    let mut out = String::from("flowchart LR\n");
    for (i, ((root, module), nodes)) in by_module(graph).into_iter().enumerate() {
        let title = cluster_title(root, module);
        let indent = if title.is_empty() { "  " } else { "    " };
        if !title.is_empty() {
            let _ = writeln!(out, "  subgraph m{i}[\"{}\"]", quote(&title));
        }
        for n in nodes {
            let text = quote(&format!("{}: {}", n.kind.as_str(), label(n)));
            let id = &ids[n.id.as_str()];
            let _ = match n.kind {
                NodeKind::Role => writeln!(out, "{indent}{id}([\"{text}\"])"),
                NodeKind::User | NodeKind::Group => writeln!(out, "{indent}{id}[\"{text}\"]"),
                NodeKind::Policy | NodeKind::ManagedPolicy => {
                    writeln!(out, "{indent}{id}[/\"{text}\"/]")
                }
                NodeKind::InstanceProfile => writeln!(out, "{indent}{id}>\"{text}\"]"),
                NodeKind::Wearer => writeln!(out, "{indent}{id}[[\"{text}\"]]"),
                NodeKind::Service => writeln!(out, "{indent}{id}{{{{\"{text}\"}}}}"),
                NodeKind::RoleSet => writeln!(out, "{indent}{id}(((\"{text}\")))"),
                NodeKind::Guarded => writeln!(out, "{indent}{id}[(\"{text}\")]"),
                NodeKind::Outside => writeln!(out, "{indent}{id}[\"{text}\"]"),
            };
        }
        if !title.is_empty() {
            out.push_str("  end\n");
        }
    }
    for e in &graph.edges {
        let (Some(from), Some(to)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) else {
            continue;
        };
        let arrow = match e.kind {
            EdgeKind::AttachedTo | EdgeKind::BoundedBy | EdgeKind::MayPass => "-.->",
            _ => "-->",
        };
        let text = if e.label.is_empty() {
            e.kind.as_str().to_string()
        } else {
            format!("{}: {}", e.kind.as_str(), e.label)
        };
        let _ = writeln!(out, "  {from} {arrow}|\"{}\"| {to}", quote(&text));
    }
    for n in graph.nodes.iter().filter(|n| n.admin) {
        let _ = writeln!(
            out,
            "  style {} stroke:#d00,stroke-width:2px",
            ids[n.id.as_str()]
        );
    }
    out
}

// The JSON document, serialized from borrowed parts: a tree of `serde_json::Value`s for a
// big graph costs several times the text it prints. Fields in name order, as printed.
#[derive(Serialize)]
struct JsonGraph<'a> {
    edges: Vec<JsonEdge<'a>>,
    nodes: Vec<JsonNode<'a>>,
    version: u32,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    access: &'a str,
    admin: bool,
    id: &'a str,
    kind: &'static str,
    module: &'a str,
    root: &'a str,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    at: Vec<JsonPlace>,
    from: &'a str,
    kind: &'static str,
    label: &'a str,
    to: &'a str,
}

#[derive(Serialize)]
struct JsonPlace {
    column: u32,
    line: u32,
    path: String,
}

pub fn json(graph: &Graph, sources: &SourceMap) -> String {
    let nodes = graph
        .nodes
        .iter()
        .map(|n| JsonNode {
            access: n.access,
            admin: n.admin,
            id: &n.id,
            kind: n.kind.as_str(),
            module: &n.module,
            root: &n.root,
        })
        .collect();
    let edges = graph
        .edges
        .iter()
        .map(|e| JsonEdge {
            at: places(e, sources)
                .into_iter()
                .map(|(path, line, column)| JsonPlace { column, line, path })
                .collect(),
            from: &e.from,
            kind: e.kind.as_str(),
            label: &e.label,
            to: &e.to,
        })
        .collect();
    let doc = JsonGraph {
        edges,
        nodes,
        version: 1,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
