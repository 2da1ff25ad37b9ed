//! The POD bucket. [`PodUrls`]: presigned uploads (type and size pinned in the signature) and
//! short-lived downloads, signed without the S3 client. [`PodFiles`] (create-pod): checks of
//! what was uploaded, direct writes for multipart clients, through presigned URLs too.
//!
//! Uploads go under `incoming/` ([`INCOMING`]); a lifecycle rule (template.yaml) expires what
//! is left there after a day. Making a POD copies the checked version of each file to its
//! final key (`pod/...`, the same path without the prefix), to which no upload URL is ever
//! issued, and records the copy's version id; every read is signed for that version. So a
//! second PUT to an old upload URL lands in `incoming/` and changes no delivered order's proof.

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
    s3: crate::s3_http::S3Http,
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
    /// `x-amz-version-id` (the bucket is versioned).
    pub version: Option<String>,
}

/// The version id S3 answered with; a versioned bucket always sends one.
fn version_of(op: &'static str, headers: &http::HeaderMap) -> Result<String, ApiError> {
    headers
        .get("x-amz-version-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && *v != "null")
        .map(str::to_string)
        .ok_or_else(|| backend(op, "no x-amz-version-id: is the bucket versioned?"))
}

/// What a failing file store answers (503), logged with the operation and its cause.
pub(crate) fn backend(op: &'static str, e: impl std::fmt::Debug) -> ApiError {
    tracing::error!(operation = op, error = ?e, "S3 request failed");
    ApiError::Unavailable("The file store is unavailable; retry shortly.".into())
}

impl PodFiles {
    pub fn new(urls: PodUrls) -> Result<Self, std::io::Error> {
        Ok(Self {
            s3: crate::s3_http::S3Http::new(urls.0)?,
        })
    }

    /// One request through a fresh presigned URL: its status and headers (HEAD has no body;
    /// PUT's is empty on success).
    async fn send(
        &self,
        operation: Operation<'_>,
        key: &str,
        body: Vec<u8>,
    ) -> Result<(u16, http::HeaderMap), ApiError> {
        let (status, headers, _) = self.s3.send(operation, key, body, S3_TIMEOUT).await?;
        Ok((status, headers))
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
                version: version_of("HeadObject", &headers).ok(),
            })),
            404 => Ok(None),
            status => Err(backend("HeadObject", format!("status {status}"))),
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

    /// Copies one version of `source` to `dest` (server side: CopyObject through a presigned
    /// PUT with `x-amz-copy-source`); returns the copy's version id.
    pub async fn copy(&self, source: &str, version: &str, dest: &str) -> Result<String, ApiError> {
        let copy_source = copy_source(self.s3.presigner().bucket(), source, version);
        // The copy reads the source with this function's permissions.
        cargoflow_aws::calls::record_presigned("GET", self.s3.presigner().bucket(), source);
        let headers = [("x-amz-copy-source", copy_source.as_str())];
        let (status, headers) = self
            .send(Operation::Put { headers: &headers }, dest, vec![])
            .await?;
        match status {
            200..=299 => version_of("CopyObject", &headers),
            status => Err(backend("CopyObject", format!("status {status}"))),
        }
    }

    /// Writes a file the function received itself (the multipart form); returns its version.
    pub async fn put(
        &self,
        key: &str,
        spec: &PodFileSpec,
        bytes: Vec<u8>,
    ) -> Result<String, ApiError> {
        let size = bytes.len().to_string();
        let headers = [
            ("content-type", spec.content_type),
            ("content-length", size.as_str()),
        ];
        let (status, headers) = self
            .send(Operation::Put { headers: &headers }, key, bytes)
            .await?;
        match status {
            200..=299 => version_of("PutObject", &headers),
            status => Err(backend("PutObject", format!("status {status}"))),
        }
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

    /// A short-lived GET URL, of `version` when given (`versionId` is in the signature).
    pub async fn presign_get(
        &self,
        key: &str,
        version: Option<&str>,
        ttl_secs: u64,
        now: OffsetDateTime,
    ) -> Result<String, ApiError> {
        let operation = match version {
            Some(v) => Operation::GetVersion(v),
            None => Operation::Get,
        };
        self.0
            .presign(
                operation,
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
        // create-pod-uploads hands out incoming/ keys only.
        let inc = files()
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
        let url = files()
            .presign_get("pod/a/b/photo-x.jpg", None, 300, now)
            .await
            .unwrap();
        assert_eq!(query(&url)["X-Amz-Expires"], "300");
        let url = files()
            .presign_get("pod/a/b/photo-x.jpg", None, 86_400, now)
            .await
            .unwrap();
        assert_eq!(query(&url)["X-Amz-Expires"], "900");
    }

    /// moto does not check signatures: the version a read is for must be in the signed URL.
    #[tokio::test]
    async fn reads_are_signed_for_the_recorded_version() {
        let now = OffsetDateTime::now_utc();
        let url = files()
            .presign_get("pod/a/b/photo-x.jpg", Some("v.1_a"), 300, now)
            .await
            .unwrap();
        let q = query(&url);
        assert_eq!(q["versionId"], "v.1_a");
        assert!(q.contains_key("X-Amz-Signature"));
        let plain = files()
            .presign_get("pod/a/b/photo-x.jpg", None, 300, now)
            .await
            .unwrap();
        assert!(!query(&plain).contains_key("versionId"));
        // Same time, same key: only the version differs, so the signatures must.
        assert_ne!(q["X-Amz-Signature"], query(&plain)["X-Amz-Signature"]);
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
