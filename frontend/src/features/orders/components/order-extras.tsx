import { useState } from 'react';
import { toast } from 'sonner';

import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { ErrorState } from '@/components/ui/error-state';
import { Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { Select, Textarea } from '@/components/ui/input';
import { SkeletonLines } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { formatDateTime } from '@/lib/format';
import { t } from '@/locales';
import type { OrderDetail } from '@/types/api';

import { podSummary, usePod } from '../api/get-pod';
import { canReassign, reassignOrderInputSchema, useReassignOrder } from '../api/reassign-order';
import { useRevokeTrackingLink } from '../api/revoke-tracking-link';
import { useRotateTrackingLink } from '../api/rotate-tracking-link';

import styles from './order-detail.module.css';

/** The link a customer opens to follow their delivery. */
export const trackingUrl = (token: string, origin: string = window.location.origin): string =>
  `${origin}${paths.tracking(token)}`;

export function TrackingCard({ order }: { order: OrderDetail }) {
  const labels = t.orders.detail;
  const rotate = useRotateTrackingLink();
  const revoke = useRevokeTrackingLink();
  const [confirm, setConfirm] = useState<'rotate' | 'revoke' | null>(null);
  const token = order.tracking_token ?? null;
  const url = token ? trackingUrl(token) : null;

  const run = (action: 'rotate' | 'revoke') => {
    const mutation = action === 'rotate' ? rotate : revoke;
    mutation.mutate(order.id, {
      onSuccess: () => toast.success(action === 'rotate' ? labels.linkRotated : labels.linkRevoked),
      onSettled: () => setConfirm(null),
    });
  };

  return (
    <Card title={labels.tracking} description={labels.trackingHint}>
      <div className={styles.tracking}>
        {url ? (
          <a className={styles.trackingLink} href={url} target="_blank" rel="noreferrer" data-testid="tracking-link">
            {url}
          </a>
        ) : (
          <p className={styles.muted}>{labels.linkNone}</p>
        )}
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 'var(--space-2)' }}>
          {url && <CopyButton text={url} label={labels.copyLink} successMessage={labels.linkCopied} />}
          <Button variant="secondary" size="sm" onClick={() => setConfirm('rotate')}>
            {url ? labels.rotateLink : labels.newLink}
          </Button>
          {url && (
            <Button variant="ghost" size="sm" onClick={() => setConfirm('revoke')}>
              {labels.revokeLink}
            </Button>
          )}
        </div>
      </div>
      <ConfirmDialog
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        onConfirm={() => confirm && run(confirm)}
        title={confirm === 'revoke' ? labels.revokeTitle : labels.rotateTitle}
        description={confirm === 'revoke' ? labels.revokeBody : labels.rotateBody}
        confirmLabel={confirm === 'revoke' ? labels.revokeLink : labels.rotateLink}
        isPending={rotate.isPending || revoke.isPending}
        tone={confirm === 'revoke' ? 'danger' : 'primary'}
      />
    </Card>
  );
}

/** Proof of delivery: receiver, time, notes, and the photo and signature (presigned URLs). */
export function PodCard({ order }: { order: OrderDetail }) {
  const labels = t.orders.pod;
  const summary = podSummary(order);
  const pod = usePod(order.id, Boolean(summary));
  if (!summary) return null;
  return (
    <Card title={labels.title}>
      <dl className={styles.facts}>
        <dt>{labels.receiver}</dt>
        <dd data-testid="pod-receiver">{summary.receiver_name}</dd>
        <dt>{labels.deliveredAt}</dt>
        <dd>{formatDateTime(summary.delivered_at)}</dd>
        {summary.notes && (
          <>
            <dt>{labels.notes}</dt>
            <dd className={styles.notes}>{summary.notes}</dd>
          </>
        )}
      </dl>
      {(summary.has_photo || summary.has_signature) && (
        <div className={styles.podImages}>
          {pod.isPending ? (
            <SkeletonLines lines={2} />
          ) : pod.data === undefined ? (
            <ErrorState headingLevel="h3" title={labels.filesFailed} error={pod.error} onRetry={() => void pod.refetch()} />
          ) : (
            <>
              {pod.data.photo_url && (
                <figure>
                  <a href={pod.data.photo_url} target="_blank" rel="noreferrer">
                    <img src={pod.data.photo_url} alt={labels.photoAlt(order.reference_code)} loading="lazy" />
                  </a>
                  <figcaption>{labels.photo}</figcaption>
                </figure>
              )}
              {pod.data.signature_url && (
                <figure>
                  <img src={pod.data.signature_url} alt={labels.signatureAlt(summary.receiver_name)} loading="lazy" className={styles.signature} />
                  <figcaption>{labels.signature}</figcaption>
                </figure>
              )}
            </>
          )}
        </div>
      )}
    </Card>
  );
}

export type ReassignTarget = { id: string; label: string };

/** "Move to another route" for an ASSIGNED order. */
export function ReassignOrder({ order, targets }: { order: OrderDetail; targets: ReassignTarget[] }) {
  const [open, setOpen] = useState(false);
  const reassign = useReassignOrder();
  const labels = t.orders.reassign;
  if (!canReassign(order.status, order.route_id)) return null;
  const others = targets.filter((target) => target.id !== order.route_id);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        {labels.open}
      </Button>
      <FormDialog
        open={open}
        onClose={() => setOpen(false)}
        title={labels.title}
        description={labels.description}
        schema={reassignOrderInputSchema}
        defaultValues={{ target_route_id: '', note: '' }}
        serverFields={['target_route_id', 'note']}
        submit={(data, { idempotencyKey }) => {
          const body = { target_route_id: data.target_route_id, note: data.note ?? null };
          return reassign.mutateAsync({ orderId: order.id, data: body, idempotencyKey: idempotencyKey(body) });
        }}
        successMessage={() => labels.done(order.reference_code)}
        submitLabel={labels.submit}
      >
        {({ register, formState: { errors } }) => (
          <>
            <Field label={labels.target} error={errors.target_route_id?.message} hint={others.length === 0 ? labels.noTargets : undefined}>
              <Select {...register('target_route_id')}>
                <option value="">{labels.choose}</option>
                {others.map((target) => (
                  <option key={target.id} value={target.id}>
                    {target.label}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label={labels.note} optional error={errors.note?.message}>
              <Textarea rows={2} {...register('note')} />
            </Field>
          </>
        )}
      </FormDialog>
    </>
  );
}
