//! Offset maps for string literals: which source byte each byte of a decoded literal came from.
//!
//! The parser hands us a literal's decoded value and its raw source span. Between the two stand
//! escapes (quoted strings), `$${`/`%%{` (both), and stripped indentation and CR bytes (`<<-`
//! heredocs). Rather than re-implementing each decoder, we align the value with the raw text:
//! walk both, matching characters and skipping raw bytes the decoder dropped. An escape sequence
//! maps as a whole. If the alignment ever fails we fall back to a coarse map (every byte maps to
//! the literal), which is imprecise but never wrong.

use iamlint_model::{FileId, Location, OffsetMap};

/// Whether the raw text uses quoted-string escapes (`\n`, `\"`, `\u0041`): HCL quoted strings
/// and JSON strings do; heredocs do not.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Escapes {
    None,
    Hcl,
    Json,
}

pub fn literal_map(
    value: &str,
    raw: &str,
    file: FileId,
    src_start: usize,
    escapes: Escapes,
) -> OffsetMap {
    // Most literals are written exactly as they evaluate: one segment, no alignment.
    if value == raw {
        let mut map = OffsetMap::default();
        map.push_exact(value.len(), file, src_start);
        return map;
    }
    align(value, raw, file, src_start, escapes).unwrap_or_else(|| {
        OffsetMap::coarse(
            value.len(),
            Location::new(file, src_start, src_start + raw.len()),
        )
    })
}

fn align(
    value: &str,
    raw: &str,
    file: FileId,
    src_start: usize,
    escapes: Escapes,
) -> Option<OffsetMap> {
    let mut map = OffsetMap::default();
    let bytes = raw.as_bytes();
    let mut i = 0;
    for c in value.chars() {
        loop {
            if i >= raw.len() {
                return None;
            }
            if escapes != Escapes::None && bytes[i] == b'\\' {
                let (decoded, len) = decode_escape(&raw[i..], escapes)?;
                i += len;
                if decoded == c {
                    map.push_coarse(
                        c.len_utf8(),
                        Some(Location::new(file, src_start + i - len, src_start + i)),
                    );
                    break;
                }
                continue;
            }
            let rc = raw[i..].chars().next()?;
            if rc == c {
                map.push_exact(c.len_utf8(), file, src_start + i);
                i += rc.len_utf8();
                break;
            }
            i += rc.len_utf8();
        }
    }
    Some(map)
}

/// Decodes one escape sequence at the start of `s` (which begins with `\`).
fn decode_escape(s: &str, escapes: Escapes) -> Option<(char, usize)> {
    let mut chars = s.chars();
    chars.next();
    let c = chars.next()?;
    let simple = match c {
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        '"' => Some('"'),
        '\\' => Some('\\'),
        '/' if escapes == Escapes::Json => Some('/'),
        'b' if escapes == Escapes::Json => Some('\u{8}'),
        'f' if escapes == Escapes::Json => Some('\u{c}'),
        _ => None,
    };
    if let Some(d) = simple {
        return Some((d, 2));
    }
    let digits = match c {
        'u' => 4,
        'U' if escapes == Escapes::Hcl => 8,
        _ => return None,
    };
    let hex = s.get(2..2 + digits)?;
    let code = u32::from_str_radix(hex, 16).ok()?;
    if (0xD800..0xDC00).contains(&code) && escapes == Escapes::Json {
        // A UTF-16 surrogate pair: `\uD83D\uDE00`.
        let low = s.get(2 + digits..2 + digits + 6)?.strip_prefix("\\u")?;
        let low = u32::from_str_radix(low, 16).ok()?;
        let c = char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low.checked_sub(0xDC00)?))?;
        return Some((c, 12));
    }
    Some((char::from_u32(code)?, 2 + digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapped(value: &str, raw: &str, escapes: Escapes, from: usize, to: usize) -> (u32, u32) {
        let m = literal_map(value, raw, FileId(0), 100, escapes);
        let l = m.map_range(from, to).unwrap();
        (l.start - 100, l.end - 100)
    }

    #[test]
    fn escapes_map_as_a_whole() {
        // raw: {\"a\":1}   value: {"a":1}
        let raw = r#"{\"a\":1}"#;
        assert_eq!(mapped("{\"a\":1}", raw, Escapes::Hcl, 1, 4), (1, 6));
        assert_eq!(mapped("{\"a\":1}", raw, Escapes::Hcl, 2, 3), (3, 4));
    }

    #[test]
    fn dedented_heredoc_lines_map_to_their_columns() {
        let raw = "    {\n      \"a\": 1\n    }\n";
        let value = "{\n  \"a\": 1\n}\n";
        let at = value.find("\"a\"").unwrap();
        let (s, e) = mapped(value, raw, Escapes::None, at, at + 3);
        assert_eq!(&raw[s as usize..e as usize], "\"a\"");
    }

    #[test]
    fn crlf_and_dollar_escapes_are_skipped() {
        let raw = "a\r\n$${x}";
        let value = "a\n${x}";
        // `$${` decodes to `${`: the `$` maps to the first raw `$`, the `{` to the raw `{`.
        assert_eq!(mapped(value, raw, Escapes::None, 2, 3), (3, 4));
        assert_eq!(mapped(value, raw, Escapes::None, 3, 5), (5, 7));
    }

    #[test]
    fn failed_alignment_falls_back_to_the_whole_literal() {
        let m = literal_map("zzz", "abc", FileId(0), 10, Escapes::None);
        assert_eq!(m.map_range(1, 2), Some(Location::new(FileId(0), 10, 13)));
    }

    #[test]
    fn json_surrogate_pairs_decode() {
        assert_eq!(
            decode_escape("\\uD83D\\uDE00", Escapes::Json),
            Some(('\u{1F600}', 12))
        );
        assert_eq!(
            decode_escape("\\U0001F600", Escapes::Hcl),
            Some(('\u{1F600}', 10))
        );
    }
}
