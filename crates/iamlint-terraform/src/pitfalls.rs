//! Syntax that Terraform accepts and hcl-edit rejects (see "Parser pitfalls" in DESIGN.md),
//! made parseable by same-length rewrites, so that every byte offset — every reported line and
//! column — stays exact. A rewrite is tried only when the plain parse fails, and the original
//! error is reported if it does not help.
//!
//! - Newlines inside `( )`, `[ ]` and `{ for … }` are insignificant in HCL, but hcl-edit rejects
//!   them after `?` or `:` in a `for` expression's value: they become spaces.
//! - Duplicate keys in an object constructor (`{ min = 1, min = 3 }`): Terraform keeps the
//!   last; the earlier entries are blanked out.

use hcl_edit::structure::Body;

/// Bytes parsed again, in all, while working around duplicate object keys in one file.
const MAX_REPARSED_BYTES: usize = 16 << 20;

pub fn parse_body(input: &str) -> Result<Body, hcl_edit::parser::Error> {
    let first = match hcl_edit::parser::parse_body(input) {
        Ok(body) => return Ok(body),
        Err(e) => e,
    };
    let mut text = relax_newlines(input);
    // Nothing to work around: the first error stands, without parsing the same text again
    // (a failing parse can be slow: see fuzz/open/).
    if text == input && !first.message().contains("redefined object key") {
        return Err(first);
    }
    // Each duplicate key costs a parse of the whole file: a hostile file with thousands of
    // them must not cost thousands of parses. Real files have a few (at most a handful seen
    // in public modules); past this much reparsing the file's first error stands.
    let reparses = (MAX_REPARSED_BYTES / input.len().max(1)).clamp(1, 1000);
    for _ in 0..reparses {
        match hcl_edit::parser::parse_body(&text) {
            Ok(body) => return Ok(body),
            Err(e) if e.message().contains("redefined object key") => {
                match blank_earlier_duplicate(&text, e.location().offset()) {
                    Some(fixed) => text = fixed,
                    None => return Err(first),
                }
            }
            Err(_) => return Err(first),
        }
    }
    Err(first)
}

/// What a byte is part of.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Bracket {
    Paren,
    Square,
    Brace,
    /// `{ for … }`
    ForBrace,
}

/// Walks the code of an HCL file — not strings, heredocs or comments — calling `visit` for each
/// code byte with the brackets open around it.
fn scan(text: &str, mut visit: impl FnMut(usize, u8, &[Bracket])) {
    #[derive(PartialEq)]
    enum State {
        Code,
        Str,
        LineComment,
        BlockComment,
    }
    let b = text.as_bytes();
    let mut stack: Vec<Bracket> = Vec::new();
    // Each open string, with the bracket depth of the interpolation it opened at.
    let mut strings: Vec<usize> = Vec::new();
    let mut state = State::Code;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match state {
            State::Code => {
                match c {
                    b'"' => {
                        strings.push(stack.len());
                        state = State::Str;
                    }
                    b'#' => state = State::LineComment,
                    b'/' if b.get(i + 1) == Some(&b'/') => state = State::LineComment,
                    b'/' if b.get(i + 1) == Some(&b'*') => {
                        state = State::BlockComment;
                        i += 1;
                    }
                    b'<' if b.get(i + 1) == Some(&b'<') => {
                        if let Some(end) = heredoc_end(text, i) {
                            i = end;
                            continue;
                        }
                    }
                    b'(' => stack.push(Bracket::Paren),
                    b'[' => stack.push(Bracket::Square),
                    b'{' => {
                        let rest = text[i + 1..].trim_start();
                        let is_for = rest.starts_with("for")
                            && rest[3..].starts_with(|ch: char| ch.is_whitespace());
                        stack.push(if is_for {
                            Bracket::ForBrace
                        } else {
                            Bracket::Brace
                        });
                    }
                    b')' | b']' => {
                        stack.pop();
                    }
                    b'}' => {
                        stack.pop();
                        // The end of an interpolation: back into its string.
                        if strings.last().is_some_and(|&d| d == stack.len() + 1) {
                            state = State::Str;
                            i += 1;
                            continue;
                        }
                    }
                    _ => {}
                }
                if state == State::Code || matches!(c, b'"' | b'#' | b'/') {
                    visit(i, c, &stack);
                }
            }
            State::Str => match c {
                b'\\' => i += 1,
                b'"' => {
                    strings.pop();
                    state = State::Code;
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') && !(i > 0 && b[i - 1] == c) => {
                    // An interpolation: code until its closing brace.
                    stack.push(Bracket::Brace);
                    if let Some(top) = strings.last_mut() {
                        *top = stack.len();
                    }
                    state = State::Code;
                    i += 1;
                }
                _ => {}
            },
            State::LineComment => {
                if c == b'\n' {
                    state = State::Code;
                    visit(i, c, &stack);
                }
            }
            State::BlockComment => {
                if c == b'*' && b.get(i + 1) == Some(&b'/') {
                    state = State::Code;
                    i += 1;
                }
            }
        }
        i += 1;
    }
}

/// Where a heredoc starting at `i` (`<<EOF` or `<<-EOF`) ends: after its closing line.
fn heredoc_end(text: &str, i: usize) -> Option<usize> {
    let rest = &text[i + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let ident: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if ident.is_empty() {
        return None;
    }
    let line_end = text[i..].find('\n')? + i + 1;
    let mut at = line_end;
    for line in text[line_end..].split_inclusive('\n') {
        at += line.len();
        if line.trim() == ident {
            return Some(at - line.len() + line.trim_end_matches(['\n', '\r']).len());
        }
    }
    None
}

/// Newlines inside `( )`, `[ ]` and `{ for … }` become spaces.
fn relax_newlines(input: &str) -> String {
    let mut bytes = input.as_bytes().to_vec();
    scan(input, |i, c, stack| {
        if matches!(c, b'\n' | b'\r')
            && matches!(
                stack.last(),
                Some(Bracket::Paren | Bracket::Square | Bracket::ForBrace)
            )
        {
            bytes[i] = b' ';
        }
    });
    // Only ASCII bytes were replaced by ASCII: still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|_| input.to_string())
}

/// The parser stopped at a key already present in its object (`at`). Blanks the earlier entry
/// with that key, so the later one wins, as in Terraform.
fn blank_earlier_duplicate(text: &str, at: usize) -> Option<String> {
    let key = key_at(text, at)?;
    // The code bytes of the object around `at`, with their depth inside it.
    let mut open = None;
    let mut code: Vec<(usize, u8, usize)> = Vec::new();
    scan(text, |i, c, stack| {
        if i < at {
            code.push((i, c, stack.len()));
            if c == b'{' {
                open = Some((i, stack.len()));
            }
        }
    });
    // The innermost `{` still open at `at`.
    let mut depth_at = 0;
    scan(text, |i, _, stack| {
        if i == at {
            depth_at = stack.len();
        }
    });
    let (start, _) = code
        .iter()
        .rev()
        .find(|&&(_, c, d)| c == b'{' && d == depth_at)
        .map(|&(i, _, d)| (i, d))
        .or(open)?;
    // Entries of that object: separated by newlines or commas at its own depth.
    let mut entry_start = start + 1;
    let mut entries = Vec::new();
    for &(i, c, d) in code.iter().filter(|&&(i, _, _)| i > start) {
        if d == depth_at && matches!(c, b'\n' | b',') {
            entries.push((entry_start, i, c == b','));
            entry_start = i + 1;
        }
    }
    let (s, e, comma) = *entries.iter().find(|&&(s, e, _)| {
        key_at(text, s + text[s..e].len() - text[s..e].trim_start().len()) == Some(key.clone())
    })?;
    let mut bytes = text.as_bytes().to_vec();
    for b in &mut bytes[s..e + usize::from(comma)] {
        if *b != b'\n' {
            *b = b' ';
        }
    }
    String::from_utf8(bytes).ok()
}

/// The object key (identifier or quoted string) starting at `at`.
fn key_at(text: &str, at: usize) -> Option<String> {
    let rest = text.get(at..)?;
    if let Some(quoted) = rest.strip_prefix('"') {
        return quoted.split('"').next().map(str::to_string);
    }
    let ident: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    (!ident.is_empty()).then_some(ident)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_in_for_values_parse_with_offsets_kept() {
        let src = "locals {\n  m = { for k in [\"a\"] : k => true ? \"x\" :\n    \"y\" }\n  # a comment (\n  z = 1\n}\n";
        assert!(hcl_edit::parser::parse_body(src).is_err());
        let relaxed = relax_newlines(src);
        assert_eq!(relaxed.len(), src.len());
        assert!(parse_body(src).is_ok());
        // A newline that ends a comment, or separates attributes, stays.
        assert_eq!(relaxed.matches('\n').count(), src.matches('\n').count() - 1);
    }

    #[test]
    fn duplicate_keys_keep_the_last() {
        let src =
            "locals {\n  o = { min = 1, min = 3 }\n  p = {\n    a = \"x\"\n    a = \"y\"\n  }\n}\n";
        let body = parse_body(src).expect("parses");
        let text = hcl_edit::structure::Body::to_string(&body);
        assert!(
            text.contains("min = 3") && !text.contains("min = 1"),
            "{text}"
        );
        assert!(
            text.contains("a = \"y\"") && !text.contains("a = \"x\""),
            "{text}"
        );
        assert_eq!(text.len(), src.len(), "same length: offsets are kept");
    }

    #[test]
    fn strings_heredocs_and_comments_are_not_code() {
        let src = "a = \"{ for x ( \" # ( [\nb = <<EOF\n( [\nEOF\nc = \"${x} (\"\n";
        let mut seen = Vec::new();
        scan(src, |i, c, stack| {
            if matches!(c, b'(' | b'[') {
                seen.push((i, stack.len()));
            }
        });
        assert!(seen.is_empty(), "{seen:?}");
    }

    #[test]
    fn other_errors_are_reported_as_they_were() {
        let err = parse_body("a = \n").unwrap_err();
        assert!(
            err.message().contains("invalid expression"),
            "{}",
            err.message()
        );
    }
}
