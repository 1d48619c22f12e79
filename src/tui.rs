//! The terminal side of the console: raw mode and the alternate screen, the panic hook
//! that restores the terminal before the report is printed, crossterm events turned into
//! `Action`s, and the draw loop that redraws only when state changed (at most ~60 fps).

use std::time::{Duration, Instant};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use futures::StreamExt;

use crate::app::mouse::{Mouse, MouseKind};
use crate::app::{Action, Key, KeyCode};
use crate::runtime::Console;

/// Time between frames at most; state changes in between are batched into one draw.
const FRAME: Duration = Duration::from_millis(16);
/// Drives spinners and notification expiry.
const TICK: Duration = Duration::from_millis(250);

/// Runs the console on the real terminal until the user quits.
pub async fn run(mut console: Console) -> anyhow::Result<()> {
    install_panic_report();
    // ratatui installs a panic hook that restores the terminal, then calls ours.
    let mut terminal = ratatui::try_init()?;
    // A paste arrives as one event (not a burst of keys that could run commands).
    crossterm::execute!(std::io::stdout(), EnableBracketedPaste)?;
    // Capturing the mouse takes the terminal's own text selection (shift-drag still
    // selects in most terminals); `--no-mouse` / `mouse = false` leave it alone.
    let mouse = console.state.session.mouse;
    if mouse {
        crossterm::execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    console.attach_terminal();
    let result = event_loop(&mut console, &mut terminal).await;
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    }
    let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    result
}

async fn event_loop(
    console: &mut Console,
    terminal: &mut ratatui::DefaultTerminal,
) -> anyhow::Result<()> {
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let size = terminal.size()?;
    console.dispatch(Action::Resize {
        width: size.width,
        height: size.height,
    });
    let mut last_draw = Instant::now() - FRAME;
    loop {
        if console.state.dirty && last_draw.elapsed() >= FRAME {
            terminal.draw(|frame| crate::ui::draw(frame, &console.state))?;
            console.state.dirty = false;
            last_draw = Instant::now();
        }
        if console.state.should_quit {
            return Ok(());
        }
        let next_frame = tokio::time::Instant::from_std(last_draw + FRAME);
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => {
                    if let Some(action) = action_for(event) {
                        console.dispatch(action);
                    }
                }
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            Some(action) = console.next_action() => console.dispatch(action),
            _ = ticker.tick() => console.dispatch(Action::Tick),
            // Wake up to draw a frame that was deferred by the frame limit.
            _ = tokio::time::sleep_until(next_frame), if console.state.dirty => {}
        }
    }
}

/// Translates a terminal event; releases and repeats of other kinds are ignored.
pub fn action_for(event: Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => key_of(key).map(Action::Key),
        Event::Resize(width, height) => Some(Action::Resize { width, height }),
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Mouse(mouse) => mouse_of(mouse).map(Action::Mouse),
        _ => None,
    }
}

/// A left click or a wheel notch; drags, releases, moves and other buttons are ignored.
fn mouse_of(event: MouseEvent) -> Option<Mouse> {
    let kind = match event.kind {
        MouseEventKind::Down(MouseButton::Left) => MouseKind::Click,
        MouseEventKind::ScrollDown => MouseKind::ScrollDown,
        MouseEventKind::ScrollUp => MouseKind::ScrollUp,
        _ => return None,
    };
    Some(Mouse {
        kind,
        column: event.column,
        row: event.row,
    })
}

fn key_of(event: KeyEvent) -> Option<Key> {
    use crossterm::event::KeyCode as C;
    let code = match event.code {
        C::Char(c) => KeyCode::Char(c),
        C::Enter => KeyCode::Enter,
        C::Esc => KeyCode::Esc,
        C::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        C::Tab => KeyCode::Tab,
        C::BackTab => KeyCode::BackTab,
        C::Backspace => KeyCode::Backspace,
        C::Delete => KeyCode::Delete,
        C::Up => KeyCode::Up,
        C::Down => KeyCode::Down,
        C::Left => KeyCode::Left,
        C::Right => KeyCode::Right,
        C::PageUp => KeyCode::PageUp,
        C::PageDown => KeyCode::PageDown,
        C::Home => KeyCode::Home,
        C::End => KeyCode::End,
        C::F(n) => KeyCode::F(n),
        _ => return None,
    };
    Some(Key {
        code,
        ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
        alt: event.modifiers.contains(KeyModifiers::ALT),
    })
}

/// Logs panics to the log file; the report itself is printed by the default hook after
/// ratatui's hook has restored the terminal.
fn install_panic_report() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("panic: {info}");
        // Harmless when capture was never enabled; a shell left capturing is unusable.
        let _ = crossterm::execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        previous(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode as C, KeyEventState};

    fn key(code: C, modifiers: KeyModifiers) -> Event {
        Event::Key(KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        })
    }

    #[test]
    fn translates_keys_with_modifiers() {
        assert_eq!(
            action_for(key(C::Char('d'), KeyModifiers::CONTROL)),
            Some(Action::Key(Key::ctrl('d')))
        );
        assert_eq!(
            action_for(key(C::Tab, KeyModifiers::SHIFT)),
            Some(Action::Key(Key::plain(KeyCode::BackTab)))
        );
        assert_eq!(
            action_for(Event::Paste("10.0.0.1 10.0.0.2".into())),
            Some(Action::Paste("10.0.0.1 10.0.0.2".into()))
        );
        let at = |kind| {
            Event::Mouse(MouseEvent {
                kind,
                column: 7,
                row: 3,
                modifiers: KeyModifiers::NONE,
            })
        };
        assert_eq!(
            action_for(at(MouseEventKind::Down(MouseButton::Left))),
            Some(Action::Mouse(Mouse {
                kind: MouseKind::Click,
                column: 7,
                row: 3
            }))
        );
        assert!(matches!(
            action_for(at(MouseEventKind::ScrollUp)),
            Some(Action::Mouse(Mouse {
                kind: MouseKind::ScrollUp,
                ..
            }))
        ));
        assert_eq!(action_for(at(MouseEventKind::Moved)), None);
        assert_eq!(
            action_for(at(MouseEventKind::Down(MouseButton::Right))),
            None
        );
        assert_eq!(
            action_for(Event::Resize(80, 24)),
            Some(Action::Resize {
                width: 80,
                height: 24
            })
        );
    }
}
