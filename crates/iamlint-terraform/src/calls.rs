//! The `source` of every `module` block in a file, found by a light tokenizer instead of a full
//! parse, so that root modules can be known before anything is parsed. The loader checks the
//! guess against what evaluation finds (see `files.rs`): a miss costs time, never findings.

/// Tokens that matter here.
#[derive(Debug, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Open,
    Close,
    Equals,
}

fn tokens(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' => i = text[i..].find('\n').map_or(b.len(), |n| i + n),
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(b.len(), |n| i + n)
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |n| i + n + 4)
            }
            b'<' if b.get(i + 1) == Some(&b'<') => {
                // A heredoc: skip to its closing line.
                let rest = text[i + 2..].trim_start_matches('-');
                let ident: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let body = text[i..].find('\n').map_or(b.len(), |n| i + n + 1);
                i = body;
                if !ident.is_empty() {
                    let mut at = body;
                    for line in text[body..].split_inclusive('\n') {
                        at += line.len();
                        if line.trim() == ident {
                            break;
                        }
                    }
                    i = at;
                }
            }
            b'"' => {
                let (s, end) = string(text, i);
                out.push(Token::Str(s));
                i = end;
            }
            b'{' => {
                out.push(Token::Open);
                i += 1;
            }
            b'}' => {
                out.push(Token::Close);
                i += 1;
            }
            b'=' if b.get(i + 1) != Some(&b'=') && b.get(i + 1) != Some(&b'>') => {
                out.push(Token::Equals);
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let len = text[i..]
                    .find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '-'))
                    .unwrap_or(b.len() - i);
                out.push(Token::Ident(text[i..i + len].to_string()));
                i += len;
            }
            _ => i += 1,
        }
    }
    out
}

/// A quoted string at `start`: its text (interpolations kept raw) and where it ends. Braces of
/// `${…}` are balanced so a quote inside an interpolation does not end it.
fn string(text: &str, start: usize) -> (String, usize) {
    let b = text.as_bytes();
    let mut i = start + 1;
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth > 0 => depth -= 1,
            b'"' if depth == 0 => return (text[start + 1..i].to_string(), i + 1),
            b'\n' if depth == 0 => break,
            _ => {}
        }
        i += 1;
    }
    let end = i.min(b.len());
    (text[start + 1..end].to_string(), end)
}

/// The `source` of each top-level `module "name" { … }` block of an HCL file.
pub fn module_sources(text: &str) -> Vec<String> {
    // Most files call no module: one substring search instead of tokenizing them.
    if !text.contains("module") {
        return Vec::new();
    }
    let toks = tokens(text);
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut in_module = false;
    for (i, tok) in toks.iter().enumerate() {
        match tok {
            Token::Open => depth += 1,
            Token::Close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    in_module = false;
                }
            }
            Token::Ident(id) if depth == 0 && id == "module" => {
                in_module = matches!(
                    (toks.get(i + 1), toks.get(i + 2)),
                    (Some(Token::Str(_)), Some(Token::Open))
                );
            }
            Token::Ident(id) if in_module && depth == 1 && id == "source" => {
                if let (Some(Token::Equals), Some(Token::Str(s))) =
                    (toks.get(i + 1), toks.get(i + 2))
                {
                    out.push(s.clone());
                }
            }
            _ => {}
        }
    }
    out
}

/// The same for a `.tf.json` file: `{"module": {"name": {"source": "…"}}}`.
pub fn module_sources_json(root: &iamlint_model::Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(modules) = root.get("module") else {
        return out;
    };
    let blocks: Vec<&iamlint_model::Value> = match &modules.data {
        iamlint_model::Data::List(items) => items.iter().collect(),
        _ => vec![modules],
    };
    for block in blocks {
        for (_, call) in block.as_object().unwrap_or_default() {
            if let Some(s) = call.get("source").and_then(|s| s.as_known_str()) {
                out.push(s.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_module_sources_only() {
        let text = "
# module \"commented\" { source = \"./no\" }
module \"a\" {
  source = \"./modules/a\"   // trailing
  x = { source = \"./not-this\" }
}
resource \"aws_s3_object\" \"o\" {
  source = \"./file.txt\"
}
locals {
  h = <<TXT
module \"in_heredoc\" { source = \"./no\" }
TXT
}
module \"b\" {
  for_each = toset([\"x\"])
  source   = \"../shared/b\"
  name     = \"${each.key}-}\"
}
";
        assert_eq!(module_sources(text), ["./modules/a", "../shared/b"]);
    }
}
