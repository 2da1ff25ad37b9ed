import { useState } from 'react';
import { toast } from 'sonner';

import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { WebhookIcon } from '@/components/ui/icons';
import { Select } from '@/components/ui/input';
import { PaginatedTable } from '@/components/ui/paginated-table';
import type { Column } from '@/components/ui/table';
import { formatDateTime, formatNumber } from '@/lib/format';
import { t } from '@/locales';
import type { WebhookDelivery } from '@/types/api';

import { DELIVERY_OUTCOMES, useWebhookDeliveries, type DeliveryOutcome } from '../api/list-webhook-deliveries';
import { useReplayWebhookDelivery } from '../api/replay-webhook-delivery';
import { useReplayWebhookDlq } from '../api/replay-webhook-dlq';

import styles from '@/components/ui/log-view.module.css';

const OUTCOME_TONES: Record<string, BadgeTone> = { delivered: 'success', retrying: 'warning', failed: 'danger', disabled: 'neutral' };

export function WebhookDeliveries({ canReplay }: { canReplay: boolean }) {
  const [outcome, setOutcome] = useState<DeliveryOutcome | ''>('');
  const query = useWebhookDeliveries({ outcome: outcome || undefined });
  const replay = useReplayWebhookDelivery();
  const dlq = useReplayWebhookDlq();
  const [confirmDlq, setConfirmDlq] = useState(false);
  const labels = t.webhooks.deliveries;

  const columns: Column<WebhookDelivery>[] = [
    {
      id: 'event',
      header: labels.event,
      rowHeader: true,
      cell: (delivery) => (
        <>
          <code>{delivery.event_type}</code>
          <span className={styles.secondary}>{delivery.event_id}</span>
        </>
      ),
    },
    {
      id: 'outcome',
      header: labels.outcome,
      cell: (delivery) => (
        <Badge tone={OUTCOME_TONES[delivery.outcome] ?? 'neutral'} dot>
          {t.webhooks.outcomes[delivery.outcome as DeliveryOutcome] ?? delivery.outcome}
        </Badge>
      ),
    },
    { id: 'attempt', header: labels.attempt, align: 'end', cell: (delivery) => formatNumber(delivery.attempt) },
    {
      id: 'response',
      header: labels.response,
      cell: (delivery) => (
        <>
          {delivery.status_code ?? t.common.emptyValue}
          {delivery.latency_ms != null && <span className={styles.secondary}>{labels.latency(delivery.latency_ms)}</span>}
          {delivery.error && <span className={styles.secondary}>{delivery.error}</span>}
        </>
      ),
    },
    {
      id: 'when',
      header: labels.when,
      muted: true,
      cell: (delivery) => (
        <>
          {formatDateTime(delivery.created_at)}
          {delivery.next_retry_at && <span className={styles.secondary}>{labels.nextRetry(formatDateTime(delivery.next_retry_at))}</span>}
        </>
      ),
    },
    {
      id: 'actions',
      header: t.common.actions,
      hideHeader: true,
      align: 'end',
      cell: (delivery) =>
        canReplay && (
          <Button
            variant="ghost"
            size="sm"
            isLoading={replay.isPending && replay.variables === delivery.id}
            onClick={() => replay.mutate(delivery.id, { onSuccess: () => toast.success(labels.replayed(delivery.event_type)) })}
          >
            {labels.replay}
            <span className="visually-hidden"> {delivery.event_type}</span>
          </Button>
        ),
    },
  ];

  return (
    <Card
      title={labels.title}
      description={labels.description}
      flush
      actions={
        canReplay && (
          <Button variant="secondary" size="sm" onClick={() => setConfirmDlq(true)}>
            {labels.replayDlq}
          </Button>
        )
      }
    >
      <div className={styles.filters}>
        <Field label={labels.outcome}>
          <Select value={outcome} onChange={(event) => setOutcome(event.target.value as DeliveryOutcome | '')}>
            <option value="">{t.common.all}</option>
            {DELIVERY_OUTCOMES.map((value) => (
              <option key={value} value={value}>
                {t.webhooks.outcomes[value]}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <PaginatedTable
        query={query}
        caption={labels.title}
        columns={columns}
        getRowId={(delivery) => delivery.id}
        empty={<EmptyState icon={<WebhookIcon size={22} />} title={labels.emptyTitle} description={labels.emptyBody} />}
      />
      <ConfirmDialog
        open={confirmDlq}
        onClose={() => setConfirmDlq(false)}
        title={labels.replayDlqTitle}
        description={labels.replayDlqBody}
        confirmLabel={labels.replayDlq}
        tone="primary"
        isPending={dlq.isPending}
        onConfirm={() =>
          dlq.mutate(undefined, {
            onSuccess: ({ replayed }) => toast.success(labels.dlqReplayed(replayed)),
            onSettled: () => setConfirmDlq(false),
          })
        }
      />
    </Card>
  );
}
