//! Fault injection for tests: an interceptor that fails the calls a test chooses (an
//! EventBridge outage, a DynamoDB read that errors) and tells the test when a call finished
//! (to stop a function right after it published, as a crash would).

use std::sync::Arc;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

/// The request as it was sent, kept for `done` (the request is gone by then).
#[derive(Debug, Clone)]
struct Sent(Request);

impl Storable for Sent {
    type Storer = StoreReplace<Self>;
}

/// A request as the fault rules see it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The SDK's service name (`DynamoDB`, `EventBridge`, ...).
    pub service: String,
    /// The operation (`GetItem`, `PutEvents`, ...).
    pub operation: String,
    /// The serialized body (JSON for the services CargoFlow uses).
    pub body: String,
}

type FailRule = dyn Fn(&Request) -> Option<String> + Send + Sync;
type DoneHook = dyn Fn(&Request, bool) + Send + Sync;

/// Fails a request when `fail` answers `Some(reason)`; calls `done` after every request
/// with whether it succeeded.
#[derive(Clone)]
pub struct FaultInjector {
    fail: Arc<FailRule>,
    done: Arc<DoneHook>,
}

impl std::fmt::Debug for FaultInjector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FaultInjector")
    }
}

/// The error an injected fault answers with.
#[derive(Debug)]
pub struct InjectedFault(pub String);

impl std::fmt::Display for InjectedFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "injected fault: {}", self.0)
    }
}

impl std::error::Error for InjectedFault {}

impl FaultInjector {
    pub fn new(fail: impl Fn(&Request) -> Option<String> + Send + Sync + 'static) -> Self {
        Self {
            fail: Arc::new(fail),
            done: Arc::new(|_, _| {}),
        }
    }

    /// Also calls `done(request, succeeded)` once each request has finished.
    pub fn on_done(self, done: impl Fn(&Request, bool) + Send + Sync + 'static) -> Self {
        Self {
            done: Arc::new(done),
            ..self
        }
    }

    pub fn shared(self) -> SharedInterceptor {
        SharedInterceptor::new(self)
    }
}

fn request_of(body: Option<&[u8]>, cfg: &ConfigBag) -> Request {
    let meta = cfg.load::<Metadata>();
    Request {
        service: meta.map(|m| m.service().to_string()).unwrap_or_default(),
        operation: meta.map(|m| m.name().to_string()).unwrap_or_default(),
        body: body
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default(),
    }
}

impl Intercept for FaultInjector {
    fn name(&self) -> &'static str {
        "FaultInjector"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = request_of(context.request().body().bytes(), cfg);
        cfg.interceptor_state().store_put(Sent(request.clone()));
        match (self.fail)(&request) {
            Some(reason) => Err(Box::new(InjectedFault(reason))),
            None => Ok(()),
        }
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let ok = matches!(context.output_or_error(), Some(Ok(_)));
        let request = match cfg.load::<Sent>() {
            Some(Sent(r)) => r.clone(),
            None => request_of(None, cfg),
        };
        (self.done)(&request, ok);
        Ok(())
    }
}
