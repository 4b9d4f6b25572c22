import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import './signature.css';
import { signatureInkProblem, SIGNATURE_LIMITS, type DeclarationView } from '@tongban/shared/signature/signature';
import { useI18n } from '../../i18n';
import { Alert, Button } from '../../ui';
import { SignaturePad, type PadSignature, type SignaturePadHandle } from './SignaturePad';

/**
 * The declaration and the pad, full screen (a phone, or the tablet the window hands over): read
 * the text, sign in the box, 重写 to start again, 确认签名 to send. An empty or too short
 * signature is refused here, in plain words, before anything is sent; the server judges again.
 */
export function SignatureSheet({
  declaration,
  loadError,
  onSubmit,
  onCancel,
  extra,
  canSubmit = true,
}: {
  /** Null while it loads. */
  declaration: DeclarationView | null;
  loadError?: unknown;
  /** Sends it; a rejection is shown on the sheet and the drawing kept. */
  onSubmit(signature: PadSignature): Promise<void>;
  onCancel(): void;
  /** More to fill in before sending (the window's reason for signing again). */
  extra?: ReactNode;
  canSubmit?: boolean;
}) {
  const { t, errorText } = useI18n();
  const titleId = useId();
  const pad = useRef<SignaturePadHandle>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    heading.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel();
    };
    window.addEventListener('keydown', onKey);
    // The page under the sheet does not scroll while signing.
    const overflow = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    return () => {
      window.removeEventListener('keydown', onKey);
      document.body.style.overflow = overflow;
    };
  }, [onCancel]);

  const submit = async () => {
    setError(null);
    const drawn = pad.current?.read() ?? null;
    const why = drawn ? signatureInkProblem(drawn.strokes, drawn.pad) : 'empty';
    if (!drawn || why) {
      setProblem(
        why === 'empty'
          ? t('还没有签名：请用手指或笔在框内写下您的姓名。', 'Nothing signed yet: write your name in the box with a finger or a pen.')
          : t(
              '签名太短了：请在框内完整写下您的姓名，再点“确认签名”。',
              'The signature is too short: write your full name in the box, then tap “Confirm”.',
            ),
      );
      return;
    }
    if ((drawn.imagePng.length * 3) / 4 > SIGNATURE_LIMITS.maxPngBytes) {
      setProblem(t('签名图像过大，请点“重写”后签得简单一些。', 'The signature image is too large; tap “Clear” and sign more simply.'));
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      await onSubmit(drawn);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="signature-sheet" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="signature-sheet">
      <h2 id={titleId} ref={heading} tabIndex={-1} className="signature-title">
        {t('请阅读承诺书并签名', 'Read the declaration, then sign')}
      </h2>
      {loadError != null && <Alert tone="block">{errorText(loadError)}</Alert>}
      {declaration ? (
        <div
          className="signature-text"
          tabIndex={0}
          aria-label={t('承诺书全文', 'The declaration')}
          data-testid="declaration-text"
          lang="zh"
        >
          {declaration.text.split('\n').map((line, i) => (
            <p key={i}>{line}</p>
          ))}
        </div>
      ) : (
        loadError == null && <p className="muted">{t('正在加载承诺书…', 'Loading the declaration…')}</p>
      )}
      <SignaturePad
        ref={pad}
        label={t('签名框：在此处用手指或笔签名', 'Signature box: sign here with a finger or a pen')}
        onChange={() => setProblem(null)}
      />
      {extra}
      {(problem || error != null) && (
        <p className="field-error signature-error" role="alert">
          {problem ?? errorText(error)}
        </p>
      )}
      <div className="signature-actions">
        <Button onClick={() => pad.current?.clear()} disabled={busy}>
          {t('重写', 'Clear')}
        </Button>
        <Button onClick={onCancel} disabled={busy}>
          {t('取消', 'Cancel')}
        </Button>
        <Button variant="primary" busy={busy} disabled={!declaration || !canSubmit} onClick={() => void submit()}>
          {t('确认签名', 'Confirm signature')}
        </Button>
      </div>
    </div>
  );
}
