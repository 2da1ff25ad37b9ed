//! The objects of CSV import jobs, under `imports/<tenant>/<job>/` in the file bucket (the
//! POD bucket: one bucket, one prefix per purpose, each function granted only its prefix):
//! `input.csv` (written by import-orders, read by the worker) and `report.json` (written by
//! the worker for large jobs, handed out by get-import as a short-lived GET URL). Like the POD
//! files, sent through presigned URLs over the SDK's HTTPS stack (no S3 client linked).

use std::time::Duration;

use cargoflow_domain::TenantId;
use cargoflow_http::ApiError;

use crate::pod_files::backend;
use crate::presigner::{Operation, Presigner};

/// One S3 request (a CSV is at most a few MB).
const S3_TIMEOUT: Duration = Duration::from_secs(60);

pub struct ImportFiles {
    s3: crate::s3_http::S3Http,
}

pub fn input_key(tenant: &TenantId, job: &str) -> String {
    format!("imports/{tenant}/{job}/input.csv")
}

pub fn report_key(tenant: &TenantId, job: &str) -> String {
    format!("imports/{tenant}/{job}/report.json")
}

impl ImportFiles {
    pub fn new(presigner: Presigner) -> Result<Self, std::io::Error> {
        Ok(Self {
            s3: crate::s3_http::S3Http::new(presigner)?,
        })
    }

    /// One request through a fresh presigned URL: its status and body.
    async fn send(
        &self,
        operation: Operation<'_>,
        key: &str,
        body: Vec<u8>,
    ) -> Result<(u16, bytes::Bytes), ApiError> {
        let (status, _, body) = self.s3.send(operation, key, body, S3_TIMEOUT).await?;
        Ok((status, body))
    }

    pub async fn put(&self, key: &str, content_type: &str, bytes: Vec<u8>) -> Result<(), ApiError> {
        let size = bytes.len().to_string();
        let headers = [
            ("content-type", content_type),
            ("content-length", size.as_str()),
        ];
        match self
            .send(Operation::Put { headers: &headers }, key, bytes)
            .await?
        {
            (200..=299, _) => Ok(()),
            (status, _) => Err(backend("PutObject", format!("status {status}"))),
        }
    }

    /// The object's bytes, or None when it is not there.
    pub async fn get(&self, key: &str) -> Result<Option<bytes::Bytes>, ApiError> {
        match self.send(Operation::Get, key, vec![]).await? {
            (200, body) => Ok(Some(body)),
            (404, _) => Ok(None),
            (status, _) => Err(backend("GetObject", format!("status {status}"))),
        }
    }

    /// A short-lived download URL.
    pub async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, ApiError> {
        self.s3
            .presigner()
            .presign(Operation::Get, key, ttl, std::time::SystemTime::now())
            .await
            .map_err(|e| backend("presign GetObject", e))
    }
}
