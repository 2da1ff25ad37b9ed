import { Badge, type BadgeTone } from '@/components/ui/badge';
import { t } from '@/locales';
import type { OrderStatus, StopStatus } from '@/types/api';

const ORDER_TONES: Record<OrderStatus, BadgeTone> = {
  CREATED: 'neutral',
  ASSIGNED: 'info',
  PICKED_UP: 'info',
  IN_TRANSIT: 'info',
  DELIVERED: 'success',
  FAILED: 'danger',
  CANCELLED: 'warning',
};

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return (
    <Badge tone={ORDER_TONES[status]} dot>
      {t.orderStatuses[status]}
    </Badge>
  );
}

const STOP_TONES: Record<StopStatus, BadgeTone> = {
  PENDING: 'neutral',
  ARRIVED: 'info',
  COMPLETED: 'success',
  FAILED: 'danger',
};

export function StopStatusBadge({ status }: { status: StopStatus }) {
  return <Badge tone={STOP_TONES[status]}>{t.stopStatuses[status]}</Badge>;
}
