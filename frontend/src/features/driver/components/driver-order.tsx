import { useState } from 'react';
import { Link } from 'react-router';

import { Badge } from '@/components/ui/badge';
import { Button, buttonClassName } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { ArrowLeftIcon, MapPinIcon } from '@/components/ui/icons';
import { Textarea } from '@/components/ui/input';
import { isWaitingForConnection, OfflineState } from '@/components/ui/offline-state';
import { Skeleton, SkeletonGroup } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { formatTime } from '@/lib/format';
import { useOnline } from '@/lib/use-online';
import { t } from '@/locales';
import type { DriverStatusMove, Order, OrderStatus, RouteDetail } from '@/types/api';

import { hasPendingStart, pendingOrderStatus, useDriverQueue } from '../api/driver-queue';
import { useDriverRoute } from '../api/get-driver-route';
import { useDriverRoutesToday } from '../api/list-driver-routes-today';
import { allowedDriverMoves, failOrderInputSchema } from '../api/update-order-status';
import { useDriverActions } from '../api/use-driver-actions';

import styles from './driver.module.css';
import { navigationUrl } from './navigation';
import { PodForm } from './pod-form';

const STATUS_TONES: Partial<Record<OrderStatus, 'info' | 'success' | 'danger' | 'warning'>> = {
  PICKED_UP: 'info',
  IN_TRANSIT: 'info',
  DELIVERED: 'success',
  FAILED: 'danger',
  CANCELLED: 'danger',
};

/** The route holding the order: `?route=` when known, otherwise found among today's routes. */
function useOrderRoute(orderId: string, routeIdHint: string | null) {
  const today = useDriverRoutesToday();
  const found = today.data?.find((route) => route.order_ids.includes(orderId))?.id ?? null;
  const routeId = routeIdHint ?? found;
  const route = useDriverRoute(routeId);
  const online = useOnline();
  const waiting = routeId ? isWaitingForConnection(route, online) : !routeIdHint && isWaitingForConnection(today, online);
  return { routeId, route, searching: !routeIdHint && today.isPending, waiting };
}

export function DriverOrder({ orderId, routeIdHint }: { orderId: string; routeIdHint: string | null }) {
  const { routeId, route, searching, waiting } = useOrderRoute(orderId, routeIdHint);
  const labels = t.driverApp.order;

  if (waiting) {
    return (
      <Card>
        <OfflineState title={labels.loadFailed} />
      </Card>
    );
  }
  if (searching || (routeId && route.isPending)) {
    return (
      <SkeletonGroup>
        <Skeleton width="50%" height="2rem" />
        <Skeleton height="12rem" radius="var(--radius-lg)" />
      </SkeletonGroup>
    );
  }
  if (routeId && route.isError && !route.data) {
    return (
      <Card>
        <ErrorState title={labels.loadFailed} error={route.error} onRetry={() => void route.refetch()} isRetrying={route.isFetching} />
      </Card>
    );
  }
  const order = route.data?.orders.find((candidate) => candidate.id === orderId);
  if (!route.data || !order) {
    return (
      <Card>
        <EmptyState
          headingLevel="h1"
          title={labels.notFound}
          description={labels.notFoundBody}
          action={
            <Link to={paths.driver.today} className={buttonClassName({ variant: 'secondary' })}>
              {labels.backToday}
            </Link>
          }
        />
      </Card>
    );
  }
  return <OrderView order={order} route={route.data} />;
}

function OrderView({ order, route }: { order: Order; route: RouteDetail }) {
  const labels = t.driverApp.order;
  const { items } = useDriverQueue();
  const { run } = useDriverActions();
  const [mode, setMode] = useState<'view' | 'pod' | 'fail'>('view');
  const [sending, setSending] = useState<DriverStatusMove | null>(null);
  const status = pendingOrderStatus(order.id, order.status, items);
  const pendingHere = items.filter(({ action }) => 'orderId' in action && action.orderId === order.id).length;
  const routeStarted = route.status === 'IN_PROGRESS' || hasPendingStart(route.id, items);
  const moves = allowedDriverMoves(status);
  const pickup = order.stops.find((stop) => stop.type === 'PICKUP');
  const drop = [...order.stops].reverse().find((stop) => stop.type === 'DROP');
  const target = status === 'ASSIGNED' ? pickup : drop;

  const move = async (to: DriverStatusMove, reason?: string) => {
    setSending(to);
    try {
      await run({
        kind: 'status',
        orderId: order.id,
        routeId: route.id,
        body: { to_status: to, ...(reason ? { metadata: { reason } } : {}) },
        label: labels.actionLabel(order.reference_code, t.orderStatuses[to]),
      });
    } finally {
      setSending(null);
    }
  };

  return (
    <div className={styles.stack}>
      <title>{`${order.reference_code} · ${t.common.appName}`}</title>
      <Link to={paths.driver.route(route.id)} className={styles.muted} style={{ display: 'inline-flex', gap: 'var(--space-1)', alignItems: 'center' }}>
        <ArrowLeftIcon size={16} />
        {labels.backRoute}
      </Link>
      <div className={styles.row}>
        <h1 style={{ fontSize: 'var(--font-size-xl)', fontFamily: 'var(--font-mono)' }}>{order.reference_code}</h1>
        <Badge tone={STATUS_TONES[status] ?? 'neutral'} dot>
          <span data-testid="order-status">{t.orderStatuses[status]}</span>
        </Badge>
      </div>
      {pendingHere > 0 && (
        <p className={styles.pendingNote} role="status" data-testid="order-pending">
          {labels.pendingSync(pendingHere)}
        </p>
      )}

      <Card>
        <dl style={{ display: 'grid', gap: 'var(--space-2)', margin: 0 }}>
          <div>
            <dt className={styles.muted}>{labels.customer}</dt>
            <dd style={{ margin: 0 }} className={styles.big}>
              {order.customer_name} · <a href={`tel:${order.customer_phone}`}>{order.customer_phone}</a>
            </dd>
          </div>
          {order.stops.map((stop) => (
            <div key={stop.id}>
              <dt className={styles.muted}>
                {t.stopTypes[stop.type]} · {t.stopStatuses[stop.status]}
              </dt>
              <dd style={{ margin: 0 }}>
                {[stop.address_line, stop.city, stop.postal_code].filter(Boolean).join(', ')}
                {(stop.contact_name || stop.contact_phone) && (
                  <span className={styles.muted}> · {[stop.contact_name, stop.contact_phone].filter(Boolean).join(' ')}</span>
                )}
                <br />
                <span className={styles.muted}>{labels.eta(formatTime(stop.scheduled_eta))}</span>
              </dd>
            </div>
          ))}
          {order.notes && (
            <div>
              <dt className={styles.muted}>{labels.notes}</dt>
              <dd style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{order.notes}</dd>
            </div>
          )}
        </dl>
      </Card>

      {target && moves.length > 0 && (
        <a className={buttonClassName({ variant: 'secondary', size: 'lg', className: styles.touch })} href={navigationUrl(target)} target="_blank" rel="noreferrer">
          <MapPinIcon size={18} />
          {labels.navigateTo(t.stopTypes[target.type])}
        </a>
      )}

      {mode === 'pod' ? (
        <Card title={t.driverApp.pod.title}>
          <PodForm orderId={order.id} routeId={route.id} reference={order.reference_code} onDone={() => setMode('view')} />
        </Card>
      ) : (
        <div className={styles.actions}>
          {moves.length > 0 && !routeStarted && <p className={styles.pendingNote}>{labels.startFirst}</p>}
          {moves.includes('PICKED_UP') && (
            <Button size="lg" className={styles.touch} disabled={!routeStarted} isLoading={sending === 'PICKED_UP'} onClick={() => void move('PICKED_UP')}>
              {labels.pickedUp}
            </Button>
          )}
          {moves.includes('IN_TRANSIT') && (
            <Button size="lg" className={styles.touch} disabled={!routeStarted} isLoading={sending === 'IN_TRANSIT'} onClick={() => void move('IN_TRANSIT')}>
              {labels.inTransit}
            </Button>
          )}
          {moves.includes('DELIVERED') && (
            <Button size="lg" className={styles.touch} disabled={!routeStarted} onClick={() => setMode('pod')}>
              {labels.delivered}
            </Button>
          )}
          {moves.includes('FAILED') && (
            <Button size="lg" variant="danger" className={styles.touch} disabled={!routeStarted} onClick={() => setMode('fail')}>
              {labels.failed}
            </Button>
          )}
          {moves.length === 0 && <p className={styles.muted}>{labels.nothingToDo(t.orderStatuses[status])}</p>}
        </div>
      )}
      <FormDialog
        open={mode === 'fail'}
        onClose={() => setMode('view')}
        title={labels.failTitle}
        description={labels.failBody}
        schema={failOrderInputSchema}
        defaultValues={{ reason: '' }}
        serverFields={[]}
        submit={async ({ reason }) => {
          setMode('view');
          await move('FAILED', reason);
        }}
        submitLabel={labels.failSubmit}
        tone="danger"
        buttonSize="lg"
      >
        {({ register, formState: { errors } }) => (
          <Field label={labels.failReason} hint={labels.failReasonHint} error={errors.reason?.message}>
            <Textarea rows={3} {...register('reason')} />
          </Field>
        )}
      </FormDialog>
    </div>
  );
}
