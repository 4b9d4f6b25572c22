import { useMemo, useState } from 'react';
import { CASE_STATES, CASE_STATE_LABELS } from '@tongban/shared';
import type { DashboardView } from '@tongban/shared/dashboard/figures';
import { STEPS } from '@tongban/shared/cases/steps';
import { RATING_INDICATORS } from '@tongban/shared/handoff/ratingRules';
import { RATING_LEVELS } from '@tongban/shared/handoff/schemas';
import { useApiData } from '../../api/useApiData';
import { ChartFigure, type FigureSeries } from '../../components/ChartFigure';
import { formatDateTime, formatMinutes } from '../../format';
import { useI18n, type I18n } from '../../i18n';
import { Alert, Button, Card, PageHeader, Select, Stat } from '../../ui';

const PERIODS = [7, 30, 90] as const;
const percent = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);

/**
 * 监督看板: cases by state over time, on-time rate per office, ratings by level and indicator,
 * co-review waiting and abandonment, sessions per reviewer and second-opinion outcomes — each a
 * chart with its table view and CSV export.
 */
export function DashboardPage() {
  const { t, lang, errorText } = useI18n();
  const [days, setDays] = useState<number>(30);
  const { data, error, loading, reload } = useApiData<DashboardView>(`/api/dashboard?days=${days}`);
  return (
    <>
      <PageHeader
        title={t('监督看板', 'Supervision dashboard')}
        subtitle={
          data
            ? t(
                `${data.from} 至 ${data.to}，统计时间 ${formatDateTime(data.generatedAt, lang)}`,
                `${data.from} to ${data.to}, as of ${formatDateTime(data.generatedAt, lang)}`,
              )
            : undefined
        }
        actions={
          <>
            <Select
              label={t('统计期间', 'Period')}
              value={String(days)}
              onChange={(e) => setDays(Number(e.target.value))}
              options={PERIODS.map((d) => ({ value: String(d), label: t(`最近 ${d} 天`, `Last ${d} days`) }))}
            />
            <Button onClick={reload} busy={loading}>
              {t('刷新', 'Refresh')}
            </Button>
          </>
        }
      />
      {error != null && <Alert tone="block">{errorText(error)}</Alert>}
      {data && <DashboardBody data={data} t={t} />}
      {!data && !error && <p className="muted">{t('正在加载…', 'Loading…')}</p>}
    </>
  );
}

function DashboardBody({ data, t }: { data: DashboardView; t: I18n['t'] }) {
  const figures = useMemo(() => {
    const states = CASE_STATES.filter((s) => data.statesByDay.some((d) => d[s] > 0));
    return {
      days: data.statesByDay.map((d) => d.day.slice(5)),
      states: states.map((s): FigureSeries => ({
        label: t(CASE_STATE_LABELS[s].zh, CASE_STATE_LABELS[s].en),
        values: data.statesByDay.map((d) => d[s]),
      })),
      offices: data.onTimeByOffice.map((o) => o.officeName),
      onTime: [
        {
          label: t('按期办结率 %', 'On time %'),
          values: data.onTimeByOffice.map((o) => (o.rate === null ? null : Math.round(o.rate * 100))),
        },
      ],
      stepOffices: [...new Set(data.onTimeByOfficeStep.map((r) => r.officeName))],
      bySteps: STEPS.filter((st) => data.onTimeByOfficeStep.some((r) => r.step === st.code)).map((st): FigureSeries => ({
        label: t(st.label.zh, st.label.en),
        values: [...new Set(data.onTimeByOfficeStep.map((r) => r.officeName))].map((office) => {
          const r = data.onTimeByOfficeStep.find((x) => x.officeName === office && x.step === st.code);
          return r?.rate == null ? null : Math.round(r.rate * 100);
        }),
      })),
      levels: RATING_LEVELS.map((l) => t(l.zh, l.en)),
      byLevel: [
        { label: t('件数', 'Ratings'), values: RATING_LEVELS.map((l) => data.ratingsByLevel.find((r) => r.level === l.level)?.count ?? 0) },
      ],
      indicators: RATING_INDICATORS.map((i) => t(i.zh, i.en)),
      byIndicator: [
        {
          label: t('平均分', 'Average'),
          values: RATING_INDICATORS.map((i) => {
            const avg = data.ratingsByIndicator.find((r) => r.code === i.code)?.average ?? null;
            return avg === null ? null : Math.round(avg * 10) / 10;
          }),
        },
      ],
      reviewers: data.sessionsByReviewer.map((r) => r.reviewerName),
      perReviewer: [{ label: t('会审场次', 'Sessions'), values: data.sessionsByReviewer.map((r) => r.sessions) }],
      opinions: [t('同意', 'Agreed'), t('不同意', 'Disagreed'), t('待复核', 'Waiting')],
      byOpinion: [
        { label: t('件数', 'Samples'), values: [data.secondOpinions.agreed, data.secondOpinions.disagreed, data.secondOpinions.pending] },
      ],
    };
  }, [data, t]);
  const wait = (s: number | null) =>
    s === null ? '—' : s < 60 ? t(`${Math.round(s)} 秒`, `${Math.round(s)} s`) : formatMinutes(s / 60, t);

  return (
    <>
      <Card title={t('办件', 'Cases')}>
        <ChartFigure
          title={t('每日各状态办件数', 'Cases by state at the end of each day')}
          summary={t('按日统计的各状态办件数，堆叠柱状图', 'Stacked bars: cases in each state at the end of each day')}
          categories={figures.days}
          series={figures.states}
          stacked
          csvName="cases-by-state"
        />
        <ChartFigure
          title={t('各实施机关按期办结率', 'Cases finished on time, per handling office')}
          summary={t('各实施机关在办结时限内办结的比例', 'Share of cases each handling office finished by the deadline')}
          categories={figures.offices}
          series={figures.onTime}
          csvName="on-time-by-office"
          format={(v) => `${v}%`}
        />
        <ChartFigure
          title={t('各单位各环节按时率', 'Steps done on time, per office and step')}
          summary={t(
            '各单位负责的环节（受理推送、纸质材料寄出、收件核验、办理决定、结果回传、结果送达）按时完成的比例',
            'Share of the steps each office answers for (push, paper, check, decision, result back, result out) done by their due time',
          )}
          categories={figures.stepOffices}
          series={figures.bySteps}
          csvName="on-time-by-office-step"
          format={(v) => `${v}%`}
        />
      </Card>
      <Card title={t('视频会审', 'Video co-review')}>
        <div className="stat-grid">
          <Stat value={wait(data.coReview.waitMedianSeconds)} label={t('等候接单（中位数）', 'Wait for a reviewer (median)')} />
          <Stat value={wait(data.coReview.waitP90Seconds)} label={t('等候接单（90%）', 'Wait for a reviewer (p90)')} />
          <Stat
            value={percent(data.coReview.abandonRate)}
            label={t('未接单即撤回', 'Abandoned before answered')}
            alarm={(data.coReview.abandonRate ?? 0) > 0.2}
          />
          <Stat value={data.coReview.answered} label={t('已接单', 'Answered')} />
        </div>
        <ChartFigure
          title={t('各审核员会审场次', 'Sessions per reviewer')}
          summary={t('各审核员接单的视频会审场次', 'Co-review sessions each reviewer took')}
          categories={figures.reviewers}
          series={figures.perReviewer}
          csvName="sessions-per-reviewer"
        />
        <ChartFigure
          title={t('抽查复核结果', 'Second-opinion outcomes')}
          summary={t('抽查的会审结论中同意、不同意和待复核的件数', 'Sampled decisions agreed with, disagreed with and waiting')}
          categories={figures.opinions}
          series={figures.byOpinion}
          csvName="second-opinions"
        />
      </Card>
      <Card title={t('好差评', 'Service ratings')}>
        <ChartFigure
          title={t('各评价等级件数', 'Ratings per level')}
          summary={t('非常满意到非常不满意各等级的评价件数', 'Ratings from very satisfied to very dissatisfied')}
          categories={figures.levels}
          series={figures.byLevel}
          csvName="ratings-by-level"
        />
        <ChartFigure
          title={t('分项评价平均分', 'Average per indicator')}
          summary={t('各评价指标的平均分（1–5 分）', 'Average score of each indicator (1–5)')}
          categories={figures.indicators}
          series={figures.byIndicator}
          csvName="ratings-by-indicator"
        />
      </Card>
    </>
  );
}
