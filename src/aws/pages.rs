//! Reading a paginated list to the end: NextToken after NextToken, each page's
//! throttling retried, and a service that hands back a token it already gave refused
//! instead of looped on forever.

use std::collections::HashSet;
use std::future::Future;

use super::error::AwsError;
use crate::aws::retry::{RetryPolicy, retry_throttled};

/// Every item of every page. `page(token)` fetches one page: its items and the next
/// token (`None` or empty at the end).
pub async fn all_pages<T, F, Fut>(
    operation: &'static str,
    retry: &RetryPolicy,
    mut page: F,
) -> Result<Vec<T>, AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), AwsError>>,
{
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    let mut seen = HashSet::new();
    loop {
        let (batch, next) = retry_throttled(retry, || page(token.clone())).await?;
        items.extend(batch);
        match next.filter(|t| !t.is_empty()) {
            Some(t) if !seen.insert(t.clone()) => {
                return Err(AwsError::bad_response(
                    operation,
                    format!("the service repeated the NextToken {t:?}; stopped paging"),
                ));
            }
            Some(t) => token = Some(t),
            None => return Ok(items),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn follows_tokens_to_the_end() {
        let pages = [
            (vec![1, 2], Some("a")),
            (vec![3], Some("b")),
            (vec![4], Some("")),
        ];
        let all = all_pages("x:List", &RetryPolicy::none(), |token| {
            let i = match token.as_deref() {
                None => 0,
                Some("a") => 1,
                _ => 2,
            };
            let (items, next) = pages[i].clone();
            async move { Ok((items, next.map(str::to_string))) }
        })
        .await
        .unwrap();
        assert_eq!(all, [1, 2, 3, 4]);
    }

    #[tokio::test]
    async fn a_repeated_token_is_an_error_not_an_endless_loop() {
        let err = all_pages("x:List", &RetryPolicy::none(), |_| async {
            Ok((vec![1], Some("same".to_string())))
        })
        .await
        .unwrap_err();
        assert!(err.to_string().contains("repeated the NextToken"), "{err}");
    }
}
