import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';

import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { FormStack } from '@/components/ui/form-layout';
import { Input, Textarea } from '@/components/ui/input';
import { isConflict } from '@/lib/concurrency';
import { applyApiFieldErrors } from '@/lib/form-errors';
import { useIdempotencyKeys } from '@/lib/idempotency';
import { t } from '@/locales';
import type { OrderDetail } from '@/types/api';

import {
  canCancel,
  cancelOrderInputSchema,
  isFinal,
  useCancelOrder,
  type CancelOrderFormValues,
  type CancelOrderInput,
} from '../api/cancel-order';
import { ORDER_RULES } from '../api/create-order';
import {
  orderChanges,
  updateOrderInputSchema,
  useUpdateOrder,
  type UpdateOrderFormValues,
  type UpdateOrderInput,
} from '../api/update-order';

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

      <Dialog
        open={editing}
        onClose={() => setEditing(false)}
        title={t.orders.edit.title}
        description={t.orders.edit.description}
      >
        <EditOrderForm order={order} onDone={() => setEditing(false)} />
      </Dialog>

      <Dialog
        open={cancelling}
        onClose={() => setCancelling(false)}
        title={t.orders.cancel.title(order.reference_code)}
        description={t.orders.cancel.description}
      >
        <CancelOrderForm onConfirm={confirmCancel} onDone={() => setCancelling(false)} />
      </Dialog>
    </>
  );
}

const EDIT_FIELDS = ['customer_name', 'customer_phone', 'notes'] as const;

function EditOrderForm({ order, onDone }: { order: OrderDetail; onDone: () => void }) {
  const updateOrder = useUpdateOrder();
  const labels = t.orders.form;
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<UpdateOrderFormValues, unknown, UpdateOrderInput>({
    resolver: zodResolver(updateOrderInputSchema),
    defaultValues: { customer_name: order.customer_name, customer_phone: order.customer_phone, notes: order.notes ?? '' },
  });

  const submit = handleSubmit(async (values) => {
    const changes = orderChanges(order, values);
    if (Object.keys(changes).length === 0) {
      toast.info(t.orders.edit.noChanges);
      onDone();
      return;
    }
    try {
      await updateOrder.mutateAsync({ orderId: order.id, data: changes });
      toast.success(t.orders.edit.updated(order.reference_code));
      onDone();
    } catch (error) {
      // A 409 (final by now, or changed by someone else) was toasted and the order reloaded.
      if (isConflict(error)) onDone();
      else applyApiFieldErrors(error, setError, EDIT_FIELDS);
    }
  });

  return (
    <FormStack onSubmit={(event) => void submit(event)}>
      <Field label={labels.customerName} error={errors.customer_name?.message}>
        <Input autoComplete="off" autoFocus {...register('customer_name')} />
      </Field>
      <Field label={labels.customerPhone} hint={labels.customerPhoneHint} error={errors.customer_phone?.message}>
        <Input type="tel" inputMode="tel" autoComplete="off" {...register('customer_phone')} />
      </Field>
      <Field label={labels.notes} hint={labels.notesHint(ORDER_RULES.maxNotes)} optional error={errors.notes?.message}>
        <Textarea rows={4} {...register('notes')} />
      </Field>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          {t.common.cancel}
        </Button>
        <Button type="submit" isLoading={updateOrder.isPending}>
          {t.common.save}
        </Button>
      </DialogFooter>
    </FormStack>
  );
}

function CancelOrderForm({ onConfirm, onDone }: { onConfirm: (input: CancelOrderInput) => void; onDone: () => void }) {
  const labels = t.orders.cancel;
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<CancelOrderFormValues, unknown, CancelOrderInput>({
    resolver: zodResolver(cancelOrderInputSchema),
    defaultValues: { reason: '' },
  });

  return (
    <FormStack onSubmit={(event) => void handleSubmit(onConfirm)(event)}>
      <Field label={labels.reason} hint={labels.reasonHint} error={errors.reason?.message}>
        <Textarea rows={3} autoFocus {...register('reason')} />
      </Field>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          {labels.keep}
        </Button>
        <Button type="submit" variant="danger">
          {labels.confirm}
        </Button>
      </DialogFooter>
    </FormStack>
  );
}
