//! The tokenizer: text split at byte level into at most [`MAX_TOKS`]
//! tokens held on the stack (numbers with their digit count, month and
//! weekday names, separators, and the few words dates use). Anything no
//! date or time holds stops it at once.

/// The most tokens a date or time is read from.
const MAX_TOKS: usize = 24;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tk {
    Num,
    Month(u8),
    Weekday(u8),
    Slash,
    Dot,
    Dash,
    Colon,
    Comma,
    Question,
    Apos,
    LParen,
    RParen,
    At,
    IsoT,
    Am,
    Pm,
    LetterA,
    LetterP,
    LetterM,
    Hrs,
    Noon,
    Midnight,
    To,
    Of,
    The,
    Approx,
    Vague,
}

/// One token.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tok {
    /// What it is.
    pub(super) k: Tk,
    /// Value of a number (saturating).
    pub(super) v: u32,
    /// Digits in a number.
    pub(super) nd: u8,
    /// White space before the token.
    pub(super) sp: bool,
    /// A number with an ordinal suffix (`5th`).
    pub(super) ord: bool,
}

const BLANK: Tok = Tok {
    k: Tk::Comma,
    v: 0,
    nd: 0,
    sp: false,
    ord: false,
};

/// The tokens of a text, on the stack.
pub(super) struct Toks {
    t: [Tok; MAX_TOKS],
    n: usize,
}

impl Toks {
    /// The tokens read, in order.
    pub(super) fn as_slice(&self) -> &[Tok] {
        &self.t[..self.n]
    }
}

/// The token a word stands for; `None` for a word no date or time holds.
fn word_kind(w: &[u8]) -> Option<Tk> {
    let mut buf = [0u8; 13];
    if w.len() > buf.len() {
        return None;
    }
    for (d, s) in buf.iter_mut().zip(w) {
        *d = s.to_ascii_lowercase();
    }
    Some(match &buf[..w.len()] {
        b"jan" | b"january" => Tk::Month(1),
        b"feb" | b"february" | b"febuary" => Tk::Month(2),
        b"mar" | b"march" => Tk::Month(3),
        b"apr" | b"april" => Tk::Month(4),
        b"may" => Tk::Month(5),
        b"jun" | b"june" => Tk::Month(6),
        b"jul" | b"july" => Tk::Month(7),
        b"aug" | b"august" => Tk::Month(8),
        b"sep" | b"sept" | b"september" => Tk::Month(9),
        b"oct" | b"october" => Tk::Month(10),
        b"nov" | b"november" => Tk::Month(11),
        b"dec" | b"december" => Tk::Month(12),
        b"mon" | b"monday" => Tk::Weekday(0),
        b"tue" | b"tues" | b"tuesday" => Tk::Weekday(1),
        b"wed" | b"weds" | b"wednesday" => Tk::Weekday(2),
        b"thu" | b"thur" | b"thurs" | b"thursday" => Tk::Weekday(3),
        b"fri" | b"friday" => Tk::Weekday(4),
        b"sat" | b"saturday" => Tk::Weekday(5),
        b"sun" | b"sunday" => Tk::Weekday(6),
        b"am" => Tk::Am,
        b"pm" => Tk::Pm,
        b"a" => Tk::LetterA,
        b"p" => Tk::LetterP,
        b"m" => Tk::LetterM,
        b"h" | b"hr" | b"hrs" | b"hours" => Tk::Hrs,
        b"noon" | b"midday" => Tk::Noon,
        b"midnight" => Tk::Midnight,
        b"to" | b"until" | b"till" => Tk::To,
        b"of" => Tk::Of,
        b"the" => Tk::The,
        b"at" => Tk::At,
        b"t" => Tk::IsoT,
        b"c" | b"ca" | b"circa" | b"approx" | b"approximately" | b"about" | b"around" => Tk::Approx,
        b"early" | b"mid" | b"late" => Tk::Vague,
        _ => return None,
    })
}

/// Splits text into tokens; `None` for anything no date or time contains.
pub(super) fn tokenize(s: &str) -> Option<Toks> {
    let b = s.as_bytes();
    let mut lx = Lexer {
        out: Toks {
            t: [BLANK; MAX_TOKS],
            n: 0,
        },
        sp: false,
    };
    let mut i = 0;
    while i < b.len() {
        i = match b[i] {
            b'0'..=b'9' => lx.number(b, i)?,
            b'a'..=b'z' | b'A'..=b'Z' => lx.word(b, i)?,
            b' ' | b'\t' | b'\r' | b'\n' => {
                lx.sp = true;
                i + 1
            }
            c if c.is_ascii() => {
                lx.punct(punct_kind(c)?)?;
                i + 1
            }
            _ => lx.non_ascii(b, i)?,
        };
    }
    Some(lx.out)
}

/// The tokens so far, and whether white space came since the last one.
struct Lexer {
    out: Toks,
    sp: bool,
}

impl Lexer {
    /// Adds a token; `None` when the text holds too many.
    fn push(&mut self, tok: Tok) -> Option<()> {
        if self.out.n == MAX_TOKS {
            return None;
        }
        self.out.t[self.out.n] = tok;
        self.out.n += 1;
        self.sp = false;
        Some(())
    }

    /// Adds a token that is not a number.
    fn punct(&mut self, k: Tk) -> Option<()> {
        self.push(Tok {
            k,
            v: 0,
            nd: 0,
            sp: self.sp,
            ord: false,
        })
    }

    /// The run of digits from `i`; gives where it ends.
    fn number(&mut self, b: &[u8], mut i: usize) -> Option<usize> {
        let st = i;
        let mut v: u32 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            v = v.saturating_mul(10).saturating_add((b[i] - b'0') as u32);
            i += 1;
        }
        let nd = (i - st).min(255) as u8;
        self.push(Tok {
            k: Tk::Num,
            v,
            nd,
            sp: self.sp,
            ord: false,
        })?;
        Some(i)
    }

    /// The run of letters from `i`: an ordinal suffix or a word; gives
    /// where it ends.
    fn word(&mut self, b: &[u8], mut i: usize) -> Option<usize> {
        let st = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        let w = &b[st..i];
        // An ordinal suffix straight after a number: 5th, 1st.
        let n = self.out.n;
        if !self.sp && n > 0 && self.out.t[n - 1].k == Tk::Num && !self.out.t[n - 1].ord {
            let l = [
                w[0].to_ascii_lowercase(),
                w.get(1).map_or(0, |x| x.to_ascii_lowercase()),
            ];
            if w.len() == 2 && matches!(&l, b"st" | b"nd" | b"rd" | b"th") {
                self.out.t[n - 1].ord = true;
                return Some(i);
            }
        }
        self.punct(word_kind(w)?)?;
        Some(i)
    }

    /// The few characters beyond ASCII that dates hold (spaces, dashes
    /// and apostrophes a word processor puts in), from `i`; gives where
    /// the character ends.
    fn non_ascii(&mut self, b: &[u8], i: usize) -> Option<usize> {
        match b[i] {
            0xC2 if b.get(i + 1) == Some(&0xA0) => {
                // no-break space
                self.sp = true;
                Some(i + 2)
            }
            0xE2 if b.get(i + 1) == Some(&0x80) => {
                match b.get(i + 2) {
                    // en/em/figure spaces, thin, zero-width, narrow no-break
                    Some(0x80..=0x8B) | Some(0xAF) => self.sp = true,
                    // hyphens and dashes
                    Some(0x90..=0x95) => self.punct(Tk::Dash)?,
                    // curly apostrophes
                    Some(0x98 | 0x99) => self.punct(Tk::Apos)?,
                    _ => return None,
                }
                Some(i + 3)
            }
            0xE2 if b.get(i + 1) == Some(&0x88) && b.get(i + 2) == Some(&0x92) => {
                // minus sign
                self.punct(Tk::Dash)?;
                Some(i + 3)
            }
            _ => None,
        }
    }
}

/// The token of an ASCII punctuation mark; `None` for one no date or
/// time holds.
fn punct_kind(c: u8) -> Option<Tk> {
    Some(match c {
        b'/' | b'\\' => Tk::Slash,
        b'.' => Tk::Dot,
        b'-' | b'_' => Tk::Dash,
        b':' => Tk::Colon,
        b',' => Tk::Comma,
        b'\'' => Tk::Apos,
        b'(' | b'[' => Tk::LParen,
        b')' | b']' => Tk::RParen,
        b'?' => Tk::Question,
        b'~' => Tk::Approx,
        b'@' => Tk::At,
        _ => return None,
    })
}
