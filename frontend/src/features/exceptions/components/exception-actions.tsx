import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { Textarea } from '@/components/ui/input';
import { isConflict } from '@/lib/concurrency';
import { t } from '@/locales';
import type { OrderException } from '@/types/api';

import { ackExceptionInputSchema, useAckException } from '../api/ack-exception';
import { resolveExceptionInputSchema, useResolveException } from '../api/resolve-exception';

type ExceptionActionsProps = {
  exception: OrderException;
  /** Called after the exception changed (or was found changed: 409), e.g. to refetch its order. */
  onChanged?: (exception: OrderException) => void;
};

/** Acknowledge (while OPEN) and Resolve (until RESOLVED), each with its note in a dialog. */
export function ExceptionActions({ exception, onChanged }: ExceptionActionsProps) {
  const [dialog, setDialog] = useState<'ack' | 'resolve' | null>(null);
  const ack = useAckException();
  const resolve = useResolveException();
  const typeLabel = t.exceptionTypes[exception.type];
  const close = () => setDialog(null);
  // A 409 (changed meanwhile) was toasted by the mutation: show the exception as it is now.
  const changedMeanwhile = (error: unknown) => {
    if (!isConflict(error)) return false;
    onChanged?.(exception);
    return true;
  };

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

      <FormDialog
        open={dialog === 'ack'}
        onClose={close}
        title={t.exceptions.ack.title}
        description={t.exceptions.ack.description}
        schema={ackExceptionInputSchema}
        defaultValues={{ note: '' }}
        serverFields={['note']}
        submit={({ note }, { idempotencyKey }) => {
          const data = note ? { note } : {};
          return ack.mutateAsync({ exceptionId: exception.id, data, idempotencyKey: idempotencyKey(data) });
        }}
        successMessage={() => t.exceptions.ack.done}
        onSuccess={(updated) => onChanged?.(updated)}
        onFailure={changedMeanwhile}
        submitLabel={t.exceptions.ack.submit}
      >
        {({ register, formState: { errors } }) => (
          <Field label={t.exceptions.ack.note} optional error={errors.note?.message}>
            <Textarea rows={3} {...register('note')} />
          </Field>
        )}
      </FormDialog>
      <FormDialog
        open={dialog === 'resolve'}
        onClose={close}
        title={t.exceptions.resolve.title}
        description={t.exceptions.resolve.description}
        schema={resolveExceptionInputSchema}
        defaultValues={{ resolution: '' }}
        serverFields={['resolution']}
        submit={(data, { idempotencyKey }) =>
          resolve.mutateAsync({ exceptionId: exception.id, data, idempotencyKey: idempotencyKey(data) })
        }
        successMessage={() => t.exceptions.resolve.done}
        onSuccess={(updated) => onChanged?.(updated)}
        onFailure={changedMeanwhile}
        submitLabel={t.exceptions.resolve.submit}
      >
        {({ register, formState: { errors } }) => (
          <Field label={t.exceptions.resolve.resolution} error={errors.resolution?.message}>
            <Textarea rows={3} {...register('resolution')} />
          </Field>
        )}
      </FormDialog>
    </div>
  );
}
