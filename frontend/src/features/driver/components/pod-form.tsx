import { zodResolver } from '@hookform/resolvers/zod';
import { useId, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { FormStack } from '@/components/ui/form-layout';
import { Input, Textarea } from '@/components/ui/input';
import { isApiError } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { connectivity } from '@/lib/connectivity';
import { downscaleImage, PHOTO_MAX_SIDE } from '@/lib/image';
import { isTemporaryFailure } from '@/lib/offline-queue';
import { t } from '@/locales';

import { podInputSchema, type PodFormOutput, type PodFormValues } from '../api/create-pod';
import { createPodUploads, podFileProblem, type PodFile } from '../api/create-pod-uploads';
import { useDriverQueue } from '../api/driver-queue';
import { uploadFile } from '../api/upload-file';
import { useDriverActions } from '../api/use-driver-actions';

import styles from './driver.module.css';
import { SignaturePad, type SignaturePadHandle } from './signature-pad';

type PodFormProps = { orderId: string; routeId: string | null; reference: string; onDone: () => void };

/**
 * Proof of delivery: receiver name, a photo (camera or file, scaled down in the
 * browser) and/or a signature. Online, the files go straight to S3 through
 * presigned URLs with a progress bar, then the POD is recorded; offline (or
 * when the upload cannot reach S3) the whole POD is queued with its files and
 * sent when the connection returns.
 */
export function PodForm({ orderId, routeId, reference, onDone }: PodFormProps) {
  const labels = t.driverApp.pod;
  const api = useApiClient();
  const { run } = useDriverActions();
  const { items } = useDriverQueue();
  const signature = useRef<SignaturePadHandle>(null);
  const [photo, setPhoto] = useState<{ blob: Blob; url: string } | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const signatureHintId = useId();
  const {
    register,
    handleSubmit,
    setValue,
    setError,
    formState: { errors },
  } = useForm<PodFormValues, unknown, PodFormOutput>({
    resolver: zodResolver(podInputSchema),
    defaultValues: { receiver_name: '', notes: '', has_photo: false, has_signature: false },
  });

  const choosePhoto = async (file: File | undefined) => {
    if (photo) URL.revokeObjectURL(photo.url);
    if (!file) {
      setPhoto(null);
      setValue('has_photo', false);
      return;
    }
    const blob = await downscaleImage(file, PHOTO_MAX_SIDE);
    setPhoto({ blob, url: URL.createObjectURL(blob) });
    setValue('has_photo', true, { shouldValidate: true });
  };

  const submit = handleSubmit(async (values) => {
    setBusy(true);
    try {
      const files: PodFile[] = [];
      if (photo) files.push({ kind: 'photo', blob: photo.blob });
      const signed = await signature.current?.toBlob();
      if (signed) files.push({ kind: 'signature', blob: signed });
      for (const file of files) {
        const problem = podFileProblem(file);
        if (problem) {
          setError(file.kind === 'photo' ? 'has_photo' : 'has_signature', { message: labels.fileProblem[problem] });
          return;
        }
      }
      const base = {
        kind: 'pod' as const,
        orderId,
        routeId,
        receiver_name: values.receiver_name,
        notes: values.notes ?? null,
        label: labels.actionLabel(reference),
      };
      const canUploadNow = connectivity.isOnline() && items.length === 0;
      if (canUploadNow) {
        try {
          const uploads = await createPodUploads(api, orderId, files);
          const total = files.reduce((sum, file) => sum + file.blob.size, 0);
          let done = 0;
          const keys: { photo_key: string | null; signature_key: string | null } = { photo_key: null, signature_key: null };
          setProgress(0);
          for (const upload of uploads) {
            const file = files.find((candidate) => candidate.kind === upload.kind);
            if (!file) continue;
            await uploadFile(upload, file.blob, (loaded) => setProgress(Math.round(((done + loaded) / total) * 100)));
            done += file.blob.size;
            keys[upload.kind === 'photo' ? 'photo_key' : 'signature_key'] = upload.key;
          }
          setProgress(100);
          await run({ ...base, files: [], ...keys });
          onDone();
          return;
        } catch (error) {
          // A refusal (e.g. 409 the order is not in transit) is final: show it.
          if (!isTemporaryFailure(error)) {
            toast.error(isApiError(error) ? error.message : t.errors.unexpected);
            return;
          }
          // Otherwise fall through and queue the POD with its files.
        }
      }
      await run({ ...base, files, photo_key: null, signature_key: null });
      toast.info(labels.queued);
      onDone();
    } finally {
      setBusy(false);
      setProgress(null);
    }
  });

  return (
    <FormStack onSubmit={(event) => void submit(event)} aria-label={labels.title}>
      <Field label={labels.receiver} error={errors.receiver_name?.message}>
        <Input autoComplete="name" {...register('receiver_name')} />
      </Field>
      <Field label={labels.photo} hint={labels.photoHint} error={errors.has_photo?.message} optional>
        <Input
          type="file"
          accept="image/jpeg,image/png,image/webp,image/*"
          capture="environment"
          onChange={(event) => void choosePhoto(event.target.files?.[0])}
          data-testid="pod-photo"
        />
      </Field>
      {photo && <img src={photo.url} alt={labels.photoPreview} className={styles.preview} />}
      <div>
        <p style={{ fontWeight: 500, marginBottom: 'var(--space-1)' }}>{labels.signature}</p>
        <SignaturePad
          ref={signature}
          label={labels.signaturePad}
          describedBy={signatureHintId}
          onChange={(has) => setValue('has_signature', has, { shouldValidate: has })}
        />
        <p id={signatureHintId} className={styles.muted}>
          {labels.signatureHint}
        </p>
        {errors.has_signature?.message && (
          <p role="alert" className={styles.error}>
            {errors.has_signature.message}
          </p>
        )}
      </div>
      <Field label={labels.notes} optional error={errors.notes?.message}>
        <Textarea rows={2} {...register('notes')} />
      </Field>
      {progress !== null && (
        <div>
          <progress className={styles.progress} max={100} value={progress} aria-label={labels.uploading} />
          <p className={styles.muted} aria-live="polite">
            {labels.uploadProgress(progress)}
          </p>
        </div>
      )}
      <div className={styles.actions}>
        <Button type="submit" size="lg" className={styles.touch} isLoading={busy}>
          {labels.submit}
        </Button>
        <Button variant="secondary" size="lg" className={styles.touch} onClick={onDone} disabled={busy}>
          {t.common.cancel}
        </Button>
      </div>
    </FormStack>
  );
}
