//! The findings filter grammar for the new Security Hub (GetFindingsV2): the ASFF
//! console's terms (`sev=Critical status=New product=Inspector updated<7d`) with OCSF
//! meanings, plus `class`, `cve`, `cvss`, `ip` (CIDR, on evidence endpoints), `exposure`,
//! any OCSF field by its path (`finding_info.types^=TTPs`), `|` / `or` between terms and
//! parentheses for nesting. Compiled to [`OcsfFilters`], the plain mirror of the SDK's
//! `OcsfFindingFilters` (`aws/ocsf_filters.rs` converts it), with GetFindingsV2's limits
//! checked here so an error can point at the term or group that breaks one:
//! at most [`MAX_COMPOSITES`] composite filters, [`MAX_PER_KIND`] filters of each kind in
//! one composite.
//!
//! Terms side by side are AND'ed; a term's several values are OR'ed for a positive
//! operator and AND'ed for a negative one, as in the ASFF grammar. Errors are the ASFF
//! grammar's [`FilterError`] (offset, column, caret line).

pub mod fields;
mod parse;
mod term;

use crate::domain::filter::{DateFilter, MapFilter, NumberFilter, StringComparison};
use crate::domain::filter_expr::FilterError;
use crate::domain::filter_expr::lex::Token;

/// GetFindingsV2 accepts at most this many composite filters...
pub const MAX_COMPOSITES: usize = 10;
/// ...and at most this many filters of one kind (string, date, ...) in a composite.
pub const MAX_PER_KIND: usize = 20;

/// What the console filters on by default: what still needs a human.
pub const DEFAULT_VIEW: &str = "status=New,in_progress";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Operator {
    And,
    Or,
}

/// One filter on one OCSF field. (Serialized, with the rest of the compiled filter, as
/// the key the findings store keeps an OCSF view under.)
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum Leaf {
    String {
        field: &'static str,
        comparison: StringComparison,
        value: String,
    },
    Date {
        field: &'static str,
        filter: DateFilter,
    },
    Number {
        field: &'static str,
        filter: NumberFilter,
    },
    Boolean {
        field: &'static str,
        value: bool,
    },
    Map {
        field: &'static str,
        filter: MapFilter,
    },
    Ip {
        field: &'static str,
        cidr: String,
    },
}

impl Leaf {
    pub fn kind(&self) -> fields::Kind {
        match self {
            Leaf::String { .. } => fields::Kind::String,
            Leaf::Date { .. } => fields::Kind::Date,
            Leaf::Number { .. } => fields::Kind::Number,
            Leaf::Boolean { .. } => fields::Kind::Boolean,
            Leaf::Map { .. } => fields::Kind::Map,
            Leaf::Ip { .. } => fields::Kind::Ip,
        }
    }
}

/// A `CompositeFilter`: its filters and nested composites joined by `operator`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Composite {
    pub operator: Operator,
    pub leaves: Vec<Leaf>,
    pub nested: Vec<Composite>,
}

/// `OcsfFindingFilters`: composites joined by `operator`. No composites: no filter.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OcsfFilters {
    pub operator: Operator,
    pub composites: Vec<Composite>,
}

impl OcsfFilters {
    /// Compiles `input`; empty or `*` is no filter (every finding).
    pub fn compile(input: &str) -> Result<OcsfFilters, FilterError> {
        compile(input).map_err(|e| e.located(input))
    }

    pub fn is_empty(&self) -> bool {
        self.composites.is_empty()
    }
}

fn compile(input: &str) -> Result<OcsfFilters, FilterError> {
    let Some(node) = parse::parse(input)? else {
        return Ok(OcsfFilters {
            operator: Operator::And,
            composites: Vec::new(),
        });
    };
    let mut flat = Flattener {
        input,
        spans: Vec::new(),
    };
    let root_span = node.span();
    let root = match node {
        Node::Group(op, kids, span) => flat.composite(op, kids, span)?,
        leaf => flat.composite(Operator::And, vec![leaf], root_span)?,
    };
    // A root of groups only is sent as the request's own list of composites.
    let (filters, spans) = if root.leaves.is_empty() && !root.nested.is_empty() {
        let spans = flat.spans[1..].to_vec();
        let filters = OcsfFilters {
            operator: root.operator,
            composites: root.nested,
        };
        (filters, spans)
    } else {
        let filters = OcsfFilters {
            operator: Operator::And,
            composites: vec![root],
        };
        (filters, flat.spans.clone())
    };
    if let Some(span) = spans.get(MAX_COMPOSITES) {
        return Err(flat.error(
            *span,
            format!("more than {MAX_COMPOSITES} composite filters (groups); GetFindingsV2 accepts at most {MAX_COMPOSITES}"),
        ));
    }
    Ok(filters)
}

/// Where a node came from in the input (bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub offset: usize,
    pub len: usize,
}

/// The parsed expression: a filter, or nodes joined by an operator.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Leaf(Leaf, Span),
    Group(Operator, Vec<Node>, Span),
}

impl Node {
    fn span(&self) -> Span {
        match self {
            Node::Leaf(_, span) | Node::Group(_, _, span) => *span,
        }
    }
}

/// Turns the tree into composites: a child group with its parent's operator is merged
/// into the parent, others become nested composites; the spans of the composites in the
/// order they are made, for the count limit.
struct Flattener<'a> {
    input: &'a str,
    spans: Vec<Span>,
}

impl Flattener<'_> {
    fn error(&self, span: Span, message: String) -> FilterError {
        let token = Token {
            offset: span.offset,
            text: self
                .input
                .get(span.offset..span.offset + span.len)
                .unwrap_or(""),
        };
        FilterError::at(&token, 0, span.len, message)
    }

    fn composite(
        &mut self,
        operator: Operator,
        kids: Vec<Node>,
        span: Span,
    ) -> Result<Composite, FilterError> {
        self.spans.push(span);
        let mut out = Composite {
            operator,
            leaves: Vec::new(),
            nested: Vec::new(),
        };
        self.add(&mut out, kids)?;
        Ok(out)
    }

    fn add(&mut self, into: &mut Composite, kids: Vec<Node>) -> Result<(), FilterError> {
        for kid in kids {
            match kid {
                Node::Leaf(leaf, span) => {
                    let kind = leaf.kind();
                    let same = into.leaves.iter().filter(|l| l.kind() == kind).count();
                    if same == MAX_PER_KIND {
                        return Err(self.error(
                            span,
                            format!(
                                "more than {MAX_PER_KIND} {} filters in one group; GetFindingsV2 accepts at most {MAX_PER_KIND} of each kind per composite",
                                kind.as_str()
                            ),
                        ));
                    }
                    into.leaves.push(leaf);
                }
                Node::Group(op, grandkids, _) if op == into.operator => {
                    self.add(into, grandkids)?;
                }
                Node::Group(op, grandkids, span) => {
                    let nested = self.composite(op, grandkids, span)?;
                    into.nested.push(nested);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
