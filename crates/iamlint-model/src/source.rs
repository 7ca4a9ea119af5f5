//! Source files, byte locations and the maps that carry a position inside an evaluated string
//! (a heredoc, an escaped JSON string) back to the byte in the `.tf` file it came from.

use std::sync::Arc;

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Location {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Location {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    /// The smallest location covering both (same file), else `self`.
    pub fn join(self, other: Location) -> Location {
        if self.file != other.file {
            return self;
        }
        Location {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A line and column, both 1-based. `column` counts Unicode scalar values, `column_utf16`
/// UTF-16 code units (what SARIF's `utf16CodeUnits` and editors expect).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
    pub column_utf16: u32,
}

/// One source file: its display path and text, with line starts indexed once so that turning
/// a byte offset into a line is a binary search even in a 50 MB file.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
    /// Built on first use: most files of a large tree never need a line number.
    line_starts: std::sync::OnceLock<Vec<u32>>,
    /// Characters and UTF-16 units before every `CHECKPOINT`-th byte (at a character
    /// boundary), built on first use in a long line: a minified plan is one line of 100 MB, and
    /// counting from its start for every finding would be quadratic.
    checkpoints: std::sync::OnceLock<Vec<Checkpoint>>,
}

#[derive(Clone, Copy, Debug)]
struct Checkpoint {
    byte: u32,
    chars: u32,
    utf16: u32,
}

/// Bytes between checkpoints, and the line length from which columns use them.
const CHECKPOINT: usize = 16 * 1024;

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
            checkpoints: std::sync::OnceLock::new(),
        }
    }

    pub fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            // `match_indices` on a char searches with memchr: a 100 MB plan in milliseconds.
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i as u32 + 1));
            starts
        })
    }

    /// 0-based line index containing `offset`.
    pub fn line_index(&self, offset: u32) -> usize {
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(self.text.len() as u32);
        let line = self.line_index(offset);
        let start = self.line_starts()[line] as usize;
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let (column, column_utf16) = if end - start < CHECKPOINT {
            let prefix = &self.text[start..end];
            (prefix.chars().count(), prefix.encode_utf16().count())
        } else {
            let (a, b) = (self.units_before(end), self.units_before(start));
            (a.0 - b.0, a.1 - b.1)
        };
        LineCol {
            line: line as u32 + 1,
            column: column as u32 + 1,
            column_utf16: column_utf16 as u32 + 1,
        }
    }

    /// Characters and UTF-16 units in the text before byte `offset` (a character boundary).
    fn units_before(&self, offset: usize) -> (usize, usize) {
        let checkpoints = self.checkpoints.get_or_init(|| {
            let mut out = vec![Checkpoint {
                byte: 0,
                chars: 0,
                utf16: 0,
            }];
            let mut at = 0usize;
            while at + CHECKPOINT < self.text.len() {
                let mut next = at + CHECKPOINT;
                while !self.text.is_char_boundary(next) {
                    next -= 1;
                }
                let piece = &self.text[at..next];
                let last = out[out.len() - 1];
                // Plans are mostly ASCII: a byte is a character and a UTF-16 unit.
                let (chars, utf16) = if piece.is_ascii() {
                    (piece.len(), piece.len())
                } else {
                    (piece.chars().count(), piece.encode_utf16().count())
                };
                out.push(Checkpoint {
                    byte: next as u32,
                    chars: last.chars + chars as u32,
                    utf16: last.utf16 + utf16 as u32,
                });
                at = next;
            }
            out
        });
        let i = checkpoints.partition_point(|c| c.byte as usize <= offset) - 1;
        let c = checkpoints[i];
        let rest = &self.text[c.byte as usize..offset];
        (
            c.chars as usize + rest.chars().count(),
            c.utf16 as usize + rest.encode_utf16().count(),
        )
    }

    /// The text of the 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: u32) -> &str {
        let i = (line as usize)
            .saturating_sub(1)
            .min(self.line_starts().len() - 1);
        let start = self.line_starts()[i] as usize;
        let end = self
            .line_starts()
            .get(i + 1)
            .map_or(self.text.len(), |&e| e as usize);
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn slice(&self, loc: Location) -> &str {
        self.text
            .get(loc.start as usize..loc.end as usize)
            .unwrap_or("")
    }
}

/// All files of a run. Ids are indexes; the front-end adds files in a deterministic order.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Where one run of an evaluated string's bytes came from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Segment {
    /// Byte for byte from `file` starting at `start`.
    Exact { file: FileId, start: u32 },
    /// All bytes from this one source range (an escape sequence, an interpolation).
    Coarse(Location),
    /// From nowhere in the sources (a value computed by a function).
    Nowhere,
}

/// Maps byte offsets of an evaluated string to byte offsets in a source file.
///
/// It is a sorted list of segments; inside an exact segment offsets advance together. A string
/// built from several pieces (a template with interpolations) concatenates the pieces' maps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OffsetMap {
    segments: Vec<(u32, Segment)>,
    len: u32,
}

impl OffsetMap {
    /// Every offset of a `len`-byte string maps to `loc` as a whole (no finer position known).
    pub fn coarse(len: usize, loc: Location) -> Self {
        let mut map = OffsetMap::default();
        map.push_coarse(len, Some(loc));
        map
    }

    /// Appends `len` bytes that map one to one onto `file` starting at `src_start`.
    pub fn push_exact(&mut self, len: usize, file: FileId, src_start: usize) {
        if len == 0 {
            return;
        }
        // Extend the previous segment when this one simply continues it.
        if let Some(&(at, Segment::Exact { file: f, start })) = self.segments.last()
            && f == file
            && start as usize + (self.len - at) as usize == src_start
        {
            self.len += len as u32;
            return;
        }
        self.segments.push((
            self.len,
            Segment::Exact {
                file,
                start: src_start as u32,
            },
        ));
        self.len += len as u32;
    }

    /// Appends `len` bytes that all map to `loc` (e.g. an escape or an interpolation).
    pub fn push_coarse(&mut self, len: usize, loc: Option<Location>) {
        if len == 0 {
            return;
        }
        let seg = loc.map_or(Segment::Nowhere, Segment::Coarse);
        self.segments.push((self.len, seg));
        self.len += len as u32;
    }

    pub fn append(&mut self, other: &OffsetMap) {
        let base = self.len;
        self.segments
            .extend(other.segments.iter().map(|&(at, seg)| (base + at, seg)));
        self.len += other.len;
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The map of the string range `start..end` (trimming a literal).
    pub fn slice(&self, start: usize, end: usize) -> OffsetMap {
        let (start, end) = (start as u32, end.max(start) as u32);
        let mut out = OffsetMap::default();
        for (i, &(at, seg)) in self.segments.iter().enumerate() {
            let next = self.segments.get(i + 1).map_or(self.len, |s| s.0);
            let (a, b) = (at.max(start), next.min(end));
            if a >= b {
                continue;
            }
            match seg {
                Segment::Exact { file, start: s } => {
                    out.push_exact((b - a) as usize, file, (s + (a - at)) as usize)
                }
                Segment::Coarse(loc) => out.push_coarse((b - a) as usize, Some(loc)),
                Segment::Nowhere => out.push_coarse((b - a) as usize, None),
            }
        }
        out
    }

    /// The source location of the string range `start..end`.
    pub fn map_range(&self, start: usize, end: usize) -> Option<Location> {
        let a = self.point(start as u32)?;
        let b = self.point((end.max(start + 1) - 1) as u32).unwrap_or(a);
        Some(a.join(b))
    }

    fn point(&self, offset: u32) -> Option<Location> {
        let i = match self.segments.binary_search_by(|(at, _)| at.cmp(&offset)) {
            Ok(i) => i,
            Err(0) => return None,
            Err(i) => i - 1,
        };
        match self.segments[i] {
            (at, Segment::Exact { file, start }) => {
                let s = start + (offset - at);
                Some(Location {
                    file,
                    start: s,
                    end: s + 1,
                })
            }
            (_, Segment::Coarse(loc)) => Some(loc),
            (_, Segment::Nowhere) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_in_a_very_long_line_count_characters_and_utf16_units() {
        // A minified plan: one line, with non-ASCII characters before the offset.
        let text = format!("{}é😀{}x", "a".repeat(40_000), "b".repeat(70_000));
        let file = super::SourceFile::new("plan.json", text.clone());
        let x = text.len() as u32 - 1;
        let at = file.line_col(x);
        assert_eq!((at.line, at.column, at.column_utf16), (1, 110_003, 110_004));
        let short = super::SourceFile::new("a.tf", "é\nab😀c");
        let c = short.line_col(short.text.len() as u32 - 1);
        assert_eq!((c.line, c.column, c.column_utf16), (2, 4, 5));
    }

    use super::*;

    #[test]
    fn line_col_counts_utf16_units() {
        let f = SourceFile::new("a.tf", "ab\n\u{1F600}x\n");
        assert_eq!(
            f.line_col(0),
            LineCol {
                line: 1,
                column: 1,
                column_utf16: 1
            }
        );
        assert_eq!(
            f.line_col(3 + 4),
            LineCol {
                line: 2,
                column: 2,
                column_utf16: 3
            }
        );
        assert_eq!(f.line_text(2), "\u{1F600}x");
    }

    #[test]
    fn offset_map_follows_exact_and_coarse_segments() {
        let f = FileId(0);
        let mut m = OffsetMap::default();
        m.push_exact(3, f, 10); // "abc" at 10..13
        m.push_coarse(2, Some(Location::new(f, 20, 24))); // an escape
        m.push_exact(2, f, 30);
        assert_eq!(m.map_range(0, 3), Some(Location::new(f, 10, 13)));
        assert_eq!(m.map_range(3, 4), Some(Location::new(f, 20, 24)));
        assert_eq!(m.map_range(1, 7), Some(Location::new(f, 11, 32)));
        assert_eq!(m.len(), 7);
    }

    #[test]
    fn slices_keep_their_sources() {
        let f = FileId(0);
        let mut m = OffsetMap::default();
        m.push_exact(4, f, 10);
        m.push_coarse(2, Some(Location::new(f, 20, 24)));
        let s = m.slice(2, 5);
        assert_eq!(s.len(), 3);
        assert_eq!(s.map_range(0, 2), Some(Location::new(f, 12, 14)));
        assert_eq!(s.map_range(2, 3), Some(Location::new(f, 20, 24)));
    }

    #[test]
    fn exact_segments_merge_when_contiguous() {
        let f = FileId(0);
        let mut m = OffsetMap::default();
        m.push_exact(3, f, 10);
        m.push_exact(3, f, 13);
        assert_eq!(m.segments.len(), 1);
        assert_eq!(m.map_range(4, 6), Some(Location::new(f, 14, 16)));
    }
}
