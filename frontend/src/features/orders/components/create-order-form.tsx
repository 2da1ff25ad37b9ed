import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useFieldArray, useForm, useWatch } from 'react-hook-form';
import { Link, useNavigate } from 'react-router';
import { toast } from 'sonner';

import { Button, buttonClassName } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { FormRow } from '@/components/ui/form-layout';
import { ChevronDownIcon, ChevronUpIcon, PlusIcon, TrashIcon } from '@/components/ui/icons';
import { Input, Select, Textarea } from '@/components/ui/input';
import { paths } from '@/config/paths';
import { isApiError } from '@/lib/api-client';
import { applyNestedApiFieldErrors } from '@/lib/form-errors';
import { useIdempotencyKeys } from '@/lib/idempotency';
import { t } from '@/locales';
import { STOP_TYPES, type OrderInput } from '@/types/api';

import {
  createOrderInputSchema,
  emptyItemLine,
  emptyOrderForm,
  emptyStop,
  ORDER_RULES,
  resolveOrderFormPath,
  useCreateOrder,
  type OrderFormValues,
} from '../api/create-order';

import styles from './order-form.module.css';
import { StopsMap } from './stops-map';
import ordersStyles from './orders.module.css';

type ListErrors = { root?: { message?: string }; message?: string } | undefined;

/** The error about a whole list (`stops`), which React Hook Form keeps at `<list>.root` or on the list itself. */
const listError = (errors: unknown): string | undefined =>
  (errors as ListErrors)?.root?.message ?? (errors as ListErrors)?.message;

export function CreateOrderForm() {
  const createOrder = useCreateOrder();
  const navigate = useNavigate();
  const keys = useIdempotencyKeys();
  const [unmapped, setUnmapped] = useState<Record<string, string>>({});
  const labels = t.orders.form;

  const {
    register,
    control,
    handleSubmit,
    setError,
    getValues,
    setValue,
    formState: { errors },
  } = useForm<OrderFormValues, unknown, OrderInput>({
    resolver: zodResolver(createOrderInputSchema),
    defaultValues: emptyOrderForm(),
  });
  const stops = useFieldArray({ control, name: 'stops' });
  const items = useFieldArray({ control, name: 'package.items' });
  const watchedStops = useWatch({ control, name: 'stops' });

  const submit = handleSubmit(async (input) => {
    setUnmapped({});
    // One key per distinct request: a retry of the same order reuses it (the API replays the
    // first answer instead of creating a duplicate); an edited order gets a new one.
    const idempotencyKey = keys.keyFor(JSON.stringify(input));
    try {
      const order = await createOrder.mutateAsync({ input, idempotencyKey });
      keys.reset();
      toast.success(t.orders.created(order.reference_code));
      await navigate(paths.ops.order(order.id));
    } catch (error) {
      if (isApiError(error) && error.code === 'idempotency_key_reused') keys.reset();
      const counts = { stops: getValues('stops').length, items: getValues('package.items').length };
      const result = applyNestedApiFieldErrors(error, setError, (path) => resolveOrderFormPath(path, counts));
      setUnmapped(result.unmapped);
    }
  });

  const stopsError = listError(errors.stops);
  const itemsError = listError(errors.package?.items);

  return (
    <form noValidate className={styles.form} onSubmit={(event) => void submit(event)}>
      <Card title={labels.orderSection}>
        <div className={styles.section}>
          <FormRow>
            <Field label={labels.referenceCode} hint={labels.referenceCodeHint} error={errors.reference_code?.message}>
              <Input
                autoComplete="off"
                spellCheck={false}
                autoCapitalize="characters"
                maxLength={60}
                {...register('reference_code')}
              />
            </Field>
            <Field label={labels.customerName} error={errors.customer_name?.message}>
              <Input autoComplete="off" {...register('customer_name')} />
            </Field>
            <Field label={labels.customerPhone} hint={labels.customerPhoneHint} error={errors.customer_phone?.message}>
              <Input type="tel" inputMode="tel" autoComplete="off" placeholder="+447700900123" {...register('customer_phone')} />
            </Field>
          </FormRow>
          <Field label={labels.notes} hint={labels.notesHint(ORDER_RULES.maxNotes)} optional error={errors.notes?.message}>
            <Textarea rows={3} {...register('notes')} />
          </Field>
        </div>
      </Card>

      <Card
        title={labels.stopsSection}
        description={labels.stopsHint(ORDER_RULES.maxStops)}
        actions={
          <Button
            variant="secondary"
            size="sm"
            icon={<PlusIcon size={16} />}
            disabled={stops.fields.length >= ORDER_RULES.maxStops}
            onClick={() => stops.append(emptyStop('DROP'))}
          >
            {labels.addStop}
          </Button>
        }
      >
        <div className={styles.section}>
          {stopsError && (
            <p className={styles.listError} role="alert">
              {stopsError}
            </p>
          )}
          <StopsMap
            stops={watchedStops}
            onPick={(index, { lat, lng }) => {
              setValue(`stops.${index}.lat`, String(lat), { shouldDirty: true, shouldValidate: true });
              setValue(`stops.${index}.lng`, String(lng), { shouldDirty: true, shouldValidate: true });
            }}
          />
          <ol className={styles.stops}>
            {stops.fields.map((field, index) => {
              const stopErrors = errors.stops?.[index];
              const n = index + 1;
              return (
                <li key={field.id}>
                  <fieldset className={styles.stop}>
                    <div className={styles.stopHeader}>
                      <legend>{labels.stopHeading(n)}</legend>
                      <div className={styles.stopActions}>
                        <Button
                          variant="ghost"
                          size="sm"
                          aria-label={labels.moveStopUp(n)}
                          title={t.common.moveUp}
                          disabled={index === 0}
                          onClick={() => stops.move(index, index - 1)}
                        >
                          <ChevronUpIcon size={16} />
                        </Button>
                        <Button
                          variant="ghost"
                          size="sm"
                          aria-label={labels.moveStopDown(n)}
                          title={t.common.moveDown}
                          disabled={index === stops.fields.length - 1}
                          onClick={() => stops.move(index, index + 1)}
                        >
                          <ChevronDownIcon size={16} />
                        </Button>
                        <Button
                          variant="ghost"
                          size="sm"
                          aria-label={labels.removeStop(n)}
                          title={t.common.remove}
                          disabled={stops.fields.length <= ORDER_RULES.minStops}
                          onClick={() => stops.remove(index)}
                        >
                          <TrashIcon size={16} />
                        </Button>
                      </div>
                    </div>
                    <div className={styles.stopGrid}>
                      <Field label={labels.stopType} error={stopErrors?.type?.message}>
                        <Select {...register(`stops.${index}.type`)}>
                          {STOP_TYPES.map((type) => (
                            <option key={type} value={type}>
                              {t.stopTypes[type]}
                            </option>
                          ))}
                        </Select>
                      </Field>
                      <Field label={labels.address} error={stopErrors?.address_line?.message}>
                        <Input autoComplete="off" {...register(`stops.${index}.address_line`)} />
                      </Field>
                      <Field label={labels.city} error={stopErrors?.city?.message}>
                        <Input autoComplete="off" {...register(`stops.${index}.city`)} />
                      </Field>
                      <Field label={labels.postalCode} optional error={stopErrors?.postal_code?.message}>
                        <Input autoComplete="off" {...register(`stops.${index}.postal_code`)} />
                      </Field>
                    </div>
                    <div className={styles.coords}>
                      <Field label={labels.lat} optional error={stopErrors?.lat?.message}>
                        <Input inputMode="decimal" autoComplete="off" placeholder="12.9716" {...register(`stops.${index}.lat`)} />
                      </Field>
                      <Field label={labels.lng} optional error={stopErrors?.lng?.message}>
                        <Input inputMode="decimal" autoComplete="off" placeholder="77.5946" {...register(`stops.${index}.lng`)} />
                      </Field>
                    </div>
                  </fieldset>
                </li>
              );
            })}
          </ol>
        </div>
      </Card>

      <Card title={labels.windowsSection} description={labels.windowsHint}>
        <div className={styles.windows}>
          {(['pickup_window', 'drop_window'] as const).map((name) => (
            <fieldset key={name} className={styles.window}>
              <legend>{name === 'pickup_window' ? labels.pickupWindow : labels.dropWindow}</legend>
              <Field label={labels.windowStart} error={errors[name]?.start?.message}>
                <Input type="datetime-local" {...register(`${name}.start`)} />
              </Field>
              <Field label={labels.windowEnd} error={errors[name]?.end?.message}>
                <Input type="datetime-local" {...register(`${name}.end`)} />
              </Field>
            </fieldset>
          ))}
        </div>
      </Card>

      <Card title={labels.packageSection}>
        <div className={styles.section}>
          <div style={{ maxWidth: '12rem' }}>
            <Field label={labels.weight} optional error={errors.package?.weight_kg?.message}>
              <Input inputMode="decimal" autoComplete="off" {...register('package.weight_kg')} />
            </Field>
          </div>
          <div className={styles.section}>
            <strong>{labels.items}</strong>
            {itemsError && (
              <p className={styles.listError} role="alert">
                {itemsError}
              </p>
            )}
            {items.fields.length > 0 && (
              <ol className={styles.items}>
                {items.fields.map((field, index) => {
                  const itemErrors = errors.package?.items?.[index];
                  return (
                    <li key={field.id} className={styles.item}>
                      <Field label={labels.itemDescription} error={itemErrors?.description?.message}>
                        <Input autoComplete="off" {...register(`package.items.${index}.description`)} />
                      </Field>
                      <Field label={labels.itemQuantity} error={itemErrors?.quantity?.message}>
                        <Input inputMode="numeric" autoComplete="off" {...register(`package.items.${index}.quantity`)} />
                      </Field>
                      <Field label={labels.itemSku} optional error={itemErrors?.sku?.message}>
                        <Input autoComplete="off" spellCheck={false} {...register(`package.items.${index}.sku`)} />
                      </Field>
                      <Button
                        variant="ghost"
                        size="sm"
                        className={styles.itemRemove}
                        aria-label={labels.removeItem(index + 1)}
                        title={t.common.remove}
                        onClick={() => items.remove(index)}
                      >
                        <TrashIcon size={16} />
                      </Button>
                    </li>
                  );
                })}
              </ol>
            )}
            <div>
              <Button
                variant="secondary"
                size="sm"
                icon={<PlusIcon size={16} />}
                disabled={items.fields.length >= ORDER_RULES.maxItemLines}
                onClick={() => items.append(emptyItemLine())}
              >
                {labels.addItem}
              </Button>
            </div>
          </div>
        </div>
      </Card>

      {Object.keys(unmapped).length > 0 && (
        <div className={ordersStyles.alert} role="alert">
          <strong>{labels.otherErrors}</strong>
          <ul>
            {Object.entries(unmapped).map(([field, reason]) => (
              <li key={field}>
                <code>{field}</code>: {reason}
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className={styles.footer}>
        <Link to={paths.ops.orders} className={buttonClassName({ variant: 'secondary' })}>
          {t.common.cancel}
        </Link>
        <Button type="submit" isLoading={createOrder.isPending}>
          {labels.create}
        </Button>
      </div>
    </form>
  );
}
