//! The console's findings store, from the tasks' side (the only side that touches it):
//! opened once per session for the caller's profile / account / region, it answers
//! `FindingsRead::Open` with the stored view, runs `FindingsRead::Delta` against AWS,
//! and keeps the pages of a full fetch. SQLite calls run on the blocking pool.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;
use tokio::sync::OnceCell;

use crate::app::{CachedView, FindingsMsg, SyncedView};
use crate::aws::AwsClients;
use crate::aws::retry::{Pacer, RetryPolicy};
use crate::aws::securityhub::get_all_findings;
use crate::domain::filter::{FindingFilters, SortCriterion};
use crate::domain::finding::Finding;
use crate::store::delta::{self, Delta};
use crate::store::{Api, Store, StoreKey, ViewState};

/// Where the store lives and whose it is (the account comes from STS when first used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreContext {
    pub cache_dir: PathBuf,
    pub profile: String,
    pub region: String,
}

/// A full fetch being written: its request, view, generation and start.
#[derive(Debug, Clone, Copy)]
struct FullFetch {
    request: u64,
    view_id: i64,
    gen_: i64,
    started: OffsetDateTime,
}

type Shared = Arc<Mutex<Store>>;

pub struct FindingsStore {
    context: StoreContext,
    /// The ASFF store and the OCSF one, each opened when first used.
    opened: OnceCell<Result<Shared, String>>,
    opened_ocsf: OnceCell<Result<Shared, String>>,
    /// What opening reported (a rebuilt store) or the background check found (a
    /// damaged one), said once.
    notice: Arc<Mutex<Option<String>>>,
    full: Mutex<Option<FullFetch>>,
    /// Reader connections, by the API whose store they read.
    readers: Mutex<Vec<(Api, Store)>>,
    /// The newest window query asked: reads for older ones are skipped.
    pub window_seq: std::sync::atomic::AtomicU64,
    /// Window reads running, by query: a newer query interrupts them.
    pub running: Mutex<Vec<(u64, rusqlite::InterruptHandle)>>,
}

/// Runs `f` on the store on the blocking pool.
pub(super) async fn blocking<T: Send + 'static>(
    store: &Shared,
    f: impl FnOnce(&mut Store) -> T + Send + 'static,
) -> Result<T, String> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = store.lock().map_err(|_| "findings store lock poisoned")?;
        Ok(f(&mut guard))
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e: &str| e.to_string())
}

/// Folds a delta into view `view_id`: written into the store by its writer (whose table
/// reads windows of it: no rows back), into the stored rows in memory by a reader (the
/// view's rows after it, in `sort` order).
pub(super) fn fold_delta(
    s: &mut Store,
    view_id: i64,
    delta: &Delta,
    started: OffsetDateTime,
    sort: &[SortCriterion],
) -> Result<Vec<Finding>, String> {
    let e = |e: crate::store::StoreError| e.to_string();
    if s.is_writer() {
        let hw = delta.high_water.as_deref();
        s.apply_delta(view_id, &delta.upserts, &delta.removals, started, hw)
            .map_err(e)?;
        return Ok(Vec::new());
    }
    let mut rows = s.rows(view_id, sort).map_err(e)?.findings;
    delta.apply_to(&mut rows);
    Ok(rows)
}

fn age_secs(view: &ViewState, now: OffsetDateTime) -> u64 {
    view.synced_at
        .map_or(0, |at| (now - at).whole_seconds().max(0).unsigned_abs())
}

impl FindingsStore {
    pub fn new(context: StoreContext) -> Arc<Self> {
        Arc::new(FindingsStore {
            context,
            opened: OnceCell::new(),
            opened_ocsf: OnceCell::new(),
            notice: Arc::new(Mutex::new(None)),
            full: Mutex::new(None),
            readers: Mutex::new(Vec::new()),
            window_seq: Default::default(),
            running: Mutex::new(Vec::new()),
        })
    }

    async fn store(&self, clients: &AwsClients) -> Result<Shared, String> {
        self.store_of(clients, Api::Asff).await
    }

    /// The store of `api`'s findings for the caller's account.
    pub(super) async fn store_of(&self, clients: &AwsClients, api: Api) -> Result<Shared, String> {
        let cell = match api {
            Api::Asff => &self.opened,
            Api::Ocsf => &self.opened_ocsf,
        };
        cell.get_or_init(|| async {
            let identity = crate::aws::sts::get_caller_identity(&clients.sts)
                .await
                .map_err(|e| format!("findings store not used: {e}"))?;
            let key = StoreKey {
                profile: self.context.profile.clone(),
                account: identity.account,
                region: self.context.region.clone(),
                api,
            };
            let dir = self.context.cache_dir.clone();
            let store = tokio::task::spawn_blocking(move || Store::open(&dir, &key))
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| format!("findings store not used: {e}"))?;
            if let Ok(mut n) = self.notice.lock() {
                *n = store.notice.clone();
            }
            if store.is_writer() {
                self.check_in_background(store.path().to_path_buf());
            }
            Ok(Arc::new(Mutex::new(store)))
        })
        .await
        .clone()
    }

    /// The whole-file check opening skips, on a reader connection beside the rows
    /// already shown: damage is said (and the store rebuilt at the next open).
    fn check_in_background(&self, path: std::path::PathBuf) {
        let notice = self.notice.clone();
        tokio::task::spawn_blocking(move || {
            let checked = Store::open_reader(&path)
                .map_err(|e| e.to_string())
                .and_then(|reader| reader.full_check());
            if let (Err(found), Ok(mut n)) = (checked, notice.lock()) {
                *n = Some(format!(
                    "findings store {} is damaged ({found}): it is rebuilt when secdeck \
                     next starts",
                    path.display()
                ));
            }
        });
    }

    pub(super) fn take_notice(&self) -> Option<String> {
        self.notice.lock().ok()?.take()
    }

    /// `FindingsRead::Open`: the stored view, if usable, and whether to fetch it in full.
    pub async fn open_view(
        &self,
        clients: &AwsClients,
        request: u64,
        filters: FindingFilters,
        sort: Vec<SortCriterion>,
    ) -> FindingsMsg {
        let able = delta::delta_able(&filters);
        let key = crate::store::view_key(&filters);
        self.open_at(clients, Api::Asff, (key, able), request, sort)
            .await
    }

    /// `open_view` of the view kept under `view.0` in `api`'s store; `view.1`: its filter
    /// allows a delta sync.
    pub(super) async fn open_at(
        &self,
        clients: &AwsClients,
        api: Api,
        view: (String, bool),
        request: u64,
        sort: Vec<SortCriterion>,
    ) -> FindingsMsg {
        let (key, able) = view;
        let answer = async {
            let store = self.store_of(clients, api).await?;
            blocking(&store, move |s| -> Result<_, String> {
                let now = OffsetDateTime::now_utc();
                let view = s.view_at(&key).map_err(|e| e.to_string())?;
                let full = delta::full_reason_for(view.as_ref(), able, now).is_some();
                // The writer's pages and deltas land in the store: the table reads
                // windows of it. A reader keeps the rows it folds deltas into.
                let windowed = s.is_writer();
                let cached = match view.filter(ViewState::usable) {
                    Some(v) => Some(CachedView {
                        findings: match windowed {
                            true => Vec::new(),
                            false => {
                                s.rows(v.view_id, &sort)
                                    .map_err(|e| e.to_string())?
                                    .findings
                            }
                        },
                        age_secs: age_secs(&v, now),
                    }),
                    None => None,
                };
                Ok((cached, full, windowed))
            })
            .await?
        };
        match answer.await {
            Ok((cached, full, windowed)) => FindingsMsg::Cached {
                request,
                cached,
                full,
                notice: self.take_notice(),
                windowed,
            },
            Err(e) => FindingsMsg::Cached {
                request,
                cached: None,
                full: true,
                notice: Some(e),
                windowed: false,
            },
        }
    }

    /// `FindingsRead::Delta`: asks AWS what changed since the view's last sync, folds
    /// it into the store (as its writer) or into the stored rows (as a reader).
    pub async fn delta(
        &self,
        clients: &AwsClients,
        pacer: &Pacer,
        retry: &RetryPolicy,
        request: u64,
        filters: FindingFilters,
        sort: Vec<SortCriterion>,
    ) -> FindingsMsg {
        let result = self.run_delta(clients, pacer, retry, filters, sort).await;
        FindingsMsg::Synced { request, result }
    }

    async fn run_delta(
        &self,
        clients: &AwsClients,
        pacer: &Pacer,
        retry: &RetryPolicy,
        filters: FindingFilters,
        sort: Vec<SortCriterion>,
    ) -> Result<SyncedView, String> {
        let store = self.store(clients).await?;
        let started = OffsetDateTime::now_utc();
        let key = filters.clone();
        let view = blocking(&store, move |s| s.view(&key))
            .await?
            .map_err(|e| e.to_string())?
            .filter(ViewState::usable)
            .ok_or("the stored view changed; R fetches it in full")?;
        let since = delta::since(&view, started);
        let (mut changed, mut in_view) = (Vec::new(), Vec::new());
        for (all, within) in delta::queries(&filters, since) {
            let fetch = |f: FindingFilters| async move {
                get_all_findings(&clients.securityhub, &f, pacer, retry)
                    .await
                    .map_err(|e| e.to_string())
            };
            changed.extend(fetch(all).await?);
            in_view.extend(fetch(within).await?);
        }
        let delta = Delta::fold(changed, in_view);
        let count = delta.upserts.len() + delta.removals.len();
        let fold = move |s: &mut Store| fold_delta(s, view.view_id, &delta, started, &sort);
        let findings = blocking(&store, fold).await??;
        Ok(SyncedView {
            findings,
            changed: count,
        })
    }

    /// A connection that reads `api`'s store beside the writer's (window reads do not
    /// wait for a page being written). Kept for the next read.
    pub async fn reader(&self, clients: &AwsClients, api: Api) -> Result<Store, String> {
        let pooled = self.readers.lock().ok().and_then(|mut r| {
            let at = r.iter().position(|(a, _)| *a == api)?;
            Some(r.swap_remove(at).1)
        });
        if let Some(r) = pooled {
            return Ok(r);
        }
        let store = self.store_of(clients, api).await?;
        let path = blocking(&store, |s| s.path().to_path_buf()).await?;
        Store::open_reader(&path).map_err(|e| e.to_string())
    }

    /// Gives a reader connection of `api`'s store back.
    pub fn put_reader(&self, api: Api, reader: Store) {
        if let Ok(mut r) = self.readers.lock()
            && r.len() < 4
        {
            r.push((api, reader));
        }
    }

    /// `FindingsRead::Reread`: findings this console changed, read again and folded into
    /// the stored view (kept, changed, or removed when they left it). Only the writer.
    pub async fn reread(
        &self,
        clients: &AwsClients,
        pacer: &Pacer,
        retry: &RetryPolicy,
        filters: FindingFilters,
        refs: Vec<crate::domain::finding::FindingRef>,
    ) -> Result<(), String> {
        use crate::aws::securityhub::get_findings_by_ids;
        let store = self.store(clients).await?;
        let key = filters.clone();
        let view = blocking(&store, move |s| s.view(&key).map(|v| (v, s.is_writer())))
            .await?
            .map_err(|e| e.to_string())?;
        let (Some(view), true) = view else {
            return Ok(());
        };
        if filters.0.contains_key("Id") {
            return Ok(()); // the view picks ids itself: its next full fetch corrects it
        }
        let sh = &clients.securityhub;
        let changed = get_findings_by_ids(sh, &refs, pacer, retry)
            .await
            .map_err(|e| e.to_string())?;
        let mut in_view = Vec::new();
        for chunk in refs.chunks(crate::aws::filters::MAX_VALUES_PER_ATTRIBUTE) {
            let mut within = filters.clone();
            let ids = FindingFilters::by_ids(chunk.iter().map(|r| r.id.as_str()));
            within.0.extend(ids.0);
            in_view.extend(
                get_all_findings(sh, &within, pacer, retry)
                    .await
                    .map_err(|e| e.to_string())?,
            );
        }
        let delta = Delta::fold(changed, in_view);
        blocking(&store, move |s| {
            s.apply_changes(view.view_id, &delta.upserts, &delta.removals)
        })
        .await?
        .map_err(|e| e.to_string())
    }

    /// Writes one page of the table's full fetch (`first`: it starts the fetch, `last`:
    /// it completes it; `started`: when its request was sent). A reader, or a store that
    /// cannot be opened, keeps nothing.
    pub async fn keep_page(
        &self,
        clients: &AwsClients,
        request: u64,
        filters: &FindingFilters,
        page: (bool, &[Finding], bool),
        started: OffsetDateTime,
    ) {
        let key = crate::store::view_key(filters);
        self.keep_page_at(clients, (Api::Asff, key), request, page, started)
            .await
    }

    /// `keep_page` for the view kept under `view.1` in `view.0`'s store.
    pub(super) async fn keep_page_at(
        &self,
        clients: &AwsClients,
        view: (Api, String),
        request: u64,
        page: (bool, &[Finding], bool),
        started: OffsetDateTime,
    ) {
        let ((api, key), (first, findings, last)) = (view, page);
        let Ok(store) = self.store_of(clients, api).await else {
            return;
        };
        let current = *self.full.lock().expect("full fetch lock");
        let fetch = match current {
            Some(f) if f.request == request && !first => f,
            _ if !first => return,
            _ => {
                let begun = blocking(&store, move |s| s.begin_full_at(&key)).await;
                let Ok(Ok((view_id, gen_))) = begun else {
                    return;
                };
                let f = FullFetch {
                    request,
                    view_id,
                    gen_,
                    started,
                };
                *self.full.lock().expect("full fetch lock") = Some(f);
                f
            }
        };
        let rows = findings.to_vec();
        let written = blocking(&store, move |s| {
            s.put(fetch.view_id, fetch.gen_, &rows)?;
            if last {
                s.finish_full(fetch.view_id, fetch.gen_, fetch.started)?;
            }
            Ok::<_, crate::store::StoreError>(())
        })
        .await;
        let problem = match written {
            Ok(Ok(())) => return,
            Ok(Err(e)) => e.to_string(),
            Err(e) => e,
        };
        tracing::warn!(error = %problem, "findings store: a page was not kept");
    }
}
