/**
 * A small imperative wrapper around Leaflet, shared by the React apps and the
 * tracking page (which has no React). Leaflet and its CSS are imported on the
 * first `createMap` call only, so pages without a map never download them.
 *
 * Tiles come from `mapConfig.tileUrl`; when they fail to load (offline, blocked
 * provider) or no URL is configured, the map keeps working on a plain
 * background and `onTilesUnavailable` lets the page say so.
 */
import type * as Leaflet from 'leaflet';

import { mapConfig } from '@/config/map';

export type LatLng = { lat: number; lng: number };

export type MapMarker = LatLng & {
  id: string;
  /** Short text inside the pin (a stop number). */
  label: string;
  /** Accessible/tooltip title. */
  title: string;
  tone?: 'pickup' | 'drop' | 'done' | 'failed' | 'next';
};

export type MapController = {
  setMarkers(markers: MapMarker[]): void;
  setPath(points: LatLng[]): void;
  /** The live position of a driver (or several, keyed by id); null removes it. */
  setLive(id: string, position: (LatLng & { title: string }) | null): void;
  /** Fits the view to everything drawn. */
  fit(): void;
  destroy(): void;
};

export type MapOptions = {
  onTilesUnavailable?: () => void;
  /** Accessible name of the map region. */
  label: string;
  /** Fit to the markers whenever they change (default true until the user moves the map). */
  autoFit?: boolean;
  /** A click (or tap) on the map, e.g. to place a pin. */
  onClick?: (position: LatLng) => void;
};

let leafletPromise: Promise<typeof Leaflet> | null = null;

/** Loads Leaflet (and its stylesheet) once. */
export function loadLeaflet(): Promise<typeof Leaflet> {
  leafletPromise ??= Promise.all([import('leaflet'), import('leaflet/dist/leaflet.css'), import('./map.css')]).then(
    ([module]) => (module as { default?: typeof Leaflet }).default ?? (module as typeof Leaflet),
  );
  return leafletPromise;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export async function createMap(container: HTMLElement, options: MapOptions): Promise<MapController> {
  const L = await loadLeaflet();
  container.setAttribute('role', 'region');
  container.setAttribute('aria-label', options.label);
  const map = L.map(container, { zoomControl: true, attributionControl: true, worldCopyJump: true }).setView([20, 0], 2);

  let tilesFailed = false;
  const tilesUnavailable = () => {
    if (tilesFailed) return;
    tilesFailed = true;
    container.classList.add('cf-map--no-tiles');
    options.onTilesUnavailable?.();
  };
  if (mapConfig.tileUrl) {
    let errors = 0;
    let loaded = 0;
    const layer = L.tileLayer(mapConfig.tileUrl, { maxZoom: 19, attribution: mapConfig.attribution });
    layer.on('tileerror', () => {
      errors += 1;
      if (loaded === 0 && errors >= 2) tilesUnavailable();
    });
    layer.on('tileload', () => {
      loaded += 1;
    });
    layer.addTo(map);
    if (typeof navigator !== 'undefined' && navigator.onLine === false) tilesUnavailable();
  } else {
    tilesUnavailable();
  }

  if (options.onClick) {
    const onClick = options.onClick;
    map.on('click', (event) => onClick({ lat: Number(event.latlng.lat.toFixed(6)), lng: Number(event.latlng.lng.toFixed(6)) }));
    container.style.cursor = 'crosshair';
  }

  const markerLayer = L.layerGroup().addTo(map);
  const liveLayer = L.layerGroup().addTo(map);
  const live = new Map<string, Leaflet.Marker>();
  let path: Leaflet.Polyline | null = null;
  let userMoved = false;
  map.on('dragstart zoomstart', (event) => {
    // Programmatic fits fire zoomstart too; only count real interactions.
    if ((event as { originalEvent?: unknown }).originalEvent || event.type === 'dragstart') userMoved = true;
  });

  const bounds = () => {
    const points: Leaflet.LatLngExpression[] = [];
    markerLayer.eachLayer((layer) => points.push((layer as Leaflet.Marker).getLatLng()));
    live.forEach((marker) => points.push(marker.getLatLng()));
    return points.length ? L.latLngBounds(points) : null;
  };

  const controller: MapController = {
    setMarkers(markers) {
      markerLayer.clearLayers();
      for (const marker of markers) {
        const icon = L.divIcon({
          className: `cf-pin cf-pin--${marker.tone ?? 'drop'}`,
          html: `<span>${escapeHtml(marker.label)}</span>`,
          iconSize: [28, 28],
          iconAnchor: [14, 14],
        });
        L.marker([marker.lat, marker.lng], { icon, title: marker.title, alt: marker.title, keyboard: true })
          .bindTooltip(escapeHtml(marker.title))
          .addTo(markerLayer);
      }
      if (options.autoFit !== false && !userMoved) controller.fit();
    },
    setPath(points) {
      path?.remove();
      path = points.length > 1
        ? L.polyline(points.map((p) => [p.lat, p.lng] as [number, number]), { color: '#1d4ed8', weight: 4, opacity: 0.7 }).addTo(map)
        : null;
    },
    setLive(id, position) {
      const existing = live.get(id);
      if (!position) {
        existing?.remove();
        live.delete(id);
        return;
      }
      if (existing) {
        existing.setLatLng([position.lat, position.lng]);
        return;
      }
      const icon = L.divIcon({ className: 'cf-live', html: '<span></span>', iconSize: [22, 22], iconAnchor: [11, 11] });
      const marker = L.marker([position.lat, position.lng], { icon, title: position.title, alt: position.title, zIndexOffset: 1000 })
        .bindTooltip(escapeHtml(position.title))
        .addTo(liveLayer);
      live.set(id, marker);
      if (options.autoFit !== false && !userMoved) controller.fit();
    },
    fit() {
      const b = bounds();
      if (!b) return;
      if (b.getNorthEast().equals(b.getSouthWest())) map.setView(b.getCenter(), 14);
      else map.fitBounds(b, { padding: [32, 32], maxZoom: 15 });
    },
    destroy() {
      map.remove();
    },
  };
  // The container may have been laid out after creation (e.g. in a grid).
  setTimeout(() => map.invalidateSize(), 0);
  return controller;
}
