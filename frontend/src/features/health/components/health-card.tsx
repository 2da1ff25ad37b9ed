import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { SkeletonLines } from '@/components/ui/skeleton';
import { t } from '@/locales';

import { useHealth } from '../api/get-health';

const HEALTHY = new Set(['ok', 'up', 'healthy', 'pass', 'passing']);

/** A check is reported either as a status string or as an object with a `status`. */
function checkStatus(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'ok' : 'failing';
  if (typeof value === 'object' && value !== null && typeof (value as { status?: unknown }).status === 'string') {
    return (value as { status: string }).status;
  }
  return null;
}

function statusTone(status: string | null): BadgeTone {
  if (status === null) return 'neutral';
  return HEALTHY.has(status.toLowerCase()) ? 'success' : 'warning';
}

function statusLabel(status: string | null): string {
  if (status === null) return t.dashboard.health.unknown;
  return HEALTHY.has(status.toLowerCase()) ? t.dashboard.health.ok : status;
}

export function HealthCard() {
  const health = useHealth();
  const labels = t.dashboard.health;
  const overall = health.data ? health.data.status : null;

  return (
    <Card
      title={labels.title}
      actions={health.data && <Badge tone={statusTone(overall)} dot>{statusLabel(overall)}</Badge>}
    >
      {health.isPending ? (
        <SkeletonLines lines={3} />
      ) : health.isError ? (
        <ErrorState
          headingLevel="h3"
          error={health.error}
          onRetry={() => void health.refetch()}
          isRetrying={health.isFetching}
        />
      ) : Object.keys(health.data.checks ?? {}).length === 0 ? (
        <p style={{ color: 'var(--color-text-muted)' }}>{labels.noChecks}</p>
      ) : (
        <ul style={{ display: 'grid', gap: 'var(--space-2)', margin: 0, padding: 0, listStyle: 'none' }}>
          {Object.entries(health.data.checks).map(([name, value]) => {
            const status = checkStatus(value);
            return (
              <li key={name} style={{ display: 'flex', justifyContent: 'space-between', gap: 'var(--space-4)' }}>
                <span style={{ fontFamily: 'var(--font-mono)', fontSize: 'var(--font-size-sm)' }}>{name}</span>
                <Badge tone={statusTone(status)}>{statusLabel(status)}</Badge>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
