//! Syntax that Terraform accepts and hcl-edit rejects (see "Parser pitfalls" in DESIGN.md),
//! made parseable by same-length rewrites, so that every byte offset — every reported line and
//! column — stays exact. A rewrite is tried only when the plain parse fails, and the original
//! error is reported if it does not help.
//!
//! - Newlines inside `( )`, `[ ]` and `{ for … }` are insignificant in HCL, but hcl-edit rejects
//!   them after `?` or `:` in a `for` expression's value: they become spaces.
//! - Duplicate keys in an object constructor (`{ min = 1, min = 3 }`): Terraform keeps the
//!   last; the earlier entries are blanked out.
//!
//! And one guard: a file whose grouping parentheses nest deeper than [`MAX_GROUPING_DEPTH`] is
//! not given to hcl-edit at all (see [`too_deep`]).

use hcl_edit::structure::Body;
use hcl_edit::template::Template;

/// Bytes parsed again, in all, while working around duplicate object keys in one file.
const MAX_REPARSED_BYTES: usize = 16 << 20;

/// Grouping parentheses (`(` that is not a function call's) and indexes (`a[…]`) open at once,
/// at most. hcl-edit parses a failing expression inside `a - ( … )` or `a + b[ … ]` twice at
/// each such level, so its time doubles per level (found by fuzzing: 395 bytes of parentheses
/// took 13 s; at 16 levels the same shape takes 0.1 s). Real Terraform nests them a few levels
/// deep at most; function calls and lists nest freely.
pub const MAX_GROUPING_DEPTH: usize = 16;

/// Why a file was not parsed, and where.
#[derive(Debug)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

impl From<hcl_edit::parser::Error> for SyntaxError {
    fn from(e: hcl_edit::parser::Error) -> SyntaxError {
        SyntaxError {
            offset: e.location().offset(),
            message: e.message().to_string(),
        }
    }
}

pub fn parse_body(input: &str) -> Result<Body, SyntaxError> {
    if let Some(at) = too_deep(input, Mode::Body) {
        return Err(too_deep_error(at));
    }
    Ok(parse_checked(input)?)
}

/// A template (a `templatefile()` file, a `.tf.json` string), parsed under the same guard.
pub fn parse_template(input: &str) -> Result<Template, SyntaxError> {
    if let Some(at) = too_deep(input, Mode::Template) {
        return Err(too_deep_error(at));
    }
    Ok(hcl_edit::parser::parse_template(input)?)
}

fn too_deep_error(at: usize) -> SyntaxError {
    SyntaxError {
        offset: at,
        message: format!(
            "parentheses, indexes or interpolations nest more than {MAX_GROUPING_DEPTH} levels \
             deep here: iamlint does not parse this (hcl-edit's time doubles with each level)"
        ),
    }
}

fn parse_checked(input: &str) -> Result<Body, hcl_edit::parser::Error> {
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

/// Where a grouping parenthesis opens beyond [`MAX_GROUPING_DEPTH`] levels, if one does.
fn too_deep(text: &str, mode: Mode) -> Option<usize> {
    // Most files do not hold that many brackets at all: no scan.
    let brackets = text
        .bytes()
        .filter(|&c| c == b'(' || c == b'[' || c == b'{')
        .count();
    if brackets <= MAX_GROUPING_DEPTH {
        return None;
    }
    // Per open `(` or `[`: whether it counts — a grouping parenthesis or an index
    // (`a[…]`), not a call's parenthesis or a list.
    let mut open: Vec<bool> = Vec::new();
    let mut depth = 0;
    let mut found = None;
    scan_code(text, mode, |i, c, stack, previous| {
        // A heredoc is a template of its own.
        if c == b'<' && found.is_none() && text[i..].starts_with("<<") {
            if let Some(end) = heredoc_end(text, i) {
                let body = text[i..end].find('\n').map_or(end, |n| i + n + 1);
                if let Some(at) = too_deep(&text[body..end], Mode::Template) {
                    found = Some(body + at);
                }
            }
            return;
        }
        let after_term = previous.is_ascii_alphanumeric() || previous == b'_';
        // Interpolations in strings in interpolations count as levels too.
        if found.is_none()
            && stack.len() > MAX_GROUPING_DEPTH / 2
            && depth + nested_interpolations(stack) > MAX_GROUPING_DEPTH
        {
            found = Some(i);
        }
        match c {
            b'(' | b'[' if found.is_none() => {
                // A call's `(` follows its function's name; an index's `[` follows what it
                // indexes; a list's `[` follows an operator or a separator.
                let counts = match c {
                    b'(' => !after_term,
                    _ => after_term || matches!(previous, b']' | b')'),
                };
                open.push(counts);
                depth += usize::from(counts);
                if depth + nested_interpolations(stack) > MAX_GROUPING_DEPTH {
                    found = Some(i);
                }
            }
            b')' | b']' => depth -= usize::from(open.pop().unwrap_or(false)),
            _ => {}
        }
    });
    found
}

/// Interpolations open inside another one (`"${ "${ … }" }"`): each is a level of nesting.
fn nested_interpolations(stack: &[Bracket]) -> usize {
    stack
        .iter()
        .filter(|b| **b == Bracket::Interpolation)
        .count()
        .saturating_sub(1)
}

/// What a byte is part of.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Bracket {
    Paren,
    Square,
    Brace,
    /// `{ for … }`
    ForBrace,
    /// `${ … }` or `%{ … }` in a string or template.
    Interpolation,
}

/// What a text is: a file of HCL (a body) or a template, which is literal text around its
/// `${ … }` and `%{ … }`.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Body,
    Template,
}

/// Walks the code of an HCL file or template — not strings, heredocs or comments — calling
/// `visit` for each code byte with the brackets open around it.
fn scan(text: &str, mode: Mode, mut visit: impl FnMut(usize, u8, &[Bracket])) {
    walk(text, mode, false, |i, c, stack, _| visit(i, c, stack));
}

/// [`scan`] for visitors that look only at brackets, quotes, comments, heredocs and line ends,
/// and at the first byte of each interpolation: the other code bytes are skipped, and each
/// visit is told the last code byte before it that is not whitespace. Every file goes through
/// this before it is parsed, so it must cost little next to the parse.
fn scan_code(text: &str, mode: Mode, visit: impl FnMut(usize, u8, &[Bracket], u8)) {
    walk(text, mode, true, visit);
}

/// Code bytes a [`scan_code`] visitor never needs to see, and which of them are whitespace:
/// a table, since every byte of every file is looked up here.
const PLAIN: [u8; 256] = {
    let mut table = [PLAIN_TERM; 256];
    let special = b"\"#/<([{)]}\n\r";
    let mut k = 0;
    while k < special.len() {
        table[special[k] as usize] = 0;
        k += 1;
    }
    let space = b" \t\x0c";
    let mut k = 0;
    while k < space.len() {
        table[space[k] as usize] = PLAIN_SPACE;
        k += 1;
    }
    table
};
const PLAIN_TERM: u8 = 1;
const PLAIN_SPACE: u8 = 2;

fn walk(
    text: &str,
    mode: Mode,
    skip_plain: bool,
    mut visit: impl FnMut(usize, u8, &[Bracket], u8),
) {
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
    // A template is one string that no quote ends and no backslash escapes in.
    if mode == Mode::Template {
        strings.push(0);
        state = State::Str;
    }
    let outermost = |strings: &[usize]| mode == Mode::Template && strings.len() == 1;
    // The last visited code byte that is not whitespace.
    let mut previous = b' ';
    // An interpolation just opened: its first byte is visited, plain or not (the nesting it
    // adds is seen there).
    let mut opened = false;
    let mut i = 0;
    while i < b.len() {
        // Runs of bytes no visitor of this walk needs (and, in any walk, the inside of strings
        // and comments) are passed over in tight loops.
        match state {
            State::Code if skip_plain && !opened => {
                while let Some(&c) = b.get(i) {
                    match PLAIN[c as usize] {
                        PLAIN_TERM => previous = c,
                        PLAIN_SPACE => {}
                        _ => break,
                    }
                    i += 1;
                }
            }
            State::Str => {
                while i < b.len() && !matches!(b[i], b'\\' | b'"' | b'$' | b'%') {
                    i += 1;
                }
            }
            State::LineComment => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            State::BlockComment => {
                while i < b.len() && b[i] != b'*' {
                    i += 1;
                }
            }
            State::Code => {}
        }
        opened = false;
        let Some(&c) = b.get(i) else {
            break;
        };
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
                            // The heredoc's start, for visitors that read its template.
                            visit(i, c, &stack, previous);
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
                    visit(i, c, &stack, previous);
                    // What a heredoc's `<<` follows is what the heredoc follows.
                    let heredoc = c == b'<' && b.get(i + 1) == Some(&b'<');
                    if !c.is_ascii_whitespace() && !heredoc {
                        previous = c;
                    }
                }
            }
            State::Str => match c {
                b'\\' | b'"' if outermost(&strings) => {}
                b'\\' => i += 1,
                b'"' => {
                    strings.pop();
                    state = State::Code;
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') && !(i > 0 && b[i - 1] == c) => {
                    // An interpolation: code until its closing brace.
                    stack.push(Bracket::Interpolation);
                    if let Some(top) = strings.last_mut() {
                        *top = stack.len();
                    }
                    state = State::Code;
                    opened = true;
                    i += 1;
                }
                _ => {}
            },
            State::LineComment => {
                if c == b'\n' {
                    state = State::Code;
                    visit(i, c, &stack, previous);
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
    scan(input, Mode::Body, |i, c, stack| {
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
    scan(text, Mode::Body, |i, c, stack| {
        if i < at {
            code.push((i, c, stack.len()));
            if c == b'{' {
                open = Some((i, stack.len()));
            }
        }
    });
    // The innermost `{` still open at `at`.
    let mut depth_at = 0;
    scan(text, Mode::Body, |i, _, stack| {
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
        scan(src, Mode::Body, |i, c, stack| {
            if matches!(c, b'(' | b'[') {
                seen.push((i, stack.len()));
            }
        });
        assert!(seen.is_empty(), "{seen:?}");
    }

    #[test]
    fn code_bytes_of_characters_beyond_ascii_are_passed_over() {
        // A multi-byte character in code, right before brackets and a `<<`: never sliced.
        let src = format!("t = é{}1{} <é <<é\n", "(".repeat(17), ")".repeat(17));
        assert!(parse_body(&src).is_err());
        // To the guard `é` is no name, so its parentheses group: refused at the 17th.
        assert_eq!(too_deep(&src, Mode::Body), Some(6 + 16));
        let call = src.replace('é', "e");
        assert_eq!(too_deep(&call, Mode::Body), None, "`e(` is a call");
    }

    #[test]
    fn deep_grouping_is_refused_before_parsing_and_calls_nest_freely() {
        let deep = format!("t = {}1{}\n", "-(".repeat(17), ")".repeat(17));
        let err = parse_body(&deep).unwrap_err();
        assert_eq!(err.offset, 4 + 16 * 2 + 1, "at the 17th `(`");
        assert!(
            err.message.contains("more than 16 levels"),
            "{}",
            err.message
        );
        let allowed = format!("t = {}1{}\n", "-(".repeat(16), ")".repeat(16));
        assert!(parse_body(&allowed).is_ok());
        let calls = format!("t = {}1{}\n", "f(".repeat(40), ")".repeat(40));
        assert!(too_deep(&calls, Mode::Body).is_none());
        // Closed groups do not add up, and parentheses in strings and comments are not code.
        let siblings = format!("t = [{}]\n", "((1)),".repeat(40));
        assert!(too_deep(&siblings, Mode::Body).is_none());
        // Indexes count, lists do not.
        let indexes = format!("t = {}x{}\n", "a+b[c+".repeat(17), "]".repeat(17));
        assert!(
            parse_body(&indexes)
                .unwrap_err()
                .message
                .contains("indexes")
        );
        let lists = format!("t = {}1{}\n", "[".repeat(40), "]".repeat(40));
        assert!(too_deep(&lists, Mode::Body).is_none());
        // Strings in interpolations in strings, each a level.
        let strings = format!("t = {}x{}\n", "\"${a+".repeat(18), "}\"".repeat(18));
        assert!(parse_body(&strings).is_err());
        let shallow = format!("t = {}x{}\n", "\"${a+".repeat(4), "}\"".repeat(4));
        assert!(parse_body(&shallow).is_ok(), "{shallow}");
        // Inside a heredoc too, located in the file.
        let heredoc = format!(
            "t = <<EOT\n${{{}1{}}}\nEOT\n",
            "-(".repeat(17),
            ")".repeat(17)
        );
        let err = parse_body(&heredoc).unwrap_err();
        assert_eq!(
            err.offset,
            heredoc.find("-(").unwrap() + 16 * 2 + 1,
            "{}",
            err.message
        );
        let quoted = format!("t = \"{}\" # {}\n", "(".repeat(40), "(".repeat(40));
        assert!(too_deep(&quoted, Mode::Body).is_none());
        // In a template, only what is inside `${ }` and `%{ }` is code; quotes are literal.
        let prose = format!("\"{} ${{x}}\\\n", "(".repeat(40));
        assert!(too_deep(&prose, Mode::Template).is_none());
        let deep = format!("a \" ${{{}1{}}} b", "-(".repeat(17), ")".repeat(17));
        let err = parse_template(&deep).unwrap_err();
        assert!(
            err.message.contains("more than 16 levels"),
            "{}",
            err.message
        );
        let allowed = format!("a \" ${{{}1{}}} b", "-(".repeat(16), ")".repeat(16));
        assert!(parse_template(&allowed).is_ok());
    }

    #[test]
    fn other_errors_are_reported_as_they_were() {
        let err = parse_body("a = \n").unwrap_err();
        assert!(
            err.message.contains("invalid expression"),
            "{}",
            err.message
        );
    }
}
