import { Badge, type BadgeTone } from '@/components/ui/badge';
import { t } from '@/locales';
import type { RouteStatus, StopStatus } from '@/types/api';

import styles from './routes.module.css';

const ROUTE_TONES: Record<RouteStatus, BadgeTone> = {
  PLANNED: 'neutral',
  IN_PROGRESS: 'info',
  COMPLETED: 'success',
  CANCELLED: 'danger',
};

const STOP_TONES: Record<StopStatus, BadgeTone> = {
  PENDING: 'neutral',
  ARRIVED: 'info',
  COMPLETED: 'success',
  FAILED: 'danger',
};

export function RouteStatusBadge({ status }: { status: RouteStatus }) {
  return (
    <Badge tone={ROUTE_TONES[status]} dot>
      {t.routeStatuses[status]}
    </Badge>
  );
}

export function RouteStopStatusBadge({ status }: { status: StopStatus }) {
  return <Badge tone={STOP_TONES[status]}>{t.stopStatuses[status]}</Badge>;
}

/** A labelled progress bar ("3 of 8 stops"). */
export function ProgressBar({ done, total, label }: { done: number; total: number; label: string }) {
  const percent = total > 0 ? Math.round((done / total) * 100) : 0;
  return (
    <div className={styles.progress}>
      <div
        className={styles.progressTrack}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={t.routes.progressText(done, total)}
      >
        <div className={styles.progressFill} style={{ width: `${percent}%` }} />
      </div>
      <span className={styles.progressLabel}>{t.routes.progressText(done, total)}</span>
    </div>
  );
}

/** Stops done (completed or failed) of a route's stop list. */
export const stopsDone = (stops: { status: StopStatus }[]) =>
  stops.filter((stop) => stop.status === 'COMPLETED' || stop.status === 'FAILED').length;
