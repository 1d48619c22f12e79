//! Which API the findings pane reads through: ASFF (GetFindings) or OCSF (GetFindingsV2,
//! the new Security Hub). Both fill the same rows; on OCSF the server-side filter is the
//! OCSF grammar (`domain::ocsf_filter`) and the sort columns are the OCSF fields. The
//! choice: `--findings-api` / config, what detection at start found (`hubs_detected`),
//! and `:source ocsf|asff` (`switch`).

use super::FindingsPane;
use super::msg::FindingsRead;
use crate::app::action::Action;
use crate::app::effect::{Effect, ReadRequest};
use crate::domain::filter::SortCriterion;
use crate::domain::filter_expr::FilterError;
use crate::domain::findings_api::{ApiInUse, FindingsApi, HubsEnabled};
use crate::domain::ocsf_filter::{DEFAULT_VIEW, OcsfFilters};

/// The OCSF filter as the user wrote it and as it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct OcsfView {
    pub text: String,
    pub filters: OcsfFilters,
    /// `:scope`: the organization scope sent with every read (delegated administrators).
    pub scope: Option<crate::domain::org_scope::OrgScope>,
}

impl Default for OcsfView {
    fn default() -> Self {
        OcsfView {
            text: DEFAULT_VIEW.to_string(),
            filters: OcsfFilters::compile(DEFAULT_VIEW).expect("the default view compiles"),
            scope: None,
        }
    }
}

/// The OCSF field a table column sorts by (the ASFF sort field it replaces).
fn ocsf_sort_field(asff: &str) -> &str {
    match asff {
        "SeverityNormalized" | "SeverityLabel" => "severity_id",
        "Title" => "finding_info.title",
        "ResourceType" => "resources.type",
        "AwsAccountId" => "cloud.account.uid",
        "Region" => "cloud.region",
        "ProductName" => "metadata.product.name",
        "WorkflowStatus" => "status_id",
        "CreatedAt" => "finding_info.created_time_dt",
        _ => "finding_info.modified_time_dt",
    }
}

impl FindingsPane {
    pub fn on_ocsf(&self) -> bool {
        self.source.in_use() == ApiInUse::Ocsf
    }

    /// The changes that have no meaning on OCSF rows: BatchUpdateFindingsV2 sets status,
    /// severity and comment only (`w`, `S`, `N` and bulk triage plan it), so the fields
    /// form (`E`: verification, confidence, criticality, user fields) and a block from a
    /// finding (its NOTIFIED step is a CSPM workflow change) are refused with the way round.
    pub(crate) fn refuses_change(&self, action: &Action) -> Option<&'static str> {
        if !self.on_ocsf() {
            return None;
        }
        match action {
            Action::EditFields => Some(
                "BatchUpdateFindingsV2 sets status, severity and comment only: verification, confidence, criticality and user fields need `:source asff` (Security Hub CSPM)",
            ),
            Action::BlockFromFinding => Some(
                "block from a finding is not available on OCSF findings (it marks the finding NOTIFIED through CSPM): `:source asff` blocks through Security Hub CSPM",
            ),
            _ => None,
        }
    }

    /// One GetFindingsV2 page of the current load.
    pub(super) fn ocsf_page_request(&self, next_token: Option<String>) -> Effect {
        let sort = self
            .sort
            .iter()
            .map(|s| SortCriterion {
                field: ocsf_sort_field(&s.field).to_string(),
                sort_order: s.sort_order,
            })
            .collect();
        Effect::Read(ReadRequest::Findings(FindingsRead::OcsfPage {
            request: self.request,
            filters: self.ocsf.filters.clone(),
            scope: self.ocsf.scope.clone(),
            sort,
            group_field: self.group_field().filter(|_| next_token.is_none()),
            next_token,
        }))
    }

    /// The server-side filter as shown and edited: the grammar of the API in use.
    pub fn filter_text(&self) -> String {
        if self.on_ocsf() {
            self.ocsf.text.clone()
        } else {
            self.expr.to_string()
        }
    }

    /// On OCSF: compiles `text` and reloads; a bad expression changes nothing but
    /// `filter_error`.
    pub(super) fn apply_ocsf_expr(&mut self, text: &str) -> Result<Effect, FilterError> {
        match OcsfFilters::compile(text) {
            Ok(filters) => {
                self.ocsf = OcsfView {
                    text: text.trim().to_string(),
                    filters,
                    scope: self.ocsf.scope.take(),
                };
                self.filter_error = None;
                Ok(self.start_load())
            }
            Err(e) => {
                self.filter_error = Some((text.to_string(), e.clone()));
                Err(e)
            }
        }
    }

    /// At start: ask whether the new Security Hub is enabled, unless ASFF was asked for
    /// (then the session reads as it always did, with no extra call).
    pub fn detect_hubs(&self) -> Option<Effect> {
        (self.source.requested != FindingsApi::Asff)
            .then_some(Effect::Read(ReadRequest::Findings(FindingsRead::Hubs)))
    }

    /// A GetFindings page answered: Security Hub CSPM is enabled.
    pub(super) fn asff_answered(&mut self) {
        if self.source.requested != FindingsApi::Asff {
            self.source.hubs.cspm = Some(true);
        }
    }

    /// Detection answered. A reload when it changes the API in use (auto on an account
    /// with the new Security Hub): the rows of the other API stay until its first page.
    pub fn hubs_detected(&mut self, hubs: HubsEnabled) -> Option<Effect> {
        let before = self.source.in_use();
        self.source.hubs.ocsf = hubs.ocsf;
        self.source.hubs.cspm = hubs.cspm.or(self.source.hubs.cspm);
        (self.source.in_use() != before).then(|| self.reload_for_source())
    }

    /// `:source ocsf|asff`: read through `api` from now on.
    pub fn switch_source(&mut self, api: ApiInUse) -> Effect {
        self.source.switched = Some(api);
        self.reload_for_source()
    }

    /// `:scope`: read in this organization scope from now on (None: the caller's own).
    pub fn set_scope(&mut self, scope: Option<crate::domain::org_scope::OrgScope>) -> Effect {
        self.ocsf.scope = scope;
        self.reload_for_source()
    }

    fn reload_for_source(&mut self) -> Effect {
        self.detail = None;
        self.filter_error = None;
        self.start_load()
    }
}

#[cfg(test)]
mod tests {
    use crate::app::tests::{keys, loaded, messages};
    use crate::app::{Action, Effect, FindingsMsg, FindingsRead, PaneMsg, ReadRequest, update};
    use crate::domain::findings_api::{ApiInUse, FindingsApi, HubsEnabled};
    use crate::domain::ocsf_filter::{OcsfFilters, Operator};

    fn ocsf_request(fx: &[Effect]) -> (OcsfFilters, Vec<String>) {
        match fx {
            [
                Effect::Read(ReadRequest::Findings(FindingsRead::OcsfPage {
                    filters, sort, ..
                })),
            ] => (
                filters.clone(),
                sort.iter().map(|s| s.field.clone()).collect(),
            ),
            other => panic!("expected one GetFindingsV2 page request, got {other:?}"),
        }
    }

    fn detected(cspm: bool, ocsf: bool) -> Action {
        Action::Pane(PaneMsg::Findings(FindingsMsg::HubsDetected(HubsEnabled {
            cspm: Some(cspm),
            ocsf: Some(ocsf),
        })))
    }

    #[test]
    fn auto_switches_to_ocsf_when_the_new_hub_is_enabled_and_stays_on_asff_otherwise() {
        let mut s = loaded(3, false);
        assert!(
            update(&mut s, detected(true, false)).is_empty(),
            "CSPM only: as before"
        );
        assert_eq!(s.findings.source.status_label(), None);

        let mut s = loaded(3, false);
        let request = s.findings.request;
        let fx = update(&mut s, detected(true, true));
        let (filters, sort) = ocsf_request(&fx);
        assert_eq!(s.findings.request, request + 1, "a new load");
        assert_eq!(
            filters,
            OcsfFilters::compile("status=New,in_progress").unwrap()
        );
        assert_eq!(sort[0], "finding_info.modified_time_dt");
        assert_eq!(s.findings.filter_text(), "status=New,in_progress");
        assert_eq!(
            s.findings.source.status_label().as_deref(),
            Some("OCSF (Security Hub), both enabled")
        );
    }

    #[test]
    fn asked_for_asff_stays_on_asff_even_when_the_new_hub_is_enabled() {
        let mut s = loaded(3, false);
        s.findings.source.requested = FindingsApi::Asff;
        assert!(update(&mut s, detected(true, true)).is_empty());
        assert!(!s.findings.on_ocsf());
    }

    #[test]
    fn source_switches_in_place_and_filters_compile_for_the_api_in_use() {
        let mut s = loaded(3, false);
        let fx = keys(&mut s, ":source ocsf<enter>");
        ocsf_request(&fx);
        assert_eq!(s.findings.source.switched, Some(ApiInUse::Ocsf));
        assert!(
            messages(&s)[0].contains("findings from OCSF"),
            "{:?}",
            messages(&s)
        );

        let fx = keys(
            &mut s,
            ":findings sev=Critical (cvss>=9 | exposure=true)<enter>",
        );
        let (filters, _) = ocsf_request(&fx);
        assert_eq!(filters.composites[0].nested[0].operator, Operator::Or);
        assert_eq!(
            s.findings.filter_text(),
            "sev=Critical (cvss>=9 | exposure=true)"
        );

        // A bad OCSF filter changes nothing and says where.
        let request = s.findings.request;
        assert!(keys(&mut s, ":findings sev=High finding_info.titel=x<enter>").is_empty());
        assert_eq!(s.findings.request, request);
        let m = messages(&s).join("\n");
        assert!(
            m.contains("unknown OCSF field") && m.contains("column 10"),
            "{m}"
        );

        let fx = keys(&mut s, ":source asff<enter>");
        assert!(matches!(
            fx.as_slice(),
            [Effect::Read(ReadRequest::Findings(
                FindingsRead::Page { .. }
            ))]
        ));
        assert_eq!(s.findings.filter_text(), s.findings.expr.to_string());

        assert!(keys(&mut s, ":source json<enter>").is_empty());
        assert!(messages(&s).join("\n").contains("usage: :source ocsf|asff"));
    }
}
