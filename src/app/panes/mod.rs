//! The console's panes, in tab order. A new pane adds a variant here, a module in
//! `src/app/` for its state and one in `src/ui/` for its drawing.

pub mod analyzer;
pub mod audits;
pub mod findings;
pub mod ipsets;
pub mod journal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneId {
    Findings,
    Analyzer,
    IpSets,
    Audits,
}

impl PaneId {
    pub const ALL: [PaneId; 4] = [
        PaneId::Findings,
        PaneId::Analyzer,
        PaneId::IpSets,
        PaneId::Audits,
    ];

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Findings => "Findings",
            PaneId::Analyzer => "Access Analyzer",
            PaneId::IpSets => "WAF IP sets",
            PaneId::Audits => "IoT audits",
        }
    }

    /// The `:` command that shows this pane.
    pub fn command(self) -> &'static str {
        match self {
            PaneId::Findings => "findings",
            PaneId::Analyzer => "analyzer",
            PaneId::IpSets => "ipsets",
            PaneId::Audits => "audits",
        }
    }

    pub fn index(self) -> usize {
        PaneId::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The next pane (`step` 1) or the previous one (`step` -1), wrapping around.
    pub fn step(self, step: isize) -> PaneId {
        let n = PaneId::ALL.len() as isize;
        PaneId::ALL[((self.index() as isize + step).rem_euclid(n)) as usize]
    }

    /// What a pane that is not wired up yet tells the user.
    pub fn placeholder(self) -> Option<&'static str> {
        match self {
            PaneId::Findings | PaneId::Analyzer | PaneId::IpSets => None,
            PaneId::Audits => Some(
                "IoT Device Defender audits are not yet connected.\n\
                 Audit tasks, non-compliant resources and suppressions will appear here.",
            ),
        }
    }
}
