import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

import { localDateToRfc3339 } from '@/lib/datetime';
import { ORDER_STATUSES, type OrderStatus } from '@/types/api';

import type { OrderFilters } from '../api/list-orders';

/** The list filters as the page holds them (and the URL, so a filtered list can be shared and survives reloads). */
export type OrderFilterValues = {
  status: OrderStatus | '';
  /** YYYY-MM-DD, local day. */
  from: string;
  /** YYYY-MM-DD, local day, inclusive. */
  to: string;
  q: string;
};

const KEYS = ['status', 'from', 'to', 'q'] as const;

export const hasOrderFilters = (values: OrderFilterValues): boolean => KEYS.some((key) => values[key] !== '');

/** What the API gets: local days as instants, a trimmed search, nothing for empty fields. */
export function toOrderFilters(values: OrderFilterValues): OrderFilters {
  const q = values.q.trim().slice(0, 100);
  return {
    status: values.status || undefined,
    created_from: (values.from && localDateToRfc3339(values.from)) || undefined,
    created_to: (values.to && localDateToRfc3339(values.to, true)) || undefined,
    q: q || undefined,
  };
}

export function useOrderFilterParams(): [OrderFilterValues, (next: Partial<OrderFilterValues>) => void] {
  const [params, setParams] = useSearchParams();
  const values = useMemo<OrderFilterValues>(() => {
    const status = params.get('status') ?? '';
    return {
      status: ORDER_STATUSES.includes(status as OrderStatus) ? (status as OrderStatus) : '',
      from: params.get('from') ?? '',
      to: params.get('to') ?? '',
      q: params.get('q') ?? '',
    };
  }, [params]);
  const update = useCallback(
    (next: Partial<OrderFilterValues>) =>
      setParams(
        (current) => {
          const merged = new URLSearchParams(current);
          for (const [key, value] of Object.entries(next)) {
            if (value) merged.set(key, value);
            else merged.delete(key);
          }
          return merged;
        },
        { replace: true },
      ),
    [setParams],
  );
  return [values, update];
}
