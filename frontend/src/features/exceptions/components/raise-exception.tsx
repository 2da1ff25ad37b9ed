import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';

import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { FormStack } from '@/components/ui/form-layout';
import { PlusIcon } from '@/components/ui/icons';
import { Select, Textarea } from '@/components/ui/input';
import { applyApiFieldErrors } from '@/lib/form-errors';
import { useIdempotencyKeys } from '@/lib/idempotency';
import { t } from '@/locales';
import { EXCEPTION_TYPES, type OrderException } from '@/types/api';

import {
  createExceptionInputSchema,
  useCreateException,
  type CreateExceptionFormValues,
  type CreateExceptionInput,
} from '../api/create-exception';

type RaiseExceptionProps = {
  orderId: string;
  onRaised?: (exception: OrderException) => void;
};

export function RaiseException({ orderId, onRaised }: RaiseExceptionProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" size="sm" icon={<PlusIcon size={16} />} onClick={() => setOpen(true)}>
        {t.exceptions.raise.open}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t.exceptions.raise.title}>
        <RaiseExceptionForm orderId={orderId} onRaised={onRaised} onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

const FIELDS = ['type', 'notes'] as const;

function RaiseExceptionForm({ orderId, onRaised, onDone }: RaiseExceptionProps & { onDone: () => void }) {
  const createException = useCreateException();
  const keys = useIdempotencyKeys();
  const labels = t.exceptions.raise;
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<CreateExceptionFormValues, unknown, CreateExceptionInput>({
    resolver: zodResolver(createExceptionInputSchema),
    defaultValues: { type: 'DELAY', notes: '' },
  });

  const submit = handleSubmit(async (input) => {
    const data = { type: input.type, ...(input.notes && { notes: input.notes }) };
    try {
      const exception = await createException.mutateAsync({
        orderId,
        data,
        idempotencyKey: keys.keyFor(JSON.stringify(data)),
      });
      keys.reset();
      toast.success(labels.raised);
      onRaised?.(exception);
      onDone();
    } catch (error) {
      applyApiFieldErrors(error, setError, FIELDS);
    }
  });

  return (
    <FormStack onSubmit={(event) => void submit(event)}>
      <Field label={labels.type} error={errors.type?.message}>
        <Select autoFocus {...register('type')}>
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
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          {t.common.cancel}
        </Button>
        <Button type="submit" isLoading={createException.isPending}>
          {labels.submit}
        </Button>
      </DialogFooter>
    </FormStack>
  );
}
