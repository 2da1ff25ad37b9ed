
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { Field } from '@/components/ui/field';
import { FormStack } from '@/components/ui/form-layout';
import { Checkbox, Input } from '@/components/ui/input';
import { SkeletonLines } from '@/components/ui/skeleton';
import { useApiForm } from '@/lib/use-api-form';
import { t } from '@/locales';
import type { TrackingSettings } from '@/types/api';

import { useTrackingSettings } from '../api/get-tracking-settings';
import { trackingSettingsInputSchema, usePutTrackingSettings, type TrackingSettingsFormValues } from '../api/put-tracking-settings';

/** What the public tracking page shows, and how long its links last. */
export function TrackingSettingsCard() {
  const settings = useTrackingSettings();
  const labels = t.webhooks.tracking;
  return (
    <Card title={labels.title} description={labels.description}>
      {settings.isPending ? (
        <SkeletonLines lines={2} />
      ) : settings.data === undefined ? (
        <ErrorState headingLevel="h3" error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <TrackingSettingsForm settings={settings.data} />
      )}
    </Card>
  );
}

function TrackingSettingsForm({ settings }: { settings: TrackingSettings }) {
  const labels = t.webhooks.tracking;
  const put = usePutTrackingSettings();
  const { form, onSubmit } = useApiForm<TrackingSettingsFormValues, TrackingSettings, TrackingSettings>({
    schema: trackingSettingsInputSchema,
    defaultValues: settings,
    serverFields: ['show_pod_photo', 'link_expiry_days'],
    submit: (data) => put.mutateAsync(data),
    successMessage: () => labels.saved,
    // The saved settings become the form's new starting point (Save is disabled until a change).
    onSuccess: (saved) => {
      form.reset(saved);
    },
  });
  const {
    register,
    formState: { errors, isDirty },
  } = form;
  return (
    <FormStack onSubmit={onSubmit}>
      <Checkbox label={labels.showPhoto} {...register('show_pod_photo')} />
      <Field label={labels.expiry} hint={labels.expiryHint} error={errors.link_expiry_days?.message}>
        <Input type="number" min={1} max={90} step={1} inputMode="numeric" {...register('link_expiry_days')} />
      </Field>
      <div>
        <Button type="submit" isLoading={put.isPending} disabled={!isDirty}>
          {t.common.save}
        </Button>
      </div>
    </FormStack>
  );
}
