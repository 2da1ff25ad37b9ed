/**
 * Map settings from VITE_MAP_* variables. Read without zod on purpose: the
 * tracking page imports this and must stay small. An empty tile URL turns the
 * base map off (markers and the path still draw on a plain background).
 */
const raw = import.meta.env as Record<string, string | undefined>;

const DEFAULT_TILE_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const DEFAULT_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

export const mapConfig = {
  tileUrl: (raw.VITE_MAP_TILE_URL ?? DEFAULT_TILE_URL).trim(),
  attribution: (raw.VITE_MAP_ATTRIBUTION ?? DEFAULT_ATTRIBUTION).trim(),
} as const;
