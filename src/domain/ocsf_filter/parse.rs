//! The filter text read into a tree: terms side by side are AND'ed, `|` (or the word `or`)
//! between them OR's, and parentheses group. `sev=Critical (class="Detection Finding" |
//! cvss>=9)`. Each node keeps where it came from, so a limit error points at it.

use super::term::term_node;
use super::{Node, Operator, Span};
use crate::domain::filter_expr::FilterError;
use crate::domain::filter_expr::lex::Token;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PieceKind {
    Open,
    Close,
    Or,
    Term,
}

#[derive(Debug, Clone, Copy)]
struct Piece<'a> {
    kind: PieceKind,
    token: Token<'a>,
}

/// Cuts the input on whitespace, `(`, `)` and `|` outside double quotes.
fn pieces(input: &str) -> Result<Vec<Piece<'_>>, FilterError> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let (mut quoted, mut escaped, mut opened) = (false, false, 0);
    for (i, c) in input.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' => {
                quoted = !quoted;
                opened = i;
                start.get_or_insert(i);
            }
            '(' | ')' | '|' if !quoted => {
                end_term(input, &mut out, &mut start, i);
                let kind = match c {
                    '(' => PieceKind::Open,
                    ')' => PieceKind::Close,
                    _ => PieceKind::Or,
                };
                out.push(Piece {
                    kind,
                    token: Token {
                        offset: i,
                        text: &input[i..i + 1],
                    },
                });
            }
            c if c.is_whitespace() && !quoted => end_term(input, &mut out, &mut start, i),
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if quoted {
        let token = Token {
            offset: opened,
            text: &input[opened..],
        };
        return Err(FilterError::at(&token, 0, 1, "unterminated quote"));
    }
    end_term(input, &mut out, &mut start, input.len());
    Ok(out)
}

/// The word that started at `start`, if any, ends at `at`: a term, or `or`.
fn end_term<'a>(input: &'a str, out: &mut Vec<Piece<'a>>, start: &mut Option<usize>, at: usize) {
    if let Some(s) = start.take() {
        let text = &input[s..at];
        let kind = if text.eq_ignore_ascii_case("or") {
            PieceKind::Or
        } else {
            PieceKind::Term
        };
        out.push(Piece {
            kind,
            token: Token { offset: s, text },
        });
    }
}

/// The tree of `input`; `None` for an empty input or `*` (no filter).
pub(super) fn parse(input: &str) -> Result<Option<Node>, FilterError> {
    if input.trim().is_empty() || input.trim() == "*" {
        return Ok(None);
    }
    let pieces = pieces(input)?;
    let mut parser = Parser {
        pieces: &pieces,
        at: 0,
        end: input.len(),
    };
    let node = parser.expr()?;
    match parser.peek() {
        None => Ok(Some(node)),
        Some(p) => Err(FilterError::at(&p.token, 0, 1, "unmatched )")),
    }
}

struct Parser<'p, 'a> {
    pieces: &'p [Piece<'a>],
    at: usize,
    end: usize,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Option<Piece<'a>> {
        self.pieces.get(self.at).copied()
    }

    /// `seq (| seq)*`
    fn expr(&mut self) -> Result<Node, FilterError> {
        let mut alternatives = vec![self.seq()?];
        while let Some(p) = self.peek().filter(|p| p.kind == PieceKind::Or) {
            self.at += 1;
            alternatives.push(self.seq().map_err(|e| self.after(e, &p))?);
        }
        Ok(group(Operator::Or, alternatives))
    }

    /// An empty side of `|` points at the `|`.
    fn after(&self, e: FilterError, or: &Piece<'_>) -> FilterError {
        if e.message.starts_with("expected a term") {
            FilterError::at(&or.token, 0, or.token.text.len(), e.message)
        } else {
            e
        }
    }

    /// `atom+`
    fn seq(&mut self) -> Result<Node, FilterError> {
        let mut atoms = Vec::new();
        while let Some(p) = self.peek() {
            match p.kind {
                PieceKind::Or | PieceKind::Close => break,
                PieceKind::Open => atoms.push(self.parenthesised(p)?),
                PieceKind::Term => {
                    self.at += 1;
                    atoms.push(term_node(&p.token)?);
                }
            }
        }
        if atoms.is_empty() {
            let token = match self.peek() {
                Some(p) => p.token,
                None => Token {
                    offset: self.end.saturating_sub(1),
                    text: " ",
                },
            };
            return Err(FilterError::at(
                &token,
                0,
                1,
                "expected a term here, e.g. sev=High",
            ));
        }
        Ok(group(Operator::And, atoms))
    }

    fn parenthesised(&mut self, open: Piece<'_>) -> Result<Node, FilterError> {
        self.at += 1;
        let inner = self.expr()?;
        match self.peek() {
            Some(p) if p.kind == PieceKind::Close => {
                self.at += 1;
                let span = Span {
                    offset: open.token.offset,
                    len: p.token.offset + 1 - open.token.offset,
                };
                Ok(match inner {
                    Node::Group(op, kids, _) => Node::Group(op, kids, span),
                    leaf => leaf,
                })
            }
            _ => Err(FilterError::at(&open.token, 0, 1, "unclosed (")),
        }
    }
}

/// One node for `nodes` joined by `op`: the node itself when alone.
fn group(op: Operator, mut nodes: Vec<Node>) -> Node {
    if nodes.len() == 1 {
        return nodes.remove(0);
    }
    let first = nodes.first().map_or(0, |n| n.span().offset);
    let last = nodes.last().map_or(0, |n| n.span().offset + n.span().len);
    Node::Group(
        op,
        nodes,
        Span {
            offset: first,
            len: last.saturating_sub(first),
        },
    )
}
