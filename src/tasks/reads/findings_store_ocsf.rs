//! The findings store on the OCSF side (GetFindingsV2): the view's stored rows at open,
//! GetFindingsV2 pages of a full fetch kept as they arrive, and the OCSF delta sync
//! (`store::delta_ocsf`): findings modified since the last sync, folded in, then the
//! view's counts checked against GetFindingStatisticsV2; when they differ (findings
//! triaged elsewhere, which moves no time stamp) the pane is told to fetch in full.

use aws_sdk_securityhub::types::{GroupByField, GroupByRule};
use time::OffsetDateTime;

use super::findings_store::{FindingsStore, blocking, fold_delta};
use crate::app::{FindingsMsg, SyncedView};
use crate::aws::AwsClients;
use crate::aws::ocsf_filters::ocsf_finding_filters;
use crate::aws::retry::{Pacer, RetryPolicy, paced};
use crate::aws::securityhub_ocsf::get_ocsf_findings_page;
use crate::aws::securityhub_v2::MAX_PAGE;
use crate::aws::securityhub_v2::counts::{MAX_GROUPS, finding_statistics};
use crate::domain::filter::SortCriterion;
use crate::domain::finding::Finding;
use crate::domain::ocsf_filter::OcsfFilters;
use crate::store::delta::{self, Delta};
use crate::store::delta_ocsf::{self, CHECKED, Counts};
use crate::store::{Api, Store, ViewState, ocsf};

/// How an OCSF delta ended.
enum Outcome {
    Synced(SyncedView),
    /// The counts show changes no time stamp does: fetch the view in full (why; whether
    /// the table reads windows of the store, as this console writes it).
    Refetch(String, bool),
}

impl FindingsStore {
    /// `FindingsRead::OcsfOpen`: the stored OCSF view, if usable, and whether to fetch it
    /// in full (answered as `FindingsMsg::Cached`).
    pub async fn open_ocsf(
        &self,
        clients: &AwsClients,
        request: u64,
        filters: &OcsfFilters,
        sort: Vec<SortCriterion>,
    ) -> FindingsMsg {
        let view = (ocsf::view_key(filters), delta_ocsf::delta_able(filters));
        self.open_at(clients, Api::Ocsf, view, request, sort).await
    }

    /// Writes one GetFindingsV2 page of the table's full fetch (as `keep_page`).
    pub async fn keep_ocsf_page(
        &self,
        clients: &AwsClients,
        request: u64,
        filters: &OcsfFilters,
        page: (bool, &[Finding], bool),
        started: OffsetDateTime,
    ) {
        let view = (Api::Ocsf, ocsf::view_key(filters));
        self.keep_page_at(clients, view, request, page, started)
            .await
    }

    /// `FindingsRead::OcsfDelta`: `Synced` with the view's rows, or `Cached { full }` when
    /// the view must be fetched in full.
    pub async fn delta_ocsf(
        &self,
        clients: &AwsClients,
        (pacer, retry): (&Pacer, &RetryPolicy),
        request: u64,
        filters: OcsfFilters,
        sort: Vec<SortCriterion>,
    ) -> FindingsMsg {
        match self
            .run_delta_ocsf(clients, (pacer, retry), filters, sort)
            .await
        {
            Ok(Outcome::Synced(view)) => FindingsMsg::Synced {
                request,
                result: Ok(view),
            },
            Ok(Outcome::Refetch(why, windowed)) => FindingsMsg::Cached {
                request,
                cached: None,
                full: true,
                notice: Some(why),
                windowed,
            },
            Err(e) => FindingsMsg::Synced {
                request,
                result: Err(e),
            },
        }
    }

    async fn run_delta_ocsf(
        &self,
        clients: &AwsClients,
        (pacer, retry): (&Pacer, &RetryPolicy),
        filters: OcsfFilters,
        sort: Vec<SortCriterion>,
    ) -> Result<Outcome, String> {
        let store = self.store_of(clients, Api::Ocsf).await?;
        let started = OffsetDateTime::now_utc();
        let key = ocsf::view_key(&filters);
        let (view, windowed) = blocking(&store, move |s| (s.view_at(&key), s.is_writer())).await?;
        let view = view
            .map_err(|e| e.to_string())?
            .filter(ViewState::usable)
            .ok_or("the stored view changed; R fetches it in full")?;
        // AWS's counts first: a triage change made after them shows in the next delta's.
        let aws = match view_counts(clients, &filters).await {
            Ok(counts) => counts,
            // Nothing to check the delta against: only a full fetch is sure.
            Err(e) => {
                return Ok(Outcome::Refetch(
                    format!(
                        "findings store: the view's counts could not be read ({e}); fetching \
                         it in full"
                    ),
                    windowed,
                ));
            }
        };
        let (all, within) = delta_ocsf::queries(&filters, delta::since(&view, started));
        let changed = modified(clients, all, (pacer, retry)).await?;
        let in_view = modified(clients, within, (pacer, retry)).await?;
        let delta = Delta::fold(changed, in_view);
        let count = delta.upserts.len() + delta.removals.len();
        // The writer writes it (its table reads windows) and counts the stored rows; a
        // reader counts the rows it folded it into.
        let fold = move |s: &mut Store| -> Result<_, String> {
            let findings = fold_delta(s, view.view_id, &delta, started, &sort)?;
            let counts = match s.is_writer() {
                true => s.checked_counts(view.view_id).map_err(|e| e.to_string())?,
                false => delta_ocsf::counts_of(&findings),
            };
            Ok((findings, counts))
        };
        let (findings, stored) = blocking(&store, fold).await??;
        let differ = delta_ocsf::differing(&stored, &aws, MAX_GROUPS as usize);
        if !differ.is_empty() {
            let why = format!(
                "findings store: the view's counts by {} differ from Security Hub's (findings \
                 changed elsewhere); fetching it in full",
                differ.join(", ")
            );
            return Ok(Outcome::Refetch(why, windowed));
        }
        Ok(Outcome::Synced(SyncedView {
            findings,
            changed: count,
        }))
    }
}

/// Every finding `filters` selects, as rows, page after page under the GetFindings pacer
/// (the table's pages share it); a NextToken answered twice is refused.
async fn modified(
    clients: &AwsClients,
    filters: OcsfFilters,
    (pacer, retry): (&Pacer, &RetryPolicy),
) -> Result<Vec<Finding>, String> {
    let (mut rows, mut token) = (Vec::new(), None::<String>);
    loop {
        let page = paced(pacer, retry, || {
            let client = &clients.securityhub;
            get_ocsf_findings_page(client, &filters, None, &[], token.clone(), MAX_PAGE)
        })
        .await
        .map_err(|e| e.to_string())?;
        rows.extend(page.findings);
        match page.next_token {
            Some(next) if token.as_ref() == Some(&next) => {
                return Err(format!("GetFindingsV2 answered NextToken {next} twice"));
            }
            Some(next) => token = Some(next),
            None => return Ok(rows),
        }
    }
}

/// The view's counts by each checked field, from one GetFindingStatisticsV2 call.
async fn view_counts(clients: &AwsClients, filters: &OcsfFilters) -> Result<Counts, String> {
    let rules = CHECKED
        .iter()
        .map(|field| {
            GroupByRule::builder()
                .set_filters(ocsf_finding_filters(filters))
                .group_by_field(GroupByField::from(*field))
                .build()
        })
        .collect();
    let groups = finding_statistics(&clients.securityhub, rules, None, true, MAX_GROUPS)
        .await
        .map_err(|e| e.to_string())?;
    Ok(CHECKED
        .iter()
        .zip(groups)
        .map(|(field, g)| (field.to_string(), g.groups.into_iter().collect()))
        .collect())
}
