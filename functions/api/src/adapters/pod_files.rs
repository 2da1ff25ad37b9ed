//! The POD bucket through the instance's S3 client (aws-sdk-s3, built once: crate::Deps::s3):
//! presigned uploads (type and size signed into the URL) and short-lived downloads, the checks
//! of what was uploaded (HeadObject), the copy out of `incoming/` (CopyObject) and the writes of
//! multipart files (PutObject). Failures after the SDK's retries answer 503.
//!
//! Uploads go under `incoming/` ([`INCOMING`]); a lifecycle rule (template.yaml) expires what
//! is left there after a day. Making a POD copies the checked version of each file to its
//! final key (`pod/...`, the same path without the prefix), to which no upload URL is ever
//! issued, and records the copy's version id; every read is signed for that version. So a
//! second PUT to an old upload URL lands in `incoming/` and changes no delivered order's proof.

use std::time::{Duration, SystemTime};

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use cargoflow_domain::pod::{self, PodFileKind, PodFileSpec};
use cargoflow_http::ApiError;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// The POD side of the file bucket (a view of the instance's S3 client: crate::Deps::pod_files).
pub struct PodFiles<'a> {
    s3: &'a aws_sdk_s3::Client,
    bucket: &'a str,
}

/// The prefix every presigned upload goes under (expired by a lifecycle rule unless copied
/// out by a POD).
pub const INCOMING: &str = "incoming/";

/// The upload key of a final POD key.
pub fn incoming_key(final_key: &str) -> String {
    format!("{INCOMING}{final_key}")
}

/// The final key of an upload key (`None`: not an upload key).
pub fn final_key(key: &str) -> Option<&str> {
    key.strip_prefix(INCOMING)
}

/// How long one S3 call may take, the SDK's retries included (a POD file is at most 10 MB).
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
    /// `x-amz-version-id` (the bucket is versioned).
    pub version: Option<String>,
}

/// A version id as S3 answers it: `None` for an unversioned bucket (absent or `null`).
fn version_id(v: Option<&str>) -> Option<String> {
    v.filter(|v| !v.is_empty() && *v != "null")
        .map(str::to_string)
}

/// The version id of a write; a versioned bucket always answers one.
fn written_version(op: &'static str, v: Option<&str>) -> Result<String, ApiError> {
    version_id(v).ok_or_else(|| backend(op, "no x-amz-version-id: is the bucket versioned?"))
}

/// What a failing file store answers (503), logged with the operation and its cause.
pub(crate) fn backend(op: &'static str, e: impl std::fmt::Debug) -> ApiError {
    tracing::error!(operation = op, error = ?e, "S3 request failed");
    ApiError::Unavailable("The file store is unavailable; retry shortly.".into())
}

/// One S3 call (the SDK retries inside) bounded by `timeout`; a timeout is a failure of `op`.
pub(crate) async fn timed<T>(
    op: &'static str,
    timeout: Duration,
    call: impl Future<Output = T>,
) -> Result<T, ApiError> {
    tokio::time::timeout(timeout, call)
        .await
        .map_err(|_| backend(op, "timed out"))
}

/// A presigned URL's validity: `ttl` from `start` (the signing time).
pub(crate) fn presigning(
    op: &'static str,
    start: SystemTime,
    ttl: Duration,
) -> Result<PresigningConfig, ApiError> {
    PresigningConfig::builder()
        .start_time(start)
        .expires_in(ttl)
        .build()
        .map_err(|e| backend(op, e))
}

impl<'a> PodFiles<'a> {
    pub fn new(s3: &'a aws_sdk_s3::Client, bucket: &'a str) -> Self {
        Self { s3, bucket }
    }

    /// A PUT URL for `key` with the file's type and size signed in, valid `ttl_secs` (at most
    /// 15 minutes) from `now`.
    pub async fn presign_upload(
        &self,
        key: String,
        spec: &PodFileSpec,
        ttl_secs: u64,
        now: OffsetDateTime,
    ) -> Result<PresignedUpload, ApiError> {
        const OP: &str = "presign PutObject";
        let ttl = ttl_secs.min(pod::MAX_URL_SECS);
        let size = i64::try_from(spec.size).map_err(|e| backend(OP, e))?;
        let url = self
            .s3
            .put_object()
            .bucket(self.bucket)
            .key(&key)
            .content_type(spec.content_type)
            .content_length(size)
            .presigned(presigning(OP, now.into(), Duration::from_secs(ttl))?)
            .await
            .map_err(|e| backend(OP, e))?
            .uri()
            .to_string();
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

    /// A short-lived GET URL, of `version` when given (`versionId` is in the signature).
    pub async fn presign_get(
        &self,
        key: &str,
        version: Option<&str>,
        ttl_secs: u64,
        now: OffsetDateTime,
    ) -> Result<String, ApiError> {
        const OP: &str = "presign GetObject";
        let ttl = Duration::from_secs(ttl_secs.min(pod::MAX_URL_SECS));
        Ok(self
            .s3
            .get_object()
            .bucket(self.bucket)
            .key(key)
            .set_version_id(version.map(str::to_string))
            .presigned(presigning(OP, now.into(), ttl)?)
            .await
            .map_err(|e| backend(OP, e))?
            .uri()
            .to_string())
    }

    /// The object's type and size, or None when it is not there.
    pub async fn head(&self, key: &str) -> Result<Option<StoredObject>, ApiError> {
        const OP: &str = "HeadObject";
        let call = self.s3.head_object().bucket(self.bucket).key(key).send();
        match timed(OP, S3_TIMEOUT, call).await? {
            Ok(o) => Ok(Some(StoredObject {
                content_type: o.content_type().unwrap_or_default().to_string(),
                size: o.content_length().unwrap_or(0),
                version: version_id(o.version_id()),
            })),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(e) => Err(backend(OP, e)),
        }
    }

    /// Checks an uploaded file against the POD rules: an upload key under this order's prefix
    /// (`incoming/pod/...`; a `pod/...` key of an upload URL issued before uploads moved to
    /// `incoming/` is still taken), present, an allowed type, within the kind's size. Returns
    /// what was checked, with the version the checks were made on.
    pub async fn check_uploaded(
        &self,
        tenant: &cargoflow_domain::TenantId,
        order: &cargoflow_domain::OrderId,
        kind: PodFileKind,
        field: &'static str,
        key: &str,
    ) -> Result<StoredObject, ApiError> {
        if !pod::key_is_for(tenant, order, kind, final_key(key).unwrap_or(key)) {
            return Err(ApiError::field(
                field,
                "is not an upload key issued for this order",
            ));
        }
        let Some(obj) = self.head(key).await? else {
            return Err(ApiError::field(field, "has not been uploaded"));
        };
        pod::check_file(kind, &obj.content_type, obj.size)
            .map_err(|reason| ApiError::field(field, format!("the uploaded file {reason}")))?;
        if obj.version.is_none() {
            return Err(backend(
                "HeadObject",
                "no x-amz-version-id: is the bucket versioned?",
            ));
        }
        Ok(obj)
    }

    /// Copies one version of `source` to `dest` (server side, CopyObject); returns the copy's
    /// version id.
    pub async fn copy(&self, source: &str, version: &str, dest: &str) -> Result<String, ApiError> {
        const OP: &str = "CopyObject";
        let call = self
            .s3
            .copy_object()
            .bucket(self.bucket)
            .key(dest)
            .copy_source(copy_source(self.bucket, source, version))
            .send();
        let out = timed(OP, S3_TIMEOUT, call)
            .await?
            .map_err(|e| backend(OP, e))?;
        written_version(OP, out.version_id())
    }

    /// Writes a file the function received itself (the multipart form); returns its version.
    pub async fn put(
        &self,
        key: &str,
        spec: &PodFileSpec,
        bytes: Vec<u8>,
    ) -> Result<String, ApiError> {
        const OP: &str = "PutObject";
        let call = self
            .s3
            .put_object()
            .bucket(self.bucket)
            .key(key)
            .content_type(spec.content_type)
            .body(ByteStream::from(bytes))
            .send();
        let out = timed(OP, S3_TIMEOUT, call)
            .await?
            .map_err(|e| backend(OP, e))?;
        written_version(OP, out.version_id())
    }
}

/// `x-amz-copy-source`: `bucket/key?versionId=...`, URL-encoded.
fn copy_source(bucket: &str, key: &str, version: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let path: Vec<String> = key.split('/').map(enc).collect();
    format!(
        "{}/{}?versionId={}",
        enc(bucket),
        path.join("/"),
        enc(version)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use cargoflow_domain::{OrderId, TenantId};

    /// A client as Deps builds one, signing with fixed credentials (nothing is sent).
    fn client(endpoint: Option<&str>, path_style: bool) -> aws_sdk_s3::Client {
        let creds =
            aws_sdk_s3::config::Credentials::new("AKIDEXAMPLE", "secret", None, None, "test");
        let mut b = aws_sdk_s3::config::Builder::new()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("eu-west-1"))
            .credentials_provider(creds)
            .force_path_style(path_style);
        if let Some(e) = endpoint {
            b = b.endpoint_url(e);
        }
        aws_sdk_s3::Client::from_conf(b.build())
    }

    fn files(s3: &aws_sdk_s3::Client) -> PodFiles<'_> {
        PodFiles::new(s3, "pod-bucket")
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
        let up = files(&client(None, false))
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
        // create-pod-uploads hands out incoming/ keys only.
        let inc = files(&client(None, false))
            .presign_upload(incoming_key(&key), &spec, 600, now)
            .await
            .unwrap();
        assert!(inc.key.starts_with("incoming/pod/"), "{}", inc.key);
        assert!(
            url::Url::parse(&inc.url)
                .unwrap()
                .path()
                .ends_with(&inc.key)
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
        let url = files(&client(None, false))
            .presign_get("pod/a/b/photo-x.jpg", None, 300, now)
            .await
            .unwrap();
        assert_eq!(query(&url)["X-Amz-Expires"], "300");
        let url = files(&client(None, false))
            .presign_get("pod/a/b/photo-x.jpg", None, 86_400, now)
            .await
            .unwrap();
        assert_eq!(query(&url)["X-Amz-Expires"], "900");
    }

    /// moto does not check signatures: the version a read is for must be in the signed URL.
    #[tokio::test]
    async fn reads_are_signed_for_the_recorded_version() {
        let now = OffsetDateTime::now_utc();
        let url = files(&client(None, false))
            .presign_get("pod/a/b/photo-x.jpg", Some("v.1_a"), 300, now)
            .await
            .unwrap();
        let q = query(&url);
        assert_eq!(q["versionId"], "v.1_a");
        assert!(q.contains_key("X-Amz-Signature"));
        let plain = files(&client(None, false))
            .presign_get("pod/a/b/photo-x.jpg", None, 300, now)
            .await
            .unwrap();
        assert!(!query(&plain).contains_key("versionId"));
        // Same time, same key: only the version differs, so the signatures must.
        assert_ne!(q["X-Amz-Signature"], query(&plain)["X-Amz-Signature"]);
    }

    /// The declared size is in the signature: the same upload of another size is signed
    /// differently (S3 refuses a body whose length differs from the signed one).
    #[tokio::test]
    async fn the_size_and_type_are_in_the_signature() {
        let s3 = client(None, false);
        let now = OffsetDateTime::now_utc();
        let sig = |size: i64, ct: &'static str| {
            let s3 = &s3;
            async move {
                let spec = pod::check_file(PodFileKind::Photo, ct, size).unwrap();
                let up = files(s3)
                    .presign_upload("incoming/pod/t/o/photo-x.jpg".into(), &spec, 600, now)
                    .await
                    .unwrap();
                query(&up.url)["X-Amz-Signature"].clone()
            }
        };
        let base = sig(2048, "image/jpeg").await;
        assert_eq!(base, sig(2048, "image/jpeg").await);
        assert_ne!(base, sig(2049, "image/jpeg").await);
        assert_ne!(base, sig(2048, "image/png").await);
    }

    /// Signed at the time given, not the clock: get-tracking signs from the start of a 5-minute
    /// slot so the URL (and the view's ETag) stays the same for that long.
    #[tokio::test]
    async fn urls_are_signed_at_the_given_time() {
        let s3 = client(None, false);
        let slot = OffsetDateTime::from_unix_timestamp(1_795_000_200).unwrap();
        let first = files(&s3)
            .presign_get("pod/a/b/photo-x.jpg", Some("v1"), 900, slot)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let again = files(&s3)
            .presign_get("pod/a/b/photo-x.jpg", Some("v1"), 900, slot)
            .await
            .unwrap();
        assert_eq!(first, again);
        assert_eq!(query(&first)["X-Amz-Date"], "20261118T111000Z");
    }

    /// Addressing follows the configuration (S3_FORCE_PATH_STYLE and the endpoint), as the
    /// SDK resolves it: path style on moto, virtual-hosted on AWS.
    #[tokio::test]
    async fn path_style_and_endpoint_come_from_the_configuration() {
        let now = OffsetDateTime::now_utc();
        let key = "incoming/pod/t/o/photo-x.jpg";
        let url = |s3: aws_sdk_s3::Client| async move {
            let spec = pod::check_file(PodFileKind::Photo, "image/jpeg", 10).unwrap();
            let up = files(&s3)
                .presign_upload(key.into(), &spec, 600, now)
                .await
                .unwrap();
            let u = url::Url::parse(&up.url).unwrap();
            format!("{}{}", &u[..url::Position::BeforePath], u.path())
        };
        assert_eq!(
            url(client(Some("http://127.0.0.1:14566"), true)).await,
            format!("http://127.0.0.1:14566/pod-bucket/{key}")
        );
        assert_eq!(
            url(client(None, false)).await,
            format!("https://pod-bucket.s3.eu-west-1.amazonaws.com/{key}")
        );
        assert_eq!(
            url(client(None, true)).await,
            format!("https://s3.eu-west-1.amazonaws.com/pod-bucket/{key}")
        );
    }

    #[test]
    fn uploads_live_under_incoming_and_copies_name_their_version() {
        let k = incoming_key("pod/t/o/photo-x.jpg");
        assert_eq!(k, "incoming/pod/t/o/photo-x.jpg");
        assert_eq!(final_key(&k), Some("pod/t/o/photo-x.jpg"));
        assert_eq!(final_key("pod/t/o/photo-x.jpg"), None);
        assert_eq!(
            copy_source("b", "incoming/pod/t/o/p.jpg", "a+b/c"),
            "b/incoming/pod/t/o/p.jpg?versionId=a%2Bb%2Fc"
        );
    }
}
