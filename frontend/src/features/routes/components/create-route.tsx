import { useState } from 'react';
import { useWatch, type UseFormReturn } from 'react-hook-form';
import { useNavigate } from 'react-router';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { FormRow } from '@/components/ui/form-layout';
import { PlusIcon } from '@/components/ui/icons';
import { Checkbox, Input, Select } from '@/components/ui/input';
import { paths } from '@/config/paths';
import { t } from '@/locales';

import {
  createRouteInputSchema,
  ROUTE_RULES,
  useCreateRoute,
  type CreateRouteFormValues,
  type CreateRouteInput,
} from '../api/create-route';

import styles from './routes.module.css';

export type Option = { id: string; label: string; hint?: string };

type CreateRouteProps = {
  date: string;
  drivers: Option[];
  vehicles: Option[];
  /** CREATED orders that can go on a route. */
  orders: Option[];
  isLoadingOptions?: boolean;
};

/** "New route" button and dialog: date, driver, vehicle, orders, optimise. */
export function CreateRoute(props: CreateRouteProps) {
  const [open, setOpen] = useState(false);
  const create = useCreateRoute();
  const navigate = useNavigate();
  const labels = t.routes.create;
  return (
    <>
      <Button icon={<PlusIcon size={16} />} onClick={() => setOpen(true)}>
        {labels.open}
      </Button>
      <FormDialog
        open={open}
        onClose={() => setOpen(false)}
        title={labels.title}
        description={labels.description}
        size="lg"
        schema={createRouteInputSchema}
        defaultValues={{ route_date: props.date, driver_id: '', vehicle_id: '', order_ids: [], optimize: true }}
        serverFields={['route_date', 'driver_id', 'vehicle_id', 'order_ids']}
        submit={(data, { idempotencyKey }) => create.mutateAsync({ data, idempotencyKey: idempotencyKey(data) })}
        successMessage={() => labels.created}
        onSuccess={(route) => navigate(paths.ops.route(route.id))}
        submitLabel={labels.submit}
      >
        {(form) => <CreateRouteFields {...props} form={form} />}
      </FormDialog>
    </>
  );
}

type CreateRouteFieldsProps = CreateRouteProps & { form: UseFormReturn<CreateRouteFormValues, unknown, CreateRouteInput> };

function CreateRouteFields({ drivers, vehicles, orders, isLoadingOptions, form }: CreateRouteFieldsProps) {
  const labels = t.routes.create;
  const {
    register,
    control,
    formState: { errors },
  } = form;
  const selected = useWatch({ control, name: 'order_ids' });

  return (
    <>
      <FormRow>
        <Field label={labels.date} error={errors.route_date?.message}>
          <Input type="date" {...register('route_date')} />
        </Field>
        <Field label={labels.driver} error={errors.driver_id?.message}>
          <Select {...register('driver_id')} disabled={isLoadingOptions}>
            <option value="">{labels.choose}</option>
            {drivers.map((driver) => (
              <option key={driver.id} value={driver.id}>
                {driver.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={labels.vehicle} error={errors.vehicle_id?.message}>
          <Select {...register('vehicle_id')} disabled={isLoadingOptions}>
            <option value="">{labels.choose}</option>
            {vehicles.map((vehicle) => (
              <option key={vehicle.id} value={vehicle.id}>
                {vehicle.label}
              </option>
            ))}
          </Select>
        </Field>
      </FormRow>
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend style={{ fontWeight: 500, marginBottom: 'var(--space-1)' }}>
          {labels.orders(selected.length, ROUTE_RULES.maxOrders)}
        </legend>
        {orders.length === 0 ? (
          <p className={styles.muted}>{isLoadingOptions ? t.common.loading : labels.noOrders}</p>
        ) : (
          <div className={styles.checkList}>
            {orders.map((order) => (
              <Checkbox
                key={order.id}
                value={order.id}
                label={
                  <>
                    {order.label}
                    {order.hint && <span className={styles.muted}> · {order.hint}</span>}
                  </>
                }
                {...register('order_ids')}
              />
            ))}
          </div>
        )}
        {errors.order_ids?.message && (
          <p role="alert" style={{ color: 'var(--color-danger)' }}>
            {errors.order_ids.message}
          </p>
        )}
      </fieldset>
      <Checkbox label={labels.optimize} {...register('optimize')} />
    </>
  );
}
