//! Windows code page 1252, the code page of the mock's default collation
//! (`SQL_Latin1_General_CP1_CI_AS`), used for `char` and `varchar` data.

/// Characters of bytes 0x80..=0x9F; `None` where the code page leaves the byte undefined.
const HIGH: [Option<char>; 32] = [
    Some('\u{20AC}'),
    None,
    Some('\u{201A}'),
    Some('\u{0192}'),
    Some('\u{201E}'),
    Some('\u{2026}'),
    Some('\u{2020}'),
    Some('\u{2021}'),
    Some('\u{02C6}'),
    Some('\u{2030}'),
    Some('\u{0160}'),
    Some('\u{2039}'),
    Some('\u{0152}'),
    None,
    Some('\u{017D}'),
    None,
    None,
    Some('\u{2018}'),
    Some('\u{2019}'),
    Some('\u{201C}'),
    Some('\u{201D}'),
    Some('\u{2022}'),
    Some('\u{2013}'),
    Some('\u{2014}'),
    Some('\u{02DC}'),
    Some('\u{2122}'),
    Some('\u{0161}'),
    Some('\u{203A}'),
    Some('\u{0153}'),
    None,
    Some('\u{017E}'),
    Some('\u{0178}'),
];

/// Encodes `s` as code page 1252; characters outside it become `?`, as SQL
/// Server does when it converts to a non-Unicode column.
pub(crate) fn encode_into(s: &str, out: &mut Vec<u8>) {
    for c in s.chars() {
        let cp = c as u32;
        let byte = if cp < 0x80 || (0xA0..=0xFF).contains(&cp) {
            cp as u8
        } else {
            HIGH.iter()
                .position(|h| *h == Some(c))
                .map(|i| 0x80 + i as u8)
                .unwrap_or(b'?')
        };
        out.push(byte);
    }
}

/// Decodes code page 1252 bytes; undefined bytes become U+FFFD.
pub(crate) fn decode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[(b - 0x80) as usize].unwrap_or('\u{FFFD}'),
            _ => b as char,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn euro_sign_and_latin1_letters_round_trip_through_code_page_1252() {
        let mut out = Vec::new();
        super::encode_into("é€a", &mut out);
        assert_eq!(out, vec![0xE9, 0x80, b'a']);
        assert_eq!(super::decode(&out), "é€a");
    }

    #[test]
    fn characters_outside_code_page_1252_become_question_marks() {
        let mut out = Vec::new();
        super::encode_into("中", &mut out);
        assert_eq!(out, b"?");
    }
}
