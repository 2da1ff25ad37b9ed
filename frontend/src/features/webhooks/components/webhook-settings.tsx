import { useState } from 'react';
import { useWatch } from 'react-hook-form';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { ErrorState } from '@/components/ui/error-state';
import { Field } from '@/components/ui/field';
import { FormStack } from '@/components/ui/form-layout';
import { Checkbox, Input } from '@/components/ui/input';
import { SkeletonLines } from '@/components/ui/skeleton';
import { formatDateTime } from '@/lib/format';
import { useApiForm } from '@/lib/use-api-form';
import { t } from '@/locales';
import type { WebhookSettings } from '@/types/api';

import { useWebhookSettings } from '../api/get-webhook-settings';
import {
  usePutWebhookSettings,
  WEBHOOK_EVENT_TYPES,
  webhookSettingsInputSchema,
} from '../api/put-webhook-settings';

import styles from '@/components/ui/log-view.module.css';

export function WebhookSettingsCard() {
  const settings = useWebhookSettings();
  const labels = t.webhooks.settings;
  return (
    <Card title={labels.title} description={labels.description}>
      {settings.isPending ? (
        <SkeletonLines lines={4} />
      ) : settings.data === undefined ? (
        <ErrorState headingLevel="h3" error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <WebhookSettingsForm settings={settings.data} />
      )}
    </Card>
  );
}

function WebhookSettingsForm({ settings }: { settings: WebhookSettings | null }) {
  const labels = t.webhooks.settings;
  const put = usePutWebhookSettings();
  const [generated, setGenerated] = useState<string | null>(null);
  const allEvents = !settings || settings.events.includes('*');
  const { form, onSubmit } = useApiForm({
    schema: webhookSettingsInputSchema,
    defaultValues: {
      enabled: settings?.enabled ?? false,
      url: settings?.url ?? '',
      secret: '',
      all_events: allEvents,
      events: allEvents ? [] : settings.events,
    },
    serverFields: ['url', 'secret', 'events'],
    submit: (data) => put.mutateAsync(data),
    successMessage: () => labels.saved,
    onSuccess: (saved) => {
      setGenerated(saved.generated_secret ?? null);
      form.resetField('secret');
    },
  });
  const {
    register,
    control,
    formState: { errors, isDirty },
  } = form;
  const allEventsChecked = useWatch({ control, name: 'all_events' });

  return (
    <FormStack onSubmit={onSubmit}>
      {settings?.disabled_reason && (
        <p role="alert" className={styles.alert}>
          {labels.disabled(settings.disabled_reason)}
        </p>
      )}
      <Checkbox label={labels.enabled} {...register('enabled')} />
      <Field label={labels.url} hint={labels.urlHint} error={errors.url?.message}>
        <Input type="url" inputMode="url" placeholder="https://example.com/webhooks/cargoflow" {...register('url')} />
      </Field>
      <Field
        label={labels.secret}
        optional
        hint={settings ? labels.secretHint(settings.secret_last4) : labels.secretHintNew}
        error={errors.secret?.message}
      >
        <Input type="password" autoComplete="off" {...register('secret')} />
      </Field>
      {settings?.previous_secret_valid_until && (
        <p className={styles.muted}>{labels.rotating(formatDateTime(settings.previous_secret_valid_until))}</p>
      )}
      <fieldset className={styles.events}>
        <legend>{labels.events}</legend>
        <Checkbox label={labels.allEvents} {...register('all_events')} />
        {/* Hidden rather than disabled: disabled inputs drop out of the form's values. */}
        <div className={styles.eventGrid} hidden={allEventsChecked}>
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <Checkbox key={type} value={type} label={<code>{type}</code>} {...register('events')} />
          ))}
        </div>
        {errors.events?.message && (
          <p role="alert" className={styles.error}>
            {errors.events.message}
          </p>
        )}
      </fieldset>
      {generated && (
        <div className={styles.generated} role="status">
          <p>
            <strong>{labels.generatedTitle}</strong> {labels.generatedBody}
          </p>
          <code>{generated}</code>
          <CopyButton text={generated} successMessage={t.common.copied} />
        </div>
      )}
      <div>
        <Button type="submit" isLoading={put.isPending} disabled={!isDirty && Boolean(settings)}>
          {t.common.save}
        </Button>
        {settings && (
          <span className={styles.muted} style={{ marginInlineStart: 'var(--space-3)' }}>
            {settings.enabled ? <Badge tone="success">{labels.on}</Badge> : <Badge>{labels.off}</Badge>}{' '}
            {labels.updated(formatDateTime(settings.updated_at))}
          </span>
        )}
      </div>
    </FormStack>
  );
}
