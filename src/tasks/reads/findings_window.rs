//! The store-backed findings table's reads (`FindingsRead::Window`, `Counts`, `Rows`):
//! each names the stored view it reads (the ASFF or the OCSF store, and the view's key),
//! runs on the blocking pool on a reader connection of that store beside the writer's,
//! and a read for a query the pane has already left is skipped.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::sync::mpsc::UnboundedSender;

use super::findings_store::FindingsStore;
use crate::app::panes::findings::window::Counted;
use crate::app::{Action, FindingsMsg, FindingsRead, PaneMsg};
use crate::aws::AwsClients;
use crate::store::{Store, StoreError};

/// Answers one window read with a message (None: skipped, the pane asked a newer one).
pub fn spawn(
    clients: &AwsClients,
    tx: &UnboundedSender<Action>,
    store: &Arc<FindingsStore>,
    read: FindingsRead,
) {
    let (clients, tx, store) = (clients.clone(), tx.clone(), store.clone());
    let (seq, api) = match &read {
        FindingsRead::Window { seq, view, .. } | FindingsRead::Counts { seq, view, .. } => {
            (Some(*seq), view.api)
        }
        FindingsRead::Rows { view, .. } => (None, view.api),
        _ => return,
    };
    if let Some(seq) = seq {
        store.window_seq.fetch_max(seq, Ordering::Relaxed);
        // A count over a million rows the pane no longer wants stops now.
        if let Ok(running) = store.running.lock() {
            running
                .iter()
                .filter(|(s, _)| *s < seq)
                .for_each(|(_, h)| h.interrupt());
        }
    }
    tokio::spawn(async move {
        let reader = match store.reader(&clients, api).await {
            Ok(r) => r,
            Err(e) => {
                if let Some(msg) = failed(read, e) {
                    let _ = tx.send(Action::Pane(PaneMsg::Findings(msg)));
                }
                return;
            }
        };
        let latest = store.window_seq.load(Ordering::Relaxed);
        let running = store.clone();
        let answered = tokio::task::spawn_blocking(move || {
            let handle = reader.interrupt_handle();
            if let (Some(seq), Ok(mut r)) = (seq, running.running.lock()) {
                r.push((seq, handle));
            }
            let msg = answer(&reader, read, latest);
            if let (Some(seq), Ok(mut r)) = (seq, running.running.lock()) {
                r.retain(|(s, _)| *s != seq);
            }
            (reader, msg)
        })
        .await;
        if let Ok((reader, msg)) = answered {
            store.put_reader(api, reader);
            if let Some(msg) = msg {
                let _ = tx.send(Action::Pane(PaneMsg::Findings(msg)));
            }
        }
    });
}

fn text(e: StoreError) -> String {
    e.to_string()
}

/// Reads what `read` asks of the store (blocking).
pub fn answer(store: &Store, read: FindingsRead, latest: u64) -> Option<FindingsMsg> {
    match read {
        FindingsRead::Window {
            seq,
            view,
            query,
            range,
            anchor,
            rows,
            keep,
        } => {
            if seq < latest {
                return None;
            }
            let mut start = range.0;
            let mut selected = None;
            let result = (|| {
                let Some(view) = store.view_id_at(&view.key).map_err(text)? else {
                    return Ok(Vec::new());
                };
                if let Some((finding, screen_row)) = &keep {
                    selected = store.window_position(view, &query, finding).map_err(text)?;
                    if let Some(p) = selected {
                        // The cursor's screen row kept, a margin (a quarter) above.
                        start = p.saturating_sub(*screen_row).saturating_sub(range.1 / 4);
                    }
                }
                let anchor = anchor.as_ref().map(|(p, r)| (*p, r));
                store
                    .window(view, &query, (start, range.1), anchor, rows)
                    .map_err(text)
            })();
            Some(FindingsMsg::Window {
                seq,
                start,
                result,
                selected,
            })
        }
        FindingsRead::Counts {
            seq,
            view,
            query,
            groups,
            whole,
        } => {
            if seq < latest {
                return None;
            }
            let result = (|| {
                let Some(view) = store.view_id_at(&view.key).map_err(text)? else {
                    return Ok(Counted::default());
                };
                let counts = store.window_counts(view, &query).map_err(text)?;
                let everything = crate::store::WindowQuery::default();
                let view_rows = match (query.text.is_empty() && query.group.is_none(), whole) {
                    (true, _) => Some(counts.rows),
                    (false, true) => {
                        Some(store.window_counts(view, &everything).map_err(text)?.rows)
                    }
                    (false, false) => None,
                };
                let groups = match groups {
                    Some(column) => Some(store.window_groups(view, &query, column).map_err(text)?),
                    None => None,
                };
                Ok(Counted {
                    counts,
                    view_rows,
                    groups,
                })
            })();
            Some(FindingsMsg::Counts { seq, result })
        }
        FindingsRead::Rows {
            view,
            query,
            purpose,
        } => {
            let result = (|| match store.view_id_at(&view.key).map_err(text)? {
                Some(view) => store.window_all(view, &query).map_err(text),
                None => Ok(Vec::new()),
            })();
            Some(FindingsMsg::Rows { purpose, result })
        }
        _ => None,
    }
}

/// The answer to `read` when the store could not be opened.
fn failed(read: FindingsRead, e: String) -> Option<FindingsMsg> {
    Some(match read {
        FindingsRead::Window { seq, range, .. } => FindingsMsg::Window {
            seq,
            start: range.0,
            result: Err(e),
            selected: None,
        },
        FindingsRead::Counts { seq, .. } => FindingsMsg::Counts {
            seq,
            result: Err(e),
        },
        FindingsRead::Rows { purpose, .. } => FindingsMsg::Rows {
            purpose,
            result: Err(e),
        },
        _ => return None,
    })
}
