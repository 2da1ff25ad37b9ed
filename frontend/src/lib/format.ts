import { locale, t } from '@/locales';

const dateFormatter = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
const numberFormatter = new Intl.NumberFormat(locale);

function toDate(value: string): Date | null {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export const formatDate = (value: string): string => {
  const date = toDate(value);
  return date ? dateFormatter.format(date) : t.common.emptyValue;
};

export const formatNumber = (value: number): string => numberFormatter.format(value);
