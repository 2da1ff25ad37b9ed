/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/client" />

interface ImportMetaEnv {
  /** See .env.example. Empty string means "same origin". */
  readonly VITE_API_BASE_URL?: string;
  /** See .env.example. Empty means the API's origin. */
  readonly VITE_WS_BASE_URL?: string;
  /** Map tiles URL template (`{z}/{x}/{y}`); empty turns the base map off. */
  readonly VITE_MAP_TILE_URL?: string;
  readonly VITE_MAP_ATTRIBUTION?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
