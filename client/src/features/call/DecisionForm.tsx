import { useEffect, useId, useRef, useState } from 'react';
import type { MaterialSpec } from '@tongban/shared';
import { DECISION_LABELS, type DecisionOutcome, type DecisionRequest } from '@tongban/shared/review/session';
import { useI18n } from '../../i18n';
import { Button, Card, Dialog, InlineError } from '../../ui';
import type { DecisionSent, ReviewActions } from './reviewActions';

/** A material slot the reviewer may ask to be corrected. */
export type SlotChoice = Pick<MaterialSpec, 'code' | 'name'>;

/** A 补正 item made from a mark on the shared materials (转为补正事项): its material's slot, the reason (from the note), editable. */
export interface MarkItem {
  annotationId: string;
  slotCode: string;
  reason: string;
  /** Where the mark is, as people read it (第 2 页 · 框选). */
  where: string;
}

const OUTCOMES: DecisionOutcome[] = ['accept', 'request_correction', 'reject'];

/**
 * 第三步：审查结论. Nothing is preselected: the reviewer picks 受理 / 补正 / 不予受理, and a
 * confirmation restates the decision in words before it is sent. What the server refuses (e.g.
 * 受理 before the consent) is shown beside the submit button.
 */
export function DecisionForm({
  actions,
  open,
  materials,
  markItems = [],
  onMarkItems,
}: {
  actions: ReviewActions;
  open: boolean;
  materials: SlotChoice[];
  /** Items made from marks (the call's viewer adds them); each names its mark, so the notice prints its crop. */
  markItems?: MarkItem[];
  onMarkItems?(items: MarkItem[]): void;
}) {
  const { t, errorText } = useI18n();
  const ids = useId();
  const [outcome, setOutcome] = useState<DecisionOutcome | null>(null);
  const [reason, setReason] = useState('');
  const [slots, setSlots] = useState<string[]>([]);
  const [tried, setTried] = useState(false);
  /** Submits refused for missing fields: each moves the focus to the first field to fix. */
  const [refused, setRefused] = useState(0);
  const [confirming, setConfirming] = useState<DecisionRequest | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<DecisionSent | null>(null);
  const fields = useRef<HTMLDivElement>(null);
  // A mark just made into an item: the decision is a 补正, already chosen.
  const markCount = useRef(markItems.length);
  useEffect(() => {
    if (markItems.length > markCount.current) setOutcome('request_correction');
    markCount.current = markItems.length;
  }, [markItems.length]);
  // Once the messages are rendered: the eye and the screen reader land where the first one is.
  useEffect(() => {
    if (refused > 0) fields.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [refused]);

  const label = (o: DecisionOutcome) => t(DECISION_LABELS[o].zh, DECISION_LABELS[o].en);
  const slotName = (code: string) => materials.find((m) => m.code === code)?.name ?? code;
  const text = reason.trim();
  const problems = {
    outcome: !outcome && t('请选择审查结论：受理、补正或不予受理', 'Choose the decision: accept, correction or reject'),
    slots:
      outcome === 'request_correction' &&
      slots.length === 0 &&
      markItems.length === 0 &&
      t('请勾选至少一项需要补正的材料', 'Tick at least one material to correct'),
    marks:
      outcome === 'request_correction' &&
      markItems.some((m) => !m.reason.trim()) &&
      t('请写明每一项批注的补正原因', 'Say what to correct for each marked item'),
    reason:
      outcome !== null &&
      outcome !== 'accept' &&
      !(outcome === 'request_correction' && slots.length === 0) &&
      !text &&
      (outcome === 'reject'
        ? t('请写明不予受理的理由', 'Give the reason for rejecting')
        : t('请写明需要补正的原因', 'Say what to correct')),
  };
  const shown = (p: string | false) => tried && p;

  const submit = () => {
    setTried(true);
    setError(null);
    if (!outcome || problems.slots || problems.marks || problems.reason) {
      setRefused((n) => n + 1);
      return;
    }
    setConfirming(
      outcome === 'accept'
        ? { outcome, ...(text ? { note: text } : {}) }
        : outcome === 'reject'
          ? { outcome, reason: text }
          : {
              outcome,
              items: [
                ...markItems.map((m) => ({ slotCode: m.slotCode, reason: m.reason.trim(), annotationId: m.annotationId })),
                ...slots.map((slotCode) => ({ slotCode, reason: text })),
              ],
              ...(text ? { note: text } : {}),
            },
    );
  };

  const send = async (body: DecisionRequest) => {
    setConfirming(null);
    setBusy(true);
    try {
      setSent((await actions.decide(body)) ?? { delivery: 'delivered' });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (sent) {
    return (
      <Card title={t('第三步：审查结论', 'Step 3: decision')}>
        <p role="status">{t('审查结论已提交', 'The decision is submitted')}</p>
        {sent.delivery === 'retrying' && (
          <p className="muted" data-testid="decision-retrying">
            {t(
              '审查结论已在本站记录，受理站点暂不可达，正在重试送达',
              'The decision is recorded here; the intake site is unreachable for now and delivery is being retried',
            )}
          </p>
        )}
      </Card>
    );
  }

  const errorId = `${ids}-error`;
  return (
    <Card title={t('第三步：审查结论', 'Step 3: decision')}>
      <div ref={fields}>
        <fieldset
          className={shown(problems.outcome) ? 'decision-outcomes field-invalid' : 'decision-outcomes'}
          aria-describedby={shown(problems.outcome) ? `${ids}-outcome-error` : undefined}
        >
          <legend>{t('结论', 'Outcome')}</legend>
          {OUTCOMES.map((o, i) => (
            <label key={o} className="check-row">
              <input
                type="radio"
                name={`${ids}-outcome`}
                value={o}
                checked={outcome === o}
                onChange={() => setOutcome(o)}
                // The group's first radio takes the focus when the choice is missing.
                aria-invalid={i === 0 && shown(problems.outcome) ? true : undefined}
              />
              {label(o)}
            </label>
          ))}
          {shown(problems.outcome) && <InlineError id={`${ids}-outcome-error`}>{problems.outcome}</InlineError>}
        </fieldset>
        {outcome === 'request_correction' && (
          <fieldset className={shown(problems.slots) ? 'field-invalid' : undefined}>
            <legend>{t('需要补正的材料', 'Materials to correct')}</legend>
            {markItems.length > 0 && (
              <ul className="annotation-list" data-testid="decision-mark-items" aria-label={t('来自批注的补正事项', 'Items from marks')}>
                {markItems.map((m, i) => (
                  <li key={m.annotationId}>
                    <label className="field" style={{ flex: '1 1 16rem' }}>
                      <span className="field-label">
                        {t(
                          `${slotName(m.slotCode)}（批注：${m.where}）的补正原因`,
                          `${slotName(m.slotCode)} (mark: ${m.where}): what to correct`,
                        )}
                      </span>
                      <input
                        className="input"
                        value={m.reason}
                        maxLength={500}
                        aria-invalid={shown(problems.marks) && !m.reason.trim() ? true : undefined}
                        onChange={(e) => onMarkItems?.(markItems.map((x, j) => (j === i ? { ...x, reason: e.target.value } : x)))}
                      />
                    </label>
                    <Button onClick={() => onMarkItems?.(markItems.filter((_, j) => j !== i))}>
                      {t('移出补正清单', 'Remove from the list')}
                    </Button>
                  </li>
                ))}
              </ul>
            )}
            {shown(problems.marks) && <InlineError>{problems.marks}</InlineError>}
            {materials.map((m, i) => (
              <label key={m.code} className="check-row">
                <input
                  type="checkbox"
                  checked={slots.includes(m.code)}
                  onChange={(e) => setSlots(e.target.checked ? [...slots, m.code] : slots.filter((s) => s !== m.code))}
                  aria-invalid={i === 0 && shown(problems.slots) ? true : undefined}
                />
                {m.name}
              </label>
            ))}
            {shown(problems.slots) && <InlineError>{problems.slots}</InlineError>}
          </fieldset>
        )}
        <div className={shown(problems.reason) ? 'field field-invalid' : 'field'}>
          <label htmlFor={`${ids}-reason-input`} className="field-label">
            {outcome === null || outcome === 'accept'
              ? t('备注（可选）', 'Note (optional)')
              : outcome === 'request_correction' && slots.length === 0 && markItems.length > 0
                ? t('其他说明（可选）', 'Other remarks (optional)')
                : t('理由（必填）', 'Reason (required)')}
          </label>
          <textarea
            id={`${ids}-reason-input`}
            className="input"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            rows={3}
            aria-invalid={shown(problems.reason) ? true : undefined}
            aria-describedby={shown(problems.reason) ? `${ids}-reason` : undefined}
          />
          {shown(problems.reason) && <InlineError id={`${ids}-reason`}>{problems.reason}</InlineError>}
        </div>
      </div>
      <Button variant="primary" busy={busy} disabled={!open} aria-describedby={error ? errorId : undefined} onClick={submit}>
        {t('提交审查结论', 'Submit decision')}
      </Button>
      {error !== null && (
        <InlineError id={errorId} testId="decision-error">
          {errorText(error)}
        </InlineError>
      )}
      <Dialog
        open={confirming !== null}
        title={t('确认提交审查结论', 'Confirm the decision')}
        onClose={() => setConfirming(null)}
        actions={
          <>
            <Button onClick={() => setConfirming(null)}>{t('返回修改', 'Back')}</Button>
            <Button variant="primary" onClick={() => confirming && void send(confirming)}>
              {t('确认提交', 'Submit')}
            </Button>
          </>
        }
      >
        {confirming && (
          <dl className="decision-summary" data-testid="decision-summary">
            <dt>{t('审查结论', 'Decision')}</dt>
            <dd data-outcome={confirming.outcome}>
              <strong>{label(confirming.outcome)}</strong>
            </dd>
            {confirming.outcome === 'request_correction' && (
              <>
                <dt>{t('需要补正的材料', 'Materials to correct')}</dt>
                <dd>
                  <ul>
                    {confirming.items.map((i) => (
                      <li key={i.annotationId ?? i.slotCode}>
                        {slotName(i.slotCode)}
                        {i.annotationId && `：${i.reason}`}
                      </li>
                    ))}
                  </ul>
                </dd>
                {text && (
                  <>
                    <dt>{t('补正原因', 'What to correct')}</dt>
                    <dd>{text}</dd>
                  </>
                )}
              </>
            )}
            {confirming.outcome === 'reject' && (
              <>
                <dt>{t('不予受理理由', 'Reason for rejecting')}</dt>
                <dd>{confirming.reason}</dd>
              </>
            )}
            {confirming.outcome === 'accept' && confirming.note && (
              <>
                <dt>{t('备注', 'Note')}</dt>
                <dd>{confirming.note}</dd>
              </>
            )}
          </dl>
        )}
        <p className="muted">
          {t('提交后本次视频会审即结束，结论不能在此修改。', 'Submitting ends this video review; the decision cannot be changed here.')}
        </p>
      </Dialog>
    </Card>
  );
}
