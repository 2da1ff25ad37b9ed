import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';

import { Button } from '@/components/ui/button';
import { DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { FormRow, FormStack } from '@/components/ui/form-layout';
import { Input, Select } from '@/components/ui/input';
import { applyApiFieldErrors } from '@/lib/form-errors';
import { t } from '@/locales';
import { VEHICLE_TYPES } from '@/types/api';

import { vehicleInputSchema, type VehicleFormValues, type VehicleInput } from '../api/create-vehicle';

const FIELDS = ['plate_number', 'type', 'capacity_kg'] as const;

type VehicleFormProps = {
  defaultValues: Partial<VehicleFormValues>;
  submitLabel: string;
  isPending: boolean;
  /** Rejects with the API error to map onto the fields. */
  onSubmit: (values: VehicleInput) => Promise<void>;
  onCancel: () => void;
};

export function VehicleForm({ defaultValues, submitLabel, isPending, onSubmit, onCancel }: VehicleFormProps) {
  const labels = t.vehicles.form;
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<VehicleFormValues, unknown, VehicleInput>({
    resolver: zodResolver(vehicleInputSchema),
    defaultValues,
  });

  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(values);
    } catch (error) {
      applyApiFieldErrors(error, setError, FIELDS);
    }
  });

  return (
    <FormStack onSubmit={(event) => void submit(event)}>
      <Field label={labels.plate} hint={labels.plateHint} error={errors.plate_number?.message}>
        <Input
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          style={{ textTransform: 'uppercase' }}
          autoFocus
          {...register('plate_number')}
        />
      </Field>
      <FormRow>
        <Field label={labels.type} error={errors.type?.message}>
          <Select {...register('type')}>
            {VEHICLE_TYPES.map((type) => (
              <option key={type} value={type}>
                {t.vehicleTypes[type]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={labels.capacity} error={errors.capacity_kg?.message}>
          <Input type="number" inputMode="numeric" min={1} max={100000} step={1} {...register('capacity_kg', { valueAsNumber: true })} />
        </Field>
      </FormRow>
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel}>
          {t.common.cancel}
        </Button>
        <Button type="submit" isLoading={isPending}>
          {submitLabel}
        </Button>
      </DialogFooter>
    </FormStack>
  );
}
