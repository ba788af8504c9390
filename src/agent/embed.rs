//! What an answer is about, as one vector of 128 numbers: the normalised mean of
//! its word pieces' vectors, distilled from the sentence-embedding model
//! all-MiniLM-L6-v2 (`scripts/embed-distill`, assets/embed/README.md). No model
//! runs: a text is split into the model's word pieces (BERT's uncased
//! tokenizer: lower case, accents off, punctuation apart, then the longest
//! pieces of its vocabulary) and each piece is a row of a table built into the
//! binary.
//!
//! The offline coach reads one number from it ([`meaning`]): how far an answer
//! lies along the direction in this space that separated strong from weak
//! answers in the labelled evaluation sets (fitted by `scripts/coaching-fit`,
//! `assets/embed/direction.txt`). Pure functions; the table is parsed once, on
//! first use.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Numbers per vector.
pub const DIMS: usize = 128;

const VOCAB: &str = include_str!("../../assets/embed/vocab.txt");
const VECTORS: &[u8] = include_bytes!("../../assets/embed/vectors.bin");
const DIRECTION: &str = include_str!("../../assets/embed/direction.txt");

/// A word longer than this (in characters) is one unknown piece, as in BERT.
const MAX_WORD_CHARS: usize = 100;

struct Table {
    ids: HashMap<&'static str, u32>,
    unknown: u32,
    scales: Vec<f32>,
    rows: &'static [u8],
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let ids: HashMap<&'static str, u32> = VOCAB
            .lines()
            .enumerate()
            .map(|(i, piece)| (piece, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let word = |at: usize| {
            let mut b = [0u8; 4];
            b.copy_from_slice(&VECTORS[at..at + 4]);
            b
        };
        let pieces = u32::from_le_bytes(word(0)) as usize;
        let dims = u32::from_le_bytes(word(4)) as usize;
        // The asset is built with the program; a mismatch is a build error in
        // all but name, caught by the unit tests below.
        assert_eq!(
            (pieces, dims),
            (ids.len(), DIMS),
            "assets/embed/vectors.bin"
        );
        let scales = (0..pieces)
            .map(|i| f32::from_le_bytes(word(8 + 4 * i)))
            .collect();
        let rows = &VECTORS[8 + 4 * pieces..];
        assert_eq!(rows.len(), pieces * dims, "assets/embed/vectors.bin");
        let unknown = ids.get("[UNK]").copied().unwrap_or(0);
        Table {
            ids,
            unknown,
            scales,
            rows,
        }
    })
}

/// Punctuation as BERT splits it: every ASCII character that is neither a
/// letter, a digit nor a space, and the punctuation of Unicode's general
/// punctuation, Latin-1 and CJK blocks (quotes, dashes, ellipses, bullets).
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c, '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{3000}'..='\u{303F}')
        || matches!(c, '¡' | '§' | '«' | '¶' | '·' | '»' | '¿')
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2B73F}'
        | '\u{2B740}'..='\u{2B81F}'
        | '\u{2B820}'..='\u{2CEAF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{2F800}'..='\u{2FA1F}')
}

/// BERT's basic tokenizer: control characters dropped, lower case, accents
/// off, CJK ideographs and punctuation each a word of their own.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() {
            out.push(std::mem::take(word));
        }
    };
    for c in text.nfd().flat_map(char::to_lowercase) {
        if c == '\0' || c == '\u{FFFD}' || is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            flush(&mut word, &mut out);
        } else if c.is_control() {
            continue;
        } else if is_punctuation(c) || is_cjk(c) {
            flush(&mut word, &mut out);
            out.push(c.to_string());
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The vocabulary ids of `text`'s word pieces (without BERT's [CLS] and [SEP]):
/// each word split greedily into the longest pieces the vocabulary has, the
/// pieces after the first marked "##"; a word that cannot be split is [UNK].
pub fn pieces(text: &str) -> Vec<u32> {
    let t = table();
    let mut ids = Vec::new();
    let mut candidate = String::new();
    for word in words(text) {
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        if chars.len() > MAX_WORD_CHARS {
            ids.push(t.unknown);
            continue;
        }
        let mut found = Vec::new();
        let mut start = 0;
        while start < chars.len() {
            let from = chars[start].0;
            let mut end = chars.len();
            let mut piece = None;
            while end > start {
                let to = chars.get(end).map_or(word.len(), |&(i, _)| i);
                candidate.clear();
                if start > 0 {
                    candidate.push_str("##");
                }
                candidate.push_str(&word[from..to]);
                if let Some(&id) = t.ids.get(candidate.as_str()) {
                    piece = Some(id);
                    break;
                }
                end -= 1;
            }
            match piece {
                Some(id) => {
                    found.push(id);
                    start = end;
                }
                None => {
                    found.clear();
                    found.push(t.unknown);
                    break;
                }
            }
        }
        ids.extend(found);
    }
    ids
}

/// `text` as one vector of length [`DIMS`]: the mean of its pieces' vectors,
/// scaled to length 1 (all zeros for a text with no pieces).
pub fn embed(text: &str) -> Vec<f32> {
    let t = table();
    let mut sum = vec![0f32; DIMS];
    for id in pieces(text) {
        let i = id as usize;
        let scale = t.scales[i];
        let row = &t.rows[i * DIMS..(i + 1) * DIMS];
        for (s, &q) in sum.iter_mut().zip(row) {
            *s += f32::from(q.cast_signed()) * scale;
        }
    }
    let norm = sum.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        sum.iter_mut().for_each(|v| *v /= norm);
    }
    sum
}

/// The fitted direction: the numbers of `assets/embed/direction.txt`, one per
/// line after its `#` comments.
fn direction() -> &'static [f64] {
    static DIRECTION_VALUES: OnceLock<Vec<f64>> = OnceLock::new();
    DIRECTION_VALUES.get_or_init(|| {
        let values: Vec<f64> = DIRECTION
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| l.parse().unwrap_or(0.0))
            .collect();
        assert_eq!(values.len(), DIMS, "assets/embed/direction.txt");
        values
    })
}

/// How much `text` reads like the strong answers of the evaluation sets rather
/// than the weak ones, in label ranks: the dot product of its vector with the
/// fitted direction (about -1 to 1).
pub fn meaning(text: &str) -> f64 {
    embed(text)
        .iter()
        .zip(direction())
        .map(|(&e, &d)| f64::from(e) * d)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn pieces_match_berts_uncased_tokenizer() {
        // Ids from the model's own tokenizer (Hugging Face `tokenizers`, the
        // tokenizer.json shipped with all-MiniLM-L6-v2), [CLS] and [SEP] removed.
        let cases: &[(&str, &[u32])] = &[
            (
                "I led the migration and cut p99 latency from 800 ms to 120 ms.",
                &[
                    1045, 2419, 1996, 9230, 1998, 3013, 1052, 2683, 2683, 2397, 9407, 2013, 5385,
                    5796, 2000, 6036, 5796, 1012,
                ],
            ),
            (
                "Last March, at Acme, I owned the on-call rota \u{2014} and I didn\u{2019}t enjoy it\u{2026}",
                &[
                    2197, 2233, 1010, 2012, 9353, 4168, 1010, 1045, 3079, 1996, 2006, 1011, 2655,
                    18672, 2050, 1517, 1998, 1045, 2134, 1521, 1056, 5959, 2009, 1529,
                ],
            ),
            (
                "Caf\u{e9} r\u{e9}sum\u{e9} NA\u{cf}VE co\u{f6}peration S\u{e3}o Paulo",
                &[7668, 13746, 15743, 6792, 7509, 9094],
            ),
            (
                "We used Kafka + Redis (v2) for the N+1 fix; cost: $120k/yr @ 10M DAU!",
                &[
                    2057, 2109, 10556, 24316, 2050, 1009, 2417, 2483, 1006, 1058, 2475, 1007, 2005,
                    1996, 1050, 1009, 1015, 8081, 1025, 3465, 1024, 1002, 6036, 2243, 1013, 1061,
                    2099, 1030, 2184, 2213, 4830, 2226, 999,
                ],
            ),
            (
                "unbelievably antidisestablishmentarianism supercalifragilisticexpialidocious",
                &[
                    4895, 8671, 2666, 3567, 6321, 3424, 10521, 4355, 7875, 13602, 3672, 12199,
                    2964, 3565, 9289, 10128, 29181, 24411, 4588, 10288, 19312, 21273, 10085, 6313,
                ],
            ),
            (
                "\u{65e5}\u{672c}\u{8a9e}\u{306e}\u{30c6}\u{30ad}\u{30b9}\u{30c8} and \u{4e2d}\u{6587} mixed",
                &[
                    1864, 1876, 1950, 1671, 30239, 30227, 30233, 30240, 1998, 1746, 1861, 3816,
                ],
            ),
            (
                "emoji \u{1f680} and tabs\tand\nnewlines",
                &[7861, 29147, 2072, 100, 1998, 21628, 2015, 1998, 2047, 12735],
            ),
            (
                "\"Quoted\" 'single' \u{ab}guillemets\u{bb} \u{bf}qu\u{e9}? \u{a1}s\u{ed}!",
                &[
                    1000, 9339, 1000, 1005, 2309, 1005, 1077, 26458, 6216, 11368, 2015, 1090, 1094,
                    10861, 1029, 1067, 9033, 999,
                ],
            ),
            (
                "e-mail, co-worker, state-of-the-art, 24/7, 3.5x, 1,000,000",
                &[
                    1041, 1011, 5653, 1010, 2522, 1011, 7309, 1010, 2110, 1011, 1997, 1011, 1996,
                    1011, 2396, 1010, 2484, 1013, 1021, 1010, 1017, 1012, 1019, 2595, 1010, 1015,
                    1010, 2199, 1010, 2199,
                ],
            ),
        ];
        assert_eq!(
            pieces(&"x".repeat(120)),
            [100],
            "a word over 100 characters"
        );
        for (text, want) in cases {
            assert_eq!(pieces(text), *want, "{text}");
        }
    }

    #[test]
    fn the_table_and_direction_are_whole() {
        assert_eq!(table().ids.len(), table().scales.len());
        assert_eq!(direction().len(), DIMS);
        assert_eq!(VOCAB.lines().next(), Some("[PAD]"));
    }

    #[test]
    fn vectors_have_length_one_or_are_empty() {
        let v = embed("I led the migration and cut latency by half.");
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "{norm}");
        assert!(embed("").iter().all(|&x| x == 0.0));
        assert!(embed("   \n").iter().all(|&x| x == 0.0));
    }

    #[test]
    fn related_texts_lie_closer_than_unrelated_ones() {
        let a = embed("We sharded the database to handle more writes.");
        let b = embed("Partitioning the data store let us scale write throughput.");
        let c = embed("My favourite holiday was a week of hiking in the mountains.");
        assert!(cosine(&a, &b) > cosine(&a, &c) + 0.1);
    }

    #[test]
    fn accents_case_and_punctuation_split_as_bert_does() {
        assert_eq!(
            words("Café, NAÏVE—résumé!"),
            ["cafe", ",", "naive", "—", "resume", "!"]
        );
        assert_eq!(words("p99 went 2x"), ["p99", "went", "2x"]);
    }
}
