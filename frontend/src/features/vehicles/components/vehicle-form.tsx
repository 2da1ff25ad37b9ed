import type { UseFormReturn } from 'react-hook-form';

import { Field } from '@/components/ui/field';
import { FormRow } from '@/components/ui/form-layout';
import { Input, Select } from '@/components/ui/input';
import { t } from '@/locales';
import { VEHICLE_TYPES } from '@/types/api';

import type { VehicleFormValues, VehicleInput } from '../api/create-vehicle';

/** The server's field errors these fields show. */
export const VEHICLE_FIELDS = ['plate_number', 'type', 'capacity_kg'] as const;

/** The fields of the create and edit vehicle dialogs (see `FormDialog`). */
export function VehicleFields({ form }: { form: UseFormReturn<VehicleFormValues, unknown, VehicleInput> }) {
  const labels = t.vehicles.form;
  const {
    register,
    formState: { errors },
  } = form;

  return (
    <>
      <Field label={labels.plate} hint={labels.plateHint} error={errors.plate_number?.message}>
        <Input
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          style={{ textTransform: 'uppercase' }}
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
    </>
  );
}
