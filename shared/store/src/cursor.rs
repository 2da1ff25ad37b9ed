//! Opaque pagination cursors: the last evaluated key, encoded. A cursor is only accepted by
//! the query whose partition handed it out, so a tampered cursor cannot wander into another
//! tenant's partition.

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use crate::StoreError;

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Raw {
    k: Vec<(String, String)>,
}

pub fn encode(key: &HashMap<String, AttributeValue>) -> Option<String> {
    let mut k: Vec<(String, String)> = key
        .iter()
        .filter_map(|(name, v)| v.as_s().ok().map(|s| (name.clone(), s.clone())))
        .collect();
    if k.len() != key.len() {
        return None;
    }
    k.sort();
    serde_json::to_vec(&Raw { k }).ok().map(|b| B64.encode(b))
}

/// Decodes a cursor and checks that it lies in `pk` (the partition attribute `pk_attr`) and,
/// when given, that its sort key starts with `sk_prefix`.
pub fn decode(
    cursor: &str,
    pk_attr: &str,
    pk: &str,
    sk_attr: &str,
    sk_prefix: Option<&str>,
) -> Result<HashMap<String, AttributeValue>, StoreError> {
    let bytes = B64
        .decode(cursor.as_bytes())
        .map_err(|_| StoreError::BadCursor)?;
    let raw: Raw = serde_json::from_slice(&bytes).map_err(|_| StoreError::BadCursor)?;
    let map: HashMap<String, String> = raw.k.into_iter().collect();
    if map.get(pk_attr).map(String::as_str) != Some(pk) {
        return Err(StoreError::BadCursor);
    }
    match (map.get(sk_attr), sk_prefix) {
        (Some(sk), Some(prefix)) if !sk.starts_with(prefix) => return Err(StoreError::BadCursor),
        (None, _) => return Err(StoreError::BadCursor),
        _ => {}
    }
    // Exactly the key attributes this query hands out: the table's, plus the index's.
    let mut expected = vec!["PK", "SK"];
    if pk_attr != "PK" {
        expected.extend([pk_attr, sk_attr]);
    }
    if map.len() != expected.len() || !expected.iter().all(|k| map.contains_key(*k)) {
        return Err(StoreError::BadCursor);
    }
    Ok(map
        .into_iter()
        .map(|(k, v)| (k, AttributeValue::S(v)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(pk: &str, sk: &str) -> HashMap<String, AttributeValue> {
        HashMap::from([
            ("PK".into(), AttributeValue::S(pk.into())),
            ("SK".into(), AttributeValue::S(sk.into())),
        ])
    }

    #[test]
    fn round_trip_in_its_own_partition() {
        let c = encode(&key("TENANT#A", "USER#1")).unwrap();
        assert_eq!(
            decode(&c, "PK", "TENANT#A", "SK", Some("USER#")).unwrap(),
            key("TENANT#A", "USER#1")
        );
    }

    #[test]
    fn index_cursors_need_exactly_their_keys() {
        let mut k = key("TENANT#A#ORDER#1", "ORDER");
        k.insert("GSI1PK".into(), AttributeValue::S("TENANT#A#ORDERS".into()));
        k.insert("GSI1SK".into(), AttributeValue::S("1".into()));
        let c = encode(&k).unwrap();
        assert!(decode(&c, "GSI1PK", "TENANT#A#ORDERS", "GSI1SK", None).is_ok());
        let mut extra = k.clone();
        extra.insert("X".into(), AttributeValue::S("y".into()));
        assert!(
            decode(
                &encode(&extra).unwrap(),
                "GSI1PK",
                "TENANT#A#ORDERS",
                "GSI1SK",
                None
            )
            .is_err()
        );
        k.remove("PK");
        assert!(
            decode(
                &encode(&k).unwrap(),
                "GSI1PK",
                "TENANT#A#ORDERS",
                "GSI1SK",
                None
            )
            .is_err()
        );
    }

    #[test]
    fn refused_elsewhere() {
        let c = encode(&key("TENANT#A", "USER#1")).unwrap();
        assert!(decode(&c, "PK", "TENANT#B", "SK", Some("USER#")).is_err());
        assert!(decode(&c, "PK", "TENANT#A", "SK", Some("DRIVER#")).is_err());
        assert!(decode("garbage!", "PK", "TENANT#A", "SK", None).is_err());
        assert!(decode("", "PK", "TENANT#A", "SK", None).is_err());
    }
}
