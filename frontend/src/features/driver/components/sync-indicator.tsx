import { useOnline } from '@/lib/use-online';
import { t } from '@/locales';

import { useDriverQueue } from '../api/driver-queue';
import type { SharingState } from '../api/use-location-sharing';

import styles from './driver.module.css';

/**
 * "Offline · 2 pending", "Syncing…", "All synced", plus location sharing, for the driver's header.
 * Offline means the API cannot be reached, whatever `navigator.onLine` says (lib/connectivity.ts).
 */
export function SyncIndicator({ sharing }: { sharing: SharingState }) {
  const online = useOnline();
  const { items, flushing, loaded } = useDriverQueue();
  const labels = t.driverApp.sync;
  const pending = items.length;
  // Until the signed-in driver's queue is read, "all synced" would be a guess.
  const state = !loaded ? 'checking' : !online ? 'offline' : pending > 0 ? (flushing ? 'syncing' : 'pending') : 'synced';
  const text =
    state === 'checking'
      ? labels.checking
      : state === 'offline'
      ? labels.offline(pending)
      : state === 'syncing'
        ? labels.syncing(pending)
        : state === 'pending'
          ? labels.pending(pending)
          : labels.synced;
  return (
    <div className={styles.status} role="status" aria-live="polite" data-testid="sync-status" data-state={state} data-pending={pending}>
      <span className={`${styles.dot} ${styles[`dot_${state}`]}`} aria-hidden="true" />
      <span>{text}</span>
      {sharing === 'sharing' && <span className={styles.sharing}>{labels.sharing}</span>}
      {sharing === 'denied' && <span className={styles.sharing}>{labels.locationDenied}</span>}
    </div>
  );
}
