import { useState } from 'react';
import { useI18n } from '../i18n';
import { Button, TextField, useToast } from '../ui';

/**
 * A required note and the buttons that send it (a call-back, a rectification, an appeal or its
 * decision, a second opinion): each button sends the note its own way and names what it did.
 */
export function NoteForm({
  label,
  hint,
  actions,
  ariaLabel,
  onDone,
}: {
  label: string;
  hint?: string;
  ariaLabel: string;
  /** The buttons, each with what it sends and what the toast then says. */
  actions: Array<{ label: string; primary?: boolean; send: (note: string) => Promise<unknown>; done: string }>;
  onDone: () => void;
}) {
  const { errorText } = useI18n();
  const toast = useToast();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = (a: (typeof actions)[number]) => {
    setBusy(true);
    setError(null);
    a.send(note.trim())
      .then(() => {
        toast.show(a.done);
        setNote('');
        onDone();
      })
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };
  return (
    <form className="follow-up-close" aria-label={ariaLabel} onSubmit={(e) => e.preventDefault()}>
      <TextField
        label={label}
        hint={hint}
        value={note}
        maxLength={1000}
        required
        error={error ?? undefined}
        onChange={(e) => setNote(e.target.value)}
      />
      {actions.map((a) => (
        <Button key={a.label} variant={a.primary ? 'primary' : 'secondary'} busy={busy} disabled={!note.trim()} onClick={() => run(a)}>
          {a.label}
        </Button>
      ))}
    </form>
  );
}
