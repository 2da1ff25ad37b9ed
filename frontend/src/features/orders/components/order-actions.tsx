import { useState } from 'react';
import { toast } from 'sonner';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { Input, Textarea } from '@/components/ui/input';
import { isConflict } from '@/lib/concurrency';
import { useIdempotencyKeys } from '@/lib/idempotency';
import { t } from '@/locales';
import type { OrderDetail } from '@/types/api';

import {
  canCancel,
  cancelOrderInputSchema,
  isFinal,
  useCancelOrder,
  type CancelOrderInput,
} from '../api/cancel-order';
import { ORDER_RULES } from '../api/create-order';
import { orderChanges, updateOrderInputSchema, useUpdateOrder } from '../api/update-order';

/** Edit (while not final) and Cancel (while the status machine allows it) for the order page header. */
export function OrderActions({ order }: { order: OrderDetail }) {
  const [editing, setEditing] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const cancelOrder = useCancelOrder();
  const keys = useIdempotencyKeys();

  const confirmCancel = ({ reason }: CancelOrderInput) => {
    const reference = order.reference_code;
    // Optimistic: the page shows CANCELLED at once; a refusal puts the order back and toasts why.
    setCancelling(false);
    cancelOrder.mutate(
      { orderId: order.id, reason, idempotencyKey: keys.keyFor(`${order.id}\n${reason}`) },
      {
        onSuccess: () => {
          keys.reset();
          toast.success(t.orders.cancel.cancelled(reference));
        },
      },
    );
  };

  return (
    <>
      {!isFinal(order.status) && (
        <Button variant="secondary" onClick={() => setEditing(true)}>
          {t.orders.edit.open}
        </Button>
      )}
      {canCancel(order.status) && (
        <Button variant="danger" onClick={() => setCancelling(true)} isLoading={cancelOrder.isPending}>
          {t.orders.cancel.open}
        </Button>
      )}

      <EditOrderDialog order={order} open={editing} onClose={() => setEditing(false)} />

      <FormDialog
        open={cancelling}
        onClose={() => setCancelling(false)}
        title={t.orders.cancel.title(order.reference_code)}
        description={t.orders.cancel.description}
        schema={cancelOrderInputSchema}
        defaultValues={{ reason: '' }}
        serverFields={[]}
        // Optimistic (see confirmCancel): nothing to wait for here.
        submit={(input) => Promise.resolve(confirmCancel(input))}
        cancelLabel={t.orders.cancel.keep}
        submitLabel={t.orders.cancel.confirm}
        tone="danger"
      >
        {({ register, formState: { errors } }) => (
          <Field label={t.orders.cancel.reason} hint={t.orders.cancel.reasonHint} error={errors.reason?.message}>
            <Textarea rows={3} {...register('reason')} />
          </Field>
        )}
      </FormDialog>
    </>
  );
}

function EditOrderDialog({ order, open, onClose }: { order: OrderDetail; open: boolean; onClose: () => void }) {
  const updateOrder = useUpdateOrder();
  const labels = t.orders.form;

  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={t.orders.edit.title}
      description={t.orders.edit.description}
      schema={updateOrderInputSchema}
      defaultValues={{ customer_name: order.customer_name, customer_phone: order.customer_phone, notes: order.notes ?? '' }}
      serverFields={['customer_name', 'customer_phone', 'notes']}
      submit={async (values) => {
        const changes = orderChanges(order, values);
        if (Object.keys(changes).length === 0) {
          toast.info(t.orders.edit.noChanges);
          return false;
        }
        await updateOrder.mutateAsync({ orderId: order.id, data: changes });
        return true;
      }}
      successMessage={(changed) => (changed ? t.orders.edit.updated(order.reference_code) : null)}
      // A 409 (final by now, or changed by someone else) was toasted and the order reloaded.
      onFailure={isConflict}
      submitLabel={t.common.save}
    >
      {({ register, formState: { errors } }) => (
        <>
          <Field label={labels.customerName} error={errors.customer_name?.message}>
            <Input autoComplete="off" {...register('customer_name')} />
          </Field>
          <Field label={labels.customerPhone} hint={labels.customerPhoneHint} error={errors.customer_phone?.message}>
            <Input type="tel" inputMode="tel" autoComplete="off" {...register('customer_phone')} />
          </Field>
          <Field label={labels.notes} hint={labels.notesHint(ORDER_RULES.maxNotes)} optional error={errors.notes?.message}>
            <Textarea rows={4} {...register('notes')} />
          </Field>
        </>
      )}
    </FormDialog>
  );
}
