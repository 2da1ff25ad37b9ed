import { useEffect, useLayoutEffect, useRef, useState } from 'react';

import { createMap, type LatLng, type MapController, type MapMarker } from '@/lib/map/leaflet-map';
import { t } from '@/locales';

import styles from './map-view.module.css';
import { Skeleton } from './skeleton';

export type LivePosition = LatLng & { id: string; title: string };

type MapViewProps = {
  label: string;
  markers: MapMarker[];
  path?: LatLng[];
  live?: LivePosition[];
  height?: string;
  /** Called with the clicked position (the map shows a crosshair cursor). */
  onMapClick?: (position: LatLng) => void;
};

/**
 * Leaflet map, loaded on first render (Leaflet is not in the main bundle).
 * Whatever it shows is also on the page as text (stop lists), so the page
 * stays usable when the map or its tiles cannot load.
 */
export function MapView({ label, markers, path = [], live = [], height = '22rem', onMapClick }: MapViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const [controller, setController] = useState<MapController | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [noTiles, setNoTiles] = useState(false);
  // The latest handler, for the map's click callback (set once, when the map is created).
  const clickHandler = useRef(onMapClick);
  useLayoutEffect(() => {
    clickHandler.current = onMapClick;
  });
  const clickable = Boolean(onMapClick);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let cancelled = false;
    let created: MapController | null = null;
    createMap(element, {
      label,
      onTilesUnavailable: () => setNoTiles(true),
      onClick: clickable ? (position) => clickHandler.current?.(position) : undefined,
    }).then(
      (map) => {
        if (cancelled) return map.destroy();
        created = map;
        setController(map);
        setState('ready');
      },
      () => !cancelled && setState('failed'),
    );
    return () => {
      cancelled = true;
      created?.destroy();
      setController(null);
    };
  }, [label, clickable]);

  useEffect(() => controller?.setMarkers(markers), [controller, markers]);
  useEffect(() => controller?.setPath(path), [controller, path]);
  const liveKey = live.map((p) => `${p.id}:${p.lat}:${p.lng}`).join('|');
  const liveRef = useRef<Set<string>>(new Set());
  useEffect(() => {
    if (!controller) return;
    const seen = new Set<string>();
    for (const position of live) {
      controller.setLive(position.id, position);
      seen.add(position.id);
    }
    for (const id of liveRef.current) if (!seen.has(id)) controller.setLive(id, null);
    liveRef.current = seen;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by positions
  }, [controller, liveKey]);

  return (
    <div className={styles.wrapper} style={{ height }}>
      <div ref={container} className={styles.map} />
      {state === 'loading' && (
        <div className={styles.overlay} aria-hidden="true">
          <Skeleton height="100%" radius="var(--radius-lg)" />
        </div>
      )}
      {state === 'failed' && (
        <p className={styles.notice} role="status">
          {t.map.failed}
        </p>
      )}
      {noTiles && state === 'ready' && (
        <p className={styles.notice} role="status">
          {t.map.noTiles}
        </p>
      )}
    </div>
  );
}
