//! The number Python prints: `len(BeautifulSoup(body, 'html.parser').text)`,
//! for beautifulsoup4 4.15 on CPython 3.11.7, computed from the same bytes.
//!
//! Two steps, as BeautifulSoup takes them:
//!
//! 1. [`decode`]: bytes to text. A byte-order mark wins; then the charset a
//!    `<meta>` declares near the top, if the page really is valid in it; then
//!    a detector's guess, for a page that declares nothing usable and is not
//!    UTF-8; then UTF-8; then windows-1252.
//! 2. [`text_len`]: the length of `.text`, every text string of the tree
//!    joined. Python's `html.parser` builds that tree its own way, unlike a
//!    browser: it keeps every whitespace string (before `<head>` too), only
//!    script and style are raw text, and an end tag closes the nearest open
//!    element of its name or nothing. So this is not scraper's tree: it is
//!    html5ever's tokenizer (the part of a browser's parser that finds tags,
//!    comments and text) driving a tag stack that follows html.parser's rules.
//!
//! Lengths are in characters (Unicode scalar values), as Python's `len`
//! counts them, never bytes.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, GBK, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use html5ever::LocalName;
use html5ever::data::NAMED_ENTITIES;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer,
    TokenizerOpts,
};

/// A page's text, and how it was decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    /// The encoding that was used, by its WHATWG name ("UTF-8").
    pub encoding: &'static str,
    /// Set when the page declared a charset it is not valid in: what it
    /// declared. BeautifulSoup then quietly decodes it some other way.
    pub declared_but_invalid: Option<String>,
}

/// Decodes a page's bytes as BeautifulSoup's `UnicodeDammit` does: the
/// first of these candidates that decodes without an error wins.
pub fn decode(bytes: &[u8]) -> Decoded {
    let (body, from_bom) = strip_bom(bytes);
    let declared = declared_charset(body);
    let declared_charset = declared.as_deref().and_then(Charset::for_label);
    // A label that Python may know and the lesson does not (`ibm855`):
    // Python would decode with it, not guess, so the lesson does not guess.
    let unknown_label = declared.is_some() && declared_charset.is_none();
    let guess = || if unknown_label { None } else { detect(body) };
    // Lazy, as BeautifulSoup's list is: the detector reads the whole page,
    // and only a page that its BOM and its declaration failed needs it.
    let mut candidates = from_bom
        .into_iter()
        .chain(declared_charset)
        .chain(std::iter::once_with(guess).flatten())
        .chain([Charset::Encoding(UTF_8), Charset::Windows1252]);
    let first = candidates.next().unwrap_or(Charset::Windows1252);
    for charset in std::iter::once(first).chain(candidates) {
        if let Some(text) = charset.decode_strictly(body) {
            // The declaration was tried, and failed, if something after it won.
            let declared_but_invalid = declared_charset
                .filter(|&d| d != charset && from_bom.is_none())
                .and(declared.clone());
            return Decoded {
                text,
                encoding: charset.name(),
                declared_but_invalid,
            };
        }
    }
    // Nothing was valid: the first candidate again, with replacement
    // characters (BeautifulSoup's last resort too).
    Decoded {
        text: first.decode_replacing(body),
        encoding: first.name(),
        declared_but_invalid: declared,
    }
}

// ANCHOR: detect
/// The detector's step: BeautifulSoup asks charset_normalizer (which comes
/// with requests) to guess the encoding; the lesson asks chardetng,
/// Firefox's detector. On valid UTF-8 (ASCII included) charset_normalizer
/// answers UTF-8 or ASCII, which count the same as UTF-8, the candidate
/// after this one: so the detector is asked only about other pages. What
/// matters to the count is whether a guess is a multi-byte encoding
/// (Japanese, Chinese, Korean) and which one; every one-byte-a-character
/// guess counts alike. On every HTML page tried the two agreed on that.
fn detect(body: &[u8]) -> Option<Charset> {
    if std::str::from_utf8(body).is_ok() {
        return None;
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(body, true);
    // No top-level domain: charset_normalizer looks at the bytes only.
    let guess = detector.guess(None, Utf8Detection::Deny);
    Some(if guess == WINDOWS_1252 {
        // Python's cp1252, with its five undefined bytes.
        Charset::Windows1252
    } else {
        Charset::Encoding(guess)
    })
}
// ANCHOR_END: detect

/// The length of `.text` for a page's bytes: [`decode`], then [`text_len`].
pub fn bytes_text_len(bytes: &[u8]) -> usize {
    text_len(&decode(bytes).text)
}

// ANCHOR: swap
/// The length of BeautifulSoup's `.text` for a decoded page.
pub fn text_len(html: &str) -> usize {
    // Two characters are swapped before tokenizing, because html5ever
    // handles them unlike html.parser (both are single bytes, so the swap
    // happens in place):
    // - `\r`: html5ever turns CRLF and lone CR into LF, html.parser keeps
    //   every `\r`. A form feed is whitespace to both tokenizers, and to
    //   BeautifulSoup's whitespace test, as `\r` is: it counts the same.
    // - `&`: html5ever decodes character references by the HTML standard,
    //   BeautifulSoup by html.parser's older rules (`&foo;` unknown keeps
    //   the `&` but drops the `;`). Hiding every `&` from html5ever lets
    //   [`entities`] apply those rules to the text strings.
    let mut bytes = html.as_bytes().to_vec();
    for byte in &mut bytes {
        match *byte {
            b'\r' => *byte = FORM_FEED,
            b'&' => *byte = AMPERSAND,
            _ => {}
        }
    }
    let swapped = String::from_utf8(bytes).unwrap_or_else(|_| html.to_owned());

    let input = BufferQueue::default();
    input.push_back(StrTendril::from(swapped));
    let opts = TokenizerOpts {
        // BeautifulSoup drops only the BOM's bytes; a U+FEFF in the text is text.
        discard_bom: false,
        ..TokenizerOpts::default()
    };
    let tokenizer = Tokenizer::new(Tree::default(), opts);
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let tree = tokenizer.sink.state.into_inner();
    tree.total
}
// ANCHOR_END: swap

const FORM_FEED: u8 = 0x0c;
/// Stands for `&` while html5ever tokenizes. A control character that no
/// page has any business containing; one that did would be read as `&`.
const AMPERSAND: u8 = 0x01;

/// Elements that html.parser's BeautifulSoup closes as soon as they open.
const VOID: [&str; 24] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link",
    "menuitem", "meta", "param", "source", "track", "wbr", "basefont", "bgsound",
    "command", "frame", "image", "isindex", "nextid", "spacer",
];
/// Their whitespace is kept as it is.
const PRESERVE_WHITESPACE: [&str; 2] = ["pre", "textarea"];
/// Their strings are of another kind, which `.text` leaves out.
const NOT_TEXT: [&str; 5] = ["script", "style", "template", "rt", "rp"];
/// What BeautifulSoup calls ASCII whitespace.
const ASCII_SPACES: [char; 5] = [' ', '\n', '\t', '\x0c', '\r'];

/// The tokenizer's sink: the open elements and the text string being built.
#[derive(Default)]
struct Tree {
    // The tokenizer hands tokens to `&self`.
    state: RefCell<TreeState>,
}

#[derive(Default)]
struct TreeState {
    open: Vec<LocalName>,
    /// How many of each name are open, how many of them keep their
    /// whitespace, how many hide their text: so that nothing walks the
    /// stack, which grows deep (html.parser closes no `<p>` or `<li>` by
    /// itself).
    open_names: HashMap<LocalName, usize>,
    preserving: usize,
    hiding: usize,
    /// Void elements already closed, by name, whose end tag, if one comes,
    /// does nothing at all (it does not even end the text string).
    closed_voids: HashMap<LocalName, usize>,
    /// The text since the last tag, comment or declaration.
    string: String,
    total: usize,
}

// ANCHOR: sink
impl TokenSink for Tree {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut tree = self.state.borrow_mut();
        match token {
            Token::CharacterTokens(text) => tree.string.push_str(&text),
            Token::NullCharacterToken => tree.string.push('\0'),
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                tree.end_string(false);
                tree.push(&tag.name);
                if tag.self_closing {
                    // `<br/>`, `<div/>`: opened and closed at once.
                    tree.end_tag(&tag.name);
                } else if VOID.contains(&&*tag.name) {
                    tree.pop_to(&tag.name);
                    *tree.closed_voids.entry(tag.name.clone()).or_default() += 1;
                } else if &*tag.name == "script" || &*tag.name == "style" {
                    // The only raw text html.parser knows; RAWTEXT, not
                    // script data, because html.parser ends a script at the
                    // first `</script>` even inside `<!--`.
                    return TokenSinkResult::RawData(RawKind::Rawtext);
                }
            }
            Token::TagToken(tag) => tree.end_tag(&tag.name),
            // html5ever reads `<![CDATA[abc]]>` in HTML as a comment;
            // html.parser as CDATA, a string that `.text` includes.
            Token::CommentToken(text)
                if text.starts_with("[CDATA[") && text.ends_with("]]") =>
            {
                tree.end_string(false);
                tree.string.push_str(&text["[CDATA[".len()..text.len() - 2]);
                tree.end_cdata();
            }
            Token::CommentToken(_) | Token::DoctypeToken(_) => {
                tree.end_string(false)
            }
            Token::EOFToken => tree.end_string(true),
            Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}
// ANCHOR_END: sink

impl TreeState {
    fn end_tag(&mut self, name: &LocalName) {
        if let Some(closed) = self.closed_voids.get_mut(name).filter(|n| **n > 0) {
            *closed -= 1;
            return;
        }
        self.end_string(false);
        self.pop_to(name);
    }

    fn push(&mut self, name: &LocalName) {
        self.open.push(name.clone());
        *self.open_names.entry(name.clone()).or_default() += 1;
        self.preserving += usize::from(PRESERVE_WHITESPACE.contains(&&**name));
        self.hiding += usize::from(NOT_TEXT.contains(&&**name));
    }

    /// Closes the nearest open element called `name`, and everything opened
    /// inside it; if none is open, nothing.
    fn pop_to(&mut self, name: &LocalName) {
        if self.open_names.get(name).is_none_or(|&n| n == 0) {
            return;
        }
        while let Some(popped) = self.open.pop() {
            if let Some(n) = self.open_names.get_mut(&popped) {
                *n -= 1;
            }
            self.preserving -= usize::from(PRESERVE_WHITESPACE.contains(&&*popped));
            self.hiding -= usize::from(NOT_TEXT.contains(&&*popped));
            if popped == *name {
                return;
            }
        }
    }

    /// Ends the text string being built and counts it, as BeautifulSoup's
    /// `endData` does.
    fn end_string(&mut self, at_end: bool) {
        // Inside script, style, template, rt or rp the string is of their
        // kind, not text: it is not counted.
        if !self.string.is_empty() && self.hiding == 0 {
            let text = entities(&self.string, at_end);
            self.total += self.string_len(&text);
        }
        self.string.clear();
    }

    /// A CDATA section's string: counted wherever it is, and its
    /// references are not decoded.
    fn end_cdata(&mut self) {
        let raw = std::mem::take(&mut self.string);
        let text = raw.replace(char::from(AMPERSAND), "&");
        self.total += self.string_len(&text);
    }

    fn string_len(&self, text: &str) -> usize {
        if self.preserving == 0 && text.chars().all(|c| ASCII_SPACES.contains(&c)) {
            // Only whitespace: one newline, or one space.
            1
        } else {
            text.chars().count()
        }
    }
}

/// Decodes the character references in a text string (where `&` is
/// [`AMPERSAND`]) as html.parser finds them and BeautifulSoup resolves them.
/// `at_end`: the string ends the document (html.parser needs a character
/// after a reference to recognise it; otherwise a tag follows).
fn entities(raw: &str, at_end: bool) -> Cow<'_, str> {
    let amp = char::from(AMPERSAND);
    if !raw.contains(amp) {
        return Cow::Borrowed(raw);
    }
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != amp {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let rest = &chars[i + 1..];
        let consumed = match rest.first() {
            Some('#') => {
                numeric_reference(&rest[1..], at_end, &mut out).map(|n| n + 1)
            }
            Some(c) if c.is_ascii_alphabetic() => {
                named_reference(rest, at_end, &mut out)
            }
            _ => None,
        };
        match consumed {
            Some(n) => i += 1 + n,
            None => {
                // Not a reference: the `&` is text (and `&#` both are).
                out.push('&');
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

/// `&#123;`, `&#x1F600`: pushes the character and returns how many
/// characters after `&#` it took, or `None` if this is no reference.
fn numeric_reference(
    digits: &[char],
    at_end: bool,
    out: &mut String,
) -> Option<usize> {
    let (hex, start) = match digits.first() {
        Some('x' | 'X') => (true, 1),
        _ => (false, 0),
    };
    let radix = if hex { 16 } else { 10 };
    let len = digits[start..]
        .iter()
        .take_while(|c| c.is_digit(radix))
        .count();
    if len == 0 {
        return None;
    }
    let end = start + len;
    // html.parser wants a character that is no hex digit after the number.
    match digits.get(end) {
        Some(c) if c.is_ascii_hexdigit() => return None,
        None if at_end => return None,
        _ => {}
    }
    let number: String = digits[start..end].iter().collect();
    let code = u32::from_str_radix(&number, radix).unwrap_or(u32::MAX);
    out.push(numeric_char(code));
    // A `;` ends the reference and is dropped; any other character stays.
    Some(if digits.get(end) == Some(&';') {
        end + 1
    } else {
        end
    })
}

/// The character a numeric reference stands for, as BeautifulSoup resolves
/// it: only its whitespace-ness matters to the count, which is always one.
fn numeric_char(code: u32) -> char {
    match code {
        0 | 0xD800..=0xDFFF | 0x11_0000.. => char::REPLACEMENT_CHARACTER,
        _ => char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
    }
}

/// `&amp;`, `&copy`, `&foo;`: pushes what BeautifulSoup makes of it and
/// returns how many characters after `&` it took.
fn named_reference(rest: &[char], at_end: bool, out: &mut String) -> Option<usize> {
    let len = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '-' || **c == '.')
        .count();
    let after = rest.get(len);
    if after.is_none() && at_end {
        return None;
    }
    let name: String = rest[..len].iter().collect();
    // BeautifulSoup knows every HTML5 name, with or without its `;`.
    match NAMED_ENTITIES.get(format!("{name};").as_str()) {
        Some(&(first, second)) if first != 0 => {
            out.extend(char::from_u32(first));
            if second != 0 {
                out.extend(char::from_u32(second));
            }
        }
        // An unknown name stays as text, without the `;` that ended it.
        _ => {
            out.push('&');
            out.push_str(&name);
        }
    }
    Some(if after == Some(&';') { len + 1 } else { len })
}

/// A charset that BeautifulSoup may decode with, as Python's codecs do it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Charset {
    Encoding(&'static Encoding),
    /// Python's `ascii`: fails on any byte above 127 (the WHATWG label
    /// means windows-1252, which never fails).
    Ascii,
    /// Python's `latin-1`: every byte is its own character.
    Latin1,
    /// Python's `cp1252`: five bytes are undefined, and fail.
    Windows1252,
    /// Python's `gb2312`: two bytes from 0xA1 up for each character. The
    /// WHATWG label means GBK, which takes far more pairs, including much
    /// of what UTF-8 looks like: a UTF-8 page that declares gb2312 would
    /// decode as GBK without an error.
    Gb2312,
    /// UTF-32, which encoding_rs leaves out (no web page should use it).
    Utf32 {
        big_endian: bool,
    },
}

impl Charset {
    fn for_label(label: &str) -> Option<Self> {
        let label = label.trim().to_ascii_lowercase();
        match label.replace('_', "-").as_str() {
            "ascii" | "us-ascii" | "646" => return Some(Self::Ascii),
            "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" => {
                return Some(Self::Latin1);
            }
            "windows-1252" | "cp1252" => return Some(Self::Windows1252),
            "gb2312" | "euc-cn" | "euccn" | "gb2312-1980" | "gb2312-80"
            | "chinese" => {
                return Some(Self::Gb2312);
            }
            _ => {}
        }
        let encoding = Encoding::for_label(label.as_bytes())
            .or_else(|| Encoding::for_label(label.replace('_', "-").as_bytes()))?;
        Some(Self::Encoding(encoding))
    }

    fn name(self) -> &'static str {
        match self {
            Self::Encoding(encoding) => encoding.name(),
            Self::Ascii => "ascii",
            Self::Latin1 => "latin-1",
            Self::Windows1252 => "windows-1252",
            Self::Gb2312 => "gb2312",
            Self::Utf32 { .. } => "UTF-32",
        }
    }

    fn decode_strictly(self, body: &[u8]) -> Option<String> {
        match self {
            Self::Encoding(encoding) => encoding
                .decode_without_bom_handling_and_without_replacement(body)
                .map(|text| text.into_owned()),
            Self::Ascii => body.is_ascii().then(|| self.decode_replacing(body)),
            Self::Latin1 => Some(body.iter().map(|&b| char::from(b)).collect()),
            Self::Windows1252 => {
                let undefined = [0x81, 0x8d, 0x8f, 0x90, 0x9d];
                if body.iter().any(|b| undefined.contains(b)) {
                    return None;
                }
                Self::Encoding(WINDOWS_1252).decode_strictly(body)
            }
            Self::Gb2312 => {
                let mut bytes = body.iter();
                while let Some(&lead) = bytes.next() {
                    let pair = |trail: Option<&u8>| {
                        trail.is_some_and(|t| (0xa1..=0xfe).contains(t))
                    };
                    if lead >= 0x80
                        && !((0xa1..=0xf7).contains(&lead) && pair(bytes.next()))
                    {
                        return None;
                    }
                }
                Self::Encoding(GBK).decode_strictly(body)
            }
            Self::Utf32 { big_endian } => body
                .chunks(4)
                .map(|c| {
                    let word = <[u8; 4]>::try_from(c).ok()?;
                    let code = if big_endian {
                        u32::from_be_bytes(word)
                    } else {
                        u32::from_le_bytes(word)
                    };
                    char::from_u32(code)
                })
                .collect(),
        }
    }

    fn decode_replacing(self, body: &[u8]) -> String {
        match self {
            Self::Encoding(encoding) => {
                encoding.decode_without_bom_handling(body).0.into_owned()
            }
            Self::Gb2312 => Self::Encoding(GBK).decode_replacing(body),
            Self::Utf32 { .. } => self.decode_strictly(body).unwrap_or_default(),
            Self::Ascii | Self::Latin1 | Self::Windows1252 => WINDOWS_1252
                .decode_without_bom_handling(body)
                .0
                .into_owned(),
        }
    }
}

/// A byte-order mark: the encoding it names, and the bytes after it.
fn strip_bom(bytes: &[u8]) -> (&[u8], Option<Charset>) {
    let utf16 = |bom: &[u8]| {
        bytes.len() >= 4 && bytes.starts_with(bom) && bytes[2..4] != [0, 0]
    };
    if utf16(&[0xfe, 0xff]) {
        (&bytes[2..], Some(Charset::Encoding(UTF_16BE)))
    } else if utf16(&[0xff, 0xfe]) {
        (&bytes[2..], Some(Charset::Encoding(UTF_16LE)))
    } else if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        (rest, Some(Charset::Encoding(UTF_8)))
    } else if let Some(rest) = bytes.strip_prefix(b"\x00\x00\xfe\xff") {
        (rest, Some(Charset::Utf32 { big_endian: true }))
    } else if let Some(rest) = bytes.strip_prefix(b"\xff\xfe\x00\x00") {
        (rest, Some(Charset::Utf32 { big_endian: false }))
    } else {
        (bytes, wide_without_bom(bytes))
    }
}
/// A page in UTF-16 or UTF-32 without a byte-order mark, recognised by
/// its zero bytes around a first `<`. BeautifulSoup's detector
/// (charset_normalizer) recognises these; chardetng leaves them to the
/// byte-order-mark step, so the lesson looks for them here.
fn wide_without_bom(bytes: &[u8]) -> Option<Charset> {
    match bytes.get(..4)? {
        [b'<', 0, 0, 0] => Some(Charset::Utf32 { big_endian: false }),
        [0, 0, 0, b'<'] => Some(Charset::Utf32 { big_endian: true }),
        [b'<', 0, _, 0] => Some(Charset::Encoding(UTF_16LE)),
        [0, b'<', 0, _] => Some(Charset::Encoding(UTF_16BE)),
        _ => None,
    }
}

/// The charset a page declares, found as BeautifulSoup finds it: in an XML
/// declaration at the very start, else in the first `<meta ... charset=X>`
/// within the first max(2048 bytes, 5 %) of the page. Lowercase.
pub fn declared_charset(body: &[u8]) -> Option<String> {
    let found = xml_declaration(&body[..body.len().min(1024)]).or_else(|| {
        let end = body.len().min((body.len() / 20).max(2048));
        meta_charset(&body[..end])
    })?;
    let label = String::from_utf8_lossy(found).to_lowercase();
    (!label.is_empty()).then_some(label)
}

/// `^\s*<\?.*encoding=['"](.*?)['"].*\?>`, on one line.
fn xml_declaration(head: &[u8]) -> Option<&[u8]> {
    let start = head.iter().position(|b| !is_space(*b))?;
    let line = &head[start..];
    let line = &line[..line.iter().position(|&b| b == b'\n').unwrap_or(line.len())];
    if !line.starts_with(b"<?") {
        return None;
    }
    let lower = line.to_ascii_lowercase();
    let at = find(&lower, b"encoding=")? + "encoding=".len();
    let is_quote = |b: &u8| *b == b'"' || *b == b'\'';
    line.get(at).filter(|b| is_quote(b))?;
    let value = &line[at + 1..];
    let close = value.iter().position(is_quote)?;
    find(&value[close..], b"?>")?;
    Some(&value[..close])
}

/// `<\s*meta[^>]+charset\s*=\s*["']?([^>]*?)[ /;'">]`, case-insensitive,
/// the first match in `head`.
fn meta_charset(head: &[u8]) -> Option<&[u8]> {
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(lt) = lower[from..].iter().position(|&b| b == b'<') {
        let open = from + lt;
        from = open + 1;
        let mut at = open + 1;
        while lower.get(at).is_some_and(|b| is_space(*b)) {
            at += 1;
        }
        if !lower[at..].starts_with(b"meta") {
            continue;
        }
        let body_start = at + 4;
        // `[^>]+` stays inside the tag, and is greedy: the last `charset`
        // in the tag that fits wins.
        let tag_end = lower[body_start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |p| body_start + p);
        let mut candidates: Vec<usize> = (body_start + 1..tag_end)
            .filter(|&p| lower[p..tag_end].starts_with(b"charset"))
            .collect();
        candidates.reverse();
        for p in candidates {
            if let Some(value) =
                charset_value(&lower, head, p + "charset".len(), tag_end)
            {
                return Some(value);
            }
        }
    }
    None
}

/// `\s*=\s*["']?([^>]*?)[ /;'">]` from `at`; the tag's `>` is at `tag_end`.
fn charset_value<'a>(
    lower: &[u8],
    head: &'a [u8],
    at: usize,
    tag_end: usize,
) -> Option<&'a [u8]> {
    let skip = |mut i: usize| {
        while i < tag_end && is_space(lower[i]) {
            i += 1;
        }
        i
    };
    let mut i = skip(at);
    if lower.get(i) != Some(&b'=') {
        return None;
    }
    i = skip(i + 1);
    if i < tag_end && (lower[i] == b'"' || lower[i] == b'\'') {
        i += 1;
    }
    let stop = |b: &u8| matches!(b, b' ' | b'/' | b';' | b'\'' | b'"' | b'>');
    let end = head[i..].iter().position(stop).map(|p| i + p)?;
    (end <= tag_end).then(|| &head[i..end])
}

/// Python's `\s` on bytes.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{EUC_JP, SHIFT_JIS};

    /// Each expected count is what BeautifulSoup 4.15 printed for the
    /// snippet (CPython 3.11.7), and the comment says why.
    fn count(html: &str) -> usize {
        text_len(html)
    }

    #[test]
    fn plain_text_and_tags() {
        assert_eq!(count("<p>Hello</p>"), 5);
        assert_eq!(count("<p>a</p><p>b</p>"), 2);
        // Characters, not bytes: é and 線 are one each.
        assert_eq!(count("<p>café 線</p>"), 6);
    }

    #[test]
    fn whitespace_strings_count_one_except_in_pre() {
        // "\n  " before <head>, between elements, after </body>: one each.
        assert_eq!(
            count("<html>\n  <head></head>\n  <body> </body>\n</html>\n"),
            5
        );
        assert_eq!(count("<pre>  \n  </pre>"), 5);
        assert_eq!(count("<textarea>   </textarea>"), 3);
        // A no-break space is not ASCII whitespace.
        assert_eq!(count("<p>\u{a0}\u{a0}</p>"), 2);
        // Text with letters keeps all its whitespace.
        assert_eq!(count("<p>  a  </p>"), 5);
    }

    #[test]
    fn carriage_returns_are_kept() {
        assert_eq!(count("<p>a\r\nb</p>"), 4);
        assert_eq!(count("<p>a\rb</p>"), 3);
        // Whitespace only, with a CR: still one.
        assert_eq!(count("<p>\r\n</p>"), 1);
        // A CR inside a tag is whitespace there too.
        assert_eq!(count("<p\r\nclass=x>ab</p>"), 2);
    }

    #[test]
    fn scripts_styles_templates_and_ruby_text_are_not_text() {
        assert_eq!(count("<script>var a = '<p>x</p>';</script>b"), 1);
        assert_eq!(count("<style>p { color: red }</style>b"), 1);
        // Raw text: a tag inside <style> is part of its string, so the
        // </div> closes nothing and "ab" stays hidden.
        assert_eq!(count("<div><style></div>ab</style></div>"), 0);
        assert_eq!(count("<template><p>hidden</p></template>b"), 1);
        assert_eq!(count("<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>"), 1);
        // A script ends at its first </script>, even inside <!--.
        assert_eq!(count("<script><!-- <script></script>ab</script>"), 2);
        // <script/> opens nothing: what follows is text.
        assert_eq!(count("<script/>ab"), 2);
    }

    #[test]
    fn comments_doctypes_and_instructions_are_not_text() {
        assert_eq!(count("<!DOCTYPE html><!-- note -->a<?php x ?>b"), 2);
        // Each ends the string before it: two whitespace strings, not one.
        assert_eq!(count("<p> <!-- --> </p>"), 2);
        // CDATA is text to html.parser, wherever it is.
        assert_eq!(
            count("<p><![CDATA[a&b]]></p><template><![CDATA[c]]></template>"),
            4
        );
    }

    #[test]
    fn noembed_noscript_iframe_title_are_markup_not_raw_text() {
        assert_eq!(count("<noembed><b>ab</b></noembed>"), 2);
        assert_eq!(count("<noscript><p>ab</p></noscript>"), 2);
        assert_eq!(count("<title>a<b>c</b></title>"), 2);
        assert_eq!(count("<iframe><p>ab</p></iframe>"), 2);
    }

    #[test]
    fn end_tags_close_the_nearest_open_element_or_nothing() {
        // </pre> closes the <b> inside it too: the spaces after it are
        // outside <pre>, one character; the later </b> and </pre> find
        // nothing open.
        assert_eq!(count("<pre><b>x</pre>  </b></pre>"), 2);
        // A stray end tag still ends the string: two strings of one.
        assert_eq!(count("<p>  </i>  </p>"), 2);
        // The end tag of a void element already closed ends nothing.
        assert_eq!(count("<p>  <br>  </br>  </p>"), 2);
    }

    #[test]
    fn character_references_as_html_parser_reads_them() {
        assert_eq!(count("<p>&amp;&lt;&#65;&#x42;&nbsp;</p>"), 5);
        // Without a semicolon, still references.
        assert_eq!(count("<p>&amp x &#65 y</p>"), 7);
        // An unknown name keeps its & but loses its ;.
        assert_eq!(count("<p>&foo;</p>"), 4);
        // A name that is not a legacy one, without ;, still resolves.
        assert_eq!(count("<p>&lang=en</p>"), 4);
        // Two code points from one name.
        assert_eq!(count("<p>&NotEqualTilde;</p>"), 2);
        // A bare &, and an &# that is no reference.
        assert_eq!(count("<p>a & b &#; c</p>"), 11);
        // A reference to whitespace makes a whitespace string.
        assert_eq!(count("<p>&#32;&#10;</p>"), 1);
    }

    #[test]
    fn decoding_follows_bom_then_meta_then_utf8_then_windows_1252() {
        let bom = b"\xef\xbb\xbf<p>caf\xc3\xa9</p>";
        assert_eq!(decode(bom).encoding, "UTF-8");
        assert_eq!(bytes_text_len(bom), 4);
        // Declares gb2312 but is UTF-8: gb2312 fails, UTF-8 wins.
        let wrong = "<meta charset=\"gb2312\"><p>线程</p>".as_bytes();
        let decoded = decode(wrong);
        assert_eq!(decoded.encoding, "UTF-8");
        assert_eq!(decoded.declared_but_invalid.as_deref(), Some("gb2312"));
        assert_eq!(bytes_text_len(wrong), 2);
        // Really gb2312 (GBK bytes for 线程).
        let gbk = b"<meta charset=\"gb2312\"><p>\xcf\xdf\xb3\xcc</p>";
        assert_eq!(decode(gbk).encoding, "gb2312");
        assert_eq!(bytes_text_len(gbk), 2);
        // Not UTF-8 and nothing declared: windows-1252, a character a byte.
        assert_eq!(bytes_text_len(b"<p>caf\xe9</p>"), 4);
        // UTF-16 with its BOM.
        let utf16: Vec<u8> = b"\xff\xfe"
            .iter()
            .copied()
            .chain("<p>é</p>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(bytes_text_len(&utf16), 1);
    }

    /// Pages about the course in a legacy multi-byte encoding that they
    /// do not declare: BeautifulSoup decodes them with charset_normalizer's
    /// guess, the lesson with chardetng's. Read one byte a character, as
    /// windows-1252, they would count 110, 98 and 64.
    #[test]
    fn undeclared_legacy_pages_are_decoded_with_the_detectors_guess() {
        let japanese = "<html><head><title>スレッドとプロセス</title></head>\n\
            <body><p>スレッドは同じプロセスの中でメモリを共有します。\
            プロセスはそれぞれ自分のメモリを持ちます。</p></body></html>\n";
        let chinese = "<html><head><title>线程与进程</title></head>\n\
            <body><p>线程在同一个进程里共享内存。每个进程都有自己的内存。</p>\
            </body></html>\n";
        // The title, the newline after </head>, the two sentences (24 and
        // 21 characters; 14 and 12) and the newline at the end.
        for (text, encoding, count) in [
            (japanese, EUC_JP, 9 + 1 + 24 + 21 + 1),
            (japanese, SHIFT_JIS, 9 + 1 + 24 + 21 + 1),
            (chinese, GBK, 5 + 1 + 14 + 12 + 1),
        ] {
            let (bytes, _, unmappable) = encoding.encode(text);
            assert!(!unmappable);
            let decoded = decode(&bytes);
            assert_eq!(decoded.encoding, encoding.name());
            assert_eq!(decoded.declared_but_invalid, None);
            assert_eq!(text_len(&decoded.text), count, "{}", encoding.name());
        }
    }

    #[test]
    fn the_detector_is_not_asked_about_utf8_or_a_valid_declaration() {
        // UTF-8 that a detector might read as Shift_JIS: UTF-8 wins.
        assert_eq!(decode("<p>スレッド</p>".as_bytes()).encoding, "UTF-8");
        // Declared and valid: the declaration wins over any guess.
        let koi8 = b"<meta charset=koi8-r><p>\xf0\xd2\xc9</p>";
        assert_eq!(decode(koi8).encoding, "KOI8-R");
        // A label Python knows and encoding_rs does not (IBM855): Python
        // decodes with it, 4 characters, and asks no detector; the lesson
        // asks none either (chardetng reads these bytes as two GBK
        // characters) and falls back to windows-1252, one byte a character.
        let ibm855 = b"<meta charset=ibm855><p>\xe1\xb7\xd6\xd8</p>";
        assert_eq!(decode(ibm855).encoding, "windows-1252");
        assert_eq!(bytes_text_len(ibm855), 4);
    }

    #[test]
    fn the_declared_charset_is_found_as_beautifulsoup_finds_it() {
        let found = |html: &str| declared_charset(html.as_bytes());
        assert_eq!(found("<meta charset=utf-8>").as_deref(), Some("utf-8"));
        assert_eq!(
            found(r#"<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=ISO-8859-1">"#)
                .as_deref(),
            Some("iso-8859-1")
        );
        assert_eq!(
            found(r#"<?xml version="1.0" encoding="UTF-8"?>"#).as_deref(),
            Some("utf-8")
        );
        assert_eq!(found("<p>charset=utf-8</p>"), None);
        // Too far down the page: not looked at.
        let late = format!("{}<meta charset=koi8-r>", " ".repeat(3000));
        assert_eq!(found(&late), None);
    }
}
