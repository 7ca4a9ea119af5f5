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

/// Whether `text` matches `pattern`.
pub fn matches(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    Pattern::new(pattern).matches(text, case_insensitive)
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
            glob(
                &self.tokens,
                text.len(),
                |i| text.as_bytes()[i] as char,
                case_insensitive,
            )
        } else {
            let chars: Vec<char> = text.chars().collect();
            glob(&self.tokens, chars.len(), |i| chars[i], case_insensitive)
        }
    }
}

/// Two pointers, remembering the last `*` to backtrack to: linear in practice, never
/// exponential.
fn glob(p: &[Token], len: usize, at: impl Fn(usize) -> char, case_insensitive: bool) -> bool {
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
        match p.get(pi) {
            Some(Token::Char(c)) if same(*c, at(ti)) => {
                pi += 1;
                ti += 1;
            }
            Some(Token::One) => {
                pi += 1;
                ti += 1;
            }
            Some(Token::Any) => {
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
    p[pi..].iter().all(|t| *t == Token::Any)
}

/// Whether the pattern has any wildcard (or policy variable).
pub fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?']) || s.contains("${")
}

#[cfg(test)]
mod tests {
    use super::matches;

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
