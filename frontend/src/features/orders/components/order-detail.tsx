import type { ReactNode } from 'react';
import { Link } from 'react-router';

import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { ArrowLeftIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton, SkeletonGroup } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { formatDateTime, formatNumber, formatWindow } from '@/lib/format';
import { t } from '@/locales';
import type { OrderDetail as OrderDetailData, StatusHistoryEntry, Stop } from '@/types/api';

import { useOrder } from '../api/get-order';

import { OrderActions } from './order-actions';
import { PodCard, ReassignOrder, TrackingCard, type ReassignTarget } from './order-extras';
import { StopsMap } from './stops-map';
import styles from './order-detail.module.css';
import { OrderStatusBadge, StopStatusBadge } from './order-status-badge';

type OrderDetailProps = {
  orderId: string;
  /** Where the page puts the order's exceptions (composed by the route from the exceptions feature). */
  renderExceptions?: (order: OrderDetailData) => ReactNode;
  /** Routes the order may move to (composed by the route from the routes feature). */
  reassignTargets?: ReassignTarget[];
};

export function OrderDetail({ orderId, renderExceptions, reassignTargets = [] }: OrderDetailProps) {
  const order = useOrder(orderId);
  const labels = t.orders.detail;

  if (order.isPending) return <OrderDetailSkeleton />;
  // A failed refetch keeps showing the order already loaded.
  if (order.data === undefined) {
    return (
      <>
        <BackLink />
        <Card>
          <ErrorState
            title={labels.loadFailed}
            error={order.error}
            onRetry={() => void order.refetch()}
            isRetrying={order.isFetching}
          />
        </Card>
      </>
    );
  }

  const data = order.data;
  return (
    <>
      <BackLink />
      <PageHeader
        title={data.reference_code}
        description={
          <span className={styles.headerMeta}>
            <OrderStatusBadge status={data.status} />
            <span>{labels.created(formatDateTime(data.created_at))}</span>
          </span>
        }
        actions={
          <>
            <ReassignOrder order={data} targets={reassignTargets} />
            <OrderActions order={data} />
          </>
        }
      />
      <div className={styles.layout}>
        <div className={styles.column}>
          <StopsCard stops={data.stops} />
          {data.stops.some((stop) => stop.lat != null && stop.lng != null) && (
            <Card title={labels.mapTitle}>
              <StopsMap stops={[...data.stops].sort((a, b) => a.sequence_index - b.sequence_index)} height="16rem" />
            </Card>
          )}
          {renderExceptions?.(data)}
          <HistoryCard history={data.history} />
        </div>
        <div className={styles.column}>
          <CustomerCard order={data} />
          <PodCard order={data} />
          <TrackingCard order={data} />
          <ScheduleCard order={data} />
          <PackageCard order={data} />
        </div>
      </div>
    </>
  );
}

function BackLink() {
  return (
    <Link to={paths.ops.orders} className={styles.back}>
      <ArrowLeftIcon size={16} />
      {t.orders.detail.back}
    </Link>
  );
}

function CustomerCard({ order }: { order: OrderDetailData }) {
  const labels = t.orders.detail;
  return (
    <Card title={labels.customer}>
      <dl className={styles.facts}>
        <dt>{labels.name}</dt>
        <dd>{order.customer_name}</dd>
        <dt>{labels.phone}</dt>
        <dd>
          <a href={`tel:${order.customer_phone}`}>{order.customer_phone}</a>
        </dd>
        <dt>{labels.notes}</dt>
        <dd className={order.notes ? styles.notes : styles.muted}>{order.notes ?? labels.noNotes}</dd>
        {order.status === 'CANCELLED' && order.cancel_reason && (
          <>
            <dt>{labels.cancelReason}</dt>
            <dd className={styles.notes}>{order.cancel_reason}</dd>
          </>
        )}
        {order.delivered_at && (
          <>
            <dt>{labels.deliveredAt}</dt>
            <dd>{formatDateTime(order.delivered_at)}</dd>
          </>
        )}
      </dl>
    </Card>
  );
}

function ScheduleCard({ order }: { order: OrderDetailData }) {
  const labels = t.orders.detail;
  return (
    <Card title={labels.windows}>
      <dl className={styles.facts}>
        <dt>{labels.pickupWindow}</dt>
        <dd>{formatWindow(order.pickup_window)}</dd>
        <dt>{labels.dropWindow}</dt>
        <dd>{formatWindow(order.drop_window)}</dd>
        <dt>{labels.assignment}</dt>
        <dd className={order.route_id ? undefined : styles.muted}>
          {order.route_id ? (
            <>
              {labels.route} <Link to={paths.ops.route(order.route_id)}>{order.route_id}</Link>
              {order.driver_id && (
                <>
                  <br />
                  {labels.driver} <code>{order.driver_id}</code>
                </>
              )}
            </>
          ) : (
            labels.notAssigned
          )}
        </dd>
      </dl>
    </Card>
  );
}

function PackageCard({ order }: { order: OrderDetailData }) {
  const labels = t.orders.detail;
  const { weight_kg: weight, dimensions, items = [] } = order.package;
  return (
    <Card title={labels.package}>
      <dl className={styles.facts}>
        <dt>{labels.weight}</dt>
        <dd>{weight != null ? labels.weightValue(formatNumber(weight)) : t.common.emptyValue}</dd>
        {dimensions && (
          <>
            <dt>{labels.dimensions}</dt>
            <dd>
              {labels.dimensionsValue(
                formatNumber(dimensions.length_cm),
                formatNumber(dimensions.width_cm),
                formatNumber(dimensions.height_cm),
              )}
            </dd>
          </>
        )}
        <dt>{labels.items}</dt>
        <dd>
          {items.length === 0 ? (
            <span className={styles.muted}>{labels.noItems}</span>
          ) : (
            <ul className={styles.itemsList}>
              {items.map((item, index) => (
                <li key={index}>
                  {item.description} {labels.itemQuantity(formatNumber(item.quantity))}
                  {item.sku && <span className={styles.muted}> · {item.sku}</span>}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </Card>
  );
}

function StopsCard({ stops }: { stops: Stop[] }) {
  const labels = t.orders.detail;
  const sorted = [...stops].sort((a, b) => a.sequence_index - b.sequence_index);
  return (
    <Card title={labels.stops}>
      <ol className={styles.stops}>
        {sorted.map((stop, index) => (
          <li key={stop.id} className={styles.stop}>
            <span className={`${styles.stopIndex} ${stop.type === 'PICKUP' ? styles.stopIndexPickup : ''}`} aria-hidden="true">
              {index + 1}
            </span>
            <div>
              <div className={styles.stopTitle}>
                <Badge tone={stop.type === 'PICKUP' ? 'info' : 'neutral'}>{t.stopTypes[stop.type]}</Badge>
                <span>{stop.address_line}</span>
              </div>
              <div className={styles.stopMeta}>
                <span>{[stop.city, stop.postal_code].filter(Boolean).join(' ')}</span>
                {stop.lat != null && stop.lng != null && (
                  <span>
                    {labels.coordinates}: {stop.lat}, {stop.lng}
                  </span>
                )}
                {(stop.contact_name || stop.contact_phone) && (
                  <span>
                    {labels.contact}: {[stop.contact_name, stop.contact_phone].filter(Boolean).join(' · ')}
                  </span>
                )}
              </div>
              <div className={styles.stopMeta}>
                <span>
                  {labels.eta}: {formatDateTime(stop.scheduled_eta)}
                </span>
                <span>
                  {labels.arrived}: {formatDateTime(stop.actual_arrival_time)}
                </span>
                {stop.completed_at && (
                  <span>
                    {labels.completed}: {formatDateTime(stop.completed_at)}
                  </span>
                )}
              </div>
            </div>
            <div>
              <span className="visually-hidden">{labels.stopStatus}: </span>
              <StopStatusBadge status={stop.status} />
            </div>
          </li>
        ))}
      </ol>
    </Card>
  );
}

/** `metadata.reason` when the API recorded one (e.g. a cancellation). */
const historyReason = (entry: StatusHistoryEntry): string | null => {
  const reason = entry.metadata.reason;
  return typeof reason === 'string' && reason.trim() ? reason : null;
};

function HistoryCard({ history }: { history: StatusHistoryEntry[] }) {
  const labels = t.orders.detail;
  // Oldest first from the API; newest on top reads better.
  const entries = [...history].reverse();
  return (
    <Card title={labels.history}>
      <ol className={styles.timeline}>
        {entries.map((entry) => {
          const reason = historyReason(entry);
          return (
            <li key={entry.id} className={styles.event}>
              <div className={styles.eventTitle}>
                {entry.from_status ? (
                  <>
                    <OrderStatusBadge status={entry.from_status} />
                    <span aria-hidden="true">→</span>
                    <span className="visually-hidden">to</span>
                    <OrderStatusBadge status={entry.to_status} />
                  </>
                ) : (
                  <span>{labels.historyCreated}</span>
                )}
              </div>
              <div className={styles.eventMeta}>
                <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time> ·{' '}
                {labels.historyBy(t.actorTypes[entry.actor_type])}
              </div>
              {reason && <div className={styles.notes}>{labels.reason(reason)}</div>}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}

function OrderDetailSkeleton() {
  return (
    <SkeletonGroup>
      <Skeleton width="8rem" />
      <Skeleton width="14rem" height="2rem" />
      <Skeleton width="18rem" />
      <div className={styles.layout} style={{ marginTop: 'var(--space-4)' }}>
        <div className={styles.column}>
          <Skeleton height="16rem" radius="var(--radius-lg)" />
          <Skeleton height="10rem" radius="var(--radius-lg)" />
        </div>
        <div className={styles.column}>
          <Skeleton height="9rem" radius="var(--radius-lg)" />
          <Skeleton height="7rem" radius="var(--radius-lg)" />
        </div>
      </div>
    </SkeletonGroup>
  );
}
