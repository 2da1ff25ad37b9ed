//! Presigned URLs for the POD bucket, signed with `aws-sigv4` (the signer the AWS SDK itself
//! uses) instead of through the S3 client: no function links the S3 client, its checksum and
//! XML code (~0.8-1 MB of each POD function's zip; docs/PERFORMANCE.md). The URL-only
//! functions (create-pod-uploads, get-pod, get-tracking) hand them out; create-pod sends its
//! HEAD and PUT through them itself (crate::pod_files). The URLs are the ones the
//! SDK's presigner makes, byte for byte: the tests below sign the same requests both ways and
//! compare (virtual-hosted and path-style, with and without a session token).
//!
//! The endpoint comes from `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` (what the SDK reads),
//! else `https://s3.<region>.amazonaws.com`; buckets go in the host name unless
//! `S3_FORCE_PATH_STYLE` (as the S3 client's `force_path_style`).

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{
    PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;

#[derive(Debug, thiserror::Error)]
pub enum PresignError {
    #[error("no AWS credentials: {0}")]
    Credentials(String),
    #[error("no AWS region configured")]
    Region,
    #[error("object key {0:?} has characters outside [A-Za-z0-9/._-]")]
    Key(String),
    #[error("bad S3 endpoint {0:?}")]
    Endpoint(String),
    #[error("signing: {0}")]
    Signing(String),
}

/// Where the bucket's objects are addressed, and who signs.
#[derive(Clone, Debug)]
pub struct Presigner {
    credentials: SharedCredentialsProvider,
    region: String,
    bucket: String,
    /// `scheme://host[:port]`, no trailing slash.
    endpoint: url::Url,
    path_style: bool,
}

/// What one URL allows: `GET` (of the current object, or of one version: `versionId` is
/// signed into the URL, so it can never read another), `HEAD`, or `PUT` (with its headers
/// pinned).
#[derive(Clone, Copy)]
pub enum Operation<'a> {
    Get,
    GetVersion(&'a str),
    Head,
    Put { headers: &'a [(&'a str, &'a str)] },
}

impl<'a> Operation<'a> {
    pub fn method(self) -> &'static str {
        match self {
            Operation::Get | Operation::GetVersion(_) => "GET",
            Operation::Head => "HEAD",
            Operation::Put { .. } => "PUT",
        }
    }

    /// S3's operation name (the SDK's `x-id` parameter).
    pub fn name(self) -> &'static str {
        match self {
            Operation::Get | Operation::GetVersion(_) => "GetObject",
            Operation::Head => "HeadObject",
            Operation::Put { .. } => "PutObject",
        }
    }

    /// The headers signed into the URL (the request must send exactly these).
    pub fn headers(self) -> &'a [(&'a str, &'a str)] {
        match self {
            Operation::Put { headers } => headers,
            Operation::Get | Operation::GetVersion(_) | Operation::Head => &[],
        }
    }
}

impl Presigner {
    pub fn new(
        credentials: SharedCredentialsProvider,
        region: impl Into<String>,
        bucket: impl Into<String>,
        endpoint: Option<&str>,
        path_style: bool,
    ) -> Result<Self, PresignError> {
        let region = region.into();
        let raw = match endpoint.filter(|e| !e.is_empty()) {
            Some(e) => e.trim_end_matches('/').to_string(),
            None => format!("https://s3.{region}.amazonaws.com"),
        };
        let endpoint = url::Url::parse(&raw).map_err(|_| PresignError::Endpoint(raw.clone()))?;
        if endpoint.host_str().is_none() {
            return Err(PresignError::Endpoint(raw));
        }
        Ok(Self {
            credentials,
            region,
            bucket: bucket.into(),
            endpoint,
            path_style,
        })
    }

    /// From the function's SDK configuration: its credentials chain and region; the
    /// endpoint from `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`, as the SDK reads it.
    pub fn from_sdk(
        sdk: &cargoflow_aws::SdkConfig,
        bucket: String,
        path_style: bool,
    ) -> Result<Self, PresignError> {
        let credentials = sdk
            .credentials_provider()
            .ok_or_else(|| PresignError::Credentials("no provider".into()))?;
        let region = sdk.region().ok_or(PresignError::Region)?.to_string();
        let endpoint = std::env::var("AWS_ENDPOINT_URL_S3")
            .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
            .ok();
        Self::new(credentials, region, bucket, endpoint.as_deref(), path_style)
    }

    /// The bucket's name (a copy's `x-amz-copy-source` starts with it).
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The object's URL before signing, with the SDK's `x-id` parameter (and `versionId`).
    fn object_url(
        &self,
        key: &str,
        x_id: &str,
        version: Option<&str>,
    ) -> Result<String, PresignError> {
        if key.is_empty()
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-'))
        {
            return Err(PresignError::Key(key.to_string()));
        }
        let scheme = self.endpoint.scheme();
        let host = self.endpoint.host_str().unwrap_or_default();
        let port = self
            .endpoint
            .port()
            .map(|p| format!(":{p}"))
            .unwrap_or_default();
        // Bucket names with dots cannot be virtual-hosted over TLS: the SDK turns to path style.
        let path_style = self.path_style
            || (self.bucket.contains('.') && scheme == "https")
            || host.parse::<std::net::IpAddr>().is_ok();
        let base = self.endpoint.path().trim_end_matches('/');
        let query = match version {
            Some(v) => format!(
                "versionId={}&x-id={x_id}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            ),
            None => format!("x-id={x_id}"),
        };
        Ok(if path_style {
            format!(
                "{scheme}://{host}{port}{base}/{}/{key}?{query}",
                self.bucket
            )
        } else {
            format!(
                "{scheme}://{}.{host}{port}{base}/{key}?{query}",
                self.bucket
            )
        })
    }

    /// A URL for `operation` on `key`, valid `ttl` from `now`.
    pub async fn presign(
        &self,
        operation: Operation<'_>,
        key: &str,
        ttl: Duration,
        now: SystemTime,
    ) -> Result<String, PresignError> {
        let (method, headers) = (operation.method(), operation.headers());
        let version = match operation {
            Operation::GetVersion(v) => Some(v),
            _ => None,
        };
        let url = self.object_url(key, operation.name(), version)?;
        // Whoever uses the URL acts with this function's permissions.
        cargoflow_aws::calls::record_presigned(method, &self.bucket, key);
        let credentials = self
            .credentials
            .provide_credentials()
            .await
            .map_err(|e| PresignError::Credentials(e.to_string()))?;
        let mut settings = SigningSettings::default();
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(ttl);
        // S3's rules (as the SDK's S3 signer): keys are not double-encoded nor normalised.
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        let identity = credentials.into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name("s3")
            .time(now)
            .settings(settings)
            .build()
            .map_err(|e| PresignError::Signing(e.to_string()))?
            .into();
        let request = SignableRequest::new(
            method,
            Cow::Borrowed(url.as_str()),
            headers.iter().copied(),
            SignableBody::UnsignedPayload,
        )
        .map_err(|e| PresignError::Signing(e.to_string()))?;
        let (instructions, _) = sign(request, &params)
            .map_err(|e| PresignError::Signing(e.to_string()))?
            .into_parts();
        let mut signed = url::Url::parse(&url).map_err(|_| PresignError::Endpoint(url.clone()))?;
        {
            let mut query = signed.query_pairs_mut();
            for (name, value) in instructions.params() {
                query.append_pair(name, value);
            }
        }
        Ok(signed.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;
    use aws_sdk_s3::presigning::PresigningConfig;
    use std::collections::BTreeMap;

    fn creds(token: Option<&str>) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_string),
            None,
            "test",
        )
    }

    fn sdk_client(c: Credentials, endpoint: Option<&str>, path_style: bool) -> aws_sdk_s3::Client {
        let mut b = aws_sdk_s3::config::Builder::new()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("eu-west-1"))
            .credentials_provider(c)
            .force_path_style(path_style);
        if let Some(e) = endpoint {
            b = b.endpoint_url(e);
        }
        aws_sdk_s3::Client::from_conf(b.build())
    }

    fn ours(c: Credentials, endpoint: Option<&str>, path_style: bool) -> Presigner {
        Presigner::new(
            SharedCredentialsProvider::new(c),
            "eu-west-1",
            "pod-bucket",
            endpoint,
            path_style,
        )
        .unwrap()
    }

    /// Host, path and every query parameter (the signature among them).
    fn parts(u: &str) -> (String, String, BTreeMap<String, String>) {
        let u = url::Url::parse(u).unwrap();
        (
            format!("{}://{}", u.scheme(), u.host_str().unwrap_or(""))
                + &u.port().map(|p| format!(":{p}")).unwrap_or_default(),
            u.path().to_string(),
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    const KEY: &str = "pod/01JD3Q6Z8X4M2N7P5R9S1T3V5W/01JD3Q6Z8X4M2N7P5R9S1T3V5X/photo-01JD3Q6Z8X4M2N7P5R9S1T3V5Y.jpg";

    async fn same_as_sdk(token: Option<&str>, endpoint: Option<&str>, path_style: bool) {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        let ttl = Duration::from_secs(600);
        let sdk = sdk_client(creds(token), endpoint, path_style);
        let me = ours(creds(token), endpoint, path_style);
        let config = || {
            PresigningConfig::builder()
                .start_time(now)
                .expires_in(ttl)
                .build()
                .unwrap()
        };
        let theirs = sdk
            .put_object()
            .bucket("pod-bucket")
            .key(KEY)
            .content_type("image/jpeg")
            .content_length(123_456)
            .presigned(config())
            .await
            .unwrap()
            .uri()
            .to_string();
        let mine = me
            .presign(
                Operation::Put {
                    headers: &[("content-type", "image/jpeg"), ("content-length", "123456")],
                },
                KEY,
                ttl,
                now,
            )
            .await
            .unwrap();
        assert_eq!(
            parts(&mine),
            parts(&theirs),
            "PUT\n ours {mine}\n sdk  {theirs}"
        );
        let theirs = sdk
            .get_object()
            .bucket("pod-bucket")
            .key(KEY)
            .presigned(config())
            .await
            .unwrap()
            .uri()
            .to_string();
        let mine = me.presign(Operation::Get, KEY, ttl, now).await.unwrap();
        assert_eq!(
            parts(&mine),
            parts(&theirs),
            "GET\n ours {mine}\n sdk  {theirs}"
        );
        let version = "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY_";
        let theirs = sdk
            .get_object()
            .bucket("pod-bucket")
            .key(KEY)
            .version_id(version)
            .presigned(config())
            .await
            .unwrap()
            .uri()
            .to_string();
        let mine = me
            .presign(Operation::GetVersion(version), KEY, ttl, now)
            .await
            .unwrap();
        assert_eq!(
            parts(&mine),
            parts(&theirs),
            "GET version\n ours {mine}\n sdk  {theirs}"
        );
        assert_eq!(parts(&mine).2["versionId"], version);
    }

    #[tokio::test]
    async fn virtual_hosted_on_aws_matches_the_sdk() {
        same_as_sdk(None, None, false).await;
    }

    #[tokio::test]
    async fn session_tokens_are_signed_as_the_sdk_does() {
        same_as_sdk(Some("IQoJb3JpZ2luX2VjE+/token=="), None, false).await;
    }

    #[tokio::test]
    async fn path_style_on_a_local_endpoint_matches_the_sdk() {
        same_as_sdk(None, Some("http://127.0.0.1:14566"), true).await;
    }

    #[tokio::test]
    async fn an_ip_endpoint_is_path_style_as_in_the_sdk() {
        same_as_sdk(None, Some("http://127.0.0.1:14566"), false).await;
    }

    #[tokio::test]
    async fn a_named_endpoint_is_virtual_hosted_as_in_the_sdk() {
        same_as_sdk(None, Some("http://localhost.localstack.cloud:4566"), false).await;
    }

    #[tokio::test]
    async fn path_style_on_aws_matches_the_sdk() {
        same_as_sdk(None, None, true).await;
    }

    #[tokio::test]
    async fn keys_outside_the_safe_set_are_refused() {
        let me = ours(creds(None), None, false);
        let now = SystemTime::now();
        for key in ["", "a b.jpg", "a?b", "ä.jpg", "a%2F"] {
            assert!(
                me.presign(Operation::Get, key, Duration::from_secs(60), now)
                    .await
                    .is_err(),
                "{key:?}"
            );
        }
    }
}
