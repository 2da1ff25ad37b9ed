//! The objects of CSV import jobs, under `imports/<tenant>/<job>/` in the file bucket (the
//! POD bucket: one bucket, one prefix per purpose, each function granted only its prefix):
//! `input.csv` (written by import-orders, read by the worker) and `report.json` (written by
//! the worker for large jobs, handed out by get-import as a short-lived GET URL). Through the
//! instance's S3 client (crate::Deps::s3), as the POD files.

use std::time::Duration;

use aws_sdk_s3::primitives::ByteStream;
use cargoflow_domain::TenantId;
use cargoflow_http::ApiError;

use crate::pod_files::{backend, presigning, timed};

/// How long one S3 call may take, the SDK's retries included (a CSV is at most a few MB).
const S3_TIMEOUT: Duration = Duration::from_secs(60);

/// The import side of the file bucket (a view of the instance's S3 client:
/// crate::Deps::import_files).
pub struct ImportFiles<'a> {
    s3: &'a aws_sdk_s3::Client,
    bucket: &'a str,
}

pub fn input_key(tenant: &TenantId, job: &str) -> String {
    format!("imports/{tenant}/{job}/input.csv")
}

pub fn report_key(tenant: &TenantId, job: &str) -> String {
    format!("imports/{tenant}/{job}/report.json")
}

impl<'a> ImportFiles<'a> {
    pub fn new(s3: &'a aws_sdk_s3::Client, bucket: &'a str) -> Self {
        Self { s3, bucket }
    }

    pub async fn put(&self, key: &str, content_type: &str, bytes: Vec<u8>) -> Result<(), ApiError> {
        const OP: &str = "PutObject";
        let call = self
            .s3
            .put_object()
            .bucket(self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send();
        timed(OP, S3_TIMEOUT, call)
            .await?
            .map(|_| ())
            .map_err(|e| backend(OP, e))
    }

    /// The object's bytes, or None when it is not there.
    pub async fn get(&self, key: &str) -> Result<Option<bytes::Bytes>, ApiError> {
        const OP: &str = "GetObject";
        let call = async {
            match self
                .s3
                .get_object()
                .bucket(self.bucket)
                .key(key)
                .send()
                .await
            {
                Ok(out) => match out.body.collect().await {
                    Ok(body) => Ok(Some(body.into_bytes())),
                    Err(e) => Err(backend(OP, e)),
                },
                Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => Ok(None),
                Err(e) => Err(backend(OP, e)),
            }
        };
        timed(OP, S3_TIMEOUT, call).await?
    }

    /// A short-lived download URL.
    pub async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, ApiError> {
        const OP: &str = "presign GetObject";
        Ok(self
            .s3
            .get_object()
            .bucket(self.bucket)
            .key(key)
            .presigned(presigning(OP, std::time::SystemTime::now(), ttl)?)
            .await
            .map_err(|e| backend(OP, e))?
            .uri()
            .to_string())
    }
}
