import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useNavigate } from 'react-router';

import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { FormStack } from '@/components/ui/form-layout';
import { Input } from '@/components/ui/input';
import { paths } from '@/config/paths';
import { isApiError } from '@/lib/api-client';
import { t } from '@/locales';

import { scanInputSchema, useScanOrder, type ScanFormValues } from '../api/scan-order';

import styles from './driver.module.css';

type BarcodeDetectorLike = { detect(source: CanvasImageSource): Promise<{ rawValue: string }[]> };
type BarcodeDetectorCtor = new (options?: { formats?: string[] }) => BarcodeDetectorLike;

const detectorCtor = (): BarcodeDetectorCtor | null =>
  typeof window !== 'undefined' && 'BarcodeDetector' in window ? (window as unknown as { BarcodeDetector: BarcodeDetectorCtor }).BarcodeDetector : null;

/** Finds an order by its label: the camera with BarcodeDetector where the browser has it, typing otherwise. */
export function ScanOrder() {
  const labels = t.driverApp.scan;
  const scan = useScanOrder();
  const navigate = useNavigate();
  const [camera, setCamera] = useState(false);
  const [cameraError, setCameraError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    setValue,
    formState: { errors },
  } = useForm<ScanFormValues, unknown, { code: string }>({ resolver: zodResolver(scanInputSchema), defaultValues: { code: '' } });

  const lookUp = async (code: string) => {
    try {
      const order = await scan.mutateAsync(code);
      void navigate(paths.driver.order(order.id, order.route_id));
    } catch (error) {
      setError('code', { message: isApiError(error) && error.status === 404 ? labels.notFound : isApiError(error) ? error.message : t.errors.unexpected });
    }
  };

  return (
    <div className={styles.stack}>
      <title>{`${labels.title} · ${t.common.appName}`}</title>
      <h1 style={{ fontSize: 'var(--font-size-xl)' }}>{labels.title}</h1>
      {detectorCtor() && (
        <Card>
          {camera ? (
            <CameraScanner
              onCode={(code) => {
                setCamera(false);
                setValue('code', code);
                void lookUp(code);
              }}
              onError={(message) => {
                setCamera(false);
                setCameraError(message);
              }}
            />
          ) : (
            <Button size="lg" fullWidth className={styles.touch} onClick={() => setCamera(true)}>
              {labels.useCamera}
            </Button>
          )}
          {cameraError && (
            <p role="alert" className={styles.error}>
              {cameraError}
            </p>
          )}
        </Card>
      )}
      <Card title={labels.manualTitle}>
        <FormStack onSubmit={(event) => void handleSubmit(({ code }) => lookUp(code))(event)}>
          <Field label={labels.code} hint={labels.codeHint} error={errors.code?.message}>
            <Input autoCapitalize="characters" autoComplete="off" spellCheck={false} {...register('code')} />
          </Field>
          <Button type="submit" size="lg" className={styles.touch} isLoading={scan.isPending}>
            {labels.find}
          </Button>
        </FormStack>
      </Card>
    </div>
  );
}

function CameraScanner({ onCode, onError }: { onCode: (code: string) => void; onError: (message: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const labels = t.driverApp.scan;
  useEffect(() => {
    const Detector = detectorCtor();
    if (!Detector) return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setInterval> | null = null;
    let stopped = false;
    const detector = new Detector({ formats: ['qr_code', 'code_128', 'code_39', 'ean_13', 'data_matrix'] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' } })
      .then(async (media) => {
        if (stopped) return media.getTracks().forEach((track) => track.stop());
        stream = media;
        if (!video.current) return;
        video.current.srcObject = media;
        await video.current.play();
        timer = setInterval(() => {
          if (!video.current) return;
          detector
            .detect(video.current)
            .then((codes) => {
              const value = codes[0]?.rawValue?.trim();
              if (value && !stopped) {
                stopped = true;
                onCode(value);
              }
            })
            .catch(() => undefined);
        }, 300);
      })
      .catch(() => onError(labels.cameraFailed));
    return () => {
      stopped = true;
      if (timer) clearInterval(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [onCode, onError, labels.cameraFailed]);
  return <video ref={video} className={styles.video} muted playsInline aria-label={labels.cameraLabel} />;
}
