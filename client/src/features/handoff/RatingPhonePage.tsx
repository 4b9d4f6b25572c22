import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { useApiData } from '../../api/useApiData';
import { useI18n } from '../../i18n';
import { Alert } from '../../ui';
import { PhonePage } from '../applicant/PhonePage';
import { handoffApi } from './handoffApi';
import { RatingPad } from './RatingPad';

/** /rate/:token — the applicant's phone page from the one-time link (no login). */
export default function RatingPhonePage() {
  const { token = '' } = useParams();
  const { t, errorText } = useI18n();
  const info = useApiData<{ caseNo: string; itemName: string; intakeOffice: string }>(`/api/ratings/${encodeURIComponent(token)}`);
  const [done, setDone] = useState(false);
  return (
    <PhonePage title={t('办事评价', 'Rate our service')}>
      {info.error !== undefined && <Alert tone="block">{errorText(info.error)}</Alert>}
      {info.data && !done && (
        <>
          <p>
            {info.data.itemName} · {t('办件编号', 'Case')} {info.data.caseNo}
            <br />
            {info.data.intakeOffice}
          </p>
          <RatingPad
            onSubmit={async (r) => {
              await handoffApi.rateByToken(token, r);
              setDone(true);
            }}
          />
        </>
      )}
      {done && <Alert tone="ok">{t('感谢您的评价！', 'Thank you for your rating!')}</Alert>}
    </PhonePage>
  );
}
