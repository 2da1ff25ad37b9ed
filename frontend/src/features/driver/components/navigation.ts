/** Links that open turn-by-turn navigation to a stop in the phone's maps app. */
export type Destination = { lat?: number | null; lng?: number | null; address_line: string; city?: string | null };

const hasCoordinates = (stop: Destination): stop is Destination & { lat: number; lng: number } =>
  stop.lat != null && stop.lng != null;

/** Google Maps directions URL (opens the app on Android and iOS when installed). */
export function navigationUrl(stop: Destination): string {
  const destination = hasCoordinates(stop) ? `${stop.lat},${stop.lng}` : [stop.address_line, stop.city].filter(Boolean).join(', ');
  return `https://www.google.com/maps/dir/?api=1&destination=${encodeURIComponent(destination)}&travelmode=driving`;
}

/** A `geo:` URI for any maps app (Android), with the address as the label. */
export function geoUri(stop: Destination): string {
  const query = hasCoordinates(stop) ? `${stop.lat},${stop.lng}(${stop.address_line})` : [stop.address_line, stop.city].filter(Boolean).join(', ');
  const origin = hasCoordinates(stop) ? `${stop.lat},${stop.lng}` : '0,0';
  return `geo:${origin}?q=${encodeURIComponent(query)}`;
}
