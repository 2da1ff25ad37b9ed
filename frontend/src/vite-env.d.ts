/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** See .env.example. Empty string means "same origin". */
  readonly VITE_API_BASE_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
