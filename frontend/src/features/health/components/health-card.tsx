import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { SkeletonLines } from '@/components/ui/skeleton';
import { t } from '@/locales';

import { useHealth } from '../api/health';

const isOk = (status: string) => status.toLowerCase() === 'ok';

function StatusBadge({ status }: { status: string }) {
  return isOk(status) ? (
    <Badge tone="success" dot>
      {t.dashboard.health.ok}
    </Badge>
  ) : (
    <Badge tone="danger" dot>
      {t.dashboard.health.unavailable}
    </Badge>
  );
}

/** Backend dependencies as reported by GET /api/health (refreshed every minute). */
export function HealthCard() {
  const health = useHealth();
  const labels = t.dashboard.health;
  const checks = Object.entries(health.data?.checks ?? {});

  return (
    <Card title={labels.title} actions={!health.isError && health.data && <StatusBadge status={health.data.status} />}>
      {health.isPending ? (
        <SkeletonLines lines={3} />
      ) : health.isError || health.data === undefined ? (
        // The card reports health: a failed check is shown, never the last good answer.
        <ErrorState
          headingLevel="h3"
          error={health.error}
          onRetry={() => void health.refetch()}
          isRetrying={health.isFetching}
        />
      ) : checks.length === 0 ? (
        <p style={{ color: 'var(--color-text-muted)' }}>{labels.noChecks}</p>
      ) : (
        <ul style={{ display: 'grid', gap: 'var(--space-3)', margin: 0, padding: 0, listStyle: 'none' }}>
          {checks.map(([name, status]) => (
            <li key={name}>
              <div style={{ display: 'flex', justifyContent: 'space-between', gap: 'var(--space-4)' }}>
                <span style={{ fontFamily: 'var(--font-mono)', fontSize: 'var(--font-size-sm)' }}>{name}</span>
                <StatusBadge status={status} />
              </div>
              {!isOk(status) && (
                <p style={{ color: 'var(--color-text-muted)', fontSize: 'var(--font-size-sm)' }}>{status}</p>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
