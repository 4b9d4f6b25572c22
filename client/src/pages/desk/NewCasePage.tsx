import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { CaseMutationResponse, CaseView, MaterialView, ServiceItem } from '@tongban/shared';
import { api, ApiError } from '../../api/client';
import { useCatalog, useOffices } from '../../api/reference';
import { MaterialsChecklist } from '../../components/materials/MaterialsChecklist';
import { useI18n } from '../../i18n';
import { localName } from '../../format';
import { Alert, Button, Card, PageHeader, useToast } from '../../ui';
import { itemForCase } from '@tongban/shared/catalog/caseItem';
import { ApplicantForm } from './ApplicantForm';
import {
  createCaseRequest,
  draftForItem,
  needsCompany,
  serverFieldErrors,
  validateApplicant,
  type ApplicantDraft,
  type FieldErrors,
} from './applicantForm';
import { ItemPicker } from './ItemPicker';

type Step = 'item' | 'applicant' | 'materials';
const STEPS: Array<{ id: Step; zh: string; en: string }> = [
  { id: 'item', zh: '1 选择事项', en: '1 Service item' },
  { id: 'applicant', zh: '2 申请人信息', en: '2 Applicant' },
  { id: 'materials', zh: '3 材料收取', en: '3 Materials' },
];

/**
 * 新建办件 wizard. The case is created when the applicant step is submitted, so each scan can be
 * uploaded (and deduplicated) into it straight away.
 */
export function NewCasePage() {
  const { t, lang, errorText } = useI18n();
  const toast = useToast();
  const navigate = useNavigate();
  const { items, error: catalogError } = useCatalog();
  const { officeName } = useOffices();
  const [step, setStep] = useState<Step>('item');
  const [item, setItem] = useState<ServiceItem>();
  const [draft, setDraft] = useState<ApplicantDraft>();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CaseView>();
  const [materials, setMaterials] = useState<MaterialView[]>([]);
  const stepHeading = useRef<HTMLHeadingElement>(null);

  // Each step starts with focus on its heading, so the keyboard user hears where they are.
  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current) stepHeading.current?.focus();
    mounted.current = true;
  }, [step]);

  const onUploaded = useCallback((m: MaterialView) => setMaterials((ms) => (ms.some((x) => x.id === m.id) ? ms : [...ms, m])), []);

  async function createCase(ev: FormEvent) {
    ev.preventDefault();
    if (!item || !draft) return;
    const found = validateApplicant(draft, needsCompany(item), t);
    setErrors(found);
    setSubmitError(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const r = await api.post<CaseMutationResponse>('/api/cases', createCaseRequest(item, draft));
      setCreated(r.case);
      setStep('materials');
      toast.show(t(`已创建办件 ${r.case.caseNo}，请收取材料`, `Case ${r.case.caseNo} created; now take in the materials`));
    } catch (e) {
      setSubmitError(e);
      if (e instanceof ApiError) setErrors(serverFieldErrors(e, t));
    } finally {
      setBusy(false);
    }
  }

  const current = STEPS.findIndex((s) => s.id === step);
  return (
    <>
      <PageHeader
        title={t('新建办件', 'New case')}
        subtitle={created ? t(`办件编号 ${created.caseNo}`, `Case no. ${created.caseNo}`) : t('跨省通办 · 收件', 'Cross-province intake')}
        actions={<Link to="/desk">{t('返回我的办件', 'Back to my cases')}</Link>}
      />
      <ol className="steps" aria-label={t('办理步骤', 'Steps')}>
        {STEPS.map((s, i) => (
          <li key={s.id} aria-current={i === current ? 'step' : undefined} className={i < current ? 'done' : undefined}>
            {t(s.zh, s.en)}
          </li>
        ))}
      </ol>

      {step === 'item' && (
        <Card>
          <h2 className="card-title" tabIndex={-1} ref={stepHeading}>
            {t('选择申请事项', 'Choose the service item')}
          </h2>
          {catalogError ? (
            <Alert tone="block">{errorText(catalogError)}</Alert>
          ) : !items ? (
            <p className="muted">{t('正在加载事项清单…', 'Loading the catalog…')}</p>
          ) : (
            <ItemPicker
              items={items}
              selected={item}
              onSelect={(i) => {
                setItem(i);
                setDraft((d) => draftForItem(i, d));
              }}
            />
          )}
          {item && (
            <div className="alert alert-info" style={{ marginTop: 16 }}>
              <strong>{localName(item, lang)}</strong>
              <div>
                {t('申请条件：', 'Conditions: ')}
                {item.conditions}
              </div>
              <div>
                {t('实施机关：', 'Handled by: ')}
                {officeName(item.handlingOfficeId)} · {t(`需 ${item.materials.length} 项材料`, `${item.materials.length} material(s)`)}
              </div>
            </div>
          )}
          <div className="wizard-nav">
            <span />
            <Button variant="primary" disabled={!item} onClick={() => setStep('applicant')}>
              {t('下一步：填写申请人', 'Next: applicant')}
            </Button>
          </div>
        </Card>
      )}

      {step === 'applicant' && item && draft && (
        <Card>
          <h2 className="card-title" tabIndex={-1} ref={stepHeading}>
            {t(`申请人信息 · ${item.name}`, `Applicant · ${localName(item, lang)}`)}
          </h2>
          {submitError != null && (
            <Alert tone="block" title={t('未能创建办件', 'The case was not created')}>
              {errorText(submitError)}
            </Alert>
          )}
          <form onSubmit={(e) => void createCase(e)} noValidate>
            <ApplicantForm item={item} draft={draft} errors={errors} onChange={setDraft} onErrors={setErrors} />
            <div className="wizard-nav">
              <Button onClick={() => setStep('item')}>{t('上一步', 'Back')}</Button>
              <Button type="submit" variant="primary" busy={busy}>
                {t('创建办件并收取材料', 'Create case and take materials')}
              </Button>
            </div>
          </form>
        </Card>
      )}

      {step === 'materials' && item && created && (
        <Card>
          <h2 className="card-title" tabIndex={-1} ref={stepHeading}>
            {t('收取申请材料', 'Take in the materials')}
          </h2>
          <p className="muted">
            {t(
              '逐项扫描或上传材料；支持 JPEG、PNG、PDF，可一次选择多页。',
              'Scan or upload each material: JPEG, PNG or PDF; several pages at once are fine.',
            )}
          </p>
          {/* The item as this case needs it: an agent's slots, another ID document's. */}
          <MaterialsChecklist
            caseId={created.id}
            item={itemForCase(item, created)}
            materials={materials}
            onUploaded={onUploaded}
            canUpload
          />
          <div className="wizard-nav">
            <Link to="/desk" className="btn btn-secondary">
              {t('稍后继续', 'Continue later')}
            </Link>
            <Button variant="primary" onClick={() => navigate(`/cases/${encodeURIComponent(created.id)}`)}>
              {t('完成收件，查看办件', 'Done: open the case')}
            </Button>
          </div>
        </Card>
      )}
    </>
  );
}
