import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ClockIcon } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { t } from '@/locales';

export type ComingSoonFeature = keyof typeof t.comingSoon;

/** An honest placeholder for a section whose API does not exist yet. */
export default function ComingSoonRoute({ feature }: { feature: ComingSoonFeature }) {
  const { title, body } = t.comingSoon[feature];
  return (
    <>
      <PageHeader title={title} />
      <Card>
        <EmptyState icon={<ClockIcon size={22} />} title={t.common.comingSoon} description={body} />
      </Card>
    </>
  );
}
