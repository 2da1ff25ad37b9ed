import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { PlusIcon } from '@/components/ui/icons';
import { Select, Textarea } from '@/components/ui/input';
import { t } from '@/locales';
import { EXCEPTION_TYPES, type OrderException } from '@/types/api';

import { createExceptionInputSchema, useCreateException } from '../api/create-exception';

type RaiseExceptionProps = {
  orderId: string;
  onRaised?: (exception: OrderException) => void;
};

export function RaiseException({ orderId, onRaised }: RaiseExceptionProps) {
  const [open, setOpen] = useState(false);
  const createException = useCreateException();
  const labels = t.exceptions.raise;

  return (
    <>
      <Button variant="secondary" size="sm" icon={<PlusIcon size={16} />} onClick={() => setOpen(true)}>
        {labels.open}
      </Button>
      <FormDialog
        open={open}
        onClose={() => setOpen(false)}
        title={labels.title}
        schema={createExceptionInputSchema}
        defaultValues={{ type: 'DELAY', notes: '' }}
        serverFields={['type', 'notes']}
        submit={(input, { idempotencyKey }) => {
          const data = { type: input.type, ...(input.notes && { notes: input.notes }) };
          return createException.mutateAsync({ orderId, data, idempotencyKey: idempotencyKey(data) });
        }}
        successMessage={() => labels.raised}
        onSuccess={(exception) => onRaised?.(exception)}
        submitLabel={labels.submit}
      >
        {({ register, formState: { errors } }) => (
          <>
            <Field label={labels.type} error={errors.type?.message}>
              <Select {...register('type')}>
                {EXCEPTION_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {t.exceptionTypes[type]}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label={labels.notes} hint={labels.notesHint} optional error={errors.notes?.message}>
              <Textarea rows={4} {...register('notes')} />
            </Field>
          </>
        )}
      </FormDialog>
    </>
  );
}
