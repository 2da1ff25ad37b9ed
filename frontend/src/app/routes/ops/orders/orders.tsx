import { Link } from 'react-router';

import { buttonClassName } from '@/components/ui/button';
import { PlusIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { paths } from '@/config/paths';
import { ImportOrders } from '@/features/orders/components/import-orders';
import { OrdersList } from '@/features/orders/components/orders-list';
import { t } from '@/locales';

function NewOrderLink({ variant = 'primary' }: { variant?: 'primary' | 'secondary' }) {
  return (
    <Link to={paths.ops.newOrder} className={buttonClassName({ variant })}>
      <PlusIcon size={16} />
      {t.orders.add}
    </Link>
  );
}

export default function OrdersRoute() {
  return (
    <>
      <PageHeader
        title={t.orders.title}
        description={t.orders.subtitle}
        actions={
          <>
            <ImportOrders />
            <NewOrderLink />
          </>
        }
      />
      <OrdersList emptyAction={<NewOrderLink variant="secondary" />} />
    </>
  );
}
