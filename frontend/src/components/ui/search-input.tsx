import { useEffect, useState, type ComponentProps } from 'react';

import { Input } from './input';

type SearchInputProps = Omit<ComponentProps<'input'>, 'value' | 'onChange' | 'type'> & {
  value: string;
  /** Called once typing pauses (or on Enter). */
  onCommit: (value: string) => void;
  delayMs?: number;
};

/** A search box that reports what was typed after a pause, and follows `value` when it changes elsewhere. */
export function SearchInput({ value, onCommit, delayMs = 300, ...props }: SearchInputProps) {
  const [draft, setDraft] = useState(value);
  // What this box last reported, and the `value` it last saw: a new `value` that is not what
  // was reported is a change from outside (e.g. "Clear filters") and replaces the draft.
  const [sent, setSent] = useState<string | null>(null);
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    setSent(null);
    if (value !== sent) setDraft(value);
  }

  const commit = (next: string) => {
    setSent(next);
    onCommit(next);
  };

  useEffect(() => {
    if (draft === value || draft === sent) return;
    const timer = setTimeout(() => {
      setSent(draft);
      onCommit(draft);
    }, delayMs);
    return () => clearTimeout(timer);
  }, [draft, value, sent, onCommit, delayMs]);

  return (
    <Input
      type="search"
      autoComplete="off"
      spellCheck={false}
      {...props}
      value={draft}
      onChange={(event) => setDraft(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          if (draft !== value) commit(draft);
        }
      }}
    />
  );
}
