//! Bytes of a plan or state file to text, and whether the text is one.
//!
//! `terraform show -json` writes UTF-8; files that passed through Windows tools may start with
//! a UTF-8 byte order mark or be UTF-16 (with a mark). Lines and columns are counted in the
//! decoded text, which has the same lines and characters.

/// Decodes a file's bytes: UTF-8 with or without a byte order mark, or UTF-16 LE/BE with one.
/// UTF-8 keeps the bytes' memory (a plan may be hundreds of megabytes).
pub fn decode(mut bytes: Vec<u8>) -> Result<String, String> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
        return utf8(bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    utf8(bytes)
}

fn utf8(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {}); save it as UTF-8 or UTF-16 with a byte order mark",
            e.utf8_error().valid_up_to()
        )
    })
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err("UTF-16 text with an odd number of bytes".into());
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|e| {
            format!(
                "invalid UTF-16 text: unpaired surrogate {:#06x}",
                e.unpaired_surrogate()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16_bytes(text: &str, little: bool) -> Vec<u8> {
        let mut out = if little {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in text.encode_utf16() {
            out.extend(if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        out
    }

    #[test]
    fn every_encoding_terraform_users_produce_decodes_to_the_same_text() {
        let text = "{\"format_version\": \"1.2\", \"é\": \"😀\"}";
        assert_eq!(decode(text.as_bytes().to_vec()).unwrap(), text);
        let with_bom = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
        assert_eq!(decode(with_bom).unwrap(), text);
        assert_eq!(decode(utf16_bytes(text, true)).unwrap(), text);
        assert_eq!(decode(utf16_bytes(text, false)).unwrap(), text);
    }

    #[test]
    fn broken_encodings_are_named() {
        assert!(
            decode(vec![b'{', 0xFF, b'}'])
                .unwrap_err()
                .contains("offset 1")
        );
        assert!(decode(vec![0xFF, 0xFE, b'{']).unwrap_err().contains("odd"));
        assert!(
            decode(vec![0xFF, 0xFE, 0x00, 0xD8])
                .unwrap_err()
                .contains("surrogate")
        );
    }
}
