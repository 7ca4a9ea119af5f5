//! IAM's wildcard matching, written for IAM: `*` matches any run of characters (none
//! included), `?` exactly one, nothing else is special (`[`, `{` are literal, unlike glob
//! libraries), and a policy variable such as `${aws:username}` in a pattern matches anything
//! it could be replaced with. Actions compare case-insensitively, resources case-sensitively.

/// One piece of a pattern as IAM reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    Char(char),
    /// `*`, or a policy variable.
    Any,
    /// `?`
    One,
    /// One unknown segment of an ARN (an account id, a role name): any run of characters
    /// without `:` or `/`. Never read from a pattern; used for what is not known yet.
    Segment,
}

/// A pattern read into tokens: the one reading of `*`, `?` and policy variables, shared by the
/// matcher and by rules that compare patterns with each other.
pub fn tokens(pattern: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if let Some(var) = rest.strip_prefix("${")
            && let Some(end) = var.find('}')
        {
            out.push(Token::Any);
            rest = &var[end + 1..];
            continue;
        }
        out.push(match c {
            '*' => Token::Any,
            '?' => Token::One,
            c => Token::Char(c),
        });
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Whether two patterns have a string in common: a resource pattern in a policy against an ARN
/// with unknown parts, or against an ARN template of the catalog.
///
/// A search over pairs of positions (one in each pattern) from the starts to the ends, with an
/// explicit stack and each pair visited once: `O(len(a)·len(b))` at worst, and patterns that
/// differ early (most ARN templates against a resource) stop after a few steps. It never needs
/// two wildcards to consume the same character: a common string with such characters stays
/// common without them.
pub fn overlap(a: &[Token], b: &[Token], case_insensitive: bool) -> bool {
    // The `:` and `/` of an ARN that only a `*` or `?` could produce otherwise (a segment never
    // holds them) fall in the same place in any common string: up to them, each piece pair is
    // compared on its own, where a segment is a plain `*` and no search is needed.
    let (mut a, mut b) = (a, b);
    while let (Some(i), Some(j)) = (fixed_separator(a), fixed_separator(b)) {
        if a[i] != b[j] || !pieces_overlap(&a[..i], &b[..j], case_insensitive) {
            return false;
        }
        (a, b) = (&a[i + 1..], &b[j + 1..]);
    }
    search(a, b, case_insensitive)
}

/// The position of a pattern's first `:` or `/`, when nothing before it could be one too.
fn fixed_separator(p: &[Token]) -> Option<usize> {
    for (i, t) in p.iter().enumerate() {
        match t {
            Token::Char(':' | '/') => return Some(i),
            Token::Any | Token::One => return None,
            Token::Char(_) | Token::Segment => {}
        }
    }
    None
}

/// [`overlap`] of two pieces of characters and segments, none of them a separator: a segment
/// is then any run of characters. Two patterns whose only wildcard is such a run share a
/// string exactly when they agree up to the first wildcard of either and after the last (the
/// string is the longer start, every middle, the longer end); a pattern without one must be
/// matched by the other.
fn pieces_overlap(a: &[Token], b: &[Token], case_insensitive: bool) -> bool {
    let same = |x: &Token, y: &Token| match (x, y) {
        (Token::Char(x), Token::Char(y)) => {
            x == y || (case_insensitive && x.eq_ignore_ascii_case(y))
        }
        _ => true,
    };
    let plain = |t: &&Token| matches!(t, Token::Char(_));
    let agree = |a: &mut dyn Iterator<Item = (&Token, &Token)>| {
        a.take_while(|(x, y)| plain(x) && plain(y))
            .all(|(x, y)| same(x, y))
    };
    match (a.iter().all(|t| plain(&t)), b.iter().all(|t| plain(&t))) {
        (true, true) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        (false, true) => runs_match(a, b, case_insensitive),
        (true, false) => runs_match(b, a, case_insensitive),
        (false, false) => {
            agree(&mut a.iter().zip(b)) && agree(&mut a.iter().rev().zip(b.iter().rev()))
        }
    }
}

/// Whether a piece with runs matches a piece of characters only: [`glob`], which reads a
/// segment as `*`.
fn runs_match(pattern: &[Token], text: &[Token], case_insensitive: bool) -> bool {
    // Every token of `text` is a character ([`pieces_overlap`] checks it).
    let at = |i: usize| match text[i] {
        Token::Char(c) => c,
        _ => '*',
    };
    glob(
        pattern.len(),
        |i| pattern[i],
        text.len(),
        at,
        case_insensitive,
    )
}

/// [`overlap`] by a search over pairs of positions.
fn search(a: &[Token], b: &[Token], case_insensitive: bool) -> bool {
    let star = |t: Token| matches!(t, Token::Any | Token::Segment);
    // Whether a wildcard `w` may produce the one character that `t` stands for.
    let produces = |w: Token, t: Token| match (w, t) {
        (Token::Segment, Token::Char(c)) => c != '/' && c != ':',
        _ => true,
    };
    let same = |x: Token, y: Token| match (x, y) {
        (Token::Char(x), Token::Char(y)) => {
            x == y || (case_insensitive && x.eq_ignore_ascii_case(&y))
        }
        _ => true,
    };
    // Both ends up to the first wildcard on either side are fixed: a common string must agree
    // with both there. Most pairs (an S3 pattern against a role's ARN) differ within a few
    // characters, and need no search.
    let fixed_ends_differ = |pairs: &mut dyn Iterator<Item = (&Token, &Token)>| {
        pairs
            .take_while(|(x, y)| !star(**x) && !star(**y))
            .any(|(x, y)| !same(*x, *y))
    };
    if fixed_ends_differ(&mut a.iter().zip(b))
        || fixed_ends_differ(&mut a.iter().rev().zip(b.iter().rev()))
    {
        return false;
    }
    let width = b.len() + 1;
    let mut seen = vec![0u64; ((a.len() + 1) * width).div_ceil(64)];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let at = i * width + j;
        if seen[at / 64] & (1 << (at % 64)) != 0 {
            continue;
        }
        seen[at / 64] |= 1 << (at % 64);
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        if x.is_none() && y.is_none() {
            return true;
        }
        if let Some(x) = x.filter(|&x| star(x)) {
            stack.push((i + 1, j));
            if y.is_some_and(|y| !star(y) && produces(x, y)) {
                stack.push((i, j + 1));
            }
        }
        if let Some(y) = y.filter(|&y| star(y)) {
            stack.push((i, j + 1));
            if x.is_some_and(|x| !star(x) && produces(y, x)) {
                stack.push((i + 1, j));
            }
        }
        if let (Some(x), Some(y)) = (x, y)
            && !star(x)
            && !star(y)
            && same(x, y)
        {
            stack.push((i + 1, j + 1));
        }
    }
    false
}

/// Whether `text` matches `pattern`.
pub fn matches(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    // `str::contains("${")` runs a substring search (~300 instructions a call, 5% of a
    // check); most patterns have no `$` at all.
    let variables = pattern.as_bytes().contains(&b'$') && pattern.contains("${");
    if pattern.is_ascii() && text.is_ascii() && !variables {
        // Most patterns: match the bytes in place, without reading tokens into a vector (the
        // evaluator matches every action of a policy like ReadOnlyAccess, thousands, per query).
        return glob_ascii(pattern.as_bytes(), text.as_bytes(), case_insensitive);
    }
    Pattern::new(pattern).matches(text, case_insensitive)
}

/// [`glob`] over ASCII bytes of a pattern without policy variables.
fn glob_ascii(p: &[u8], t: &[u8], case_insensitive: bool) -> bool {
    let token = |i: usize| match p[i] {
        b'*' => Token::Any,
        b'?' => Token::One,
        c => Token::Char(c as char),
    };
    glob(p.len(), token, t.len(), |i| t[i] as char, case_insensitive)
}

/// A pattern read once, to match against many texts (expanding `s3:Get*` over a service's
/// actions) without allocating per text.
#[derive(Clone, Debug)]
pub struct Pattern {
    tokens: Vec<Token>,
}

impl Pattern {
    pub fn new(pattern: &str) -> Self {
        Pattern {
            tokens: tokens(pattern),
        }
    }

    pub fn matches(&self, text: &str, case_insensitive: bool) -> bool {
        if text.is_ascii() {
            // Action names and most ARNs: bytes are characters.
            let bytes = text.as_bytes();
            let p = &self.tokens;
            glob(
                p.len(),
                |i| p[i],
                bytes.len(),
                |i| bytes[i] as char,
                case_insensitive,
            )
        } else {
            let chars: Vec<char> = text.chars().collect();
            let p = &self.tokens;
            glob(
                p.len(),
                |i| p[i],
                chars.len(),
                |i| chars[i],
                case_insensitive,
            )
        }
    }
}

/// Two pointers, remembering the last `*` to backtrack to: linear in practice, never
/// exponential.
fn glob(
    plen: usize,
    p: impl Fn(usize) -> Token,
    len: usize,
    at: impl Fn(usize) -> char,
    case_insensitive: bool,
) -> bool {
    let same = |a: char, b: char| {
        if case_insensitive {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < len {
        match (pi < plen).then(|| p(pi)) {
            Some(Token::Char(c)) if same(c, at(ti)) => {
                pi += 1;
                ti += 1;
            }
            Some(Token::One) => {
                pi += 1;
                ti += 1;
            }
            // `Pattern` never holds a `Segment`; reading it as `*` keeps the match total.
            Some(Token::Any | Token::Segment) => {
                star = Some((pi, ti));
                pi += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    (pi..plen).all(|i| matches!(p(i), Token::Any | Token::Segment))
}

/// Whether the pattern has any wildcard (or policy variable).
pub fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?']) || (s.as_bytes().contains(&b'$') && s.contains("${"))
}

#[cfg(test)]
mod tests {
    use super::{Token, matches, overlap, search, tokens};

    fn with_segments(s: &str) -> Vec<Token> {
        s.chars()
            .map(|c| match c {
                '#' => Token::Segment,
                _ => tokens(&c.to_string())[0],
            })
            .collect()
    }

    /// Comparing piece by piece between the separators nothing else could produce gives the
    /// whole search's answer, on every pair of short generated patterns of letters (either
    /// case), `:`, `/`, `*`, `?` and segments, compared with and without case.
    #[test]
    fn comparing_piece_by_piece_agrees_with_the_whole_search() {
        let alphabet = ["a", "b", "A", ":", "/", "*", "?", "#", "#"];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut pieces = 0;
        for _ in 0..300_000 {
            let mut pattern = || {
                let len = (next() % 10) as usize;
                let text: String = (0..len)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect();
                with_segments(&text)
            };
            let (a, b) = (pattern(), pattern());
            for case_insensitive in [false, true] {
                assert_eq!(
                    overlap(&a, &b, case_insensitive),
                    search(&a, &b, case_insensitive),
                    "{a:?} {b:?} {case_insensitive}"
                );
            }
            let sep = |p: &[Token]| p.iter().any(|t| matches!(t, Token::Char(':' | '/')));
            pieces += usize::from(sep(&a) && sep(&b));
        }
        assert!(
            pieces > 50_000,
            "the generator makes patterns with separators: {pieces}"
        );
    }

    #[test]
    fn patterns_overlap_when_some_text_matches_both() {
        let o = |a: &str, b: &str| overlap(&tokens(a), &with_segments(b), false);
        assert!(o(
            "arn:aws:iam::*:role/app-*",
            "arn:aws:iam::#:role/app-web"
        ));
        assert!(o("arn:aws:iam::1:role/app-*", "arn:aws:iam::1:role/#"));
        // A segment never holds `:` or `/`, so it cannot reach across them.
        assert!(!o("arn:aws:iam::*:role/app-*", "arn:aws:iam::1:user/#"));
        assert!(!o("arn:aws:iam::1:role/a/b", "arn:aws:iam::1:role/#"));
        assert!(o("arn:aws:iam::1:role/a/b", "arn:aws:iam::1:role/#/b"));
        assert!(
            o("a?c", "a#"),
            "`?` stands for a character a segment may hold"
        );
        assert!(!o("abc", "abd"));
        assert!(o("*", ""));
        assert!(o("a*", "#b"));
        assert!(!overlap(&tokens("S3:GET*"), &tokens("s3:GetObject"), false));
        assert!(overlap(&tokens("S3:GET*"), &tokens("s3:GetObject"), true));
        // Linear table, no backtracking: long hostile patterns stay fast.
        let long = "*a".repeat(2_000);
        assert!(!overlap(&tokens(&long), &tokens(&"b".repeat(2_000)), false));
    }

    #[test]
    fn star_matches_any_run_including_none() {
        assert!(matches("s3:*", "s3:GetObject", true));
        assert!(matches("s3:Get*", "s3:Get", true));
        assert!(matches("*", "", true));
        assert!(matches("a*b*c", "aXXbYYc", true));
        assert!(matches("a*b*c", "abc", true));
        assert!(!matches("a*b*c", "acb", true));
        assert!(matches("*Object", "s3:GetObject", true));
        assert!(!matches("s3:Get*", "s3:PutObject", true));
        assert!(matches("**", "anything", true));
    }

    #[test]
    fn question_mark_matches_exactly_one() {
        assert!(matches("s3:?etObject", "s3:GetObject", true));
        assert!(!matches("s3:?etObject", "s3:etObject", true));
        assert!(!matches("a?", "a", true));
        assert!(matches("??", "ab", true));
        assert!(matches("?", "é", false), "one character, not one byte");
    }

    #[test]
    fn case_follows_what_is_compared() {
        assert!(matches("S3:getobject", "s3:GetObject", true));
        assert!(!matches(
            "arn:aws:s3:::Bucket/*",
            "arn:aws:s3:::bucket/x",
            false
        ));
        assert!(matches(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/x",
            false
        ));
    }

    #[test]
    fn brackets_and_braces_are_literal_unlike_glob() {
        assert!(matches("a[bc]", "a[bc]", false));
        assert!(!matches("a[bc]", "ab", false));
        assert!(matches("{a,b}", "{a,b}", false));
        assert!(!matches("{a,b}", "a", false));
    }

    #[test]
    fn policy_variables_match_anything() {
        assert!(matches(
            "arn:aws:s3:::home/${aws:username}/*",
            "arn:aws:s3:::home/alice/notes.txt",
            false
        ));
        assert!(matches(
            "arn:aws:iam::*:user/${aws:username}",
            "arn:aws:iam::1:user/bob",
            false
        ));
        assert!(!matches(
            "arn:aws:s3:::home/${aws:username}/*",
            "arn:aws:s3:::other/alice/x",
            false
        ));
    }

    #[test]
    fn backtracking_stays_linear_on_hostile_patterns() {
        let pattern = "*a".repeat(50);
        let text = "a".repeat(10_000) + "b";
        assert!(!matches(&pattern, &text, false));
    }
}
