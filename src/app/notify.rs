//! The notification area: errors and results, newest first, expiring after a number of
//! ticks (the runtime ticks about four times a second).

use super::action::NotifyLevel;

/// Ticks an info or success message stays up (~6 s at 4 ticks/s).
pub const INFO_TICKS: u32 = 24;
/// Errors and warnings stay longer (~20 s): they are the ones a user must read.
pub const ERROR_TICKS: u32 = 80;
/// At most this many are kept; older ones drop off.
pub const MAX_SHOWN: usize = 3;

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
        self.items.truncate(MAX_SHOWN);
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

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_and_capped() {
        let mut n = Notifications::default();
        for i in 0..5 {
            n.push(NotifyLevel::Info, format!("m{i}"));
        }
        let msgs: Vec<_> = n.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(msgs, ["m4", "m3", "m2"]);
    }

    #[test]
    fn the_same_message_counts_up_instead_of_piling_up() {
        let mut n = Notifications::default();
        n.push(NotifyLevel::Error, "page failed");
        n.push(NotifyLevel::Info, "loaded");
        n.push(NotifyLevel::Error, "page failed");
        n.push(NotifyLevel::Error, "page failed");
        let shown: Vec<String> = n.iter().map(Notification::text).collect();
        assert_eq!(shown, ["page failed (x3)", "loaded"]);
    }

    #[test]
    fn info_expires_before_errors() {
        let mut n = Notifications::default();
        n.push(NotifyLevel::Error, "bad");
        n.push(NotifyLevel::Success, "good");
        let changed: Vec<bool> = (0..INFO_TICKS).map(|_| n.tick()).collect();
        assert_eq!(changed.iter().filter(|c| **c).count(), 1);
        assert_eq!(n.iter().next().map(|x| x.message.as_str()), Some("bad"));
    }
}
