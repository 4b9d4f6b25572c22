import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { useI18n } from '../../i18n';
import { Alert, Select } from '../../ui';
import { TrackMedia } from './CallView';

export interface FaceSource {
  key: string;
  label: string;
  track: MediaStreamTrack;
}

type PhotoState = { status: 'loading' } | { status: 'shown'; url: string; fromLayout: boolean } | { status: 'missing'; error: unknown };

/**
 * 人证比对: the ID photo exactly as the pre-check located it on the ID card scan, beside the live
 * camera picture of the applicant. When the pre-check found no photo, it says so and what to do —
 * never a guessed crop of the card.
 */
export function IdPhotoCompare({ load, faces }: { load: () => Promise<Response>; faces: FaceSource[] }) {
  const { t, errorText } = useI18n();
  const [photo, setPhoto] = useState<PhotoState>({ status: 'loading' });
  const [chosen, setChosen] = useState('');
  const face = faces.find((f) => f.key === chosen) ?? faces[0];

  useEffect(() => {
    let url: string | undefined;
    let live = true;
    void (async () => {
      try {
        const res = await load().catch((e: unknown) => {
          throw ApiError.network(e);
        });
        if (!res.ok) throw ApiError.fromBody(res.status, await res.json().catch(() => undefined));
        const fromLayout = res.headers.get('X-Id-Photo-Source') === 'layout';
        url = URL.createObjectURL(await res.blob());
        if (live) setPhoto({ status: 'shown', url, fromLayout });
      } catch (error) {
        if (live) setPhoto({ status: 'missing', error });
      }
    })();
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [load]);

  return (
    <div data-testid="id-compare">
      <div className="id-compare">
        <figure>
          {photo.status === 'shown' ? (
            <img src={photo.url} alt={t('预审定位的证件照片', 'ID photo located by the pre-check')} data-testid="id-photo" />
          ) : (
            <div className="id-compare-empty">
              {photo.status === 'loading' ? t('正在加载证件照片…', 'Loading the ID photo…') : t('无证件照片', 'No ID photo')}
            </div>
          )}
          <figcaption>{t('证件照片', 'ID photo')}</figcaption>
        </figure>
        <figure>
          {face ? (
            <TrackMedia track={face.track} muted label={t('申请人实时画面', 'Applicant live video')} />
          ) : (
            <div className="id-compare-empty">{t('等待申请人画面…', 'Waiting for the applicant’s video…')}</div>
          )}
          <figcaption>{t('实时画面', 'Live video')}</figcaption>
        </figure>
      </div>
      {photo.status === 'shown' && photo.fromLayout && (
        <p className="muted">
          {t(
            '照片位置按证件版面推算，边缘可能不准，请以原件为准。',
            'The photo’s position comes from the card layout; its edges may be off — check the original.',
          )}
        </p>
      )}
      {photo.status === 'missing' && (
        <Alert tone="warn">
          <span data-testid="id-photo-missing">{errorText(photo.error)}</span>
        </Alert>
      )}
      {faces.length > 1 && (
        <Select
          label={t('比对画面', 'Video to compare')}
          value={face?.key ?? ''}
          onChange={(e) => setChosen(e.target.value)}
          options={faces.map((f) => ({ value: f.key, label: f.label }))}
        />
      )}
    </div>
  );
}
