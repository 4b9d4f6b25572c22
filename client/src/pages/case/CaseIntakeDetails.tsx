import { AGENT_RELATION_LABELS, ID_DOCUMENTS, RESULT_CHANNEL_LABELS, type CaseView } from '@tongban/shared';
import { useI18n } from '../../i18n';
import { Fact } from './Fact';

/**
 * Rows of the 办件信息 list from intake: the applicant's ID document, the 代办人, how the result comes
 * back and where it is mailed. Numbers, phones and the street are in full only for the case's
 * participants (the server leaves them out for anyone else).
 */
export function ApplicantIdRow({ person }: { person: CaseView['applicant'] }) {
  const { t } = useI18n();
  const doc = ID_DOCUMENTS[person.idType];
  return (
    <Fact label={t(doc.name.zh, doc.name.en)}>
      <span className="mono">{person.idNumber ?? person.idNumberMasked}</span>
    </Fact>
  );
}

export function CaseIntakeDetails({ c }: { c: CaseView }) {
  const { t } = useI18n();
  const { agent, mailingAddress: a, resultChannel } = c;
  return (
    <>
      {agent && (
        <Fact label={t('代办人', 'Agent')}>
          {agent.name}
          {t(`（${AGENT_RELATION_LABELS[agent.relation].zh}）`, ` (${AGENT_RELATION_LABELS[agent.relation].en})`)}
          <br />
          <span className="muted">{t(ID_DOCUMENTS[agent.idType].name.zh, ID_DOCUMENTS[agent.idType].name.en)}</span>{' '}
          <span className="mono">{agent.idNumber ?? agent.idNumberMasked}</span>
          <br />
          <span className="mono">{agent.phone ?? agent.phoneMasked}</span>
        </Fact>
      )}
      {resultChannel && (
        <Fact label={t('结果领取', 'Result')}>{t(RESULT_CHANNEL_LABELS[resultChannel].zh, RESULT_CHANNEL_LABELS[resultChannel].en)}</Fact>
      )}
      {a && (
        <Fact label={t('收件地址', 'Mailing address')}>
          {a.province}
          {a.city}
          {a.district}
          {a.detail ?? ''}
          <br />
          {t(`收件人 ${a.recipient}`, `Recipient ${a.recipient}`)} · <span className="mono">{a.phone ?? a.phoneMasked}</span>
        </Fact>
      )}
    </>
  );
}
