//! Tokens as plain data: one arena of token strings ([`TokenSink`]) and the exchanges over it
//! ([`TokenStream`]), what tokenizers write and engines consume.

/// Tokens stored back to back in one string, with their byte spans (few allocations).
#[derive(Clone, Debug, Default)]
pub struct TokenSink {
    arena: String,
    spans: Vec<(usize, usize)>,
}

impl TokenSink {
    /// Append one token.
    pub fn push(&mut self, token: &str) {
        let start = self.arena.len();
        self.arena.push_str(token);
        self.spans.push((start, self.arena.len()));
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Tokens `range`.
    pub fn iter_range(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = &str> {
        self.spans[range].iter().map(|&(a, b)| &self.arena[a..b])
    }

    /// All tokens.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.iter_range(0..self.spans.len())
    }

    /// Append all tokens of `other`.
    pub fn extend(&mut self, other: &Self) {
        let offset = self.arena.len();
        self.arena.push_str(&other.arena);
        self.spans.extend(other.spans.iter().map(|&(a, b)| (a + offset, b + offset)));
    }

    /// Keep tokens `from..` for which `keep` is true (order preserved).
    pub fn retain_from(&mut self, from: usize, mut keep: impl FnMut(&str) -> bool) {
        let mut write = from;
        for read in from..self.spans.len() {
            let (a, b) = self.spans[read];
            if keep(&self.arena[a..b]) {
                self.spans[write] = (a, b);
                write += 1;
            }
        }
        self.spans.truncate(write);
    }

    /// `text.lower().split()` with whitespace `is_space`: lower-case into the arena, record the
    /// whitespace-separated parts (an ASCII fast path asks `is_space` only of ASCII bytes).
    pub fn push_lower_split(&mut self, text: &str, is_space: impl Fn(char) -> bool) {
        let start = self.arena.len();
        if text.is_ascii() {
            self.arena.push_str(text);
            self.arena[start..].make_ascii_lowercase();
        } else {
            self.arena.push_str(&text.to_lowercase());
        }
        let region = &self.arena[start..];
        if region.is_ascii() {
            let is_space = |b: u8| is_space(char::from(b));
            let bytes = region.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                while i < bytes.len() && is_space(bytes[i]) {
                    i += 1;
                }
                let t = i;
                while i < bytes.len() && !is_space(bytes[i]) {
                    i += 1;
                }
                if i > t {
                    self.spans.push((start + t, start + i));
                }
            }
            return;
        }
        let mut token_start = None;
        for (i, c) in region.char_indices() {
            match (is_space(c), token_start) {
                (true, Some(t)) => {
                    self.spans.push((start + t, start + i));
                    token_start = None;
                }
                (false, None) => token_start = Some(i),
                _ => {}
            }
        }
        if let Some(t) = token_start {
            self.spans.push((start + t, self.arena.len()));
        }
    }
}

/// Tokens of every exchange, flattened into one arena.
#[derive(Clone, Debug, Default)]
pub struct TokenStream {
    tokens: TokenSink,
    /// Tokens produced before kill-word filtering (the reference's `tokens`).
    n_raw: usize,
    /// `ends[k]` is one past the last token of exchange `k`.
    ends: Vec<usize>,
}

impl TokenStream {
    /// The arena, for a tokenizer to append the next exchange's tokens to.
    pub fn tokens_mut(&mut self) -> &mut TokenSink {
        &mut self.tokens
    }

    /// The tokens appended since the last exchange form the next one; `raw` tokens were
    /// produced before kill-word filtering.
    pub fn end_exchange(&mut self, raw: usize) {
        self.ends.push(self.tokens.len());
        self.n_raw += raw;
    }

    /// Append the exchanges of `other`.
    pub fn append(&mut self, other: &Self) {
        let offset = self.tokens.len();
        self.tokens.extend(&other.tokens);
        self.ends.extend(other.ends.iter().map(|e| e + offset));
        self.n_raw += other.n_raw;
    }

    /// Tokens before kill-word filtering.
    pub fn n_raw_tokens(&self) -> usize {
        self.n_raw
    }

    /// Number of exchanges.
    pub fn n_exchanges(&self) -> usize {
        self.ends.len()
    }

    /// Tokens kept after kill-word filtering.
    pub fn n_tokens(&self) -> usize {
        self.tokens.len()
    }

    /// Number of tokens of exchange `k`.
    pub fn exchange_len(&self, k: usize) -> usize {
        self.ends[k] - if k == 0 { 0 } else { self.ends[k - 1] }
    }

    /// The exchanges `picks` names, in that order, repeats included (a bootstrap resample).
    /// Tokens before kill-word filtering are not kept per exchange, so the raw count is the
    /// kept count.
    pub fn resampled(&self, picks: &[usize]) -> Self {
        let mut out = Self::default();
        for &k in picks {
            for token in self.exchange(k) {
                out.tokens.push(token);
            }
            out.end_exchange(self.exchange_len(k));
        }
        out
    }

    /// Tokens of exchange `k`.
    pub fn exchange(&self, k: usize) -> impl Iterator<Item = &str> {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        self.tokens.iter_range(start..self.ends[k])
    }
}
