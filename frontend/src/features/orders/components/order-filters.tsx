import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { SearchInput } from '@/components/ui/search-input';
import { t } from '@/locales';
import { ORDER_STATUSES, type OrderStatus } from '@/types/api';

import styles from './orders.module.css';
import { hasOrderFilters, type OrderFilterValues } from './use-order-filters';

type OrderFiltersProps = {
  value: OrderFilterValues;
  onChange: (next: Partial<OrderFilterValues>) => void;
};

export function OrderFilters({ value, onChange }: OrderFiltersProps) {
  const labels = t.orders.filters;
  return (
    <search className={styles.filters} aria-label={labels.label}>
      <Field label={labels.search}>
        <SearchInput
          value={value.q}
          onCommit={(q) => onChange({ q })}
          placeholder={labels.searchPlaceholder}
          maxLength={100}
        />
      </Field>
      <Field label={labels.status}>
        <Select value={value.status} onChange={(event) => onChange({ status: event.target.value as OrderStatus | '' })}>
          <option value="">{labels.allStatuses}</option>
          {ORDER_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t.orderStatuses[status]}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={labels.createdFrom}>
        <Input
          type="date"
          value={value.from}
          max={value.to || undefined}
          onChange={(event) => onChange({ from: event.target.value })}
        />
      </Field>
      <Field label={labels.createdTo}>
        <Input
          type="date"
          value={value.to}
          min={value.from || undefined}
          onChange={(event) => onChange({ to: event.target.value })}
        />
      </Field>
      <Button
        variant="ghost"
        disabled={!hasOrderFilters(value)}
        onClick={() => onChange({ status: '', from: '', to: '', q: '' })}
      >
        {labels.clear}
      </Button>
    </search>
  );
}
