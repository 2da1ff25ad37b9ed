import { PageHeader } from '@/components/ui/page-header';
import { EventsList } from '@/features/events/components/events-list';
import { t } from '@/locales';

export default function EventsRoute() {
  return (
    <>
      <PageHeader title={t.events.title} description={t.events.subtitle} />
      <EventsList />
    </>
  );
}
