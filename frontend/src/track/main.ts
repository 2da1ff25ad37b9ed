/**
 * The customer tracking page (/track/:token): its own Vite entry, plain
 * TypeScript with no React and no console code, so it stays small on a slow
 * phone. Leaflet is loaded only once the driver's live position exists while
 * the parcel is on its way.
 *
 * Updates: a WebSocket (/ws/tracking/{token}) moves the driver's marker and
 * triggers a refetch on events; without it, the page polls every 30 s with
 * If-None-Match so unchanged data costs a 304.
 */
import { openLiveSocket, wsUrl } from '@/lib/live-socket';
import type { MapController } from '@/lib/map/leaflet-map';
import { trackingEn as t } from '@/locales/tracking-en';

import { fetchTracking, stepIndex, type Tracking } from './api';
import { h } from './dom';
import './track.css';

const rawEnv = import.meta.env as Record<string, string | undefined>;
const BASE_URL = (rawEnv.VITE_API_BASE_URL ?? '').trim().replace(/\/+$/, '');
const WS_BASE_URL = (rawEnv.VITE_WS_BASE_URL ?? '').trim().replace(/\/+$/, '');
const POLL_MS = 30_000;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const fmt = (value: string | null | undefined, formatter = dateTime) => {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '—' : formatter.format(date);
};

const token = decodeURIComponent(window.location.pathname.replace(/^\/track\/?/, '').split('/')[0] ?? '');
const root = document.getElementById('app')!;

let data: Tracking | null = null;
let etag: string | null = null;
let live: { lat: number; lng: number; at: string } | null = null;
let pollTimer: ReturnType<typeof setTimeout> | null = null;
let socketConnected = false;
let map: MapController | null = null;
let mapLoading = false;

const content = h('div', { class: 'content' });
const mapSection = h('section', { class: 'card', hidden: true, 'aria-labelledby': 'live-title' });
const mapNote = h('p', { class: 'muted', role: 'status' });
const mapContainer = h('div', { class: 'map' });
const liveLine = h('p', { class: 'muted' });
mapSection.append(h('h2', { id: 'live-title' }, t.live), liveLine, mapContainer, mapNote);

root.replaceChildren(
  h('header', { class: 'top' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), h('span', { class: 'brand' }, t.appName)),
  h('main', { id: 'main' }, h('h1', { class: 'visually-hidden' }, t.title), content),
);
document.title = `${t.title} · ${t.appName}`;

function renderMessage(title: string, body: string, retry = false) {
  content.replaceChildren(
    h(
      'section',
      { class: 'card message', role: 'alert' },
      h('h2', {}, title),
      h('p', {}, body),
      retry && Object.assign(h('button', { type: 'button', class: 'button' }, t.retry), { onclick: () => void refresh() }),
    ),
  );
}

function render(d: Tracking) {
  const step = stepIndex(d.status);
  const final = d.status === 'FAILED' || d.status === 'CANCELLED';
  const statusCard = h(
    'section',
    { class: `card status status-${d.status.toLowerCase()}`, 'aria-live': 'polite', 'data-testid': 'tracking-status', 'data-status': d.status },
    h('p', { class: 'status-label' }, t.statuses[d.status] ?? d.status),
    d.status === 'DELIVERED' && d.pod
      ? h('p', { class: 'big' }, t.deliveredAt(fmt(d.pod.delivered_at)))
      : !final && d.eta
        ? h('p', { class: 'big' }, t.eta(fmt(d.eta)))
        : null,
    d.status === 'FAILED' && h('p', {}, t.failedBody),
    d.status === 'CANCELLED' && h('p', {}, t.cancelledBody),
    h('p', { class: 'muted' }, t.lastUpdate(fmt(d.last_update)), ' · ', socketConnected ? t.liveUpdates : t.pollingUpdates),
  );

  const steps = final
    ? null
    : h(
        'ol',
        { class: 'steps', 'aria-label': t.stepsLabel },
        t.steps.map((label, index) =>
          h(
            'li',
            { class: index < step ? 'done' : index === step ? 'current' : '', 'aria-current': index === step ? 'step' : null },
            h('span', { class: 'dot', 'aria-hidden': 'true' }),
            h('span', {}, label),
            index < step ? h('span', { class: 'visually-hidden' }, ` (${t.stepDone})`) : null,
          ),
        ),
      );

  const pod =
    d.pod &&
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'pod-title', 'data-testid': 'tracking-pod' },
      h('h2', { id: 'pod-title' }, t.pod),
      h('p', { class: 'big' }, t.receivedBy(d.pod.receiver_name)),
      h('p', { class: 'muted' }, t.deliveredAt(fmt(d.pod.delivered_at))),
      d.pod.photo_url && h('img', { src: d.pod.photo_url, alt: t.podPhoto, class: 'pod-photo', loading: 'lazy' }),
    );

  const stops = h(
    'section',
    { class: 'card', 'aria-labelledby': 'stops-title' },
    h('h2', { id: 'stops-title' }, t.stops),
    h(
      'ol',
      { class: 'stops' },
      d.stops.map((stop) =>
        h(
          'li',
          { class: `stop stop-${stop.status.toLowerCase()}` },
          h('strong', {}, `${t.stopTypes[stop.type] ?? stop.type} · ${stop.city}`),
          h(
            'span',
            { class: 'muted' },
            [
              t.stopStatuses[stop.status] ?? stop.status,
              stop.completed_at ? t.completed(fmt(stop.completed_at)) : stop.arrived_at ? t.arrived(fmt(stop.arrived_at)) : stop.eta ? t.eta(fmt(stop.eta)) : '',
            ]
              .filter(Boolean)
              .join(' · '),
          ),
        ),
      ),
    ),
  );

  const history =
    d.history.length > 0 &&
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, t.history),
      h(
        'ol',
        { class: 'history' },
        [...d.history].reverse().map((entry) => h('li', {}, h('span', {}, t.statuses[entry.status] ?? entry.status), h('time', { datetime: entry.at, class: 'muted' }, fmt(entry.at)))),
      ),
    );

  // The live map (kept across renders, so Leaflet keeps its state) comes right after the status.
  content.replaceChildren(statusCard, steps ?? '', mapSection, pod || '', stops, history || '');
  renderLive();
}

/** The live position: a line of text always, the map (Leaflet, loaded now) while there is one. */
function renderLive() {
  const onTheWay = data && (data.status === 'IN_TRANSIT' || data.status === 'PICKED_UP');
  if (!live || !onTheWay) {
    mapSection.hidden = true;
    return;
  }
  mapSection.hidden = false;
  liveLine.textContent = t.liveAt(fmt(live.at, time));
  if (map) {
    map.setLive('driver', { ...live, title: t.driver });
    return;
  }
  if (mapLoading) return;
  mapLoading = true;
  void import('@/lib/map/leaflet-map')
    .then(({ createMap }) =>
      createMap(mapContainer, {
        label: t.mapLabel,
        onTilesUnavailable: () => {
          mapNote.textContent = t.mapNoTiles;
        },
      }),
    )
    .then((created) => {
      map = created;
      if (live) map.setLive('driver', { ...live, title: t.driver });
    })
    .catch(() => {
      mapNote.textContent = t.mapFailed;
    });
}

function schedule(ms: number) {
  if (pollTimer) clearTimeout(pollTimer);
  pollTimer = setTimeout(() => void refresh(), ms);
}

async function refresh() {
  const result = await fetchTracking(BASE_URL, token, etag);
  switch (result.kind) {
    case 'ok':
      data = result.data;
      etag = result.etag;
      // No position (the driver is not yet near this drop, or none yet): the ETA only, and a
      // position pushed earlier is not kept on the map.
      live = result.data.live_location ?? null;
      render(result.data);
      schedule(POLL_MS);
      break;
    case 'not-modified':
      schedule(POLL_MS);
      break;
    case 'not-found':
      socket?.close();
      renderMessage(t.notFoundTitle, t.notFoundBody);
      return;
    case 'throttled':
      if (!data) renderMessage(t.errorTitle, t.throttled(result.retryAfter));
      schedule(result.retryAfter * 1000);
      break;
    case 'error':
      if (!data) renderMessage(t.errorTitle, t.errorBody, true);
      schedule(POLL_MS / 2);
      break;
  }
}

const socket = token
  ? openLiveSocket({
      url: () => wsUrl(`/ws/tracking/${encodeURIComponent(token)}`, WS_BASE_URL, BASE_URL),
      onStatus: (connected) => {
        socketConnected = connected;
        if (data) render(data);
      },
      onMessage: (raw) => {
        const message = raw as { type?: string; lat?: number; lng?: number; at?: string };
        if (message.type === 'location' && typeof message.lat === 'number' && typeof message.lng === 'number') {
          live = { lat: message.lat, lng: message.lng, at: message.at ?? new Date().toISOString() };
          renderLive();
        } else if (message.type === 'event') {
          void refresh();
        }
      },
    })
  : null;

if (!token) renderMessage(t.notFoundTitle, t.notFoundBody);
else {
  content.replaceChildren(h('p', { class: 'card muted', role: 'status' }, t.loading));
  void refresh();
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void refresh();
  });
}
