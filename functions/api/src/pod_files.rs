//! The POD bucket. [`PodUrls`]: presigned uploads (type and size pinned in the signature) and
//! short-lived downloads, signed without the S3 client. [`PodFiles`] (create-pod): checks of
//! what was uploaded, direct writes for multipart clients, through presigned URLs too.

use std::time::Duration;

use cargoflow_domain::pod::{self, PodFileKind, PodFileSpec};
use cargoflow_http::ApiError;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::presigner::{Operation, Presigner};

/// create-pod's side of the bucket: HEAD of uploaded files and PUT of multipart ones, sent
/// through presigned URLs (the S3 client is not linked: crate::presigner) over the HTTPS stack
/// the AWS SDK uses (hyper, rustls with aws-lc, the system's roots).
pub struct PodFiles {
    urls: PodUrls,
    http: HttpClient,
}

type HttpClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    http_body_util::Full<bytes::Bytes>,
>;

/// How long one S3 request may take (a POD file is at most 10 MB).
const S3_TIMEOUT: Duration = Duration::from_secs(20);

/// One presigned upload: PUT the file's bytes to `url` with exactly `headers`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PresignedUpload {
    pub kind: PodFileKind,
    /// Pass this key to POST .../pod once uploaded.
    pub key: String,
    pub url: String,
    /// Always PUT.
    pub method: &'static str,
    /// The headers signed into the URL (the body must also be exactly the declared size).
    pub headers: std::collections::BTreeMap<String, String>,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// What S3 says about an uploaded object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub content_type: String,
    pub size: i64,
}

/// What a failing file store answers (503), logged with the operation and its cause.
pub(crate) fn backend(op: &'static str, e: impl std::fmt::Debug) -> ApiError {
    tracing::error!(operation = op, error = ?e, "S3 request failed");
    ApiError::Unavailable("The file store is unavailable; retry shortly.".into())
}

impl PodFiles {
    pub fn new(urls: PodUrls) -> Result<Self, std::io::Error> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())?
            .https_or_http()
            .enable_http1()
            .build();
        let http =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(https);
        Ok(Self { urls, http })
    }

    /// One request through a fresh 60 s URL: its status and headers (HEAD has no body; PUT's
    /// is empty on success).
    async fn send(
        &self,
        operation: Operation<'_>,
        key: &str,
        body: Vec<u8>,
    ) -> Result<(u16, http::HeaderMap), ApiError> {
        let op = operation.name();
        let url = self
            .urls
            .0
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
        match tokio::time::timeout(S3_TIMEOUT, self.http.request(req)).await {
            Ok(Ok(resp)) => {
                let (parts, _) = resp.into_parts();
                Ok((parts.status.as_u16(), parts.headers))
            }
            Ok(Err(e)) => Err(backend(op, e)),
            Err(_) => Err(backend(op, "timed out")),
        }
    }

    /// The object's type and size, or None when it is not there.
    pub async fn head(&self, key: &str) -> Result<Option<StoredObject>, ApiError> {
        let (status, headers) = self.send(Operation::Head, key, vec![]).await?;
        let header = |name: http::header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        match status {
            200 => Ok(Some(StoredObject {
                content_type: header(http::header::CONTENT_TYPE),
                size: header(http::header::CONTENT_LENGTH).parse().unwrap_or(0),
            })),
            404 => Ok(None),
            status => Err(backend("HeadObject", format!("status {status}"))),
        }
    }

    /// Checks an uploaded file against the POD rules: under this order's prefix, present, an
    /// allowed type, within the kind's size.
    pub async fn check_uploaded(
        &self,
        tenant: &cargoflow_domain::TenantId,
        order: &cargoflow_domain::OrderId,
        kind: PodFileKind,
        field: &'static str,
        key: &str,
    ) -> Result<(), ApiError> {
        if !pod::key_is_for(tenant, order, kind, key) {
            return Err(ApiError::field(
                field,
                "is not an upload key issued for this order",
            ));
        }
        let Some(obj) = self.head(key).await? else {
            return Err(ApiError::field(field, "has not been uploaded"));
        };
        pod::check_file(kind, &obj.content_type, obj.size)
            .map(|_| ())
            .map_err(|reason| ApiError::field(field, format!("the uploaded file {reason}")))
    }

    /// Writes a file the function received itself (the multipart form).
    pub async fn put(&self, key: &str, spec: &PodFileSpec, bytes: Vec<u8>) -> Result<(), ApiError> {
        let size = bytes.len().to_string();
        let headers = [
            ("content-type", spec.content_type),
            ("content-length", size.as_str()),
        ];
        let (status, _) = self
            .send(Operation::Put { headers: &headers }, key, bytes)
            .await?;
        match status {
            200..=299 => Ok(()),
            status => Err(backend("PutObject", format!("status {status}"))),
        }
    }
}

/// The bucket's presigned URLs (no S3 client: see crate::presigner).
pub struct PodUrls(pub Presigner);

impl PodUrls {
    pub async fn presign_upload(
        &self,
        key: String,
        spec: &PodFileSpec,
        ttl_secs: u64,
        now: OffsetDateTime,
    ) -> Result<PresignedUpload, ApiError> {
        let ttl = ttl_secs.min(pod::MAX_URL_SECS);
        let size = spec.size.to_string();
        let url = self
            .0
            .presign(
                Operation::Put {
                    headers: &[
                        ("content-type", spec.content_type),
                        ("content-length", &size),
                    ],
                },
                &key,
                Duration::from_secs(ttl),
                now.into(),
            )
            .await
            .map_err(|e| backend("presign PutObject", e))?;
        let mut headers = std::collections::BTreeMap::new();
        headers.insert("content-type".to_string(), spec.content_type.to_string());
        Ok(PresignedUpload {
            kind: spec.kind,
            key,
            url,
            method: "PUT",
            headers,
            expires_at: now + time::Duration::seconds(ttl as i64),
        })
    }

    /// A short-lived GET URL.
    pub async fn presign_get(
        &self,
        key: &str,
        ttl_secs: u64,
        now: OffsetDateTime,
    ) -> Result<String, ApiError> {
        self.0
            .presign(
                Operation::Get,
                key,
                Duration::from_secs(ttl_secs.min(pod::MAX_URL_SECS)),
                now.into(),
            )
            .await
            .map_err(|e| backend("presign GetObject", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cargoflow_domain::{OrderId, TenantId};

    fn files() -> PodUrls {
        let creds =
            aws_credential_types::Credentials::new("AKIDEXAMPLE", "secret", None, None, "test");
        PodUrls(
            Presigner::new(
                aws_credential_types::provider::SharedCredentialsProvider::new(creds),
                "eu-west-1",
                "pod-bucket",
                None,
                false,
            )
            .unwrap(),
        )
    }

    fn query(url: &str) -> std::collections::HashMap<String, String> {
        url::Url::parse(url)
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// moto does not check signatures, so the URL's parameters are checked here.
    #[tokio::test]
    async fn uploads_pin_type_size_key_and_expiry() {
        let (t, o) = (TenantId::generate(), OrderId::generate());
        let spec = pod::check_file(PodFileKind::Signature, "image/png", 2048).unwrap();
        let key = pod::new_object_key(&t, &o, &spec);
        let now = OffsetDateTime::now_utc();
        let up = files()
            .presign_upload(key.clone(), &spec, 3600, now)
            .await
            .unwrap();
        assert_eq!(up.method, "PUT");
        assert_eq!(up.headers["content-type"], "image/png");
        let url = url::Url::parse(&up.url).unwrap();
        assert!(
            url.path().contains(&format!("pod/{t}/{o}/signature-")),
            "{}",
            url.path()
        );
        let q = query(&up.url);
        // Asked for an hour: capped at 15 minutes.
        assert_eq!(q["X-Amz-Expires"], "900");
        assert!(up.expires_at <= now + time::Duration::seconds(900));
        let signed: Vec<&str> = q["X-Amz-SignedHeaders"].split(';').collect();
        assert!(signed.contains(&"content-type"), "{signed:?}");
        assert!(signed.contains(&"content-length"), "{signed:?}");
        assert!(signed.contains(&"host"));
        assert_eq!(q["X-Amz-Algorithm"], "AWS4-HMAC-SHA256");
        // No checksum of the (empty) body the presigner saw: S3 would answer BadDigest to the
        // browser's PUT of the real file.
        let checksums: Vec<&String> = q
            .keys()
            .filter(|k| k.to_ascii_lowercase().contains("checksum"))
            .collect();
        assert!(checksums.is_empty(), "{checksums:?} in {}", up.url);
    }

    #[tokio::test]
    async fn downloads_are_short_lived() {
        let now = OffsetDateTime::now_utc();
        let url = files()
            .presign_get("pod/a/b/photo-x.jpg", 300, now)
            .await
            .unwrap();
        assert_eq!(query(&url)["X-Amz-Expires"], "300");
        let url = files()
            .presign_get("pod/a/b/photo-x.jpg", 86_400, now)
            .await
            .unwrap();
        assert_eq!(query(&url)["X-Amz-Expires"], "900");
    }
}
