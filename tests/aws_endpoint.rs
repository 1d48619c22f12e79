//! `--endpoint-url` and `--region` reach every client: a console pointed at
//! `secdeck sandbox` over loopback reads its findings.

mod common;

use aws_credential_types::Credentials;
use common::*;
use secdeck::aws::securityhub::get_findings_page;
use secdeck::aws::{ClientOptions, load_sdk_config};
use secdeck::domain::filter::FindingFilters;
use secdeck::sandbox::serve_on;

#[test]
fn endpoint_and_region_flags_point_the_clients_at_a_served_sandbox() {
    big_stack(|| async {
        let sb = TestEnv::findings(findings(3)).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve_on(sb.clone(), listener, false, async {
            let _ = stopped.await;
        }));

        let opts = ClientOptions {
            profile: None,
            region: Some("eu-west-3".into()),
            endpoint_url: Some(url.clone()),
        };
        let config = load_sdk_config(&opts).await.unwrap();
        assert_eq!(config.endpoint_url(), Some(url.as_str()));
        assert_eq!(config.region().map(|r| r.as_ref()), Some("eu-west-3"));

        // Static test credentials so the test never depends on the machine's.
        let hub_config = aws_sdk_securityhub::config::Builder::from(&config)
            .credentials_provider(Credentials::new("AKIDTEST", "test", None, None, "test"))
            .build();
        let hub = aws_sdk_securityhub::Client::from_conf(hub_config);
        let page = get_findings_page(&hub, &FindingFilters::default(), &[], None, 100)
            .await
            .unwrap();
        assert_eq!(page.findings.len(), 3);
        assert_eq!(sb.requests().len(), 1, "the request went to this sandbox");

        let _ = stop.send(());
        server.await.unwrap().unwrap();
    });
}
