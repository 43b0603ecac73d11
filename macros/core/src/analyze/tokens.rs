//! Token rewrites before parsing: what T-SQL allows and sqlparser's `MsSqlDialect`
//! does not parse is rewritten into something it does, each token keeping its span so
//! that errors still point into the user's text. Also the guard against operator chains
//! too long to walk.
//!
//! ```text
//! UPDATE TOP (@n) dbo.T SET ...        -- TOP (@n) cut out; @n typed bigint
//! SELECT ... INNER LOOP JOIN ...       -- join hint cut out
//! SELECT NEXT VALUE FOR dbo.Seq        -- read as NEXT_VALUE_FOR(dbo.Seq)
//! ... OFFSET 0 ROWS FETCH NEXT @n ROWS -- @n read as a placeholder
//! ```

use sqlparser::tokenizer::Token;

use super::LineIndex;

/// The most binary operators an expression may chain (across its open parentheses).
/// sqlparser builds `a + b + c ...` without recursion, but the tree it builds is as
/// deep as the chain is long, and walking or dropping it recurses.
pub const MAX_CHAIN: usize = 200;

/// The offset where operator chains grow past [`MAX_CHAIN`], if they do.
pub(super) fn chain_too_deep(
    tokens: &[sqlparser::tokenizer::TokenWithSpan],
    lines: &LineIndex,
) -> Option<usize> {
    use sqlparser::keywords::Keyword;
    // Operators chained at each open parenthesis level; the tree is as deep as their sum.
    let mut levels: Vec<usize> = vec![0];
    let mut total = 0usize;
    for t in tokens {
        let is_op = match &t.token {
            Token::Plus
            | Token::Minus
            | Token::Mul
            | Token::Div
            | Token::Mod
            | Token::Ampersand
            | Token::Pipe
            | Token::Caret
            | Token::Eq
            | Token::Neq
            | Token::Lt
            | Token::Gt
            | Token::LtEq
            | Token::GtEq
            | Token::StringConcat => true,
            Token::Word(w) => matches!(w.keyword, Keyword::AND | Keyword::OR),
            _ => false,
        };
        match &t.token {
            Token::LParen => levels.push(0),
            Token::RParen if levels.len() > 1 => {
                total -= levels.pop().unwrap_or(0);
            }
            Token::Comma | Token::SemiColon => {
                if let Some(l) = levels.last_mut() {
                    total -= *l;
                    *l = 0;
                }
            }
            Token::Word(w)
                if matches!(
                    w.keyword,
                    Keyword::SELECT
                        | Keyword::FROM
                        | Keyword::WHERE
                        | Keyword::WHEN
                        | Keyword::THEN
                        | Keyword::ELSE
                        | Keyword::END
                        | Keyword::ON
                        | Keyword::HAVING
                        | Keyword::GROUP
                        | Keyword::ORDER
                        | Keyword::SET
                        | Keyword::VALUES
                ) =>
            {
                if let Some(l) = levels.last_mut() {
                    total -= *l;
                    *l = 0;
                }
            }
            _ if is_op => {
                if let Some(l) = levels.last_mut() {
                    *l += 1;
                }
                total += 1;
                if total > MAX_CHAIN {
                    return Some(lines.location(t.span.start));
                }
            }
            _ => {}
        }
    }
    None
}

/// The parameters cut out with an `UPDATE / DELETE / INSERT TOP (@n)`: name, byte
/// offset and length.
pub(super) type TopParams = Vec<(String, usize, usize)>;

/// Cuts out what sqlparser cannot parse and does not change a statement's shape: query
/// hints (`OPTION (RECOMPILE)`), join hints (`INNER LOOP JOIN`), and the `TOP (n)` of
/// `UPDATE` / `DELETE` / `INSERT` (whose `@n` parameter is returned, to be typed `bigint`).
pub(super) fn strip_hints(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
    lines: &LineIndex,
) -> (Vec<sqlparser::tokenizer::TokenWithSpan>, TopParams) {
    use sqlparser::keywords::Keyword;
    use sqlparser::tokenizer::Whitespace;
    let sig: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
        .map(|(i, _)| i)
        .collect();
    let word = |t: &Token, k: &[Keyword]| matches!(t, Token::Word(w) if w.quote_style.is_none() && k.contains(&w.keyword));
    // The index in `sig` of the parenthesis closing the one at `sig[open]`.
    let closing = |tokens: &[sqlparser::tokenizer::TokenWithSpan], open: usize| -> Option<usize> {
        let mut depth = 0usize;
        for (k, &i) in sig.iter().enumerate().skip(open) {
            match tokens[i].token {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(k);
                    }
                }
                _ => {}
            }
        }
        None
    };
    let mut blank: Vec<usize> = Vec::new();
    let mut params = Vec::new();
    // UPDATE / DELETE / INSERT TOP ( n ) [PERCENT]
    if sig.len() > 3
        && word(
            &tokens[sig[0]].token,
            &[Keyword::UPDATE, Keyword::DELETE, Keyword::INSERT],
        )
        && word(&tokens[sig[1]].token, &[Keyword::TOP])
        && matches!(tokens[sig[2]].token, Token::LParen)
    {
        if let Some(end) = closing(&tokens, 2) {
            if end == 4 {
                if let Token::Word(w) = &tokens[sig[3]].token {
                    if w.value.starts_with('@') {
                        let (off, len) = lines.span(tokens[sig[3]].span);
                        params.push((w.value.clone(), off, len));
                    }
                }
            }
            let mut last = end;
            if sig
                .get(end + 1)
                .is_some_and(|&i| word(&tokens[i].token, &[Keyword::PERCENT]))
            {
                last += 1;
            }
            blank.extend(sig[1..=last].iter().copied());
        }
    }
    let join_kinds = [
        Keyword::INNER,
        Keyword::OUTER,
        Keyword::LEFT,
        Keyword::RIGHT,
        Keyword::FULL,
    ];
    let mut depth = 0usize;
    for (k, &i) in sig.iter().enumerate() {
        match &tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            // INNER LOOP JOIN, LEFT HASH JOIN, ... MERGE / REMOTE
            Token::Word(w)
                if w.quote_style.is_none()
                    && ["LOOP", "HASH", "MERGE", "REMOTE"]
                        .iter()
                        .any(|h| w.value.eq_ignore_ascii_case(h))
                    && k > 0
                    && word(&tokens[sig[k - 1]].token, &join_kinds)
                    && sig
                        .get(k + 1)
                        .is_some_and(|&n| word(&tokens[n].token, &[Keyword::JOIN])) =>
            {
                blank.push(i);
            }
            // OPTION ( ... ) ending the statement
            Token::Word(w)
                if depth == 0
                    && w.quote_style.is_none()
                    && w.keyword == Keyword::OPTION
                    && sig
                        .get(k + 1)
                        .is_some_and(|&n| matches!(tokens[n].token, Token::LParen)) =>
            {
                if let Some(end) = closing(&tokens, k + 1) {
                    let rest_is_end = sig[end + 1..]
                        .iter()
                        .all(|&n| matches!(tokens[n].token, Token::SemiColon));
                    if rest_is_end {
                        blank.extend(sig[k..=end].iter().copied());
                    }
                }
            }
            _ => {}
        }
    }
    for i in blank {
        tokens[i].token = Token::Whitespace(Whitespace::Space);
    }
    (tokens, params)
}

/// The indexes of the tokens that are not whitespace.
fn non_whitespace(tokens: &[sqlparser::tokenizer::TokenWithSpan]) -> Vec<usize> {
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.token, Token::Whitespace(_)))
        .map(|(i, _)| i)
        .collect()
}

/// The name `NEXT VALUE FOR seq` is rewritten to, so that sqlparser (which does not
/// parse it for MsSqlDialect) reads a call `NEXT_VALUE_FOR(seq)`.
pub(crate) const NEXT_VALUE_FOR: &str = "NEXT_VALUE_FOR";

/// Rewrites `NEXT VALUE FOR a.b.c` into `NEXT_VALUE_FOR(a.b.c)`, keeping each token's span.
pub(super) fn next_value_for_as_call(
    tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::keywords::Keyword;
    use sqlparser::tokenizer::{TokenWithSpan, Whitespace, Word};
    let sig = non_whitespace(&tokens);
    let kw = |i: usize, k: Keyword| matches!(&tokens[i].token, Token::Word(w) if w.keyword == k && w.quote_style.is_none());
    // (index of NEXT, index of VALUE, index of FOR, index of the name's last token)
    let mut sites = Vec::new();
    let mut j = 0;
    while j + 3 < sig.len() {
        if kw(sig[j], Keyword::NEXT)
            && kw(sig[j + 1], Keyword::VALUE)
            && kw(sig[j + 2], Keyword::FOR)
        {
            let mut last = j + 3;
            if !matches!(tokens[sig[last]].token, Token::Word(_)) {
                j += 1;
                continue;
            }
            while last + 2 < sig.len()
                && matches!(tokens[sig[last + 1]].token, Token::Period)
                && matches!(tokens[sig[last + 2]].token, Token::Word(_))
            {
                last += 2;
            }
            sites.push((sig[j], sig[j + 1], sig[j + 2], sig[last]));
            j = last + 1;
        } else {
            j += 1;
        }
    }
    if sites.is_empty() {
        return tokens;
    }
    let mut out = Vec::with_capacity(tokens.len() + sites.len());
    for (i, t) in tokens.into_iter().enumerate() {
        match sites
            .iter()
            .find(|s| s.0 == i || s.1 == i || s.2 == i || s.3 == i)
        {
            Some(s) if s.0 == i => out.push(TokenWithSpan::new(
                Token::Word(Word {
                    value: NEXT_VALUE_FOR.into(),
                    quote_style: None,
                    keyword: Keyword::NoKeyword,
                }),
                t.span,
            )),
            Some(s) if s.1 == i => out.push(TokenWithSpan::new(Token::LParen, t.span)),
            Some(s) if s.2 == i => out.push(TokenWithSpan::new(
                Token::Whitespace(Whitespace::Space),
                t.span,
            )),
            Some(_) => {
                let span = t.span;
                out.push(t);
                out.push(TokenWithSpan::new(Token::RParen, span));
            }
            None => out.push(t),
        }
    }
    out
}

/// `JOIN Person.AddressType at ON ...`: `at` is an alias, not `AT TIME ZONE`; an `AT`
/// not followed by `TIME` is turned into a quoted identifier.
pub(super) fn at_alias_as_identifier(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::keywords::Keyword;
    let idx = non_whitespace(&tokens);
    for w in idx.windows(2) {
        if let Token::Word(word) = &tokens[w[0]].token {
            if word.keyword == Keyword::AT && word.quote_style.is_none() {
                let next_is_time =
                    matches!(&tokens[w[1]].token, Token::Word(n) if n.keyword == Keyword::TIME);
                if !next_is_time {
                    let mut ident = word.clone();
                    ident.keyword = Keyword::NoKeyword;
                    ident.quote_style = Some('[');
                    tokens[w[0]].token = Token::Word(ident);
                }
            }
        }
    }
    tokens
}

/// sqlparser's `FETCH NEXT n ROWS` accepts only a value; T-SQL allows `@n`. The word
/// `@n` after `FETCH FIRST|NEXT` is turned into a placeholder token, which it accepts.
pub(super) fn fetch_parameters_as_placeholders(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::keywords::Keyword;
    let idx = non_whitespace(&tokens);
    for w in idx.windows(3) {
        let is_kw = |i: usize, k: &[Keyword]| matches!(&tokens[i].token, Token::Word(word) if k.contains(&word.keyword));
        if is_kw(w[0], &[Keyword::FETCH]) && is_kw(w[1], &[Keyword::FIRST, Keyword::NEXT]) {
            if let Token::Word(word) = &tokens[w[2]].token {
                if word.value.starts_with('@') && word.quote_style.is_none() {
                    tokens[w[2]].token = Token::Placeholder(word.value.clone());
                }
            }
        }
    }
    tokens
}
