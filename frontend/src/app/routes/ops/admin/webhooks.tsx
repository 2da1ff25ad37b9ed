import { PageHeader } from '@/components/ui/page-header';
import { usePolicy } from '@/features/auth/components/require-policy';
import { TrackingSettingsCard } from '@/features/webhooks/components/tracking-settings';
import { WebhookDeliveries } from '@/features/webhooks/components/webhook-deliveries';
import { WebhookSettingsCard } from '@/features/webhooks/components/webhook-settings';
import { t } from '@/locales';

/** Webhook endpoint and secret (admins), the delivery log with replay, and tracking-page settings. */
export default function WebhooksRoute() {
  const isAdmin = usePolicy('manageSettings');
  return (
    <>
      <PageHeader title={t.webhooks.title} description={t.webhooks.subtitle} />
      <div style={{ display: 'grid', gap: 'var(--space-4)' }}>
        {isAdmin && <WebhookSettingsCard />}
        <WebhookDeliveries canReplay={isAdmin} />
        {isAdmin && <TrackingSettingsCard />}
      </div>
    </>
  );
}
