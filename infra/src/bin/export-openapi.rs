//! `export-openapi`: prints the OpenAPI document (`make openapi` writes docs/openapi.json).
fn main() {
    println!("{}", cargoflow_functions::openapi::document_json());
}
