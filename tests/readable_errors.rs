//! Every failed AWS call is one line naming the operation and the HTTP status, then AWS's
//! error code and message, or, for an answer that is not AWS's (an HTML page from a proxy
//! or load balancer), the first line of its body; never a dump of the SDK's internals.
//! Shown on the console's screen and on `export findings`' stderr.

mod common;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Html;
use common::*;
use secdeck::config::AccessFlag;
use secdeck::sandbox::Fault;

/// A stand-in for a proxy or load balancer in front of the endpoint: every request gets
/// `status` and nginx's error page, padded to a few KB as real ones are. Returns its URL.
fn html_server(status: u16, title: &'static str) -> String {
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1>\
         </center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n<!-- {} -->\r\n",
        "padding ".repeat(400)
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let status = StatusCode::from_u16(status).unwrap();
            let app = Router::new().fallback(move || {
                let page = page.clone();
                async move { (status, Html(page)) }
            });
            axum::serve(listener, app).await.unwrap();
        });
    });
    url
}

/// The lines of `text` a user sees (the progress line is rewritten with `\r`).
fn shown_lines(text: &str) -> Vec<String> {
    text.lines()
        .flat_map(|l| l.rsplit('\r').next())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn export_behind_a_proxy_answering_html_404_fails_with_one_line() {
    let url = html_server(404, "404 Not Found");
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "export",
        "findings",
        "--region",
        "us-east-1",
        "--endpoint-url",
        &url,
    ];
    let (code, _, stderr) = common::bin::run_secdeck(dir.path(), &args).into_parts();
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        shown_lines(&stderr),
        [
            "secdeck: securityhub:GetFindings: HTTP 404 Not Found, not an AWS answer: \
             \"404 Not Found\""
        ],
        "{stderr}"
    );
}

#[test]
fn the_console_behind_a_load_balancer_answering_502_shows_one_line_per_failure() {
    big_stack(|| async {
        let url = html_server(502, "502 Bad Gateway");
        let env = TestEnv::demo().await;
        let mut console = env
            .console_with(AccessFlag::ReadOnly, |parts| {
                parts.sdk_config = common::sdk::moto_config(&url, "us-east-1");
            })
            .await;
        let failure = wait_for_message(&mut console, "securityhub:GetFindings").await;
        assert!(
            failure.ends_with(
                "securityhub:GetFindings: HTTP 502 Bad Gateway, not an AWS answer: \
                 \"502 Bad Gateway\""
            ),
            "{failure}"
        );
        let screen = screen(&console.state);
        assert!(
            screen.contains("HTTP 502 Bad Gateway, not an AWS answer"),
            "{screen}"
        );
        for message in messages(&console.state) {
            assert!(!message.contains('\n') && message.len() < 300, "{message}");
            assert!(
                !message.contains("nginx") && !message.contains("padding"),
                "{message}"
            );
        }
    });
}

#[test]
fn an_aws_error_names_the_operation_status_and_code_on_one_line() {
    big_stack(|| async {
        let env = TestEnv::demo().await;
        env.inject_fault(Fault {
            message: "User: arn:aws:iam::123456789012:user/demo-analyst is not authorized\n\
                      to perform: securityhub:GetFindings"
                .into(),
            ..Fault::next("GetFindings", 1, 403, "AccessDeniedException")
        });
        let mut console = env.console(AccessFlag::ReadOnly).await;
        let failure = wait_for_message(&mut console, "AccessDeniedException").await;
        let expected = "securityhub:GetFindings: AccessDeniedException: User: \
             arn:aws:iam::123456789012:user/demo-analyst is not authorized to perform: \
             securityhub:GetFindings (HTTP 403, request id ";
        assert!(failure.contains(expected), "{failure}");
        assert!(!failure.contains('\n'), "{failure:?}");
    });
}
