import { Card } from '@/components/ui/card';
import { formatDateTime } from '@/lib/format';
import { t } from '@/locales';
import type { OrderException } from '@/types/api';

import { ExceptionActions } from './exception-actions';
import { ExceptionStatusBadge } from './exception-status-badge';
import styles from './exceptions.module.css';
import { RaiseException } from './raise-exception';

type OrderExceptionsProps = {
  orderId: string;
  exceptions: OrderException[];
  /** Called after an exception was raised or changed, so the page can refetch the order. */
  onChanged: () => void;
};

/** The exceptions of one order (as the order detail returns them), newest first, with their actions. */
export function OrderExceptions({ orderId, exceptions, onChanged }: OrderExceptionsProps) {
  const labels = t.exceptions;
  const sorted = [...exceptions].sort((a, b) => b.created_at.localeCompare(a.created_at));
  return (
    <Card title={labels.orderTitle} actions={<RaiseException orderId={orderId} onRaised={onChanged} />}>
      {sorted.length === 0 ? (
        <p className={styles.empty}>{labels.orderEmpty}</p>
      ) : (
        <ul className={styles.list}>
          {sorted.map((exception) => (
            <li key={exception.id} className={styles.item}>
              <div>
                <div className={styles.title}>
                  <span>{t.exceptionTypes[exception.type]}</span>
                  <ExceptionStatusBadge status={exception.status} />
                </div>
                <div className={styles.meta}>
                  {formatDateTime(exception.created_at)}
                  {!exception.created_by && ` · ${labels.raisedBySystem}`}
                </div>
                {exception.notes && <p className={styles.text}>{exception.notes}</p>}
                {exception.ack_note && <p className={styles.text}>{labels.ackNote(exception.ack_note)}</p>}
                {exception.resolution && <p className={styles.text}>{labels.resolution(exception.resolution)}</p>}
              </div>
              <ExceptionActions exception={exception} onChanged={onChanged} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
