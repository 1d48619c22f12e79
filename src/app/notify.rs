//! The notification line: the newest error or result, expiring after a number of ticks
//! (the runtime ticks about four times a second; ticks are the app's clock). One line on
//! screen: a new message replaces the one showing instead of stacking above it, so the
//! table does not shrink and old errors do not linger. The few before it are kept until
//! they expire (the journal view and tests read them), never drawn.

use super::action::NotifyLevel;

/// Ticks an info or success message stays up (~4 s at 4 ticks/s).
pub const INFO_TICKS: u32 = 16;
/// Errors and warnings stay longer (~8 s): they are the ones a user must read (the log
/// file keeps them).
pub const ERROR_TICKS: u32 = 32;
/// At most this many are kept; older ones drop off.
pub const MAX_KEPT: usize = 3;
/// Lines the notification area takes on screen: the newest message only.
pub const LINES: u16 = 1;

// Seconds, not minutes: errors must not linger (ticks are ~4 a second).
const _: () = assert!(INFO_TICKS < ERROR_TICKS && ERROR_TICKS <= 40);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub level: NotifyLevel,
    pub message: String,
    /// How many times this same message arrived in a row (shown as "(x3)").
    pub repeats: u32,
    ticks_left: u32,
}

impl Notification {
    /// The line as shown: the message, and how often it came when more than once.
    pub fn text(&self) -> String {
        match self.repeats {
            0 | 1 => self.message.clone(),
            n => format!("{} (x{n})", self.message),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notifications {
    items: Vec<Notification>,
}

impl Notifications {
    /// Adds a message on top. The same message again (a retried page failing the same
    /// way) counts up on its line and restarts its time instead of pushing others away.
    pub fn push(&mut self, level: NotifyLevel, message: impl Into<String>) {
        let message = message.into();
        let ticks_left = match level {
            NotifyLevel::Error | NotifyLevel::Warning => ERROR_TICKS,
            NotifyLevel::Info | NotifyLevel::Success => INFO_TICKS,
        };
        if let Some(i) = self
            .items
            .iter()
            .position(|n| n.level == level && n.message == message)
        {
            let mut same = self.items.remove(i);
            same.repeats += 1;
            same.ticks_left = ticks_left;
            self.items.insert(0, same);
            return;
        }
        let note = Notification {
            level,
            message,
            repeats: 1,
            ticks_left,
        };
        self.items.insert(0, note);
        self.items.truncate(MAX_KEPT);
    }

    /// Removes the messages starting with `prefix` (a "working on it..." whose answer came).
    pub fn dismiss(&mut self, prefix: &str) {
        self.items.retain(|n| !n.message.starts_with(prefix));
    }

    /// Counts one tick down; true when something expired (the screen changes).
    pub fn tick(&mut self) -> bool {
        let before = self.items.len();
        for n in &mut self.items {
            n.ticks_left = n.ticks_left.saturating_sub(1);
        }
        self.items.retain(|n| n.ticks_left > 0);
        self.items.len() != before
    }

    /// Newest first.
    pub fn iter(&self) -> impl Iterator<Item = &Notification> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Screen lines the area takes: one while anything is up, else none.
    pub fn lines(&self) -> u16 {
        (self.items.len() as u16).min(LINES)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(n: &Notifications) -> Vec<String> {
        n.iter().map(Notification::text).collect()
    }

    #[test]
    fn errors_do_not_stack_the_newest_takes_the_one_line() {
        let mut n = Notifications::default();
        for i in 0..5 {
            n.push(NotifyLevel::Error, format!("e{i}"));
        }
        assert_eq!(n.lines(), 1);
        assert_eq!(shown(&n), ["e4", "e3", "e2"], "newest first, a few kept");
    }

    #[test]
    fn the_same_message_counts_up() {
        let mut n = Notifications::default();
        n.push(NotifyLevel::Error, "page failed");
        n.push(NotifyLevel::Error, "page failed");
        n.push(NotifyLevel::Error, "page failed");
        assert_eq!(shown(&n), ["page failed (x3)"]);
    }

    #[test]
    fn errors_expire_after_their_ticks_and_info_sooner() {
        let mut n = Notifications::default();
        n.push(NotifyLevel::Error, "bad");
        let gone_after = (1..).find(|_| n.tick()).unwrap();
        assert_eq!((gone_after, n.is_empty()), (ERROR_TICKS, true));
        n.push(NotifyLevel::Success, "good");
        let gone_after = (1..).find(|_| n.tick()).unwrap();
        assert_eq!((gone_after, n.is_empty()), (INFO_TICKS, true));
    }
}
