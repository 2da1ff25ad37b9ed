import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState, type PointerEvent } from 'react';

import { Button } from '@/components/ui/button';
import { t } from '@/locales';

import styles from './driver.module.css';

export type SignaturePadHandle = {
  /** The drawing as a PNG, or null when nothing was drawn. */
  toBlob(): Promise<Blob | null>;
  clear(): void;
};

type SignaturePadProps = { onChange?: (hasSignature: boolean) => void; label: string; describedBy?: string };

/** A canvas to sign on with a finger, stylus or mouse (pointer events); white background, PNG output. */
export const SignaturePad = forwardRef<SignaturePadHandle, SignaturePadProps>(function SignaturePad({ onChange, label, describedBy }, ref) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [hasInk, setHasInk] = useState(false);
  // The latest callback, so that a new function from the parent does not reset the pad.
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  });

  const reset = useCallback(() => {
    const element = canvas.current;
    if (!element) return;
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = element.getBoundingClientRect();
    element.width = Math.max(1, Math.round(width * ratio));
    element.height = Math.max(1, Math.round(height * ratio));
    const context = element.getContext('2d');
    if (!context) return;
    context.scale(ratio, ratio);
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    context.lineWidth = 2.5;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#111827';
    setHasInk(false);
    onChangeRef.current?.(false);
  }, []);

  useEffect(() => reset(), [reset]);

  useImperativeHandle(
    ref,
    () => ({
      toBlob: () =>
        new Promise((resolve) => {
          if (!hasInk || !canvas.current) return resolve(null);
          canvas.current.toBlob((blob) => resolve(blob), 'image/png');
        }),
      clear: reset,
    }),
    [hasInk, reset],
  );

  const point = (event: PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };

  return (
    <div className={styles.signature}>
      <canvas
        ref={canvas}
        className={styles.signatureCanvas}
        role="img"
        aria-label={label}
        aria-describedby={describedBy}
        data-testid="signature-pad"
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          drawing.current = true;
          const context = event.currentTarget.getContext('2d');
          const { x, y } = point(event);
          context?.beginPath();
          context?.moveTo(x, y);
          context?.lineTo(x + 0.1, y + 0.1);
          context?.stroke();
        }}
        onPointerMove={(event) => {
          if (!drawing.current) return;
          const context = event.currentTarget.getContext('2d');
          const { x, y } = point(event);
          context?.lineTo(x, y);
          context?.stroke();
          if (!hasInk) {
            setHasInk(true);
            onChangeRef.current?.(true);
          }
        }}
        onPointerUp={() => {
          drawing.current = false;
        }}
        onPointerCancel={() => {
          drawing.current = false;
        }}
      />
      <Button variant="ghost" size="sm" onClick={reset} disabled={!hasInk}>
        {t.driverApp.pod.clearSignature}
      </Button>
    </div>
  );
});
