//! GET /api/docs/: Swagger UI over /api/schema/, its assets bundled in the binary (no CDN).

use std::sync::{Arc, OnceLock};

use cargoflow_http::{ApiError, Body, Request, Response};
use utoipa_swagger_ui::Config;

use crate::Deps;

const BASE: &str = "/api/docs";

fn config() -> Arc<Config<'static>> {
    static CONFIG: OnceLock<Arc<Config<'static>>> = OnceLock::new();
    CONFIG
        .get_or_init(|| Arc::new(Config::new(["/api/schema/"])))
        .clone()
}

pub async fn handle(_deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let path = req.uri().path();
    if path == BASE {
        // Relative asset URLs need the trailing slash.
        return Response::builder()
            .status(308)
            .header("location", format!("{BASE}/"))
            .body(Body::Empty)
            .map_err(|e| ApiError::internal("building response", e));
    }
    let tail = path
        .strip_prefix(BASE)
        .unwrap_or("")
        .trim_start_matches('/');
    let tail = if tail.is_empty() { "index.html" } else { tail };
    match utoipa_swagger_ui::serve(tail, config()) {
        Ok(Some(file)) => Response::builder()
            .status(200)
            .header("content-type", file.content_type)
            .header("cache-control", "public, max-age=3600")
            .body(Body::Binary(file.bytes.into_owned()))
            .map_err(|e| ApiError::internal("building response", e)),
        Ok(None) => Err(ApiError::NotFound("documentation asset")),
        Err(e) => Err(ApiError::internal("swagger ui", e)),
    }
}
