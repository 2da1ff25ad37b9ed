//! Proof of delivery: the rules for the photo and signature files (types, sizes, where they
//! live in the bucket) and the POD record written with the DELIVERED move.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::*;
use crate::orders::OrderId;

/// The image types a POD file may have.
pub const ALLOWED_CONTENT_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];
/// Longest lifetime of a presigned upload or download URL (15 minutes).
pub const MAX_URL_SECS: u64 = 900;
pub const RECEIVER_NAME_MAX: usize = 120;
pub const NOTES_MAX: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PodFileKind {
    Photo,
    Signature,
}

impl PodFileKind {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "photo" => Some(Self::Photo),
            "signature" => Some(Self::Signature),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Photo => "photo",
            Self::Signature => "signature",
        }
    }
    /// The largest file accepted: 10 MB for a photo, 1 MB for a signature.
    pub fn max_bytes(self) -> u64 {
        match self {
            Self::Photo => 10 * 1024 * 1024,
            Self::Signature => 1024 * 1024,
        }
    }
}

/// A file the driver is about to upload, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodFileSpec {
    pub kind: PodFileKind,
    pub content_type: &'static str,
    pub size: u64,
}

/// Why a declared or stored file is refused.
pub fn check_file(kind: PodFileKind, content_type: &str, size: i64) -> Result<PodFileSpec, String> {
    let ct = content_type.trim().to_ascii_lowercase();
    let content_type = ALLOWED_CONTENT_TYPES
        .iter()
        .find(|t| **t == ct)
        .ok_or_else(|| format!("must be one of {}", ALLOWED_CONTENT_TYPES.join(", ")))?;
    if size <= 0 {
        return Err("must be a positive number of bytes".into());
    }
    let size = size as u64;
    if size > kind.max_bytes() {
        return Err(format!(
            "must be at most {} bytes for a {}",
            kind.max_bytes(),
            kind.as_str()
        ));
    }
    Ok(PodFileSpec {
        kind,
        content_type,
        size,
    })
}

/// The image type the bytes really are (by their magic numbers), if an allowed one.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The file name's extension for an allowed type.
pub fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/webp" => "webp",
        _ => "jpg",
    }
}

/// Every POD object of an order lives under this prefix.
pub fn order_prefix(tenant: &TenantId, order: &OrderId) -> String {
    format!("pod/{tenant}/{order}/")
}

/// A fresh object key: the order's prefix, the kind and a random (ULID) name.
pub fn new_object_key(tenant: &TenantId, order: &OrderId, spec: &PodFileSpec) -> String {
    format!(
        "{}{}-{}.{}",
        order_prefix(tenant, order),
        spec.kind.as_str(),
        ulid::Ulid::new(),
        extension(spec.content_type)
    )
}

/// Is `key` a key [`new_object_key`] could have made for this order and kind? Anything else
/// (another order's prefix, path tricks, another kind) is refused before S3 is asked.
pub fn key_is_for(tenant: &TenantId, order: &OrderId, kind: PodFileKind, key: &str) -> bool {
    let Some(name) = key.strip_prefix(&order_prefix(tenant, order)) else {
        return false;
    };
    let Some(rest) = name
        .strip_prefix(kind.as_str())
        .and_then(|r| r.strip_prefix('-'))
    else {
        return false;
    };
    let Some((id, ext)) = rest.split_once('.') else {
        return false;
    };
    ulid::Ulid::from_string(id).is_ok() && matches!(ext, "jpg" | "png" | "webp")
}

/// A proof of delivery, as stored with the order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Pod {
    pub order_id: OrderId,
    pub receiver_name: String,
    pub notes: Option<String>,
    pub photo_key: Option<String>,
    pub signature_key: Option<String>,
    /// The S3 version of the photo / signature the POD was made with: every read is signed
    /// for that version, so a later PUT to the same key cannot change the proof (none on PODs
    /// recorded before versions were).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_version: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub delivered_at: OffsetDateTime,
    pub created_by: UserId,
}

/// What the order detail shows of a POD (the files through GET .../pod).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PodSummary {
    pub receiver_name: String,
    pub notes: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub delivered_at: OffsetDateTime,
    pub has_photo: bool,
    pub has_signature: bool,
}

impl From<&Pod> for PodSummary {
    fn from(p: &Pod) -> Self {
        Self {
            receiver_name: p.receiver_name.clone(),
            notes: p.notes.clone(),
            delivered_at: p.delivered_at,
            has_photo: p.photo_key.is_some(),
            has_signature: p.signature_key.is_some(),
        }
    }
}

/// Trims and bounds the receiver's name (required) and the notes (optional).
pub fn check_texts(
    receiver_name: &str,
    notes: Option<&str>,
) -> Result<(String, Option<String>), (&'static str, String)> {
    let name = receiver_name.trim();
    if name.is_empty() {
        return Err(("receiver_name", "is required".into()));
    }
    if name.chars().count() > RECEIVER_NAME_MAX || name.chars().any(char::is_control) {
        return Err((
            "receiver_name",
            format!("must be at most {RECEIVER_NAME_MAX} printable characters"),
        ));
    }
    let notes = notes.map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = notes
        && n.chars().count() > NOTES_MAX
    {
        return Err(("notes", format!("must be at most {NOTES_MAX} characters")));
    }
    Ok((name.to_string(), notes.map(str::to_string)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> (TenantId, OrderId) {
        (TenantId::generate(), OrderId::generate())
    }

    #[test]
    fn file_rules() {
        assert!(check_file(PodFileKind::Photo, "image/jpeg", 1).is_ok());
        assert!(check_file(PodFileKind::Photo, "IMAGE/PNG ", 10 * 1024 * 1024).is_ok());
        assert!(check_file(PodFileKind::Photo, "image/webp", 10 * 1024 * 1024 + 1).is_err());
        assert!(check_file(PodFileKind::Signature, "image/png", 1024 * 1024 + 1).is_err());
        assert!(check_file(PodFileKind::Photo, "image/gif", 10).is_err());
        assert!(check_file(PodFileKind::Photo, "text/html", 10).is_err());
        assert!(check_file(PodFileKind::Photo, "image/jpeg", 0).is_err());
        assert!(check_file(PodFileKind::Photo, "image/jpeg", -5).is_err());
    }

    #[test]
    fn keys_stay_under_the_order_prefix() {
        let (t, o) = ids();
        let spec = check_file(PodFileKind::Photo, "image/png", 100).unwrap();
        let key = new_object_key(&t, &o, &spec);
        assert!(key.starts_with(&format!("pod/{t}/{o}/photo-")));
        assert!(key.ends_with(".png"));
        assert!(key_is_for(&t, &o, PodFileKind::Photo, &key));
        assert!(!key_is_for(&t, &o, PodFileKind::Signature, &key));
        let (t2, o2) = ids();
        assert!(!key_is_for(&t2, &o, PodFileKind::Photo, &key));
        assert!(!key_is_for(&t, &o2, PodFileKind::Photo, &key));
        let prefix = order_prefix(&t, &o);
        for bad in [
            format!("{prefix}photo-../../x.png"),
            format!("{prefix}photo-{}.gif", ulid::Ulid::new()),
            format!("{prefix}photo-{}.png/extra", ulid::Ulid::new()),
            format!("{prefix}photo-notaulid.png"),
            "photo.png".to_string(),
        ] {
            assert!(!key_is_for(&t, &o, PodFileKind::Photo, &bad), "{bad}");
        }
    }

    #[test]
    fn sniffs_image_types() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"<svg xmlns="), None);
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn texts() {
        assert_eq!(
            check_texts("  Ravi  ", Some("  ")).unwrap(),
            ("Ravi".to_string(), None)
        );
        assert_eq!(check_texts(" ", None).unwrap_err().0, "receiver_name");
        assert_eq!(
            check_texts(&"x".repeat(121), None).unwrap_err().0,
            "receiver_name"
        );
        assert_eq!(
            check_texts("a", Some(&"n".repeat(1001))).unwrap_err().0,
            "notes"
        );
    }
}
