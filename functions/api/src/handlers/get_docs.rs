//! GET /api/docs/: the API's Swagger UI over /api/schema/. This function answers the page
//! only; Swagger UI's files are static and come with the web apps (/docs-assets/, copied from
//! the pinned `swagger-ui-dist` by frontend/scripts/copy-api-docs.mjs), so they are served by
//! CloudFront from the web bucket in AWS and by the local host from frontend/dist. (Bundled in
//! the binary they made this the one 6.5 MB function.)

use std::sync::Arc;

use cargoflow_http::{ApiError, Body, Request, Response};

use crate::Deps;

const BASE: &str = "/api/docs";

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>CargoFlow API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="/docs-assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs-assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"><p>Loading the API reference&hellip; The machine-readable document is at <a href="/api/schema/">/api/schema/</a>.</p></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script>
<script src="/docs-assets/swagger-ui-standalone-preset.js"></script>
<script src="/docs-assets/init.js"></script>
</body>
</html>
"#;

pub async fn handle(_deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let path = req.uri().path();
    let builder = Response::builder();
    let response = match path.strip_prefix(BASE) {
        // Relative links keep working with the trailing slash.
        Some("") => builder
            .status(308)
            .header("location", format!("{BASE}/"))
            .body(Body::Empty),
        Some("/") | Some("/index.html") => builder
            .status(200)
            .header("content-type", "text/html; charset=utf-8")
            .header("cache-control", "public, max-age=300")
            .body(Body::Text(PAGE.to_string())),
        _ => return Err(ApiError::NotFound("documentation page")),
    };
    response.map_err(|e| ApiError::internal("building response", e))
}
