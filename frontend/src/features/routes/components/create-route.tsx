import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useNavigate } from 'react-router';
import { toast } from 'sonner';

import { Button } from '@/components/ui/button';
import { Dialog, DialogFooter } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { FormRow, FormStack } from '@/components/ui/form-layout';
import { PlusIcon } from '@/components/ui/icons';
import { Checkbox, Input, Select } from '@/components/ui/input';
import { paths } from '@/config/paths';
import { applyApiFieldErrors } from '@/lib/form-errors';
import { useIdempotencyKeys } from '@/lib/idempotency';
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
  return (
    <>
      <Button icon={<PlusIcon size={16} />} onClick={() => setOpen(true)}>
        {t.routes.create.open}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t.routes.create.title} description={t.routes.create.description} size="lg">
        <CreateRouteForm {...props} onDone={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function CreateRouteForm({ date, drivers, vehicles, orders, isLoadingOptions, onDone }: CreateRouteProps & { onDone: () => void }) {
  const create = useCreateRoute();
  const keys = useIdempotencyKeys();
  const navigate = useNavigate();
  const labels = t.routes.create;
  const {
    register,
    handleSubmit,
    setError,
    watch,
    formState: { errors },
  } = useForm<CreateRouteFormValues, unknown, CreateRouteInput>({
    resolver: zodResolver(createRouteInputSchema),
    defaultValues: { route_date: date, driver_id: '', vehicle_id: '', order_ids: [], optimize: true },
  });
  const selected = watch('order_ids');

  const submit = handleSubmit(async (data) => {
    try {
      const route = await create.mutateAsync({ data, idempotencyKey: keys.keyFor(JSON.stringify(data)) });
      keys.reset();
      toast.success(labels.created);
      onDone();
      void navigate(paths.ops.route(route.id));
    } catch (error) {
      applyApiFieldErrors(error, setError, ['route_date', 'driver_id', 'vehicle_id', 'order_ids']);
    }
  });

  return (
    <FormStack onSubmit={(event) => void submit(event)}>
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
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          {t.common.cancel}
        </Button>
        <Button type="submit" isLoading={create.isPending}>
          {labels.submit}
        </Button>
      </DialogFooter>
    </FormStack>
  );
}
