/**
 * Downscales a photo in the browser before upload: at most `maxSide` pixels on
 * the long side, re-encoded as JPEG. A phone photo of 4-8 MB becomes ~200-400 KB,
 * which matters on a mobile connection. Falls back to the original file when
 * the browser cannot decode it.
 */
export async function downscaleImage(file: Blob, maxSide = 1600, quality = 0.8): Promise<Blob> {
  if (typeof createImageBitmap !== 'function' || typeof document === 'undefined') return file;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return file;
  }
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return file;
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  // Keep the original if re-encoding made it bigger (a small PNG screenshot, say) and it is a type the API takes.
  if (!blob) return file;
  return blob.size < file.size || !['image/jpeg', 'image/png', 'image/webp'].includes(file.type) ? blob : file;
}

/** Long side in pixels the app scales photos down to. */
export const PHOTO_MAX_SIDE = 1600;
