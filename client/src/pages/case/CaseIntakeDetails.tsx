import { AGENT_RELATION_LABELS, ID_DOCUMENTS, RESULT_CHANNEL_LABELS, type CaseView } from '@tongban/shared';
import { useI18n } from '../../i18n';

/**
 * Rows of the 办件信息 list from intake: the applicant's ID document, the 代办人, how the result comes
 * back and where it is mailed. Numbers, phones and the street are in full only for the case's
 * participants (the server leaves them out for anyone else).
 */
export function ApplicantIdRow({ person }: { person: CaseView['applicant'] }) {
  const { t } = useI18n();
  const doc = ID_DOCUMENTS[person.idType];
  return (
    <>
      <dt>{t(doc.name.zh, doc.name.en)}</dt>
      <dd className="mono">{person.idNumber ?? person.idNumberMasked}</dd>
    </>
  );
}

export function CaseIntakeDetails({ c }: { c: CaseView }) {
  const { t } = useI18n();
  const { agent, mailingAddress: a, resultChannel } = c;
  return (
    <>
      {agent && (
        <>
          <dt>{t('代办人', 'Agent')}</dt>
          <dd>
            {agent.name}
            {t(`（${AGENT_RELATION_LABELS[agent.relation].zh}）`, ` (${AGENT_RELATION_LABELS[agent.relation].en})`)}
            <br />
            <span className="muted">{t(ID_DOCUMENTS[agent.idType].name.zh, ID_DOCUMENTS[agent.idType].name.en)}</span>{' '}
            <span className="mono">{agent.idNumber ?? agent.idNumberMasked}</span>
            <br />
            <span className="mono">{agent.phone ?? agent.phoneMasked}</span>
          </dd>
        </>
      )}
      {resultChannel && (
        <>
          <dt>{t('结果领取', 'Result')}</dt>
          <dd>{t(RESULT_CHANNEL_LABELS[resultChannel].zh, RESULT_CHANNEL_LABELS[resultChannel].en)}</dd>
        </>
      )}
      {a && (
        <>
          <dt>{t('收件地址', 'Mailing address')}</dt>
          <dd>
            {a.province}
            {a.city}
            {a.district}
            {a.detail ?? ''}
            <br />
            {t(`收件人 ${a.recipient}`, `Recipient ${a.recipient}`)} · <span className="mono">{a.phone ?? a.phoneMasked}</span>
          </dd>
        </>
      )}
    </>
  );
}
