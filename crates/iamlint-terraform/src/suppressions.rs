//! `# iamlint:ignore RULE[,RULE…] -- reason` comments (also `//`), found by a light scan of the
//! source that skips strings and heredoc bodies, so a policy that merely contains the words is
//! never taken for a suppression.

use iamlint_model::{FileId, Location, Suppression};

const MARKER: &str = "iamlint:ignore";

pub fn scan(file: FileId, text: &str) -> Vec<Suppression> {
    // Most files have none: one substring search instead of a line-by-line scan.
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut heredoc_end: Option<String> = None;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if let Some(end) = &heredoc_end {
            if body.trim() == end {
                heredoc_end = None;
            }
            continue;
        }
        let (comment, opens) = split_comment(body);
        heredoc_end = opens;
        if let Some(at) = comment
            && let Some(s) = parse(&body[at..], file, index as u32 + 1, start + at)
        {
            out.push(s);
        }
    }
    out
}

/// Finds where a line comment starts (outside strings) and whether the line opens a heredoc.
fn split_comment(line: &str) -> (Option<usize>, Option<String>) {
    let bytes = line.as_bytes();
    let (mut in_str, mut i) = (false, 0);
    let mut heredoc = None;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'#' if !in_str => return (Some(i), heredoc),
            b'/' if !in_str && bytes.get(i + 1) == Some(&b'/') => return (Some(i), heredoc),
            b'<' if !in_str && line[i..].starts_with("<<") => {
                let rest = line[i + 2..].trim_start_matches('-');
                let ident: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !ident.is_empty() {
                    heredoc = Some(ident);
                }
            }
            _ => {}
        }
        i += 1;
    }
    (None, heredoc)
}

fn parse(comment: &str, file: FileId, line: u32, start: usize) -> Option<Suppression> {
    let text = comment.trim_start_matches(['#', '/']).trim_start();
    let rest = text.strip_prefix(MARKER)?;
    let (rules, reason) = match rest.split_once("--") {
        Some((rules, reason)) => (
            rules,
            Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
        ),
        None => (rest, None),
    };
    let rules = rules
        .split([',', ' '])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(String::from)
        .collect();
    Some(Suppression {
        file,
        line,
        rules,
        reason,
        loc: Location::new(file, start, start + comment.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_with_rules_and_reasons() {
        let text = "a = 1 # iamlint:ignore full-admin-access, allow-not-action -- break-glass role\n// iamlint:ignore x\n";
        let s = scan(FileId(0), text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].rules, ["full-admin-access", "allow-not-action"]);
        assert_eq!(s[0].reason.as_deref(), Some("break-glass role"));
        assert_eq!(s[0].line, 1);
        assert_eq!(s[1].reason, None);
        assert_eq!(s[1].line, 2);
    }

    #[test]
    fn ignores_strings_and_heredocs() {
        let text = "a = \"# iamlint:ignore x -- y\"\nb = <<EOF\n# iamlint:ignore x -- y\nEOF\n";
        assert!(scan(FileId(0), text).is_empty());
    }
}
