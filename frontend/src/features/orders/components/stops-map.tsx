import { useMemo, useState } from 'react';

import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/input';
import { MapView } from '@/components/ui/map-view';
import type { MapMarker } from '@/lib/map/leaflet-map';
import { t } from '@/locales';

type StopValues = { type: string; lat?: string | number | null; lng?: string | number | null; address_line?: string };

const coordinate = (value: string | number | null | undefined): number | null => {
  if (value === '' || value === null || value === undefined) return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
};

/** Pins of an order's stops; in the form, a click places the chosen stop's pin (filling its coordinates). */
export function StopsMap({
  stops,
  onPick,
  height = '18rem',
}: {
  stops: StopValues[];
  onPick?: (index: number, position: { lat: number; lng: number }) => void;
  height?: string;
}) {
  const labels = t.orders.map;
  const [target, setTarget] = useState(0);
  // React Hook Form's watch() can hand back the same (mutated) array: key on the values.
  const key = JSON.stringify(stops.map((stop) => [stop.type, stop.lat, stop.lng, stop.address_line]));
  const markers = useMemo<MapMarker[]>(
    () =>
      stops.flatMap((stop, index) => {
        const lat = coordinate(stop.lat);
        const lng = coordinate(stop.lng);
        return lat !== null && lng !== null
          ? [
              {
                id: String(index),
                lat,
                lng,
                label: String(index + 1),
                title: `${index + 1}. ${t.stopTypes[stop.type as 'PICKUP' | 'DROP'] ?? stop.type} ${stop.address_line ?? ''}`.trim(),
                tone: stop.type === 'PICKUP' ? 'pickup' : 'drop',
              } satisfies MapMarker,
            ]
          : [];
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by the values
    [key],
  );
  const safeTarget = Math.min(target, Math.max(0, stops.length - 1));

  return (
    <div style={{ display: 'grid', gap: 'var(--space-2)' }}>
      {onPick && (
        <Field label={labels.placePin} hint={labels.placePinHint}>
          <Select value={safeTarget} onChange={(event) => setTarget(Number(event.target.value))}>
            {stops.map((stop, index) => (
              <option key={index} value={index}>
                {labels.stopOption(index + 1, t.stopTypes[stop.type as 'PICKUP' | 'DROP'] ?? stop.type)}
              </option>
            ))}
          </Select>
        </Field>
      )}
      <MapView
        label={onPick ? labels.pickerLabel : labels.label}
        markers={markers}
        path={markers}
        height={height}
        onMapClick={onPick ? (position) => onPick(safeTarget, position) : undefined}
      />
    </div>
  );
}
