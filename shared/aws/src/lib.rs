//! What every AWS client of a CargoFlow process is built from.
//!
//! - [`shared_config`]: the SDK configuration (region, credentials, endpoints from the
//!   standard `AWS_*` variables), loaded once per process and shared by every client, so a
//!   function pays for the credential chain and the HTTPS client once.
//! - [`calls`]: which AWS calls each function makes, with the IAM action and resource each
//!   needs. Off unless `AWS_CALL_LOG` names a file; `make test` turns it on and checks every
//!   recorded call against the function's policy in template.yaml (`check-iam`).
//! - [`faults`]: an interceptor that fails chosen calls, for tests that prove nothing is lost.
//!
//! A client is built with [`client!`], which adds the interceptors a function's clients carry.

pub mod calls;
pub mod faults;

pub use aws_config::SdkConfig;
pub use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};

/// The process's SDK configuration, loaded from the environment on first use. Lambda
/// binaries and the local host call this once; tests that run several Tokio runtimes load
/// their own (`aws_config::load_from_env`), because pooled connections belong to the
/// runtime that opened them.
pub async fn shared_config() -> SdkConfig {
    static CONFIG: tokio::sync::OnceCell<SdkConfig> = tokio::sync::OnceCell::const_new();
    CONFIG.get_or_init(aws_config::load_from_env).await.clone()
}

/// The interceptors every client of a function carries: the call recorder when
/// `AWS_CALL_LOG` is set (nothing otherwise, as in AWS).
pub fn function_interceptors(sdk: &SdkConfig) -> Vec<SharedInterceptor> {
    calls::recorder(sdk).into_iter().collect()
}

/// `client!(aws_sdk_sqs, &sdk, &interceptors)`: a service client from the shared
/// configuration with the given interceptors (a slice of [`SharedInterceptor`]).
/// `client!(aws_sdk_x, &sdk, &interceptors, |b| b.endpoint_url(url))` also adjusts the
/// service's config builder.
#[macro_export]
macro_rules! client {
    ($service:ident, $sdk:expr, $interceptors:expr) => {
        $crate::client!($service, $sdk, $interceptors, |b| b)
    };
    ($service:ident, $sdk:expr, $interceptors:expr, $adjust:expr) => {{
        let mut builder = $service::config::Builder::from($sdk);
        for interceptor in $interceptors.iter() {
            builder.push_interceptor(interceptor.clone());
        }
        $service::Client::from_conf($crate::adjust(builder, $adjust).build())
    }};
}

/// Applies a [`client!`] adjustment (a closure over the service's config builder).
#[doc(hidden)]
pub fn adjust<B, F: FnOnce(B) -> B>(builder: B, f: F) -> B {
    f(builder)
}
