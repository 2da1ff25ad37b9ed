import { en, type Messages } from './en';

export type { Messages };

/**
 * The active message catalogue. Only English exists today; to add a language,
 * create `src/locales/<lang>.ts` exporting a `Messages` object and choose it here.
 */
export const t: Messages = en;

/** BCP 47 tag used for number and date formatting. */
export const locale = 'en';
