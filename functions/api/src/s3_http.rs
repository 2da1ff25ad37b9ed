//! S3 requests without the S3 client: each one through a fresh presigned URL
//! (crate::presigner), sent over the HTTPS stack the AWS SDK already links (hyper, rustls with
//! aws-lc, the system's roots). The POD files and the import files both go through it.

use std::time::Duration;

use cargoflow_http::ApiError;

use crate::pod_files::backend;
use crate::presigner::{Operation, Presigner};

type HttpClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    http_body_util::Full<bytes::Bytes>,
>;

/// An answer: status, headers and body.
pub type S3Answer = (u16, http::HeaderMap, bytes::Bytes);

pub struct S3Http {
    presigner: Presigner,
    http: HttpClient,
}

impl S3Http {
    pub fn new(presigner: Presigner) -> Result<Self, std::io::Error> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())?
            .https_or_http()
            .enable_http1()
            .build();
        let http =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(https);
        Ok(Self { presigner, http })
    }

    pub fn presigner(&self) -> &Presigner {
        &self.presigner
    }

    /// One request through a fresh 60 s URL, answered (body read) within `timeout`.
    pub async fn send(
        &self,
        operation: Operation<'_>,
        key: &str,
        body: Vec<u8>,
        timeout: Duration,
    ) -> Result<S3Answer, ApiError> {
        use http_body_util::BodyExt;
        let op = operation.name();
        let url = self
            .presigner
            .presign(
                operation,
                key,
                Duration::from_secs(60),
                std::time::SystemTime::now(),
            )
            .await
            .map_err(|e| backend(op, e))?;
        let mut req = http::Request::builder().method(operation.method()).uri(url);
        for (name, value) in operation.headers() {
            req = req.header(*name, *value);
        }
        let req = req
            .body(http_body_util::Full::new(bytes::Bytes::from(body)))
            .map_err(|e| backend(op, e))?;
        let call = async {
            let resp = self.http.request(req).await.map_err(|e| backend(op, e))?;
            let (parts, body) = resp.into_parts();
            let body = body.collect().await.map_err(|e| backend(op, e))?.to_bytes();
            Ok::<_, ApiError>((parts.status.as_u16(), parts.headers, body))
        };
        tokio::time::timeout(timeout, call)
            .await
            .map_err(|_| backend(op, "timed out"))?
    }
}
