//! Tells an adaptive `Pacer` about throttled attempts the SDK retries by itself, which
//! our own retry layer never sees: without it, every request after the quota's burst
//! would be throttled once and retried after the SDK's backoff.

use std::sync::Arc;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::aws::retry::Pacer;

/// HTTP 429 is how Security Hub throttles (TooManyRequestsException, LimitExceededException).
const TOO_MANY_REQUESTS: u16 = 429;

#[derive(Debug, Clone)]
pub struct ThrottleSignal {
    pacer: Arc<Pacer>,
}

impl ThrottleSignal {
    pub fn new(pacer: Arc<Pacer>) -> Self {
        ThrottleSignal { pacer }
    }
}

impl Intercept for ThrottleSignal {
    fn name(&self) -> &'static str {
        "secdeck::ThrottleSignal"
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if context
            .response()
            .is_some_and(|r| r.status().as_u16() == TOO_MANY_REQUESTS)
        {
            self.pacer.throttled();
        }
        Ok(())
    }
}

/// A Security Hub client whose throttled attempts engage `pacer`.
pub fn securityhub_client(
    config: &aws_config::SdkConfig,
    pacer: &Arc<Pacer>,
) -> aws_sdk_securityhub::Client {
    let conf = aws_sdk_securityhub::config::Builder::from(&super::tagged(config))
        .interceptor(ThrottleSignal::new(Arc::clone(pacer)))
        .build();
    aws_sdk_securityhub::Client::from_conf(conf)
}
