import { useMemo, useState, type DragEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { toast } from 'sonner';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { ErrorState } from '@/components/ui/error-state';
import { Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { ArrowLeftIcon, ChevronDownIcon, ChevronUpIcon, PlusIcon, TrashIcon } from '@/components/ui/icons';
import { Checkbox, Textarea } from '@/components/ui/input';
import { MapView, type LivePosition } from '@/components/ui/map-view';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton, SkeletonGroup } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { cn } from '@/lib/cn';
import { formatDay } from '@/lib/datetime';
import { formatDateTime, formatNumber } from '@/lib/format';
import type { MapMarker } from '@/lib/map/leaflet-map';
import { locale, t } from '@/locales';
import type { RouteDetail as RouteDetailData, RouteStop } from '@/types/api';

import { addRouteOrdersInputSchema, useAddRouteOrders } from '../api/add-route-orders';
import { cancelRouteInputSchema, useCancelRoute } from '../api/cancel-route';
import { useRoute } from '../api/get-route';
import { useOptimizeRoute } from '../api/optimize-route';
import { useRemoveRouteOrder } from '../api/remove-route-order';
import { pickupBeforeDropViolation, useReorderRoute } from '../api/reorder-route';
import { useRouteLive } from '../api/use-route-live';

import type { Option } from './create-route';
import { ProgressBar, RouteStatusBadge, RouteStopStatusBadge } from './route-badges';
import styles from './routes.module.css';

type RouteDetailProps = {
  routeId: string;
  /** CREATED orders that could be added (composed by the page from the orders feature). */
  orderCandidates: Option[];
};

const editable = (route: RouteDetailData) => route.status === 'PLANNED' || route.status === 'IN_PROGRESS';

export function RouteDetail({ routeId, orderCandidates }: RouteDetailProps) {
  const route = useRoute(routeId);
  const live = useRouteLive(routeId, route.data?.status === 'IN_PROGRESS');

  if (route.isPending) return <RouteDetailSkeleton />;
  // A failed refetch keeps showing the route already loaded.
  if (route.data === undefined) {
    return (
      <>
        <BackLink />
        <Card>
          <ErrorState title={t.routes.detail.loadFailed} error={route.error} onRetry={() => void route.refetch()} isRetrying={route.isFetching} />
        </Card>
      </>
    );
  }
  return <RouteView route={route.data} live={live.location} liveConnected={live.connected} orderCandidates={orderCandidates} />;
}

function BackLink() {
  return (
    <Link to={paths.ops.routes} className={styles.back}>
      <ArrowLeftIcon size={16} />
      {t.routes.detail.back}
    </Link>
  );
}

/** Markers numbered in driving order; done stops green, the next one orange. */
export function routeMarkers(stops: RouteStop[], referenceOf: (orderId: string) => string): MapMarker[] {
  const nextIndex = stops.findIndex((stop) => stop.status === 'PENDING' || stop.status === 'ARRIVED');
  return stops.flatMap((stop, index) =>
    stop.lat != null && stop.lng != null
      ? [
          {
            id: stop.stop_id,
            lat: stop.lat,
            lng: stop.lng,
            label: String(index + 1),
            title: `${index + 1}. ${t.stopTypes[stop.type]} · ${referenceOf(stop.order_id)} · ${stop.address_line}`,
            tone:
              stop.status === 'COMPLETED'
                ? 'done'
                : stop.status === 'FAILED'
                  ? 'failed'
                  : index === nextIndex
                    ? 'next'
                    : stop.type === 'PICKUP'
                      ? 'pickup'
                      : 'drop',
          } satisfies MapMarker,
        ]
      : [],
  );
}

function RouteView({
  route,
  live,
  liveConnected,
  orderCandidates,
}: {
  route: RouteDetailData;
  live: { lat: number; lng: number; at: string } | null;
  liveConnected: boolean;
  orderCandidates: Option[];
}) {
  const labels = t.routes.detail;
  const optimize = useOptimizeRoute();
  const [dialog, setDialog] = useState<'add' | 'cancel' | null>(null);
  const references = useMemo(() => new Map(route.orders.map((order) => [order.id, order.reference_code])), [route.orders]);
  const referenceOf = (orderId: string) => references.get(orderId) ?? orderId;
  const markers = useMemo(() => routeMarkers(route.stops, (id) => references.get(id) ?? id), [route.stops, references]);
  const pathPoints = useMemo(
    () => route.stops.flatMap((stop) => (stop.lat != null && stop.lng != null ? [{ lat: stop.lat, lng: stop.lng }] : [])),
    [route.stops],
  );
  const livePositions: LivePosition[] = live ? [{ id: 'driver', lat: live.lat, lng: live.lng, title: labels.driverHere }] : [];
  const canEdit = editable(route);
  const driverName = route.driver?.name ?? labels.unknownDriver;

  return (
    <>
      <BackLink />
      <PageHeader
        title={labels.title(driverName, formatDay(route.route_date, locale))}
        description={
          <span className={styles.headerMeta}>
            <RouteStatusBadge status={route.status} />
            {route.optimized && <Badge tone="success">{labels.optimized}</Badge>}
            {route.vehicle && <span>{route.vehicle.plate_number}</span>}
            <span>{t.routes.km(formatNumber(Math.round(route.total_distance_m / 100) / 10))}</span>
          </span>
        }
        actions={
          canEdit && (
            <>
              <Button
                variant="secondary"
                onClick={() =>
                  optimize.mutate(route.id, { onSuccess: () => toast.success(labels.optimizedToast) })
                }
                isLoading={optimize.isPending}
              >
                {labels.optimize}
              </Button>
              <Button variant="secondary" icon={<PlusIcon size={16} />} onClick={() => setDialog('add')}>
                {labels.addOrders}
              </Button>
              <Button variant="danger" onClick={() => setDialog('cancel')}>
                {labels.cancel}
              </Button>
            </>
          )
        }
      />
      <div className={styles.layout}>
        <div className={styles.column}>
          <MapView label={labels.mapLabel} markers={markers} path={pathPoints} live={livePositions} height="28rem" />
          {route.status === 'IN_PROGRESS' && (
            <p className={styles.muted} role="status">
              {live ? labels.liveAt(formatDateTime(live.at)) : liveConnected ? labels.liveWaiting : labels.liveOffline}
            </p>
          )}
          <Card title={labels.progress}>
            <ProgressBar done={route.progress.stops_done} total={route.progress.stops_total} label={labels.progress} />
            <dl className={styles.facts} style={{ marginTop: 'var(--space-3)' }}>
              <dt>{labels.start}</dt>
              <dd>{formatDateTime(route.start_time)}</dd>
              <dt>{labels.end}</dt>
              <dd>{formatDateTime(route.end_time ?? route.stops.at(-1)?.scheduled_eta)}</dd>
              <dt>{labels.weight}</dt>
              <dd>{labels.weightValue(formatNumber(route.total_weight_kg), route.vehicle?.capacity_kg)}</dd>
            </dl>
          </Card>
        </div>
        <div className={styles.column}>
          <StopsCard route={route} referenceOf={referenceOf} canEdit={canEdit} />
          <OrdersCard route={route} canEdit={canEdit} />
        </div>
      </div>
      <AddOrdersDialog route={route} candidates={orderCandidates} open={dialog === 'add'} onClose={() => setDialog(null)} />
      <CancelRouteDialog routeId={route.id} open={dialog === 'cancel'} onClose={() => setDialog(null)} />
    </>
  );
}

function StopsCard({ route, referenceOf, canEdit }: { route: RouteDetailData; referenceOf: (id: string) => string; canEdit: boolean }) {
  const labels = t.routes.detail;
  const reorder = useReorderRoute();
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const unmet = new Set(route.unmet_windows);
  const movable = (stop: RouteStop) => canEdit && stop.status === 'PENDING';
  const pending = route.stops.filter(movable);

  /** Moves `stopId` to just before `beforeId` (or to the end) among the movable stops. */
  const move = (stopId: string, beforeId: string | null) => {
    const ids = pending.map((stop) => stop.stop_id).filter((id) => id !== stopId);
    const at = beforeId ? ids.indexOf(beforeId) : ids.length;
    ids.splice(at < 0 ? ids.length : at, 0, stopId);
    if (ids.join() === pending.map((stop) => stop.stop_id).join()) return;
    const byId = new Map(route.stops.map((stop) => [stop.stop_id, stop]));
    const fixed = route.stops.filter((stop) => !movable(stop));
    const sequence = [...fixed, ...ids.map((id) => byId.get(id)!)];
    const violation = pickupBeforeDropViolation(sequence);
    if (violation) {
      toast.error(labels.pickupFirst(referenceOf(violation)));
      return;
    }
    reorder.mutate({ routeId: route.id, stopOrder: ids }, { onSuccess: () => toast.success(labels.reordered) });
  };

  const stepMove = (stop: RouteStop, delta: -1 | 1) => {
    const index = pending.findIndex((candidate) => candidate.stop_id === stop.stop_id);
    const target = index + delta;
    if (target < 0 || target >= pending.length) return;
    // Moving down by one = inserting before the stop two places further.
    const before = delta === -1 ? pending[target]!.stop_id : (pending[target + 1]?.stop_id ?? null);
    move(stop.stop_id, before);
  };

  const onDrop = (event: DragEvent, beforeId: string | null) => {
    event.preventDefault();
    const id = event.dataTransfer.getData('text/plain') || dragging;
    setDragging(null);
    setOver(null);
    if (id && id !== beforeId) move(id, beforeId);
  };

  return (
    <Card title={labels.stops} description={canEdit && pending.length > 1 ? labels.dragHint : undefined}>
      {route.stops.length === 0 ? (
        <p className={styles.muted}>{labels.noStops}</p>
      ) : (
        <ol className={styles.stops} aria-busy={reorder.isPending || undefined}>
          {route.stops.map((stop, index) => {
            const canMove = movable(stop);
            const pendingIndex = pending.indexOf(stop);
            return (
              <li
                key={stop.stop_id}
                className={cn(
                  styles.stop,
                  canMove && styles.stopDraggable,
                  dragging === stop.stop_id && styles.stopDragging,
                  over === stop.stop_id && dragging !== stop.stop_id && styles.stopDropTarget,
                )}
                draggable={canMove}
                onDragStart={(event) => {
                  event.dataTransfer.setData('text/plain', stop.stop_id);
                  event.dataTransfer.effectAllowed = 'move';
                  setDragging(stop.stop_id);
                }}
                onDragEnd={() => {
                  setDragging(null);
                  setOver(null);
                }}
                onDragOver={(event) => {
                  if (!canMove || !dragging) return;
                  event.preventDefault();
                  setOver(stop.stop_id);
                }}
                onDrop={(event) => canMove && onDrop(event, stop.stop_id)}
                data-testid="route-stop"
              >
                <span
                  className={cn(
                    styles.stopIndex,
                    stop.type === 'PICKUP' && styles.stopIndexPickup,
                    stop.status === 'COMPLETED' && styles.stopIndexDone,
                    stop.status === 'FAILED' && styles.stopIndexFailed,
                  )}
                  aria-hidden="true"
                >
                  {index + 1}
                </span>
                <div>
                  <div className={styles.stopTitle}>
                    <Badge tone={stop.type === 'PICKUP' ? 'info' : 'neutral'}>{t.stopTypes[stop.type]}</Badge>
                    <Link to={paths.ops.order(stop.order_id)}>{referenceOf(stop.order_id)}</Link>
                  </div>
                  <div className={styles.stopMeta}>
                    <span>{[stop.address_line, stop.city].filter(Boolean).join(', ')}</span>
                    <span>{labels.eta(formatDateTime(stop.scheduled_eta))}</span>
                    {unmet.has(stop.stop_id) && <span className={styles.warning}>{labels.windowMissed}</span>}
                    {(stop.lat == null || stop.lng == null) && <span className={styles.warning}>{labels.noCoordinates}</span>}
                  </div>
                </div>
                <div className={styles.stopActions}>
                  <RouteStopStatusBadge status={stop.status} />
                  {canMove && (
                    <>
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-label={labels.moveUp(index + 1)}
                        disabled={pendingIndex <= 0 || reorder.isPending}
                        onClick={() => stepMove(stop, -1)}
                      >
                        <ChevronUpIcon size={16} />
                      </Button>
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-label={labels.moveDown(index + 1)}
                        disabled={pendingIndex >= pending.length - 1 || reorder.isPending}
                        onClick={() => stepMove(stop, 1)}
                      >
                        <ChevronDownIcon size={16} />
                      </Button>
                    </>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}

function OrdersCard({ route, canEdit }: { route: RouteDetailData; canEdit: boolean }) {
  const labels = t.routes.detail;
  const remove = useRemoveRouteOrder();
  const [removing, setRemoving] = useState<{ id: string; reference: string } | null>(null);
  return (
    <Card title={labels.orders(route.orders.length)}>
      {route.orders.length === 0 ? (
        <p className={styles.muted}>{labels.noOrders}</p>
      ) : (
        <ul className={styles.orderList}>
          {route.orders.map((order) => (
            <li key={order.id} className={styles.orderRow}>
              <span>
                <Link to={paths.ops.order(order.id)}>{order.reference_code}</Link>
                <span className={styles.muted}> · {order.customer_name} · {t.orderStatuses[order.status]}</span>
              </span>
              {canEdit && order.status === 'ASSIGNED' && (
                <Button
                  variant="ghost"
                  size="sm"
                  icon={<TrashIcon size={16} />}
                  onClick={() => setRemoving({ id: order.id, reference: order.reference_code })}
                >
                  <span className="visually-hidden">{labels.removeOrder(order.reference_code)}</span>
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title={labels.removeTitle(removing?.reference ?? '')}
        description={labels.removeBody}
        confirmLabel={labels.removeConfirm}
        isPending={remove.isPending}
        onConfirm={() =>
          removing &&
          remove.mutate(
            { routeId: route.id, orderId: removing.id },
            {
              onSuccess: () => toast.success(labels.removed(removing.reference)),
              onSettled: () => setRemoving(null),
            },
          )
        }
      />
    </Card>
  );
}

function AddOrdersDialog({ route, candidates, open, onClose }: { route: RouteDetailData; candidates: Option[]; open: boolean; onClose: () => void }) {
  const labels = t.routes.detail;
  const add = useAddRouteOrders();
  const available = candidates.filter((candidate) => !route.order_ids.includes(candidate.id));

  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={labels.addTitle}
      description={labels.addDescription}
      schema={addRouteOrdersInputSchema}
      defaultValues={{ order_ids: [], optimize: true }}
      serverFields={['order_ids']}
      submit={(data, { idempotencyKey }) => add.mutateAsync({ routeId: route.id, data, idempotencyKey: idempotencyKey(data) })}
      successMessage={(_route, data) => labels.added(data.order_ids.length)}
      submitLabel={(values) => labels.addSubmit(values.order_ids.length)}
      submitDisabled={(values) => values.order_ids.length === 0}
    >
      {({ register, formState: { errors } }) => (
        <>
          {available.length === 0 ? (
            <p className={styles.muted}>{labels.noCandidates}</p>
          ) : (
            <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
              <legend className="visually-hidden">{labels.addTitle}</legend>
              <div className={styles.checkList}>
                {available.map((candidate) => (
                  <Checkbox
                    key={candidate.id}
                    value={candidate.id}
                    label={candidate.hint ? `${candidate.label} · ${candidate.hint}` : candidate.label}
                    {...register('order_ids')}
                  />
                ))}
              </div>
              {errors.order_ids?.message && (
                <p role="alert" style={{ color: 'var(--color-danger)' }}>
                  {errors.order_ids.message}
                </p>
              )}
            </fieldset>
          )}
          <Checkbox label={t.routes.create.optimize} {...register('optimize')} />
        </>
      )}
    </FormDialog>
  );
}

function CancelRouteDialog({ routeId, open, onClose }: { routeId: string; open: boolean; onClose: () => void }) {
  const labels = t.routes.detail;
  const cancel = useCancelRoute();

  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={labels.cancelTitle}
      description={labels.cancelBody}
      schema={cancelRouteInputSchema}
      defaultValues={{ reason: '' }}
      serverFields={['reason']}
      submit={({ reason }, { idempotencyKey }) => {
        const value = reason ?? null;
        return cancel.mutateAsync({ routeId, reason: value, idempotencyKey: idempotencyKey(value) });
      }}
      successMessage={() => labels.cancelled}
      submitLabel={labels.cancelConfirm}
      tone="danger"
    >
      {({ register, formState: { errors } }) => (
        <Field label={labels.cancelReason} optional error={errors.reason?.message}>
          <Textarea rows={3} {...register('reason')} />
        </Field>
      )}
    </FormDialog>
  );
}

function RouteDetailSkeleton(): ReactNode {
  return (
    <SkeletonGroup>
      <Skeleton width="8rem" />
      <Skeleton width="18rem" height="2rem" />
      <div className={styles.layout} style={{ marginTop: 'var(--space-4)' }}>
        <Skeleton height="28rem" radius="var(--radius-lg)" />
        <div className={styles.column}>
          <Skeleton height="16rem" radius="var(--radius-lg)" />
          <Skeleton height="8rem" radius="var(--radius-lg)" />
        </div>
      </div>
    </SkeletonGroup>
  );
}
