import { Link } from 'react-router';

import { ArrowLeftIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { paths } from '@/config/paths';
import { CreateOrderForm } from '@/features/orders/components/create-order-form';
import { t } from '@/locales';

export default function NewOrderRoute() {
  return (
    <>
      <Link
        to={paths.ops.orders}
        style={{ display: 'inline-flex', alignItems: 'center', gap: 'var(--space-1)', marginBottom: 'var(--space-3)', fontWeight: 500, textDecoration: 'none' }}
      >
        <ArrowLeftIcon size={16} />
        {t.orders.detail.back}
      </Link>
      <PageHeader title={t.orders.form.title} description={t.orders.form.subtitle} />
      <CreateOrderForm />
    </>
  );
}
