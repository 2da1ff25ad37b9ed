import { PageHeader } from '@/components/ui/page-header';
import { usePolicy } from '@/features/auth/components/require-policy';
import { EventsList } from '@/features/events/components/events-list';
import { t } from '@/locales';

export default function EventsRoute() {
  const isAdmin = usePolicy('manageSettings');
  return (
    <>
      <PageHeader title={t.events.title} description={t.events.subtitle} />
      <EventsList canRetry={isAdmin} />
    </>
  );
}
