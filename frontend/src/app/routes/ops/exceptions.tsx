import { PageHeader } from '@/components/ui/page-header';
import { ExceptionsList } from '@/features/exceptions/components/exceptions-list';
import { useInvalidateOrder } from '@/features/orders/api/get-order';
import { t } from '@/locales';

export default function ExceptionsRoute() {
  const invalidateOrder = useInvalidateOrder();
  return (
    <>
      <PageHeader title={t.exceptions.title} description={t.exceptions.subtitle} />
      <ExceptionsList onChanged={(exception) => void invalidateOrder(exception.order_id)} />
    </>
  );
}
