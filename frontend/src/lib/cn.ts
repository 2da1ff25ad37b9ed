/** Joins class names, skipping falsy values (CSS-module lookups may be undefined). */
export const cn = (...classes: Array<string | false | null | undefined>): string => classes.filter(Boolean).join(' ');
