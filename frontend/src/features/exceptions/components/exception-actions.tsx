import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';

import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { FormStack } from '@/components/ui/form-layout';
import { Textarea } from '@/components/ui/input';
import { isConflict } from '@/lib/concurrency';
import { applyApiFieldErrors } from '@/lib/form-errors';
import { useIdempotencyKeys } from '@/lib/idempotency';
import { t } from '@/locales';
import type { OrderException } from '@/types/api';

import { ackExceptionInputSchema, useAckException, type AckExceptionFormValues } from '../api/ack-exception';
import {
  resolveExceptionInputSchema,
  useResolveException,
  type ResolveExceptionFormValues,
} from '../api/resolve-exception';

type ExceptionActionsProps = {
  exception: OrderException;
  /** Called after the exception changed (or was found changed: 409), e.g. to refetch its order. */
  onChanged?: (exception: OrderException) => void;
};

/** Acknowledge (while OPEN) and Resolve (until RESOLVED), each with its note in a dialog. */
export function ExceptionActions({ exception, onChanged }: ExceptionActionsProps) {
  const [dialog, setDialog] = useState<'ack' | 'resolve' | null>(null);
  const typeLabel = t.exceptionTypes[exception.type];
  const close = () => setDialog(null);

  if (exception.status === 'RESOLVED') return null;
  return (
    <div style={{ display: 'inline-flex', gap: 'var(--space-1)' }}>
      {exception.status === 'OPEN' && (
        <Button variant="ghost" size="sm" onClick={() => setDialog('ack')}>
          {t.exceptions.ack.open}
          <span className="visually-hidden"> {typeLabel}</span>
        </Button>
      )}
      <Button variant="ghost" size="sm" onClick={() => setDialog('resolve')}>
        {t.exceptions.resolve.open}
        <span className="visually-hidden"> {typeLabel}</span>
      </Button>

      <Dialog open={dialog === 'ack'} onClose={close} title={t.exceptions.ack.title} description={t.exceptions.ack.description}>
        <AckForm exception={exception} onDone={close} onChanged={onChanged} />
      </Dialog>
      <Dialog
        open={dialog === 'resolve'}
        onClose={close}
        title={t.exceptions.resolve.title}
        description={t.exceptions.resolve.description}
      >
        <ResolveForm exception={exception} onDone={close} onChanged={onChanged} />
      </Dialog>
    </div>
  );
}

type FormProps = { exception: OrderException; onDone: () => void; onChanged: ExceptionActionsProps['onChanged'] };

function AckForm({ exception, onDone, onChanged }: FormProps) {
  const ack = useAckException();
  const keys = useIdempotencyKeys();
  const labels = t.exceptions.ack;
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<AckExceptionFormValues, unknown, { note?: string | undefined }>({
    resolver: zodResolver(ackExceptionInputSchema),
    defaultValues: { note: '' },
  });

  const submit = handleSubmit(async ({ note }) => {
    const data = note ? { note } : {};
    try {
      const updated = await ack.mutateAsync({
        exceptionId: exception.id,
        data,
        idempotencyKey: keys.keyFor(JSON.stringify(data)),
      });
      toast.success(labels.done);
      onChanged?.(updated);
      onDone();
    } catch (error) {
      if (isConflict(error)) {
        onChanged?.(exception);
        onDone();
      } else applyApiFieldErrors(error, setError, ['note']);
    }
  });

  return (
    <FormStack onSubmit={(event) => void submit(event)}>
      <Field label={labels.note} optional error={errors.note?.message}>
        <Textarea rows={3} autoFocus {...register('note')} />
      </Field>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          {t.common.cancel}
        </Button>
        <Button type="submit" isLoading={ack.isPending}>
          {labels.submit}
        </Button>
      </DialogFooter>
    </FormStack>
  );
}

function ResolveForm({ exception, onDone, onChanged }: FormProps) {
  const resolve = useResolveException();
  const keys = useIdempotencyKeys();
  const labels = t.exceptions.resolve;
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<ResolveExceptionFormValues, unknown, { resolution: string }>({
    resolver: zodResolver(resolveExceptionInputSchema),
    defaultValues: { resolution: '' },
  });

  const submit = handleSubmit(async (data) => {
    try {
      const updated = await resolve.mutateAsync({
        exceptionId: exception.id,
        data,
        idempotencyKey: keys.keyFor(JSON.stringify(data)),
      });
      toast.success(labels.done);
      onChanged?.(updated);
      onDone();
    } catch (error) {
      if (isConflict(error)) {
        onChanged?.(exception);
        onDone();
      } else applyApiFieldErrors(error, setError, ['resolution']);
    }
  });

  return (
    <FormStack onSubmit={(event) => void submit(event)}>
      <Field label={labels.resolution} error={errors.resolution?.message}>
        <Textarea rows={3} autoFocus {...register('resolution')} />
      </Field>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          {t.common.cancel}
        </Button>
        <Button type="submit" isLoading={resolve.isPending}>
          {labels.submit}
        </Button>
      </DialogFooter>
    </FormStack>
  );
}
